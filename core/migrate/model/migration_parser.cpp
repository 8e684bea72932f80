#include "migrate/model/migration_parser.h"

#include <algorithm>

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

// What follows `migrate:` on a marker line, or nullopt for any other line. dbmate's marker is
// `^--\s*migrate:up`, so `--migrate:up` is one too. (Leading blanks are also accepted.)
std::optional<std::string_view> marker_rest(std::string_view stripped) {
  if (stripped.substr(0, 2) != "--") return std::nullopt;
  std::string_view rest = stripped.substr(2);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  constexpr std::string_view k_migrate = "migrate:";
  if (rest.substr(0, k_migrate.size()) != k_migrate) return std::nullopt;
  return rest.substr(k_migrate.size());
}

bool is_blank_or_comment(std::string_view line) {
  line = trim(line);
  return line.empty() || line.substr(0, 2) == "--";
}

Problem make_problem(std::string code, const std::string& file, std::size_t line,
                     std::string message, std::optional<Version> version) {
  return Problem{std::move(code), file, line, std::move(message), version};
}

// Validates emptiness; returns the normalised text or nullopt after recording why. Bytes that are
// not UTF-8 are kept: dbmate and golang-migrate send a file's bytes to the server as they are
// (mysqldump's `_binary '…'` literals hold such bytes), and the server judges them; check says so
// (Migration::not_utf8).
std::optional<std::string> normalised_content(const FileName& name, const std::string& path,
                                              std::string_view content,
                                              std::vector<Problem>& problems) {
  std::string text = normalise_line_endings(content);
  if (trim(text).empty()) {
    problems.push_back(make_problem("parse-error", path, 0, "file is empty", name.version));
    return std::nullopt;
  }
  return text;
}

// Applies `key:value` options from a marker line to `section`; false (with a problem) if unknown.
bool apply_marker_options(std::string_view options, Section& section, const std::string& path,
                          std::size_t line, Version version, std::vector<Problem>& problems) {
  for (const std::string& word : split(trim(options), ' ')) {
    if (trim(word).empty()) continue;
    const std::string opt = to_lower(trim(word));
    if (opt == "transaction:false") {
      section.transaction = false;
    } else if (opt == "transaction:true") {
      section.transaction = true;
    } else if (opt == "foreign_keys:off") {
      section.foreign_keys_off = true;
    } else if (opt == "foreign_keys:on") {
      section.foreign_keys_off = false;
    } else if (opt == "envsub:on" || opt == "envsub:true") {
      section.envsub = true;
    } else if (opt == "envsub:off" || opt == "envsub:false") {
      section.envsub = false;
    } else {
      problems.push_back(make_problem(
          "parse-error", path, line,
          "unknown marker option '" + std::string(trim(word)) +
              "' (known: transaction:false, foreign_keys:off, envsub:on)",
          version));
      return false;
    }
  }
  return true;
}

void set_checksums(Migration& m, std::string normalised) {
  if (const auto bad = find_invalid_utf8(normalised)) m.not_utf8 = Migration::Place{m.file, position_of(normalised, *bad)};
  m.checksum = sha256_hex(normalised);
  m.normalised = std::move(normalised);
}

}  // namespace

std::string Migration::whitespace_checksum() const { return sha256_hex(strip_whitespace(normalised)); }

std::string Problem::describe() const {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  return where + ": " + message;
}

const Migration* MigrationSet::find(Version version) const {
  // Drizzle's migrations stay in its journal's order, which need not be idx order.
  if (layout == MigrationLayout::drizzle) {
    const auto it = std::find_if(migrations.begin(), migrations.end(), [&](const Migration& m) { return m.version == version; });
    return it != migrations.end() ? &*it : nullptr;
  }
  // Sorted by version: status and check look up every history row, a thousand of them.
  const auto it = std::lower_bound(migrations.begin(), migrations.end(), version,
                                   [](const Migration& m, Version v) { return m.version < v; });
  return it != migrations.end() && it->version == version ? &*it : nullptr;
}

void MigrationSet::require_valid() const {
  if (problems.empty()) return;
  std::string hint;
  if (problems.size() > 1) {
    hint = std::to_string(problems.size() - 1) +
           " more problem(s); `strata migrate check` lists them all";
  }
  throw Error(ExitCode::invalid_input, problems.front().describe(), hint);
}

bool is_flyway_name(std::string_view file_name) {
  return file_name.size() > 2 && (file_name[0] == 'V' || file_name[0] == 'U') && file_name[1] >= '0' &&
         file_name[1] <= '9' && file_name.find("__") != std::string_view::npos;
}

