#include "store/postgres/pg_foreign_objects.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/sha256.h"
#include "store/postgres/pg_objects_verdict.h"
#include "store/postgres/pg_search_snapshot.h"
#include "store/store.h"

namespace strata::store::pg {
namespace {

// The relations strata makes, with their kinds ('r' table, 'v' view), across every version of
// migrations/postgres/ (a store opened before its upgrade holds an older set).
struct KnownRelation {
  std::string_view name;
  char kind;
};
constexpr std::array<KnownRelation, 19> k_relations = {{
    {"collections", 'r'},       {"documents", 'r'},     {"chunk_configs", 'r'},   {"chunks", 'r'},
    {"chunk_term_blocks", 'r'}, {"chunk_terms", 'v'},   {"keyword_stats", 'r'},   {"term_stats", 'r'},
    {"embeddings", 'r'},        {"embedding_cache", 'r'}, {"embedding_generation", 'r'},
    {"conversations", 'r'},     {"messages", 'r'},      {"llm_calls", 'r'},       {"response_cache", 'r'},
    {"write_locks", 'r'},       {"api_keys", 'r'},      {k_store_history_table, 'r'},
    {"index_terms_pending", 'r'},
}};

// strata's functions: name with identity arguments, language, and the SHA-256 of the source text
// its migration gives (pg_proc.prosrc, exactly as written between the $$).
struct KnownFunction {
  std::string_view signature;
  std::string_view language;
  std::string_view source_sha256;
};
constexpr std::array<KnownFunction, 2> k_functions = {{
    {"bump_embedding_generation()", "plpgsql", "5590f9613ce14fddddf039dc73f29e60370f61cce91953b9ae7234a1cdfcc032"},
    {"strata_posting(postings bytea, i integer)", "sql",
     "c5fc3429ab1deb4c2032bf74d9cb0605b48555cd520d8fb18c3a056996a4d36c"},
}};

// Every word of strata's own defaults, checks, policies and views as the server prints them
// (pg_get_expr, pg_get_viewdef; PostgreSQL 13 to 17), lower case: SQL's words, the functions
// they call, the types they cast to, the columns, relations and aliases they name. A definition
// with any other word (a function such as query_to_xml or set_config, a relation of another
// schema) is not strata's.
constexpr std::array<std::string_view, 88> k_words = {
    // SQL
    "select", "from", "cross", "join", "lateral", "with", "ordinality", "as", "for", "at", "time", "zone", "and",
    "or", "not", "any", "array", "case", "when", "then", "else", "end", "null", "is", "true", "false",
    "current_user", "in", "on", "where", "distinct", "rows", "session_user",
    // functions
    "substring", "unnest", "to_char", "clock_timestamp", "timezone", "encode", "get_byte", "length",
    "cardinality", "octet_length", "int4send", "int8send", "strata_posting", "textcat", "now",
    // types
    "bit", "integer", "int", "int4", "int8", "bigint", "text", "bytea", "name", "bpchar", "character",
    "varying", "timestamp", "double", "precision",
    // columns, relations and aliases
    "collection_id", "term", "chunk_id", "document_id", "text_hits", "title_hits", "cjk_hits", "lengths",
    "chunk_ids", "document_ids", "postings", "posting", "vector", "dimensions", "id", "role", "cached", "status",
    "owner_role", "state", "chunk_term_blocks", "b", "u", "p", "n",
};

bool known_word(std::string_view w) { return std::find(k_words.begin(), k_words.end(), w) != k_words.end(); }

// Definitions past this are not strata's (its longest, chunk_terms, is under 1 kB).
constexpr std::size_t k_max_definition = 16 * 1024;

bool word_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '$'; }

}  // namespace

