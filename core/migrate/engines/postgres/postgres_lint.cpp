// PostgreSQL's lint rules (the row's lint_section, engines.h), read from PostgreSQL's own parse
// tree (pg_parse_tree.h): what locks or rewrites a table already in use, loses data or breaks
// code still running. Each was measured on a table with rows (strata-migrate(1) lists them with
// the safe recipe). A table created earlier in the same section is new: none of them apply to it.
#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <span>
#include <string_view>

#include "common/line_counter.h"
#include "common/setting.h"
#include "common/text.h"
#include "migrate/engines/server_reach.h"
#include "migrate/engines/postgres/pg_parse_tree.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/engines/postgres/postgres_splitter.h"
#include "migrate/model/placeholders.h"

namespace strata::migrate {
// Named, not anonymous: each engine's lint helpers keep their short names in a unity build.
namespace postgres_lint {

using nlohmann::json;

// PostgreSQL's functions none of whose forms is volatile (scripts/pg-stable-functions.sh).
constexpr const char* k_stable_functions[] = {
#include "migrate/engines/postgres/pg_stable_functions.inc"
};

bool is_stable_function(std::string_view name) {
  return std::binary_search(std::begin(k_stable_functions), std::end(k_stable_functions), name,
                            [](auto a, auto b) { return std::string_view(a) < std::string_view(b); });
}

std::string text_of(const json& fields, const char* key) {
  const auto it = fields.find(key);
  return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag_of(const json& fields, const char* key) {
  const auto it = fields.find(key);
  return it != fields.end() && it->is_boolean() && it->get<bool>();
}

const json& list_of(const json& fields, const char* key) {
  static const json empty = json::array();
  const auto it = fields.find(key);
  return it != fields.end() && it->is_array() ? *it : empty;
}

// The last part of a qualified name given as a list of String nodes (["pg_catalog", "int4"]).
std::string last_name(const json& names) {
  std::string out;
  for (const json& n : names) out = text_of(node_fields(n), "sval");
  return out;
}

// A type as "varchar(20)", "numeric(10,2)", "int4[]": its last name and modifiers.
std::string type_text(const json& type_name) {
  std::string out = last_name(list_of(type_name, "names"));
  const json& mods = list_of(type_name, "typmods");
  if (!mods.empty()) {
    out += '(';
    for (std::size_t i = 0; i < mods.size(); ++i) {
      const json& c = node_fields(mods[i]);
      if (i > 0) out += ',';
      out += c.contains("ival") ? std::to_string(c["ival"].value("ival", 0)) : std::string("?");
    }
    out += ')';
  }
  for (std::size_t i = 0; i < list_of(type_name, "arrayBounds").size(); ++i) out += "[]";
  return out;
}

// An expression PostgreSQL evaluates once when a column is added (11+ stores it, no row is
// written): constants, casts, operators, CURRENT_TIMESTAMP and the like, and calls of functions
// none of whose forms is volatile. Anything else (random(), gen_random_uuid(), nextval(), a
// function of the project's own) is evaluated for each row: the table is rewritten.
bool evaluated_once(const json& node) {
  const std::string_view type = node_type(node);
  const json& f = node_fields(node);
  if (type == "A_Const" || type == "SQLValueFunction" || type == "ParamRef") return true;
  if (type == "FuncCall") {
    if (!is_stable_function(last_name(list_of(f, "funcname")))) return false;
    return std::all_of(list_of(f, "args").begin(), list_of(f, "args").end(), evaluated_once);
  }
  if (type == "TypeCast") return !f.contains("arg") || evaluated_once(f["arg"]);
  if (type == "A_Expr") {
    return (!f.contains("lexpr") || evaluated_once(f["lexpr"])) && (!f.contains("rexpr") || evaluated_once(f["rexpr"]));
  }
  if (type == "A_ArrayExpr") {
    return std::all_of(list_of(f, "elements").begin(), list_of(f, "elements").end(), evaluated_once);
  }
  if (type == "BoolExpr" || type == "CoalesceExpr" || type == "MinMaxExpr") {
    return std::all_of(list_of(f, "args").begin(), list_of(f, "args").end(), evaluated_once);
  }
  if (type == "List") return std::all_of(list_of(f, "items").begin(), list_of(f, "items").end(), evaluated_once);
  return false;
}

// Type changes PostgreSQL makes without rewriting the table (measured: the table's file stays):
// a varchar, numeric or bit varying widened or unbounded, varchar and text into each other
// (text into a bounded varchar rewrites), cidr into inet.
bool type_change_keeps_rows(const std::string& from, const std::string& to) {
  if (from == to) return true;
  const auto base = [](const std::string& t) { return t.substr(0, t.find('(')); };
  const auto mods = [](const std::string& t) -> std::vector<long> {
    std::vector<long> out;
    const std::size_t open = t.find('(');
    if (open == std::string::npos) return out;
    for (const std::string& part : split(t.substr(open + 1, t.find(')') - open - 1), ',')) {
      out.push_back(std::strtol(part.c_str(), nullptr, 10));
    }
    return out;
  };
  const std::string a = base(from), b = base(to);
  // citext is stored as text is, and the citext extension declares its casts to and from text
  // and varchar WITHOUT FUNCTION: no row is read (an index on the column is rebuilt, its
  // operator class being another).
  const auto string_type = [](const std::string& t) { return t == "varchar" || t == "text" || t == "citext"; };
  if (string_type(a) && string_type(b)) {
    if (b == "citext") return true;
    if (mods(to).empty()) return true;  // into text or an unbounded varchar
    return a == "varchar" && !mods(from).empty() && mods(from)[0] <= mods(to)[0];
  }
  // timestamp, timestamptz, time, timetz: a precision kept or widened (none is 6, the widest)
  // keeps the rows (PostgreSQL's timestamp_support and time_support).
  const auto temporal = [](const std::string& t) {
    return t == "timestamp" || t == "timestamptz" || t == "time" || t == "timetz";
  };
  if (temporal(a) && a == b) {
    if (mods(to).empty() || mods(to)[0] >= 6) return true;
    return !mods(from).empty() && mods(from)[0] <= mods(to)[0];
  }
  // interval: into the full range of fields (32767, or no modifier) with a precision kept,
  // widened or the widest (interval_support); narrowing the fields (DAY TO SECOND ...) reads
  // the rows.
  if (a == "interval" && b == "interval") {
    const std::vector<long> m = mods(from), n = mods(to);
    if (n.empty()) return true;
    if (n[0] != 32767) return false;
    if (n.size() < 2 || n[1] >= 6) return true;
    return m.size() >= 2 && m[1] <= n[1];
  }
  if ((a == "numeric" && b == "numeric") || (a == "varbit" && b == "varbit")) {
    if (mods(to).empty()) return true;
    const std::vector<long> m = mods(from), n = mods(to);
    if (m.empty()) return false;
    const long scale_m = m.size() > 1 ? m[1] : 0, scale_n = n.size() > 1 ? n[1] : 0;
    return n[0] >= m[0] && scale_m == scale_n;
  }
  return a == "cidr" && b == "inet";
}

// `USING col` or `USING col::type`: the column as it is, no expression to compute per row.
bool plain_using(const json& expr, const std::string& column) {
  if (expr.is_null()) return true;
  const json* e = &expr;
  if (node_type(*e) == "TypeCast") e = &member(node_fields(*e), "arg");
  return node_type(*e) == "ColumnRef" && last_name(list_of(node_fields(*e), "fields")) == column;
}

// An option of a parenthesised list (VACUUM (FULL), REINDEX (CONCURRENTLY)) that is on: named
// without a value, or with one PostgreSQL reads as true.
bool option_on(const json& options, std::string_view name) {
  for (const json& o : options) {
    const json& d = node_fields(o);
    if (text_of(d, "defname") != name) continue;
    const json& arg = member(d, "arg");
    if (node_type(arg).empty()) return true;
    const json& a = node_fields(arg);
    const std::string value = to_lower(a.contains("sval") ? text_of(a, "sval") : text_of(a, "boolval"));
    if (node_type(arg) == "Boolean") return flag_of(a, "boolval");
    if (node_type(arg) == "Integer") return a.value("ival", 0) != 0;
    return value != "false" && value != "off" && value != "0" && value != "no";
  }
  return false;
}

// The columns a CHECK proves never null: `column IS NOT NULL`, alone or as a term of an AND
// (PostgreSQL's proof that SET NOT NULL need not scan reads the terms of an AND the same way).
void not_null_terms(const json& expr, std::vector<std::string>& out) {
  const json& f = node_fields(expr);
  if (node_type(expr) == "BoolExpr" && text_of(f, "boolop") == "AND_EXPR") {
    for (const json& a : list_of(f, "args")) not_null_terms(a, out);
    return;
  }
  if (node_type(expr) != "NullTest" || text_of(f, "nulltesttype") != "IS_NOT_NULL") return;
  const json& arg = member(f, "arg");
  if (node_type(arg) == "ColumnRef") out.push_back(last_name(list_of(node_fields(arg), "fields")));
}

std::vector<std::string> not_null_check_columns(const json& constraint) {
  std::vector<std::string> out;
  not_null_terms(member(constraint, "raw_expr"), out);
  return out;
}

// Every column an expression names (a CHECK's), bounded by the tree the parser gave.
void column_refs(const json& node, std::vector<std::string>& out, int depth = 0) {
  if (depth > 64) return;
  if (node.is_object()) {
    if (node_type(node) == "ColumnRef") {
      out.push_back(last_name(list_of(node_fields(node), "fields")));
      return;
    }
    for (const auto& item : node.items()) column_refs(item.value(), out, depth + 1);
  } else if (node.is_array()) {
    for (const json& item : node) column_refs(item, out, depth + 1);
  }
}

// The name of the object a RenameStmt, DropStmt item or AlterObjectSchemaStmt is about.
std::string object_name(const json& o) {
  const std::string_view type = node_type(o);
  const json& f = node_fields(o);
  if (type == "List") return last_name(list_of(f, "items"));
  if (type == "ObjectWithArgs") return last_name(list_of(f, "objname"));
  if (type == "TypeName") return last_name(list_of(f, "names"));
  if (type == "String") return text_of(f, "sval");
  return "";
}

// What an OBJECT_* kind is called in SQL, for the kinds whose drop or rename breaks code still
// using them; "" for the others.
std::string object_kind_word(const std::string& kind) {
  static const std::pair<const char*, const char*> k_words[] = {
      {"OBJECT_VIEW", "VIEW"},       {"OBJECT_MATVIEW", "MATERIALIZED VIEW"}, {"OBJECT_FUNCTION", "FUNCTION"},
      {"OBJECT_PROCEDURE", "PROCEDURE"}, {"OBJECT_ROUTINE", "ROUTINE"},     {"OBJECT_TYPE", "TYPE"},
      {"OBJECT_DOMAIN", "DOMAIN"},   {"OBJECT_SEQUENCE", "SEQUENCE"},       {"OBJECT_SCHEMA", "SCHEMA"},
      {"OBJECT_INDEX", "INDEX"},     {"OBJECT_TABLE", "TABLE"},             {"OBJECT_FOREIGN_TABLE", "FOREIGN TABLE"},
  };
  for (const auto& [k, w] : k_words) {
    if (kind == k) return w;
  }
  return "";
}

// A domain renamed or moved to another schema breaks nothing that runs: its columns refer to it
// by OID and keep their rows and checks, and application code does not name a domain the way
// ORMs cast to an enum type's name (squawk's own tests count both clean). Dropping one is still
// drop-object.
bool renames_quietly(const std::string& kind) { return kind == "OBJECT_DOMAIN"; }

// One section's reading, statement by statement.
class SectionLint {
 public:
  SectionLint(const Section& s, const LintContext& c, std::vector<LintFinding>& out)
      : s_(s), c_(c), out_(out), memory_(c.memory != nullptr && c.up ? *c.memory : own_memory_),
        lock_timeout_(c.lock_timeout_configured), in_transaction_(s.transaction), lines_(s.sql) {}

  void statement(const ParsedStatement& st) {
    offset_ = st.offset;
    length_ = st.length;
    const std::string_view type = node_type(st.tree);
    const json& f = node_fields(st.tree);
    if (type == "TransactionStmt") return transaction(f);
    if (type == "VariableSetStmt") return setting(f);
    if (type == "CreateStmt") return create_table(f);
    if (type == "CreateTableAsStmt") return (void)created_.insert(relation(member(member(f, "into"), "rel")));
    if (type == "ViewStmt") return created_view(relation(member(f, "view")));
    if (type == "CreateSeqStmt") return (void)created_.insert(relation(member(f, "sequence")));
    if (type == "CreateSchemaStmt") return (void)created_.insert(text_of(f, "schemaname"));
    if (type == "CreateFunctionStmt") return (void)created_.insert(last_name(list_of(f, "funcname")));
    if (type == "CreateEnumStmt" || type == "CreateRangeStmt") return (void)created_.insert(last_name(list_of(f, "typeName")));
    if (type == "CompositeTypeStmt") return (void)created_.insert(relation(member(f, "typevar")));
    if (type == "CreateDomainStmt") return (void)created_.insert(last_name(list_of(f, "domainname")));
    if (type == "DefineStmt" && text_of(f, "kind") == "OBJECT_TYPE") return (void)created_.insert(last_name(list_of(f, "defnames")));
    // Both sections: a down runs with the same role.
    if (type == "CreateRoleStmt") {
      roles_created_.insert(text_of(f, "role"));
      return role(f, role_statement(text_of(f, "stmt_type")) + text_of(f, "role"));
    }
    if (type == "AlterRoleStmt") return alter_role(f);
    if (type == "AlterRoleSetStmt") return role_setting(f);
    if (type == "AlterDatabaseSetStmt") return database_setting(f);
    if (type == "GrantRoleStmt") return grant_role(f);
    if (!c_.up) return;
    if (type == "IndexStmt") return index(f);
    if (type == "AlterTableStmt") return alter_table(f);
    if (type == "RenameStmt") return rename(f);
    if (type == "DropStmt") return drop(f);
    if (type == "DropdbStmt") return flag("destructive", "DROP DATABASE " + text_of(f, "dbname") + " destroys every table in it");
    if (type == "TruncateStmt") return truncate(f);
    if (type == "ReindexStmt") return reindex(f);
    if (type == "VacuumStmt") return vacuum(f);
    if (type == "ClusterStmt") return rewrite_statement("CLUSTER", relation(member(f, "relation")));
    if (type == "LockStmt") return lock(f);
    if (type == "RefreshMatViewStmt") return refresh(f);
    if (type == "AlterDomainStmt") return alter_domain(f);
    if (type == "CreateTrigStmt") return takes_lock(relation(member(f, "relation")));
    if (type == "AlterEnumStmt") return alter_enum(f);
    if (type == "AlterObjectSchemaStmt") return set_schema(f);
    if (type == "UpdateStmt" || type == "DeleteStmt") return work_under_lock(relation(member(f, "relation")), type == "UpdateStmt" ? "UPDATE" : "DELETE");
    if (type == "InsertStmt" && !list_of(node_fields(member(f, "selectStmt")), "fromClause").empty()) {
      return work_under_lock(relation(member(f, "relation")), "INSERT ... SELECT");
    }
  }

 private:
  // ---- findings -------------------------------------------------------------------------------

  void flag(const char* code, std::string message) {
    out_.push_back({code, false, line(), std::move(message), s_.file});
  }

  // Statements come in order: their lines are counted once over the section (LineCounter).
  std::size_t line() { return s_.first_line + lines_.line_of(offset_) - 1; }

  // A statement that waits for a lock on a table in use: without lock_timeout, it waits behind
  // any open transaction, and every query of the table queues behind it (a plain ADD COLUMN
  // held a SELECT for the whole 6 s a transaction stayed open). Said once a file: in its up
  // section, not again in the down that undoes it (said on every section, it was on three in four
  // files of real projects, which teaches people to ignore it).
  void takes_lock(const std::string& table) {
    if (!c_.up || lock_timeout_ || lock_timeout_said_ || is_new(table)) return;
    lock_timeout_said_ = true;
    flag("no-lock-timeout",
         "no lock_timeout is set before this statement on " + table +
             ": while it waits for its lock behind a long transaction, every query of the table waits behind it; "
             "start the migration with SET lock_timeout = '2s' (and retry), or set migrate.ddl_lock_timeout");
  }

  bool is_new(const std::string& table) const { return table.empty() || created_.count(table) != 0; }

  static std::string relation(const json& rangevar) { return text_of(rangevar, "relname"); }

  // ---- statements -----------------------------------------------------------------------------

  static std::string role_statement(const std::string& stmt_type) {
    if (stmt_type == "ROLESTMT_USER") return "CREATE USER ";
    if (stmt_type == "ROLESTMT_GROUP") return "CREATE GROUP ";
    return "CREATE ROLE ";
  }

  // A RoleSpec: the name, or CURRENT_USER and the like as written.
  static std::string role_name(const json& spec) {
    const std::string name = text_of(spec, "rolename");
    if (!name.empty()) return name;
    const std::string type = text_of(spec, "roletype");
    return type.rfind("ROLESPEC_", 0) == 0 ? type.substr(9) : type;
  }

  // CREATE/ALTER ROLE (USER, GROUP): a role made a superuser, or given REPLICATION (which streams
  // every database of the server), reaches everything the server holds, as the server-reach
  // statements of lint_postgres_files do, and `up` would grant it with the user's own role. A
  // password written in the file is a secret for everyone who reads the repository; a `${NAME}`
  // placeholder (envsub) in its place is not.
  void role(const json& f, const std::string& what) {
    for (const json& o : list_of(f, "options")) {
      const json& d = node_fields(o);
      const std::string option = text_of(d, "defname");
      const json& arg = member(d, "arg");
      if ((option == "superuser" || option == "isreplication") && node_type(arg) == "Boolean" &&
          flag_of(node_fields(arg), "boolval")) {
        const char* power = option == "superuser" ? "SUPERUSER" : "REPLICATION";
        out_.push_back({"server-reach", true, line(),
                        what + " " + power + " gives a role " +
                            (option == "superuser" ? "every power over the server (its files, its programs, every database)"
                                                   : "a copy of every database of the server (streaming replication)") +
                            ": `up` would grant it with your role; create such a role by hand, outside the migrations",
                        s_.file});
      }
      if (option == "password" && node_type(arg) == "String" && !text_of(node_fields(arg), "sval").empty() &&
          !is_placeholder(text_of(node_fields(arg), "sval"))) {
        flag("password-in-migration",
             what + " PASSWORD '...' writes a password into the migration, for everyone who reads the repository and its "
                    "history; write PASSWORD '${NAME}' and run with " + mention(Setting::envsub) +
                    " (the value comes from the environment), or set the password outside the migrations");
      }
    }
  }

  // What reaches past the migration's own objects to the whole server, reported as the other
  // server-reach findings are: an error, whichever section it is in.
  void reach(const std::string& message) {
    out_.push_back({"server-reach", true, line(),
                    message + ": `up` would run it with your role on the server; do it by hand, outside the migrations",
                    s_.file});
  }

  // A role this section did not create: an existing role of the server (postgres, the
  // application's own login, another team's).
  bool server_role(const json& spec) const {
    const std::string name = text_of(spec, "rolename");
    return name.empty() || roles_created_.count(name) == 0;
  }

  // ALTER ROLE (USER): SUPERUSER and a password written in the file as for CREATE ROLE; and a new
  // password for a role the section did not create is a way into the server for whoever wrote
  // the migration (ALTER ROLE postgres PASSWORD '...': the server's own superuser's login).
  void alter_role(const json& f) {
    const json& spec = member(f, "role");
    const std::string what = "ALTER ROLE " + role_name(spec);
    role(f, what);
    if (!server_role(spec)) return;
    for (const json& o : list_of(f, "options")) {
      if (text_of(node_fields(o), "defname") == "password") {
        reach(what + " PASSWORD sets the password of a role of the whole server (a login for whoever wrote the migration)");
        return;
      }
    }
  }

  // ALTER ROLE ... SET and ALTER DATABASE ... SET: a setting for every later session of the role
  // or the database (search_path, session_preload_libraries, ...), beyond what the migration
  // runs. RESET puts back the server's own and is not reported.
  void role_setting(const json& f) {
    const json& set = member(f, "setstmt");
    if (text_of(set, "kind").rfind("VAR_RESET", 0) == 0) return;
    const json& spec = member(f, "role");
    if (!spec.empty() && !server_role(spec)) return;
    const std::string who = spec.empty() ? std::string("ALL") : role_name(spec);
    reach("ALTER ROLE " + who + " SET " + text_of(set, "name") +
          " changes a setting of every later session of that role, in every database");
  }

  void database_setting(const json& f) {
    const json& set = member(f, "setstmt");
    if (text_of(set, "kind").rfind("VAR_RESET", 0) == 0) return;
    reach("ALTER DATABASE " + text_of(f, "dbname") + " SET " + text_of(set, "name") +
          " changes a setting of every later session of the database, whoever opens it");
  }

  // GRANT role TO role: membership is the granted role's every power (GRANT postgres TO app makes
  // app a superuser). A role this section created holds only what the section gave it; the
  // server's pg_read_server_files and the like are reported by their names (lint_postgres_files).
  void grant_role(const json& f) {
    if (!flag_of(f, "is_grant")) return;
    for (const json& granted : list_of(f, "granted_roles")) {
      const std::string name = text_of(node_fields(granted), "priv_name");
      if (name.empty() || roles_created_.count(name) != 0) continue;
      if (name == "pg_execute_server_program" || name == "pg_read_server_files" || name == "pg_write_server_files") continue;
      std::string to;
      for (const json& grantee : list_of(f, "grantee_roles")) to += (to.empty() ? "" : ", ") + role_name(node_fields(grantee));
      reach("GRANT " + name + " TO " + to + " gives every power of " + name + ", a role of the whole server");
      return;
    }
  }

  // A literal that is, or holds, a `${NAME}` the parser read as `p_NAME_` (pg_parse_tree.h).
  bool is_placeholder(const std::string& literal) const {
    const std::string_view statement = std::string_view(s_.sql).substr(offset_, length_);
    for (const Placeholder& p : find_placeholders(statement)) {
      if (literal.find("p_" + p.name + "_") != std::string::npos) return true;
    }
    return false;
  }

  void transaction(const json& f) {
    const std::string kind = text_of(f, "kind");
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
      in_transaction_ = true;
      added_not_valid_.clear();
      locked_.clear();
    } else if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK") {
      in_transaction_ = s_.transaction;
      if (!s_.transaction) {
        added_not_valid_.clear();
        added_columns_.clear();  // their lock ends with the transaction
        locked_.clear();
      }
    }
  }

