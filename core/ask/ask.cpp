#include "ask/ask.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "llm/citations.h"
#include "llm/extractive.h"
#include "net/api_key.h"
#include "net/url_secrets.h"
#include "store/ask_store.h"

namespace strata::ask {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

[[noreturn]] void usage(std::string message, std::string hint = {}) {
  throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string host_of(std::string_view url) {
  const auto scheme = url.find("://");
  std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  // The host follows the userinfo: in https://api.openai.com:x@elsewhere/ it is "elsewhere".
  const std::size_t authority_end = std::min(url.size(), url.find_first_of("/?#", start));
  if (const std::size_t at = url.substr(0, authority_end).rfind('@'); at != std::string_view::npos && at >= start) {
    start = at + 1;
  }
  const std::size_t end = url.find_first_of(":/?#", start);
  return lower(url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

bool valid_variable_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

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
// Tokens a message costs beyond its text (role, separators), per the providers' accounting.
constexpr std::size_t k_tokens_per_message = 8;
// Below this many tokens for sources, an answer from them is not worth asking for.
constexpr std::size_t k_min_context_tokens = 256;

class ForwardingObserver final : public llm::ChatObserver {
 public:
  explicit ForwardingObserver(AskObserver& to) : to_(to) {}
  void text(std::string_view delta) override { to_.text(delta); }
  void retrying(const std::string& why, std::chrono::milliseconds wait) override { to_.retrying(why, wait); }

 private:
  AskObserver& to_;
};

llm::RetrievedChunk chunk_of(search::SearchHit& hit) {
  llm::RetrievedChunk c;
  c.chunk_id = hit.chunk_id;
  c.document_id = hit.document_id;
  c.source = std::move(hit.source);
  c.byte_start = hit.byte_start;
  c.byte_end = hit.byte_end;
  c.line_start = hit.line_start;
  c.line_end = hit.line_end;
  c.page_start = hit.page_start;
  c.page_end = hit.page_end;
  c.text = std::move(hit.text);
  c.score = hit.score;
  return c;
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

Getenv process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

ResolvedProvider resolve_provider(const ProviderFlags& flags, const Getenv& env) {
  const auto pick = [&](const std::optional<std::string>& flag, const char* variable) -> std::optional<std::string> {
    if (flag && !flag->empty()) return flag;
    return env(variable);
  };
  const std::optional<std::string> provider = pick(flags.provider, "STRATA_LLM_PROVIDER");
  const std::optional<std::string> model = pick(flags.model, "STRATA_LLM_MODEL");
  const std::optional<std::string> base_url = pick(flags.base_url, "STRATA_LLM_BASE_URL");
  const char* provider_source = flags.provider && !flags.provider->empty() ? "--provider" : "STRATA_LLM_PROVIDER";
  // A bad value must be traced to where it was set: the flag or the variable.
  const char* base_url_source = flags.base_url && !flags.base_url->empty() ? "--base-url" : "STRATA_LLM_BASE_URL";

  ResolvedProvider r;
  if (provider) {
    const std::string p = lower(*provider);
    if (p == "openai") {
      r.kind = ProviderKind::openai;
    } else if (p == "anthropic") {
      r.kind = ProviderKind::anthropic;
    } else if (p == "none" || p == "offline") {
      r.kind = ProviderKind::none;
    } else {
      usage(std::string(provider_source) + ": unknown provider '" + *provider + "'",
            "use openai (any /v1/chat/completions server), anthropic, or none (the offline answer)");
    }
  } else if (model && starts_with(lower(*model), "claude")) {
    r.kind = ProviderKind::anthropic;
  } else if (model || base_url) {
    r.kind = ProviderKind::openai;
  }
  if (r.kind == ProviderKind::none) {
    r.model = "extractive";
    return r;
  }

  const bool anthropic = r.kind == ProviderKind::anthropic;
  r.base_url = base_url.value_or(anthropic ? k_anthropic_base_url : k_openai_base_url);
  if (!starts_with(r.base_url, "http://") && !starts_with(r.base_url, "https://")) {
    usage(std::string(base_url_source) + " must start with http:// or https:// (got '" + net::redact_url(r.base_url) + "')",
          "for Ollama: --base-url http://localhost:11434/v1");
  }
  const std::string host = host_of(r.base_url);
  r.official = host == "api.openai.com" || host == "api.anthropic.com";
  if (model) {
    r.model = *model;
  } else if (anthropic) {
    r.model = k_default_anthropic_model;
  } else if (r.official) {
    r.model = k_default_openai_model;
  } else {
    usage("--model is required with a server of your own (" + net::redact_url(r.base_url) + ")",
          "name a model the server has, e.g. --model llama3.2 for Ollama");
  }

  r.api_key_env = flags.api_key_env && !flags.api_key_env->empty() ? *flags.api_key_env
                                                                   : (anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
  if (!valid_variable_name(r.api_key_env)) {
    // Never repeat the value: it may be a key pasted where its variable's name belongs.
    usage("--api-key-env takes the name of an environment variable (letters, digits and _)",
          "keys are read from the environment only, e.g. --api-key-env MY_KEY with MY_KEY=... set");
  }
  if (flags.key_allowed && !flags.key_allowed()) {
    r.api_key_env.clear();  // nothing is read, so no variable is named in hints
    return r;
  }
  r.api_key = env(r.api_key_env.c_str()).value_or("");
  net::require_header_safe_key(r.api_key_env, r.api_key);
  if (r.api_key.empty() && !flags.api_key_env_source.empty()) {
    usage(flags.api_key_env_source + " names " + r.api_key_env + ", but $" + r.api_key_env + " is not set (or is empty)",
          "export " + r.api_key_env + "=...; for a server that needs no key, name no variable");
  }
  if (r.official && r.api_key.empty()) {
    usage(std::string(anthropic ? "Anthropic's" : "OpenAI's") + " API needs a key: $" + r.api_key_env + " is not set",
          "export " + r.api_key_env + "=..., or ask without a model (no --model/--provider) for the offline answer");
  }
  return r;
}

ModelWindow model_window(const ResolvedProvider& provider) {
  ModelWindow w;
  if (provider.kind == ProviderKind::none) {
    w.tokens = 0;
    return w;
  }
  const std::string model = lower(provider.model);
  const KnownModel* best = nullptr;
  for (const KnownModel& k : k_known_models) {
    if (starts_with(model, k.prefix) && (best == nullptr || k.prefix.size() > best->prefix.size())) best = &k;
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
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "\u2026";
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

// With a model: the standard step of conversational retrieval, one request that turns the
// follow-up into a standalone question, answered from the cache when asked before. Throws
// llm::ChatError when the request fails or the model gives no question.
Rewrite rewrite_follow_up(const AskRequest& request, const ResolvedProvider& provider,
                          const std::vector<llm::ChatMessage>& history, store::AskStore& tables) {
  const llm::ChatEndpoint endpoint{provider.kind == ProviderKind::anthropic ? llm::Provider::anthropic : llm::Provider::openai,
                                   provider.base_url, provider.api_key, provider.api_key_env};
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
  Rewrite r;
  r.key = cache_key(endpoint, chat);
  std::string text;
  if (request.use_cache) {
    if (const std::optional<store::CachedAnswer> hit = tables.cached_answer(r.key)) {
      r.cached = true;
      text = hit->answer;
    }
  }
  if (!r.cached) {
    llm::ChatClient client(endpoint, request.chat);
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

}  // namespace

AskResult ask(store::Store& store, const AskRequest& request, const ResolvedProvider& provider, AskObserver& observer) {
  const auto started = Clock::now();
  if (!request.prompt.user_template.empty()) {
    const std::string why = llm::check_prompt_template(request.prompt.user_template);
    if (!why.empty()) usage("the prompt template: " + why);
  }
  AskResult result;
  result.provider = provider;
  result.offline = provider.kind == ProviderKind::none;
  result.model = result.offline ? "extractive" : provider.model;

  auto t = Clock::now();
  store::AskStore tables(store);

  // History first: a wrong conversation id should fail before any search or model call.
  std::vector<llm::ChatMessage> messages;
  std::optional<std::int64_t> conversation = request.conversation;
  if (request.continue_last && !conversation) {
    conversation = tables.last_conversation();
    if (!conversation) usage("there is no conversation to continue", "ask a question without --continue first");
  }
  if (conversation) {
    const std::optional<store::Conversation> c = tables.conversation(*conversation);
    if (!c) usage("there is no conversation " + std::to_string(*conversation), "'strata logs' lists them");
    for (const store::ConversationTurn& turn : c->turns) {
      messages.push_back(llm::ChatMessage{
          turn.role == store::ConversationTurn::Role::assistant ? llm::ChatMessage::Role::assistant
                                                                : llm::ChatMessage::Role::user,
          // An earlier answer's [1] named a source of its own turn; sent again beside this
          // turn's sources it would name another.
          turn.role == store::ConversationTurn::Role::assistant ? llm::without_citations(turn.content) : turn.content});
    }
  }
  result.history_messages = messages.size();
  result.conversation_id = conversation;
  result.timings.cache_ms += ms_since(t);

  // A follow-up is retrieved in the conversation's context.
  std::optional<store::CachedAnswer> rewrite_to_cache;
  std::string rewrite_key;
  if (!messages.empty()) {
    t = Clock::now();
    if (!result.offline) {
      try {
        const Rewrite r = rewrite_follow_up(request, provider, messages, tables);
        result.retrieval_query = r.question;
        result.rewritten = true;
        result.rewrite_cached = r.cached;
        rewrite_key = r.key;
        if (!r.cached) rewrite_to_cache = r.value;
      } catch (const llm::ChatError& e) {
        // A key, model or URL the server refuses fails the answer's request too: say so now.
        // A server that is busy or answers oddly costs only the rewrite.
        if (!e.retryable() && e.kind() != llm::ChatErrorKind::malformed) throw;
        result.rewrite_error = e.what();
      }
    }
    if (!result.rewritten) result.retrieval_query = with_earlier_questions(request.question, messages);
    result.timings.rewrite_ms = ms_since(t);
  }

  // Retrieval.
  t = Clock::now();
  search::SearchRequest sr;
  sr.query = result.retrieval_query.value_or(request.question);
  sr.collection = request.collection;
  sr.mode = request.mode;
  sr.k = request.k;
  sr.where = request.where;
  sr.vector_weight = request.vector_weight;
  sr.rerank = request.rerank;
  sr.embed = request.embed;
  search::SearchResult found = search::Searcher(store).search(sr);
  result.rerank_failure = found.rerank_failure;
  result.timings.retrieval_ms = ms_since(t);
  result.mode = found.mode;
  result.retrieved = found.hits.size();

  // Budget and packing.
  t = Clock::now();
  std::vector<llm::RetrievedChunk> chunks;
  chunks.reserve(found.hits.size());
  for (search::SearchHit& hit : found.hits) chunks.push_back(chunk_of(hit));
  const ModelWindow window = model_window(provider);
  llm::ContextOptions options;
  options.encoding = window.encoding;
  options.redact = request.redact && !result.offline;
  if (result.offline) {
    options.token_budget = request.context_tokens.value_or(k_offline_context_tokens);
  } else {
    // What the prompt holds besides the sources: instructions, the question, earlier turns.
    const tokenizer::Tokenizer& tok = tokenizer::Tokenizer::get(window.encoding);
    const llm::Prompt bare = llm::build_prompt(request.question, llm::ContextPack{}, request.prompt);
    std::size_t overhead = tok.count(bare.system) + tok.count(bare.user) + 2 * k_tokens_per_message;
    for (const llm::ChatMessage& m : messages) overhead += tok.count(m.content) + k_tokens_per_message;
    const std::size_t reserve = request.max_tokens ? static_cast<std::size_t>(*request.max_tokens) : k_default_output_reserve;
    const std::size_t available = window.tokens > reserve + overhead ? window.tokens - reserve - overhead : 0;
    const std::string fits = std::to_string(overhead) + " tokens of instructions, question" +
                             (messages.empty() ? std::string() : " and earlier turns") + " and " +
                             std::to_string(reserve) + " for the answer";
    if (request.context_tokens) {
      options.token_budget = *request.context_tokens;
      // Only a window we know for sure is a reason to refuse; for others the server decides.
      if (window.known && options.token_budget > available) {
        usage("the prompt would not fit " + provider.model + "'s " + std::to_string(window.tokens) +
                  "-token window: --context-tokens " + std::to_string(options.token_budget) + " plus " + fits,
              "lower --context-tokens (at most " + std::to_string(available) + " here) or --max-tokens");
      }
    } else {
      if (available < k_min_context_tokens) {
        usage("no room for sources in the " + std::to_string(window.tokens) + "-token window assumed for " +
                  provider.model + ": it holds " + fits,
              messages.empty() ? "lower --max-tokens, or give --context-tokens if the server's window is larger"
                               : "start a new conversation (without --continue), or give --context-tokens if the "
                                 "server's window is larger");
      }
      options.token_budget = std::min(available, k_max_default_context_tokens);
    }
  }
  result.context_budget = options.token_budget;
  result.pack = llm::pack_context(chunks, options);
  result.prompt = llm::build_prompt(request.question, result.pack, request.prompt);
  result.timings.pack_ms = ms_since(t);
  if (request.context_only) {
    result.timings.total_ms = ms_since(started);
    return result;
  }
  observer.sources(result.pack);

  store::AskRecord record;
  store::LlmCall& call = record.call;
  call.collection = request.collection;
  call.question = request.question;
  call.provider = to_string(provider.kind);
  call.model = result.model;
  call.chunk_ids = chunk_ids_of(result.pack);
  call.retrieval_query = result.retrieval_query;
  if (rewrite_to_cache) {
    record.rewrite_cache_key = rewrite_key;
    record.rewrite_cache_value = rewrite_to_cache;
  }
  if (conversation) {
    record.conversation_id = conversation;
  } else {
    record.new_conversation = true;
  }
  const auto write_log = [&] {
    const auto w = Clock::now();
    call.total_ms = ms_since(started);
    const store::AskStore::Written written = tables.write(record);
    result.call_id = written.call_id;
    result.conversation_id = written.conversation_id;
    result.timings.log_ms = ms_since(w);
  };

  std::vector<std::size_t> offline_cited;  // the offline answer's sources, known exactly
  if (result.offline) {
    t = Clock::now();
    const llm::ExtractiveAnswer answer = llm::extractive_answer(result.retrieval_query.value_or(request.question), result.pack.sources);
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
    } else {
      for (const llm::ExtractedSentence& s : answer.sentences) offline_cited.push_back(s.source);
      result.answer = answer.text;
    }
    result.timings.answer_ms = ms_since(t);
    if (!result.answer.empty()) observer.text(result.answer);
  } else {
    llm::ChatEndpoint endpoint{provider.kind == ProviderKind::anthropic ? llm::Provider::anthropic : llm::Provider::openai,
                               provider.base_url, provider.api_key, provider.api_key_env};
    llm::ChatRequest chat;
    chat.model = provider.model;
    chat.system = result.prompt.system;
    chat.messages = messages;
    chat.messages.push_back(llm::ChatMessage{llm::ChatMessage::Role::user, result.prompt.user});
    chat.temperature = request.temperature;
    chat.max_tokens = request.max_tokens;
    chat.stream = request.stream;
    call.endpoint = net::redact_url(llm::chat_url(endpoint));
    const std::string key = cache_key(endpoint, chat);

    t = Clock::now();
    std::optional<store::CachedAnswer> hit;
    if (request.use_cache) hit = tables.cached_answer(key);
    result.timings.cache_ms += ms_since(t);
    if (hit) {
      result.cached = true;
      result.answer = std::move(hit->answer);
      result.model = hit->model.empty() ? provider.model : hit->model;
      result.finish_reason = hit->finish_reason;
      result.usage = llm::Usage{as_usage(hit->input_tokens), as_usage(hit->output_tokens)};
      if (!result.answer.empty()) observer.text(result.answer);
    } else {
      ForwardingObserver forward(observer);
      t = Clock::now();
      llm::ChatClient client(endpoint, request.chat);
      result.timings.client_ms = ms_since(t);
      llm::ChatResult reply;
      try {
        reply = client.complete(chat, forward);
      } catch (const llm::ChatError& e) {
        call.status = store::CallStatus::error;
        call.error = e.what();
        record.new_conversation = false;  // a failed call starts nothing
        try {
          write_log();
        } catch (const Error&) {
          // The model's error is the one to report; a log that cannot be written is secondary.
        }
        throw;
      }
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
      if (!result.partial) {
        record.cache_key = key;
        record.cache_value = store::CachedAnswer{result.answer, result.model, result.finish_reason,
                                                 as_count(result.usage.input_tokens),
                                                 as_count(result.usage.output_tokens)};
      }
    }
  }

  t = Clock::now();
  result.citations = llm::check_citations(result.answer, result.pack.sources.size());
  if (result.offline) {
    // The offline answer knows which source each sentence came from. Reading its markers back
    // could miss one: a quoted sentence may hold a stray ``` that makes the rest look like code.
    std::sort(offline_cited.begin(), offline_cited.end());
    offline_cited.erase(std::unique(offline_cited.begin(), offline_cited.end()), offline_cited.end());
    result.citations.cited = offline_cited;
    result.citations.unknown.clear();
    result.citations.uncited.clear();
    for (std::size_t n = 1; n <= result.pack.sources.size(); ++n) {
      if (!std::binary_search(offline_cited.begin(), offline_cited.end(), n)) result.citations.uncited.push_back(n);
    }
  }
  result.timings.citations_ms = ms_since(t);

  call.answer = result.answer;
  call.model = result.model;
  call.cached = result.cached;
  call.input_tokens = as_count(result.usage.input_tokens);
  call.output_tokens = as_count(result.usage.output_tokens);
  call.latency_ms = result.timings.llm_ms;
  if (result.partial) {
    call.status = store::CallStatus::partial;
    call.error = result.error ? result.error->what() : "the answer was cut off";
    // A cut answer is logged but is no turn: a conversation is not started by one.
    record.new_conversation = false;
  }
  // The reader has the whole answer before the log is written: the first write of a process
  // starts a new WAL, whose header SQLite syncs to disk, and that wait is no reason to hold
  // back the sources.
  observer.answered(result);
  write_log();
  result.timings.total_ms = ms_since(started);
  return result;
}

}  // namespace strata::ask
