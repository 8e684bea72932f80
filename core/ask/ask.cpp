#include "ask/ask.h"

#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "ask/evidence_pool.h"
#include "ask/named_entries.h"
#include "ask/tool_loop.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/trace.h"
#include "common/utf8.h"
#include "llm/citations.h"
#include "llm/extractive.h"
#include "llm/redact.h"
#include "llm/sanitize.h"
#include "net/endpoint_trust.h"
#include "net/url_secrets.h"
#include "store/ask_store.h"
#include "tokenizer/tokenizer.h"
#include "common/setting.h"

namespace strata::ask {
namespace {

using Clock = std::chrono::steady_clock;


// Known context windows, by model-name prefix (the longest match wins, so "gpt-4o-mini-2024-07-18"
// finds gpt-4o-mini and plain "gpt-4" does not shadow it). Conservative where a family varies.
struct KnownModel {
  std::string_view prefix;
  std::size_t window;
  tokenizer::Encoding encoding;
};
constexpr auto k_o200k = tokenizer::Encoding::o200k_base;
constexpr auto k_cl100k = tokenizer::Encoding::cl100k_base;
constexpr std::array<KnownModel, 14> k_known_models = {{
    {"gpt-5", 400'000, k_o200k},
    {"gpt-4.1", 1'047'576, k_o200k},
    {"gpt-4o", 128'000, k_o200k},
    {"gpt-4-turbo", 128'000, k_cl100k},
    {"gpt-4", 8'192, k_cl100k},
    {"gpt-3.5-turbo", 16'385, k_cl100k},
    {"o1", 200'000, k_o200k},
    {"o3", 200'000, k_o200k},
    {"o4-mini", 200'000, k_o200k},
    {"chatgpt-4o", 128'000, k_o200k},
    // Anthropic's tokenizer is not public; cl100k counts within a few per cent of it on prose,
    // and the window is large enough for that not to matter.
    {"claude-", 200'000, k_cl100k},
    {"claude-2", 100'000, k_cl100k},
    {"claude-instant", 100'000, k_cl100k},
    {"claude-3", 200'000, k_cl100k},
}};

constexpr std::size_t k_unknown_official_window = 8'192;
constexpr std::size_t k_own_server_window = 4'096;

class ForwardingObserver final : public llm::ChatObserver {
 public:
  explicit ForwardingObserver(AskObserver& to) : to_(to) {}
  void text(std::string_view delta) override { to_.text(delta); }
  void retrying(const std::string& why, std::chrono::milliseconds wait) override { to_.retrying(why, wait); }

 private:
  AskObserver& to_;
};

// The client's options with the request's own connection settings applied.
llm::ChatClientOptions chat_options(const AskRequest& request) {
  llm::ChatClientOptions options = request.chat;
  if (request.max_retries) options.retry.max_retries = *request.max_retries;
  if (request.idle_timeout) options.idle_timeout = *request.idle_timeout;
  if (request.cancel) options.cancel = request.cancel;
  return options;
}

llm::ChatEndpoint endpoint_of(const ResolvedProvider& provider) {
  return {provider.kind == ProviderKind::anthropic ? llm::Provider::anthropic : llm::Provider::openai, provider.base_url,
          provider.api_key, provider.api_key_env};
}

std::vector<std::int64_t> chunk_ids_of(const llm::ContextPack& pack) {
  std::vector<std::int64_t> ids;
  for (const llm::Source& s : pack.sources) ids.insert(ids.end(), s.chunk_ids.begin(), s.chunk_ids.end());
  return ids;
}

std::optional<std::int64_t> as_count(const std::optional<std::uint64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::optional<std::uint64_t> as_usage(const std::optional<std::int64_t>& v) {
  if (!v || *v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

}  // namespace

const char* to_string(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::none:
      return "none";
    case ProviderKind::openai:
      return "openai";
    case ProviderKind::anthropic:
      return "anthropic";
  }
  return "none";
}

ResolvedProvider resolve_provider(const ProviderFlags& flags, const Getenv& env) {
  const auto given = [](const std::optional<std::string>& v) { return v && !v->empty() ? v : std::nullopt; };
  const std::optional<std::string> provider = given(flags.provider);
  const std::optional<std::string> model = given(flags.model);
  const std::optional<std::string> base_url = given(flags.base_url);

  ResolvedProvider r;
  if (provider) {
    const std::string p = to_lower(*provider);
    if (p == "openai") {
      r.kind = ProviderKind::openai;
    } else if (p == "anthropic") {
      r.kind = ProviderKind::anthropic;
    } else if (p == "none" || p == "offline") {
      r.kind = ProviderKind::none;
    } else {
      usage(flags.provider_source + ": unknown provider '" + *provider + "'",
            "use openai (any /v1/chat/completions server), anthropic, or none (the offline answer)");
    }
  } else if (model && to_lower(*model).starts_with("claude")) {
    r.kind = ProviderKind::anthropic;
  } else if (model || base_url) {
    r.kind = ProviderKind::openai;
  }
  if (r.kind == ProviderKind::none) {
    r.model = "extractive";
    return r;
  }

  const bool anthropic = r.kind == ProviderKind::anthropic;
  net::EndpointSettings e;
  e.base_url = base_url.value_or("");
  e.base_url_source = flags.base_url_source;
  e.default_base_url = anthropic ? k_anthropic_base_url : k_openai_base_url;
  e.api_key_env = flags.api_key_env && !flags.api_key_env->empty() ? *flags.api_key_env
                                                                    : (anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
  e.api_key_env_source = flags.api_key_env_source;
  e.key_allowed = flags.key_allowed;
  e.keyless_hint = "ask without a model (no " + mention(Setting::model) + "/" + mention(Setting::provider) + ") for the offline answer";
  // The URL and the model first: a server of one's own without a model is refused before any key
  // is looked at.
  const std::string url = e.base_url.empty() ? e.default_base_url : e.base_url;
  r.official = net::official_endpoint(url);
  if (model) {
    r.model = *model;
  } else if (anthropic) {
    r.model = k_default_anthropic_model;
  } else if (r.official) {
    r.model = k_default_openai_model;
  } else if (url.starts_with("http://") || url.starts_with("https://")) {
    usage(mention(Setting::model) + " is required with a server of your own (" + net::redact_url(url) + ")",
          "name a model the server has, e.g. " + mention(Setting::model) + " llama3.2 for Ollama");
  }
  const net::Endpoint endpoint = net::resolve_endpoint(e, env);
  r.base_url = endpoint.base_url;
  r.api_key = endpoint.api_key;
  r.api_key_env = endpoint.api_key_env;
  return r;
}

ModelWindow model_window(const ResolvedProvider& provider) {
  ModelWindow w;
  if (provider.kind == ProviderKind::none) {
    w.tokens = 0;
    return w;
  }
  const std::string model = to_lower(provider.model);
  const KnownModel* best = nullptr;
  for (const KnownModel& k : k_known_models) {
    if (model.starts_with(k.prefix) && (best == nullptr || k.prefix.size() > best->prefix.size())) best = &k;
  }
  if (best != nullptr) w.encoding = best->encoding;
  if (!provider.official) {
    w.tokens = k_own_server_window;
    return w;
  }
  w.known = best != nullptr;
  w.tokens = best != nullptr ? best->window : k_unknown_official_window;
  return w;
}

std::string cache_key(const llm::ChatEndpoint& endpoint, const llm::ChatRequest& request) {
  // A streamed and a whole answer are the same answer.
  llm::ChatRequest keyed = request;
  keyed.stream = true;
  const llm::Provider p = endpoint.provider;
  return sha256_hex(llm::chat_url(endpoint) + "\n" + llm::chat_request_body(p, keyed));
}

namespace {

// Earlier turns quoted in the rewrite request: each cut to this many bytes (on a character
// boundary), the last this many turns only. The rewrite needs the topic, not every word.
constexpr std::size_t k_rewrite_turn_bytes = 1500;
constexpr std::size_t k_rewrite_turns = 6;

std::string cut_utf8(const std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  return text.substr(0, utf8_boundary_before(text, bytes)) + "\u2026";
}

// Offline (or when the model's rewrite failed): the follow-up twice, then the earlier questions
// once, so that keyword search (which counts a repeated word, BM25's query term frequency) and the
// embedder weigh the earlier questions' words half as much as the follow-up's.
std::string with_earlier_questions(const std::string& question, const std::vector<llm::ChatMessage>& history) {
  std::string query = question + "\n" + question;
  std::size_t taken = 0;
  for (auto it = history.rbegin(); it != history.rend() && taken < 2; ++it) {
    if (it->role != llm::ChatMessage::Role::user) continue;
    query = query + "\n" + cut_utf8(it->content, k_rewrite_turn_bytes);
    ++taken;
  }
  return query;
}

struct Rewrite {
  std::string question;
  bool cached = false;
  std::string key;
  store::CachedAnswer value;
};

class Silent final : public llm::ChatObserver {
 public:
  void text(std::string_view) override {}
};

// The request that turns the follow-up into a standalone question: the last turns, each cut
// short, and the follow-up.
llm::ChatRequest rewrite_request(const AskRequest& request, const ResolvedProvider& provider,
                                 const std::vector<llm::ChatMessage>& history) {
  llm::ChatRequest chat;
  chat.model = provider.model;
  chat.system =
      "You turn the last message of a conversation about the user's documents into a standalone "
      "question for searching those documents: resolve pronouns and references from the earlier "
      "turns, keep the user's terms, add nothing else. Reply with the question alone, on one line.";
  const std::size_t first = history.size() > 2 * k_rewrite_turns ? history.size() - 2 * k_rewrite_turns : 0;
  std::string transcript;
  for (std::size_t i = first; i < history.size(); ++i) {
    transcript += (history[i].role == llm::ChatMessage::Role::user ? "User: " : "Assistant: ") +
                  cut_utf8(history[i].content, k_rewrite_turn_bytes) + "\n\n";
  }
  chat.messages.push_back(llm::ChatMessage{llm::ChatMessage::Role::user,
                                           "Conversation:\n\n" + transcript + "Last message: " + request.question +
                                               "\n\nStandalone question:"});
  chat.temperature = 0.0;
  chat.max_tokens = 200;
  chat.stream = false;
  return chat;
}

// With a model: the standard step of conversational retrieval, one request that turns the
// follow-up into a standalone question, answered from the cache when asked before. Throws
// llm::ChatError when the request fails or the model gives no question.
Rewrite rewrite_follow_up(const AskRequest& request, const ResolvedProvider& provider,
                          const std::vector<llm::ChatMessage>& history, store::AskStore& tables) {
  const llm::ChatEndpoint endpoint = endpoint_of(provider);
  const llm::ChatRequest chat = rewrite_request(request, provider, history);
  Rewrite r;
  r.key = cache_key(endpoint, chat);
  std::string text;
  if (request.use_cache && request.log && tables.access().read) {
    if (const std::optional<store::CachedAnswer> hit = tables.cached_answer(r.key)) {
      r.cached = true;
      text = hit->answer;
    }
  }
  if (!r.cached) {
    llm::ChatClient client(endpoint, chat_options(request));
    Silent silent;
    const llm::ChatResult reply = client.complete(chat, silent);
    if (reply.partial) throw reply.error.value_or(llm::ChatError(llm::ChatErrorKind::malformed, ExitCode::unavailable, "the rewrite was cut short"));
    text = reply.text;
    r.value = store::CachedAnswer{reply.text, reply.model.empty() ? provider.model : reply.model, reply.finish_reason,
                                  as_count(reply.usage.input_tokens), as_count(reply.usage.output_tokens)};
  }
  // The first line, trimmed: a model may add a blank line or an explanation after it.
  const std::string_view rest = trim(text);
  if (rest.empty()) throw llm::ChatError(llm::ChatErrorKind::malformed, ExitCode::unavailable, "the model gave no standalone question");
  r.question = cut_utf8(std::string(trim(rest.substr(0, rest.find('\n')))), k_rewrite_turn_bytes);
  return r;
}

// The offline answer's abstention: why the documents do not answer, in one sentence.
std::string abstention(const std::vector<std::string>& absent_words) {
  std::string words;
  for (std::size_t i = 0; i < absent_words.size(); ++i) {
    words += (i == 0 ? "" : i + 1 == absent_words.size() ? " or " : ", ") + ("\u201c" + absent_words[i] + "\u201d");
  }
  return "The documents do not answer this: they never mention " + words + ".";
}

// Adds the time from its construction to the end of its scope to `ms`, also when the stage
// throws: each stage is timed by its caller, not by the stage itself.
class StageTimer {
 public:
  explicit StageTimer(double& ms) : ms_(ms), start_(Clock::now()) {}
  ~StageTimer() { ms_ += ms_since(start_); }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  double& ms_;
  Clock::time_point start_;
};

// Runs `stage` and adds its time to `ms`.
template <typename Stage>
auto timed(double& ms, Stage&& stage) {
  const StageTimer timer(ms);
  return stage();
}

// The same, as a span of the request's trace named `name` (common/trace.h), current while it runs.
template <typename Stage>
auto timed(double& ms, const char* name, Stage&& stage) {
  trace::Stage span(name);
  const StageTimer timer(ms);
  return stage();
}

void check_template(const llm::PromptSettings& prompt) {
  if (prompt.user_template.empty()) return;
  const std::string why = llm::check_prompt_template(prompt.user_template);
  if (!why.empty()) usage("the prompt template: " + why);
}

// The conversation continued, if any, and its earlier turns as messages.
struct History {
  std::optional<std::int64_t> conversation;
  std::vector<llm::ChatMessage> messages;
};

void add_turns(const std::vector<store::ConversationTurn>& turns, History& h) {
  for (const store::ConversationTurn& turn : turns) {
    const bool answer = turn.role == store::ConversationTurn::Role::assistant;
    // An earlier answer's [1] named a source of its own turn; sent again beside this turn's
    // sources it would name another.
    h.messages.push_back(llm::ChatMessage{answer ? llm::ChatMessage::Role::assistant : llm::ChatMessage::Role::user,
                                          answer ? llm::without_citations(turn.content) : turn.content});
  }
}

// Stage 1. Read first: a wrong conversation id should fail before any search or model call.
// Only the user's own verified turns are history: a conversation another wrote (a store from
// a repository, a row the server's owner planted) never speaks to the model as the user's.
History read_history(store::AskStore& tables, const AskRequest& request) {
  History h;
  h.conversation = request.conversation;
  if (request.turns) {
    add_turns(*request.turns, h);
    return h;
  }
  if (request.continue_last && !h.conversation) {
    h.conversation = tables.last_conversation();
    if (!h.conversation) usage("there is no conversation of yours to continue", "ask a question without " + mention(Setting::continue_conversation) + " first");
  }
  if (!h.conversation) return h;
  std::optional<store::Conversation> c = tables.conversation(*h.conversation);
  if (!c) usage("there is no conversation " + std::to_string(*h.conversation) + " of yours", "'strata logs' lists them");
  if (!c->verified) {
    usage("conversation " + std::to_string(*h.conversation) + " is not continued: its turns do not verify with your key",
          "strata continues only conversations it recorded for you; ask without " + mention(Setting::conversation) + " to start one");
  }
  add_turns(c->turns, h);
  return h;
}

// A model's standalone question, to cache with the exchange when it was not cached already.
struct RewriteToCache {
  std::string key;
  std::optional<store::CachedAnswer> value;
};

// Stage 2, for a follow-up: what to search for in the conversation's context (the result's
// retrieval_query, rewritten, rewrite_cached and rewrite_error).
RewriteToCache follow_up_query(const AskRequest& request, const ResolvedProvider& provider,
                               const std::vector<llm::ChatMessage>& history, store::AskStore& tables, AskResult& result) {
  RewriteToCache to_cache;
  if (!result.offline) {
    try {
      const Rewrite r = rewrite_follow_up(request, provider, history, tables);
      result.retrieval_query = r.question;
      result.rewritten = true;
      result.rewrite_cached = r.cached;
      to_cache.key = r.key;
      if (!r.cached) to_cache.value = r.value;
    } catch (const llm::ChatError& e) {
      // A key, model or URL the server refuses fails the answer's request too: say so now.
      // A server that is busy or answers oddly costs only the rewrite.
      if (!e.retryable() && e.kind() != llm::ChatErrorKind::malformed) throw;
      result.rewrite_error = e.what();
    }
  }
  if (!result.rewritten) result.retrieval_query = with_earlier_questions(request.question, history);
  return to_cache;
}

// Stage 3.
search::SearchRequest retrieval_request(const AskRequest& request, const std::string& query) {
  search::SearchRequest sr;
  sr.query = query;
  sr.collection = request.collection;
  sr.mode = request.mode;
  sr.k = request.k;
  sr.where = request.where;
  sr.vector_weight = request.vector_weight;
  sr.title_cap = request.title_cap;
  sr.rerank = request.rerank;
  sr.embed = request.embed;
  search::apply_bounds(sr, request.retrieval_bounds);
  return sr;
}

search::SearchResult run_search(store::Store& store, const AskRequest& request, search::SearchRequest sr) {
  if (request.search) return request.search(std::move(sr));
  return search::Searcher(store).search(sr);
}

// The hits an answer is packed from: retrieval's; offline, from a deeper pool, with the passages
// the answer's own evidence prefers (evidence_pool.h), then the entries of the names the
// question gives, put first (named_entries.h).
std::vector<search::SearchHit> retrieve(store::Store& store, const AskRequest& request, const std::string& query,
                                        bool offline, AskResult& result) {
  search::SearchRequest sr = retrieval_request(request, query);
  if (offline) sr.k = std::max(request.k, k_offline_pool);
  search::SearchResult found = run_search(store, request, sr);
  result.rerank_failure = found.rerank_failure;
  result.mode = found.mode;
  if (!offline) return std::move(found.hits);
  sr.k = request.k;
  // The named entries come after the evidence's choice, so that an entry the pool holds below
  // what is packed is still found by its name's own search and put first.
  std::vector<search::SearchHit> hits = by_evidence(query, found.hits, request.k);
  return with_named_entries(request.question, std::move(hits), sr,
                            [&](search::SearchRequest r) { return run_search(store, request, std::move(r)); });
}

// The user's own text as the model is given it: what a terminal would show of it (no escape
// sequences or controls, invalid UTF-8 replaced), trailing blank lines dropped, redacted when
// asked. "" when there is none or only blanks.
std::string user_context_of(const AskRequest& request) {
  std::string text = llm::sanitize_for_terminal(request.user_context);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
  if (trim(text).empty()) return "";
  // Offline too: nothing is sent, but the text reaches the log through the retrieval query.
  if (request.redact) text = llm::redact(text).text;
  return text;
}

// What the search is given when text came with the question: the question, then the text (its
// first and last k_user_context_query_bytes when longer), whose words say what "why?" is about.
std::string with_user_context(const std::string& query, const std::string& context) {
  if (context.empty()) return query;
  if (context.size() <= 2 * k_user_context_query_bytes) return query + "\n" + context;
  const std::size_t head = utf8_boundary_before(context, k_user_context_query_bytes);
  std::size_t tail = context.size() - k_user_context_query_bytes;
  while (tail < context.size() && (static_cast<unsigned char>(context[tail]) & 0xC0) == 0x80) ++tail;
  return query + "\n" + context.substr(0, head) + "\n" + context.substr(tail);
}

// Stage 4: the hits packed into the token budget as sources, and the prompt around them.
void pack_sources(const AskRequest& request, const std::vector<llm::ChatMessage>& history,
                  std::span<const search::SearchHit> hits, const std::string& user_context, AskResult& result) {
  const ModelWindow window = model_window(result.provider);
  BudgetRequest budget{result.offline, window, result.provider.model, {}, request.max_tokens, request.context_tokens};
  if (!result.offline) {
    budget.prompt = prompt_tokens(request.question, request.prompt, history, window.encoding, user_context);
  }
  llm::ContextOptions options;
  options.encoding = window.encoding;
  options.redact = request.redact && !result.offline;
  options.token_budget = source_budget(budget);
  result.context_budget = options.token_budget;
  result.pack = llm::pack_context(hits, options);
  result.prompt = llm::build_prompt(request.question, result.pack, request.prompt, user_context);
}

// The exchange's record in the log (with its conversation turn and cache entries), written once:
// after the answer, or when the model fails before any text.
class ExchangeLog {
 public:
  ExchangeLog(store::AskStore& tables, Clock::time_point started, const AskRequest& request,
              const std::optional<std::int64_t>& conversation, RewriteToCache rewrite, const AskResult& result)
      : tables_(tables), started_(started), log_(request.log), redact_(request.redact) {
    store::LlmCall& call = record_.call;
    call.collection = request.collection;
    call.question = request.question;
    call.provider = to_string(result.provider.kind);
    call.model = result.model;
    call.chunk_ids = chunk_ids_of(result.pack);
    call.retrieval_query = result.retrieval_query;
    if (rewrite.value) {
      record_.rewrite_cache_key = std::move(rewrite.key);
      record_.rewrite_cache_value = std::move(rewrite.value);
    }
    record_.conversation_id = conversation;
    // A conversation the caller holds (request.turns) is not the store's to extend.
    record_.new_conversation = !conversation && !request.turns;
    tools_offered_ = request.tools.enabled && !result.offline;
  }

  void endpoint(std::string url) { record_.call.endpoint = std::move(url); }
  void cache(const std::string& key, const AskResult& result) {
    record_.cache_key = key;
    record_.cache_value = store::CachedAnswer{result.answer, result.model, result.finish_reason,
                                              as_count(result.usage.input_tokens), as_count(result.usage.output_tokens)};
  }

  // The model failed before any text: logged as an error, which starts no conversation.
  void failed(const std::string& error, AskResult& result) {
    record_.call.status = store::CallStatus::error;
    record_.call.error = as_typed(error);  // a record read later at a terminal (strata logs)
    if (tools_offered_) record_.call.tool_calls = tool_calls_json(result.tool_calls);
    record_.new_conversation = false;
    try {
      write(result);
    } catch (const Error&) {
      // The model's error is the one to report; a log that cannot be written is secondary.
    }
  }

  void answered(const AskResult& result) {
    store::LlmCall& call = record_.call;
    call.answer = result.answer;
    call.model = result.model;
    call.cached = result.cached;
    call.input_tokens = as_count(result.usage.input_tokens);
    call.output_tokens = as_count(result.usage.output_tokens);
    call.latency_ms = result.timings.llm_ms;
    call.chunk_ids = chunk_ids_of(result.pack);  // with the passages tools brought
    if (tools_offered_) call.tool_calls = tool_calls_json(result.tool_calls);
    if (!result.partial && !result.step_limit) return;
    call.status = store::CallStatus::partial;
    if (result.partial) {
      call.error = result.error ? as_typed(result.error->what()) : "the answer was cut off";
    } else {
      // The model never answered: what it wrote on the way is kept, but is no turn.
      call.error = "the model still asked for tools at the last of " + std::to_string(result.steps) + " requests";
    }
    // A cut answer is logged but is no turn: a conversation is not started by one.
    record_.new_conversation = false;
  }

  // Stores the record, unless logging is off (nothing stored) or the role may not (why in
  // result.not_logged). With --redact, what is stored is the redacted text.
  void write(AskResult& result) {
    if (!log_) return;
    const StageTimer timer(result.timings.log_ms);
    const store::AskStore::Access access = tables_.access();
    if (!access.write) {
      result.not_logged = access.why;
      return;
    }
    record_.call.total_ms = ms_since(started_);
    if (redact_) redact_record();
    const store::AskStore::Written written = tables_.write(record_);
    result.call_id = written.call_id;
    result.conversation_id = written.conversation_id;
  }

 private:
  void redact_record() {
    store::LlmCall& call = record_.call;
    call.question = llm::redact(call.question).text;
    call.answer = llm::redact(call.answer).text;
    if (call.retrieval_query) call.retrieval_query = llm::redact(*call.retrieval_query).text;
    if (record_.cache_value) record_.cache_value->answer = llm::redact(record_.cache_value->answer).text;
    if (record_.rewrite_cache_value) {
      record_.rewrite_cache_value->answer = llm::redact(record_.rewrite_cache_value->answer).text;
    }
  }

  store::AskStore& tables_;
  Clock::time_point started_;
  store::AskRecord record_;
  bool tools_offered_ = false;
  bool log_ = true;
  bool redact_ = false;
};

// max_tokens holds offline as it does for a model: an answer longer than that many tokens
// (cl100k_base, as the usage figures count offline) is cut after the last token that ends a
// whole character, and ends as a model's answer does at its limit (finish_reason length). The
// sources it still cites are those whose marker the cut text keeps.
void cut_to_max_tokens(std::uint64_t max_tokens, AskResult& result, std::vector<std::size_t>& cited) {
  if (max_tokens == 0) return;
  const tokenizer::Tokenizer& tokens = tokenizer::Tokenizer::get(tokenizer::Encoding::cl100k_base);
  const std::vector<std::size_t> ends = tokens.token_ends(result.answer);
  if (ends.size() <= max_tokens) return;
  result.answer.resize(utf8_boundary_before(result.answer, ends[static_cast<std::size_t>(max_tokens) - 1]));
  result.finish_reason = "length";
  std::erase_if(cited, [&](std::size_t n) {
    return result.answer.find("[" + std::to_string(n) + "]") == std::string::npos;
  });
}

// Stage 5, offline: the extractive answer, or an abstention when the collection never mentions
// a word of the question. Returns the sources it quotes, known exactly.
std::vector<std::size_t> answer_offline(store::Store& store, const AskRequest& request, AskResult& result) {
  const llm::ExtractiveAnswer answer =
      llm::extractive_answer(result.retrieval_query.value_or(request.question), result.pack.sources);
  result.matched = answer.matched;
  if (!result.pack.sources.empty()) {
    // Question words (how, which...) are not what a question is about: only the others are
    // looked up.
    std::string content;
    for (const std::string& w : llm::extractive_content_words(request.question)) content += w + " ";
    result.absent_words = search::words_not_in_collection(store, request.collection, content);
    result.abstained = !result.absent_words.empty();
  }
  if (result.abstained) {
    result.answer = abstention(result.absent_words);
    return {};
  }
  std::vector<std::size_t> cited;
  for (const llm::ExtractedSentence& s : answer.sentences) cited.push_back(s.source);
  result.answer = answer.text;
  if (request.max_tokens) cut_to_max_tokens(*request.max_tokens, result, cited);
  return cited;
}

llm::ChatRequest answer_request(const AskRequest& request, const ResolvedProvider& provider,
                                const std::vector<llm::ChatMessage>& history, const llm::Prompt& prompt) {
  llm::ChatRequest chat;
  chat.model = provider.model;
  chat.system = prompt.system;
  chat.messages = history;
  chat.messages.push_back(llm::ChatMessage{llm::ChatMessage::Role::user, prompt.user});
  chat.temperature = request.temperature;
  chat.max_tokens = request.max_tokens;
  chat.stream = request.stream;
  return chat;
}

// The answer to the same request asked before, if the cache has it.
bool answer_from_cache(const AskRequest& request, store::AskStore& tables, const std::string& key, AskResult& result) {
  if (!request.use_cache || !request.log || !tables.access().read) return false;
  std::optional<store::CachedAnswer> hit = timed(result.timings.cache_ms, "ask.cache", [&] { return tables.cached_answer(key); });
  if (!hit) return false;
  result.cached = true;
  result.answer = std::move(hit->answer);
  result.model = hit->model.empty() ? result.provider.model : hit->model;
  result.finish_reason = hit->finish_reason;
  result.usage = llm::Usage{as_usage(hit->input_tokens), as_usage(hit->output_tokens)};
  return true;
}

void take_reply(llm::ChatResult&& reply, AskResult& result) {
  result.timings.llm_ms = reply.latency_ms;
  result.timings.first_text_ms = reply.first_text_ms;
  result.attempts = reply.attempts;
  result.answer = std::move(reply.text);
  result.usage = reply.usage;
  if (!reply.model.empty()) result.model = reply.model;
  result.finish_reason = reply.finish_reason;
  result.partial = reply.partial;
  result.interrupted = reply.interrupted;
  result.error = std::move(reply.error);
}

// The store lent out while the model answers (AskRequest::store_loan), taken back however the
// request ends.
class StoreLent {
 public:
  explicit StoreLent(const AskRequest::StoreLoan& loan) : loan_(loan) {
    if (loan_.release) loan_.release();
  }
  ~StoreLent() {
    if (loan_.reacquire) loan_.reacquire();
  }
  StoreLent(const StoreLent&) = delete;
  StoreLent& operator=(const StoreLent&) = delete;

 private:
  const AskRequest::StoreLoan& loan_;
};

// The model's answer, streamed to the observer. A request that fails before any text is logged
// before its error propagates.
void answer_from_model(const AskRequest& request, const llm::ChatEndpoint& endpoint, const llm::ChatRequest& chat,
                       ExchangeLog& log, AskObserver& observer, AskResult& result) {
  std::optional<llm::ChatClient> client;
  timed(result.timings.client_ms, [&] { client.emplace(endpoint, chat_options(request)); });
  ForwardingObserver forward(observer);
  llm::ChatResult reply;
  try {
    const StoreLent lent(request.store_loan);
    reply = client->complete(chat, forward);
  } catch (const llm::ChatError& e) {
    log.failed(e.what(), result);
    throw;
  }
  take_reply(std::move(reply), result);
}

// Stage 5 with --tools: the model may call tools before it answers. Never cached: the answer
// depends on what the tools returned, which the request does not hold.
void answer_with_tools(store::Store& store, const AskRequest& request, const llm::ChatEndpoint& endpoint,
                       llm::ChatRequest chat, ExchangeLog& log, AskObserver& observer, AskResult& result) {
  chat.system += "\n\n" + tool_instructions();
  std::vector<AgentTool> tools;
  if (request.tools.own) tools = request.tools.own(store, request, result.pack);
  tools.insert(tools.end(), request.tools.external.begin(), request.tools.external.end());
  std::optional<llm::ChatClient> client;
  timed(result.timings.client_ms, [&] { client.emplace(endpoint, chat_options(request)); });
  ToolLoopResult loop;
  try {
    loop = run_tool_loop(*client, std::move(chat), tools, request.tools, observer, result.tool_calls);
  } catch (const llm::ChatError& e) {
    log.failed(e.what(), result);  // with the calls made before the request that failed
    throw;
  }
  result.steps = loop.steps;
  result.step_limit = loop.step_limit;
  take_reply(std::move(loop.reply), result);
}

// Stage 5, with a model: from the cache, else from the model (and then cached when complete).
void answer_with_model(store::Store& store, const AskRequest& request, const std::vector<llm::ChatMessage>& history,
                       store::AskStore& tables, ExchangeLog& log, AskObserver& observer, AskResult& result) {
  const llm::ChatEndpoint endpoint = endpoint_of(result.provider);
  llm::ChatRequest chat = answer_request(request, result.provider, history, result.prompt);
  log.endpoint(net::redact_url(llm::chat_url(endpoint)));
  if (request.tools.enabled) {
    answer_with_tools(store, request, endpoint, std::move(chat), log, observer, result);
    return;
  }
  const std::string key = cache_key(endpoint, chat);
  if (answer_from_cache(request, tables, key, result)) {
    if (!result.answer.empty()) observer.text(result.answer);
    return;
  }
  answer_from_model(request, endpoint, chat, log, observer, result);
  if (!result.partial) log.cache(key, result);
}

// Stage 6. The offline answer knows which source each sentence came from: reading its markers
// back could miss one (a quoted sentence may hold a stray ``` that makes the rest look like code).
llm::CitationReport checked_citations(const AskResult& result, std::vector<std::size_t> offline_cited) {
  llm::CitationReport report = llm::check_citations(result.answer, result.pack.sources.size());
  if (!result.offline) return report;
  std::sort(offline_cited.begin(), offline_cited.end());
  offline_cited.erase(std::unique(offline_cited.begin(), offline_cited.end()), offline_cited.end());
  report.cited = offline_cited;
  report.unknown.clear();
  report.uncited.clear();
  for (std::size_t n = 1; n <= result.pack.sources.size(); ++n) {
    if (!std::binary_search(offline_cited.begin(), offline_cited.end(), n)) report.uncited.push_back(n);
  }
  return report;
}

AskResult result_for(const ResolvedProvider& provider) {
  AskResult result;
  result.provider = provider;
  result.offline = provider.kind == ProviderKind::none;
  result.model = result.offline ? "extractive" : provider.model;
  return result;
}

// Stages 1 to 4: the history, a follow-up's query, the search and the packed prompt.
struct Prepared {
  History history;
  RewriteToCache rewrite;
};

Prepared prepare(store::Store& store, store::AskStore& tables, const AskRequest& request, AskResult& result) {
  Prepared p;
  p.history = timed(result.timings.cache_ms, "ask.history", [&] { return read_history(tables, request); });
  result.history_messages = p.history.messages.size();
  result.conversation_id = p.history.conversation;
  if (!p.history.messages.empty()) {
    p.rewrite = timed(result.timings.rewrite_ms, "ask.rewrite",
                      [&] { return follow_up_query(request, result.provider, p.history.messages, tables, result); });
  }
  const std::string user_context = user_context_of(request);
  if (!user_context.empty() && request.search_user_context) {
    result.retrieval_query = with_user_context(result.retrieval_query.value_or(request.question), user_context);
  }
  const std::vector<search::SearchHit> hits = timed(result.timings.retrieval_ms, "ask.retrieval", [&] {
    return retrieve(store, request, result.retrieval_query.value_or(request.question), result.offline, result);
  });
  result.retrieved = hits.size();
  timed(result.timings.pack_ms, "ask.pack", [&] { pack_sources(request, p.history.messages, hits, user_context, result); });
  return p;
}

}  // namespace

AskResult ask(store::Store& store, const AskRequest& request, const ResolvedProvider& provider, AskObserver& observer) {
  const auto started = Clock::now();
  check_template(request.prompt);
  AskResult result = result_for(provider);
  store::AskStore tables(store, request.principal);
  Prepared prepared = prepare(store, tables, request, result);
  if (request.context_only) {
    result.timings.total_ms = ms_since(started);
    return result;
  }
  observer.sources(result.pack);
  ExchangeLog log(tables, started, request, prepared.history.conversation, std::move(prepared.rewrite), result);
  std::vector<std::size_t> offline_cited;
  if (result.offline) {
    offline_cited = timed(result.timings.answer_ms, "ask.extract", [&] { return answer_offline(store, request, result); });
    if (!result.answer.empty()) observer.text(result.answer);
  } else {
    answer_with_model(store, request, prepared.history.messages, tables, log, observer, result);
  }
  result.citations = timed(result.timings.citations_ms, "ask.citations", [&] { return checked_citations(result, std::move(offline_cited)); });
  log.answered(result);
  // The reader has the whole answer before the log is written: the first write of a process
  // starts a new WAL, whose header SQLite syncs to disk, and that wait is no reason to hold
  // back the sources.
  observer.answered(result);
  log.write(result);
  result.timings.total_ms = ms_since(started);
  return result;
}

}  // namespace strata::ask
