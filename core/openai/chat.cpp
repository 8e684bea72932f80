#include "openai/chat.h"

#include <chrono>
#include <random>
#include <utility>
#include <vector>

#include "embed/input_fit.h"
#include "openai/refusal.h"
#include "openai/shapes.h"
#include "service/ask.h"

namespace strata::openai {

using nlohmann::json;

std::string model_id(std::string_view collection) { return std::string(k_model_prefix) + std::string(collection); }

std::optional<std::string> collection_of(std::string_view model) {
  if (!model.starts_with(k_model_prefix) || model.size() == k_model_prefix.size()) return std::nullopt;
  return std::string(model.substr(k_model_prefix.size()));
}

namespace {

inline constexpr std::string_view k_no_tools = "strata answers from its documents and runs no tools of the client's";

bool is_unset(const json& v) {
  return v.is_null() || (v.is_boolean() && !v.get<bool>()) || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
         ((v.is_array() || v.is_object()) && v.empty());
}

bool is_blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

void check_fields(const json& body) {
  for (const auto& [key, value] : body.items()) {
    // The fields and their treatments are the OpenAPI document's rows (shapes.h).
    const ChatField* row = find_chat_field(key);
    if (row == nullptr) refuse("Unrecognized request argument supplied: " + key, key, "unknown_parameter");
    if (row->treatment == Treatment::unset && !is_unset(value)) {
      refuse("'" + key + "' is not supported: " + std::string(refusal_reason(*row)), key, "unsupported_parameter");
    }
  }
}

std::optional<bool> boolean(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) refuse("'" + std::string(name) + "' must be a boolean", name);
  return it->get<bool>();
}

std::optional<std::int64_t> integer(const json& body, const char* name, std::int64_t min, std::int64_t max) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() && !it->is_number_unsigned()) refuse("'" + std::string(name) + "' must be an integer", name);
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    refuse("'" + std::string(name) + "' must be at most " + std::to_string(max), name);
  }
  const std::int64_t v = it->get<std::int64_t>();
  if (v < min || v > max) {
    refuse("'" + std::string(name) + "' must be from " + std::to_string(min) + " to " + std::to_string(max) + " (got " +
               std::to_string(v) + ")",
           name);
  }
  return v;
}

// A message's text: a string, or an array of {"type": "text", "text"} parts joined by newlines.
std::string content_of(const json& message, const std::string& at) {
  const auto it = message.find("content");
  if (it == message.end() || it->is_null()) refuse("'" + at + ".content' is required", at + ".content");
  if (it->is_string()) return it->get<std::string>();
  if (!it->is_array()) refuse("'" + at + ".content' must be a string or an array of text parts", at + ".content");
  std::string text;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& part = (*it)[i];
    const std::string part_at = at + ".content[" + std::to_string(i) + "]";
    if (!part.is_object()) refuse("'" + part_at + "' must be an object {type, text}", part_at);
    const auto type = part.find("type");
    if (type == part.end() || !type->is_string()) refuse("'" + part_at + ".type' is required", part_at + ".type");
    if (*type != "text") {
      refuse("'" + part_at + ".type' " + type->dump() + " is not supported: strata reads text parts only", part_at + ".type",
             "unsupported_parameter");
    }
    const auto t = part.find("text");
    if (t == part.end() || !t->is_string()) refuse("'" + part_at + ".text' must be a string", part_at + ".text");
    if (!text.empty()) text += '\n';
    text += t->get_ref<const std::string&>();
  }
  return text;
}

struct Message {
  enum class Role { system, user, assistant } role;
  std::string text;
};

