#!/usr/bin/env bash
# The GE format and parity tests (run by Maven's integration-test phase of the quality module, after its unit tests
# have written target/ge-validation-result.json and target/ge-parity/result.json): load every suite and that result
# with great_expectations, and run the parity suite through it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$("$here/ge_env.sh")"
cd "$here"
"$python" -m pytest -q -p no:cacheprovider test_ge_format.py test_ge_parity.py
