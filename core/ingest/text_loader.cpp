#include "ingest/text_loader.h"

#include <utility>

#include "ingest/text_decoding.h"

namespace strata::ingest {

LoadedDocument load_text(std::string_view bytes, const LoadProgress& /*progress*/) {
  DecodedText decoded = decode_text(bytes);
  LoadedDocument doc;
  doc.text = std::move(decoded.text);
  doc.encoding = std::move(decoded.encoding);
  doc.repaired_bytes = decoded.repaired;
  return doc;
}

}  // namespace strata::ingest
