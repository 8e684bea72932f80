#!/usr/bin/env python3
"""`strata migrate diff` step by step through one real migration set (tests/e2e/diff_realworld.sh
runs it once per set and judges the outcome). For every step k (0 .. n-1, n versioned migrations):

  1. the desired schema is the one after migrations 1..k+1: one builder database per set, brought
     to k with `up --steps` and to k+1 with `up --steps 1`, then `dump -o desired_<k+1>.sql` (the
     schema `up` of a folder holding 1..k+1 gives on a fresh database, without replaying 1..k
     again at every step; the dump at k is kept too, as before_<k>.sql);
  2. a project holding copies of migrations 1..k (k=0: an empty folder) runs
     `diff step --to desired_<k+1>.sql --no-rename --json`;
  3. the outcome (OUTCOME, then KIND: what diff did):
       ok   nodiff   changes 0, and the dumps before and after migration k+1 are the same
                     (comment lines aside)
       ok   written  a file was written; with it added `diff probe --to desired --dry-run` says
                     "no difference" (stderr, nothing on stdout), and the round trip finds nothing:
                     SQLite: `check --roundtrip --json` reports no error about the new version;
                     PostgreSQL/MySQL (check --roundtrip replays the whole project, minutes per
                     step on the big sets): the new file's up, down and up again on a copy of the
                     builder at k (PostgreSQL: CREATE DATABASE ... TEMPLATE; MySQL: `up` of the
                     project), each dump compared with desired_<k+1> / before_<k>; a difference
                     in column order alone is accepted, as check accepts it, and noted
       fail  ...     anything else; DETAIL says what: "CAUSE: text", CAUSE one of
                     load (desired_<k+1>.sql does not load in diff: exit 3), diff-5 (exit 5, the
                     draft does not reach the desired schema), diff-N (another exit), missed (changes
                     0 but the dumps differ), probe (the probe still finds a difference), roundtrip
       skip  none    the builder's `up` fails at migration k+1 (stash's 8, a function only the app
                     has): that step and every later one have no desired schema
     When desired_<k+1>.sql does not load (cause load), the step is tried again with
     `--to <the builder database>` (at k+1 then), and what that gives is added to the detail:
     the rest of diff is still exercised while the dump's problem stands.

Prints one line per step on stdout as it goes: STEP<TAB>VERSION<TAB>OUTCOME<TAB>KIND<TAB>DETAIL;
the first line is total<TAB>N<TAB>RUN (N versioned migrations, RUN steps to run), the last
end<TAB>SECONDS (DIFF_STEPS_TIMES=1: the time per strata subcommand on stderr). Keeps
before_<k>.sql, desired_<k+1>.sql, gen_<k>.sql (the written file) and diff_<k>.err (diff's stderr
when it failed) in WORKDIR. With --max-steps M (> 0) a set of more than M migrations runs M steps
only: the first and last few and evenly spread ones between.

  diff_steps.py STRATA SETDIR WORKDIR --build-url URL --diff-url URL [--max-steps M]
                [--roundtrip check|live|none] [--flag=ARG]...

--build-url: the builder (a SQLite file, or a database on the server that is dropped and created
again); --diff-url: where diff, the probe and check connect (SQLite: a file never opened;
PostgreSQL/MySQL: an existing database on the server, with the right to create databases).
"""
import argparse, json, os, re, shutil, subprocess, sys, time
from urllib.parse import urlsplit, urlunsplit

TIMEOUT = 300


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


TIMES = {}


def run(cmd):
    key = next((c for c in cmd[1:] if c in ("up", "down", "dump", "diff", "check", "create", "drop")), cmd[0])
    if key == "diff":
        key += " " + cmd[cmd.index("diff") + 1]
    t0 = time.monotonic()
    try:
        return _run(cmd)
    finally:
        t = TIMES.setdefault(key, [0, 0.0])
        t[0] += 1
        t[1] += time.monotonic() - t0


