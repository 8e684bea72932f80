#include "common/index_terms.h"

#include "common/cjk_terms.h"
#include "common/symbol_terms.h"

namespace strata {

std::string derived_index_terms(std::string_view text) {
  std::string out = cjk_index_terms(text);
  const std::string symbols = symbol_index_terms(text);
  if (!out.empty() && !symbols.empty()) out += ' ';
  out += symbols;
  return out;
}

}  // namespace strata
