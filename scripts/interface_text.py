#!/usr/bin/env python3
"""Check the interface text typed outside the binary against the binary's own command tree.

Usage: python3 scripts/interface_text.py [--write] [--only=completions|man] /path/to/strata

The truth is `strata __complete-spec --json` (cli/interface_spec.h): every command with its
options, each with its help text, its default (what the help's "(default: ...)" says), whether it
takes a value and the values it accepts. Checked against it, in one pass:
  fish  completions/strata.fish: each `complete` line's options exist where its condition
        applies; its -d text is the help text, with or without its "(default: ...)"; it takes a
        value (-x/-r) exactly when the option does; a fixed -a list is the option's choices;
        commands and subcommands are described as the help lists them; every option of every
        command has a line.
  zsh   completions/_strata: the same for each _arguments spec ('--opt=[text]:msg:action'; the
        text may begin with a small letter), its ':' when a value is taken, and its (a b)
        or ((a\\:"..." b\\:"...")) list; commands and subcommands in the cmds/subcmds arrays.
  bash  completions/strata.bash: each <command>_opts list names exactly the command's options,
        arg_opts exactly the options that take a value, the command and subcommand lists
        exactly the binary's, and each --opt) branch of the value case offers the choices.
  man   man/strata-CMD.1: an OPTIONS (or migrate's SUBCOMMANDS) item that states a default
        gives the numbers and words of the help's default (troff and wording aside: "0.1" for a
        help's "0.03" is a drift, "else" for "then" is not).
--write rewrites the fish and zsh descriptions from the spec (the help text, its default kept
when the whole is at most 110 characters), leaving every other byte as it was; run it after
changing an option's help, then review the diff.
Prints each difference as "interface: FILE:LINE: ..." and "interface: N checked, M differ";
exits 1 when any differs, 2 on usage errors.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MAX_WITH_DEFAULT = 110

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


def without_default(text):
    m = re.search(r"\s*\(default: ", text)
    if not m:
        return text
    depth, i = 0, m.end() - len("(default: ")
    for j in range(i, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return (text[: m.start()] + text[j + 1 :]).strip()
    return text


def accepted_texts(option):
    full = option["description"]
    return {full, without_default(full)}


def written_text(description):
    return description if len(description) <= MAX_WITH_DEFAULT else without_default(description)


def same_text(written, option, first_letter_free=False):
    for want in accepted_texts(option):
        if written == want:
            return True
        if first_letter_free and written[:1].lower() == want[:1].lower() and written[1:] == want[1:]:
            return True
    return False


def describe_mismatch(written, option):
    return "says %r; the help says %r" % (written, option["description"])


def check_line(spec, where, paths, names, takes, values, desc, covered, write, first_letter_free):
    """One completion line's options (`names`) against the spec of each command in `paths`: the
    option exists, takes a value exactly when the binary's does, `values` (the fixed list
    offered, else None) are its choices, and `desc` is the help text of the first of those
    commands. Records the names in `covered`; returns the help text to write when `desc` differs."""
    fixed, text_checked = None, False
    for p in paths:
        for name in names:
            covered.add((p, name))
        option = spec.option(p, names[-1])
        if option is None:
            differ(where, "%s for 'strata %s': the binary has no such option" % ("/".join(names), p))
            continue
        count()
        label = "%s (strata %s)" % (names[-1], p)
        if takes != option["takes_value"] and not option.get("value_optional"):
            differ(where, "%s: %s" % (label, "takes a value in the binary but not here" if option["takes_value"]
                                      else "takes no value in the binary but does here"))
        if option["choices"] and values is not None and sorted(values) != sorted(option["choices"]):
            differ(where, "%s: offers %s; the binary accepts %s" % (label, values, option["choices"]))
        elif option["choices"] and values is None:
            differ(where, "%s: offers no values; the binary accepts %s" % (label, option["choices"]))
        if desc is not None and not text_checked and not same_text(desc, option, first_letter_free):
            fixed = option["description"]
            if not write:
                differ(where, "%s: %s" % (label, describe_mismatch(desc, option)))
        text_checked = True
    return fixed


# ---------------------------------------------------------------------------------------------
# fish


def fish_words(line):
    """Shell words of a fish line (quotes removed, \\' and \\\\ unescaped in '...')."""
    words, word, i, quote, in_word = [], "", 0, None, False
    while i < len(line):
        c = line[i]
        if quote == "'":
            if c == "\\" and i + 1 < len(line) and line[i + 1] in "'\\":
                word += line[i + 1]
                i += 2
                continue
            if c == "'":
                quote = None
            else:
                word += c
        elif quote == '"':
            if c == "\\" and i + 1 < len(line) and line[i + 1] in '"\\$':
                word += line[i + 1]
                i += 2
                continue
            if c == '"':
                quote = None
            else:
                word += c
        elif c in "'\"":
            quote, in_word = c, True
        elif c.isspace():
            if in_word:
                words.append(word)
            word, in_word = "", False
        elif c == "#" and not in_word:
            break
        else:
            word += c
            in_word = True
        i += 1
    if in_word:
        words.append(word)
    return words


def fish_condition_paths(condition, spec):
    """The commands a fish condition applies to, and which are subcommand listings."""
    m = re.fullmatch(r"__fish_seen_subcommand_from (\S+)", condition)
    if m:
        return spec.paths_under(m.group(1))
    m = re.fullmatch(r"__strata_command (.+)", condition)
    if m:
        return [p for c in m.group(1).split() for p in spec.paths_under(c)]
    m = re.fullmatch(r"__strata_migrate_sub(?: (\S+))?", condition)
    if m:
        return ["migrate" + (" " + m.group(1) if m.group(1) else "")]
    m = re.fullmatch(r"__strata_sub (\S+)(?: (\S+))?(?: \d+)?", condition)
    if m:
        return [" ".join(x for x in m.groups() if x)]
    if condition == "__strata_needs_command":
        return [""]
    return None


def check_fish(spec, write):
    path = os.path.join(ROOT, "completions", "strata.fish")
    lines = open(path, encoding="utf-8").read().split("\n")
    variables = {}
    covered = set()  # (command path, option name)
    for n, line in enumerate(lines, 1):
        where = "completions/strata.fish:%d" % n
        words = fish_words(line)
        if len(words) >= 4 and words[0] == "set" and words[1] == "-l":
            variables[words[2]] = words[3]
            continue
        if not words or words[0] != "complete" or "-n" not in words:
            continue
        condition = words[words.index("-n") + 1]
        condition = re.sub(r"\$(\w+)", lambda m: variables.get(m.group(1), m.group(0)), condition)
        paths = fish_condition_paths(condition.split(";")[0].strip(), spec)
        if paths is None:
            continue
        for left_out in re.findall(r"and not __fish_seen_subcommand_from (\S+)", condition):
            paths = [p for p in paths if p.split(" ")[1:2] != [left_out]]
        names, takes, values, desc, desc_index = [], False, None, None, None
        i = 1
        while i < len(words):
            w = words[i]
            if w in ("-s", "-l") and i + 1 < len(words):
                names.append(("-" if w == "-s" else "--") + words[i + 1])
                i += 1
            elif w in ("-x", "-r"):
                takes = True
            elif w == "-a" and i + 1 < len(words):
                values = words[i + 1]
                i += 1
            elif w == "-d" and i + 1 < len(words):
                desc, desc_index = words[i + 1], i + 1
                i += 1
            elif w in ("-n", "-c"):
                i += 1
            i += 1
        fixed_values = values.split() if values is not None and not values.startswith("(") else None
        if not names:
            # A command or subcommand: -a NAME -d TEXT where the condition lists them.
            if values and desc is not None and re.fullmatch(r"[a-z][a-z-]*", values):
                parent = paths[0] if condition.split(";")[0].strip() != "__strata_migrate_sub" else "migrate"
                sub = next((s for s in spec.subcommands(parent) if s["name"] == values), None) if parent in spec.commands else None
                if sub is None:
                    differ(where, "offers %r under %r, which the binary does not have" % (values, parent or "strata"))
                    continue
                count()
                if desc != sub["description"]:
                    if write:
                        lines[n - 1] = replace_fish_desc(line, sub["description"])
                    else:
                        differ(where, "%s %s: says %r; the help says %r" % (parent or "strata", values, desc, sub["description"]))
            continue
        fixed_description = check_line(spec, where, paths, names, takes, fixed_values, desc, covered, write, False)
        if write and fixed_description is not None:
            lines[n - 1] = replace_fish_desc(line, fixed_description)
    for p, command in spec.commands.items():
        for option in command["options"]:
            for name in option["names"]:
                if (p, name) not in covered:
                    differ("completions/strata.fish", "'%s' has no complete line" % " ".join(["strata", p, name]).replace("  ", " "))
    if write:
        open(path, "w", encoding="utf-8").write("\n".join(lines))


def replace_fish_desc(line, description):
    text = written_text(description).replace("\\", "\\\\").replace("'", "\\'")
    return re.sub(r"-d ('(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|\S+)\s*$", lambda m: "-d '" + text + "'", line)


# ---------------------------------------------------------------------------------------------
# zsh


def zsh_words(line):
    """(raw text, value) of each shell word of a zsh line: '...', "...", \\x and {a,b} outside
    quotes (a brace word gives one value per alternative)."""
    out, i = [], 0
    while i < len(line):
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "#":
            break
        start, values = i, [""]
        while i < len(line) and not line[i].isspace():
            c = line[i]
            if c == "'":
                j = line.index("'", i + 1) if "'" in line[i + 1 :] else len(line)
                values = [v + line[i + 1 : j] for v in values]
                i = j + 1
            elif c == '"':
                j = i + 1
                buf = ""
                while j < len(line) and line[j] != '"':
                    if line[j] == "\\" and j + 1 < len(line):
                        buf += line[j + 1]
                        j += 2
                    else:
                        buf += line[j]
                        j += 1
                values = [v + buf for v in values]
                i = j + 1
            elif c == "\\" and i + 1 < len(line):
                values = [v + line[i + 1] for v in values]
                i += 2
            elif c == "{" and "}" in line[i:] and "," in line[i : line.index("}", i)]:
                j = line.index("}", i)
                values = [v + alt for v in values for alt in line[i + 1 : j].split(",")]
                i = j + 1
            else:
                values = [v + c for v in values]
                i += 1
        out.append((start, i, values))
    return out


ZSH_SPEC = re.compile(r"^(\([^)]*\))?(\*)?(-[-\w]*?)(\+|=-?)?\[((?:\\.|[^\]\\])*)\](.*)$")


def zsh_unescape(text):
    return re.sub(r"\\(.)", r"\1", text)


def zsh_choices(rest):
    """The fixed values an _arguments action offers, else None."""
    m = re.match(r":[^:]*:(.*)$", rest.lstrip(":") and rest[1:] if rest.startswith("::") else rest)
    if not m:
        return None
    action = m.group(1).strip()
    if action.startswith("((") and action.endswith("))"):
        return re.findall(r'(\S+?)\\:"[^"]*"', action[2:-2])
    if action.startswith("(") and action.endswith(")"):
        return action[1:-1].split()
    return None


def zsh_escape(description):
    text = description.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")
    return text.replace("'", "'\\''")


def zsh_small_letter(description):
    first = description.split(" ")[0]
    if len(first) > 1 and first[1:].islower() and first[0].isupper():
        return description[0].lower() + description[1:]
    return description


def check_zsh(spec, write):
    path = os.path.join(ROOT, "completions", "_strata")
    lines = open(path, encoding="utf-8").read().split("\n")
    function, array, case = None, None, None
    covered = set()
    for n, line in enumerate(lines, 1):
        where = "completions/_strata:%d" % n
        m = re.match(r"^(_strata\w*)\(\) \{", line)
        if m:
            function, array, case = m.group(1), None, None
            continue
        m = re.match(r"^(_strata_answer_specs)=\($", line)
        if m:
            function, array, case = None, "answer", None
            continue
        m = re.match(r"^\s+local -a ", line)
        m2 = re.match(r"^\s+(\w+)=\($", line)
        if m2 and function:
            array = m2.group(1)
            continue
        if re.match(r"^\s*\)$", line):
            array = None
            if function is None:
                function = "done"
            continue
        if line.startswith("}"):
            function, array, case = None, None, None
            continue
        m = re.match(r"^\s+\(([a-z|]+)\)", line)
        if m and function and array is None:
            case = m.group(1)
        # Which commands this line's specs describe.
        if array == "answer":
            paths = ["ask", "chat"]
        elif function in (None, "done") or function in ("_strata_versions", "_strata_json_strings", "_strata_store_names",
                                                         "_strata_collection_names", "_strata_document_sources"):
            continue
        else:
            command = function[len("_strata_"):] if function != "_strata" else ""
            if command not in spec.commands:
                continue
            if array in ("cmds", "subcmds"):
                m = re.match(r"^\s+'([a-z-]+):(.*)'$", line.replace("'\\''", "\x00"))
                if m:
                    name, text = m.group(1), zsh_unescape(m.group(2).replace("\x00", "'"))
                    sub = next((s for s in spec.subcommands(command) if s["name"] == name), None)
                    if sub is None:
                        differ(where, "lists %r under %r, which the binary does not have" % (name, command or "strata"))
                        continue
                    count()
                    want = sub["description"]
                    if not (text == want or text == zsh_small_letter(want)):
                        if write:
                            raw = m.group(2).replace("\x00", "'\\''")
                            lines[n - 1] = line.replace(raw, zsh_small_letter(want).replace("'", "'\\''"), 1)
                        else:
                            differ(where, "%s %s: says %r; the help says %r" % (command or "strata", name, text, want))
                continue
            if array in ("common", "opts"):
                paths = spec.paths_under(command)
            elif case and command:
                paths = [command + " " + c for c in case.split("|") if command + " " + c in spec.commands] or [command]
            elif command and "case $words[1]" not in "\n".join(lines[max(0, n - 40):n]):
                paths = spec.paths_under(command)
            else:
                paths = [command]
        new_line = line
        for start, end, values in zsh_words(line):
            specs = [ZSH_SPEC.match(v) for v in values]
            if not specs or not all(specs):
                continue
            names = [s.group(3) for s in specs]
            desc = zsh_unescape(specs[0].group(5))
            rest = specs[0].group(6)
            takes = rest.startswith(":") or (specs[0].group(4) or "").startswith("=")
            fixed = check_line(spec, where, paths, names, takes, zsh_choices(rest), desc, covered, write, True)
            if write and fixed is not None:
                raw = line[start:end]
                open_at = raw.index("[")
                close_at = open_at + 1
                while raw[close_at] != "]":
                    close_at += 2 if raw[close_at] == "\\" else 1
                new_raw = raw[: open_at + 1] + zsh_escape(zsh_small_letter(written_text(fixed))) + raw[close_at:]
                new_line = new_line.replace(raw, new_raw, 1)
        lines[n - 1] = new_line
    for p, command in spec.commands.items():
        for option in command["options"]:
            for name in option["names"]:
                if (p, name) not in covered:
                    differ("completions/_strata", "'%s' has no _arguments spec" % " ".join(["strata", p, name]).replace("  ", " "))
    if write:
        open(path, "w", encoding="utf-8").write("\n".join(lines))


# ---------------------------------------------------------------------------------------------
# bash


def check_bash(spec):
    path = os.path.join(ROOT, "completions", "strata.bash")
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    lists = {}
    for n, line in enumerate(lines, 1):
        m = re.match(r'^\s+local (\w+)="([^"$]*)"$', line)
        if m:
            lists[m.group(1)] = (n, m.group(2).split())

    def compare(var, want, what):
        if var not in lists:
            differ("completions/strata.bash", "no %s list (%s)" % (var, what))
            return
        n, got = lists[var]
        count()
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        if missing or extra:
            differ("completions/strata.bash:%d" % n, "%s (%s): missing %s, not in the binary %s" % (var, what, missing, extra))

    def names(path):
        return [name for o in spec.commands[path]["options"] for name in o["names"]]

    compare("commands", [s["name"] for s in spec.subcommands("")], "the commands")
    compare("top_opts", names(""), "strata's own options")
    compare("subcommands", [s["name"] for s in spec.subcommands("migrate")], "migrate's subcommands")
    compare("common_opts", names("migrate"), "migrate's options")
    for command in spec.subcommands(""):
        name = command["name"]
        if name == "migrate":
            continue
        compare(name + "_opts", names(name), "strata %s's options" % name)
        if command["subcommands"] and name + "_subs" in lists:
            compare(name + "_subs", [s["name"] for s in command["subcommands"]], "strata %s's subcommands" % name)
    value_options = sorted({name for c in spec.commands.values() for o in c["options"]
                            if o["takes_value"] and not o.get("value_optional") for name in o["names"]})
    optional = {name for c in spec.commands.values() for o in c["options"] if o.get("value_optional") for name in o["names"]}
    if "arg_opts" in lists:  # an option whose value is optional may be in arg_opts or not
        n, got = lists["arg_opts"]
        lists["arg_opts"] = (n, [x for x in got if x not in optional])
    compare("arg_opts", value_options, "the options that take a value")
    # migrate's subcommands: `sub) sub_opts="..." ;;`
    for n, line in enumerate(lines, 1):
        m = re.match(r'^\s+([a-z]+)\) sub_opts="([^"]*)" ;;$', line)
        if m and "migrate " + m.group(1) in spec.commands:
            count()
            own = set(names("migrate " + m.group(1))) - set(names("migrate"))
            got = set(m.group(2).split())
            if own != got:
                differ("completions/strata.bash:%d" % n, "migrate %s: lists %s; its own options are %s" % (m.group(1), sorted(got), sorted(own)))
    # The value case: each `--opt)` branch up to `;;` offers the option's choices.
    branches = re.findall(r"\n {12}([-\w |]+)\)\n(.*?)\n {16};;", text, re.S)
    for label, body in branches:
        for name in [x.strip() for x in label.split("|")]:
            for p, command in spec.commands.items():
                option = next((o for o in command["options"] if name in o["names"]), None)
                if option is None or not option["choices"]:
                    continue
                count()
                offered = set(w for lst in re.findall(r'"([^"$]*)(?:\$\w+)?"', body) for w in lst.split())
                missing = sorted(set(option["choices"]) - offered)
                if missing:
                    differ("completions/strata.bash", "%s (strata %s): does not offer %s" % (name, p, missing))


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
    write = "--write" in argv
    only = {"completions", "man"}
    args = []
    for a in argv:
        if a.startswith("--only="):
            only = set(a[len("--only="):].split(","))
        elif a != "--write":
            args.append(a)
    if len(args) != 1 or not only <= {"completions", "man"}:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        out = subprocess.run([args[0], "__complete-spec", "--json"], capture_output=True, text=True, check=True).stdout
        spec = Spec(json.loads(out))
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as e:
        print("interface: error: cannot read the command tree from %s __complete-spec --json: %s" % (args[0], e), file=sys.stderr)
        return 2
    if "completions" in only:
        check_fish(spec, write)
        check_zsh(spec, write)
        check_bash(spec)
    if "man" in only:
        check_man(spec)
    for p in problems:
        print("interface: " + p)
    print("interface: %d checked, %d differ" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
