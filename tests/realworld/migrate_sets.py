#!/usr/bin/env python3
"""Applies every real migration set of ../shared/migrate-sets with strata and compares the outcome
with the peer's (dbmate, or golang-migrate's documented behaviour) recorded in each set's
expected.json / schema.sql: the full `up` (same stopping file, same schema), the full `down` one
migration at a time (same stopping file, same objects left), and `check --roundtrip` (the same
broken downs, every one of them). Prints one line per check and `N passed, M failed` at the end.

  migrate_sets.py STRATA SETS_DIR [--pg-url URL] [--only NAME] [--timings FILE] [-v]

--pg-url is a PostgreSQL server URL whose role may create databases (the PostgreSQL sets are
skipped, saying so, without it). --timings writes per-set seconds of up, check, check --drift and
check --roundtrip as JSON (bench/migrate_realworld.sh reports them).

Deliberate differences from the peers, each documented in strata-migrate(1) and checked here
rather than papered over:
  * A golang-migrate version without a .down.sql is rolled back by golang-migrate as an empty
    migration (its objects stay, its row goes). strata refuses to roll it back: `down` stops with
    exit 3 before running anything, naming the file. So where the peer's down_all passes over such
    versions, strata must refuse at the newest of them with the database unchanged.
  * A project whose migrations alter golang-migrate's own history table (harbor: ALTER TABLE
    schema_migrations) runs with strata's table given that name (--table schema_migrations).
"""
import argparse, difflib, json, os, re, shutil, subprocess, sys, tempfile, time
from urllib.parse import urlsplit, urlunsplit

# Flags a project passes to strata, by set: only what the project's own configuration implies.
SET_FLAGS = {
    # 0030 runs `ALTER TABLE schema_migrations ADD COLUMN data_version`, 0040 drops it again.
    "goharbor__harbor__postgres": ["--table", "schema_migrations"],
}

PASSED = 0
FAILED = 0
VERBOSE = False


