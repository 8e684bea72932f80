#include "migrate/diff/migration_diff.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/error.h"
#include "migrate/engines/engines.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/scratch_database.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, path + ": cannot read the desired schema", mention(Setting::to) + " takes SQL files, folders of them, or a database URL");
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::erase(text, '\r');
  return text;
}

// The files --to names, folders expanded to their *.sql files in name order.
std::vector<std::string> desired_paths(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const std::string& p : given) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(p, ec)) {
      if (e.path().extension() == ".sql" && e.is_regular_file(ec)) found.push_back(e.path().string());
    }
    if (found.empty()) usage(p + ": no .sql file in this folder", mention(Setting::to) + " takes SQL files, folders of them, or a database URL");
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

const Endpoint* server_of(const DiffRequest& r) {
  return engine(r.database.kind).storage == Storage::file ? nullptr : &r.database;
}

void replay(ScratchDatabase& scratch, const DiffRequest& r) {
  MigrationSet files = load_directories(r.dirs, r.project_root, r.tool_variables);
  files.require_valid();
  for (const Migration& m : files.migrations) scratch.apply(m.up);
  for (const Migration& m : files.repeatables) scratch.apply(m.up);
}

Schema desired_schema(const DiffRequest& r, std::string& described) {
  if (r.desired_database) {
    described = r.desired_database->display;
    auto db = open_driver(*r.desired_database, Access::read_only, r.table, std::chrono::milliseconds(0));
    if (db == nullptr) throw Error(ExitCode::unavailable, r.desired_database->display + ": no such database");
    Schema s = db->read_schema(r.table);
    drop_foreign_history(s, r.database.foreign_history);
    return s;
  }
  ScratchDatabase scratch(server_of(r), r.table);
  const std::vector<std::string> paths = desired_paths(r.desired_files);
  for (const std::string& path : paths) {
    Section section;
    section.present = true;
    section.sql = read_text(path);
    if (const Engine& e = engine(r.database.kind); e.schema_file_sql != nullptr) section.sql = e.schema_file_sql(section.sql);
    section.file = path;
    try {
      scratch.load(section);
    } catch (const Error& e) {
      throw Error(ExitCode::invalid_input, std::string("the desired schema does not load: ") + e.what(),
                  "fix the file; it must run on an empty database as it is");
    }
  }
  described = paths.size() == 1 ? paths.front() : std::to_string(paths.size()) + " files";
  return scratch.schema();
}

// Leaves out of `to` what drop_foreign_history would (a dbmate schema.sql creates dbmate's
// schema_migrations and fills it) unless the migrations create it too: history, not the schema.
void drop_foreign_history_not_in(Schema& to, const Schema& from, const ForeignHistoryTables& tables) {
  Schema kept = to;
  drop_foreign_history(kept, tables);
  std::set<ObjectKey> keep;
  for (const SchemaObject& o : kept.objects) keep.insert(key_of(o));
  for (const SchemaObject& o : from.objects) keep.insert(key_of(o));
  std::erase_if(to.objects, [&](const SchemaObject& o) { return keep.count(key_of(o)) == 0; });
}

Script only_sql(const std::string& sql) {
  Script s;
  s.sql = sql;
  return s;
}

// Whether a statement after an ALTER TYPE ... ADD VALUE names a label it added: PostgreSQL refuses
// that use inside the transaction that added the label, so the section runs without one.
bool uses_added_enum_value(const Script& s) {
  for (const std::string& label : s.added_enum_values) {
    const std::size_t added = s.sql.find(" ADD VALUE " + label);
    if (added != std::string::npos && s.sql.find(label, added + 11 + label.size()) != std::string::npos) return true;
  }
  return false;
}

Section section_of(const Script& s, const std::string& file) {
  Section section;
  section.present = true;
  section.sql = s.sql;
  section.transaction = !uses_added_enum_value(s);
  // The proof runs the backfills with values of the columns' types (Script::proof_values).
  for (const auto& [written, proof] : s.proof_values) {
    if (const std::size_t at = section.sql.find(written); at != std::string::npos) section.sql.replace(at, written.size(), proof);
  }
  section.file = file;
  section.foreign_keys_off = s.foreign_keys_off;
  return section;
}

