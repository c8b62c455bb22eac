"""Print the Debian packages an offline machine may need to install NAMES, one per line.

`apt-cache depends --recurse` also follows every alternative of an or-group and every provider of a
virtual package (debconf-2.0 brings cdebconf, for instance), so a bundle built from it would install
packages nobody asked for. This walks the same graph but takes, for an or-group, its first member,
and for a virtual package the provider this machine has installed (else the first one), which is
what apt itself would pick on a fresh system of the same release. Essential packages are left out:
every Debian system has them, at least as new.

Usage: python3 bundle/debian_closure.py fonts-noto-cjk python3 python3-venv
"""

from __future__ import annotations

import subprocess
import sys

DEPENDS_FLAGS = [
    "--no-recommends",
    "--no-suggests",
    "--no-conflicts",
    "--no-breaks",
    "--no-replaces",
    "--no-enhances",
]


def apt_depends(packages: list[str]) -> dict[str, list[tuple[str, list[str]]]]:
    """For each package, its (dependency, providers) pairs, or-groups reduced to their first member."""
    out = subprocess.run(
        ["apt-cache", "depends", *DEPENDS_FLAGS, *packages], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    graph: dict[str, list[tuple[str, list[str]]]] = {}
    wanted: list[tuple[str, list[str]]] = []
    skip_alternative = False
    for line in out:
        if not line.startswith(" "):  # the next package's block
            wanted = graph.setdefault(line.strip(), [])
            skip_alternative = False
            continue
        if line.startswith("    "):  # a provider of the virtual package on the line before
            if wanted and wanted[-1][0].startswith("<"):
                wanted[-1][1].append(line.strip())
            continue
        kind, _, name = line.strip().partition(": ")
        if kind.lstrip("|") not in ("Depends", "PreDepends"):
            continue
        if not skip_alternative:
            wanted.append((name, []))
        skip_alternative = kind.startswith("|")
    return graph


def installed_packages() -> set[str]:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\\n"], capture_output=True, text=True
    ).stdout
    return {line.split()[0] for line in out.splitlines() if line.endswith("install ok installed")}


def essential_packages(packages: list[str]) -> set[str]:
    out = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", *packages], capture_output=True, text=True
    ).stdout
    found: set[str] = set()
    name = ""
    for line in out.splitlines():
        if line.startswith("Package: "):
            name = line.split(": ", 1)[1]
        elif line == "Essential: yes":
            found.add(name)
    return found


def closure(roots: list[str]) -> list[str]:
    installed = installed_packages()
    seen: set[str] = set()
    frontier = list(roots)
    while frontier:
        seen.update(frontier)
        following: set[str] = set()
        for pairs in apt_depends(frontier).values():
            for name, providers in pairs:
                if name.startswith("<"):
                    if not providers:
                        continue
                    name = next((p for p in providers if p in installed), providers[0])
                following.add(name.split(":")[0])
        frontier = sorted(following - seen)
    return sorted(seen - essential_packages(sorted(seen)))


if __name__ == "__main__":
    print("\n".join(closure(sys.argv[1:])))
