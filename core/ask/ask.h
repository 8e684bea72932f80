#pragma once
// `strata ask`: a question over one collection, answered from its documents with numbered,
// checked citations.
//
// The data path: retrieve (core/search, hybrid when the collection has vectors) → pack the best
// chunks into a token budget, merging neighbours (core/llm/context_pack) → prompt with the
// sources fenced as data → the model, streamed (core/llm/chat_client), or the response cache,
// or, with no model configured, the offline extractive answer (core/llm/extractive) → citations
// checked → the exchange logged and, for a complete answer, kept as a conversation turn.
//
// Printing is the caller's: the answer reaches an AskObserver piece by piece, unsanitised.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ask/agent_tool.h"
#include "ask/budget.h"
#include "embed/settings.h"
#include "llm/chat_client.h"
#include "llm/citations.h"
#include "llm/context_pack.h"
#include "net/endpoint.h"
#include "search/searcher.h"
#include "store/ask_store.h"
#include "store/store.h"
#include "tokenizer/tokenizer.h"
#include "common/setting.h"

namespace strata::ask {

enum class ProviderKind { none, openai, anthropic };
const char* to_string(ProviderKind kind);

inline constexpr const char* k_default_openai_model = "gpt-4o-mini";
inline constexpr const char* k_default_anthropic_model = "claude-3-5-haiku-latest";
inline constexpr const char* k_openai_base_url = "https://api.openai.com/v1";
inline constexpr const char* k_anthropic_base_url = "https://api.anthropic.com";

// What the user asked for on the command line (unset: not given).
// The [llm] settings as resolved from flags, the environment (STRATA_LLM_*) and the files, each
// with where it was set ("--provider", "$STRATA_LLM_PROVIDER", "/p/strata.toml:3: llm.provider"),
// for messages. Core reads no environment variable itself: the key comes through `getenv`.
struct ProviderFlags {
  std::optional<std::string> provider;  // "openai", "anthropic" or "none"
  std::string provider_source = mention(Setting::provider);
  std::optional<std::string> model;
  std::optional<std::string> base_url;
  std::string base_url_source = mention(Setting::base_url);
  std::optional<std::string> api_key_env;
  // Where api_key_env was given ("--api-key-env", "/p/strata.toml:3: llm.api_key_env"); a
  // variable named there must be set. "": the default name, which a server of one's own may
  // leave unset.
  std::string api_key_env_source;
  // Asked once, when the key is about to be read: false sends none (a project file chose the
  // server; see net/endpoint_trust.h), and the caller has said why. Default (empty): it goes.
  std::function<bool()> key_allowed;
};

// Reads an environment variable; nullopt when unset or empty.
using Getenv = net::Getenv;

struct ResolvedProvider {
  ProviderKind kind = ProviderKind::none;
  std::string model;     // "extractive" for none
  std::string base_url;  // "" for none
  std::string api_key;   // never printed or logged
  std::string api_key_env;
  // The official API of the provider (api.openai.com, api.anthropic.com) rather than a server
  // of the user's own (Ollama, llama.cpp, vLLM): decides the context window assumed below.
  bool official = false;
};

// Each setting arrives resolved (flag > STRATA_LLM_* > project file > user file); then:
// - provider: as given; else `anthropic` when the model starts with "claude", `openai` when a
//   model or base URL is given; else none: the offline answer. An API key alone in the
//   environment never selects a provider (documents are not sent anywhere unasked).
// - model: as given; else gpt-4o-mini (openai at api.openai.com), claude-3-5-haiku-latest
//   (anthropic). A base URL of the user's own needs a model name (usage error otherwise).
// - base URL: as given; else https://api.openai.com/v1 or https://api.anthropic.com.
// - API key: the variable named by --api-key-env (default OPENAI_API_KEY / ANTHROPIC_API_KEY);
//   required for the official APIs, and whenever the name was given (api_key_env_source).
// The URL and key are resolved by net::resolve_endpoint, as for embed and rerank. Throws
// Error(usage) naming the flag, variable or file line.
ResolvedProvider resolve_provider(const ProviderFlags& flags, const Getenv& env);

// The context window assumed for a model (ModelWindow: ask/budget.h).
// Official APIs: a table of known model families (longest matching prefix), else 8192.
// Any other server: 4096, the default context of Ollama and llama.cpp's server, which cut a
// longer prompt silently; --context-tokens raises it for a server run with a larger one.
ModelWindow model_window(const ResolvedProvider& provider);

struct AskRequest;

// `ask --tools`: the model may call tools (strata's own search and read_document, and those of
// the MCP servers configured in the user's file) before it answers.
struct ToolSettings {
  bool enabled = false;        // --tools; `strata chat`'s /tools on|off
  std::size_t max_steps = 4;   // --max-steps: model requests at most, the answering one included
  bool yes = false;            // --yes: run tools that ask first without asking
  // Asked before a tool that asks first runs (a TTY prompt); unset: such tools are refused
  // unless `yes`. Gets the tool's name and its arguments, a line each (ask/tool_confirm.h);
  // arguments that cannot all be shown are refused without asking.
  std::function<bool(const std::string& tool, const std::vector<std::string>& argument_lines)> confirm;
  // strata's own tools (search, read_document), made for each answer from its store, request
  // and sources (mcp/ask_own_tools.h: they share the MCP server's tool table, an area above
  // this one, so the program passes them in). Unset: none.
  std::function<std::vector<AgentTool>(store::Store&, const AskRequest&, llm::ContextPack&)> own;
  // Tools from elsewhere (the MCP servers of the user's file), offered after strata's own.
  std::vector<AgentTool> external;
};

// Text given with a question is read up to this many bytes (`echo "$ERR" | strata ask 'why?'`);
// the model's window then bounds it in tokens, with the sources.
inline constexpr std::size_t k_max_user_context_bytes = 1 << 20;
// Of a longer text, the search is given this many bytes of its start and as many of its end (an
// error's message is often the first line, a traceback's the last) after the question.
inline constexpr std::size_t k_user_context_query_bytes = 500;

struct AskRequest {
  std::string question;
  // Text the user gave with the question (ask's piped standard input), as read: the user's own
  // context. Sanitised as model output is (escape sequences, controls and invalid UTF-8 out) and
  // redacted with `redact`, it opens the user message fenced (llm::build_prompt), counts in the
  // token budget, and its start and end join the question in the search. Never a source, never
  // logged as the question. "": none. REQUIRES: at most k_max_user_context_bytes.
  std::string user_context;
  // Whether the text's words join the question in the search (piped text says what "why?" is
  // about). False for a chat client's system message ("You are a helpful assistant"): words
  // about the answer's manner, which would pull in passages about nothing asked.
  bool search_user_context = true;
  std::string collection = "default";
  std::size_t k = 20;                     // chunks retrieved before packing. Default: 20.
  std::optional<search::Mode> mode;       // Default: hybrid when the collection has vectors.
  std::vector<search::MetadataFilter> where;
  // Hybrid retrieval: the vector list's weight in the fusion (the keyword list's is 1);
  // search::default_vector_weight of the collection's model when nullopt. REQUIRES
  // 0 <= vector_weight <= 1 (else Error(usage)).
  std::optional<double> vector_weight;
  int title_cap = 0;  // the keyword ranking's title cap (search::SearchRequest::title_cap)
  std::optional<search::RerankSettings> rerank;  // --rerank: the retrieved chunks re-scored first
  embed::EmbedSettings embed;             // for a collection embedded by a server
  // The door's bounds on the retrieval (search::SearchBounds; service/profile.h): none at a
  // terminal; an HTTP client's answer falls back to keyword passages rather than wait on a hung
  // embedding server.
  search::SearchBounds retrieval_bounds;
  // The door's search (service::Session::search: the caller's reach, the door's bounds and
  // breakers), which the answer's retrieval and its own search tool run. Unset: a searcher of
  // the answer's own over its store, within retrieval_bounds.
  std::function<search::SearchResult(search::SearchRequest)> search;
  std::optional<std::size_t> context_tokens;  // Default: from the model's window (see .cpp)
  std::optional<double> temperature;
  std::optional<std::uint64_t> max_tokens;
  // --redact: the sources and the user's text are redacted before they are sent, and the
  // question, the text, the retrieval query and the answer before they are stored (offline too).
  bool redact = false;
  bool use_cache = true;    // --no-cache: false
  // Whose the exchange is: the store's rows are read back only when this key vouches for them
  // (store/ask_store.h; ask/user_state.h makes it). REQUIRES: set (secret not empty).
  store::AskPrincipal principal;
  // --no-log, `strata logs off`: nothing of the exchange is stored (no log row, no turn, no
  // cache entry) and the cache is not read either: a run that leaves no trace also takes none
  // (an answer from the cache would be logged as one). A conversation may still be continued.
  bool log = true;
  // The earlier turns of a conversation the caller keeps (chat with logging off): sent as the
  // history instead of a stored conversation's. Unset: the store's, as continue_last and
  // conversation say.
  std::optional<std::vector<store::ConversationTurn>> turns;
  bool stream = true;
  // History: continue the most recent conversation, or a given one; neither starts a new one.
  bool continue_last = false;
  std::optional<std::int64_t> conversation;
  bool context_only = false;  // stop after building the prompt: no model, nothing stored
  llm::PromptSettings prompt;  // --system, [llm] system and prompt_template
  // The model's connection. Unset: llm::ChatClientOptions' defaults (4 retries before the first
  // text; a stream silent for 120 s is given up).
  std::optional<int> max_retries;
  std::optional<std::chrono::seconds> idle_timeout;
  const std::atomic<bool>* cancel = nullptr;  // set and true: Ctrl-C (see ChatClientOptions)
  // Set by a door whose store is lent to others while the model answers (strata serve: a
  // stream shares its worker's store with that worker's other requests, and a model may take
  // minutes): release() before the answer's request to the model, reacquire() when it ends
  // (returned or thrown), both on the asking thread. The store is not used in between.
  struct StoreLoan {
    std::function<void()> release;
    std::function<void()> reacquire;
  } store_loan;
  llm::ChatClientOptions chat;  // the client's other options (tests shorten its backoff)
  ToolSettings tools;
};

struct AskResult;

class AskObserver {
 public:
  virtual ~AskObserver() = default;
  // The sources are packed; the answer is about to start. Called once, before text().
  virtual void sources(const llm::ContextPack& /*pack*/) {}
  // The next piece of the answer, unsanitised.
  virtual void text(std::string_view delta) = 0;
  virtual void retrying(const std::string& /*why*/, std::chrono::milliseconds /*wait*/) {}
  // A tool the model called has run (or was refused). Called between pieces of text.
  virtual void tool_called(const ToolCallRecord& /*call*/) {}
  // The answer is complete (or cut: result.partial) and its citations checked; the log, the
  // conversation and the cache are written right after, so result.call_id and a new
  // conversation's id are not set yet.
  virtual void answered(const AskResult& /*result*/) {}
};

struct AskTimings {
  double open_ms = 0;       // the store's tables for ask (set by the caller when it opens the store)
  double rewrite_ms = 0;    // a follow-up's standalone question from the model (0 otherwise)
  double retrieval_ms = 0;  // search, query embedding included
  double pack_ms = 0;       // packing and prompt
  double cache_ms = 0;      // cache lookup and history read
  double client_ms = 0;     // making the HTTP client: loading libcurl and its ~25 libraries
                            // the first time in a process (0 cached or offline)
  double llm_ms = 0;        // request sent to last byte (0 cached or offline)
  double first_text_ms = 0; // request sent to first text
  double answer_ms = 0;     // the offline answer
  double citations_ms = 0;
  double log_ms = 0;        // the log, history and cache write
  double total_ms = 0;
  // ask's own work: everything but retrieval, the HTTP client's loading and the model.
  double own_ms() const { return total_ms - retrieval_ms - rewrite_ms - client_ms - llm_ms; }
};

struct AskResult {
  std::string answer;
  llm::ContextPack pack;
  llm::Prompt prompt;
  std::size_t history_messages = 0;  // earlier turns sent with the question
  search::Mode mode = search::Mode::keyword;
  std::size_t retrieved = 0;         // chunks the search returned
  llm::CitationReport citations;
  ResolvedProvider provider;
  std::string model;                 // as the server named it, else as asked
  std::size_t context_budget = 0;    // tokens the sources could take
  llm::Usage usage;
  std::optional<std::string> finish_reason;
  bool cached = false;
  bool offline = false;
  bool matched = true;               // offline: some sentence shared a term with the question
  // Offline: the documents do not answer the question, and `answer` says so instead of quoting
  // them: a word of the question appears in no chunk of the collection (`absent_words`, e.g.
  // "django" asked of the PostgreSQL manual). When only no sentence of the sources shares a term
  // with it (`matched` false: a page on "rollback" for "how do I roll back"), the opening of
  // source [1] is shown, with a warning.
  bool abstained = false;
  std::vector<std::string> absent_words;
  // A follow-up in a conversation is retrieved in its context: `retrieval_query` is what the
  // search was given when not the question itself. With a model, the standalone question it
  // rewrote the follow-up into (`rewritten`; from the cache when `rewrite_cached`); offline, or
  // when that request failed (`rewrite_error`), the question twice and the earlier questions
  // once, so that their words weigh half as much.
  std::optional<std::string> retrieval_query;
  bool rewritten = false;
  bool rewrite_cached = false;
  std::string rewrite_error;
  std::string rerank_failure;  // --rerank: why the retrieval order was kept
  // --tools: the calls the model made, the model requests sent, and whether the last allowed
  // request still asked for tools (its calls were not run; `answer` is the text so far, logged
  // as partial: no answer came, and it is no conversation turn).
  std::vector<ToolCallRecord> tool_calls;
  std::size_t steps = 0;
  bool step_limit = false;
  bool partial = false;              // the stream was cut: `answer` is what arrived
  bool interrupted = false;          // partial because the user pressed Ctrl-C (ChatClientOptions::cancel)
  std::optional<llm::ChatError> error;  // why, when partial
  int attempts = 0;
  std::optional<std::int64_t> conversation_id;
  std::int64_t call_id = 0;
  // Logging was on but the exchange could not be stored (a PostgreSQL role without the ask
  // tables' grants): why, for a one-line warning; the answer stands. "" otherwise.
  std::string not_logged;
  AskTimings timings;
};

// Answers `request`. Throws Error: usage (bad settings, a prompt over the model's known window,
// no such conversation), unavailable (store, search or model failures: llm::ChatError), and
// whatever the search throws. A model call that fails before any text is logged (status error)
// before the error propagates. REQUIRES: `store` outlives the call.
AskResult ask(store::Store& store, const AskRequest& request, const ResolvedProvider& provider, AskObserver& observer);

// The cache key of a model request: sha256 of the URL and the request body, which holds the
// model, the parameters, the instructions and every message.
std::string cache_key(const llm::ChatEndpoint& endpoint, const llm::ChatRequest& request);

}  // namespace strata::ask