// What still differs between `have` and `want` after a draft ran, one line each.
void note_left(const Schema& have, const Schema& want, DriverKind kind, const std::string& side,
               std::vector<std::string>& out) {
  Renames none;
  none.none = true;
  const SchemaChanges left = compare_schemas(have, want, *engine(kind).dialect, none);
  for (const SchemaObject* o : left.created) out.push_back(side + ": " + object_label(*o) + " is missing");
  for (const SchemaObject* o : left.dropped) out.push_back(side + ": " + object_label(*o) + " is left over");
  for (const auto& [a, b] : left.changed) out.push_back(side + ": " + object_label(*b) + " differs");
  for (const TableChange& t : left.tables) out.push_back(side + ": table " + t.name + " differs");
}

// Runs the draft where the migrations were replayed: up must give `to`, down must give `from`.
void prove(ScratchDatabase& scratch, const Schema& from, const Schema& to, DriverKind kind, DiffDraft& d) {
  try {
    if (!d.up.sql.empty()) scratch.apply(section_of(d.up, "(the drafted up)"));
    if (!d.up.concurrent.empty()) {
      Section c = section_of(only_sql(d.up.concurrent), "(the drafted indexes)");
      c.transaction = false;
      scratch.apply(c);
    }
  } catch (const Error& e) {
    d.unproven.push_back(std::string("up fails: ") + e.what());
    return;
  }
  note_left(scratch.schema(), to, kind, "up", d.unproven);
  try {
    if (!d.down.concurrent.empty()) {
      Section c = section_of(only_sql(d.down.concurrent), "(the drafted indexes' down)");
      c.transaction = false;
      scratch.apply(c);
    }
    if (!d.down.sql.empty()) scratch.apply(section_of(d.down, "(the drafted down)"));
  } catch (const Error& e) {
    d.unproven.push_back(std::string("down fails: ") + e.what());
    return;
  }
  note_left(scratch.schema(), from, kind, "down", d.unproven);
}

std::string marker(const char* direction, const Script& s, bool transaction) {
  std::string line = std::string("-- migrate:") + direction;
  if (s.foreign_keys_off) line += " foreign_keys:off";
  if (!transaction) line += " transaction:false";
  return line + "\n";
}

}  // namespace

DiffDraft draft_migration(const DiffRequest& r) {
  DiffDraft d;
  const DriverKind kind = r.database.kind;
  ScratchDatabase current(server_of(r), r.table, &r.placeholders);
  replay(current, r);
  const Schema from = current.schema();
  Schema to = desired_schema(r, d.desired);
  if (!r.desired_database) drop_foreign_history_not_in(to, from, r.database.foreign_history);

  const SchemaChanges up = compare_schemas(from, to, *engine(kind).dialect, r.renames);
  if (!up.undecided.empty()) {
    d.undecided = up.undecided;
    return d;
  }
  d.changes = up.created.size() + up.dropped.size() + up.changed.size() + up.tables.size() +
              raised_counter_starts(from, to).size();
  if (d.changes == 0) return d;
  Renames back = r.renames.inverted();
  back.none = true;  // every candidate was decided on the way up
  const SchemaChanges down = compare_schemas(to, from, *engine(kind).dialect, back);
  DdlOptions forth;
  forth.concurrent_creates = r.concurrently;
  DdlOptions back_options;
  back_options.concurrent_drops = r.concurrently;
  d.up = engine(kind).write_ddl(up, from, to, forth);
  d.down = engine(kind).write_ddl(down, to, from, back_options);
  prove(current, from, to, kind, d);
  return d;
}

std::string migration_text(const DiffDraft& d, const Script& up, const Script& down) {
  std::string text = marker("up", up, !uses_added_enum_value(up));
  text += "-- written by `strata migrate diff` from " + d.desired + "; review before applying\n";
  text += up.sql;
  text += "\n" + marker("down", down, !uses_added_enum_value(down));
  text += down.sql;
  return text;
}

std::string concurrent_migration_text(const DiffDraft& d) {
  if (d.up.concurrent.empty()) return {};
  const Script up = only_sql(d.up.concurrent);
  const Script down = only_sql(d.down.concurrent);
  std::string text = marker("up", up, false);
  text += "-- indexes built without locking writes (CREATE INDEX CONCURRENTLY cannot run in a transaction)\n";
  text += up.sql;
  text += "\n" + marker("down", down, false);
  text += down.sql;
  return text;
}

}  // namespace strata::migrate