def _run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        return 124, "", f"timed out after {TIMEOUT}s"


def first_err(err):
    lines = [l for l in err.splitlines() if l.strip()]
    pick_ = [l for l in lines if l.startswith("strata: error: ")] or lines
    return (pick_[0] if pick_ else "(no stderr)").replace("\t", " ")[:300]


def body(path):
    """A dump without comment lines and blank lines: the schema alone."""
    with open(path) as f:
        return [l.rstrip() for l in f if l.strip() and not l.startswith("--")]


def compare(a, b):
    """'' when the dumps are the same, 'column order' when only the lines' order differs, else the
    first line one has and the other has not."""
    x, y = body(a), body(b)
    if x == y:
        return ""
    if sorted(x) == sorted(y):
        return "column order"
    only_b = [l for l in y if l not in x]
    only_a = [l for l in x if l not in y]
    return ("+ " + only_b[0] if only_b else "- " + only_a[0])[:200]


def with_db(url, name):
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, "/" + name, p.query, ""))


class Runner:
    def __init__(self, a):
        self.a = a
        self.S = a.strata
        self.W = a.workdir
        self.engine = "sqlite" if a.build_url.startswith("sqlite:") else urlsplit(a.build_url).scheme
        self.engine = {"postgresql": "postgres", "mariadb": "mysql"}.get(self.engine, self.engine)
        self.vers = versions(a.setdir)
        self.proj = os.path.join(self.W, "project", "migrations")
        self.snapshotted = False
        os.makedirs(self.proj, exist_ok=True)

    def strata(self, url, d, *args):
        return run([self.S, "migrate", "-d", url, "--dir", d, *self.a.flag, *args])

    def fresh(self, url):
        """Drop and create the database at url (SQLite: remove and create the file)."""
        if url.startswith("sqlite:"):
            p = url[len("sqlite:"):]
            for s in ("", "-wal", "-shm"):
                if os.path.exists(p + s):
                    os.remove(p + s)
        else:
            run([self.S, "migrate", "-d", url, "drop", "--yes"])
        return run([self.S, "migrate", "-d", url, "create"])

    def main(self):
        a, W = self.a, self.W
        steps = pick(a.max_steps, len(self.vers))
        print(f"total\t{len(self.vers)}\t{len(steps)}", flush=True)
        build = a.build_url
        rc, _, err = self.fresh(build)
        if rc:
            print(f"setup: create {build}: {first_err(err)}", file=sys.stderr)
            return 2
        at = 0  # migrations applied to the builder
        stop = None
        for k, (v, files) in enumerate(self.vers):
            if stop is None and k in steps:
                if at < k:
                    # --steps, not --to: `up --to 000018` is refused ("Could not convert"), and
                    # `--to 0013` looks for version 13
                    rc, _, err = self.strata(build, a.setdir, "up", "--steps", str(k - at))
                    if rc:
                        stop = f"up fails before {v}: {first_err(err)}"
                if stop is None:
                    at = k
                    before = os.path.join(W, f"before_{k}.sql")
                    rc, _, err = self.strata(build, a.setdir, "dump", "-o", before)
                    if rc:
                        stop = f"dump at {k} fails: {first_err(err)}"
                self.snapshotted = stop is None and self.engine == "postgres" and a.roundtrip == "live" \
                    and self.snapshot()
                if stop is None:
                    rc, _, err = self.strata(build, a.setdir, "up", "--steps", "1")
                    if rc:
                        stop = f"up fails at {v}: {first_err(err)}"
                if stop is None:
                    at = k + 1
                    cur = os.path.join(W, f"desired_{k + 1}.sql")
                    rc, _, err = self.strata(build, a.setdir, "dump", "-o", cur)
                    if rc:
                        stop = f"dump after {v} fails: {first_err(err)}"
                if stop is None:
                    print("\t".join([str(k), v, *self.step(k, before, cur)]), flush=True)
                    continue
            if stop is not None:
                print(f"{k}\t{v}\tskip\tnone\t{stop}", flush=True)
        if not build.startswith("sqlite:"):
            run([self.S, "migrate", "-d", build, "drop", "--yes"])
        return 0

    def step(self, k, before, cur):
        a, W, proj = self.a, self.W, self.proj
        for f in os.listdir(proj):
            os.remove(os.path.join(proj, f))
        for _, files in self.vers[:k]:
            for f in files:
                shutil.copy(os.path.join(a.setdir, f), proj)
        rc, so, se = self.strata(a.diff_url, proj, "diff", "step", "--to", cur, "--no-rename", "--json")
        m = re.search(r"^strata: error: the desired schema does not load: (.*)$", se, re.M)
        if rc == 3 and m:
            with open(os.path.join(W, f"diff_{k}.err"), "w") as f:
                f.write(se)
            load = "load: " + m.group(1).replace(cur, os.path.basename(cur))[:200]
            # The builder is at k+1: the same desired schema, from the database.
            outcome, kind, detail = self.judge(k, before, cur, a.build_url, *self.diff(k, a.build_url))
            return "fail", kind, f"{load}; with --to the database: {outcome}: {detail}"
        return self.judge(k, before, cur, cur, rc, so, se)

    def diff(self, k, to):
        return self.strata(self.a.diff_url, self.proj, "diff", "step", "--to", to, "--no-rename", "--json")

    def judge(self, k, before, cur, to, rc, so, se):
        a, W, proj = self.a, self.W, self.proj
        try:
            d = json.loads(so)
        except ValueError:
            d = {}
        gfile = d.get("file")
        if rc == 0 and d.get("changes") == 0:
            c = compare(before, cur)
            return ("ok", "nodiff", "no difference") if not c else \
                ("fail", "nodiff", f"missed: no difference, but migration {self.vers[k][0]} changes the dump: {c}")
        if rc != 0 or not gfile or not os.path.isfile(gfile):
            with open(os.path.join(W, f"diff_{k}.err"), "w") as f:
                f.write(se)
            ups = [l for l in se.splitlines() if re.match(r"^strata: warning: (up|down): ", l)]
            left = f" [{len(ups)} left: {ups[0][len('strata: warning: '):]}]" if ups else ""
            return "fail", "none", f"diff-{rc}: {first_err(se)}{left}"
        shutil.copy(gfile, os.path.join(W, f"gen_{k}.sql"))
        notes = []
        if d.get("backfill"):
            notes.append("backfill placeholder")
        if d.get("unproven"):
            notes.append("unproven: " + "; ".join(map(str, d["unproven"]))[:150])
        note = f" ({', '.join(notes)})" if notes else ""

        # The probe without --json: its "no difference" is the message on stderr.
        rc, so, se = self.strata(a.diff_url, proj, "diff", "probe", "--to", to, "--dry-run")
        if rc != 0:
            return "fail", "written", f"probe: exit {rc}: {first_err(se)}{note}"
        if not re.search(r"^no difference", se, re.M) or so.strip():
            left = [l for l in so.splitlines() if l.strip() and not l.startswith("--")]
            return "fail", "written", f"probe: still a difference: {' / '.join(left[:3])[:250]}{note}"
        gver = os.path.basename(gfile).split("_", 1)[0]
        mode = a.roundtrip
        if mode == "none":
            return "ok", "written", f"written, probe clean (roundtrip not checked){note}"
        if mode == "check":
            return self.roundtrip_check(gver, note)
        return self.roundtrip_live(k, before, cur, gver, note)

    def roundtrip_check(self, gver, note):
        a = self.a
        url = a.diff_url if not a.diff_url.startswith("sqlite:") else "sqlite:" + os.path.join(self.W, "rt.db")
        rc, so, se = self.strata(url, self.proj, "check", "--roundtrip", "--json")
        try:
            c = json.loads(so)
        except ValueError:
            return "fail", "written", f"roundtrip: check exit {rc}, no JSON: {first_err(se)}{note}"
        mine = [f for f in c.get("findings", []) if f.get("version") == gver and f.get("severity") == "error"
                and f.get("code") != "unfilled-backfill"]
        if mine:
            m = "; ".join(f"{f['code']}: {f['message']}" for f in mine)
            return "fail", "written", f"roundtrip: {m.replace(chr(9), ' ').replace(chr(10), ' ')[:300]}{note}"
        return "ok", "written", f"written, round-trips exactly (check --roundtrip){note}"

    def copy_url(self):
        return with_db(self.a.build_url, urlsplit(self.a.build_url).path.strip("/")[:50] + "_rt")

    def snapshot(self):
        """PostgreSQL: a copy of the builder (at k, before migration k+1) for the live round trip."""
        copy = urlsplit(self.copy_url()).path.strip("/")
        r = subprocess.run(["psql", self.a.diff_url, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                            "-c", f'DROP DATABASE IF EXISTS "{copy}"',
                            "-c", f'CREATE DATABASE "{copy}" TEMPLATE "{urlsplit(self.a.build_url).path.strip("/")}"'],
                           capture_output=True, text=True)
        return r.returncode == 0

    def roundtrip_live(self, k, before, cur, gver, note):
        """up, down, up of the new file on a database at k, each dump compared."""
        a, W = self.a, self.W
        copy = self.copy_url()
        try:
            if not self.snapshotted:
                # replay 1..k with the project, the new file held back
                rc, _, se = self.fresh(copy)
                if rc:
                    return "fail", "written", f"roundtrip: cannot create {copy}: {first_err(se)}{note}"
                held = os.path.join(W, "held")
                os.makedirs(held, exist_ok=True)
                gen = [f for f in os.listdir(self.proj) if f.startswith(gver + "_")]
                for f in gen:
                    shutil.move(os.path.join(self.proj, f), held)
                rc, _, se = self.strata(copy, self.proj, "up")
                for f in gen:
                    shutil.move(os.path.join(held, f), self.proj)
                if rc:
                    return "fail", "written", f"roundtrip: replaying 1..{k} fails: {first_err(se)}{note}"
            dump = os.path.join(W, "rt.sql")
            notes = []
            for what, args, want in (("up", ["up"], cur), ("down", ["down"], before), ("up again", ["up"], cur)):
                rc, _, se = self.strata(copy, self.proj, *args)
                if rc:
                    return "fail", "written", f"roundtrip: {what} exit {rc}: {first_err(se)}{note}"
                rc, _, se = self.strata(copy, self.proj, "dump", "-o", dump)
                c = compare(want, dump) if rc == 0 else f"dump exit {rc}: {first_err(se)}"
                if c == "column order":
                    notes.append(f"column order after {what}")
                elif c:
                    return "fail", "written", f"roundtrip: after {what} the schema differs: {c}{note}"
            extra = f" ({', '.join(notes)})" if notes else ""
            return "ok", "written", f"written, round-trips exactly (live up/down/up){extra}{note}"
        finally:
            run([self.S, "migrate", "-d", copy, "drop", "--yes"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("strata")
    ap.add_argument("setdir")
    ap.add_argument("workdir")
    ap.add_argument("--build-url", required=True)
    ap.add_argument("--diff-url", required=True)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--roundtrip", choices=["check", "live", "none"], default=None)
    ap.add_argument("--flag", action="append", default=[])
    a = ap.parse_args()
    r = Runner(a)
    if a.roundtrip is None:
        a.roundtrip = "check" if r.engine == "sqlite" else "live"
    t0 = time.monotonic()
    rc = r.main()
    print(f"end\t{round(time.monotonic() - t0)}", flush=True)
    if os.environ.get("DIFF_STEPS_TIMES"):
        for k, (n, t) in sorted(TIMES.items(), key=lambda x: -x[1][1]):
            print(f"time: {k}: {n} runs, {t:.1f} s", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