// Flat, one pass: a definition of any shape or depth costs its length.
bool only_strata_words(std::string_view sql, const std::string& schema) {
  if (sql.size() > k_max_definition) return false;
  std::size_t i = 0;
  const auto skip_quoted = [&](char quote, bool backslashes) {
    for (++i; i < sql.size(); ++i) {
      if (backslashes && sql[i] == '\\') {
        // PostgreSQL prints a backslash in an E'' literal doubled and a quote as '', never \';
        // anything else is not its printer's, and a lone \' would let a reader that ends the
        // literal at the quote see the rest as code.
        if (i + 1 >= sql.size() || sql[i + 1] != '\\') return false;
        ++i;
      } else if (sql[i] == quote) {
        if (i + 1 < sql.size() && sql[i + 1] == quote) {
          ++i;
        } else {
          ++i;
          return true;
        }
      }
    }
    return false;
  };
  while (i < sql.size()) {
    const char ch = sql[i];
    if (std::isspace(static_cast<unsigned char>(ch)) != 0) {
      ++i;
    } else if (ch == '\'') {
      if (!skip_quoted('\'', false)) return false;
    } else if ((ch == 'E' || ch == 'e') && i + 1 < sql.size() && sql[i + 1] == '\'') {
      ++i;
      if (!skip_quoted('\'', true)) return false;
    } else if (std::isdigit(static_cast<unsigned char>(ch)) != 0) {
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) != 0 || sql[i] == '.')) ++i;
    } else if (ch == '"' || word_char(ch)) {
      std::string w;
      if (ch == '"') {
        const std::size_t start = i + 1;
        if (!skip_quoted('"', false)) return false;
        w = std::string(sql.substr(start, i - start - 1));
      } else {
        while (i < sql.size() && word_char(sql[i])) w += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i++])));
      }
      const bool qualifier = i < sql.size() && sql[i] == '.';
      if (!known_word(w) && !(qualifier && (w == schema || w == "pg_catalog"))) return false;
    } else if (std::string_view("(),.:[]+-*/%=<>|").find(ch) != std::string_view::npos) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

namespace {

// One row per object of the schema that can hold or name code, with what decides whether it is
// strata's: (kind, name, detail, text). $1 is the schema's oid, a value the planner knows, so that
// each part starts from the schema's own relations and reaches the rest through the catalogs'
// indexes: a team's database of 3,000 tables (72,000 columns, 45,000 checks) made the check read
// every catalog whole, 80 ms on every command (bench/store_postgres_catalog.sh). A type of the
// schema is a relation's row type or the array of one: each looked up by oid (one anti-join of
// every type with every relation on an OR took 2 ms), and a relation's columns by its oid.
constexpr const char* k_catalog_sql_head = R"SQL(
SELECT 'relation', c.relname::text, c.relkind::text, '' FROM pg_class c WHERE c.relnamespace = $1::oid
UNION ALL
SELECT 'trigger', c.relname || '.' || t.tgname, fn.nspname || '.' || p.proname, t.tgisinternal::text
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_namespace fn ON fn.oid = p.pronamespace WHERE c.relnamespace = $1::oid
UNION ALL
SELECT 'rule', c.relname || '.' || r.rulename, '', '' FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
  WHERE c.relnamespace = $1::oid AND r.rulename <> '_RETURN'
UNION ALL
SELECT 'policy', c.relname || '.' || pol.polname, left(coalesce(pg_get_expr(pol.polqual, pol.polrelid), ''), 16385),
       left(coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), ''), 16385)
  FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid WHERE c.relnamespace = $1::oid
UNION ALL
SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       (SELECT lanname FROM pg_language l WHERE l.oid = p.prolang) || ' ' || p.prokind::text || ' ' ||
       p.prosecdef::text || ' ' || (p.proconfig IS NULL)::text, left(p.prosrc, 65537)
  FROM pg_proc p WHERE p.pronamespace = $1::oid
UNION ALL
SELECT 'type', t.typname::text, '', '' FROM pg_type t WHERE t.typnamespace = $1::oid
   AND NOT EXISTS (SELECT 1 FROM pg_class rc WHERE rc.oid = t.typrelid AND rc.relkind <> 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_type e JOIN pg_class rc ON rc.oid = e.typrelid
                    WHERE t.typelem <> 0 AND e.oid = t.typelem AND rc.reltype = e.oid AND rc.relkind <> 'c')
)SQL";

// Catalogs of which nothing in the store's schema is strata's: any row there is refused. Each is
// a name and the schema it is in: (kind, catalog, name column, schema column).
struct NeverStratas {
  std::string_view kind, catalog, name, schema;
};
constexpr std::array<NeverStratas, 9> k_never_stratas = {{
    {"operator", "pg_operator", "oprname", "oprnamespace"},
    {"collation", "pg_collation", "collname", "collnamespace"},
    {"conversion", "pg_conversion", "conname", "connamespace"},
    {"operator class", "pg_opclass", "opcname", "opcnamespace"},
    {"operator family", "pg_opfamily", "opfname", "opfnamespace"},
    {"text search configuration", "pg_ts_config", "cfgname", "cfgnamespace"},
    {"text search dictionary", "pg_ts_dict", "dictname", "dictnamespace"},
    {"text search parser", "pg_ts_parser", "prsname", "prsnamespace"},
    {"text search template", "pg_ts_template", "tmplname", "tmplnamespace"},
}};

