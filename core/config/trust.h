#pragma once
// The one place in core that decides what a project's own files may do: strata's trust model
// (strata-security(7)).
//
// A project's strata.toml and .env arrive with a cloned repository or a pull request: they are
// data, like its migrations and documents. A setting of theirs that would send content to a
// server, name the variable holding a secret, give the model instructions, expand the user's
// environment into SQL or name a path outside the project takes effect only in a project the
// user trusts. `strata trust DIR` records the consent in the user's own trust file
// ($XDG_CONFIG_HOME/strata/trusted.json), keyed by
// - the folder's path and identity (device, inode and birth time: a folder re-cloned or moved in
//   at the same path is another folder, as git's safe.directory and direnv's allow intend), and
// - a fingerprint of those settings: a change to one asks again (direnv's rule); a change to a
//   harmless setting (a chunk size) does not.
// Otherwise `config::load` leaves each such setting out (the user file's value or the default
// stands) and lists it in `ProjectTrust::ignored`, which the CLI reports once on stderr when a
// command reads it, naming the key, the file and the command that trusts the project.
//
// What is never a project file's, trusted or not: commands ([ingest.loaders], [mcp.servers]),
// the servers that may receive the user's keys and passwords (trust.endpoints), and secrets
// written into a file. A strata.toml owned by another user is not read at all unless its folder
// is trusted (git refuses such a repository too).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::config {

// What a guarded setting could do, in the order `strata trust` lists them.
enum class Power {
  destination,   // sends questions, sources or chunks to a server (base_url, provider, model)
  secret,        // names the variable whose value is sent as a key (*.api_key_env)
  instructions,  // becomes the model's instructions (llm.system, llm.prompt_template)
  environment,   // expands the user's environment into SQL (migrate.envsub)
  outside_path,  // a path outside the project (store.path, migrate.dir, a SQLite migrate.database)
};

// "sends your questions and documents to the server it names", ... for messages.
std::string_view describe(Power power);
// "destination", "secret", "instructions", "environment", "outside-path": for --json.
std::string_view to_string(Power power);

// The power of `name` set to `value` in a project file whose project starts at `root`, or
// nullopt when the setting is harmless there (a chunk size; `llm.provider = "none"`; a path
// inside the project). `value` is as the loader holds it: paths already resolved.
std::optional<Power> guarded_power(std::string_view name, const std::string& value, const std::filesystem::path& root);

// One project-file setting that needs consent.
struct GuardedSetting {
  std::string name;   // "llm.base_url"
  std::string value;  // as written (paths resolved)
  std::string where;  // "/p/strata.toml:3"
  Power power = Power::destination;
};

enum class TrustStatus {
  trusted,        // recorded for this folder, with these settings
  untrusted,      // never recorded
  changed,        // recorded, but a guarded setting changed since
  other_folder,   // recorded for this path, but this is another folder (re-cloned, moved in)
};
std::string_view to_string(TrustStatus status);

// The trust decision for the project seen from the working directory.
struct ProjectTrust {
  std::filesystem::path root;               // the project root (config/project_root.h)
  TrustStatus status = TrustStatus::untrusted;
  std::string fingerprint;                  // of `guarded`, when a consent is on record; else ""
  std::vector<GuardedSetting> guarded;      // every setting of the project file that needs consent
  std::vector<GuardedSetting> ignored;      // those left out: the project is not trusted
  // A strata.toml left unread because another user owns it: "/tmp/strata.toml (owner uid 1001)".
  std::string foreign_file;
  std::filesystem::path foreign_root;  // that file's folder: the project trusting it would record
  bool trusted() const { return status == TrustStatus::trusted; }
};

// One consent, as the trust file keeps it.
struct TrustRecord {
  std::string path;         // the project root, absolute
  std::string identity;     // folder_identity(path) when trusted
  std::string fingerprint;  // of the guarded settings when trusted
  std::string trusted_at;   // UTC, ISO 8601
  std::vector<std::string> settings;  // "llm.base_url = http://...", for --list
};

// How the filesystem answers the trust model's questions (injected, as config::Environment's
// read_file is, so that unit tests need no real folders). Empty functions: unknown identity,
// every file the user's own.
struct TrustProbe {
  // "device:inode:birth" of a folder; "" when it cannot be read.
  std::function<std::string(const std::filesystem::path&)> identity;
  // The owner's uid when `file` is owned by a user other than the one running strata.
  std::function<std::optional<unsigned>(const std::filesystem::path&)> foreign_owner;
};

// The real filesystem's answers (statx for the birth time, falling back to none).
TrustProbe system_trust_probe();

// The trust file in the user's config folder ("" when neither $XDG_CONFIG_HOME nor $HOME is set).
std::filesystem::path trust_file_path(const std::function<std::optional<std::string>(const std::string&)>& getenv);

// Parses the trust file's text; throws Error(usage) naming `file` when it is not one.
std::vector<TrustRecord> parse_trust_records(const std::string& text, const std::filesystem::path& file);
// The trust file's text for `records`.
std::string trust_records_text(const std::vector<TrustRecord>& records);

// SHA-256 over the guarded settings' names and values, in name order.
std::string fingerprint(const std::vector<GuardedSetting>& guarded);

// The status of the project at `root` with `fingerprint`, given the recorded consents.
TrustStatus decide(const std::vector<TrustRecord>& records, const std::filesystem::path& root,
                   const std::string& identity, const std::string& fingerprint);

// The record of the project at `root`, if any (whatever its identity or fingerprint).
const TrustRecord* find_record(const std::vector<TrustRecord>& records, const std::filesystem::path& root);

// A path the project chose (a default inside it, a project file's setting, ./.env) must lead
// nowhere outside it, also through a symbolic link planted there (`.strata -> ~/.ssh`, a
// `store.db` link to another file). Throws Error(usage) naming `what` ("the store"), the path and
// where it really leads, with `hint` (how the user chooses a path of their own).
void require_inside_project(const std::filesystem::path& path, const std::filesystem::path& root,
                            const std::string& what, const std::string& hint);

// The trust file's records (none when it does not exist). Throws Error(usage) for a bad file.
std::vector<TrustRecord> read_trust_file(const std::filesystem::path& file);

// Records the user's consent to the project `trust` describes, as it is now (its folder's
// `identity`, the fingerprint of its guarded settings, computed here), replacing an earlier record of the same path.
// The file is replaced atomically (a new file beside it, renamed), created 0600 with its folder.
// Throws Error(unavailable) when it cannot be written.
TrustRecord record_trust(const std::filesystem::path& file, const ProjectTrust& trust, const std::string& identity);

// Removes the record of `root`; false when there was none.
bool revoke_trust(const std::filesystem::path& file, const std::filesystem::path& root);

}  // namespace strata::config