  void setting(const json& f) {
    if (text_of(f, "name") != "lock_timeout") return;
    const json& args = list_of(f, "args");
    const json& value = args.empty() ? json() : node_fields(args[0]);
    // SET lock_timeout = 0 (or '0') turns it off again.
    const bool off = text_of(f, "kind") != "VAR_SET_VALUE" ||
                     (value.contains("ival") && value["ival"].value("ival", 0) == 0) ||
                     (value.contains("sval") && value["sval"].value("sval", "") == "0");
    lock_timeout_ = !off || c_.lock_timeout_configured;
  }

  void remember_column(const std::string& table, const json& column_def) {
    const std::string name = text_of(column_def, "colname");
    if (!name.empty() && column_def.contains("typeName")) {
      memory_.column_types[table + "." + name] = type_text(column_def["typeName"]);
    }
  }

  void create_table(const json& f) {
    const std::string table = relation(member(f, "relation"));
    created_.insert(table);
    if (!c_.up) return;
    for (const json& e : list_of(f, "tableElts")) {
      if (node_type(e) == "ColumnDef") {
        json_column(table, node_fields(e));
        remember_column(table, node_fields(e));
        const std::string column = text_of(node_fields(e), "colname");
        for (const json& con : list_of(node_fields(e), "constraints")) {
          remember_column_constraint(table, column, node_fields(con));
        }
      }
      if (node_type(e) == "Constraint") remember_constraint(table, node_fields(e));
    }
  }

