#pragma once
// The terms strata derives itself for the keyword index, beside the ones FTS5's tokenizer cuts
// from the text: what the index's `cjk` column holds for a chunk (chunks.cjk_terms) or a title
// (documents.title_cjk_terms), on SQLite (migrations/0007, 0019) and on PostgreSQL
// (store/postgres/pg_terms.h). Two kinds, in this order:
//   - the CJK terms of the text (common/cjk_terms.h: bigrams of Chinese, Japanese and Korean),
//     which unicode61 alone cannot give;
//   - the whole terms of names that end in '+' or '#' (common/symbol_terms.h: `C++` → cplusplus,
//     `C#` → csharp), which unicode61 cuts down to a letter.
// The column keeps its first name (migration 0007 made it for the CJK terms alone).
#include <string>
#include <string_view>

namespace strata {

// The derived terms of `text`, separated by single spaces; "" when it has none, which is decided
// by two passes over the bytes for most text (no byte of a CJK character, no '+' or '#'). Any
// bytes are accepted.
std::string derived_index_terms(std::string_view text);

}  // namespace strata
