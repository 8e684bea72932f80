#pragma once
// A stored document named on the command line the way a user types it (`documents show`,
// `documents remove`): its source id as listed, or its file's path relative to the current
// folder or absolute, mapped to the project-relative id a file has (source_id.h).
#include <filesystem>
#include <optional>
#include <string>

#include "store/catalog.h"

namespace strata::ingest {

// Tries, in order: `typed` as an id; the id of the file `typed` names from `cwd` (relative to
// `root`); the document that recorded that file's absolute path (a store written before ids
// were relative to the project root and not ingested since). nullopt when none is stored.
// Throws Error(invalid_input) when the collection does not exist.
std::optional<store::DocumentSummary> find_named_document(store::Store& store, const std::string& collection,
                                                          const std::string& typed, const std::filesystem::path& cwd,
                                                          const std::filesystem::path& root);

}  // namespace strata::ingest
