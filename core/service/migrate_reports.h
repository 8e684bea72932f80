#pragma once
// The migrate reports as every door gives them: `strata migrate status --json` and `check --json`
// at a terminal, the MCP tools migrate_status and migrate_check (their outputSchema is the
// description below). Built once, as JSON values: a door prints or sends them, never parses a
// text of another door's back.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "migrate/check/checker.h"
#include "migrate/run/migrator.h"
#include "service/description.h"

namespace strata::service {

// Open objects, so that a field the program adds to its report does not break a client's check.
inline constexpr Field k_migration_fields[] = {
    {.name = "version", .type = Type::string, .required = true},
    {.name = "name", .type = Type::string, .required = true},
    {.name = "state", .type = Type::string, .help = "applied, pending, missing, modified, partial or outdated", .required = true},
    {.name = "applied_at", .type = Type::string, .required = true, .nullable = true},
    {.name = "file", .type = Type::string, .required = true, .nullable = true},
};
inline constexpr Field k_migrate_status_fields[] = {
    {.name = "database", .type = Type::string, .help = "The database, its password masked (\"\" when none is set)", .required = true},
    {.name = "dir", .type = Type::string, .required = true},
    {.name = "dirs", .type = Type::array, .required = true, .items = Type::string},
    {.name = "applied", .type = Type::integer, .required = true},
    {.name = "pending", .type = Type::integer, .required = true},
    {.name = "partial", .type = Type::integer, .help = "Migrations that failed part way (their statements half applied)", .required = true},
    {.name = "migrations", .type = Type::array, .required = true, .fields = k_migration_fields, .items = Type::object, .open = true},
};
inline constexpr Description k_migrate_status_report{k_migrate_status_fields, /*open=*/true};

inline constexpr Field k_finding_fields[] = {
    {.name = "code", .type = Type::string, .required = true},
    {.name = "severity", .type = Type::string, .required = true},
    {.name = "version", .type = Type::string, .required = true, .nullable = true},
    {.name = "file", .type = Type::string, .required = true, .nullable = true},
    {.name = "line", .type = Type::integer, .required = true, .nullable = true},
    {.name = "message", .type = Type::string, .required = true},
    {.name = "detail", .type = Type::string, .required = true, .nullable = true},
    {.name = "fix", .type = Type::string, .required = true, .nullable = true},
    {.name = "baselined", .type = Type::boolean, .required = true},
};
inline constexpr Field k_migrate_check_fields[] = {
    {.name = "ok", .type = Type::boolean, .required = true},
    {.name = "exit_code", .type = Type::integer, .help = "What strata migrate check exits with in CI", .required = true},
    {.name = "applied", .type = Type::integer, .required = true},
    {.name = "pending", .type = Type::array, .required = true, .items = Type::string},
    {.name = "baseline", .type = Type::string, .required = true, .nullable = true},
    {.name = "baselined", .type = Type::integer, .required = true},
    {.name = "findings", .type = Type::array, .required = true, .fields = k_finding_fields, .items = Type::object, .open = true},
};
inline constexpr Description k_migrate_check_report{k_migrate_check_fields, /*open=*/true};

// `status` as k_migrate_status_report describes it: `database` is the database's display form
// (password masked), `dirs` the migration folders (the first is `dir`).
nlohmann::json status_json(const migrate::Status& status, const std::string& database, const std::vector<std::string>& dirs);
// `report` as k_migrate_check_report describes it.
nlohmann::json check_json(const migrate::CheckReport& report);

}  // namespace strata::service
