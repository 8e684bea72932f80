#include "store/postgres/pg_terms.h"

#include <algorithm>
#include <map>

#include "common/utf8.h"
#include "store/document_writer.h"

namespace strata::store::pg {

std::string title_column(std::string_view title, std::string_view title_cjk_terms) {
  return std::string(utf8_prefix(title, k_indexed_title_chars)) + " " + std::string(title_cjk_terms);
}

ChunkTerms chunk_terms(const FtsTokenizer& tokenizer, std::string_view text, std::string_view title,
                       std::string_view cjk) {
  std::map<std::string, TermHits, std::less<>> by_term;
  ChunkTerms out;
  const auto count = [&](std::string_view column, std::int32_t TermHits::*field) {
    tokenizer.for_each_term(column, [&](std::string_view term) {
      auto it = by_term.find(term);
      if (it == by_term.end()) it = by_term.emplace(std::string(term), TermHits{std::string(term)}).first;
      ++(it->second.*field);
      ++out.length;
    });
  };
  count(text, &TermHits::text);
  count(title, &TermHits::title);
  count(cjk, &TermHits::cjk);
  out.terms.reserve(by_term.size());
  for (auto& [term, hits] : by_term) out.terms.push_back(std::move(hits));
  return out;
}

}  // namespace strata::store::pg
