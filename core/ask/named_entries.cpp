#include "ask/named_entries.h"

#include <algorithm>
#include <string>

#include "common/text.h"
#include "llm/extractive.h"

namespace strata::ask {

bool holds_entry(std::string_view text, std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    while (line.starts_with('#')) line.remove_prefix(1);
    line = trim(line);
    if (line.size() < name.size() || line.size() > 200 || to_lower(line.substr(0, name.size())) != name) continue;
    const std::string_view rest = trim(line.substr(name.size()));
    const char last = line.back();
    if (last == '.' || last == ':' || last == ';' || last == ',') continue;  // a sentence that starts with it
    if (rest.empty() || rest.front() == '(' || rest.front() == '[') return true;
  }
  return false;
}

std::vector<search::SearchHit> with_named_entries(std::string_view question, std::vector<search::SearchHit> hits,
                                                  const search::SearchRequest& base,
                                                  const std::function<search::SearchResult(search::SearchRequest)>& search) {
  std::vector<std::string> names = llm::extractive_identifiers(question);
  if (names.size() > k_named_entries_max) names.resize(k_named_entries_max);
  for (const std::string& name : names) {
    const auto has_it = [&](const search::SearchHit& h) { return holds_entry(h.chunk.text, name); };
    if (std::any_of(hits.begin(), hits.end(), has_it)) continue;
    search::SearchRequest r = base;
    r.query = name;
    r.mode = search::Mode::keyword;
    r.k = k_named_entry_depth;
    r.rerank.reset();
    const search::SearchResult found = search(std::move(r));
    const auto entry = std::find_if(found.hits.begin(), found.hits.end(), has_it);
    if (entry == found.hits.end()) continue;
    const auto same = [&](const search::SearchHit& h) { return h.chunk.chunk_id == entry->chunk.chunk_id; };
    if (std::any_of(hits.begin(), hits.end(), same)) continue;
    hits.insert(hits.begin(), *entry);
  }
  return hits;
}

}  // namespace strata::ask