Message message_of(const json& m, const std::string& at) {
  if (!m.is_object()) refuse("'" + at + "' must be an object {role, content}", at);
  const auto role = m.find("role");
  if (role == m.end() || !role->is_string()) refuse("'" + at + ".role' is required", at + ".role");
  const std::string& r = role->get_ref<const std::string&>();
  Message out{};
  if (r == "system" || r == "developer") {
    out.role = Message::Role::system;
  } else if (r == "user") {
    out.role = Message::Role::user;
  } else if (r == "assistant") {
    out.role = Message::Role::assistant;
  } else if (r == "tool" || r == "function") {
    refuse("'" + at + ".role' '" + r + "' is not supported: " + std::string(k_no_tools), at + ".role", "unsupported_parameter");
  } else {
    refuse("'" + at + ".role' must be system, developer, user or assistant (got '" + r + "')", at + ".role");
  }
  for (const auto& [key, value] : m.items()) {
    if (key == "role" || key == "content" || key == "name") continue;
    if (key == "tool_calls" || key == "function_call" || key == "audio") {
      if (is_unset(value)) continue;
      refuse("'" + at + "." + key + "' is not supported: " + std::string(k_no_tools), at + "." + key, "unsupported_parameter");
    }
    if (key == "refusal" && out.role == Message::Role::assistant) continue;
    refuse("Unrecognized message field '" + key + "'", at + "." + key, "unknown_parameter");
  }
  out.text = content_of(m, at);
  return out;
}

// The messages as the arguments of service::ask_request: question, history and context.
void read_messages(const json& body, json& args) {
  const auto it = body.find("messages");
  if (it == body.end() || it->is_null()) refuse("'messages' is required", "messages");
  if (!it->is_array() || it->empty()) refuse("'messages' must be a non-empty array", "messages");
  if (it->size() > k_messages_max) {
    refuse("'messages' holds " + std::to_string(it->size()) + " messages; at most " + std::to_string(k_messages_max) + " are read",
           "messages");
  }
  std::vector<Message> messages;
  for (std::size_t i = 0; i < it->size(); ++i) messages.push_back(message_of((*it)[i], "messages[" + std::to_string(i) + "]"));
  const std::string last_at = "messages[" + std::to_string(messages.size() - 1) + "]";
  if (messages.back().role != Message::Role::user) {
    refuse("the last message must be the user's question", last_at + ".role");
  }
  if (is_blank(messages.back().text)) refuse("the question ('" + last_at + ".content') is blank", last_at + ".content");
  std::string context;
  json history = json::array();
  for (std::size_t i = 0; i + 1 < messages.size(); ++i) {
    const Message& m = messages[i];
    if (m.role == Message::Role::system) {
      if (!context.empty()) context += "\n\n";
      context += m.text;
      if (context.size() > ask::k_max_user_context_bytes) refuse("the system and developer messages hold more than 1 MiB", "messages");
    } else {
      history.push_back({{"role", m.role == Message::Role::user ? "user" : "assistant"}, {"content", m.text}});
    }
  }
  args["question"] = messages.back().text;
  args["history"] = std::move(history);
  if (!context.empty()) args["context"] = std::move(context);
}

