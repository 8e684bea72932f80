#!/usr/bin/env python3
"""Prints every file and folder under the current directory, sorted, with a hash of its content:
the signature bad_input_catalogue.sh compares before and after a bad input, to show that nothing
was written or created.

A SQLite file is hashed by its logical dump (its -wal and -shm files are part of it, and are not
listed), less the one row a failed call to a model adds to the log of calls, marked 'error'
(`strata logs` shows it): a bad input may leave that record and nothing else.

One process for the whole tree: a shell pipeline per file made the catalogue spend most of its
time starting processes.
"""
import hashlib
import os
import re
import sqlite3
import sys

SKIPPED_ROW = re.compile(r"""^INSERT INTO "?llm_calls"? VALUES\(.*,'error',|^INSERT INTO "?sqlite_sequence"? VALUES\('llm_calls'""")


def sqlite_digest(path):
    db = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for line in db.iterdump():
            if not SKIPPED_ROW.match(line):
                h.update(line.encode("utf-8", "surrogateescape") + b"\n")
        return h.hexdigest()[:16]
    finally:
        db.close()


def file_digest(path):
    with open(path, "rb") as f:
        head = f.read(16)
        if head.replace(b"\0", b"").startswith(b"SQLite format 3"):
            try:
                return sqlite_digest(path)
            except sqlite3.Error as e:
                return "unreadable-sqlite:" + str(e)
        h = hashlib.sha256(head)
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
        return h.hexdigest()[:16]


def main():
    entries = []
    for dirpath, dirnames, filenames in os.walk("."):
        for d in dirnames:
            entries.append((os.path.join(dirpath, d), None))
        for f in filenames:
            if not (f.endswith("-shm") or f.endswith("-wal")):
                entries.append((os.path.join(dirpath, f), f))
    out = []
    for path, name in sorted(entries, key=lambda e: os.fsencode(e[0])):
        if name is None:
            out.append(path + "/")
        elif os.path.islink(path) or not os.path.isfile(path):
            out.append(path + " special")
        else:
            out.append(path + " " + file_digest(path))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
