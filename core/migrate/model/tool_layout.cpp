#include "migrate/model/tool_layout.h"

#include <algorithm>
#include <iterator>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

// One row per layout; a new layout is its file and a row here.
const ToolLayout k_layouts[] = {
    {MigrationLayout::prisma, "Prisma", find_prisma, [](const std::string& d, const ToolVariables&) { return load_prisma(d); },
     false, write_new_prisma},
    {MigrationLayout::drizzle, "Drizzle Kit", find_drizzle,
     [](const std::string& d, const ToolVariables&) { return load_drizzle(d); }, false, write_new_drizzle},
    {MigrationLayout::sqitch, "Sqitch", find_sqitch, load_sqitch, true, write_new_sqitch},
};

// The engines each tool's word for its database means (Prisma's providers, Drizzle's dialects).
struct ProviderName {
  const char* name;
  DriverKind kind;
};
constexpr ProviderName k_providers[] = {
    {"postgresql", DriverKind::postgres}, {"postgres", DriverKind::postgres}, {"cockroachdb", DriverKind::postgres},
    {"sqlite", DriverKind::sqlite},       {"turso", DriverKind::sqlite},      {"mysql", DriverKind::mysql},
    {"singlestore", DriverKind::mysql},
    {"pg", DriverKind::postgres},         // Sqitch's engine names
    {"mariadb", DriverKind::mysql},
};

const char* engine_word(DriverKind kind) {
  switch (kind) {
    case DriverKind::postgres: return "postgresql";
    case DriverKind::mysql: return "mysql";
    case DriverKind::sqlite: break;
  }
  return "sqlite";
}

}  // namespace

const ToolLayout* find_tool_layout(std::string& dir) {
  for (const ToolLayout& l : k_layouts) {
    if (auto found = l.find(dir)) {
      dir = std::move(*found);
      return &l;
    }
  }
  return nullptr;
}

const ToolLayout& tool_layout(MigrationLayout kind) {
  const auto it = std::find_if(std::begin(k_layouts), std::end(k_layouts), [kind](const ToolLayout& l) { return l.kind == kind; });
  return *it;
}

void require_provider(const MigrationSet& files, DriverKind kind, const std::string& database) {
  if (files.layout == MigrationLayout::strata || files.provider.empty()) return;
  const std::string said = to_lower(files.provider);
  const auto it = std::find_if(std::begin(k_providers), std::end(k_providers),
                               [&](const ProviderName& p) { return said == p.name; });
  if (it != std::end(k_providers) && it->kind == kind) return;
  const bool prisma = files.layout == MigrationLayout::prisma;
  if (files.layout == MigrationLayout::sqitch) {
    throw Error(ExitCode::invalid_input,
                database + ": the Sqitch project is for " + escape_control_characters(files.provider) +
                    " (sqitch.conf's core.engine), and this database is " + engine_word(kind),
                "point " + mention(Setting::database) + " at a " + escape_control_characters(files.provider) + " database");
  }
  throw Error(ExitCode::invalid_input,
              database + ": the migrations are for " + escape_control_characters(files.provider) + " (" +
                  (prisma ? "migration_lock.toml's provider" : "meta/_journal.json's dialect") + "), and this database is " +
                  engine_word(kind),
              prisma ? "point " + mention(Setting::database) + " at a " + escape_control_characters(files.provider) +
                           " database, or, if the SQL is right for this one, change the provider in migration_lock.toml"
                     : "point " + mention(Setting::database) + " at a " + escape_control_characters(files.provider) +
                           " database, or generate the migrations for this one (drizzle.config's dialect)");
}

}  // namespace strata::migrate