void read_options(const json& body, ChatRequest& request, json& args) {
  request.stream = boolean(body, "stream").value_or(false);
  if (const auto it = body.find("stream_options"); it != body.end() && !it->is_null()) {
    if (!request.stream) refuse("'stream_options' is only allowed when 'stream' is true", "stream_options");
    if (!it->is_object()) refuse("'stream_options' must be an object", "stream_options");
    for (const auto& [key, value] : it->items()) {
      if (key != "include_usage" && key != "include_obfuscation") {
        refuse("Unrecognized request argument supplied: stream_options." + key, "stream_options." + key, "unknown_parameter");
      }
    }
    request.include_usage = boolean(*it, "include_usage").value_or(false);
  }
  if (const auto it = body.find("temperature"); it != body.end() && !it->is_null()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 2) refuse("'temperature' must be a number from 0 to 2", "temperature");
    args["temperature"] = *it;
  }
  // max_completion_tokens replaces max_tokens in OpenAI's API; given both, it wins.
  std::optional<std::int64_t> max = integer(body, "max_tokens", 1, service::k_max_tokens_max);
  if (const auto m = integer(body, "max_completion_tokens", 1, service::k_max_tokens_max)) max = m;
  if (max) args["max_tokens"] = *max;
  if (const auto n = integer(body, "n", 1, 128); n && *n != 1) {
    refuse("'n' must be 1: strata gives one answer per request", "n", "unsupported_parameter");
  }
  if (const auto it = body.find("tool_choice"); it != body.end() && !it->is_null() && *it != "none" && *it != "auto") {
    refuse("'tool_choice' is not supported: " + std::string(k_no_tools), "tool_choice", "unsupported_parameter");
  }
  if (const auto it = body.find("response_format"); it != body.end() && !it->is_null()) {
    if (!it->is_object() || it->value("type", json()) != "text") {
      refuse("'response_format' must be {\"type\": \"text\"}: strata answers in text with citations", "response_format",
             "unsupported_parameter");
    }
  }
  if (const auto it = body.find("modalities"); it != body.end() && !it->is_null() && *it != json::array({"text"})) {
    refuse("'modalities' must be [\"text\"]: strata answers in text only", "modalities", "unsupported_parameter");
  }
  for (const char* name : {"top_p", "frequency_penalty", "presence_penalty"}) {
    if (const auto it = body.find(name); it != body.end() && !it->is_null() && !it->is_number()) {
      refuse("'" + std::string(name) + "' must be a number", name);
    }
  }
  if (const auto it = body.find("user"); it != body.end() && !it->is_null() && !it->is_string()) refuse("'user' must be a string", "user");
}

ChatRequest read_chat(const json& body, ask::AskRequest base, const CollectionAllowed& allowed) {
  if (!body.is_object()) refuse("the request body must be a JSON object", "");
  check_fields(body);
  const auto model = body.find("model");
  if (model == body.end() || model->is_null()) refuse("you must provide a model parameter", "model");
  if (!model->is_string()) refuse("'model' must be a string, strata/<collection>", "model");
  ChatRequest request;
  request.model = model->get<std::string>();
  const std::optional<std::string> collection = collection_of(request.model);
  if (!collection || !allowed || !allowed(*collection)) throw Refusal{model_not_found(request.model)};
  json args = json::object();
  read_messages(body, args);
  read_options(body, request, args);
  try {
    request.ask = service::ask_request(args, std::move(base), *collection);
    service::check_ask_request(request.ask, service::k_ask_k_max);
  } catch (const Error& e) {
    // The history's bounds, and what else the ask operation checks: all of it came in messages.
    refuse(e.what(), "messages");
  }
  // A system message tells the model how to answer, not what about: it stays out of the search.
  request.ask.search_user_context = false;
  // The answer cache is read only for a request at temperature 0, whose answer the model would
  // give again: at any other temperature (unset included, the model server's default) a client
  // asking the same again, a chat UI's Regenerate, wants a new sample, as OpenAI's API gives one.
  // The answer is stored in the cache either way. (The HTTP door also skips it for a request sent
  // with Cache-Control: no-cache: serve/openai_routes.cpp.)
  request.ask.use_cache = request.ask.temperature.has_value() && *request.ask.temperature == 0.0;
  request.ask.stream = request.stream;
  return request;
}

}  // namespace

Read<ChatRequest> read_chat_request(const json& body, ask::AskRequest base, const CollectionAllowed& allowed) {
  try {
    return {.value = read_chat(body, std::move(base), allowed), .error = std::nullopt};
  } catch (Refusal& r) {
    return {.value = std::nullopt, .error = std::move(r.error)};
  }
}

Completion new_completion() {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::random_device random;
  std::string id = "chatcmpl-";
  for (int i = 0; i < 24; ++i) id += k_hex[random() % 16];
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return {std::move(id), std::chrono::duration_cast<std::chrono::seconds>(now).count()};
}

std::string finish_reason(const ask::AskResult& result) {
  const std::string reason = result.finish_reason.value_or("");
  if (reason == "length" || reason == "max_tokens") return "length";  // OpenAI's, Anthropic's
  if (reason == "content_filter" || reason == "refusal") return "content_filter";
  return "stop";
}