  // A constraint written on a column (CREATE TABLE, ADD COLUMN): NOT NULL and PRIMARY KEY make
  // it never null; a REFERENCES or CHECK is a constraint as any other.
  void remember_column_constraint(const std::string& table, const std::string& column, const json& k) {
    const std::string contype = text_of(k, "contype");
    if (contype == "CONSTR_NOTNULL" || contype == "CONSTR_PRIMARY") memory_.not_null_columns.insert(table + "." + column);
    if (contype == "CONSTR_PRIMARY" || contype == "CONSTR_UNIQUE") {
      remember_full_index(constraint_name(k, table, {column}, contype == "CONSTR_PRIMARY" ? "pkey" : "key"), table, {column});
    }
    if (contype == "CONSTR_FOREIGN") {
      // PostgreSQL names it table_column_fkey when the migration does not.
      const std::string name = constraint_name(k, table, {column}, "fkey");
      memory_.known_constraints.insert(name);
      memory_.constraint_kinds[name] = "f";
      remember_foreign_key(name, table, {column});
    }
    if (contype == "CONSTR_CHECK") remember_constraint(table, k);
  }

  // A view made where a table was renamed away: the old name still answers readers (a rename
  // made compatible), so the rename's finding is withdrawn.
  void created_view(const std::string& view) {
    created_.insert(view);
    const auto renamed = renamed_tables_.find(view);
    if (renamed == renamed_tables_.end()) return;
    const std::size_t at = renamed->second;
    out_.erase(out_.begin() + static_cast<std::ptrdiff_t>(at));
    renamed_tables_.erase(renamed);
    for (auto& [name, index] : renamed_tables_) {
      if (index > at) --index;
    }
  }

