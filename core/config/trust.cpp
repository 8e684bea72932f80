#include "config/trust.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "migrate/engines/engine_url.h"
#include "common/error.h"
#include "common/json_limits.h"
#include "common/sha256.h"
#include "common/text.h"
#include "config/config.h"
#include "config/project_root.h"
#include "store/store.h"

namespace strata::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The built-in embedding models run in the process: naming one sends nothing anywhere.
constexpr std::array<std::string_view, 2> k_local_embed_models = {"hash-ngram-v2", "hash-ngram-v1"};

bool is_local_embed_model(const std::string& model) {
  return std::find(k_local_embed_models.begin(), k_local_embed_models.end(), model) != k_local_embed_models.end();
}

bool outside(const std::string& path, const fs::path& root) {
  if (path.empty()) return false;
  const fs::path p = fs::path(path).is_absolute() ? fs::path(path) : root / path;
  return !lexically_inside(p, root) || !really_inside(p, root);
}

// The guarded keys: what each may do, and when (a predicate on the value; null: always).
struct Guard {
  std::string_view name;
  Power power;
  bool (*applies)(const std::string& value, const fs::path& root);
};

bool always(const std::string&, const fs::path&) { return true; }
bool true_flag(const std::string& v, const fs::path&) { return v == "true"; }
bool network_llm_provider(const std::string& v, const fs::path&) { return v != "none"; }
bool network_embed_provider(const std::string& v, const fs::path&) { return v != "local"; }
bool network_embed_model(const std::string& v, const fs::path&) { return !is_local_embed_model(v); }
bool store_url(const std::string& v, const fs::path&) { return store::is_store_url(v); }
bool path_outside(const std::string& v, const fs::path& root) { return !store::is_store_url(v) && outside(v, root); }
bool database_outside(const std::string& v, const fs::path& root) {
  const auto file = migrate::database_file(v);
  return file && *file != ":memory:" && outside(*file, root);
}

constexpr Guard k_guards[] = {
    {"llm.base_url", Power::destination, always},
    {"llm.provider", Power::destination, network_llm_provider},
    {"llm.model", Power::destination, always},
    {"embed.base_url", Power::destination, always},
    {"embed.provider", Power::destination, network_embed_provider},
    {"embed.model", Power::destination, network_embed_model},
    {"rerank.base_url", Power::destination, always},
    {"llm.api_key_env", Power::secret, always},
    {"embed.api_key_env", Power::secret, always},
    {"rerank.api_key_env", Power::secret, always},
    {"llm.system", Power::instructions, always},
    {"llm.prompt_template", Power::instructions, always},
    {"migrate.envsub", Power::environment, true_flag},
    // A store on a server receives every document ingested and every question logged.
    {"store.path", Power::destination, store_url},
    {"store.url", Power::destination, always},
    {"store.path", Power::outside_path, path_outside},
    {"migrate.dir", Power::outside_path, path_outside},
    {"migrate.database", Power::outside_path, database_outside},
};

std::string birth_identity(const fs::path& dir) {
  struct statx st {};
  if (::statx(AT_FDCWD, dir.c_str(), 0, STATX_INO | STATX_BTIME, &st) != 0) return "";
  std::string id = std::to_string(::makedev(st.stx_dev_major, st.stx_dev_minor)) + ":" + std::to_string(st.stx_ino);
  // Without a birth time (some filesystems), the inode alone: a new clone still gets a new one.
  if ((st.stx_mask & STATX_BTIME) != 0) {
    id += ":" + std::to_string(st.stx_btime.tv_sec) + "." + std::to_string(st.stx_btime.tv_nsec);
  }
  return id;
}

std::optional<unsigned> other_owner(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  if (st.st_uid == ::geteuid()) return std::nullopt;
  return static_cast<unsigned>(st.st_uid);
}

[[noreturn]] void bad_file(const fs::path& file, const std::string& what) {
  throw Error(ExitCode::usage, file.string() + ": " + what,
              "it is written by 'strata trust'; remove it to start again (every project then asks again)");
}

}  // namespace

std::string_view describe(Power power) {
  switch (power) {
    case Power::destination: return "sends your questions, sources or documents to a server it chooses";
    case Power::secret: return "chooses which of your environment variables is sent as an API key";
    case Power::instructions: return "gives the model instructions of its own";
    case Power::environment: return "expands your environment variables into SQL";
    case Power::outside_path: return "names a path outside the project";
  }
  return "";
}

std::string_view to_string(Power power) {
  switch (power) {
    case Power::destination: return "destination";
    case Power::secret: return "secret";
    case Power::instructions: return "instructions";
    case Power::environment: return "environment";
    case Power::outside_path: return "outside-path";
  }
  return "";
}

std::string_view to_string(TrustStatus status) {
  switch (status) {
    case TrustStatus::trusted: return "trusted";
    case TrustStatus::untrusted: return "untrusted";
    case TrustStatus::changed: return "changed";
    case TrustStatus::other_folder: return "other-folder";
  }
  return "";
}

std::optional<Power> guarded_power(std::string_view name, const std::string& value, const fs::path& root) {
  // A key may have several guards (store.path: a server's URL, or a path outside): the first that
  // applies to the value.
  for (const Guard& g : k_guards) {
    if (g.name == name && g.applies(value, root)) return g.power;
  }
  return std::nullopt;
}

