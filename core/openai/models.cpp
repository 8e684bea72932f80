#include "openai/models.h"

#include <cstdio>
#include <ctime>
#include <string>

namespace strata::openai {

using nlohmann::json;

namespace {

// "2026-11-26 23:20:21" or "2026-11-26T23:20:21..." (UTC, as both stores write it) in Unix
// seconds; 0 when it is not.
std::int64_t unix_seconds(const std::string& utc) {
  std::tm tm{};
  char sep = 0;
  if (std::sscanf(utc.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 7 ||
      (sep != ' ' && sep != 'T')) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  return t < 0 ? 0 : static_cast<std::int64_t>(t);
}

}  // namespace

json model_json(const store::CollectionInfo& collection) {
  return json{{"id", model_id(collection.name)},
              {"object", "model"},
              {"created", unix_seconds(collection.created_at)},
              {"owned_by", "strata"}};
}

json models_json(const std::vector<store::CollectionInfo>& collections) {
  json data = json::array();
  for (const store::CollectionInfo& c : collections) data.push_back(model_json(c));
  return json{{"object", "list"}, {"data", std::move(data)}};
}

}  // namespace strata::openai