bool is_migration_name(std::string_view file_name) {
  return (!file_name.empty() && file_name[0] >= '0' && file_name[0] <= '9') || file_name.starts_with("R__") ||
         is_flyway_name(file_name);
}

std::optional<Version> flyway_version(std::string_view text) {
  std::vector<long long> parts;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i) return std::nullopt;  // empty part, or a character that is not a digit
    std::string_view digits = text.substr(i, j - i);
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits.size() > 15) return std::nullopt;
    parts.push_back(std::stoll(std::string(digits)));
    if (j == text.size()) break;
    if (text[j] != '.' && text[j] != '_') return std::nullopt;
    i = j + 1;
  }
  while (parts.size() > 1 && parts.back() == 0) parts.pop_back();  // 1.0 is 1
  if (parts.size() > 3) return std::nullopt;
  parts.resize(3, 0);
  if (parts[1] > 99 || parts[2] > 99) return std::nullopt;
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

std::optional<Version> version_argument(std::string_view text) {
  if (!text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string_view::npos) {
    return std::stoll(std::string(text));
  }
  if (!text.empty() && (text.front() == 'V' || text.front() == 'v')) text.remove_prefix(1);
  return flyway_version(text);
}

namespace {

// Flyway's V<version>__<name>.sql / U<version>__<name>.sql: the halves of one migration.
std::optional<FileName> parse_flyway_name(std::string_view file_name) {
  const std::size_t sep = file_name.find("__");
  const std::string_view text = file_name.substr(1, sep - 1);
  const auto version = flyway_version(text);
  if (!version) return std::nullopt;
  FileName out;
  out.version = *version;
  out.version_text = std::string(text);
  std::replace(out.version_text.begin(), out.version_text.end(), '_', '.');  // as Flyway shows it
  out.name = std::string(file_name.substr(sep + 2, file_name.size() - 4 - sep - 2));
  out.kind = file_name[0] == 'V' ? FileKind::up_half : FileKind::down_half;
  return out;
}

}  // namespace

std::optional<FileName> parse_file_name(std::string_view file_name) {
  if (!file_name.ends_with(".sql") || file_name.find('/') != std::string_view::npos) return std::nullopt;
  if (is_flyway_name(file_name)) return parse_flyway_name(file_name);
  std::size_t digits = 0;
  while (digits < file_name.size() && file_name[digits] >= '0' && file_name[digits] <= '9') ++digits;
  if (digits == 0 || digits > 18) return std::nullopt;
  FileName out;
  out.version_text = std::string(file_name.substr(0, digits));
  out.version = std::stoll(out.version_text);
  // golang-migrate's `^([0-9]+)_(.*)\.(down|up)\.(.*)$`: the name is greedy, so the last ".up." or
  // ".down." decides (`30_x.up..sql` is an up half named "x", `5_flags..up.sql` one named "flags.").
  if (digits < file_name.size() && file_name[digits] == '_') {
    const std::string_view rest = file_name.substr(digits + 1);
    const std::size_t up = rest.rfind(".up.");
    const std::size_t down = rest.rfind(".down.");
    const std::size_t at = up == std::string_view::npos     ? down
                           : down == std::string_view::npos ? up
                                                            : std::max(up, down);
    if (at != std::string_view::npos) {
      out.kind = at == up ? FileKind::up_half : FileKind::down_half;
      out.name = std::string(rest.substr(0, at));
      return out;
    }
  }
  // dbmate's `^(\d+).*\.sql$`: anything may follow the digits. The name shown is what follows
  // one `_` or `-` separator, and may be empty (`20240101000000.sql`).
  std::string_view name = file_name.substr(digits, file_name.size() - 4 - digits);
  if (!name.empty() && (name.front() == '_' || name.front() == '-')) name.remove_prefix(1);
  out.name = std::string(name);
  return out;
}

std::string down_file_of(const Migration& pair) {
  std::string path = pair.file;
  const std::size_t base = path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1;
  if (is_flyway_name(std::string_view(path).substr(base))) {
    path[base] = 'U';  // Flyway's undo file: V1__x.sql -> U1__x.sql
    return path;
  }
  const std::size_t at = path.rfind(".up.");
  if (at != std::string::npos) path.replace(at, 4, ".down.");
  return path;
}