constexpr const char* k_catalog_sql_tail = R"SQL(
UNION ALL
SELECT 'column', c.relname || '.' || a.attname, tn.nspname || '.' || ty.typname, ''
  FROM pg_class c CROSS JOIN LATERAL (SELECT a.attname, a.atttypid FROM pg_attribute a
                                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a
  JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = ty.typnamespace
  WHERE c.relnamespace = $1::oid AND tn.nspname <> 'pg_catalog'
UNION ALL
SELECT 'default', c.relname || '.' || a.attname, '', left(pg_get_expr(d.adbin, d.adrelid), 16385)
  FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
  JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE c.relnamespace = $1::oid
UNION ALL
SELECT 'check', c.relname || '.' || o.conname, '', left(pg_get_expr(o.conbin, o.conrelid), 16385)
  FROM pg_constraint o JOIN pg_class c ON c.oid = o.conrelid
  WHERE c.relnamespace = $1::oid AND o.contype = 'c'
UNION ALL
SELECT 'foreign key', c.relname || '.' || o.conname, '', '' FROM pg_class c
  JOIN pg_constraint o ON o.conrelid = c.oid JOIN pg_class r ON r.oid = o.confrelid
  WHERE c.relnamespace = $1::oid AND o.contype = 'f' AND r.relnamespace <> $1::oid
UNION ALL
SELECT 'foreign key', c.relname || '.' || o.conname, '', '' FROM pg_constraint o JOIN pg_class c ON c.oid = o.conrelid
  WHERE o.contype = 'f' AND c.relnamespace <> $1::oid
    AND o.oid IN (SELECT d.objid FROM pg_class r JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass
                    AND d.refobjid = r.oid AND d.classid = 'pg_constraint'::regclass
                  WHERE r.relnamespace = $1::oid)
UNION ALL
SELECT 'inheritance', ch.relname || ' under ' || pa.relname, '', '' FROM pg_inherits i
  JOIN pg_class ch ON ch.oid = i.inhrelid JOIN pg_class pa ON pa.oid = i.inhparent
  WHERE $1::oid IN (ch.relnamespace, pa.relnamespace)
UNION ALL
SELECT 'index', ic.relname::text, '', '' FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class tc ON tc.oid = i.indrelid
  WHERE tc.relnamespace = $1::oid
    AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL
         OR EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) oc JOIN pg_opclass op ON op.oid = oc
                     WHERE op.opcnamespace <> 'pg_catalog'::regnamespace))
UNION ALL
SELECT 'view', c.relname::text, '', left(pg_get_viewdef(c.oid), 16385) FROM pg_class c
  WHERE c.relnamespace = $1::oid AND c.relkind IN ('v', 'm')
)SQL";

// The whole statement, made once.
const std::string& catalog_sql() {
  static const std::string sql = [] {
    std::string out = k_catalog_sql_head;
    for (const NeverStratas& n : k_never_stratas) {
      out += "UNION ALL\nSELECT '" + std::string(n.kind) + "', " + std::string(n.name) + "::text, '', '' FROM " +
             std::string(n.catalog) + " WHERE " + std::string(n.schema) + " = $1::oid\n";
    }
    return out + k_catalog_sql_tail;
  }();
  return sql;
}

std::string kind_word(char kind) {
  switch (kind) {
    case 'r': return "table";
    case 'v': return "view";
    case 'm': return "materialized view";
    case 'p': return "partitioned table";
    case 'f': return "foreign table";
    case 'c': return "composite type";
    default: return std::string("relation of kind ") + kind;
  }
}

const KnownRelation* known_relation(std::string_view name) {
  for (const KnownRelation& r : k_relations) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// "" when the row is strata's, else how a message names it.
std::string foreign(std::string_view kind, const std::string& name, std::string_view detail, std::string_view text,
                    const std::string& schema) {
  if (kind == "relation") {
    const char k = detail.empty() ? '?' : detail[0];
    if (const KnownRelation* r = known_relation(name)) {
      return r->kind == k ? "" : kind_word(k) + " " + name + " in place of a " + kind_word(r->kind);
    }
    // Tables, indexes, sequences and TOAST tables of their own hold no code; the rest can.
    return std::string_view("rSit").find(k) != std::string_view::npos ? "" : kind_word(k) + " " + name;
  }
  if (kind == "trigger") {
    const bool internal = text == "true";
    // A foreign key's own triggers call pg_catalog's RI_FKey_* functions.
    if (internal ? detail.starts_with("pg_catalog.")
                 : name == "embeddings.embeddings_generation" && detail == schema + ".bump_embedding_generation") {
      return "";
    }
    return "trigger " + name;
  }
  if (kind == "policy") {
    const std::size_t dot = name.find('.');
    const bool own = dot != std::string::npos && name.substr(dot + 1) == "strata_own_rows" &&
                     known_relation(name.substr(0, dot)) != nullptr && only_strata_words(detail, schema) &&
                     only_strata_words(text, schema);
    return own ? "" : "policy " + name;
  }
  if (kind == "function") {
    for (const KnownFunction& f : k_functions) {
      if (f.signature == name) {
        const bool same = detail == std::string(f.language) + " f false true" && sha256_hex(text) == f.source_sha256;
        return same ? "" : "function " + name + " (changed)";
      }
    }
    return "function " + name;
  }
  if (kind == "default" || kind == "check" || kind == "view") {
    if (kind == "view" && name != "chunk_terms") return "view " + name;
    // pg_get_viewdef ends a view's query with a semicolon: one, at the end, is not a second statement.
    std::string_view body = text;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back())) != 0) body.remove_suffix(1);
    if (kind == "view" && body.ends_with(';')) body.remove_suffix(1);
    return only_strata_words(body, schema) ? "" : std::string(kind) + " " + name;
  }
  // Columns of other types, foreign keys across the schema's edge, inheritance, expression
  // indexes and every other kind listed are never strata's.
  if (kind == "column") return "column " + name + " of type " + std::string(detail);
  return std::string(kind) + " " + name;
}

