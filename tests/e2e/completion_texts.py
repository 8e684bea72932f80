#!/usr/bin/env python3
"""What the shells show for each option, against the binary's command tree (tests/e2e/completions.sh).

Usage: completion_texts.py lines SHELL SPEC.json
           the command lines (fish) or command paths (zsh) to ask the shell about, one a line;
           bash: "PATH|OPTION" for each option whose value is one of fixed choices
       completion_texts.py check SHELL SPEC.json ANSWERS
           ANSWERS holds, for each of those lines, "@@ LINE" and then what the shell gave
           (fish: `complete -C` lines, CANDIDATE<TAB>DESCRIPTION; zsh: _strata_specs's reply,
           one spec a line; bash: the candidates, one a line)

SPEC.json is `strata __complete-spec --json`. check prints "ok N" when every option's
description (with its stated default) and every fixed list of values equal the tree's, else a
line per difference, and exits 1. The description a shell shows is the tree's whole, except that
the generator leaves the "(default: ...)" part out of a text longer than its MAX_WITH_DEFAULT
(scripts/completions.py; the shells show one line per option) and zsh starts it in lower case.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def max_with_default():
    text = open(os.path.join(ROOT, "scripts", "completions.py"), encoding="utf-8").read()
    return int(re.search(r"^MAX_WITH_DEFAULT = (\d+)", text, re.M).group(1))


def paths(tree):
    """(path, node, parent) for every command, the root's path ""."""
    out = []

    def walk(node, path, parent):
        out.append((path, node, parent))
        for sub in node["subcommands"]:
            walk(sub, (path + " " + sub["name"]).strip(), node)

    walk(tree, "", None)
    return out


def own_options(node, parent, path):
    """The options zsh's _strata_specs lists for `path`: a subcommand's without its command's."""
    if parent is None or " " not in path:
        return node["options"]
    inherited = {n for o in parent["options"] for n in o["names"]}
    return [o for o in node["options"] if not set(o["names"]) <= inherited]


def expected_text(option, limit):
    text = option["description"]
    if len(text) > limit and option["default"] is not None:
        text = text.replace(" (default: %s)" % option["default"], "")
    return text


def takes_fixed_value(option):
    return option["takes_value"] and not option["value_optional"] and option["choices"]


def words(path):
    return ("strata " + path).strip()


def lines(shell, tree):
    out = []
    for path, node, _ in paths(tree):
        if shell == "fish":
            out += [words(path) + " --", words(path) + " -"]
            out += [words(path) + " " + long_name(o) + " " for o in node["options"] if takes_fixed_value(o)]
        elif shell == "zsh":
            out.append(path)
        else:
            out += ["%s|%s" % (path, long_name(o)) for o in node["options"] if takes_fixed_value(o)]
    return out


def long_name(option):
    return next((n for n in option["names"] if n.startswith("--")), option["names"][-1])


def answers(path):
    """LINE -> the lines the shell gave for it."""
    out, current = {}, None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("@@ "):
            current = line[3:]
            out[current] = []
        elif current is not None and line:
            out[current].append(line)
    return out


def zsh_unescape(text):
    return re.sub(r"\\(.)", r"\1", text)


def zsh_parse(spec):
    """An _arguments spec as zsh expanded it: (option name, description, fixed values or None)."""
    m = re.match(r"^(?:\([^)]*\))?\*?(-[^=+\[]+)(?:=-|=|\+)?\[((?:\\.|[^\]\\])*)\](.*)$", spec)
    if not m:
        return None
    name, text, rest = m.group(1), zsh_unescape(m.group(2)), m.group(3)
    action = re.match(r"^:(?:\\.|[^:\\])*:\((.*)\)$", rest)
    return name, text, action.group(1).split() if action else None


def check(shell, tree, got):
    limit = max_with_default()
    problems, checked = [], 0

    def compare(what, want, have):
        nonlocal checked
        checked += 1
        if want != have:
            problems.append("%s: %s: expected %r, got %r" % (shell, what, want, have))

    for path, node, parent in paths(tree):
        if shell == "fish":
            shown = {}
            for line in got.get(words(path) + " --", []) + got.get(words(path) + " -", []):
                candidate, _, text = line.partition("\t")
                shown[candidate] = text
            for o in node["options"]:
                for name in o["names"]:
                    compare("'%s %s' description" % (words(path), name), expected_text(o, limit), shown.get(name))
                if takes_fixed_value(o):
                    values = sorted(l.split("\t")[0] for l in got.get(words(path) + " " + long_name(o) + " ", []))
                    compare("'%s %s' values" % (words(path), long_name(o)), sorted(o["choices"]), values)
        elif shell == "zsh":
            specs = {}
            for line in got.get(path, []):
                parsed = zsh_parse(line)
                if parsed is None:
                    problems.append("zsh: '%s': a spec this test cannot read: %r" % (path, line))
                    continue
                specs[parsed[0]] = parsed[1:]
            for o in own_options(node, parent, path):
                text = expected_text(o, limit)
                for name in o["names"]:
                    shown, values = specs.get(name, (None, None))
                    compare("'%s' %s description" % (words(path), name), text[:1].lower() + text[1:], shown)
                    if takes_fixed_value(o):
                        compare("'%s' %s values" % (words(path), name), sorted(o["choices"]), sorted(values or []))
        else:
            for o in node["options"]:
                if takes_fixed_value(o):
                    key = "%s|%s" % (path, long_name(o))
                    compare("'%s %s' values" % (words(path), long_name(o)), sorted(o["choices"]), sorted(got.get(key, [])))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok %d" % checked)
    return 0


def main(argv):
    if len(argv) < 4 or argv[1] not in ("lines", "check") or argv[2] not in ("fish", "zsh", "bash"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    tree = json.load(open(argv[3], encoding="utf-8"))
    if argv[1] == "lines":
        print("\n".join(lines(argv[2], tree)))
        return 0
    if len(argv) != 5:
        return 2
    return check(argv[2], tree, answers(argv[4]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