namespace {

// goose's annotation on a line ("-- +goose Up" -> "up", "-- +goose NO TRANSACTION" -> "no
// transaction"), lower-cased; nullopt for any other line.
std::optional<std::string> goose_annotation(std::string_view stripped) {
  if (!stripped.starts_with("--")) return std::nullopt;
  std::string_view rest = trim(stripped.substr(2));
  if (!rest.starts_with("+goose")) return std::nullopt;
  rest = trim(rest.substr(6));
  std::string words;
  for (const std::string& w : split(rest, ' ')) {
    if (trim(w).empty()) continue;
    if (!words.empty()) words += ' ';
    words += to_lower(trim(w));
  }
  return words;
}

bool is_goose_file(const std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const auto a = goose_annotation(trim(std::string_view(text).substr(pos, eol - pos)));
    if (a && *a == "up") return true;
    pos = eol + 1;
  }
  return false;
}

// goose's format (pressly/goose): "-- +goose Up" and "-- +goose Down" start the sections;
// "-- +goose NO TRANSACTION" anywhere runs both outside a transaction; "-- +goose ENVSUB ON" in a
// section expands ${NAME} there (placeholders.h); "-- +goose StatementBegin" / "StatementEnd" stay
// in the SQL as the comments they are: the engines' splitters already keep a function body, a
// trigger or a stored program whole. The annotation lines stay as comments, so lines keep their
// numbers.
std::optional<Migration> parse_goose_file(Migration m, const std::string& text, const std::string& path, Version version,
                                          std::vector<Problem>& problems) {
  Section* current = nullptr;
  bool no_transaction = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  const std::size_t problems_before = problems.size();
  while (pos <= text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, eol - pos);
    ++line_no;
    const auto a = goose_annotation(trim(line));
    Section* starts = a && *a == "up" ? &m.up : a && *a == "down" ? &m.down : nullptr;
    if (starts != nullptr) {
      if (starts->present) {
        problems.push_back(make_problem("parse-error", path, line_no, "a second '-- +goose " + *a + "' annotation", version));
        return std::nullopt;
      }
      current = starts;
      current->present = true;
      current->file = path;
      current->first_line = line_no + 1;
    } else if (a && *a == "no transaction") {
      no_transaction = true;
    } else if (a && *a == "envsub on" && current != nullptr) {
      current->envsub = true;
    } else if (a && *a != "statementbegin" && *a != "statementend" && *a != "envsub off") {
      problems.push_back(make_problem("parse-error", path, line_no,
                                      "unknown goose annotation '-- +goose " + *a +
                                          "' (known: Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON)",
                                      version));
      return std::nullopt;
    } else if (current == nullptr && !a && !is_blank_or_comment(line)) {
      problems.push_back(make_problem("parse-error", path, line_no, "SQL before the '-- +goose Up' annotation", version));
      return std::nullopt;
    }
    if (current != nullptr && starts == nullptr) {
      current->sql.append(line);
      current->sql.push_back('\n');
    }
    if (eol == text.size()) break;
    pos = eol + 1;
  }
  if (no_transaction) {
    m.up.transaction = false;
    m.down.transaction = false;
  }
  if (trim(m.up.sql).empty()) {
    problems.push_back(make_problem("parse-error", path, m.up.first_line - 1, "the up section is empty", version));
  }
  if (problems.size() != problems_before) return std::nullopt;
  return m;
}

}  // namespace

