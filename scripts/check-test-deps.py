#!/usr/bin/env python3
"""Checks that every command the test suite calls comes from a package scripts/install-deps.sh
installs, so that the README's test command works on a fresh Debian 12 machine and not only on
one where the tools happen to be present (as on CI's).

The scan: every word of the test scripts (tests/, scripts/, fuzz/run.sh, .ci/run; comments left
out; in Python and JavaScript files only the words inside string literals) that names an
executable in /usr/bin, /bin, /usr/sbin or /sbin here is a command the tests may call. Each is
mapped to the Debian package that owns it (dpkg's file lists, through symlinks and
alternatives), and that package must be in what a fresh Debian 12 root would then hold: the
packages debootstrap's minbase installs (Priority: required, Essential, apt) plus
`install-deps.sh --test --list` and everything they depend on (dpkg's status of this machine,
alternatives taken as installed here). A word that names a command only by accident, or a
command the tests call only when present, is listed in NOT_NEEDED below with the reason.

Usage: python3 scripts/check-test-deps.py [-v]    (-v: print each command with its package)
Prints "check-test-deps: N commands, all from packages install-deps.sh installs" or one error
line per command that is not; exits 1 then (2 when dpkg's database cannot be read).
With --needed FILE, also writes the packages the commands come from, one a line (what
scripts/package-test.sh checks against Debian's own archive in a clean root).
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DIRS = ("/usr/bin", "/bin", "/usr/sbin", "/sbin")
DPKG_INFO = "/var/lib/dpkg/info"

# Words the scripts hold that name an executable here but that a fresh machine need not have:
# not a call of it, or a call made only when it is there (the case skips otherwise, as for pandoc).
NOT_NEEDED = {
    "git": "cli.sh runs it only when present (a clone has it; a tarball is tested without)",
    "pandoc": "ingest_formats.sh converts with it only when present (a large package; skipped otherwise)",
    "clang": "named in messages; the fuzz build calls clang-14 (package clang-14)",
    "init": "folder names (db/init) and git init, run only when git is present",
    "view": "SQL views in the migrate tests",
    "opt": "a loop variable (for opt in --store ...)",
    "zip": "zip archives as documents (office_docs.py writes them with Python's zipfile)",
    "route": "a method and a message of the test servers",
    "red": "a word of test documents",
    "convert": "a word of test documents and answers",
    "tc": "an XML element (w:tc) and namespace of office_docs.py",
    "editor": "a word of chat_pty.py's questions; its $EDITOR is a script the test writes",
    "less": "a word of ask.sh's expected hint (pipe less text)",
    "open": "a word of the tests (a store that cannot be opened, Python's open() in heredocs); never xdg-utils' open",
}

SCANNED = ["tests/**/*.sh", "tests/**/*.py", "tests/**/*.mjs", "tests/CMakeLists.txt",
           "scripts/*.sh", "scripts/*.py", "fuzz/run.sh", ".ci/run"]
WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")
STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|`(?:[^`\\]|\\.)*`")


def words_of(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if path.endswith((".py", ".mjs")):
        return {w for s in STRING.findall(text) for w in WORD.findall(s)}
    words = set()
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line)  # a comment, not ${#x} or a '#' inside a word
        words.update(WORD.findall(line))
    return words


def scanned_words():
    """word -> the files that hold it, those that name it by its path (/usr/bin/time) first."""
    words = {}
    for pattern in SCANNED:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            if os.path.abspath(path) == os.path.abspath(__file__):
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            rel = os.path.relpath(path, ROOT)
            for w in words_of(path):
                files = words.setdefault(w, [])
                if "bin/" + w in text:
                    files.insert(0, rel)
                else:
                    files.append(rel)
    return words


def where(files):
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    return ", ".join(files[:3]) + more


def owners_of(paths):
    """path -> package for the given paths, from dpkg's file lists."""
    owners = {}
    for listing in glob.glob(os.path.join(DPKG_INFO, "*.list")):
        pkg = os.path.basename(listing)[:-5].split(":")[0]
        with open(listing, encoding="utf-8", errors="replace") as f:
            for line in f:
                p = line.rstrip("\n")
                if p in paths:
                    owners[p] = pkg
    return owners


