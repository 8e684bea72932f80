// collections.h: the rule on names, then the store's backend (backend.h).
#include "store/collections.h"

#include "common/error.h"
#include "common/setting.h"
#include "store/backend.h"

namespace strata::store {

void validate_collection_name(const std::string& name) {
  if (name.empty()) throw Error(ExitCode::usage, mention(Setting::collection) + ": the name is empty");
  if (name.size() > 200) throw Error(ExitCode::usage, mention(Setting::collection) + ": the name is longer than 200 bytes");
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) throw Error(ExitCode::usage, mention(Setting::collection) + ": the name has a control character");
  }
}

std::optional<CollectionInfo> find_collection(Store& store, const std::string& name, CollectionDetail detail) {
  return store.backend().find_collection(store, name, detail);
}

std::vector<CollectionInfo> list_collections(Store& store) { return store.backend().list_collections(store); }

std::vector<std::string> collection_names(Store& store) { return store.backend().collection_names(store); }

CollectionInfo remove_collection(Store& store, const std::string& name) {
  return store.backend().remove_collection(store, name);
}

}  // namespace strata::store