  void index(const json& f) {
    const std::string table = relation(member(f, "relation"));
    const std::string name = text_of(f, "idxname");
    if (c_.up) {
      // An index left unnamed is still an index on its columns (PostgreSQL names it).
      const std::string key = name.empty() ? table + " #" + std::to_string(memory_.index_columns.size()) : name;
      std::vector<std::string>& columns = memory_.index_columns[key];
      columns.clear();
      std::vector<std::string> plain;  // the index's columns while they are plain columns
      bool plain_so_far = !f.contains("whereClause");
      for (const json& p : list_of(f, "indexParams")) {
        std::vector<std::string> read{text_of(node_fields(p), "name")};
        column_refs(member(node_fields(p), "expr"), read);  // an expression index: the columns it reads
        for (const std::string& column : read) {
          if (!column.empty()) columns.push_back(table + "." + column);
        }
        plain_so_far = plain_so_far && !read.front().empty();
        if (plain_so_far) plain.push_back(read.front());
      }
      if (!plain.empty()) remember_full_index(key, table, plain);
      meant_for_foreign_keys(table, columns);
    }
    if (is_new(table)) {
      created_indexes_.insert(name);
      return;
    }
    created_indexes_.insert(name);
    if (flag_of(f, "concurrent")) return;
    takes_lock(table);
    flag("index-without-concurrently",
         "CREATE INDEX on existing table " + table +
             " blocks writes to it while the index builds; use CREATE INDEX CONCURRENTLY, alone in a migration (strata "
             "runs it outside a transaction)");
  }

  void rename(const json& f) {
    const std::string kind = text_of(f, "renameType");
    const std::string table = relation(member(f, "relation"));
    if (kind == "OBJECT_TABLE" || kind == "OBJECT_COLUMN") {
      if (is_new(table)) return;
      takes_lock(table);
      if (kind == "OBJECT_TABLE") renamed_tables_[table] = out_.size();
      flag("rename", std::string(kind == "OBJECT_TABLE" ? "renaming table " : "renaming a column of ") + table +
                         " breaks code still using the old name; add the new name, move readers and writers, drop the "
                         "old one later");
      return;
    }
    const std::string what = object_kind_word(kind);
    const std::string name = f.contains("relation") ? table : kind == "OBJECT_SCHEMA" ? text_of(f, "subname")
                                                                                      : object_name(member(f, "object"));
    if (what.empty() || is_new(name) || renames_quietly(kind)) return;
    if (f.contains("relation")) takes_lock(name);
    flag("rename", "renaming " + to_lower(what) + " " + name +
                       " breaks code still using the old name; create the new one beside it (or a view or wrapper under "
                       "the old name), move its users, drop the old one later");
  }

  // ALTER TYPE ... RENAME VALUE: rows keep the value under its new label, and code still writing
  // or comparing the old label fails or finds nothing.
  void alter_enum(const json& f) {
    const std::string type = last_name(list_of(f, "typeName"));
    if (text_of(f, "oldVal").empty() || is_new(type)) return;
    flag("rename", "ALTER TYPE " + type + " RENAME VALUE '" + text_of(f, "oldVal") + "' breaks code still writing or "
                       "comparing the old label; add the new value, move writers and rows, stop using the old one");
  }

  // SET SCHEMA moves an object under another qualified name: code naming it by the old one (or
  // finding it through search_path) breaks, as with a rename.
  void set_schema(const json& f) {
    const std::string kind = text_of(f, "objectType");
    const std::string what = object_kind_word(kind);
    const std::string name = f.contains("relation") ? relation(f["relation"]) : object_name(member(f, "object"));
    if (what.empty() || is_new(name) || renames_quietly(kind)) return;
    if (f.contains("relation")) takes_lock(name);
    flag("rename", "ALTER " + what + " " + name + " SET SCHEMA " + text_of(f, "newschema") +
                       " breaks code still naming it by its old schema (or finding it on search_path); create it in "
                       "the new schema beside the old, move its users, drop the old one later");
  }

  // A statement that reads or writes many rows, run in a transaction that already holds an
  // ACCESS EXCLUSIVE lock on another table (an ALTER TABLE before it): that table stays locked
  // against reads and writes until the whole transaction commits. (The backfill of the table
  // the ALTER changed is left alone: the rows it writes are the change's.)
  void work_under_lock(const std::string& table, const char* what) {
    if (!in_transaction_ || locked_.empty() || is_new(table) || locked_.count(table) != 0 || work_said_) return;
    work_said_ = true;
    flag("work-under-lock", std::string(what) + " on " + table + " runs in the transaction that holds an ACCESS EXCLUSIVE "
                                "lock on " + *locked_.begin() + " (its ALTER TABLE above): no query of that table runs "
                                "until this one ends; commit the ALTER first (a migration of its own, or COMMIT between)");
  }

  void drop(const json& f) {
    const std::string kind = text_of(f, "removeType");
    const bool cascade = text_of(f, "behavior") == "DROP_CASCADE";
    std::vector<std::string> names;
    for (const json& o : list_of(f, "objects")) names.push_back(object_name(o));
    // DROP SCHEMA without CASCADE fails unless the schema is empty, but code (or a later
    // migration) that makes or finds objects in it still breaks: drop-object, as Atlas's DS101
    // reports every schema dropped that the file did not make. With CASCADE it is destructive.
    if (kind != "OBJECT_TABLE" && kind != "OBJECT_INDEX" && !(kind == "OBJECT_SCHEMA" && cascade)) {
      const std::string what = object_kind_word(kind);
      for (const std::string& n : names) {
        if (what.empty() || is_new(n)) continue;
        return flag("drop-object", "DROP " + what + " " + n + " breaks code still using it" +
                                       (kind == "OBJECT_SEQUENCE" ? " (defaults and nextval() calls), and its position is lost"
                                                                  : "") +
                                       "; deploy code that no longer uses it first, then drop it in a later migration");
      }
      return;
    }
    if (kind == "OBJECT_INDEX") {
      for (const std::string& i : names) {
        const auto dropped = memory_.full_indexes.find(i);
        if (dropped == memory_.full_indexes.end()) continue;
        const LintMemory::TableColumns served = dropped->second;
        memory_.full_indexes.erase(dropped);
        // The keys it served are without one now, unless another index serves them too.
        for (const auto& [name, fk] : memory_.foreign_keys) {
          if (fk.table == served.table && starts_with_columns(served, fk)) foreign_keys_here_.emplace(name, line());
        }
      }
    }
    if (kind == "OBJECT_TABLE") {
      for (const std::string& t : names) memory_.forget_table(t);
      for (const std::string& t : names) {
        if (is_new(t)) continue;
        takes_lock(t);
        flag("destructive", "DROP TABLE " + t + " destroys data");
        return;
      }
    } else if (kind == "OBJECT_INDEX" && !flag_of(f, "concurrent")) {
      for (const std::string& i : names) {
        if (created_indexes_.count(i) != 0) continue;
        takes_lock(i);
        flag("drop-index-not-concurrent",
             "DROP INDEX " + i + " locks its table against reads and writes until it is done; use DROP INDEX "
             "CONCURRENTLY, alone in a migration (strata runs it outside a transaction)");
        return;
      }
    } else if (kind == "OBJECT_SCHEMA" && !names.empty() && !is_new(names.front())) {
      flag("destructive", "DROP SCHEMA " + (names.empty() ? std::string() : names.front()) +
                              " CASCADE destroys every table and object in it");
    }
  }

  void truncate(const json& f) {
    if (text_of(f, "behavior") != "DROP_CASCADE") return;
    for (const json& r : list_of(f, "relations")) {
      const std::string t = relation(node_fields(r));
      if (is_new(t)) continue;
      takes_lock(t);
      flag("destructive", "TRUNCATE " + t + " CASCADE also empties every table with a foreign key to it, and those "
                          "referencing them, without naming them");
      return;
    }
  }

  void reindex(const json& f) {
    // REINDEX SYSTEM (the catalogs) cannot be concurrent.
    if (option_on(list_of(f, "params"), "concurrently") || text_of(f, "kind") == "REINDEX_OBJECT_SYSTEM") return;
    const std::string target = f.contains("relation") ? relation(f["relation"]) : text_of(f, "name");
    if (is_new(target) && f.contains("relation")) return;
    takes_lock(target);
    flag("reindex-not-concurrent", "REINDEX " + target + " blocks writes (and reads that would use the index) "
                                         "until it is done; use REINDEX CONCURRENTLY, alone in a migration");
  }

  void vacuum(const json& f) {
    if (!option_on(list_of(f, "options"), "full")) return;
    std::string table;
    for (const json& r : list_of(f, "rels")) table = relation(member(node_fields(r), "relation"));
    rewrite_statement("VACUUM FULL", table);
  }

  void rewrite_statement(const std::string& what, const std::string& table) {
    if (!table.empty() && is_new(table)) return;
    takes_lock(table);
    flag("rewrites-table", what + (table.empty() ? std::string(" of every table") : " " + table) +
                               " rewrites it under an ACCESS EXCLUSIVE lock: no reads or writes until it is done; run it "
                               "by hand in a quiet hour, or use pg_repack");
  }

