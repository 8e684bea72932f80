#!/usr/bin/env python3
"""`strata migrate diff` step by step through one real migration set (tests/e2e/diff_realworld.sh
runs it once per set and judges the outcome). For every step k (0 .. n-1, n versioned migrations):

  1. the desired schema is the one after migrations 1..k+1: one builder database, `up --steps 1`
     per step, then `dump -o desired_<k+1>.sql` (the schema `up` of a folder holding 1..k+1 gives
     on a fresh database, without replaying 1..k again at each step);
  2. a project holding copies of migrations 1..k (k=0: an empty folder) runs
     `diff step --to desired_<k+1>.sql --no-rename --json`;
  3. the outcome:
       nodiff  changes 0 and the dumps before and after migration k+1 are the same, comments aside
       exact   a file was written, and with it added `diff probe --to desired --dry-run`
               finds no difference and `check --roundtrip --json` reports no error about its version
       fail    anything else; the detail says what (exit code and first stderr line, the probe's
               first remaining change, the roundtrip finding)
       skip    the builder's `up` fails at migration k+1 (stash's 8, a function only the app has):
               that step and every later one have no desired schema

Prints one line per step on stdout, as it goes: STEP<TAB>VERSION<TAB>OUTCOME<TAB>KIND<TAB>DETAIL,
KIND being what diff did: written (a file), nodiff (changes 0) or none (it failed). Keeps
desired_<k>.sql, gen_<k>.sql (the written file) and diff_<k>.err (diff's stderr, failures only) in
WORKDIR. The first line is total<TAB>N<TAB>RUN: N versioned migrations, RUN steps to run. With
--max-steps M (> 0) a set of more than M migrations runs M steps only, the first and last few and
evenly spread ones between; the builder still applies every migration.

  diff_steps.py STRATA SETDIR WORKDIR --build-url URL --diff-url URL --rt-url URL
                [--max-steps M] [--no-roundtrip] [--flag ARG]...

--build-url: a database the builder may create and drop (PostgreSQL/MySQL) or a SQLite path;
--diff-url: the database diff and the probe connect to (SQLite: a file never opened; PostgreSQL,
MySQL: an existing database on the server, where the scratch databases are made); --rt-url: the
database `check --roundtrip` runs against (one without history, so every migration is pending).
"""
import argparse, json, os, re, shutil, subprocess, sys


def versions(setdir):
    """[(version, [files])] in version order: dbmate <v>_<name>.sql, golang-migrate <v>_<name>.up|down.*"""
    by = {}
    for f in os.listdir(setdir):
        m = re.match(r"^([0-9]+)_.*\.(up|down)\..*$", f) or re.match(r"^([0-9]+)_.*\.sql$", f)
        if m:
            by.setdefault(m.group(1), []).append(f)
    return [(v, sorted(by[v])) for v in sorted(by, key=int)]


