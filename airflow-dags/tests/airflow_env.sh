#!/usr/bin/env bash
# Creates (once) the virtualenv with Airflow 3 and its Spark provider for the DAG tests, and prints its python.
# Safe to run twice at once: the second waits for the first (CI starts it early, in the background).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${LAKEHOUSE_AIRFLOW_VENV:-$HOME/.cache/profit-os-lakehouse/airflow-venv}"
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
stamp="$venv/.requirements"
if ! cmp -s "$here/requirements.txt" "$stamp" || ! "$venv/bin/python" -c "import airflow, pytest" >/dev/null 2>&1; then
  echo "airflow-env: creating $venv ..." >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$stamp"
fi
echo "$venv/bin/python"