  void lock(const json& f) {
    for (const json& r : list_of(f, "relations")) {
      const std::string t = relation(node_fields(r));
      if (is_new(t)) continue;
      takes_lock(t);
      flag("lock-table", "LOCK TABLE " + t + " holds its lock until the migration commits, and every query of it waits; "
                         "lock only when the migration needs it, and set lock_timeout");
      return;
    }
  }

  void refresh(const json& f) {
    const std::string view = relation(member(f, "relation"));
    if (flag_of(f, "concurrent") || is_new(view)) return;
    takes_lock(view);
    flag("refresh-not-concurrent", "REFRESH MATERIALIZED VIEW " + view +
                                             " blocks reads of it until done; use REFRESH MATERIALIZED VIEW CONCURRENTLY "
                                             "(it needs a unique index on the view)");
  }

  void alter_domain(const json& f) {
    if (text_of(f, "subtype") != "C") return;
    const json& constraint = node_fields(member(f, "def"));
    if (flag_of(constraint, "skip_validation")) return;
    flag("domain-constraint", "ALTER DOMAIN " + last_name(list_of(f, "typeName")) +
                                  " ADD CONSTRAINT checks every column of the domain in every table under lock, and "
                                  "fails inserts of running code that break it; add it NOT VALID, then VALIDATE CONSTRAINT");
  }

  // ---- ALTER TABLE ----------------------------------------------------------------------------

  void alter_table(const json& f) {
    const std::string kind = text_of(f, "objtype");
    if (kind != "OBJECT_TABLE") return;
    const std::string table = relation(member(f, "relation"));
    const bool fresh = is_new(table);
    bool scans = false;
    for (const json& cmd : list_of(f, "cmds")) {
      const json& c = node_fields(cmd);
      const std::string sub = text_of(c, "subtype");
      if (sub == "AT_AddColumn") {
        const json& def = node_fields(member(c, "def"));
        remember_column(table, def);
        added_columns_.insert(table + "." + text_of(def, "colname"));
        section_columns_.insert(table + "." + text_of(def, "colname"));
        for (const json& con : list_of(def, "constraints")) {
          remember_column_constraint(table, text_of(def, "colname"), node_fields(con));
        }
      }
      if (sub == "AT_ValidateConstraint") validate(table, text_of(c, "name"));
      if (sub == "AT_AddConstraint") remember_constraint(table, node_fields(member(c, "def")));
      if (fresh) {
        if (sub == "AT_AlterColumnType") remember_type_change(table, c);
        if (sub == "AT_SetNotNull") memory_.not_null_columns.insert(table + "." + text_of(c, "name"));
        if (sub == "AT_DropNotNull") memory_.not_null_columns.erase(table + "." + text_of(c, "name"));
        continue;
      }
      // What only reads the catalog (SET DEFAULT, SET STATISTICS, OWNER) still waits for the
      // ACCESS EXCLUSIVE lock, briefly, but behind any long transaction.
      takes_lock(table);
      const std::size_t before = out_.size();
      alter_table_command(table, sub, c);
      if (in_transaction_ && sub != "AT_ValidateConstraint") locked_.insert(table);
      scans = scans || std::any_of(out_.begin() + static_cast<std::ptrdiff_t>(before), out_.end(), says_scan);
    }
    if (scans && !fresh && !scanned_.insert(table).second) {
      flag("multiple-alter-table", "a second ALTER TABLE of " + table +
                                       " in this migration scans or rewrites it again; make it one ALTER TABLE with "
                                       "its actions separated by commas, so that the table is read once");
    }
  }

  // The findings of an ALTER TABLE action that reads or rewrites every row of the table (eugene
  // W12: two such actions in two statements read it twice, where one statement reads it once).
  // What the rules found quiet (a type change that keeps the rows, SET NOT NULL after a validated
  // check) reads nothing.
  static bool says_scan(const LintFinding& f) {
    static constexpr std::string_view k_scans[] = {"set-not-null", "column-type-rewrite", "type-change-recheck",
                                                   "missing-not-valid", "constraint-builds-index", "volatile-default"};
    return std::find(std::begin(k_scans), std::end(k_scans), f.code) != std::end(k_scans);
  }

  void alter_table_command(const std::string& table, const std::string& sub, const json& c) {
    const json& def = node_fields(member(c, "def"));
    if (sub == "AT_AddColumn") return add_column(table, def);
    if (sub == "AT_AddConstraint") return add_constraint(table, def);
    if (sub == "AT_AlterColumnType") return alter_type(table, c);
    if (sub == "AT_SetNotNull") {
      set_not_null(table, text_of(c, "name"));
      return (void)memory_.not_null_columns.insert(table + "." + text_of(c, "name"));
    }
    if (sub == "AT_DropConstraint") return drop_constraint(table, text_of(c, "name"));
    if (sub == "AT_DropIdentity") {
      return flag("drop-identity", "DROP IDENTITY on " + table + "." + text_of(c, "name") +
                                       " leaves the column without values of its own: inserts of running code that leave "
                                       "it out fail; give it a DEFAULT nextval() of a sequence first, or keep the identity");
    }
    // A column this file added with its default: the default was how the add filled the rows
    // already there (Django's AddField writes exactly this pair, as squawk's "ok" case does), so
    // only a default that earlier migrations gave the column is one running code may rely on.
    if (sub == "AT_ColumnDefault" && !c.contains("def") &&
        memory_.not_null_columns.count(table + "." + text_of(c, "name")) != 0 &&
        section_columns_.count(table + "." + text_of(c, "name")) == 0) {
      return flag("drop-default", "DROP DEFAULT on NOT NULL column " + table + "." + text_of(c, "name") +
                                      ": inserts of running code that leave the column out now fail; deploy code that "
                                      "always sets it first, then drop the default");
    }
    if (sub == "AT_SetTableSpace") return rewrite_statement("ALTER TABLE ... SET TABLESPACE of", table);
    if (sub == "AT_DropNotNull") {
      memory_.not_null_columns.erase(table + "." + text_of(c, "name"));
      return flag("drop-not-null", "DROP NOT NULL on " + table + "." + text_of(c, "name") +
                                       " lets NULL in: code still reading the column as never null breaks");
    }
    if (sub == "AT_DropColumn") {
      // A column added earlier in this file holds nothing anyone wrote yet.
      if (section_columns_.count(table + "." + text_of(c, "name")) != 0) return;
      return flag("destructive", "DROP COLUMN " + text_of(c, "name") + " of " + table + " destroys data");
    }
    if (sub == "AT_SetLogged" || sub == "AT_SetUnLogged") {
      return rewrite_statement(std::string("ALTER TABLE ... SET ") + (sub == "AT_SetLogged" ? "LOGGED" : "UNLOGGED") + " of", table);
    }
    if (sub == "AT_DetachPartition" && !flag_of(node_fields(member(c, "def")), "concurrent")) {
      return flag("detach-not-concurrent",
                  "DETACH PARTITION locks " + table + " against reads and writes; use DETACH PARTITION ... CONCURRENTLY "
                  "(PostgreSQL 14+), alone in a migration");
    }
  }

  // A json column (or json[]), new table or not (eugene E3): json has no equality operator, so a
  // query that compares whole rows (SELECT DISTINCT, UNION, GROUP BY over them) fails once the
  // table has one; jsonb has one, and is what json is almost always meant as.
  void json_column(const std::string& table, const json& def) {
    if (!c_.up || !def.contains("typeName") || last_name(list_of(def["typeName"], "names")) != "json") return;
    flag("json-column", "column " + table + "." + text_of(def, "colname") +
                            " is json, which has no equality operator: SELECT DISTINCT, UNION and GROUP BY over the "
                            "table's rows fail (could not identify an equality operator for type json); use jsonb");
  }