def pick(n, total):
    """The steps to run: all of them when total <= n or n = 0, else the first and last few and
    evenly spread ones between (n in all)."""
    if n == 0 or total <= n:
        return set(range(total))
    edge = min(5, n // 4)
    inner = list(range(edge, total - edge))
    mid = n - 2 * edge
    chosen = {inner[round(i * (len(inner) - 1) / max(mid - 1, 1))] for i in range(mid)}
    return set(range(edge)) | set(range(total - edge, total)) | chosen


def run(cmd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        return 124, e.stdout or "", f"timed out after {timeout}s"


def first_err(err):
    lines = [l for l in err.splitlines() if l.strip()]
    pick = [l for l in lines if l.startswith("strata: error: ")] or lines
    return (pick[0] if pick else "(no stderr)").replace("\t", " ")[:300]


def body(path):
    """A dump without comment lines and blank lines: the schema alone."""
    with open(path) as f:
        return [l.rstrip() for l in f if l.strip() and not l.startswith("--")]


def load_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("strata")
    ap.add_argument("setdir")
    ap.add_argument("workdir")
    ap.add_argument("--build-url", required=True)
    ap.add_argument("--diff-url", required=True)
    ap.add_argument("--rt-url", required=True)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--no-roundtrip", action="store_true")
    ap.add_argument("--flag", action="append", default=[])
    ap.add_argument("--timeout", type=int, default=300)
    a = ap.parse_args()

    S, W, T = a.strata, a.workdir, a.timeout
    vers = versions(a.setdir)
    steps = pick(a.max_steps, len(vers))
    print(f"total\t{len(vers)}\t{len(steps)}", flush=True)
    proj = os.path.join(W, "project", "migrations")
    os.makedirs(proj, exist_ok=True)

    def strata(url, d, *args):
        return run([S, "migrate", "-d", url, "--dir", d, *a.flag, *args], T)

    def out(k, v, outcome, kind, detail):
        print(f"{k}\t{v}\t{outcome}\t{kind}\t{detail}", flush=True)

    build = a.build_url
    if build.startswith("sqlite:"):
        rc, _, err = run([S, "migrate", "-d", build, "create"], T)
    else:
        run([S, "migrate", "-d", build, "drop", "--yes"], T)
        rc, _, err = run([S, "migrate", "-d", build, "create"], T)
    if rc:
        print(f"setup: create {build}: {first_err(err)}", file=sys.stderr)
        return 2
    prev = os.path.join(W, "desired_0.sql")
    rc, _, err = strata(build, a.setdir, "dump", "-o", prev)
    if rc:
        print(f"setup: dump of the empty database: {first_err(err)}", file=sys.stderr)
        return 2

    stop = None
    for k, (v, files) in enumerate(vers):
        if stop:
            out(k, v, "skip", "none", stop)
            continue
        cur = os.path.join(W, f"desired_{k + 1}.sql")
        rc, _, err = strata(build, a.setdir, "up", "--steps", "1")
        if rc:
            stop = f"up fails at {v}: {first_err(err)}"
            out(k, v, "skip", "none", stop)
            continue
        rc, _, err = strata(build, a.setdir, "dump", "-o", cur)
        if rc:
            stop = f"dump after {v} fails: {first_err(err)}"
            out(k, v, "skip", "none", stop)
            continue
        if k in steps:
            out(k, v, *step(a, S, W, T, strata, vers, k, proj, prev, cur))
        prev = cur

    if not build.startswith("sqlite:"):
        run([S, "migrate", "-d", build, "drop", "--yes"], T)
    return 0


def step(a, S, W, T, strata, vers, k, proj, prev, cur):
    for f in os.listdir(proj):
        os.remove(os.path.join(proj, f))
    for _, files in vers[:k]:
        for f in files:
            shutil.copy(os.path.join(a.setdir, f), proj)
    rc, so, se = strata(a.diff_url, proj, "diff", "step", "--to", cur, "--no-rename", "--json")
    d = load_json(so) or {}
    gfile = d.get("file")
    if rc == 0 and d.get("changes") == 0:
        if body(prev) == body(cur):
            return "nodiff", "nodiff", "no difference"
        before, after = body(prev), body(cur)
        first = next((l for l in after if l not in before), None) or next((l for l in before if l not in after), "")
        return "fail", "nodiff", f"no difference, but the migration changes the dump: {first[:200]}"
    if rc != 0 or not gfile or not os.path.isfile(gfile):
        with open(os.path.join(W, f"diff_{k}.err"), "w") as f:
            f.write(se)
        return "fail", "none", f"diff exit {rc}: {first_err(se)}"
    shutil.copy(gfile, os.path.join(W, f"gen_{k}.sql"))
    notes = []
    if d.get("backfill"):
        notes.append("backfill placeholder")
    if d.get("unproven"):
        notes.append("unproven: " + "; ".join(map(str, d["unproven"]))[:150])
    note = f" ({', '.join(notes)})" if notes else ""

    # The probe without --json: its "no difference" is the message on stderr.
    rc, so, se = strata(a.diff_url, proj, "diff", "probe", "--to", cur, "--dry-run")
    if rc != 0:
        return "fail", "written", f"probe exit {rc}: {first_err(se)}{note}"
    if not re.search(r"^no difference", se, re.M) or so.strip():
        left = [l for l in so.splitlines() if l.strip() and not l.startswith("--")]
        return "fail", "written", f"probe after the written file finds a difference: {' / '.join(left[:3])[:250]}{note}"
    if a.no_roundtrip:
        return "exact", "written", f"written, probe clean (roundtrip not checked){note}"

    gver = os.path.basename(gfile).split("_", 1)[0]
    rc, so, se = strata(a.rt_url, proj, "check", "--roundtrip", "--json")
    c = load_json(so)
    if c is None:
        return "fail", "written", f"check --roundtrip exit {rc}, no JSON: {first_err(se)}{note}"
    mine = [f for f in c.get("findings", []) if f.get("version") == gver and f.get("severity") == "error"
            and f.get("code") != "unfilled-backfill"]
    if mine:
        m = "; ".join(f"{f['code']}: {f['message']}" for f in mine)
        return "fail", "written", f"check --roundtrip: {m.replace(chr(9), ' ').replace(chr(10), ' ')[:300]}{note}"
    others = sorted({f["code"] for f in c.get("findings", []) if f.get("severity") == "error" and f.get("version") != gver})
    if rc in (0, 1) or not others:
        return "exact", "written", f"written, round-trips exactly{note}"
    return "exact", "written", f"written, round-trips exactly (check exit {rc} for the set's own: {','.join(others)}){note}"


if __name__ == "__main__":
    sys.exit(main())
