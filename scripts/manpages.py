#!/usr/bin/env python3
"""Write the man pages, their option lists from the binary's command tree (run by the build).

Usage: python3 scripts/manpages.py SPEC.json MAN_DIR OUT_DIR
       python3 scripts/manpages.py --binary STRATA MAN_DIR OUT_DIR

SPEC.json is `strata __complete-spec --json` (cli/interface_spec.h; --binary runs it): every
command with its options, each with its names, value name, accepted values, help text and
default. MAN_DIR is man/: a page NAME.S.in is a template and is written to OUT_DIR/NAME.S; a
page NAME.S without options (strata-store.5, strata.toml.5, strata-security.7) is copied as it is.

A template is the page's troff with these comment lines, which render as nothing on their own:
  .\\" @OPTIONS strata search@
      written as one .TP item per option of that command, in the tree's order (a subcommand's
      item only for its own options: those its command has too are that command's). The item's
      tag is the option's names with its value name (in italics) or its accepted values (in
      bold, `a|b|c`); its text is the help text, whose "(default: ...)" is the default.
      Under an .SH (not an .SS) a subcommand's items start with its name ("show: ...").
  .\\" @OPTION --where@
      the lines after it, up to the next marker, .SH or .SS, are what the tree cannot say about
      that option of the command of the @OPTIONS@ line above (the long explanation, examples,
      the forms of a value): they are placed under its item, after the help text. Any option
      name of the option keys it.
  .\\" @END OPTIONS@
      ends the last prose block where hand-written text of the same section follows the items.
So a new option, value name, choice, help text or default reaches its page with the next build,
and no page can list an option the binary lacks.
Exits 2, naming the template and line, on prose keyed by an option the command does not have
(or keyed twice), on a marker naming a command the tree does not have, and when a command with
options of its own is listed by no template.
"""
import os
import re
import shutil
import sys

from completions import command_tree, write_file

# What a value is called on a page when the tree's value name says nothing ("TEXT", "FLOAT"):
# by option name; a (command path, option) key overrides it for that command and below.
VALUE_WORDS = {
    "--database": "url", "--url": "url", "--schema": "name", "--dir": "dir", "--table": "name",
    "--store": "path", "--collection": "name", "--system": "text", "--output": "file",
    "--baseline": "file", "--rename": "old=new", "--text": "text",
    ("strata migrate up", "--to"): "version", ("strata migrate down", "--to"): "version",
    ("strata migrate diff", "--to"): "schema",
}
GENERIC_VALUE_NAMES = {"TEXT": "value", "FLOAT": "number", "UINT": "n", "INT": "n"}
# Value names that a help text also uses as plain words ("a JSON array", "Server URL").
PLAIN_WORDS = {"JSON", "URL"}


class Spec:
    def __init__(self, tree):
        self.nodes = {}  # "strata migrate up" -> node
        self._walk(tree, None)

    def _walk(self, node, parent):
        node["_parent"] = parent
        self.nodes[node["path"]] = node
        for sub in node["subcommands"]:
            self._walk(sub, node)

    def own_options(self, path):
        """The options of `path` that its parent command does not have (a subcommand inherits
        its command's options; the top level and the commands have all of theirs)."""
        node = self.nodes[path]
        parent = node["_parent"]
        if parent is None or parent["_parent"] is None:
            return node["options"]
        inherited = {n for o in parent["options"] for n in o["names"]}
        return [o for o in node["options"] if not set(o["names"]) <= inherited]


class TemplateError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# troff


