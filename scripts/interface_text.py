#!/usr/bin/env python3
"""Check the interface text typed outside the binary against the binary's own command tree.

Usage: python3 scripts/interface_text.py [--only=man] /path/to/strata

The truth is `strata __complete-spec --json` (cli/interface_spec.h): every command with its
options, each with its help text, its default (what the help's "(default: ...)" says), whether it
takes a value and the values it accepts. The shell completions and each man page's option items
are written from it at build time (scripts/completions.py, scripts/manpages.py), so what is left
to check is the prose typed beside them:
  man   man/*.in: a template's prose for an option (`.\" @OPTION --name@`, placed under the
        option's generated item) that states a default ("(default: ...)" or "Default: ...")
        gives the numbers of the help's default ("0.1" for a help's "0.03" is a drift, "else"
        for "then" is not; where the help names none, the prose may name an example's).
Prints each difference as "interface: FILE:LINE: ..." and "interface: N checked, M differ";
exits 1 when any differs, 2 on usage errors.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import manpages  # noqa: E402  the generator's reading of the tree and of a template

problems = []
checked = 0


def differ(where, message):
    problems.append("%s: %s" % (where, message))


def count():
    global checked
    checked += 1


# ---------------------------------------------------------------------------------------------
# man pages


def troff_text(text):
    text = re.sub(r"^\.(?:B|I|BR|RB|BI|IB|IR|RI|SM)\s+", "", text, flags=re.M)
    text = re.sub(r"^\.\S+.*$", "", text, flags=re.M)
    text = text.replace("\\-", "-").replace("\\(em", "-").replace("\\&", "").replace("\\e", "\\")
    text = re.sub(r"\\f[BIRP]", "", text)
    text = text.replace('"', "")
    return re.sub(r"\s+", " ", text).strip()


def default_tokens(text):
    """The numbers and the literal values (file names, settings) a default names."""
    text = re.sub(r"\b[a-z0-9.-]+\s?\((?:1|5|7)\)", "", text)  # page references: strata.toml(5)
    numbers = set(re.findall(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w-]|\.\w)", text))
    return numbers


def man_default(body):
    """What a prose's "(default: ...)" or "Default: ... ." states, or None."""
    m = re.search(r"\(default:? ", body)
    if m:
        depth = 0
        for j in range(m.start(), len(body)):
            if body[j] == "(":
                depth += 1
            elif body[j] == ")":
                depth -= 1
                if depth == 0:
                    return body[m.end() : j]
        return None
    m = re.search(r"\bDefault:? (.*?)(?:\.\s|\.$|$)", body)
    return m.group(1) if m else None


def check_man(spec):
    man_dir = os.path.join(ROOT, "man")
    for name in sorted(os.listdir(man_dir)):
        if not name.endswith(".in"):
            continue
        template = os.path.join(man_dir, name)
        for piece in manpages.parse(template):
            if piece[0] != "options":
                continue
            path = piece[1]
            options = spec.own_options(path) if path in spec.nodes else []
            for option_name, lines, n in piece[2]:
                option = next((o for o in options if option_name in o["names"]), None)
                stated = man_default(troff_text("\n".join(lines)))
                if option is None or stated is None or option["default"] is None:
                    continue
                count()
                want = default_tokens(option["default"])
                got = default_tokens(stated)
                # The prose may work out a default the help gives as a rule ("a fifth of
                # --size": 200 for 1000); a default the help gives as numbers it must repeat.
                if want - got or (want and got - want):
                    differ("man/%s:%d" % (name, n),
                           "%s (%s): the default stated here (%s) names %s; the help's (%s) names %s"
                           % (option_name, path, stated, sorted(got), option["default"], sorted(want)))


def main(argv):
    only = {"man"}
    args = []
    for a in argv:
        if a.startswith("--only="):
            only = set(a[len("--only="):].split(","))
        else:
            args.append(a)
    if len(args) != 1 or not only <= {"man"}:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        out = subprocess.run([args[0], "__complete-spec", "--json"], capture_output=True, text=True, check=True).stdout
        spec = manpages.Spec(json.loads(out))
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as e:
        print("interface: error: cannot read the command tree from %s __complete-spec --json: %s" % (args[0], e), file=sys.stderr)
        return 2
    check_man(spec)
    for p in problems:
        print("interface: " + p)
    print("interface: %d checked, %d differ" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
