#!/usr/bin/env python3
"""Write the shell completion scripts from the binary's command tree (run by the build).

Usage: python3 scripts/completions.py SPEC.json TEMPLATE_DIR OUT_DIR
       python3 scripts/completions.py --binary STRATA TEMPLATE_DIR OUT_DIR

SPEC.json is `strata __complete-spec --json` (cli/interface_spec.h; --binary runs it): every command with its
options, each with its help text, whether it takes a value, the values it accepts and what it
excludes. Each template in TEMPLATE_DIR (strata.bash.in, strata.fish.in, _strata.in) holds what
the tree cannot say (how a command line is read, where a store's names come from, what a
positional argument is) and marker lines `@NAME@` where this script writes, from the tree:
  bash  @BASH_LISTS@   the command, subcommand and option lists and the value-taking options;
        @BASH_VALUES@  the function that completes an option's value;
  fish  @FISH_VALUE_OPTIONS@ the options that take a value;
        @FISH_OPTIONS@ a `complete` line for every command, subcommand and option;
  zsh   @ZSH_SPECS@    the functions that give each command's _arguments specs and the
                       descriptions of its subcommands.
How a value completes (a file, a folder, a collection, a migration version, a variable's name)
is the table VALUE_KINDS below; a fixed list of accepted values comes from the tree itself.
So a new option or command, or a changed help text, reaches every shell with the next build.
Exits 2 on a template without its markers or an unknown value kind.
"""
import json
import os
import re
import subprocess
import sys

# A help text longer than this is written without its "(default: ...)" part (the shells show
# one line per option).
MAX_WITH_DEFAULT = 110

# How an option's value completes, by option name; a (command path, option) key overrides it
# for that command (and the commands below it). Options with choices in the tree complete them;
# any other value-taking option completes nothing (free text).
EMBED_MODELS = ("hash-ngram-v2 hash-ngram-v1 text-embedding-3-small text-embedding-3-large "
                "text-embedding-ada-002 nomic-embed-text mxbai-embed-large all-minilm bge-m3 "
                "snowflake-arctic-embed")
CHAT_MODELS = ("gpt-4o-mini gpt-4o gpt-4.1 gpt-4.1-mini o4-mini claude-3-5-haiku-latest "
               "claude-sonnet-4-5 llama3.2 qwen2.5 mistral")
VALUE_KINDS = {
    "--database": ("file", "database"),
    "--output": ("file", "output file"),
    "--baseline": ("file", "baseline file"),
    "--write-baseline": ("file", "baseline file"),
    "--store": ("file", "store file"),
    "--files-from": ("file", "file of paths"),
    "--tls-cert": ("file", "certificate (PEM)"),
    "--tls-key": ("file", "private key (PEM)"),
    "--cors-origin": ("url", "origin"),
    "--dir": ("dir", "directory"),
    "--collection": ("collection", "collection"),
    "--api-key-env": ("env", "variable"),
    "--rerank-api-key-env": ("env", "variable"),
    "--base-url": ("url", "url"),
    "--rerank-url": ("url", "url"),
    "--system": ("file-or-text", "instructions"),
    ("migrate up", "--to"): ("versions:pending", "version"),
    ("migrate down", "--to"): ("versions:applied|modified", "version"),
    ("migrate diff", "--to"): ("file", "schema"),
    ("embed", "--model"): ("words:" + EMBED_MODELS, "model"),
    ("ingest", "--model"): ("words:" + EMBED_MODELS, "model"),
    ("ask", "--model"): ("words:" + CHAT_MODELS, "model"),
    ("chat", "--model"): ("words:" + CHAT_MODELS, "model"),
}
# What zsh shows above a free-text value, when the option's value name says little.
MESSAGES = {"TEXT": None, "FLOAT": None, "UINT": None, "INT": None, "N": "count", "SECS": "seconds",
            "SECONDS": "seconds", "W": "weight", "T": "temperature", "S": "seconds"}