def escape(text):
    """Plain text as troff text: backslashes, a leading dot or quote, option names in bold."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"(?<![\w\\-])(--?[A-Za-z][A-Za-z0-9-]*)",
                  lambda m: "\\fB" + m.group(1).replace("-", "\\-") + "\\fR", text)
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def value_word(path, option):
    for name in option["names"]:
        p = path
        while p:
            if (p, name) in VALUE_WORDS:
                return VALUE_WORDS[(p, name)]
            p = p.rpartition(" ")[0]
    value_name = (option.get("value_name") or "").strip("[]")
    if value_name in GENERIC_VALUE_NAMES or not value_name:
        for name in option["names"]:
            if name in VALUE_WORDS:
                return VALUE_WORDS[name]
        return GENERIC_VALUE_NAMES.get(value_name, "value")
    return value_name.lower()


def italic_value(word):
    """key=value -> \\fIkey\\fR=\\fIvalue\\fR: the words in italics, the punctuation upright."""
    return re.sub(r"[a-z0-9_]+", lambda m: "\\fI" + m.group(0) + "\\fR", word)


def item_tag(path, option):
    names = ", ".join("\\fB" + n.replace("-", "\\-") + "\\fR" for n in option["names"])
    if not option["takes_value"]:
        return names
    if option["choices"]:
        value = "|".join("\\fB" + c.replace("-", "\\-") + "\\fR" for c in option["choices"])
    else:
        value = italic_value(value_word(path, option))
    if option.get("value_optional"):
        return "%s[=%s]" % (names, value)
    return "%s %s" % (names, value)


def item_text(option):
    """The help text as a sentence, the words of its value name ("N", "FILE") as in the tag."""
    text = option["description"].strip()
    if text and text[-1] not in ".!?":
        text += "."
    first = re.match(r"[\w-]*", text).group(0)
    if first not in option["choices"]:  # "openai (any server), anthropic or none" stays as it is
        text = text[:1].upper() + text[1:]
    text = escape(text)
    value_name = (option.get("value_name") or "").strip("[]")
    if option["takes_value"] and value_name not in GENERIC_VALUE_NAMES:
        for word in set(re.findall(r"[A-Z][A-Z_]*", value_name)) - PLAIN_WORDS:
            text = re.sub(r"(?<![\w$\\])%s(?![\w.(])" % word, lambda m: "\\fI" + m.group(0).lower() + "\\fR", text)
    return text


# ---------------------------------------------------------------------------------------------
# templates

MARKER = re.compile(r'^\.\\"\s*@(OPTIONS|OPTION|END OPTIONS)\s*([^@]*)@\s*$')


def parse(path):
    """The template's lines as a list of pieces: ("line", text) for the page's own lines and
    ("options", command path, [(option name, [prose lines], line number)], line number,
    section kind) for each @OPTIONS@ marker with the prose blocks that follow it."""
    pieces = []
    current = None  # the open ("options", ...) piece
    prose = None  # the open prose block's lines
    section = None
    lines = open(path, encoding="utf-8").read().split("\n")
    for n, line in enumerate(lines, 1):
        m = MARKER.match(line)
        if line.startswith(".SH") or line.startswith(".SS"):
            current = prose = None
            section = line[:3]
        if m and m.group(1) == "OPTIONS":
            current = ["options", m.group(2).strip(), [], n, section]
            prose = None
            pieces.append(current)
            continue
        if m and m.group(1) == "OPTION":
            if current is None:
                raise TemplateError("%s:%d: @OPTION %s@ is not under an @OPTIONS command@ line"
                                    % (path, n, m.group(2).strip()))
            prose = []
            current[2].append((m.group(2).strip(), prose, n))
            continue
        if m:  # @END OPTIONS@
            current = prose = None
            continue
        if prose is not None:
            prose.append(line)
        elif current is not None and line.strip() and not line.startswith('.\\"'):
            raise TemplateError("%s:%d: text between an @OPTIONS@ line and its first @OPTION@ "
                                "block would fall under no item: %s" % (path, n, line))
        else:
            pieces.append(("line", line))
    return pieces


def prose_by_option(template, piece, spec):
    """{option's first name: prose lines} for the blocks of one @OPTIONS@ piece; TemplateError
    for a block keyed by an option the command lacks, or keyed twice."""
    _, path, blocks, n, _ = piece
    if path not in spec.nodes:
        raise TemplateError("%s:%d: @OPTIONS %s@ names a command the binary does not have"
                            % (template, n, path))
    options = spec.own_options(path)
    by_name = {name: o for o in options for name in o["names"]}
    out = {}
    for name, lines, line_number in blocks:
        option = by_name.get(name)
        if option is None:
            raise TemplateError("%s:%d: prose for %s, which '%s' does not have (its options: %s)"
                                % (template, line_number, name, path,
                                   " ".join(o["names"][-1] for o in options) or "none"))
        key = option["names"][0]
        if key in out:
            raise TemplateError("%s:%d: a second prose block for %s of '%s'"
                                % (template, line_number, name, path))
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        out[key] = lines
    return out


def render(template, spec):
    """The page's text and the command paths whose options it lists."""
    out, listed = [], []
    for piece in parse(template):
        if piece[0] == "line":
            out.append(piece[1])
            continue
        path, section = piece[1], piece[4]
        prose = prose_by_option(template, piece, spec)
        listed.append(path)
        node = spec.nodes[path]
        subcommand = node["_parent"] is not None and node["_parent"]["_parent"] is not None
        for option in spec.own_options(path):
            out.append(".TP")
            out.append(item_tag(path, option))
            text = item_text(option)
            if subcommand and section == ".SH":
                text = "\\fB%s\\fR: %s" % (node["name"], text)
            out.append(text)
            out += prose.get(option["names"][0], [])
    return "\n".join(out), listed


def main(argv):
    tree, man_dir, out_dir = command_tree(argv, "manpages", __doc__.strip().split("\n\n")[1])
    spec = Spec(tree)
    os.makedirs(out_dir, exist_ok=True)
    listed, written = set(), set()
    try:
        for name in sorted(os.listdir(man_dir)):
            source = os.path.join(man_dir, name)
            if re.fullmatch(r".+\.[1-8]\.in", name):
                text, paths = render(source, spec)
                listed.update(paths)
                write_file(os.path.join(out_dir, name[:-3]), text)
                written.add(name[:-3])
            elif re.fullmatch(r".+\.[1-8]", name):
                shutil.copyfile(source, os.path.join(out_dir, name))
                written.add(name)
        # A page whose source is gone is not left behind for the tests to read.
        for name in os.listdir(out_dir):
            if re.fullmatch(r".+\.[1-8]", name) and name not in written:
                os.remove(os.path.join(out_dir, name))
        unlisted = [p for p in spec.nodes if spec.own_options(p) and p not in listed
                    and any(o["names"] != ["-h", "--help"] for o in spec.own_options(p))]
        if unlisted:
            raise TemplateError("no page lists the options of %s: add an @OPTIONS command@ line "
                                "to its page's template in %s" % (", ".join(unlisted), man_dir))
    except TemplateError as e:
        print("manpages: error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