def ok(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        if VERBOSE:
            print(f"  ok   {name}")
    else:
        FAILED += 1
        print(f"  FAIL {name}" + (f": {detail}" if detail else ""))
    return cond


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Database:
    """A fresh database for one run: a SQLite file, or a new PostgreSQL database."""

    def __init__(self, engine, tmp, name, pg_url):
        self.engine = engine
        self.pg_url = pg_url
        if engine == "sqlite":
            self.path = os.path.join(tmp, name + ".sqlite3")
            if os.path.exists(self.path):
                os.remove(self.path)
            self.url = "sqlite:" + self.path
        else:
            self.dbname = re.sub(r"[^a-z0-9_]", "_", name.lower())[:60]
            self.admin(f'DROP DATABASE IF EXISTS "{self.dbname}"')
            self.admin(f'CREATE DATABASE "{self.dbname}"')
            parts = urlsplit(pg_url)
            self.url = urlunsplit((parts.scheme, parts.netloc, "/" + self.dbname, parts.query, ""))

    def admin(self, sql):
        r = run(["psql", self.pg_url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        if r.returncode:
            raise RuntimeError(r.stderr)

    def dump(self, out):
        if self.engine == "sqlite":
            r = run(["sqlite3", self.path, ".schema"])
        else:
            r = run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", self.url])
        if r.returncode:
            raise RuntimeError(r.stderr)
        with open(out, "w") as f:
            f.write(r.stdout)
        return out

    def drop(self):
        if self.engine == "postgres":
            self.admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')


def strata(binary, args, db, setdir, name):
    cmd = [binary, "migrate", *args, "--dir", setdir, "--database", db.url, *SET_FLAGS.get(name, [])]
    start = time.monotonic()
    r = run(cmd, timeout=600)
    r.seconds = time.monotonic() - start
    return r


def failing_file(stderr, setdir):
    """The migration file an error line names (strata prints `file:line:col: message`)."""
    for f in sorted(os.listdir(setdir), key=len, reverse=True):
        if f.endswith(".sql") and f in stderr:
            return f
    return None


def same_schema(sets, expected_file, db, tmp, label, history_tables):
    dump = db.dump(os.path.join(tmp, "dump.sql"))
    cmd = ["python3", os.path.join(sets, "compare-schema.py"), expected_file, dump]
    for t in history_tables:
        cmd += ["--ignore", t]
    r = run(cmd)
    return ok(label, r.returncode == 0, (r.stdout + r.stderr).strip()[:1500])


def applied_count(binary, db, setdir, name):
    r = strata(binary, ["status", "--json"], db, setdir, name)
    if r.returncode not in (0, 1):
        return None
    doc = json.loads(r.stdout)
    return sum(1 for e in doc["migrations"] if e["state"] != "pending")


def versions_without_down(setdir):
    ups, downs = set(), set()
    for f in os.listdir(setdir):
        m = re.match(r"^([0-9]+)_(.*)\.(down|up)\.(.*)$", f)
        if m:
            (ups if m.group(3) == "up" else downs).add(int(m.group(1)))
    return ups - downs


def check_set(binary, sets, name, pg_url, tmp, timings):
    setdir = os.path.join(sets, name)
    exp = json.load(open(os.path.join(setdir, "expected.json")))
    engine = exp["engine"]
    if engine == "postgres" and not pg_url:
        print(f"{name}: SKIP (no PostgreSQL server)")
        return
    print(f"{name}: {engine}, {exp['format']}, {exp['migrations']} migrations")
    history = ["strata_migrations"] + (["schema_migrations"] if name in SET_FLAGS else [])
    t = timings.setdefault(name, {})

    # --- up, all of it
    db = Database(engine, tmp, name, pg_url)
    r = strata(binary, ["up"], db, setdir, name)
    t["up_s"] = round(r.seconds, 3)
    if exp["up_all"] == "ok":
        ok("up: applies every migration", r.returncode == 0, r.stderr.strip()[:600])
    else:
        want = re.match(r"fails at (\S+?):", exp["up_all"]).group(1)
        got = failing_file(r.stderr, setdir)
        ok(f"up: fails at {want} (exit 6)", r.returncode == 6 and got == want,
           f"exit {r.returncode}, stopped at {got}: {r.stderr.strip()[:400]}")
    same_schema(sets, os.path.join(setdir, exp["schema_after_up"]), db, tmp,
                "up: the peer's schema", history)

    # --- check on the database just migrated: nothing pending, no drift
    r = strata(binary, ["check", "--json"], db, setdir, name)
    t["check_s"] = round(r.seconds, 3)
    r = strata(binary, ["check", "--drift", "--json"], db, setdir, name)
    t["check_drift_s"] = round(r.seconds, 3)
    if exp["up_all"] == "ok":
        codes = sorted({f["code"] for f in json.loads(r.stdout)["findings"]
                        if f["severity"] == "error"}) if r.stdout.strip() else ["(no output)"]
        ok("check --drift: no drift and no error after up", r.returncode in (0, 3) and
           "drift" not in codes and not [c for c in codes if c not in ("pragma-in-transaction",)],
           f"exit {r.returncode}, errors {codes}: {r.stderr.strip()[:300]}")

    # --- dump as faithful as the database: dump, load into a fresh database, dump again gives the
    # same file, and the engine's own dump (pg_dump --schema-only, sqlite3 .schema) of the two
    # databases is the same text
    if exp["up_all"] == "ok":
        first = os.path.join(tmp, "strata_dump.sql")
        r = strata(binary, ["dump", "-o", first], db, setdir, name)
        ok("dump", r.returncode == 0, r.stderr.strip()[:300])
        loaded = Database(engine, tmp, name + "_load", pg_url)
        r = strata(binary, ["load", first], loaded, setdir, name)
        t["load_s"] = round(r.seconds, 3)
        if ok("load: the dump loads into an empty database", r.returncode == 0, r.stderr.strip()[:600]):
            second = os.path.join(tmp, "strata_dump2.sql")
            strata(binary, ["dump", "-o", second], loaded, setdir, name)
            a, b = (open(f).read().split("\n", 1)[1] for f in (first, second))  # the first line names the database
            ok("dump, load, dump: the same file", a == b, "".join(difflib.unified_diff(
                a.splitlines(True), b.splitlines(True), n=0))[:1200])
            # compare-schema.py reads both engine dumps (pg_dump --schema-only, sqlite3 .schema)
            # in an order of its own: SQLite's .schema lists objects in the order they were made.
            same_schema(sets, db.dump(os.path.join(tmp, "original.sql")), loaded, tmp,
                        "the engine's own dump of the loaded database: the original's",
                        history + ["alembic_version", "goose_db_version", "flyway_schema_history"])
        loaded.drop()

    # --- down, one at a time from the newest
    no_down = versions_without_down(setdir) if exp["format"] == "golang-migrate" else set()
    if exp["up_all"] == "ok":
        steps, last = 0, None
        while True:
            n = applied_count(binary, db, setdir, name)
            if not n:
                break
            last = strata(binary, ["down"], db, setdir, name)
            if last.returncode != 0:
                break
            steps += 1
        if exp["down_all"] == "ok" and not no_down:
            ok("down: rolls back every migration", last is None or last.returncode == 0,
               f"stopped after {steps}: {last.stderr.strip()[:400] if last else ''}")
            after = os.path.join(setdir, "schema_after_down.sql")
            if os.path.exists(after):
                same_schema(sets, after, db, tmp, "down: leaves what the peer leaves", history)
            else:
                left = [l for l in open(db.dump(os.path.join(tmp, "down.sql")))
                        if re.match(r"(?i)^CREATE (TABLE|VIEW|INDEX|TYPE|FUNCTION|SCHEMA|SEQUENCE)", l)
                        and not re.search("strata_migrations|sqlite_sequence", l)]
                ok("down: leaves nothing", not left, "".join(left[:5]))
        elif exp["down_all"] == "ok":
            newest_no_down = max(no_down)
            got = failing_file(last.stderr, setdir) if last else None
            ok(f"down: refuses at the newest version without a .down.sql ({newest_no_down}), exit 3",
               last is not None and last.returncode == 3 and got is not None and
               int(re.match(r"^([0-9]+)", got).group(1)) == newest_no_down,
               f"exit {last.returncode if last else None}, at {got}: {last.stderr.strip()[:300] if last else ''}")
        else:
            want = re.match(r"fails at (\S+?):", exp["down_all"]).group(1)
            got = failing_file(last.stderr, setdir) if last else None
            ok(f"down: fails at {want} (exit 6)", last is not None and last.returncode == 6 and got == want,
               f"exit {last.returncode if last else None}, at {got}: {last.stderr.strip()[:300] if last else ''}")
    db.drop()

    # --- check --roundtrip on a fresh database: exactly the peer's broken downs
    db = Database(engine, tmp, name + "_rt", pg_url)
    r = strata(binary, ["check", "--roundtrip", "--json"], db, setdir, name)
    t["check_roundtrip_s"] = round(r.seconds, 3)
    if exp["up_all"] == "ok" and "roundtrip" in exp:
        try:
            findings = json.loads(r.stdout)["findings"]
        except ValueError:
            findings = []
            ok("check --roundtrip: JSON", False, r.stderr.strip()[:300])
        flagged = {os.path.basename(f["file"]) for f in findings
                   if f["code"] == "roundtrip" and f["severity"] == "error"}
        flagged_any = {os.path.basename(f["file"]) for f in findings if f["code"] == "roundtrip"}

        def up_name(f):
            return re.sub(r"\.down\.sql$", ".up.sql", f)
        issues = exp["roundtrip"]["issues"]
        broken = {up_name(i["migration"]) for i in issues if not i["result"].startswith("restored except column order")}
        order_only = {up_name(i["migration"]) for i in issues if i["result"].startswith("restored except column order")}
        ok(f"check --roundtrip: flags the {len(broken)} broken down(s)", broken <= flagged,
           f"missed {sorted(broken - flagged)}")
        ok("check --roundtrip: flags nothing else as broken", not (flagged - broken),
           f"also flagged {sorted(flagged - broken)}")
        ok("check --roundtrip: column order alone is not an error", not (order_only & flagged),
           f"{sorted(order_only & flagged)}")
        wrong_files = {f for f in flagged_any if f.endswith(".down.sql")}
        ok("check --roundtrip: findings name the migration (the .up.sql of a pair)", not wrong_files,
           f"{sorted(wrong_files)}")
        # On a fresh database every migration is pending (exit 1) unless a down is broken (5).
        ok("check --roundtrip: exit 5 exactly when a down is broken", r.returncode == (5 if broken else 1),
           f"exit {r.returncode}")
    db.drop()


def main():
    global VERBOSE
    ap = argparse.ArgumentParser()
    ap.add_argument("strata")
    ap.add_argument("sets")
    ap.add_argument("--pg-url")
    ap.add_argument("--only", action="append")
    ap.add_argument("--timings")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    VERBOSE = a.v
    names = sorted(d for d in os.listdir(a.sets) if os.path.isfile(os.path.join(a.sets, d, "expected.json")))
    if a.only:
        names = [n for n in names if n in a.only]
    timings = {}
    tmp = tempfile.mkdtemp(prefix="strata-realworld.")
    try:
        for name in names:
            try:
                check_set(a.strata, a.sets, name, a.pg_url, tmp, timings)
            except Exception as e:  # a crash of the harness on one set is a failure, not an abort
                ok(f"{name}: harness", False, repr(e)[:500])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if a.timings:
        with open(a.timings, "w") as f:
            json.dump(timings, f, indent=1)
    print(f"realworld: {PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
