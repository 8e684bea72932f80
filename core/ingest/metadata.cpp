#include "ingest/metadata.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/setting.h"

namespace strata::ingest {

std::string metadata_from_pairs(const std::vector<std::string>& pairs) {
  nlohmann::json object = nlohmann::json::object();
  for (const std::string& pair : pairs) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ExitCode::usage, mention(Setting::meta) + " '" + pair + "': expected key=value",
                "for example " + mention(Setting::meta) + " team=docs");
    }
    object[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return object.dump();
}

std::string merge_metadata(const std::string& run_json, const std::string& record_json) {
  if (record_json.empty() || record_json == "{}") return run_json;
  nlohmann::json merged = nlohmann::json::parse(run_json);
  merged.update(nlohmann::json::parse(record_json));
  return merged.dump();
}

}  // namespace strata::ingest