json usage_json(const ask::AskResult& result) {
  const std::uint64_t prompt = result.usage.input_tokens
                                   ? *result.usage.input_tokens
                                   : embed::count_tokens(result.prompt.system) + embed::count_tokens(result.prompt.user);
  const std::uint64_t completion = result.usage.output_tokens ? *result.usage.output_tokens : embed::count_tokens(result.answer);
  return json{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
}

std::int64_t total_tokens(const ask::AskResult& result) { return usage_json(result)["total_tokens"].get<std::int64_t>(); }

json chat_completion_json(const ask::AskResult& result, const ChatRequest& request, const Completion& completion) {
  return json{{"id", completion.id},
              {"object", "chat.completion"},
              {"created", completion.created},
              {"model", request.model},
              {"choices",
               json::array({{{"index", 0},
                             {"message", {{"role", "assistant"}, {"content", result.answer}, {"refusal", nullptr}}},
                             {"logprobs", nullptr},
                             {"finish_reason", finish_reason(result)}}})},
              {"usage", usage_json(result)},
              {"system_fingerprint", nullptr},
              {"sources", service::sources_json(result.pack)}};
}

// --- the stream ---------------------------------------------------------------------------

ChatStream::ChatStream(Sink sink, const ChatRequest& request, Completion completion)
    : sink_(std::move(sink)), model_(request.model), include_usage_(request.include_usage), completion_(std::move(completion)) {}

bool ChatStream::write_frame(std::string_view frame) {
  if (gone_ || ended_) return false;
  if (!sink_ || !sink_(frame)) {
    gone_ = true;
    cancel_.store(true);
  }
  return !gone_;
}

bool ChatStream::write(const json& payload) {
  // The answer and the sources are text from a model and a store: a stray invalid byte becomes
  // U+FFFD rather than an exception in the middle of a stream.
  return write_frame("data: " + payload.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n");
}

json ChatStream::chunk(json delta, const json& finish) const {
  json c = {{"id", completion_.id},
            {"object", "chat.completion.chunk"},
            {"created", completion_.created},
            {"model", model_},
            {"system_fingerprint", nullptr},
            {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", finish}}})}};
  if (include_usage_) c["usage"] = nullptr;  // OpenAI's: null on every chunk but the usage one
  return c;
}

void ChatStream::start() {
  if (started_) return;
  started_ = true;
  write(chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
}

void ChatStream::text(std::string_view delta) {
  if (delta.empty()) return;
  start();
  write(chunk({{"content", std::string(delta)}}, nullptr));
}

void ChatStream::answered(const ask::AskResult& result) {
  if (result.partial && !result.interrupted) {
    // Cut off by the model's server: an error, not an answer that looks complete.
    fail(ApiError{.status = 502, .type = "server_error", .message = "the model's answer was cut off; the server's log says why",
                  .param = std::nullopt, .code = "upstream_error"});
    return;
  }
  start();
  json last = chunk(json::object(), finish_reason(result));
  last["sources"] = service::sources_json(result.pack);
  write(last);
  if (include_usage_) {
    json usage = chunk(json::object(), nullptr);
    usage["choices"] = json::array();
    usage["usage"] = usage_json(result);
    write(usage);
  }
  write_frame("data: [DONE]\n\n");
  ended_ = true;
}

void ChatStream::fail(const ApiError& error) {
  started_ = true;
  write(to_json(error));
  ended_ = true;
}

std::optional<ask::AskResult> stream_chat_completion(service::Session& session, const ChatRequest& request,
                                                     const ask::ResolvedProvider& provider, const Sink& sink,
                                                     const Completion& completion) {
  ChatStream stream(sink, request, completion);
  ask::AskRequest r = request.ask;
  r.cancel = stream.cancel_flag();
  r.stream = true;
  try {
    return service::answer(session, r, provider, stream);
  } catch (const Error& e) {
    if (!stream.started()) throw;
    stream.fail(api_error(e));
    return std::nullopt;
  }
}

}  // namespace strata::openai
