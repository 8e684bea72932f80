#!/usr/bin/env python3
"""tests/data/lint-cases/strong_migrations.jsonl: strong_migrations' change_column tests
(test/change_column_test.rb, test/migrations/change_column.rb at the commit below) written as the
SQL Rails runs on PostgreSQL (and, for the ALGORITHM/LOCK options, MySQL), with the users table of
test/support/active_record.rb as setup. Usage: python3 strong_migrations.py > FILE
"""
import json
REPO="ankane/strong_migrations"; COMMIT="c5461acb3856c21f8fa78398e1de417b01818e51"
SETUP=("CREATE TABLE orders (id bigserial PRIMARY KEY);\n"
       "CREATE TABLE users (id bigserial PRIMARY KEY, name varchar, city varchar, credit_score numeric(10,5),\n"
       "  deleted_at timestamp(6), country varchar(20), \"interval\" varchar, description text, code citext, order_id bigint);\n")
T=["column-type-rewrite"]
out=[]
def case(id, sql, expect, codes=T, path="test/migrations/change_column.rb", engine="postgres", setup=SETUP, **kw):
    c={"id":id,"engine":engine,"setup":setup,"sql":sql,"expect":expect,"codes":codes,
       "source":{"repo":REPO,"commit":COMMIT,"path":path}}
    if setup is None: del c["setup"]
    c.update(kw); out.append(c)
A="ALTER TABLE users ALTER COLUMN "
case("ChangeColumnVarcharToText", A+"name TYPE text;\n","ok")
case("ChangeColumnVarcharToCitext", A+"name TYPE citext;\n","ok")
case("ChangeColumnVarcharIncreaseLimit", A+"country TYPE varchar(21);\n","ok")
case("ChangeColumnVarcharIncreaseLimit64", A+"country TYPE varchar(64);\n","ok")
case("ChangeColumnVarcharIncreaseLimit256", A+"country TYPE varchar(256);\n","ok")
case("ChangeColumnVarcharDecreaseLimit", A+"country TYPE varchar(19);\n","flag")
case("ChangeColumnVarcharRemoveLimit", A+"country TYPE varchar;\n","ok")
case("ChangeColumnVarcharAddLimit", A+"country TYPE varchar;\n"+A+"country TYPE varchar(20);\n","flag")
case("ChangeColumnTextToVarcharLimit", A+"description TYPE varchar(20);\n","flag")
case("ChangeColumnTextToVarcharNoLimit", A+"description TYPE varchar;\n","ok")
case("ChangeColumnTextToCitext", A+"description TYPE citext;\n","ok")
case("ChangeColumnTextToCitextIndexed", "CREATE INDEX index_users_on_description ON users (description);\n"+A+"description TYPE citext;\n","flag")
case("ChangeColumnTextToCitextIndexedExpression", "CREATE INDEX index_users_on_lower_description ON users (lower(description));\n"+A+"description TYPE citext;\n","flag")
case("ChangeColumnCitextToText", A+"code TYPE text;\n","ok")
case("ChangeColumnCitextToTextIndexed", "CREATE INDEX index_users_on_code ON users (code);\n"+A+"code TYPE text;\n","flag")
case("ChangeColumnCitextToVarcharLimit", A+"code TYPE varchar(20);\n","flag")
case("ChangeColumnCitextToVarcharNoLimit", A+"code TYPE varchar;\n","ok")
case("ChangeColumnCitextToVarcharNoLimitIndexed", "CREATE INDEX index_users_on_code ON users (code);\n"+A+"code TYPE varchar;\n","flag")
case("ChangeColumnDecimalDecreasePrecision", A+"credit_score TYPE numeric(9,5);\n","flag")
case("ChangeColumnDecimalChangeScale", A+"credit_score TYPE numeric(10,6);\n","flag")
case("ChangeColumnDecimalIncreasePrecision", A+"credit_score TYPE numeric(11,5);\n","ok")
case("ChangeColumnDecimalUnconstrained", A+"credit_score TYPE numeric;\n","ok")
case("ChangeColumnTimestamps", A+"deleted_at TYPE timestamptz;\n","ok", strata="flag",
     why="timestamp to timestamptz keeps the rows only when the session's TimeZone is UTC, which a linter of files cannot know; strong_migrations asks the connected server")
for kind, sqltype in (("Datetime","timestamp"),("Timestamp","timestamp"),("Timestamptz","timestamptz"),("Time","time"),("Interval","interval")):
    col = "opens_at" if kind=="Time" else "duration" if kind=="Interval" else "joined_at"
    up = f"ALTER TABLE users ADD COLUMN {col} {sqltype}(0);\n" + "".join(A+f"{col} TYPE {sqltype}{p};\n" for p in ("(3)","(6)","","(6)"))
    name = "Precision" if kind in ("Datetime","Time","Interval") else "Limit"
    case(f"ChangeColumn{kind}Increase{name}", up, "ok")
    case(f"ChangeColumn{kind}Decrease{name}", f"ALTER TABLE users ADD COLUMN {col} {sqltype};\n"+A+f"{col} TYPE {sqltype}(3);\n", "flag")
case("ChangeColumnCidrToInet", "ALTER TABLE users ADD COLUMN ip cidr;\n"+A+"ip TYPE inet;\n","ok")
case("ChangeColumnInetToCidr", "ALTER TABLE users ADD COLUMN ip inet;\n"+A+"ip TYPE cidr;\n","flag")
case("ChangeColumnConstraint", "ALTER TABLE users ADD CONSTRAINT chk_1 CHECK (name IS NOT NULL);\n"
     "ALTER TABLE users ADD CONSTRAINT chk_2 CHECK (name = lower(name));\nALTER TABLE users ADD CONSTRAINT chk_3 CHECK (credit_score > 0);\n"
     +A+"name TYPE text;\n","flag", codes=T+["type-change-recheck"])
case("ChangeColumnOtherConstraints", "ALTER TABLE users ADD COLUMN new_name varchar;\nALTER TABLE users ADD CONSTRAINT chk_1 CHECK (new_name IS NOT NULL);\n"
     "ALTER TABLE users ADD CONSTRAINT chk_2 CHECK (credit_score > 0);\n"+A+"name TYPE text;\n","ok", codes=T+["type-change-recheck"])
case("ChangeColumnMissingTable", "ALTER TABLE missing ALTER COLUMN properties TYPE varchar;\n","flag")
# MySQL: change_column with algorithm/lock options
MSETUP="CREATE TABLE users (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(255), country varchar(20));\n"
M=["alter-copies-table","alter-locks-table","alter-without-algorithm"]
case("ChangeColumnAlgorithmCopy","ALTER TABLE users MODIFY country varchar(21), ALGORITHM=COPY;\n","flag",codes=M,engine="mysql",setup=MSETUP)
case("ChangeColumnAlgorithmInplace","ALTER TABLE users MODIFY country varchar(21), ALGORITHM=INPLACE;\n","ok",codes=M,engine="mysql",setup=MSETUP)
case("ChangeColumnLockShared","ALTER TABLE users MODIFY country varchar(21), LOCK=SHARED;\n","flag",codes=M,engine="mysql",setup=MSETUP)
case("ChangeColumnLockNone","ALTER TABLE users MODIFY country varchar(21), LOCK=NONE;\n","ok",codes=M,engine="mysql",setup=MSETUP)
case("ChangeColumnVarcharIncreaseLimit64 (MySQL)","ALTER TABLE users MODIFY country varchar(64);\n","flag",codes=M,engine="mysql",setup=MSETUP)
for c in out: print(json.dumps(c))
