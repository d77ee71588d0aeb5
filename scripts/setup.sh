#!/usr/bin/env bash
# Create .venv and install rasid with its test dependencies; install the Debian
# packages fast PDF printing needs when we are allowed to (root, apt available).
set -euo pipefail
cd "$(dirname "$0")/.."
# The interpreter: $PYTHON if set; else the distribution's own python3 when it is 3.11 or newer
# and can make a venv (Debian's optimised build ran receipt printing and collecting 5–13 % faster
# than a plain source build such as pyenv's, measured on the same machine); else python3 on PATH.
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    if /usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        PYTHON=/usr/bin/python3
    fi
fi

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    missing=()
    for pkg in libharfbuzz-subset0 poppler-utils; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing Debian packages: ${missing[*]}"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") \
            >/dev/null 2>&1 || echo "warning: could not install ${missing[*]} (PDF printing will be slower)"
    fi
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]'
