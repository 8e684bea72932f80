#pragma once
// Keyword terms for Chinese, Japanese and Korean. These are written without spaces between words
// (Korean glues particles to its words), so FTS5's unicode61 tokenizer keeps a whole clause,
// "什么是依赖注入", as one token that no query matches. The keyword index therefore also holds,
// for every word (common/fts_words.h) with a CJK character in it, the terms a CJK-aware index
// uses (Lucene's CJKAnalyzer does the same): the overlapping bigrams of each run of CJK
// characters ("依赖注入" → 依赖 赖注 注入; a run of one character is itself a term), and the
// pieces of the word around the runs as words of their own ("FastAPI" in "使用FastAPI的").
// A query is cut the same way (search/fts_query.h), so "依赖注入" finds "什么是依赖注入系统".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// True for the code points bigrammed: Han (unified, extensions A to G, compatibility
// ideographs), 々〆〇, Hiragana, Katakana (with the phonetic extensions and the half-width
// forms) and Hangul (syllables, jamo, compatibility and half-width jamo). Exactly the class of
// the GLOB in migrations/0007, which finds the rows whose terms are to be computed.
bool is_cjk(std::int32_t cp);

// Appends the CJK terms of `word` (one unicode61 word: valid UTF-8, word characters only) to
// `out`, as views into `word`, in order, and returns true; returns false, appending nothing,
// when `word` has no CJK character.
bool cjk_terms_of_word(std::string_view word, std::vector<std::string_view>& out);

// The CJK terms of every word of `text`, separated by single spaces: what the keyword index's
// `cjk` column holds for a chunk (chunks.cjk_terms) or a title (documents.title_cjk_terms).
// "" when `text` has no CJK character, which is decided by one pass over the bytes for most
// text (no byte of a CJK character's UTF-8 form). Any bytes are accepted.
std::string cjk_index_terms(std::string_view text);

}  // namespace strata