class Spec:
    def __init__(self, tree):
        self.nodes = {}  # "migrate up" -> node; the root is ""
        self.order = []
        self._walk(tree, "")

    def _walk(self, node, path):
        self.nodes[path] = node
        self.order.append(path)
        for sub in node["subcommands"]:
            self._walk(sub, (path + " " + sub["name"]).strip())

    def parent(self, path):
        return path.rpartition(" ")[0] if " " in path else ("" if path else None)

    def own_options(self, path):
        """The options of `path` that its parent command does not have (a subcommand inherits
        its command's options; the root and the commands have all of theirs)."""
        options = self.nodes[path]["options"]
        if path.count(" ") == 0:
            return options
        inherited = {n for o in self.nodes[self.parent(path)]["options"] for n in o["names"]}
        return [o for o in options if not set(o["names"]) <= inherited]

    def shared_options(self, path):
        """The options of `path` that each of its subcommands has alike (names and help): they
        apply after a subcommand too, the rest only before one (`logs` has --limit, `logs show`
        has not, and its --json says something else)."""
        subs = [{alike(o) for o in s["options"]} for s in self.nodes[path]["subcommands"]]
        return [o for o in self.nodes[path]["options"] if all(alike(o) in s for s in subs)]

    def commands(self):
        return [p for p in self.order if p and " " not in p]


def alike(option):
    return tuple(option["names"]), option["description"]


def value_kind(path, option):
    for name in option["names"]:
        p = path
        while p:
            if (p, name) in VALUE_KINDS:
                return VALUE_KINDS[(p, name)]
            p = p.rpartition(" ")[0]
    for name in option["names"]:
        if name in VALUE_KINDS:
            return VALUE_KINDS[name]
    if option["choices"]:
        return ("choices", long_name(option).lstrip("-"))
    value_name = option.get("value_name") or ""
    message = MESSAGES.get(value_name, value_name.lower()) if value_name else None
    return ("text", message or long_name(option).lstrip("-"))


def takes_value(option):
    return option["takes_value"] and not option.get("value_optional")


def long_name(option):
    return next((n for n in option["names"] if n.startswith("--")), option["names"][-1])


