#!/usr/bin/env bash
# Creates (once) the Python environment with great_expectations for the GE format test and prints its python.
# Safe to run twice at once: the second waits for the first (CI starts it early, in the background).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GE_VENV:-$HOME/.cache/profit-os-lakehouse/ge-venv}"
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if ! "$venv/bin/python" -c "import great_expectations, pytest" >/dev/null 2>&1; then
  echo "ge-format: creating $venv with $(sed -n 2p "$here/requirements.txt") ..." >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
fi
echo "$venv/bin/python"
