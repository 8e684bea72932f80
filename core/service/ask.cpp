#include "service/ask.h"

#include <cmath>
#include <utility>

#include "common/error.h"
#include "service/json_arguments.h"

namespace strata::service {

using nlohmann::json;

namespace {

bool is_blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

// One turn of "history", read as k_turn_fields describes it; `at` names it ("history[2]").
store::ConversationTurn turn_of(const json& item, const std::string& at) {
  if (!item.is_object()) usage("argument '" + at + "' must be an object {role, content}");
  for (const auto& [key, value] : item.items()) {
    if (key != "role" && key != "content") usage("unknown argument '" + at + "." + key + "'; a turn has role and content");
  }
  const std::string role_at = at + ".role", content_at = at + ".content";
  const std::optional<std::string> role = string_argument(item, "role");
  if (!role) usage("argument '" + role_at + "' is required (user or assistant)");
  store::ConversationTurn turn;
  if (*role == "user") {
    turn.role = store::ConversationTurn::Role::user;
  } else if (*role == "assistant") {
    turn.role = store::ConversationTurn::Role::assistant;
  } else {
    usage("argument '" + role_at + "' must be user or assistant (got '" + *role + "')");
  }
  const std::optional<std::string> content = string_argument(item, "content");
  if (!content) usage("argument '" + content_at + "' is required (a string)");
  turn.content = *content;
  return turn;
}

std::vector<store::ConversationTurn> history_of(const json& args) {
  const auto it = args.find("history");
  if (it == args.end() || it->is_null()) return {};
  if (!it->is_array()) usage("argument 'history' must be an array of {role, content} turns");
  if (it->size() > static_cast<std::size_t>(k_history_turns_max)) {
    usage("argument 'history' holds " + std::to_string(it->size()) + " turns; at most " + std::to_string(k_history_turns_max) +
          " are read");
  }
  std::vector<store::ConversationTurn> turns;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < it->size(); ++i) {
    turns.push_back(turn_of((*it)[i], "history[" + std::to_string(i) + "]"));
    bytes += turns.back().content.size();
  }
  if (bytes > k_history_bytes_max) usage("argument 'history' holds more than 1 MiB of text, the most an ask reads");
  return turns;
}

}  // namespace

ask::AskRequest ask_request(const json& args, ask::AskRequest base, const std::string& collection) {
  refuse_unknown_arguments(args, k_ask_request);
  ask::AskRequest& r = base;
  r.question = required_string(args, "question");
  if (is_blank(r.question)) usage("argument 'question' is blank");
  r.collection = string_argument(args, "collection").value_or(collection);
  r.k = static_cast<std::size_t>(integer_argument(args, *find_field(k_ask_request, "k")).value_or(k_ask_k_default));
  r.mode = mode_argument(args);
  r.where = where_argument(args);
  // A caller's history is the conversation: never one of the store's as well.
  if (const auto h = args.find("history"); h != args.end() && !h->is_null()) {
    r.turns = history_of(args);
    r.continue_last = false;
    r.conversation.reset();
  }
  r.user_context = string_argument(args, "context").value_or("");
  if (r.user_context.size() > ask::k_max_user_context_bytes) usage("argument 'context' is longer than 1 MiB");
  if (const auto t = number_argument(args, "temperature", 0, 2)) r.temperature = *t;
  if (const auto m = integer_argument(args, *find_field(k_ask_request, "max_tokens"))) r.max_tokens = static_cast<std::uint64_t>(*m);
  return base;
}

void check_ask_request(const ask::AskRequest& request, std::int64_t k_max) {
  if (is_blank(request.question)) usage("the question is empty");
  if (request.k < 1 || request.k > static_cast<std::size_t>(k_max)) {
    usage("k must be from 1 to " + std::to_string(k_max) + " (got " + std::to_string(request.k) + ")");
  }
}

ask::AskRequest on_session(ask::AskRequest request, Session& session) {
  // The answer's retrieval and its own search tool search as the caller: its reach, the door's
  // bounds and breakers (the session's search), on the session's searcher.
  session.require(auth::Scope::read, request.collection);
  request.search = [&session](search::SearchRequest r) { return session.retrieve(std::move(r)); };
  return request;
}