def spellings(path):
    """The names dpkg may know a file by: as found, resolved, and across the /usr merge."""
    names = [path, os.path.realpath(path)]
    for n in list(names):
        if n.startswith("/usr/"):
            names.append(n[4:])
        else:
            names.append("/usr" + n)
    # A symlink chain (alternatives) passes through files of other packages; the last link is
    # the one its package ships.
    p = path
    for _ in range(8):
        if not os.path.islink(p):
            break
        p = os.path.join(os.path.dirname(p), os.readlink(p))
        names.append(os.path.normpath(p))
    return names


def installed_packages():
    fmt = "${Package}\\t${Status}\\t${Priority}\\t${Essential}\\t${Provides}\\t${Pre-Depends}, ${Depends}\\n"
    out = subprocess.run(["dpkg-query", "-W", "-f=" + fmt], capture_output=True, text=True, check=True).stdout
    pkgs = {}
    providers = {}
    for line in out.splitlines():
        name, status, priority, essential, provides, depends = (line.split("\t") + [""] * 6)[:6]
        if not status.endswith(" installed"):
            continue
        pkgs[name] = (priority, essential, depends)
        for v in provides.split(","):
            v = re.sub(r"\(.*?\)", "", v).strip().split(":")[0]
            if v:
                providers.setdefault(v, []).append(name)
    return pkgs, providers


def closure(roots, pkgs, providers):
    def installed(name):
        name = name.split(":")[0]
        if name in pkgs:
            return [name]
        return providers.get(name, [])

    seen = set()
    todo = [r for r in roots if r in pkgs]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        for dep in pkgs[p][2].split(","):
            # apt takes the first alternative it can; here, the first one installed.
            for alt in dep.split("|"):
                alt = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alt).strip()
                found = installed(alt) if alt else []
                if found:
                    todo.extend(found)
                    break
    return seen


def main():
    verbose = "-v" in sys.argv
    needed_file = sys.argv[sys.argv.index("--needed") + 1] if "--needed" in sys.argv else None
    words = scanned_words()
    commands = {}
    for w in sorted(words):
        if w in NOT_NEEDED:
            continue
        for d in BIN_DIRS:
            p = os.path.join(d, w)
            if os.path.isfile(p) and os.access(p, os.X_OK):
                commands[w] = p
                break
    wanted = {n for p in commands.values() for n in spellings(p)}
    try:
        owners = owners_of(wanted)
        pkgs, providers = installed_packages()
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"check-test-deps: error: cannot read dpkg's database: {e}", file=sys.stderr)
        return 2
    listed = subprocess.run(["bash", os.path.join(ROOT, "scripts/install-deps.sh"), "--test", "--list"],
                            capture_output=True, text=True, check=True).stdout.split()
    base = [p for p, (prio, ess, _) in pkgs.items() if prio == "required" or ess == "yes"] + ["apt"]
    fresh = closure(base + listed, pkgs, providers)

    errors = []
    needed = set()
    for w, p in commands.items():
        pkg = next((owners[n] for n in spellings(p) if n in owners), None)
        if verbose:
            print(f"{w:24} {p:32} {pkg or '(no package)'}")
        if pkg is None:
            errors.append(f"the tests call {w} ({p}, in {where(words[w])}), which no Debian package provides here; "
                          f"install it from a package install-deps.sh lists, or add the word to NOT_NEEDED "
                          f"in scripts/check-test-deps.py if it is not a command there")
        elif pkg not in fresh:
            errors.append(f"the tests call {w} ({p}, in {where(words[w])}), from the Debian package {pkg}, "
                          f"which scripts/install-deps.sh --test does not install; add {pkg} to its test list")
        else:
            needed.add(pkg)
    if needed_file:
        with open(needed_file, "w") as f:
            f.write("".join(p + "\n" for p in sorted(needed)))
    for e in errors:
        print(f"check-test-deps: error: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"check-test-deps: {len(commands)} commands, all from packages install-deps.sh installs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
