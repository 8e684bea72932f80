#pragma once
// Whole terms for names that end in a symbol: `C++`, `g++`, `Notepad++`, `Google+`, `C#`, `F#`.
// FTS5's unicode61 tokenizer drops '+' and '#', so `C++` and `C#` are indexed and searched as `C`,
// a letter found in every text about C, and `g++` as `g`. The keyword index therefore also holds,
// in the column of terms strata derives itself (`cjk`, common/index_terms.h), a whole term for
// each such name, and a query holds the same term beside its pieces (search/fts_query.h): `C++`
// gives "cplusplus", found whole as well as split.
//
// The spelling: the word in lower case, then "plus" for each '+' or "sharp" for the '#' (`C++` →
// cplusplus, `g++` → gplusplus, `C#` → csharp, `F#` → fsharp, `Google+` → googleplus). Letters
// only, so unicode61 keeps it one token and remove_diacritics leaves it alone; Porter stems it as
// any word (cplusplus → cplusplu), the same in the index and in the query. And these are the
// names the languages go by where '+' and '#' cannot be written (cplusplus.com, the
// Microsoft.CSharp namespace, the fsharp organisation, file and package names), so a page that
// writes them so is found by `C++` and `C#` too.
//
// A name is a word (common/fts_words.h) of ASCII letters and digits that starts with a letter (or
// such a run at the end of a word, after a CJK character: 使用C++), followed by one or two '+'
// or by one '#', and then:
//   - for one '+' or the '#': no word character (`C#.`, `(C++)`, `Google+ `); `a+b`, `issue#12`
//     and `page#anchor` are not names, and a markdown `# Heading` has no word before its '#';
//   - for "++": anything, so that `C++17` and `C++0x` (standards of C++) are C++ too.
// Words that start with a digit (`10+`, `3.8+`: "or more", "or later") and longer runs of '+'
// (`+++`, ASCII art) give none. Code's `i++` gives "iplusplus", a term like any other.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// The whole term of each name in `text`, in order, each time it occurs. Any bytes are accepted;
// none when `text` has no '+' or '#', decided by one pass over the bytes.
std::vector<std::string> symbol_terms(std::string_view text);

// symbol_terms(text) separated by single spaces ("" when none): what the index's `cjk` column
// holds for the names of a chunk's text or of a title, after their CJK terms.
std::string symbol_index_terms(std::string_view text);

// At most this many terms a query (the first ones typed).
inline constexpr std::size_t kMaxSymbolQueryTerms = 16;

// The whole terms of a query, each once, in the order typed (search/fts_query.h adds them beside
// the pieces).
std::vector<std::string> symbol_query_terms(std::string_view text);

}  // namespace strata
