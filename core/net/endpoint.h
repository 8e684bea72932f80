#pragma once
// One API server and its key, resolved the same way for every client of an HTTP API (embed, ask,
// rerank, and the providers to come): the URL's scheme, the key variable's name, whether a key may
// go to that server at all (endpoint_trust.h), the key read from the environment, and the
// messages when any of it is wrong. Each value arrives with where it was set ("--base-url",
// "env OPENAI_BASE_URL", "/p/strata.toml:3"), so that a message traces a bad value to its source.
//
// The environment comes in as a function: core reads no process state of its own.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/setting.h"

namespace strata::net {

// Reads an environment variable; nullopt when unset or empty.
using Getenv = std::function<std::optional<std::string>(std::string_view name)>;

struct EndpointSettings {
  std::string base_url;           // "": default_base_url
  std::string base_url_source;    // where base_url was set; "" when it is the default
  std::string default_base_url;   // the provider's own API
  std::string api_key_env;        // the key's variable; "": no key is read
  // Where api_key_env was named ("--api-key-env", "/p/strata.toml:3: llm.api_key_env"): a variable
  // named there must be set. "": the default name, which a server of one's own may leave unset.
  std::string api_key_env_source;
  std::string api_key_env_flag = mention(Setting::api_key_env);  // how the user names another variable, for messages
  // Asked once, just before the key is read: false sends none (a project file chose the server),
  // and the caller has said why. Default (empty): the key goes.
  std::function<bool()> key_allowed;
  // The provider's own API refuses requests without a key: a missing one is an error up front.
  // When false (a reranker, say), a key is optional everywhere.
  bool official_needs_key = true;
  std::string example_url = "http://localhost:11434/v1";  // shown when the URL is malformed
  std::string keyless_hint;  // how to go without the server, added to the missing-key message
};

struct Endpoint {
  std::string base_url;     // without trailing slashes removed: as given
  std::string api_key;      // never printed or logged
  std::string api_key_env;  // the variable the key came from; "" when none was read
  bool official = false;    // the provider's own API (official_endpoint)
  bool key_withheld = false;  // key_allowed said no
};

// Throws Error(usage) for: a URL that is not http(s) (named by its source, the password masked);
// a variable name that is not one (the value never repeated: it may be a key pasted in the wrong
// place); a key with a control character; a variable named explicitly but unset; and no key for
// the provider's own API when official_needs_key. An empty `getenv` is an empty environment.
Endpoint resolve_endpoint(const EndpointSettings& settings, const Getenv& getenv);

// Letters, digits and '_', not starting with a digit: what an *_env setting or --api-key-env takes.
bool valid_variable_name(std::string_view name);

}  // namespace strata::net
