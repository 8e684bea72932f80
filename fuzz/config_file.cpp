// Target: the configuration file parser (strata.toml and the user file). Checks: it never throws
// anything but Error(usage); a refusal is one line naming the file with a line and column; an
// accepted file sets only known keys, each recorded as coming from this file. Read as the user's
// file, its [ingest.loaders] commands each name their line; read as a project's, none is taken.
#include <map>
#include <string>

#include "common/error.h"
#include "config/config.h"
#include "fuzz_util.h"

using namespace strata;

namespace {

void check(const std::string& text, config::Origin origin) {
  const std::filesystem::path file = origin == config::Origin::project_file ? "/fuzz/strata.toml" : "/fuzz/config.toml";
  std::map<std::string, config::Setting, std::less<>> settings;
  config::LoaderCommands loaders;
  try {
    config::apply_file(file, text, origin, settings, &loaders);
  } catch (const Error& e) {
    const std::string message = e.what();
    FUZZ_CHECK(e.code() == ExitCode::usage, "refusal with exit code " + std::to_string(to_int(e.code())));
    FUZZ_CHECK(message.rfind(file.string() + ":", 0) == 0, "refusal does not name the file: " + message);
    FUZZ_CHECK(message.find('\n') == std::string::npos, "refusal of more than one line: " + message);
    return;
  }
  for (const auto& [name, setting] : settings) {
    bool known = false;
    for (const config::KeySpec& k : config::keys()) known |= name == std::string(k.section) + "." + std::string(k.key);
    FUZZ_CHECK(known, "unknown key accepted: " + name);
    FUZZ_CHECK(setting.origin == origin, "setting without its origin: " + name);
    FUZZ_CHECK(setting.where.rfind(file.string() + ":", 0) == 0, "setting without its line: " + setting.where);
  }
  if (origin == config::Origin::project_file) {
    FUZZ_CHECK(loaders.commands.empty(), "a project file's [ingest.loaders] was taken");
  } else {
    FUZZ_CHECK(loaders.ignored.empty(), "the user file's [ingest.loaders] was ignored");
  }
  for (const config::LoaderCommand& l : loaders.commands) {
    FUZZ_CHECK(l.where.rfind(file.string() + ":", 0) == 0, "converter without its line: " + l.where);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::as_text(data, size));
  check(text, config::Origin::project_file);
  check(text, config::Origin::user_file);
  return 0;
}