ask::AskResult answer(Session& session, const ask::AskRequest& request, const ask::ResolvedProvider& provider,
                      ask::AskObserver& events) {
  return ask::ask(session.store(), on_session(request, session), provider, events);
}

namespace {

struct TextEvents : ask::AskObserver {
  const std::function<void(std::string_view)>& on_text;
  explicit TextEvents(const std::function<void(std::string_view)>& f) : on_text(f) {}
  void text(std::string_view delta) override {
    if (on_text) on_text(delta);
  }
};

double rounded_ms(double ms) { return std::round(ms * 1000) / 1000; }

json count_or_null(const std::optional<std::uint64_t>& v) { return v ? json(*v) : json(nullptr); }

json timings_json(const ask::AskTimings& t) {
  return json{{"open_ms", rounded_ms(t.open_ms)},         {"rewrite_ms", rounded_ms(t.rewrite_ms)},
              {"retrieval_ms", rounded_ms(t.retrieval_ms)},
              {"pack_ms", rounded_ms(t.pack_ms)},         {"cache_ms", rounded_ms(t.cache_ms)},
              {"client_ms", rounded_ms(t.client_ms)},     {"llm_ms", rounded_ms(t.llm_ms)},
              {"first_text_ms", rounded_ms(t.first_text_ms)},
              {"answer_ms", rounded_ms(t.answer_ms)},     {"citations_ms", rounded_ms(t.citations_ms)},
              {"log_ms", rounded_ms(t.log_ms)},           {"own_ms", rounded_ms(t.own_ms())},
              {"total_ms", rounded_ms(t.total_ms)}};
}

}  // namespace

ask::AskResult answer(Session& session, const ask::AskRequest& request, const ask::ResolvedProvider& provider,
                      const std::function<void(std::string_view)>& text) {
  TextEvents events(text);
  return answer(session, request, provider, events);
}

json sources_json(const llm::ContextPack& pack) {
  json list = json::array();
  for (const llm::Source& s : pack.sources) {
    const store::ChunkRef& c = s.chunk;
    json j = {{"n", s.number},
              {"document", c.document_id},
              {"source", c.source},
              {"title", c.title},
              {"section", c.section},
              {"lines", json::array({c.line_start, c.line_end})},
              {"score", s.score},
              {"text", c.text},
              {"chunk_ids", s.chunk_ids}};
    j["pages"] = c.page_start ? json::array({*c.page_start, c.page_end.value_or(*c.page_start)}) : json(nullptr);
    list.push_back(std::move(j));
  }
  return list;
}

json to_json(const ask::AskResult& r) {
  return json{{"answer", r.answer},
              {"abstained", r.abstained},
              {"retrieval_query", r.retrieval_query ? json(*r.retrieval_query) : json(nullptr)},
              {"rewritten", r.rewritten},
              {"rewrite_cached", r.rewrite_cached},
              {"absent_words", r.absent_words},
              {"citations", r.citations.cited},
              {"unknown_citations", r.citations.unknown},
              {"sources", sources_json(r.pack)},
              {"provider", ask::to_string(r.provider.kind)},
              {"model", r.model},
              {"usage", {{"input_tokens", count_or_null(r.usage.input_tokens)},
                         {"output_tokens", count_or_null(r.usage.output_tokens)}}},
              {"cached", r.cached},
              {"partial", r.partial},
              {"finish_reason", r.finish_reason ? json(*r.finish_reason) : json(nullptr)},
              {"mode", std::string(search::to_string(r.mode))},
              {"conversation", r.conversation_id ? json(*r.conversation_id) : json(nullptr)},
              {"call", r.call_id},
              {"steps", r.steps},
              {"step_limit", r.step_limit},
              {"tool_calls", json::parse(ask::tool_calls_json(r.tool_calls))},
              {"timings", timings_json(r.timings)}};
}

}  // namespace strata::service
