#pragma once
// Document metadata: `--meta key=value` pairs for a whole run, and each JSONL record's own
// object. Stored as a JSON object in documents.metadata.
#include <string>
#include <vector>

namespace strata::ingest {

// "key=value" pairs as a JSON object text with sorted keys; later pairs win. Throws
// Error(usage) naming the pair when it has no '=' or an empty key.
std::string metadata_from_pairs(const std::vector<std::string>& pairs);

// `record_json` (a JSON object text) over `run_json`: a record's own keys win over the run's.
std::string merge_metadata(const std::string& run_json, const std::string& record_json);

}  // namespace strata::ingest
