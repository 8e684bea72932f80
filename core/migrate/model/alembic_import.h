#pragma once
// `strata migrate import`: an Alembic project's history as plain SQL migration files, read from
// what Alembic's offline mode prints (`alembic upgrade base:head --sql`, `alembic downgrade
// head:base --sql`), so a team switches with its history intact and a database Alembic manages is
// adopted (history.h reads alembic_version against the files' names).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::migrate {

// One Alembic revision: its id and SQL, without Alembic's own bookkeeping.
struct AlembicRevision {
  std::string revision;
  std::string up;
  std::optional<std::string> down;  // none: the downgrade output did not cover it
};

// The revisions of `alembic upgrade … --sql` output, oldest first, split at its `-- Running
// upgrade A -> B` lines. Left out: the statements on alembic_version, the script's own BEGIN;
// and COMMIT; lines (strata runs each migration in its own transaction), and Alembic's INFO log
// lines (output captured with 2>&1). `source` names the input in messages. Throws
// Error(invalid_input) when the text holds no such line, or SQL before the first.
std::vector<AlembicRevision> read_alembic_upgrade(std::string_view text, const std::string& source);

// Adds the down of each revision from `alembic downgrade … --sql` output (`-- Running downgrade B
// -> A`). Throws Error(invalid_input) for a revision the upgrade did not have.
void add_alembic_downgrade(std::vector<AlembicRevision>& revisions, std::string_view text, const std::string& source);

// Writes one dbmate-format file per revision into `dir` (created if needed): VERSION_REVISION.sql,
// VERSION counting from 1, zero-padded to one width. Refuses (Error(usage)) a directory that
// already holds migrations: their versions would mix with these. Returns the paths written.
std::vector<std::string> write_alembic_revisions(const std::string& dir, const std::vector<AlembicRevision>& revisions);

}  // namespace strata::migrate
