#!/usr/bin/env python3
"""Check the interface text typed outside the binary against the binary's own command tree.

Usage: python3 scripts/interface_text.py [--only=man] /path/to/strata

The truth is `strata __complete-spec --json` (cli/interface_spec.h): every command with its
options, each with its help text, its default (what the help's "(default: ...)" says), whether it
takes a value and the values it accepts. The shell completions are written from it at build time
(scripts/completions.py); the man pages are typed, and checked against it here:
  man   man/strata-CMD.1: an OPTIONS (or migrate's SUBCOMMANDS) item that states a default
        gives the numbers and words of the help's default (troff and wording aside: "0.1" for a
        help's "0.03" is a drift, "else" for "then" is not).
Prints each difference as "interface: FILE:LINE: ..." and "interface: N checked, M differ";
exits 1 when any differs, 2 on usage errors.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

problems = []
checked = 0


def differ(where, message):
    problems.append("%s: %s" % (where, message))


def count():
    global checked
    checked += 1


# ---------------------------------------------------------------------------------------------
# the spec


class Spec:
    def __init__(self, tree):
        self.commands = {}  # "migrate up" -> command (the root is "")
        self._walk(tree, "")

    def _walk(self, command, path):
        self.commands[path] = command
        for sub in command["subcommands"]:
            self._walk(sub, (path + " " + sub["name"]).strip())

    def paths_under(self, path):
        """`path` and every command below it."""
        return [p for p in self.commands if p == path or p.startswith(path + " ")]

    def option(self, path, name):
        """The option `name` of `path`, else of the nearest command above it that has it."""
        while True:
            command = self.commands.get(path)
            if command is not None:
                for o in command["options"]:
                    if name in o["names"]:
                        return o
            if not path:
                return None
            path = path.rpartition(" ")[0]

    def subcommands(self, path):
        return self.commands[path]["subcommands"]


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
    m = re.search(r"\(default:? ", body)
    if not m:
        return None
    depth = 0
    for j in range(m.start(), len(body)):
        if body[j] == "(":
            depth += 1
        elif body[j] == ")":
            depth -= 1
            if depth == 0:
                return body[m.end() : j]
    return None


def check_man(spec):
    for command in spec.subcommands(""):
        page = os.path.join(ROOT, "man", "strata-%s.1" % command["name"])
        if not os.path.exists(page):
            continue
        lines = open(page, encoding="utf-8").read().split("\n")
        section, items = None, []
        for n, line in enumerate(lines, 1):
            if line.startswith(".SH "):
                section = line[4:].strip('"')
                continue
            if section not in ("OPTIONS", "SUBCOMMANDS"):
                continue
            if line.startswith(".TP"):
                items.append([n, None, []])
            elif items and items[-1][1] is None and not line.startswith(".PD"):
                items[-1][1] = line
            elif items and (line.startswith(".SS") or line.startswith(".SH")):
                items.append([n, "", []])
            elif items:
                items[-1][2].append(line)
        for n, tag, body in items:
            if not tag:
                continue
            tag_names = re.findall(r"(?:^|[\s\"(|,\[])(--?[A-Za-z0-9][A-Za-z0-9-]*)", tag.replace("\\-", "-").replace("\\fB", " ").replace("\\fR", ""))
            stated = man_default(troff_text("\n".join(body)))
            if stated is None or not tag_names:
                continue
            for p in spec.paths_under(command["name"]):
                option = spec.option(p, tag_names[0])
                if option is None or option["default"] is None:
                    continue
                count()
                want = default_tokens(option["default"])
                got = default_tokens(stated)
                if want != got:
                    differ("man/strata-%s.1:%d" % (command["name"], n),
                           "%s (strata %s): the default stated here (%s) names %s; the help's (%s) names %s"
                           % (tag_names[0], p, stated, sorted(got), option["default"], sorted(want)))
                break


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
        spec = Spec(json.loads(out))
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
