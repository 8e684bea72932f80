#include "ingest/named_document.h"

#include "ingest/source_id.h"

namespace strata::ingest {

std::optional<store::DocumentSummary> find_named_document(store::Store& store, const std::string& collection,
                                                          const std::string& typed, const std::filesystem::path& cwd,
                                                          const std::filesystem::path& root) {
  for (const std::string& id : source_candidates(typed, cwd, root)) {
    if (auto d = store::find_document(store, collection, id)) return d;
  }
  if (typed.empty() || typed == "-") return std::nullopt;
  const std::filesystem::path path(typed);
  return store::find_document_by_path(store, collection, absolute_path(path.is_absolute() ? path : cwd / path).string());
}

}  // namespace strata::ingest
