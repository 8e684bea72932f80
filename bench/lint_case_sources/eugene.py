#!/usr/bin/env python3
"""tests/data/lint-cases/eugene.jsonl: eugene's examples (eugene/examples/<hint>/{bad,good}.sql),
the last `-- N.sql` file the case, the ones before it its setup; eugene runs each file in a
transaction. W13 (an enum type made: a design choice, not a hazard) is left out. Usage: python3 eugene.py EUGENE_CHECKOUT > FILE
"""
import sys
import json, re, subprocess
REPO="kaaveland/eugene"; COMMIT="7f8b343ae93ed72692cf63ce9a4490fd617a7118"; GIT=sys.argv[1]
MAP={"E1":["missing-not-valid"],"E2":["set-not-null"],"E3":["json-column"],"E4":["work-under-lock"],"E5":["column-type-rewrite"],
     "E6":["index-without-concurrently"],"E7":["constraint-builds-index"],"E8":["constraint-builds-index"],
     "E9":["no-lock-timeout"],"E10":["work-under-lock"],"E11":["volatile-default"],"W12":["multiple-alter-table"],
     "W14":["set-not-null"],"E15":["fk-without-index"]}
WHY={("E4","bad"):"a plain read (SELECT count(*)) of the table the ALTER just locked: strata flags the writes and rewrites of other tables that run under the lock (UPDATE, DELETE, INSERT ... SELECT, a rewrite), not every statement after it"}
for hint, codes in MAP.items():
    for kind in ("bad","good"):
        path=f"eugene/examples/{hint}/{kind}.sql"
        r=subprocess.run(["git","-C",GIT,"show",f"{COMMIT}:{path}"],capture_output=True,text=True)
        if r.returncode: continue
        parts=[p for p in re.split(r"^-- \d+\.sql\n", r.stdout, flags=re.M) if p.strip()]
        c={"id":f"{hint}/{kind}","engine":"postgres","setup":"".join(parts[:-1]),"sql":parts[-1],"in_transaction":True,
           "expect":"flag" if kind=="bad" else "ok","codes":codes,"source":{"repo":REPO,"commit":COMMIT,"path":path}}
        if not c["setup"]: del c["setup"]
        if (hint,kind) in WHY: c["strata"]="ok" if kind=="bad" else "flag"; c["why"]=WHY[(hint,kind)]
        print(json.dumps(c))