  void add_column(const std::string& table, const json& def) {
    json_column(table, def);
    const std::string column = text_of(def, "colname");
    const std::string type = def.contains("typeName") ? last_name(list_of(def["typeName"], "names")) : "";
    bool has_default = false, not_null = false, rewrites = false;
    std::string why;
    if (type == "serial" || type == "bigserial" || type == "smallserial" || type == "serial4" || type == "serial8" ||
        type == "serial2") {
      rewrites = true;
      why = "a " + type + " column (each row gets its own nextval())";
    }
    for (const json& con : list_of(def, "constraints")) {
      const json& k = node_fields(con);
      const std::string contype = text_of(k, "contype");
      if (contype == "CONSTR_DEFAULT") {
        has_default = true;
        if (k.contains("raw_expr") && !evaluated_once(k["raw_expr"])) {
          rewrites = true;
          why = "a volatile default (evaluated for each row)";
        }
      } else if (contype == "CONSTR_GENERATED") {
        has_default = true;
        rewrites = true;
        why = "a GENERATED ... STORED column (computed for each row)";
      } else if (contype == "CONSTR_IDENTITY") {
        has_default = true;
        rewrites = true;
        why = "an identity column (each row gets its own value)";
      } else if (contype == "CONSTR_NOTNULL") {
        not_null = true;
      } else if (contype == "CONSTR_CHECK" && !flag_of(k, "skip_validation")) {
        flag("missing-not-valid",
             "ADD COLUMN " + column + " ... CHECK checks every row of " + table +
                 " under an ACCESS EXCLUSIVE lock (PostgreSQL scans the table for a new CHECK even when the column is "
                 "empty); add the column, then ADD CONSTRAINT ... CHECK ... NOT VALID, and VALIDATE it in a later migration");
      } else if (contype == "CONSTR_PRIMARY" || contype == "CONSTR_UNIQUE") {
        flag("constraint-builds-index",
             "ADD COLUMN " + column + " ... " + (contype == "CONSTR_PRIMARY" ? "PRIMARY KEY" : "UNIQUE") +
                 " builds a unique index on " + table +
                 " while blocking writes; add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... "
                 "USING INDEX");
      } else if (contype == "CONSTR_FOREIGN") {
        flag("missing-not-valid",
             "ADD COLUMN " + column + " ... REFERENCES " + relation(member(k, "pktable")) +
                 " locks both tables against writes; add the column, then ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, "
                 "and VALIDATE CONSTRAINT in a later migration");
      }
    }
    if (rewrites) {
      flag("volatile-default", "ADD COLUMN " + column + " with " + why + " rewrites all of " + table +
                                   " under an ACCESS EXCLUSIVE lock; add it without the default, then backfill in batches");
    } else if (not_null && !has_default) {
      flag("not-null-without-default", "ADD COLUMN " + column + " NOT NULL without a default fails once " + table +
                                           " has rows; add it nullable, backfill, then SET NOT NULL");
    }
  }

  void remember_constraint(const std::string& table, const json& k) {
    const std::string name = text_of(k, "conname");
    const std::string contype = text_of(k, "contype");
    if (!name.empty()) {
      memory_.known_constraints.insert(name);
      memory_.constraint_kinds[name] = contype == "CONSTR_FOREIGN" ? "f" : contype == "CONSTR_CHECK" ? "c" : "o";
    }
    if ((contype == "CONSTR_FOREIGN" || contype == "CONSTR_CHECK") && flag_of(k, "skip_validation")) {
      added_not_valid_.insert(name);
    }
    if (contype == "CONSTR_PRIMARY") {
      for (const json& key : list_of(k, "keys")) memory_.not_null_columns.insert(table + "." + text_of(node_fields(key), "sval"));
    }
    if ((contype == "CONSTR_PRIMARY" || contype == "CONSTR_UNIQUE") && text_of(k, "indexname").empty()) {
      const std::vector<std::string> keys = names_of(list_of(k, "keys"));
      remember_full_index(constraint_name(k, table, keys, contype == "CONSTR_PRIMARY" ? "pkey" : "key"), table, keys);
    }
    if (contype == "CONSTR_FOREIGN" && !list_of(k, "fk_attrs").empty()) {
      const std::vector<std::string> columns = names_of(list_of(k, "fk_attrs"));
      remember_foreign_key(constraint_name(k, table, columns, "fkey"), table, columns);
    }
    if (contype != "CONSTR_CHECK") return;
    std::vector<std::string> read;
    column_refs(member(k, "raw_expr"), read);
    for (std::string& column : read) column = table + "." + column;
    if (flag_of(k, "skip_validation")) {
      memory_.check_columns[name] = read;
    } else {
      memory_.checked_columns.insert(read.begin(), read.end());
    }
    for (const std::string& column : not_null_check_columns(k)) {
      if (flag_of(k, "skip_validation")) {
        memory_.not_null_checks[name] = table + "." + column;
      } else {
        memory_.validated_not_null.insert(table + "." + column);
      }
    }
  }

  // DROP CONSTRAINT of a foreign key (known from a linted migration, or named as PostgreSQL
  // names them): rows that break it can be written from then on, and what relied on its ON
  // DELETE action stops.
  void drop_constraint(const std::string& table, const std::string& name) {
    memory_.foreign_keys.erase(name);
    memory_.full_indexes.erase(name);
    const auto kind = memory_.constraint_kinds.find(name);
    const bool named_fk = name.size() > 5 && name.compare(name.size() - 5, 5, "_fkey") == 0;
    if (kind != memory_.constraint_kinds.end() ? kind->second != "f" : !named_fk) return;
    flag("drop-foreign-key", "DROP CONSTRAINT " + name + " removes a foreign key of " + table +
                                 ": rows that break it can be written from now on, and its ON DELETE action stops; if it "
                                 "is to be replaced, add the new one NOT VALID and VALIDATE it before dropping this one");
  }

  void add_constraint(const std::string& table, const json& k) {
    const std::string contype = text_of(k, "contype");
    const std::string name = text_of(k, "conname");
    if ((contype == "CONSTR_FOREIGN" || contype == "CONSTR_CHECK") && !flag_of(k, "skip_validation")) {
      const bool fk = contype == "CONSTR_FOREIGN";
      flag("missing-not-valid",
           std::string("ADD CONSTRAINT ") + (name.empty() ? "" : name + " ") + (fk ? "FOREIGN KEY" : "CHECK") + " on " + table +
               " checks every row while " +
               (fk ? "blocking writes to both tables" : "blocking reads and writes") +
               "; add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (a separate transaction)");
    } else if (contype == "CONSTR_PRIMARY" && !text_of(k, "indexname").empty()) {
      primary_key_using_index(table, text_of(k, "indexname"));
    } else if ((contype == "CONSTR_PRIMARY" || contype == "CONSTR_UNIQUE" || contype == "CONSTR_EXCLUSION") &&
               text_of(k, "indexname").empty()) {
      const char* what = contype == "CONSTR_PRIMARY" ? "PRIMARY KEY" : contype == "CONSTR_UNIQUE" ? "UNIQUE" : "EXCLUDE";
      flag("constraint-builds-index",
           std::string("ADD ") + what + " on " + table +
               " builds its index while blocking writes (a PRIMARY KEY also scans for NULLs under an ACCESS EXCLUSIVE "
               "lock); CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... " + what + " USING INDEX");
    }
  }

  void validate(const std::string& table, const std::string& name) {
    const auto check = memory_.not_null_checks.find(name);
    if (check != memory_.not_null_checks.end()) memory_.validated_not_null.insert(check->second);
    // A constraint no linted migration added (an earlier file not given to lint): it may be the
    // recipe's CHECK (... IS NOT NULL), so a SET NOT NULL on the table after it is not flagged.
    // (A constraint a linted migration added is known: validating a foreign key says nothing of
    // any column's NULLs.)
    if (check == memory_.not_null_checks.end() && memory_.known_constraints.count(name) == 0) validated_unknown_.insert(table);
    if (const auto read = memory_.check_columns.find(name); read != memory_.check_columns.end()) {
      memory_.checked_columns.insert(read->second.begin(), read->second.end());
    }
    if (added_not_valid_.count(name) != 0 && in_transaction_ && c_.up && !is_new(table)) {
      flag("validate-same-transaction",
           "VALIDATE CONSTRAINT " + name + " runs in the transaction that added it NOT VALID, so the lock the ADD took is "
           "held for the whole scan; validate it in a later migration (or after a COMMIT)");
    }
  }

  void set_not_null(const std::string& table, const std::string& column) {
    // A column added earlier in this transaction: its ADD COLUMN holds the table's ACCESS
    // EXCLUSIVE lock until the migration commits (and its backfill wrote every row), so the scan
    // adds no wait. Run statement by statement (transaction:false), the lock was let go between.
    if (memory_.validated_not_null.count(table + "." + column) != 0 || validated_unknown_.count(table) != 0 ||
        (in_transaction_ && added_columns_.count(table + "." + column) != 0)) {
      return;
    }
    flag("set-not-null",
         "SET NOT NULL on " + table + "." + column +
             " scans every row under an ACCESS EXCLUSIVE lock; first ADD CONSTRAINT ... CHECK (" + column +
             " IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL (PostgreSQL 12+ skips the "
             "scan) and drop the check");
  }

  // The name PostgreSQL gives a constraint the migration leaves unnamed (table_col1_col2_fkey).
  static std::string constraint_name(const json& k, const std::string& table, const std::vector<std::string>& columns,
                                     const char* suffix) {
    if (!text_of(k, "conname").empty()) return text_of(k, "conname");
    std::string name = table;
    for (const std::string& column : columns) name += "_" + column;
    return name + "_" + suffix;
  }

