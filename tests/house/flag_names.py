#!/usr/bin/env python3
"""Core names settings, the CLI alone names flags (core/common/setting.h): no string literal of core/
spells a strata --flag (scripts/flag_literals.py finds them). Passes on core/ as it is; fails on a
planted literal, naming its file and line; a comment, a decrement and another tool's flag pass.

  flag_names.py SOURCE_DIR
"""
import os
import sys
import tempfile

source = os.path.abspath(sys.argv[1])
sys.path.insert(0, os.path.join(source, "scripts"))
from flag_literals import flag_literals  # noqa: E402

# What core/ may still spell (none left; a literal that must stay goes here, with why).
CEILING = 0
failures = []

found = flag_literals(source)
if len(found) > CEILING:
    listed = "\n".join(f"  {p}:{line}: \"{lit}\"" for p, line, lit in found)
    failures.append(f"{len(found)} string literal(s) of core/ spell a flag (at most {CEILING}); mention the setting "
                    f"instead (core/common/setting.h: mention, or command_mention in a command line):\n{listed}")

with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "core", "x"))
    with open(os.path.join(tmp, "core", "x", "clean.cpp"), "w") as f:
        f.write('// pass --timeout\nint f(int depth) { if (depth > 0) --depth; return depth; }\n'
                'const char* a = "alembic upgrade --sql";\nconst char* b = "-- migrate:up";\nlong c = 120\'000;\n'
                '/* "--store" */ const char* d = R"(x)";\n')
    if flag_literals(tmp):
        failures.append(f"comments, decrements and another tool's flags were counted: {flag_literals(tmp)}")
    with open(os.path.join(tmp, "core", "x", "planted.cpp"), "w") as f:
        f.write('const char* a = "x";\nconst char* b = "raise " "--timeout";\nconst char* c = R"(give --store)";\n')
    planted = [(p, line) for p, line, _ in flag_literals(tmp)]
    if planted != [("core/x/planted.cpp", 2), ("core/x/planted.cpp", 3)]:
        failures.append(f"the planted literals were not found at core/x/planted.cpp:2 and :3: {planted}")

for f in failures:
    print("FAIL:", f, file=sys.stderr)
if not failures:
    print(f"flag_names: ok ({len(found)} of at most {CEILING})")
sys.exit(1 if failures else 0)
