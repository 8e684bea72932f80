// catalog.h: the store's backend (backend.h), and a document's text as its chunks hold it,
// the same on every backend.
#include "store/catalog.h"

#include <algorithm>
#include <string_view>

#include "store/backend.h"

namespace strata::store {

void for_each_document(Store& store, const std::string& collection,
                       const std::function<void(const DocumentSummary&)>& visit) {
  store.backend().for_each_document(store, collection, visit);
}

DocumentSummary get_document(Store& store, const std::string& collection, const std::string& source) {
  return store.backend().get_document(store, collection, source);
}

std::optional<DocumentSummary> find_document(Store& store, const std::string& collection, const std::string& source) {
  return store.backend().find_document(store, collection, source);
}

std::optional<DocumentSummary> find_document_by_path(Store& store, const std::string& collection,
                                                     const std::string& path) {
  return store.backend().find_document_by_path(store, collection, path);
}

std::vector<std::string> document_sources(Store& store, const std::string& collection) {
  return store.backend().document_sources(store, collection);
}

void for_each_chunk(Store& store, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit) {
  store.backend().for_each_chunk(store, document_id, visit);
}

std::string document_text(Store& store, std::int64_t document_id) {
  constexpr std::int64_t kLargestGap = 4096;
  std::string text;
  std::int64_t end = 0;  // offset in the loaded text that `text` has reached
  for_each_chunk(store, document_id, [&](const ChunkView& c) {
    if (c.end_byte <= end) return;  // inside what is written (a full overlap)
    std::string_view piece = c.text;
    if (c.start_byte < end) {
      piece.remove_prefix(std::min(piece.size(), static_cast<std::size_t>(end - c.start_byte)));
    } else if (c.start_byte - end <= kLargestGap) {
      text.append(static_cast<std::size_t>(c.start_byte - end), '\n');
    } else {
      text.append("\n\n");
    }
    text.append(piece);
    end = c.end_byte;
  });
  return text;
}

std::vector<DocumentSummary> remove_documents(Store& store, const std::string& collection,
                                              const std::vector<std::string>& sources) {
  return store.backend().remove_documents(store, collection, sources);
}

}  // namespace strata::store
