# Sourced by bin/run and bin/test: find Python 3.12+, create .venv, install the project.
# shellcheck shell=bash

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python \
      python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    local python
    if ! python=$(find_python); then
      echo "This platform needs Python 3.12 or newer, and none was found: install it (for example 'pyenv install 3.12') or set PYTHON=/path/to/python3.12, then run this command again." >&2
      exit 1
    fi
    rm -rf .venv
    "$python" -m venv .venv
  fi
  # Reinstall only when the dependencies changed.
  local stamp
  stamp=$(sha256sum pyproject.toml | cut -c1-16)
  if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
    echo "Installing dependencies into .venv …"
    .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
    .venv/bin/python -m pip install --quiet -e ".[dev]" 2>&1 | grep -v '^WARNING: Location' || true
    .venv/bin/python -c 'import django, celery, rest_framework' # fail loudly if the install did not work
    echo "$stamp" > .venv/.installed
  fi
}
