#pragma once
// `--where` filters (search_store.h, DocumentFilter) as PostgreSQL conditions on a documents row
// `d`, matching exactly what the SQLite store's conditions match (search_store.cpp): the same
// document fields, the same top-level metadata keys and values (a number matched by the text
// SQLite's json_each gives it), prefixes by characters, and SQLite GLOB's * ? [...] rules.
// Values and keys are always bound parameters, never SQL text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pq/connection.h"
#include "store/search_store.h"

namespace strata::store::pg {

// " AND <condition>" for each filter, on `d` (documents), numbering its parameters after those
// already in `params` ($N is params' N-th) and appending their values to `params`. "" for none.
std::string filter_conditions(const std::vector<DocumentFilter>& filters, std::vector<pq::Param>& params);

// A PostgreSQL regular expression (for `~`) matching exactly the strings that SQLite's
// `text GLOB pattern` matches: * any run of characters, ? one character, [...] one character of a
// set ([^...] not of it; a-z a range of code points; ] first in a set is itself; - first or last
// is itself), case-sensitive, everything else literal; a NUL ends the pattern, as SQLite reads
// it. nullopt when the pattern matches nothing: a [ that is never closed, or bytes that are not
// UTF-8 (which no PostgreSQL text holds). Likewise filter_conditions makes a value or a key with
// a NUL or bytes that are not UTF-8 match nothing: SQLite compares bytes, and a store strata
// wrote holds no such text.
std::optional<std::string> glob_regex(std::string_view pattern);

}  // namespace strata::store::pg
