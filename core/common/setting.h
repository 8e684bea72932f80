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
// A command line the user is told to run at a terminal ("strata embed --collection docs") names a
// setting as the CLI spells it whichever door the text leaves through, since the user types it
// there: `command_mention(Setting::collection)` marks such a setting, and every door renders it
// through the CLI's words (set_command_words), which the CLI installs when it starts.
//
// The token is SO (0x0E), the setting's name from the table below, SI (0x0F); a command's token
// has '>' before the name. Data can hold those
// bytes too (a file name, a server's words): render() turns only a well-formed token of a known
// name into the door's words, and drops every other SO or SI byte, keeping the text between
// them, so a stray marker never becomes a flag.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // Ingest.
  files_from,
  prune,
  loader,
  id,
  glob,
  exclude,
  rechunk,
  meta,
  follow_links,
  // The store and its collections.
  store,
  writer,
  reader,
  where,
  as,
  merge,
  // API keys (strata keys).
  scope,
  rate,
  expires,
  tokens,
  // Embedding prefixes (embed/model_prefixes.h).
  query_prefix,
  document_prefix,
  // Search.
  similar,
  // Web pages (strata ingest URL).
  allow_private,
  header_env,
  // migrate lint and check on MySQL and MariaDB: the server judged for (mysql_server.h).
  server_version,
  // Vector search: the scan of every vector, never the approximate index (search/ann_cache.h).
  exact,
  // strata serve: who may reach it (serve/origin_rules.h).
  allowed_host,
  public_url,
  cors_origin,
  // strata serve: whether POST .../web may fetch and crawl (serve/api.h allow_web).
  allow_crawl,
  // A crawl's page limit (web/crawl.h CrawlOptions::max_pages).
  max_pages,
  // strata serve: background jobs one key may have queued or running (serve/jobs.h).
  max_jobs_per_key,
  // strata serve: /readyz waits for the approximate vector indexes (serve/api.h).
  ready_when_indexed,
  // migrate: the table Flyway's history is in (migrate/model/foreign_history.h).
  history_table,
  // migrate: a Sqitch project's psql variables (migrate/model/tool_layout.h ToolVariables).
  tool_variable,
  // strata serve: single sign-on, the identity provider's keys and tokens (serve/sign_on.h).
  jwks,
  jwt_issuer,
  jwt_audience,
};
// How many settings there are: the last one's value + 1 (a table of k_setting_count rows that
// misses one fails its static_assert).
inline constexpr std::size_t k_setting_count = static_cast<std::size_t>(Setting::jwt_audience) + 1;

// The setting's name in the token ("base_url"): stable, lower case, unique.
std::string_view setting_name(Setting s);
// The setting a name stands for, if it is one.
std::optional<Setting> find_setting(std::string_view name);

// The marked token for `s`, to place in a message or hint.
std::string mention(Setting s);

// The marked token for `s` inside a command line the user runs at a terminal
// ("strata embed " + command_mention(Setting::collection) + " docs").
std::string command_mention(Setting s);

// What a door writes for a mentioned setting.
using Renderer = std::function<std::string(Setting)>;

// How a command line the user runs spells a setting: the CLI's flag, which only the CLI knows
// (cli/setting_flags.h installs it). REQUIRES: called before any thread renders (at start).
using CommandWords = std::string_view (*)(Setting);
void set_command_words(CommandWords words);

// `text` with each token of a known setting replaced by `words(setting)` (a command's token by
// the installed command words, or `words` when none are installed) and every other marker byte
// (an unknown name, an unclosed or unopened token) removed.
std::string render(std::string_view text, const Renderer& words);

// `text` with every token, a command's or not, written as a command line spells the setting
// (the installed command words; the setting's name when none are installed): for a file strata
// writes into a project (migrate check's baseline), which the user reads beside a terminal.
std::string as_typed(std::string_view text);

// `text` with every mentioned setting written as its name ("timeout"): the words of a door whose
// caller sets a setting by that name (an HTTP client's request field, a model's tool argument).
std::string with_setting_names(std::string_view text);

// The settings `text` mentions, in order, each once; a command line's (command_mention) are not
// among them: they are words for the user to type, not settings the door is asked to change.
std::vector<Setting> mentions(std::string_view text);

}  // namespace strata
