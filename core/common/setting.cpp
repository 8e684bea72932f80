#include "common/setting.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <utility>

namespace strata {

namespace {

constexpr char k_open = '\x0e';   // SO: a setting's name follows
constexpr char k_close = '\x0f';  // SI: back to text
constexpr char k_command = '>';   // first in a command's token: the setting as a command line spells it

// The CLI's words for a command's setting; written once at start, read by every door after.
std::atomic<CommandWords> g_command_words{nullptr};

// In Setting's order (setting_name checks it).
constexpr std::array<std::pair<Setting, std::string_view>, k_setting_count> k_setting_names = {{
    {Setting::provider, "provider"},
    {Setting::model, "model"},
    {Setting::base_url, "base_url"},
    {Setting::api_key_env, "api_key_env"},
    {Setting::timeout, "timeout"},
    {Setting::max_tokens, "max_tokens"},
    {Setting::context_tokens, "context_tokens"},
    {Setting::dimensions, "dimensions"},
    {Setting::concurrency, "concurrency"},
    {Setting::batch_size, "batch_size"},
    {Setting::batch_tokens, "batch_tokens"},
    {Setting::max_retries, "max_retries"},
    {Setting::max_input_tokens, "max_input_tokens"},
    {Setting::switch_model, "switch_model"},
    {Setting::strict, "strict"},
    {Setting::no_stdin, "no_stdin"},
    {Setting::continue_conversation, "continue_conversation"},
    {Setting::conversation, "conversation"},
    {Setting::confirm_tools, "confirm_tools"},
    {Setting::max_steps, "max_steps"},
    {Setting::collection, "collection"},
    {Setting::mode, "mode"},
    {Setting::vector_weight, "vector_weight"},
    {Setting::text, "text"},
    {Setting::jsonl, "jsonl"},
    {Setting::strategy, "strategy"},
    {Setting::unit, "unit"},
    {Setting::tokenizer, "tokenizer"},
    {Setting::size, "size"},
    {Setting::overlap, "overlap"},
    {Setting::min_size, "min_size"},
    {Setting::separators, "separators"},
    {Setting::compat, "compat"},
    {Setting::database, "database"},
    {Setting::dir, "dir"},
    {Setting::table, "table"},
    {Setting::envsub, "envsub"},
    {Setting::wait, "wait"},
    {Setting::wait_timeout, "wait_timeout"},
    {Setting::lock_timeout, "lock_timeout"},
    {Setting::no_baseline, "no_baseline"},
    {Setting::write_baseline, "write_baseline"},
    {Setting::to, "to"},
    {Setting::atomic, "atomic"},
    {Setting::resume, "resume"},
    {Setting::allow_out_of_order, "allow_out_of_order"},
    {Setting::rename, "rename"},
    {Setting::dry_run, "dry_run"},
    {Setting::drift, "drift"},
    {Setting::roundtrip, "roundtrip"},
    {Setting::schema, "schema"},
    {Setting::files_from, "files_from"},
    {Setting::prune, "prune"},
    {Setting::loader, "loader"},
    {Setting::id, "id"},
    {Setting::glob, "glob"},
    {Setting::exclude, "exclude"},
    {Setting::rechunk, "rechunk"},
    {Setting::meta, "meta"},
    {Setting::follow_links, "follow_links"},
    {Setting::store, "store"},
    {Setting::writer, "writer"},
    {Setting::reader, "reader"},
    {Setting::where, "where"},
    {Setting::as, "as"},
    {Setting::merge, "merge"},
    {Setting::scope, "scope"},
    {Setting::rate, "rate"},
    {Setting::expires, "expires"},
    {Setting::tokens, "tokens"},
    {Setting::query_prefix, "query_prefix"},
    {Setting::document_prefix, "document_prefix"},
    {Setting::similar, "similar"},
    {Setting::allow_private, "allow_private"},
    {Setting::header_env, "header_env"},
    {Setting::server_version, "server_version"},
    {Setting::exact, "exact"},
    {Setting::allowed_host, "allowed_host"},
    {Setting::public_url, "public_url"},
    {Setting::cors_origin, "cors_origin"},
    {Setting::allow_crawl, "allow_crawl"},
    {Setting::max_pages, "max_pages"},
    {Setting::max_jobs_per_key, "max_jobs_per_key"},
    {Setting::ready_when_indexed, "ready_when_indexed"},
    {Setting::history_table, "history_table"},
    {Setting::tool_variable, "tool_variable"},
    {Setting::jwks, "jwks"},
    {Setting::jwt_issuer, "jwt_issuer"},
    {Setting::jwt_audience, "jwt_audience"},
}};

constexpr bool names_in_setting_order() {
  for (std::size_t i = 0; i < k_setting_names.size(); ++i) {
    if (static_cast<std::size_t>(k_setting_names[i].first) != i) return false;
  }
  return true;
}
static_assert(names_in_setting_order(), "k_setting_names lists every Setting, in its order");

}  // namespace

std::string_view setting_name(Setting s) { return k_setting_names[static_cast<std::size_t>(s)].second; }

std::optional<Setting> find_setting(std::string_view name) {
  for (const auto& [setting, n] : k_setting_names) {
    if (n == name) return setting;
  }
  return std::nullopt;
}

std::string mention(Setting s) {
  std::string token(1, k_open);
  token += setting_name(s);
  token += k_close;
  return token;
}

std::string command_mention(Setting s) {
  std::string token(1, k_open);
  token += k_command;
  token += setting_name(s);
  token += k_close;
  return token;
}

void set_command_words(CommandWords words) { g_command_words.store(words); }

namespace {

// Walks `text`: its plain runs go to `plain`, each well-formed token of a known setting to
// `token` (with whether it is a command's), every other marker byte is dropped.
template <class Plain, class Token>
void scan_tokens(std::string_view text, Plain&& plain, Token&& token) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t mark = text.find_first_of(std::string_view("\x0e\x0f", 2), at);
    plain(text.substr(at, mark == std::string_view::npos ? std::string_view::npos : mark - at));
    if (mark == std::string_view::npos) break;
    at = mark + 1;
    if (text[mark] == k_close) continue;  // closes nothing: dropped
    // A token is SO, a known name, SI, with no marker between; anything else loses its SO only
    // and is read on as text.
    const std::size_t end = text.find_first_of(std::string_view("\x0e\x0f", 2), at);
    if (end == std::string_view::npos || text[end] != k_close) continue;
    std::string_view name = text.substr(at, end - at);
    const bool command = name.starts_with(k_command);
    if (command) name.remove_prefix(1);
    const std::optional<Setting> s = find_setting(name);
    if (!s) continue;
    token(*s, command);
    at = end + 1;
  }
}

}  // namespace

std::string render(std::string_view text, const Renderer& words) {
  const CommandWords command_words = g_command_words.load();
  std::string out;
  out.reserve(text.size());
  scan_tokens(
      text, [&](std::string_view plain) { out.append(plain); },
      [&](Setting s, bool command) {
        if (command && command_words != nullptr) {
          out += command_words(s);
        } else {
          out += words(s);
        }
      });
  return out;
}

std::string as_typed(std::string_view text) {
  const CommandWords command_words = g_command_words.load();
  return render(text, [&](Setting s) { return std::string(command_words != nullptr ? command_words(s) : setting_name(s)); });
}

std::string with_setting_names(std::string_view text) {
  return render(text, [](Setting s) { return std::string(setting_name(s)); });
}

std::vector<Setting> mentions(std::string_view text) {
  std::vector<Setting> named;
  scan_tokens(
      text, [](std::string_view) {},
      [&](Setting s, bool command) {
        if (!command && std::find(named.begin(), named.end(), s) == named.end()) named.push_back(s);
      });
  return named;
}

}  // namespace strata
