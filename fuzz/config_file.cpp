// Target: the configuration file parser (strata.toml and the user file). Checks: it never throws
// anything but Error(usage); a refusal is one line naming the file with a line and column; an
// accepted file sets only known keys, each recorded as coming from this file.
#include <map>
#include <string>

#include "common/error.h"
#include "config/config.h"
#include "fuzz_util.h"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::as_text(data, size));
  const std::filesystem::path file = "/fuzz/strata.toml";
  std::map<std::string, config::Setting, std::less<>> settings;
  try {
    config::apply_file(file, text, config::Origin::project_file, settings);
  } catch (const Error& e) {
    const std::string message = e.what();
    FUZZ_CHECK(e.code() == ExitCode::usage, "refusal with exit code " + std::to_string(to_int(e.code())));
    FUZZ_CHECK(message.rfind(file.string() + ":", 0) == 0, "refusal does not name the file: " + message);
    FUZZ_CHECK(message.find('\n') == std::string::npos, "refusal of more than one line: " + message);
    return 0;
  }
  for (const auto& [name, setting] : settings) {
    bool known = false;
    for (const config::KeySpec& k : config::keys()) known |= name == std::string(k.section) + "." + std::string(k.key);
    FUZZ_CHECK(known, "unknown key accepted: " + name);
    FUZZ_CHECK(setting.origin == config::Origin::project_file, "setting without its origin: " + name);
    FUZZ_CHECK(setting.where.rfind(file.string() + ":", 0) == 0, "setting without its line: " + setting.where);
  }
  return 0;
}
