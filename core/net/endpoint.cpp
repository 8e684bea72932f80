#include "net/endpoint.h"

#include <algorithm>

#include "common/error.h"
#include "net/api_key.h"
#include "net/endpoint_trust.h"
#include "net/url_secrets.h"

namespace strata::net {
namespace {

[[noreturn]] void refuse(std::string message, std::string hint = {}) {
  throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

void require_http_url(const EndpointSettings& s, const std::string& url) {
  if (url.starts_with("http://") || url.starts_with("https://")) return;
  const std::string source = s.base_url_source.empty() ? "the base URL" : s.base_url_source;
  refuse(source + " must start with http:// or https:// (got '" + redact_url(url) + "')",
         "for example " + mention(Setting::base_url) + " " + s.example_url);
}

}  // namespace

bool valid_variable_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Endpoint resolve_endpoint(const EndpointSettings& s, const Getenv& getenv) {
  Endpoint e;
  e.base_url = s.base_url.empty() ? s.default_base_url : s.base_url;
  require_http_url(s, e.base_url);
  e.official = official_endpoint(e.base_url);
  if (s.api_key_env.empty()) return e;
  if (!valid_variable_name(s.api_key_env)) {
    // Never repeat the value: it may be a key pasted where its variable's name belongs.
    refuse((s.api_key_env_source.empty() ? s.api_key_env_flag : s.api_key_env_source) +
               " takes the name of an environment variable (letters, digits and '_'), not a key",
           "keys are read from the environment only, e.g. " + s.api_key_env_flag + " MY_KEY with MY_KEY=... set");
  }
  if (s.key_allowed && !s.key_allowed()) {
    e.key_withheld = true;  // nothing is read, so no variable is named in hints
    return e;
  }
  e.api_key_env = s.api_key_env;
  e.api_key = getenv ? getenv(s.api_key_env).value_or("") : "";
  require_header_safe_key(s.api_key_env, e.api_key);
  if (e.api_key.empty() && !s.api_key_env_source.empty()) {
    refuse(s.api_key_env_source + " names " + s.api_key_env + ", but $" + s.api_key_env + " is not set (or is empty)",
           "export " + s.api_key_env + "=...; for a server that needs no key, name no variable");
  }
  if (e.api_key.empty() && e.official && s.official_needs_key) {
    refuse("no API key for " + redact_url(e.base_url) + ": $" + s.api_key_env + " is not set",
           "export " + s.api_key_env + "=..." + (s.keyless_hint.empty() ? "" : ", or " + s.keyless_hint));
  }
  return e;
}

}  // namespace strata::net