std::optional<Migration> parse_single_file(const FileName& name, const std::string& path,
                                           std::string_view content,
                                           std::vector<Problem>& problems) {
  const auto text = normalised_content(name, path, content, problems);
  if (!text) return std::nullopt;
  Migration m;
  m.version = name.version;
  m.version_text = name.version_text;
  m.name = name.name;
  m.file = path;
  set_checksums(m, *text);
  if (is_goose_file(*text)) return parse_goose_file(std::move(m), *text, path, name.version, problems);

  const std::size_t problems_before = problems.size();
  Section* current = nullptr;
  std::size_t up_line = 0;
  std::size_t down_line = 0;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text->size()) {
    const std::size_t eol = text->find('\n', pos);
    const std::size_t end = eol == std::string::npos ? text->size() : eol;
    const std::string_view line(text->data() + pos, end - pos);
    ++line_no;
    const std::string_view stripped = trim(line);
    if (const auto marker = marker_rest(stripped)) {
      const std::string_view rest = *marker;
      const std::size_t word_end = rest.find_first_of(" \t");
      const std::string kind = to_lower(rest.substr(0, word_end));
      const std::string_view options =
          word_end == std::string_view::npos ? std::string_view{} : rest.substr(word_end);
      std::size_t* seen = kind == "up" ? &up_line : kind == "down" ? &down_line : nullptr;
      if (seen == nullptr) {
        problems.push_back(make_problem("parse-error", path, line_no,
                                        "unknown marker '-- migrate:" + kind +
                                            "' (expected -- migrate:up or -- migrate:down)",
                                        name.version));
        current = nullptr;
      } else if (*seen != 0) {
        problems.push_back(make_problem(
            "parse-error", path, line_no,
            "duplicate '-- migrate:" + kind + "' marker (first at line " + std::to_string(*seen) + ")",
            name.version));
        current = nullptr;
      } else {
        *seen = line_no;
        current = kind == "up" ? &m.up : &m.down;
        current->present = true;
        current->file = path;
        current->first_line = line_no + 1;
        apply_marker_options(options, *current, path, line_no, name.version, problems);
      }
    } else if (current != nullptr) {
      current->sql.append(line);
      current->sql.push_back('\n');
    } else if (up_line == 0 && down_line == 0 && !is_blank_or_comment(line)) {
      problems.push_back(make_problem("parse-error", path, line_no,
                                      "SQL before the '-- migrate:up' marker", name.version));
      return std::nullopt;
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  if (up_line == 0) {
    problems.push_back(make_problem("parse-error", path, 0,
                                    "no '-- migrate:up' marker (dbmate format: '-- migrate:up' "
                                    "then the SQL, optionally '-- migrate:down')",
                                    name.version));
  } else if (trim(m.up.sql).empty()) {
    problems.push_back(
        make_problem("parse-error", path, up_line, "the up section is empty", name.version));
  }
  if (problems.size() != problems_before) return std::nullopt;
  return m;
}

std::optional<Migration> parse_repeatable(const std::string& name, const std::string& path, std::string_view content,
                                          std::vector<Problem>& problems) {
  const FileName file_name{0, "R_", name, FileKind::single};
  std::optional<Migration> m;
  const std::string normalised = normalise_line_endings(content);
  const bool marked = normalised.starts_with("-- migrate:") || normalised.find("\n-- migrate:") != std::string::npos;
  if (marked) {
    m = parse_single_file(file_name, path, content, problems);
    if (m && m->down.present && !trim(m->down.sql).empty()) {
      problems.push_back(make_problem("parse-error", path, m->down.first_line - 1,
                                      "a repeatable migration is never rolled back: remove its down section", std::nullopt));
      return std::nullopt;
    }
  } else {
    const auto text = normalised_content(file_name, path, content, problems);
    if (!text) return std::nullopt;
    m.emplace();
    m->version_text = "R_";
    m->name = name;
    m->file = path;
    m->up = Section{true, *text, 1, path, true, false};
    set_checksums(*m, *text);
  }
  if (!m) return std::nullopt;
  m->down = Section{};
  m->repeatable = true;
  return m;
}

std::optional<Migration> parse_pair(const FileName& name, const std::string& up_path,
                                    std::string_view up_content,
                                    const std::optional<std::string>& down_path,
                                    std::string_view down_content,
                                    std::vector<Problem>& problems) {
  const auto up = normalised_content(name, up_path, up_content, problems);
  if (!up) return std::nullopt;
  std::optional<std::string> down;
  if (down_path) {
    down = normalise_line_endings(down_content);
    if (!down) return std::nullopt;
  }
  Migration m;
  m.version = name.version;
  m.version_text = name.version_text;
  m.name = name.name;
  m.file = up_path;
  m.up = Section{true, *up, 1, up_path, true, false};
  // An empty or comment-only .down.sql is still a down: a rollback that changes nothing, as
  // golang-migrate runs it. Only a missing file means "cannot be rolled back".
  if (down) m.down = Section{true, *down, 1, *down_path, true, false};
  m.pair = true;
  // Both halves are one migration: a change to either is a change to it.
  set_checksums(m, *up + "\n-- strata:down-half\n" + down.value_or(""));
  m.not_utf8.reset();
  if (const auto bad = find_invalid_utf8(*up)) {
    m.not_utf8 = Migration::Place{up_path, position_of(*up, *bad)};
  } else if (const auto bad_down = down ? find_invalid_utf8(*down) : std::nullopt) {
    m.not_utf8 = Migration::Place{*down_path, position_of(*down, *bad_down)};
  }
  return m;
}

}  // namespace strata::migrate
