#include "version.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "git_revision.h"
#include "migrate/public.h"
#include "strata/build_info.h"

namespace strata::cli {

std::string version_text() {
  const std::string_view revision = git_revision();
  return std::string("strata ") + k_version +
         (revision.empty() ? " (built outside git)" : " (git " + std::string(revision) + ")");
}

std::string version_json() {
  std::string_view revision = git_revision();
  const bool dirty = revision.ends_with("-dirty");
  if (dirty) revision.remove_suffix(std::string_view("-dirty").size());
  // "sqlite": the library found at run time (the system one), since migrations that use newer
  // SQLite functions fail on an older one.
  nlohmann::json j = {{"version", k_version}, {"git", nullptr}, {"dirty", dirty},
                      {"sqlite", migrate::sqlite_version()}};
  if (!revision.empty()) j["git"] = std::string(revision);
  return j.dump();
}

}  // namespace strata::cli
