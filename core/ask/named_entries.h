#pragma once
// The offline answer's second look for what a question names. A question that names a setting,
// function or command as written ("what is the default max_connections") is answered by that
// name's entry in a manual ("max_connections (integer)", "## redo [options]"), which keyword
// search often ranks below pages that mention the name in many chunks (the PostgreSQL manual's
// kernel resources page outranks max_connections' entry). With no model to read past them, the
// offline answer would quote the mentions. So the name alone is searched for (keyword, the
// request's filters and bounds), and the best-ranked chunk holding its entry, when the first
// search did not find it, is put first among the hits. A model's answer is left as retrieval
// gives it.
#include <functional>
#include <string_view>
#include <vector>

#include "search/hit.h"
#include "search/searcher.h"

namespace strata::ask {

// How many names of a question are looked up (the first ones, as written).
inline constexpr std::size_t k_named_entries_max = 2;
// How deep the name's own search goes.
inline constexpr std::size_t k_named_entry_depth = 100;

// Whether `text` holds the entry of `name` (lower case): a line that is a heading naming it first
// ("## redo [options]"), or that starts with it followed by nothing, '(' or '[' and does not end
// like a sentence ("max_connections (integer)", "pickle.DEFAULT_PROTOCOL").
bool holds_entry(std::string_view text, std::string_view name);

// `hits` with the entries of the names `question` gives as written put first (at most
// k_named_entries_max, each once). `search` runs a search as the ask's retrieval does.
std::vector<search::SearchHit> with_named_entries(std::string_view question, std::vector<search::SearchHit> hits,
                                                  const search::SearchRequest& base,
                                                  const std::function<search::SearchResult(search::SearchRequest)>& search);

}  // namespace strata::ask
