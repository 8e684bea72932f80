#!/usr/bin/env python3
"""tests/data/lint-cases/django-pg-zero-downtime-migrations.jsonl: the library's schema editor tests
(tests/unit/test_schema.py): a test ending __raise, _error or __warning gives the SQL Django would
run (django_sql) as unsafe; one ending __ok gives the SQL the library runs instead (collected_sql,
its SET timeouts left out) as safe. The table the field belongs to is the setup (its old field's
type; NOT NULL unless null=True). Usage: python3 django_pg_zero_downtime_migrations.py TEST_SCHEMA_PY > FILE
"""
import sys
import ast, json, re
REPO="tbicr/django-pg-zero-downtime-migrations"; COMMIT="1018d52cf2b0ccb3ee8eb730b5349968ac37d7fb"; PATH="tests/unit/test_schema.py"
LOCKS=["missing-not-valid","validate-same-transaction","constraint-builds-index","set-not-null","column-type-rewrite",
       "type-change-recheck","volatile-default","not-null-without-default","index-without-concurrently",
       "drop-index-not-concurrent","rewrites-table","work-under-lock","lock-table","reindex-not-concurrent",
       "detach-not-concurrent","refresh-not-concurrent","domain-constraint","rename"]
src=open(sys.argv[1]).read()
tree=ast.parse(src)
def strings(node):
    found=[n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return [n.value for n in sorted(found, key=lambda n: (n.lineno, n.col_offset))]
def field_type(call):
    if not isinstance(call, ast.Call): return None
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, 'id', '')
    kw={k.arg: k.value.value for k in call.keywords if isinstance(k.value, ast.Constant)}
    null = "" if kw.get("null") else " NOT NULL"  # Django's fields are NOT NULL unless null=True
    t = None
    if name=="CharField": t = f"varchar({kw.get('max_length',40)})"
    if name in ("IntegerField","PositiveIntegerField","AutoField"): t = "integer"
    if name in ("BigIntegerField","BigAutoField"): t = "bigint"
    if name in ("SmallIntegerField","SmallAutoField"): t = "smallint"
    if name=="DecimalField": t = f"numeric({kw.get('max_digits',10)},{kw.get('decimal_places',2)})"
    if name=="FloatField": t = "double precision"
    if name=="TextField": t = "text"
    return t + null if t else None
out=[]
for fn in tree.body:
    if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test_") or "flexible_timeout" in fn.name: continue
    collected=django=None; old_type=None; old_name="field"
    for n in ast.walk(fn):
        if isinstance(n, ast.Assert) and isinstance(n.test, ast.Compare) and isinstance(n.test.left, ast.Attribute):
            attr=n.test.left.attr; rhs=n.test.comparators[0]
            if attr=="django_sql": django=strings(rhs)
            if attr=="collected_sql": collected=rhs
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and n.targets[0].id=="old_field":
            old_type=field_type(n.value)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr=="set_attributes_from_name" \
           and isinstance(n.func.value, ast.Name) and n.func.value.id=="old_field":
            old_name=n.args[0].value
    verdict = "flag" if fn.name.endswith(("__raise","_error","__warning")) else "ok" if fn.name.endswith("__ok") else None
    if verdict is None or django is None: continue
    if verdict=="ok":
        if collected is None: continue
        refs_django = any(isinstance(x, ast.Attribute) and x.attr=="django_sql" for x in ast.walk(collected))
        sql = django if refs_django else strings(collected)
    else:
        sql = django
    if verdict=="flag" and fn.name.endswith("__warning") and fn.name.replace("__warning","__raise") in [f.name for f in tree.body if isinstance(f, ast.FunctionDef)]:
        continue  # the same SQL as its __raise twin
    sql=[s for s in sql if not re.match(r"SET (statement|lock)_timeout", s)]
    if not sql: continue
    setup='CREATE TABLE "tests_model2" ("id" integer PRIMARY KEY);\n'
    setup+=f'CREATE TABLE "tests_model" ("id" integer PRIMARY KEY, "{old_name}" {old_type or "varchar(40) NOT NULL"});\n'
    extra={}
    if fn.name.startswith("test_add_field_with_code_default_not_null__") and verdict == "flag":
        extra={"strata":"ok","why":"PostgreSQL 11+ adds a column with a constant default without writing a row, and DROP DEFAULT afterwards reads no row either; the library refuses every ADD COLUMN NOT NULL in its strict mode"}
    out.append({**{"id":fn.name,"engine":"postgres","setup":setup,"sql":"\n".join(sql)+"\n","expect":verdict,"codes":LOCKS,
                "source":{"repo":REPO,"commit":COMMIT,"path":PATH}}, **extra})
for c in out: print(json.dumps(c))