constexpr std::size_t k_named_at_most = 5;

}  // namespace

void refuse_foreign_objects(pq::Connection& c, const std::string& schema, const std::string& cache_folder) {
  // pg_current_snapshot() came with PostgreSQL 13; an older server is checked every time.
  const bool keep = !cache_folder.empty() && c.server_version() >= 130000;
  // One snapshot for what the verdict is keyed by and the catalog it is about.
  std::optional<SearchSnapshot> read;
  if (keep) read.emplace(c);
  std::string oid, snapshot, verdict;
  if (keep) {
    const pq::Result id = c.exec(
        "SELECT n.oid, pg_current_snapshot()::text, pg_postmaster_start_time()::text, current_user::text, d.oid "
        "FROM pg_database d LEFT JOIN pg_namespace n ON n.nspname = $1 WHERE d.datname = current_database()",
        {schema}, false, "checking the store's objects");
    if (id.rows() != 1 || id.is_null(0, 0)) return;  // no schema, nothing in it
    oid = id.str(0, 0);
    snapshot = id.str(0, 1);
    verdict = objects_verdict_file(cache_folder, c.display() + '\0' + schema + '\0' + oid + '\0' + id.str(0, 4) +
                                                     '\0' + id.str(0, 2) + '\0' + id.str(0, 3));
    if (objects_verdict_holds(verdict, snapshot)) {
      read->commit();
      return;
    }
  } else {
    const pq::Result ns = c.exec("SELECT oid FROM pg_namespace WHERE nspname = $1", {schema}, false,
                                 "checking the store's objects");
    if (ns.rows() == 0) return;  // no schema, nothing in it
    oid = ns.str(0, 0);
  }
  const pq::Result r = c.exec(catalog_sql(), {oid}, false, "checking the store's objects");
  std::vector<std::string> found;
  for (int i = 0; i < r.rows(); ++i) {
    std::string what = foreign(r.text(i, 0), r.str(i, 1), r.text(i, 2), r.text(i, 3), schema);
    if (!what.empty()) found.push_back(std::move(what));
  }
  if (found.empty()) {
    if (read) {
      read->commit();
      keep_objects_verdict(verdict, snapshot);
    }
    return;
  }
  std::sort(found.begin(), found.end());
  std::string list;
  for (std::size_t i = 0; i < found.size() && i < k_named_at_most; ++i) list += (i == 0 ? "" : ", ") + found[i];
  if (found.size() > k_named_at_most) list += ", … (" + std::to_string(found.size()) + " in all)";
  c.fail(ExitCode::unavailable, "the store holds objects that are not strata's, which would run as you: " + list,
         "strata runs no SQL but its own on a store; ask the schema's owner to remove them (strata-store(5), TRUST)");
}

void refuse_foreign_schema_owner(pq::Connection& c, const std::string& schema) {
  const pq::Result r = c.exec(
      "SELECT pg_get_userbyid(n.nspowner), pg_has_role(current_user, n.nspowner, 'MEMBER'), current_user "
      "FROM pg_namespace n WHERE n.nspname = $1",
      {schema}, false, "checking the store's schema");
  if (r.rows() == 0 || r.text(0, 1) == "t") return;
  c.fail(ExitCode::unavailable,
         "schema " + schema + " belongs to role " + r.str(0, 0) +
             ", which could change a store made in it under every user; not making one there",
         "ask that role to drop the schema, or to give it to you: ALTER SCHEMA " + pq::quote_identifier(schema) +
             " OWNER TO " + pq::quote_identifier(r.str(0, 2)));
}

}  // namespace strata::store::pg