  static std::vector<std::string> names_of(const json& list) {
    std::vector<std::string> names;
    for (const json& n : list) names.push_back(text_of(node_fields(n), "sval"));
    return names;
  }

  void remember_full_index(const std::string& name, const std::string& table, std::vector<std::string> columns) {
    memory_.full_indexes[name] = {table, std::move(columns)};
  }

  void remember_foreign_key(const std::string& name, const std::string& table, std::vector<std::string> columns) {
    memory_.foreign_keys[name] = {table, std::move(columns)};
    foreign_keys_here_.emplace(name, line());
  }

  static bool starts_with_columns(const LintMemory::TableColumns& index, const LintMemory::TableColumns& fk) {
    if (index.table != fk.table || index.columns.size() < fk.columns.size()) return false;
    return std::is_permutation(fk.columns.begin(), fk.columns.end(), index.columns.begin());
  }

  // Whether an index of the foreign key's table starts with its columns (in any order): what a
  // DELETE or key UPDATE of the referenced table needs to find the referencing rows.
  bool has_index(const LintMemory::TableColumns& fk) const {
    return std::any_of(memory_.full_indexes.begin(), memory_.full_indexes.end(),
                       [&](const auto& index) { return starts_with_columns(index.second, fk); });
  }

  // An index on a key's columns (partial, an expression, or in another place) looks meant for
  // the key: whether it serves it is said here, not only in the file that made the key.
  void meant_for_foreign_keys(const std::string& table, const std::vector<std::string>& columns) {
    for (const auto& [name, fk] : memory_.foreign_keys) {
      if (fk.table != table) continue;
      const bool names_one = std::any_of(fk.columns.begin(), fk.columns.end(), [&](const std::string& c) {
        return std::find(columns.begin(), columns.end(), table + "." + c) != columns.end();
      });
      if (names_one) foreign_keys_here_.emplace(name, line());
    }
  }

 public:
  // After the section's last statement: a foreign key that no index starts with (eugene E15),
  // said in the file that made it, that indexed its columns otherwise, or that dropped its index
  // (once a key, not in every later file): each DELETE of a referenced row, and each update of
  // its key, scans the whole referencing table.
  void finish() {
    if (!c_.up) return;
    for (const auto& [name, at] : foreign_keys_here_) {
      const auto known = memory_.foreign_keys.find(name);
      if (known == memory_.foreign_keys.end() || has_index(known->second)) continue;
      const LintMemory::TableColumns& fk = known->second;
      std::string columns;
      for (const std::string& column : fk.columns) columns += (columns.empty() ? "" : ", ") + column;
      out_.push_back({"fk-without-index", false, at,
                      "foreign key " + name + " of " + fk.table + " (" + columns +
                          ") has no index that starts with its columns: each delete of a referenced row (and each "
                          "change of its key) scans all of " + fk.table + "; CREATE INDEX CONCURRENTLY on (" + columns +
                          ") in a migration of its own",
                      s_.file});
    }
  }

 private:
  // ADD PRIMARY KEY USING INDEX makes the index's columns NOT NULL: a column known nullable
  // (made by a linted migration without NOT NULL, and not proved so by a validated CHECK since) is
  // scanned for NULLs under the ACCESS EXCLUSIVE lock, as SET NOT NULL is. A column no linted
  // migration made is left alone: the columns a key is swapped onto (squawk's own "ok" case) are
  // almost always NOT NULL already, and a guess would flag every such swap.
  void primary_key_using_index(const std::string& table, const std::string& index) {
    const auto columns = memory_.index_columns.find(index);
    if (columns == memory_.index_columns.end()) return;
    for (const std::string& column : columns->second) {
      if (memory_.column_types.count(column) == 0) continue;
      if (memory_.not_null_columns.count(column) != 0 || memory_.validated_not_null.count(column) != 0) continue;
      return flag("set-not-null",
                  "ADD PRIMARY KEY USING INDEX " + index + " makes " + column + " NOT NULL, which scans every row of " +
                      table + " under an ACCESS EXCLUSIVE lock; make the column NOT NULL first (CHECK (... IS NOT NULL) "
                      "NOT VALID, VALIDATE, SET NOT NULL), then add the key");
    }
  }

  bool indexed(const std::string& column) const {
    return std::any_of(memory_.index_columns.begin(), memory_.index_columns.end(), [&](const auto& index) {
      return std::find(index.second.begin(), index.second.end(), column) != index.second.end();
    });
  }

  // A type change on a table created in this section: the type later migrations judge from.
  void remember_type_change(const std::string& table, const json& c) {
    const json& def = node_fields(member(c, "def"));
    if (def.contains("typeName")) memory_.column_types[table + "." + text_of(c, "name")] = type_text(def["typeName"]);
  }

  void alter_type(const std::string& table, const json& c) {
    const std::string column = text_of(c, "name");
    const json& def = node_fields(member(c, "def"));
    if (!def.contains("typeName")) return;
    const std::string to = type_text(def["typeName"]);
    const auto known = memory_.column_types.find(table + "." + column);
    const bool using_plain = plain_using(def.contains("raw_default") ? def["raw_default"] : json(), column);
    std::string message;
    if (known == memory_.column_types.end()) {
      message = "ALTER COLUMN " + column + " TYPE " + to + " may rewrite all of " + table +
                " under an ACCESS EXCLUSIVE lock (no earlier migration gives its type: only widening a varchar, numeric "
                "or bit varying, or varchar into text, keeps the rows); add a new column, backfill, and switch";
    } else if (!using_plain || !type_change_keeps_rows(known->second, to)) {
      message = "ALTER COLUMN " + column + " TYPE " + to + " (from " + known->second + ") rewrites all of " + table +
                (known->second == "timestamp" && to == "timestamptz" ? " unless the session's TimeZone is UTC" : "") +
                " under an ACCESS EXCLUSIVE lock, and every index on the column is rebuilt; add a new column, backfill, "
                "and switch";
    }
    const auto base = [](const std::string& t) { return t.substr(0, t.find('(')); };
    if (message.empty() && indexed(table + "." + column) && (base(known->second) == "citext") != (base(to) == "citext")) {
      // citext and text keep the rows, but an index on the column has another operator class:
      // it is rebuilt under the lock.
      message = "ALTER COLUMN " + column + " TYPE " + to + " (from " + known->second + ") keeps the rows of " + table +
                " but rebuilds every index on the column under an ACCESS EXCLUSIVE lock; add a new column, index it "
                "CONCURRENTLY, backfill, and switch";
    }
    known == memory_.column_types.end() ? void(memory_.column_types[table + "." + column] = to) : void(known->second = to);
    if (!message.empty()) {
      flag("column-type-rewrite", message);
      return work_under_lock(table, "a table rewrite");
    }
    // The rows stay, but every CHECK on the column is dropped and added again, and so validated:
    // a scan of the table under the ACCESS EXCLUSIVE lock.
    if (memory_.checked_columns.count(table + "." + column) != 0) {
      flag("type-change-recheck", "ALTER COLUMN " + column + " TYPE " + to + " keeps the rows of " + table +
                                      " but checks every row again against the CHECK constraints on the column, under an "
                                      "ACCESS EXCLUSIVE lock; drop the CHECK first and add it back NOT VALID, then "
                                      "VALIDATE it in a later migration");
    }
  }

  const Section& s_;
  const LintContext& c_;
  std::vector<LintFinding>& out_;
  LintMemory own_memory_;
  LintMemory& memory_;
  bool lock_timeout_;
  bool lock_timeout_said_ = false;
  bool in_transaction_;
  std::size_t offset_ = 0;
  std::size_t length_ = 0;
  LineCounter lines_;
  std::set<std::string> created_;          // tables (and views) created earlier in this section
  std::set<std::string> roles_created_;    // roles created earlier in this section
  std::set<std::string> created_indexes_;  // indexes created earlier in this section
  std::set<std::string> added_not_valid_;  // constraints added NOT VALID in the open transaction
  std::set<std::string> added_columns_;    // "table.column" added earlier in this section
  std::set<std::string> validated_unknown_;  // tables with a constraint of unknown origin validated here
  std::set<std::string> section_columns_;    // "table.column" added anywhere earlier in this section
  std::set<std::string> locked_;             // tables an ALTER TABLE locked in the open transaction
  std::map<std::string, std::size_t> renamed_tables_;  // old name -> its rename finding's index in out_
  bool work_said_ = false;
  // Foreign keys this section made, indexed otherwise, or left without their index -> the line
  // where it did so first.
  std::map<std::string, std::size_t> foreign_keys_here_;
  std::set<std::string> scanned_;  // existing tables an ALTER TABLE of this section scanned or rewrote
};

}  // namespace postgres_lint

