#pragma once
// What a store's user runs on PostgreSQL is strata's own SQL and nothing else, whoever owns the
// store's schema. Whatever a role that may change the schema (its owner, a role with CREATE on it,
// the tables' owners) adds there runs as the next user who touches it: a view in place of a table
// or a policy runs for a reader's search, a trigger, rule, default, check or index expression for
// a writer's ingest, a function or operator in the schema can win a call's overload resolution.
// So each connection reads the schema's catalog once (one statement) and refuses, naming them, the
// objects that are not strata's:
//   - a relation strata knows of another kind (a view or partitioned table in place of a table),
//     any other view, materialized view, foreign table or composite type, a table inheriting from
//     or partitioned under strata's, a foreign key to or from a table outside the schema;
//   - a trigger but strata's one (embeddings_generation) and the foreign keys' own, a rule, a
//     policy but the ask tables' own (strata_own_rows), an index with an expression or predicate;
//   - a function, procedure or aggregate but strata's, each compared by its source text, or one of
//     strata's made SECURITY DEFINER or given settings; any operator, type, domain, collation,
//     conversion, operator class or family or text search object in the schema; a column of a
//     type from outside pg_catalog;
//   - a default, check, policy or view whose text uses a word strata's own do not (the words are
//     listed in pg_foreign_objects.cpp; every function strata's definitions call is among them,
//     query_to_xml, set_config, dblink or any function of another schema never).
// The check runs when a connection opens, before the store is read, written or upgraded; a role
// that changes the schema while a command runs is not seen by that command (strata-store(5)).
// Its passing verdict may be kept in the user's cache while nothing changes (pg_objects_verdict.h).
#include <string>
#include <string_view>

#include "pq/connection.h"

namespace strata::store::pg {

// Throws Error(unavailable) "DISPLAY: the store holds objects that are not strata's: trigger
// audit on documents, view collections in place of a table, … (N in all)" naming at most a few.
// With `cache_folder` (OpenOptions::cache_folder), a passing check is kept there and reused while
// the server's snapshot stays the same (pg_objects_verdict.h); the snapshot and the catalog are
// then read in one transaction of its own (unless `c` is in one).
void refuse_foreign_objects(pq::Connection& c, const std::string& schema, const std::string& cache_folder = {});

// True when `definition` (a default, check, policy or view as the server prints it) holds only
// the words of strata's own definitions, literals, numbers and the punctuation of arithmetic and
// comparison, with `schema` (or pg_catalog) only as a qualifier; at most 16 kB. One flat pass.
bool only_strata_words(std::string_view definition, const std::string& schema);

// When strata is about to create a store in `schema` and the schema already exists: refuses
// (Error(unavailable)) a schema whose owner is a role other than the current one or one it is
// a member of, since that role could change the store under every user afterwards.
void refuse_foreign_schema_owner(pq::Connection& c, const std::string& schema);

}  // namespace strata::store::pg
