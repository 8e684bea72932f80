#pragma once
// How core names a setting in a message without knowing the door the user came through.
//
// Core says "raise <timeout>", never "raise --timeout": a flag is the CLI's word, an argument
// MCP's, a request field an HTTP server's. `mention(Setting::timeout)` writes a marked token into
// the text; each door renders the text once, where it prints or sends it (cli/setting_flags.h
// writes "--timeout", core/mcp/tools.cpp what an agent can do instead).
//
// Why a token in the text and not a structured message: an Error's message and hint are strings
// that are caught, wrapped ("X: " + e.what()) and stored in reports on their way out, and every
// one of those paths keeps a string whole. A token survives them all, costs no new type on any
// path, and a door that forgets to render loses only the markers' bytes (control characters,
// which the CLI's printer removes from every message anyway).
//
// The token is SO (0x0E), the setting's name from the table below, SI (0x0F). Data can hold those
// bytes too (a file name, a server's words): render() turns only a well-formed token of a known
// name into the door's words, and drops every other SO or SI byte, keeping the text between
// them, so a stray marker never becomes a flag.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

// Every setting a core message may name. Append: the CLI's and MCP's tables are keyed by it.
enum class Setting : std::uint8_t {
  // The model servers (llm, embed, ask).
  provider,
  model,
  base_url,
  api_key_env,
  timeout,
  max_tokens,
  context_tokens,
  dimensions,
  concurrency,
  batch_size,
  batch_tokens,
  max_retries,
  max_input_tokens,
  switch_model,
  strict,
  // Ask and chat.
  no_stdin,
  continue_conversation,
  conversation,
  confirm_tools,
  max_steps,
  // Search and the store.
  collection,
  mode,
  vector_weight,
  text,
  jsonl,
  // Chunking.
  strategy,
  unit,
  tokenizer,
  size,
  overlap,
  min_size,
  separators,
  compat,
  // Migrate.
  database,
  dir,
  table,
  envsub,
  wait,
  wait_timeout,
  lock_timeout,
  no_baseline,
  write_baseline,
  to,
  atomic,
  resume,
  allow_out_of_order,
  rename,
  dry_run,
  drift,
  roundtrip,
  schema,
  // API keys (strata keys).
  scope,
  rate,
  expires,
};
// How many settings there are: the last one's value + 1 (a table of k_setting_count rows that
// misses one fails its static_assert).
inline constexpr std::size_t k_setting_count = static_cast<std::size_t>(Setting::expires) + 1;

// The setting's name in the token ("base_url"): stable, lower case, unique.
std::string_view setting_name(Setting s);
// The setting a name stands for, if it is one.
std::optional<Setting> find_setting(std::string_view name);

// The marked token for `s`, to place in a message or hint.
std::string mention(Setting s);

// What a door writes for a mentioned setting.
using Renderer = std::function<std::string(Setting)>;

// `text` with each token of a known setting replaced by `words(setting)` and every other marker
// byte (an unknown name, an unclosed or unopened token) removed.
std::string render(std::string_view text, const Renderer& words);

}  // namespace strata