void lint_postgres_section(const Section& s, const LintContext& c, std::vector<LintFinding>& out) {
  // The splitter names an unclosed quote or comment, which no server would run: an error.
  const SplitResult split = split_postgres(s.sql);
  if (split.error_offset) {
    out.push_back({"parse-error", true, s.first_line + position_of(s.sql, *split.error_offset).line - 1, split.error, s.file});
    return;
  }
  const std::size_t first = out.size();
  postgres_lint::SectionLint lint(s, c, out);
  const ParseOutcome parsed = parse_postgres(s.sql, [&](const ParsedStatement& st) { lint.statement(st); });
  lint.finish();
  // finish() reports at the foreign key's line, after statements below it: back in line order.
  std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                   [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  if (parsed.unparsed.count > 0) {
    out.push_back({"not-linted", false, s.first_line + position_of(s.sql, parsed.unparsed.first).line - 1,
                   std::to_string(parsed.unparsed.count) + " statement(s) PostgreSQL 15's parser does not read (" +
                       parsed.unparsed.why + "), so lint skipped them",
                   s.file, true});
  }
  if (parsed.beyond_limits.count > 0) {
    out.push_back({"not-linted", false, s.first_line + position_of(s.sql, parsed.beyond_limits.first).line - 1,
                   std::to_string(parsed.beyond_limits.count) + " statement(s) beyond what lint reads (the first: " +
                       parsed.beyond_limits.why + "), so lint skipped them",
                   s.file, true});
  }
}

namespace {

// What no scratch database contains (server_reach.h): a replay refuses it before it runs.
constexpr std::string_view k_pg_files = "reads or writes the server's own files";
constexpr std::string_view k_pg_programs = "runs a program on the server";
constexpr std::string_view k_pg_other_servers = "connects to another database or server";
constexpr std::string_view k_pg_server = "changes the whole server or its other sessions";
constexpr ReachRule k_postgres_reach[] = {
    {ReachKind::words, "to program", "copy", k_pg_programs},
    {ReachKind::words, "from program", "copy", k_pg_programs},
    {ReachKind::file_arg, "to", "copy", k_pg_files},
    {ReachKind::file_arg, "from", "copy", k_pg_files},
    {ReachKind::file_arg, "load", "", k_pg_programs},
    {ReachKind::words, "alter system", "", k_pg_server},
    {ReachKind::call, "pg_read_file", "", k_pg_files},
    {ReachKind::call, "pg_read_binary_file", "", k_pg_files},
    {ReachKind::call, "pg_stat_file", "", k_pg_files},
    {ReachKind::call, "pg_ls_dir", "", k_pg_files},
    {ReachKind::call, "pg_ls_logdir", "", k_pg_files},
    {ReachKind::call, "pg_ls_waldir", "", k_pg_files},
    {ReachKind::call, "pg_ls_tmpdir", "", k_pg_files},
    {ReachKind::call, "pg_ls_archive_statusdir", "", k_pg_files},
    // Membership in these roles is the power itself: GRANT pg_execute_server_program TO app.
    {ReachKind::word, "pg_execute_server_program", "", k_pg_programs},
    {ReachKind::word, "pg_read_server_files", "", k_pg_files},
    {ReachKind::word, "pg_write_server_files", "", k_pg_files},
    {ReachKind::call, "lo_import", "", k_pg_files},
    {ReachKind::call, "lo_export", "", k_pg_files},
    {ReachKind::call, "pg_file_write", "", k_pg_files},
    {ReachKind::call, "pg_file_rename", "", k_pg_files},
    {ReachKind::call, "pg_file_unlink", "", k_pg_files},
    {ReachKind::call, "pg_logdir_ls", "", k_pg_files},
    {ReachKind::call, "pg_reload_conf", "", k_pg_server},
    {ReachKind::call, "pg_rotate_logfile", "", k_pg_server},
    {ReachKind::call, "pg_terminate_backend", "", k_pg_server},
    {ReachKind::call, "pg_cancel_backend", "", k_pg_server},
    {ReachKind::call, "pg_promote", "", k_pg_server},
    {ReachKind::call, "pg_switch_wal", "", k_pg_server},
    {ReachKind::word, "dblink", "", k_pg_other_servers},
    {ReachKind::word, "dblink_exec", "", k_pg_other_servers},
    {ReachKind::word, "dblink_connect", "", k_pg_other_servers},
    {ReachKind::word, "postgres_fdw", "", k_pg_other_servers},
    {ReachKind::word, "file_fdw", "", k_pg_files},
    {ReachKind::word, "adminpack", "", k_pg_files},
    {ReachKind::words, "create server", "", k_pg_other_servers},
    {ReachKind::words, "create subscription", "", k_pg_other_servers},
    {ReachKind::words, "foreign data wrapper", "", k_pg_other_servers},
    {ReachKind::words, "import foreign schema", "", k_pg_other_servers},
    {ReachKind::word, "plpython3u", "", k_pg_programs},
    {ReachKind::word, "plpythonu", "", k_pg_programs},
    {ReachKind::word, "plpython2u", "", k_pg_programs},
    {ReachKind::word, "plperlu", "", k_pg_programs},
    {ReachKind::word, "pltclu", "", k_pg_programs},
    {ReachKind::words, "language c", "", k_pg_programs},
    {ReachKind::words, "language internal", "", k_pg_programs},
};

// What a replay refuses besides, in a statement that holds a body (DO, CREATE FUNCTION ...,
// EXECUTE): roles, databases and tablespaces belong to the whole server wherever a body names
// them, and so do replication slots and comments and grants on a database. (Only there: `ALTER
// TABLE t DROP role` drops a column.) REASSIGN OWNED is not among them: real projects run it
// in a DO block guarded by IF EXISTS (neosync), and it moves ownership only from a role that
// already exists. Not lint's: `up` of a top-level
// CREATE ROLE is the user's to run, and check reports it when its replay refuses it.
constexpr std::string_view k_pg_roles = "changes roles, databases or tablespaces of the whole server";
constexpr ReachRule k_postgres_replay_reach[] = {
    {ReachKind::words, "create role", "", k_pg_roles},
    {ReachKind::words, "alter role", "", k_pg_roles},
    {ReachKind::words, "drop role", "", k_pg_roles},
    {ReachKind::words, "create user", "", k_pg_roles},
    {ReachKind::words, "alter user", "", k_pg_roles},
    {ReachKind::words, "drop user", "", k_pg_roles},
    {ReachKind::words, "create group", "", k_pg_roles},
    {ReachKind::words, "alter group", "", k_pg_roles},
    {ReachKind::words, "drop group", "", k_pg_roles},
    {ReachKind::words, "create database", "", k_pg_roles},
    {ReachKind::words, "alter database", "", k_pg_roles},
    {ReachKind::words, "drop database", "", k_pg_roles},
    {ReachKind::words, "create tablespace", "", k_pg_roles},
    {ReachKind::words, "alter tablespace", "", k_pg_roles},
    {ReachKind::words, "drop tablespace", "", k_pg_roles},
    {ReachKind::words, "comment on database", "", k_pg_roles},
    {ReachKind::words, "comment on role", "", k_pg_roles},
    {ReachKind::words, "comment on tablespace", "", k_pg_roles},
    {ReachKind::words, "on database", "grant", k_pg_roles},
    {ReachKind::words, "on database", "revoke", k_pg_roles},
    {ReachKind::words, "on tablespace", "grant", k_pg_roles},
    {ReachKind::words, "on tablespace", "revoke", k_pg_roles},
    {ReachKind::call, "pg_create_physical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_create_logical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_copy_physical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_copy_logical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_drop_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_replication_origin_create", "", k_pg_server},
    {ReachKind::call, "pg_replication_origin_drop", "", k_pg_server},
};

}  // namespace

std::span<const ReachRule> postgres_reach_rules() { return k_postgres_reach; }
std::span<const ReachRule> postgres_replay_reach_rules() { return k_postgres_replay_reach; }

std::vector<LintFinding> lint_postgres_files(const Migration& m, const std::filesystem::path&) {
  std::vector<LintFinding> out;
  for (const Section* s : {&m.up, &m.down}) {
    if (!s->present) continue;
    const SplitResult split = split_postgres(s->sql);
    for (const SqlStatement& st : split.statements) {
      const std::string_view text = std::string_view(s->sql).substr(st.offset, st.length);
      if (const std::optional<Reach> r = find_server_reach(text, k_postgres_reach)) {
        const std::size_t line = s->first_line + position_of(s->sql, st.offset + r->offset).line - 1;
        out.push_back({"server-reach", true, line,
                       "'" + r->what + "' " + r->why + ": `up` would run it with your role on the server "
                       "(check's replays refuse it)",
                       s->file});
      }
    }
  }
  return out;
}

}  // namespace strata::migrate
