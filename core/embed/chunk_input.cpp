#include "embed/chunk_input.h"

#include "common/text.h"
#include "store/document_writer.h"

namespace strata::embed {

std::string chunk_embed_input(std::string_view title, std::string_view text) {
  if (title.empty()) return std::string(text);
  title = utf8_prefix(title, store::k_indexed_title_chars);
  std::string out;
  out.reserve(title.size() + 2 + text.size());
  out.append(title);
  if (!text.empty()) {
    out += "\n\n";
    out.append(text);
  }
  return out;
}

}  // namespace strata::embed
