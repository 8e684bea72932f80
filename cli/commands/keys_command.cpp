#include "keys_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auth/public.h"
#include "common/public.h"
#include "interface_spec.h"
#include "option_bundles.h"
#include "output.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

using nlohmann::json;

struct KeysOptions {
  StoreOptions store;
  std::string name;
  std::string scope = "read";
  std::vector<std::string> collections;
  std::string rate;     // "N/min"; empty: no limit
  std::string tokens;   // "N/min" of a model's tokens; empty: no limit
  std::string expires;  // a duration; empty: never
  OutputOptions out;    // out.color: the run's (RunContext)
};

json or_null(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json or_null(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::string key_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

int create_key(const KeysOptions& o) {
  auth::KeyRequest request;
  request.name = o.name;
  request.scope = auth::parse_scope(o.scope);
  request.collections = o.collections;
  if (!o.rate.empty()) request.rate_per_minute = auth::parse_rate_per_minute(o.rate);
  if (!o.tokens.empty()) request.tokens_per_minute = auth::parse_tokens_per_minute(o.tokens);
  if (!o.expires.empty()) request.expires_in = auth::parse_duration(o.expires, Setting::expires);
  // Checked before the store is opened (or made): a bad name is a usage error, not a store's.
  store::validate_key_name(request.name);
  for (const std::string& c : request.collections) store::validate_collection_name(c);
  const std::unique_ptr<service::Session> session = open_session(o.store, service::Session::Access::create);
  store::Store& st = session->store();
  const auth::CreatedKey made = auth::create_key(st, request);
  const auth::Key& k = made.key;
  if (o.out.json) {
    write_out(key_line(json{{"name", k.name},
                          {"key", made.secret},
                          {"scope", store::to_string(k.scope)},
                          {"collections", k.collections},
                          {"rate_per_minute", or_null(k.rate_per_minute)},
                          {"tokens_per_minute", or_null(k.tokens_per_minute)},
                          {"expires_at", or_null(k.expires_at)}}));
  } else {
    write_out(made.secret + "\n");
  }
  print_note("created key '" + k.name + "' (" + store::to_string(k.scope) + "): its secret is printed once and cannot be shown again", o.out);
  return 0;
}

std::string collections_text(const auth::Key& k) {
  if (k.collections.empty()) return "all";
  std::string out;
  for (const std::string& c : k.collections) out += (out.empty() ? "" : ",") + c;
  return out;
}

int list_keys(const KeysOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  store::Store& st = session->store();
  const std::vector<auth::Key> keys = auth::list_keys(st);
  if (o.out.json) {
    std::string out;
    for (const auth::Key& k : keys) {
      out += key_line(json{{"name", k.name},
                         {"scope", store::to_string(k.scope)},
                         {"collections", k.collections},
                         {"rate_per_minute", or_null(k.rate_per_minute)},
                         {"tokens_per_minute", or_null(k.tokens_per_minute)},
                         {"created_at", k.created_at},
                         {"expires_at", or_null(k.expires_at)},
                         {"revoked_at", or_null(k.revoked_at)},
                         {"last_used_at", or_null(k.last_used_at)}});
    }
    write_out(out);
    return 0;
  }
  if (keys.empty()) {
    print_note("no keys yet: strata keys create NAME", o.out);
    return 0;
  }
  Table table({"NAME", "SCOPE", "COLLECTIONS", "RATE", "TOKENS", "CREATED", "EXPIRES", "REVOKED", "LAST USED"});
  const auto or_dash = [](const std::optional<std::string>& v) { return v ? *v : std::string("-"); };
  for (const auth::Key& k : keys) {
    const Tone tone = k.revoked_at ? Tone::dim : Tone::plain;
    table.add({k.name, store::to_string(k.scope), collections_text(k),
               k.rate_per_minute ? std::to_string(*k.rate_per_minute) + "/min" : "-",
               k.tokens_per_minute ? std::to_string(*k.tokens_per_minute) + "/min" : "-", k.created_at, or_dash(k.expires_at),
               or_dash(k.revoked_at), or_dash(k.last_used_at)},
              std::vector<Tone>(9, tone));
  }
  table.print(std::cout, color_enabled(o.out.color, STDOUT_FILENO));
  std::cout << std::flush;
  return 0;
}

int revoke_key(const KeysOptions& o) {
  store::validate_key_name(o.name);
  const std::unique_ptr<service::Session> session = open_session(o.store);
  store::Store& st = session->store();
  const auth::Key k = auth::revoke_key(st, o.name);
  if (o.out.json) write_out(key_line(json{{"name", k.name}, {"revoked_at", or_null(k.revoked_at)}}));
  print_note("revoked key '" + k.name + "' (at " + k.revoked_at.value_or("") + "): it is refused from now on", o.out);
  return 0;
}

}  // namespace

Run setup_keys(CLI::App& cmd) {
  auto o = std::make_shared<KeysOptions>();
  cmd.require_subcommand(1, 1);
  add_color_option(cmd);  // as every command: `strata keys --color never list`
  cmd.footer(
      "Examples:\n"
      "  strata keys create web\n"
      "  strata keys list\n"
      "  strata keys revoke ci-bot");

  CLI::App* create = cmd.add_subcommand("create", "Make a key and print its secret, once (only its hash is stored)");
  create->add_option("NAME", o->name, "The key's name: letters, digits, '.', '_' or '-' (unique in the store)")->required();
  set_choices(create->add_option("--scope", o->scope,
                                 "read (search, ask, read), write (also ingest and remove) or admin (also keys and "
                                 "metrics) (default: read)")
                  ->type_name("SCOPE"),
              {"read", "write", "admin"});
  create->add_option("--collection", o->collections, "A collection the key may use (repeatable; none given: all)")
      ->type_name("NAME");
  create->add_option("--rate", o->rate, "At most N requests per minute (N/min; default: no limit)")->type_name("N/min");
  create->add_option("--tokens", o->tokens,
                     "At most N of the upstream model's tokens per minute, prompt and answer, in chat completions "
                     "(N/min; default: no limit)")
      ->type_name("N/min");
  create->add_option("--expires", o->expires, "Expire after DURATION: 90m, 12h, 30d, 2w (default: never)")
      ->type_name("DURATION");
  add_store_option(*create, o->store);
  add_output_options(*create, o->out,
                     {"One JSON object: name, key (the secret), scope, collections, rate_per_minute, tokens_per_minute, expires_at",
                      "No note on stderr"});
  create->footer(
      "Examples:\n"
      "  strata keys create reader\n"
      "  strata keys create app --scope write --collection docs --collection faq --rate 120/min --expires 30d\n"
      "  strata keys create chat-ui --tokens 40000/min\n"
      "  strata keys create ops --scope admin --json | jq -r .key\n"
      "Exit: 0 created, 2 usage, 3 a key of that name exists, 7 store unavailable or not its owner");

  CLI::App* list = cmd.add_subcommand("list", "List the keys: name, scope, collections, rate, times (never a secret)");
  add_store_option(*list, o->store);
  add_output_options(*list, o->out, {"JSON Lines: one object per key", "No note on stderr when there is no key"});
  list->footer("Examples:\n  strata keys list\n  strata keys list --json | jq -r .name\nExit: 0 listed, 2 usage, 7 no store");

  CLI::App* revoke = cmd.add_subcommand("revoke", "Revoke a key: it is refused from then on (its name stays taken)");
  revoke->add_option("NAME", o->name, "The key to revoke")->required();
  add_store_option(*revoke, o->store);
  add_output_options(*revoke, o->out, {"One JSON object: name, revoked_at", "No note on stderr"});
  revoke->footer("Examples:\n  strata keys revoke ci-bot\n  strata keys revoke ci-bot --json\nExit: 0 revoked, 2 usage, 3 no key of that name, 7 no store");

  return [o, create, revoke](const RunContext& context) {
    o->out.color = context.color;
    if (create->parsed()) return create_key(*o);
    if (revoke->parsed()) return revoke_key(*o);
    return list_keys(*o);
  };
}

}  // namespace strata::cli