def without_default(text):
    m = re.search(r"\s*\(default: ", text)
    if not m:
        return text
    depth = 0
    for j in range(m.end() - len("(default: "), len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return (text[: m.start()] + text[j + 1 :]).strip()
    return text


def shown_text(option_or_command):
    text = option_or_command["description"]
    return text if len(text) <= MAX_WITH_DEFAULT else without_default(text)


def all_value_options(spec):
    names = []
    for path in spec.order:
        for o in spec.nodes[path]["options"]:
            if takes_value(o):
                names += [n for n in o["names"] if n not in names]
    return names


# ---------------------------------------------------------------------------------------------
# bash


def bash_lists(spec):
    def names(options):
        return " ".join(n for o in options for n in o["names"])

    def var(path):
        return re.sub(r"[^a-z0-9]", "_", path)

    lines = []
    lines.append('local commands="%s"' % " ".join(s["name"] for s in spec.nodes[""]["subcommands"]))
    lines.append('local top_opts="%s"' % names(spec.nodes[""]["options"]))
    for path in spec.commands():
        node = spec.nodes[path]
        lines.append('local %s_opts="%s"' % (var(path), names(node["options"])))
        if node["subcommands"]:
            lines.append('local %s_subs="%s"' % (var(path), " ".join(s["name"] for s in node["subcommands"])))
        for sub in node["subcommands"]:
            sub_path = path + " " + sub["name"]
            lines.append('local %s_opts="%s"' % (var(sub_path), names(spec.own_options(sub_path))))
    lines.append("# Options that take a value (the next word, or --opt=value).")
    lines.append('local arg_opts="%s"' % " ".join(all_value_options(spec)))
    return lines


def bash_value_code(kind):
    kind, _ = kind
    reply = 'mapfile -t COMPREPLY < <(compgen %s -- "$rawcur")'
    if kind == "file":
        return ["compopt -o filenames 2>/dev/null", reply % "-f"]
    if kind == "dir":
        return ["compopt -o filenames 2>/dev/null", reply % "-d"]
    if kind == "collection":
        return ['_strata_reply "${cur#"$optpre"}" "$optpre" < <(_strata_names collections "$cmd" "${storeopts[@]}")']
    if kind.startswith("versions:"):
        return [reply % ('-W "$(_strata_versions "%s" "$cmd" "${passopts[@]}")"' % kind.split(":", 1)[1])]
    if kind == "env":
        return ["# Names of environment variables, never their values.", reply % "-e"]
    if kind.startswith("words:"):
        return [reply % ('-W "%s"' % kind.split(":", 1)[1])]
    return None


def bash_values(spec):
    """_strata_value: the case that completes an option's value at a command path."""
    codes = {}  # option name -> {path: code}
    for path in spec.order:
        for o in spec.nodes[path]["options"]:
            if not takes_value(o):
                continue
            code = bash_value_code(value_kind(path, o))
            if code is None and o["choices"]:
                code = ['mapfile -t COMPREPLY < <(compgen -W "%s" -- "$rawcur")' % " ".join(o["choices"])]
            for name in o["names"]:
                codes.setdefault(name, {})[path] = tuple(code) if code else None
    branches = {}  # code -> [patterns]
    for name, by_path in codes.items():
        if len(set(by_path.values())) == 1:  # the same wherever the option is: one pattern
            if by_path[next(iter(by_path))] is not None:
                branches.setdefault(by_path[next(iter(by_path))], []).append('*" %s"' % name)
            continue
        for path, code in by_path.items():
            if code is not None:
                branches.setdefault(code, []).append('"%s %s"' % (path, name))
    out = [
        "# _strata_value: completes the value of option $valopt at the command $path (\"migrate up\"),",
        "# with the caller's $cur, $rawcur, $optpre, $cmd, passopts and storeopts. Written by",
        "# scripts/completions.py from the binary's command tree; a value not listed is free text.",
        "_strata_value()",
        "{",
        '    case "$path $valopt" in',
    ]
    for code, patterns in branches.items():
        lines, line = [], "       "
        for i, pattern in enumerate(patterns):
            piece = " " + pattern + (" |" if i + 1 < len(patterns) else ")")
            if len(line) + len(piece) > 100 and line.strip():
                lines.append(line + " \\")
                line = "           "
            line += piece
        lines.append(line)
        out += lines
        out += ["            " + c for c in code]
        out.append("            ;;")
    out += ["    esac", "}"]
    return out


# ---------------------------------------------------------------------------------------------
# fish


def fish_quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_condition(spec, path, listing=False):
    """The condition under which the options of `path` (listing: its subcommands) apply."""
    if path == "":
        return "__strata_needs_command"
    command, _, sub = path.partition(" ")
    if listing:
        return "'__strata_sub %s'" % command
    if sub:
        return "'__strata_sub %s %s'" % (command, sub)
    if spec.nodes[path]["subcommands"]:
        return "'__fish_seen_subcommand_from %s'" % command if command == "migrate" else "'__strata_command %s'" % command
    return "'__strata_command %s'" % command


def fish_value(kind, option):
    kind, _ = kind
    if kind == "file":
        return "-r -F"
    if kind == "file-or-text":
        return "-r"
    if kind == "dir":
        return "-x -a '(__fish_complete_directories)'"
    if kind == "collection":
        return "-x -a '(__strata_names collections)'"
    if kind.startswith("versions:"):
        return "-x -a %s" % fish_quote("(__strata_versions \"%s\")" % kind.split(":", 1)[1])
    if kind == "env":
        return "-x -a '(set -xn)'"
    if kind.startswith("words:"):
        return "-x -a %s" % fish_quote(kind.split(":", 1)[1])
    if option["choices"]:
        return "-x -a %s" % fish_quote(" ".join(option["choices"]))
    return "-x"


def fish_value_options(spec):
    return ["set -g __strata_value_options " + " ".join(all_value_options(spec))]


def fish_option_conditions(spec, path):
    """The options fish offers at `path`, each with its condition: a command's shared options
    apply after its subcommands too, its others only before one; a subcommand adds what its
    command does not share with it."""
    if " " in path:
        shared = {alike(o) for o in spec.shared_options(spec.parent(path))}
        return [(o, fish_condition(spec, path)) for o in spec.nodes[path]["options"] if alike(o) not in shared]
    shared = [alike(o) for o in spec.shared_options(path)]
    return [(o, fish_condition(spec, path, listing=not path == "" and alike(o) not in shared))
            for o in spec.nodes[path]["options"]]


def fish_options(spec):
    out = []
    for path in spec.order:
        node = spec.nodes[path]
        out.append("")
        out.append("# strata %s" % path if path else "# strata")
        if node["subcommands"]:
            cond = fish_condition(spec, path, listing=True) if path else "__strata_needs_command"
            for sub in node["subcommands"]:
                out.append("complete -c strata -n %s -a %s -d %s" % (cond, sub["name"], fish_quote(shown_text(sub))))
        for o, cond in fish_option_conditions(spec, path):
            words = ["complete -c strata -n", cond]
            for n in o["names"]:
                words.append(("-s " if len(n) == 2 else "-l ") + n.lstrip("-"))
            if takes_value(o):
                words.append(fish_value(value_kind(path, o), o))
            words.append("-d " + fish_quote(shown_text(o)))
            out.append(" ".join(words))
    return out


# ---------------------------------------------------------------------------------------------
# zsh


def zsh_quote(text):
    """One shell word in single quotes."""
    return "'" + text.replace("'", "'\\''") + "'"


def zsh_escape(text):
    """Text inside an _arguments spec: its special characters escaped."""
    return re.sub(r"([\\:\[\]])", r"\\\1", text)


def zsh_action(kind, option):
    kind, _ = kind
    if kind == "file":
        return "_files"
    if kind == "dir":
        return "_directories"
    if kind == "collection":
        return "_strata_collection_names"
    if kind.startswith("versions:"):
        return '_strata_versions "%s"' % kind.split(":", 1)[1]
    if kind == "env":
        return '_parameters -g "*export*"'
    if kind == "url":
        return "_urls"
    if kind.startswith("words:"):
        return "(%s)" % kind.split(":", 1)[1]
    if option["choices"]:
        return "(%s)" % " ".join(option["choices"])
    return " "


def zsh_spec(path, o):
    names = o["names"]
    if names in (["-h", "--help"], ["--version"]):
        exclusion = "(- *)"
    else:
        others = [x for x in o["excludes"] if x.startswith("-")]
        exclusion = "(%s)" % " ".join(names + others) if len(names) > 1 or others else ""
    star = "*" if o.get("repeatable") else ""
    kind = value_kind(path, o)
    if takes_value(o):
        forms = [n + ("+" if len(n) == 2 else "=") for n in names]
    elif o["takes_value"]:  # an optional value: --opt or --opt=VALUE
        forms = [n + ("" if len(n) == 2 else "=-") for n in names]
    else:
        forms = list(names)
    text = shown_text(o)
    rest = "[%s]" % zsh_escape(text[:1].lower() + text[1:])
    if o["takes_value"]:
        rest += ":%s:%s" % (zsh_escape(kind[1]), zsh_action(kind, o))
    if len(forms) == 1:
        return zsh_quote(exclusion + star + forms[0] + rest)
    return "%s{%s}%s" % (zsh_quote(exclusion + star) if exclusion or star else "", ",".join(forms), zsh_quote(rest))


def zsh_specs(spec):
    out = [
        "# _strata_specs PATH: set reply to the _arguments specs of the options of the command PATH",
        "# (\"migrate up\": the subcommand's own; its command's come from _strata_specs migrate).",
        "# _strata_subcommands PATH: set reply to PATH's subcommands as name:description.",
        "# Written by scripts/completions.py from the binary's command tree.",
        "(( $+functions[_strata_specs] )) ||",
        "_strata_specs() {",
        "  case $1 in",
    ]
    for path in spec.order:
        out.append("    (%s)" % zsh_quote(path))
        out.append("      reply=(")
        for o in spec.own_options(path):
            out.append("        " + zsh_spec(path, o))
        out.append("      ) ;;")
    out += ["    (*) reply=() ;;", "  esac", "}", "",
            "(( $+functions[_strata_subcommands] )) ||",
            "_strata_subcommands() {",
            "  case $1 in"]
    for path in spec.order:
        node = spec.nodes[path]
        if not node["subcommands"]:
            continue
        out.append("    (%s)" % zsh_quote(path))
        out.append("      reply=(")
        for sub in node["subcommands"]:
            text = shown_text(sub)
            out.append("        " + zsh_quote("%s:%s" % (sub["name"], zsh_escape(text[:1].lower() + text[1:]))))
        out.append("      ) ;;")
    out += ["    (*) reply=() ;;", "  esac", "}"]
    return out


# ---------------------------------------------------------------------------------------------


TEMPLATES = {
    "strata.bash": {"BASH_LISTS": bash_lists, "BASH_VALUES": bash_values},
    "strata.fish": {"FISH_VALUE_OPTIONS": fish_value_options, "FISH_OPTIONS": fish_options},
    "_strata": {"ZSH_SPECS": zsh_specs},
}


def fill(template_path, makers, spec):
    text = open(template_path, encoding="utf-8").read()
    out = []
    seen = set()
    for line in text.split("\n"):
        m = re.fullmatch(r"(\s*)@([A-Z_]+)@", line)
        if m and m.group(2) in makers:
            seen.add(m.group(2))
            out += [(m.group(1) + x) if x else "" for x in makers[m.group(2)](spec)]
        else:
            out.append(line)
    missing = set(makers) - seen
    if missing:
        sys.exit("completions: %s has no %s marker line" % (template_path, ", ".join("@%s@" % x for x in sorted(missing))))
    return "\n".join(out)


def command_tree(argv, tool, usage):
    """For `TOOL SPEC.json IN_DIR OUT_DIR` or `TOOL --binary STRATA IN_DIR OUT_DIR` (argv as
    sys.argv): the command tree, IN_DIR and OUT_DIR. Prints `usage` and exits 2 on other
    arguments; exits 1 when the binary cannot print its tree. (scripts/manpages.py uses it too.)"""
    if argv[1:2] == ["--binary"] and len(argv) == 5:
        run = subprocess.run([argv[2], "__complete-spec", "--json"], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit("%s: %s __complete-spec --json failed (exit %d): %s" % (tool, argv[2], run.returncode, run.stderr.strip()))
        return json.loads(run.stdout), argv[3], argv[4]
    if len(argv) == 4:
        return json.load(open(argv[1], encoding="utf-8")), argv[2], argv[3]
    print(usage, file=sys.stderr)
    sys.exit(2)


def write_file(target, text):
    """Writes `target` whole or not at all: a build stopped half-way leaves no half a file."""
    with open(target + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(target + ".tmp", target)


def main(argv):
    tree, template_dir, out_dir = command_tree(argv, "completions", __doc__.strip().split("\n\n")[1])
    spec = Spec(tree)
    os.makedirs(out_dir, exist_ok=True)
    for name, makers in TEMPLATES.items():
        write_file(os.path.join(out_dir, name), fill(os.path.join(template_dir, name + ".in"), makers, spec))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