TrustProbe system_trust_probe() { return TrustProbe{birth_identity, other_owner}; }

fs::path trust_file_path(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  if (const auto xdg = getenv("XDG_CONFIG_HOME"); xdg && fs::path(*xdg).is_absolute()) {
    return fs::path(*xdg) / "strata" / "trusted.json";
  }
  if (const auto home = getenv("HOME")) return fs::path(*home) / ".config" / "strata" / "trusted.json";
  return {};
}

std::vector<TrustRecord> parse_trust_records(const std::string& text, const fs::path& file) {
  // The user's own file, but still parsed within limits: a hand-edited or truncated one must be
  // a clear error, never a crash.
  const ParsedJson parsed = parse_json_within(text);
  const json& doc = parsed.value;
  if (!parsed.ok() || !doc.is_object() || !doc.contains("projects") || !doc["projects"].is_array()) {
    bad_file(file, "not a strata trust file (a JSON object with a \"projects\" array)");
  }
  std::vector<TrustRecord> out;
  for (const json& p : doc["projects"]) {
    if (!p.is_object() || !p.contains("path") || !p["path"].is_string()) bad_file(file, "a project without a \"path\"");
    TrustRecord r;
    r.path = p["path"].get<std::string>();
    if (p.contains("identity") && p["identity"].is_string()) r.identity = p["identity"].get<std::string>();
    if (p.contains("fingerprint") && p["fingerprint"].is_string()) r.fingerprint = p["fingerprint"].get<std::string>();
    if (p.contains("trusted_at") && p["trusted_at"].is_string()) r.trusted_at = p["trusted_at"].get<std::string>();
    if (p.contains("settings") && p["settings"].is_array()) {
      for (const json& s : p["settings"]) {
        if (s.is_string()) r.settings.push_back(s.get<std::string>());
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string trust_records_text(const std::vector<TrustRecord>& records) {
  json projects = json::array();
  for (const TrustRecord& r : records) {
    projects.push_back(json{{"path", r.path},
                            {"identity", r.identity},
                            {"fingerprint", r.fingerprint},
                            {"trusted_at", r.trusted_at},
                            {"settings", r.settings}});
  }
  return json{{"version", 1}, {"projects", projects}}.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string fingerprint(const std::vector<GuardedSetting>& guarded) {
  std::vector<std::string> lines;
  lines.reserve(guarded.size());
  for (const GuardedSetting& g : guarded) lines.push_back(g.name + '\0' + g.value);
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const std::string& l : lines) all += l + '\n';
  return sha256_hex(all);
}

const TrustRecord* find_record(const std::vector<TrustRecord>& records, const fs::path& root) {
  const std::string key = root.lexically_normal().string();
  for (const TrustRecord& r : records) {
    if (r.path == key) return &r;
  }
  return nullptr;
}

TrustStatus decide(const std::vector<TrustRecord>& records, const fs::path& root, const std::string& identity,
                   const std::string& print) {
  const TrustRecord* r = find_record(records, root);
  if (r == nullptr) return TrustStatus::untrusted;
  // An unreadable identity never matches: a folder strata cannot tell apart is not the one trusted.
  if (identity.empty() || r->identity != identity) return TrustStatus::other_folder;
  if (r->fingerprint != print) return TrustStatus::changed;
  return TrustStatus::trusted;
}

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The trust file is the user's own, but its folder may be shared: replaced whole, through a new
// file made exclusively (never through a link someone planted), private to the user.
void write_records(const fs::path& file, const std::vector<TrustRecord>& records) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) throw Error(ExitCode::unavailable, file.string() + ": cannot write: " + ec.message());
  write_file_atomically(file, trust_records_text(records), 0600);
}

}  // namespace

void require_inside_project(const fs::path& path, const fs::path& root, const std::string& what,
                            const std::string& hint) {
  const fs::path abs = path.is_absolute() ? path : root / path;
  if (lexically_inside(abs, root) && really_inside(abs, root)) return;
  const auto real = resolve_links(abs);
  const std::string leads = real && *real != abs.lexically_normal() ? " (it leads to " + real->string() + ")" : "";
  throw Error(ExitCode::usage, what + " " + path.lexically_normal().string() + " is outside the project " + root.string() + leads, hint);
}

std::vector<TrustRecord> read_trust_file(const fs::path& file) {
  const std::optional<std::string> text = read_settings_file(file);
  return text ? parse_trust_records(*text, file) : std::vector<TrustRecord>{};
}

TrustRecord record_trust(const fs::path& file, const ProjectTrust& trust, const std::string& identity) {
  std::vector<TrustRecord> records = read_trust_file(file);
  TrustRecord r{trust.root.lexically_normal().string(), identity, fingerprint(trust.guarded), utc_now(), {}};
  for (const GuardedSetting& g : trust.guarded) r.settings.push_back(g.name + " = " + g.value);
  std::erase_if(records, [&](const TrustRecord& old) { return old.path == r.path; });
  records.push_back(r);
  write_records(file, records);
  return r;
}

bool revoke_trust(const fs::path& file, const fs::path& root) {
  std::vector<TrustRecord> records = read_trust_file(file);
  const std::string key = root.lexically_normal().string();
  if (std::erase_if(records, [&](const TrustRecord& r) { return r.path == key; }) == 0) return false;
  write_records(file, records);
  return true;
}

}  // namespace strata::config
