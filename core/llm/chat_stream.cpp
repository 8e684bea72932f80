#include "llm/chat_stream.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "common/json_limits.h"
#include "common/text.h"
#include "common/utf8.h"
#include "llm/redact.h"
#include "llm/sanitize.h"
#include "common/setting.h"

namespace strata::llm {
namespace {

using nlohmann::json;

constexpr std::size_t kQuoteLimit = 300;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Server text made fit to quote in an error message: keys and personal data redacted, no
// controls or escape sequences, whitespace runs folded, at most kQuoteLimit bytes.
std::string quote_server_text(std::string_view text) {
  // Sanitise first: a key split by control characters would pass the redaction and then be
  // joined back together when the sanitiser removed them (found by fuzz_chat_openai).
  const std::string safe = redact(sanitize_for_terminal(text)).text;
  std::string out;
  bool space = false;
  for (char c : safe) {
    if (c == '\n' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > kQuoteLimit) {
    out.resize(utf8_boundary_before(out, kQuoteLimit));
    out += "…";
  }
  return out;
}

std::string string_field(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : dump(*it);
}

std::optional<std::uint64_t> count_field(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) return std::nullopt;
  return it->get<std::uint64_t>();
}

// The parts of an error object, whichever provider shaped it.
struct ErrorFields {
  std::string type, code, message;
};

ErrorFields error_fields(const json& doc) {
  ErrorFields f;
  if (!doc.is_object()) return f;
  const auto it = doc.find("error");
  if (it != doc.end() && it->is_object()) {
    f.type = string_field(*it, "type");
    f.code = string_field(*it, "code");
    f.message = string_field(*it, "message");
  } else if (it != doc.end() && it->is_string()) {
    f.message = it->get<std::string>();  // {"error": "..."} (LM Studio, Ollama's native API)
  } else {
    f.message = string_field(doc, "message");  // vLLM: {"object":"error","message":...}
    f.type = string_field(doc, "type");
  }
  return f;
}

bool mentions_context_length(const ErrorFields& f) {
  if (f.code == "context_length_exceeded" || f.type == "exceed_context_size_error" ||
      f.type == "request_too_large") {
    return true;
  }
  const std::string m = to_lower(f.message);
  static constexpr std::array<std::string_view, 9> kPhrases = {
      "context length",     "context_length",      "maximum context",
      "prompt is too long", "too many tokens",     "exceeds the available context",
      "context window",     "input is too long",   "exceed context"};
  return std::any_of(kPhrases.begin(), kPhrases.end(),
                     [&](std::string_view p) { return m.find(p) != std::string::npos; });
}

std::string http_label(long status) { return status > 0 ? " (HTTP " + std::to_string(status) + ")" : ""; }

ChatError classify(long status, const ErrorFields& f) {
  const std::string said = f.message.empty() ? std::string() : ": " + quote_server_text(f.message);
  const std::string label = http_label(status);
  if (status == 401 || status == 403 || f.type == "authentication_error" || f.type == "permission_error" ||
      f.code == "invalid_api_key") {
    // Never quote the server here: OpenAI's 401 message echoes part of the key.
    return ChatError(ChatErrorKind::key_rejected, ExitCode::usage,
                     "the server rejected the API key" + label,
                     "check that the provider's API key variable holds a valid key with access to the model");
  }
  if (mentions_context_length(f)) {
    return ChatError(ChatErrorKind::context_too_long, ExitCode::usage,
                     "the prompt is too long for the model's context window" + label + said,
                     "lower " + mention(Setting::context_tokens) + ", or use a model with a larger context window");
  }
  if (f.code == "insufficient_quota") {
    return ChatError(ChatErrorKind::bad_request, ExitCode::usage, "the account has no quota left" + label + said);
  }
  if (status == 429 || f.type == "rate_limit_error" || f.code == "rate_limit_exceeded") {
    return ChatError(ChatErrorKind::rate_limited, ExitCode::unavailable, "the server is rate-limiting requests" + label + said);
  }
  if (status == 404 || f.type == "not_found_error") {
    return ChatError(ChatErrorKind::not_found, ExitCode::usage, "not found" + label + said,
                     "check " + mention(Setting::model) + " and " + mention(Setting::base_url));
  }
  if (status >= 400 && status < 500) {
    return ChatError(ChatErrorKind::bad_request, ExitCode::usage, "the server refused the request" + label + said);
  }
  if (status == 0 && f.type == "invalid_request_error") {
    return ChatError(ChatErrorKind::bad_request, ExitCode::usage, "the server refused the request" + said);
  }
  const std::string what = f.type == "overloaded_error" ? "the server is overloaded" : "the server failed";
  return ChatError(ChatErrorKind::server, ExitCode::unavailable, what + label + said);
}

ChatError malformed(std::string_view what, std::string_view data) {
  return ChatError(ChatErrorKind::malformed, ExitCode::unavailable,
                   std::string(what) + (data.empty() ? "" : ": " + quote_server_text(data.substr(0, 200))));
}

// A response, event or error body: deeper than k_json_max_depth is refused unread (a tool call's
// input nested 200,000 levels crashed the copy and dump that follow parsing).
constexpr JsonLimits k_response_limits{.max_depth = k_json_max_depth, .max_bytes = std::size_t{64} << 20};

json parse_json(std::string_view text, std::string_view what) {
  ParsedJson parsed = parse_json_within(text, k_response_limits);
  if (parsed.beyond_limits()) throw malformed(std::string(what) + " is JSON " + parsed.message, {});
  if (!parsed.ok() || !parsed.value.is_object()) throw malformed(std::string(what) + " is not a JSON object", text);
  return std::move(parsed.value);
}

void read_openai_usage(const json& doc, Usage& usage) {
  const auto it = doc.find("usage");
  if (it == doc.end() || !it->is_object()) return;
  if (auto n = count_field(*it, "prompt_tokens")) usage.input_tokens = n;
  if (auto n = count_field(*it, "completion_tokens")) usage.output_tokens = n;
}

void read_anthropic_usage(const json& usage_json, Usage& usage) {
  if (!usage_json.is_object()) return;
  if (auto n = count_field(usage_json, "input_tokens")) usage.input_tokens = n;
  if (auto n = count_field(usage_json, "output_tokens")) usage.output_tokens = n;
}

const json* first_choice(const json& doc) {
  const auto it = doc.find("choices");
  if (it == doc.end() || !it->is_array() || it->empty() || !(*it)[0].is_object()) return nullptr;
  return &(*it)[0];
}

const char* role_name(ChatMessage::Role role) { return role == ChatMessage::Role::user ? "user" : "assistant"; }

// A JSON object given as text (a schema, a call's arguments); `fallback` when it is not one.
json object_or(std::string_view text, json fallback) {
  ParsedJson parsed = parse_json_within(text, k_response_limits);
  return parsed.ok() && parsed.value.is_object() ? std::move(parsed.value) : fallback;
}

json openai_message(const ChatMessage& m) {
  if (m.role == ChatMessage::Role::tool) {
    return {{"role", "tool"}, {"tool_call_id", m.tool_call_id}, {"content", m.content}};
  }
  json out = {{"role", role_name(m.role)}, {"content", m.content}};
  if (m.tool_calls.empty()) return out;
  if (m.content.empty()) out["content"] = nullptr;
  json calls = json::array();
  for (const ToolCall& c : m.tool_calls) {
    calls.push_back({{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
  }
  out["tool_calls"] = std::move(calls);
  return out;
}

// Anthropic: an assistant turn's calls are tool_use blocks after its text, and the results of
// one turn's calls go back together as tool_result blocks of a single user message.
json anthropic_messages(const std::vector<ChatMessage>& messages) {
  json out = json::array();
  for (const ChatMessage& m : messages) {
    if (m.role == ChatMessage::Role::tool) {
      json block = {{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}, {"content", m.content}};
      if (m.is_error) block["is_error"] = true;
      const bool joins = !out.empty() && out.back()["role"] == "user" && out.back()["content"].is_array();
      if (joins) {
        out.back()["content"].push_back(std::move(block));
      } else {
        out.push_back({{"role", "user"}, {"content", json::array({std::move(block)})}});
      }
      continue;
    }
    if (m.tool_calls.empty()) {
      out.push_back({{"role", role_name(m.role)}, {"content", m.content}});
      continue;
    }
    json blocks = json::array();
    if (!m.content.empty()) blocks.push_back({{"type", "text"}, {"text", m.content}});
    for (const ToolCall& c : m.tool_calls) {
      blocks.push_back({{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", object_or(c.arguments, json::object())}});
    }
    out.push_back({{"role", "assistant"}, {"content", std::move(blocks)}});
  }
  return out;
}

json tool_declarations(Provider provider, const std::vector<ToolSpec>& tools) {
  json out = json::array();
  for (const ToolSpec& t : tools) {
    json schema = object_or(t.input_schema, {{"type", "object"}});
    if (provider == Provider::anthropic) {
      out.push_back({{"name", t.name}, {"description", t.description}, {"input_schema", std::move(schema)}});
    } else {
      out.push_back({{"type", "function"},
                     {"function", {{"name", t.name}, {"description", t.description}, {"parameters", std::move(schema)}}}});
    }
  }
  return out;
}

void check_tool_call_count(std::size_t count) {
  if (count > k_max_tool_calls) {
    throw malformed("the response asks for more than " + std::to_string(k_max_tool_calls) + " tool calls at once", {});
  }
}

std::int64_t block_index(const json& doc) {
  const auto it = doc.find("index");
  return it != doc.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

void append_arguments(ToolCall& call, std::string_view more) {
  if (call.arguments.size() + more.size() > k_max_tool_arguments) {
    throw malformed("a tool call's arguments exceed " + std::to_string(k_max_tool_arguments) + " bytes", {});
  }
  call.arguments.append(more);
}

}  // namespace

std::string chat_request_body(Provider provider, const ChatRequest& request) {
  json messages = json::array();
  if (provider == Provider::openai && !request.system.empty()) {
    messages.push_back({{"role", "system"}, {"content", request.system}});
  }
  if (provider == Provider::anthropic) {
    messages = anthropic_messages(request.messages);
  } else {
    for (const ChatMessage& m : request.messages) messages.push_back(openai_message(m));
  }
  json body = {{"model", request.model}, {"messages", std::move(messages)}, {"stream", request.stream}};
  if (provider == Provider::anthropic) {
    if (!request.system.empty()) body["system"] = request.system;
    body["max_tokens"] = request.max_tokens.value_or(4096);
  } else {
    if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
    if (request.stream) body["stream_options"] = {{"include_usage", true}};
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  if (!request.tools.empty()) {
    body["tools"] = tool_declarations(provider, request.tools);
    if (request.forbid_tools) {
      body["tool_choice"] = provider == Provider::anthropic ? json{{"type", "none"}} : json("none");
    }
  }
  return dump(body);
}

ChatError chat_http_error(Provider, long status, std::string_view body) {
  const json doc = parse_json_within(body, k_response_limits).value;
  ErrorFields f;
  if (!doc.is_discarded() && doc.is_object()) {
    f = error_fields(doc);
  } else {
    f.message = std::string(body);  // plain text or HTML from a proxy
  }
  return classify(status, f);
}

ChatDelta ChatStreamDecoder::decode(const SseEvent& event) {
  ChatDelta delta = provider_ == Provider::openai ? decode_openai(event) : decode_anthropic(event);
  text_ += delta.text;
  if (delta.finish_reason) finish_reason_ = delta.finish_reason;
  return delta;
}

ChatDelta ChatStreamDecoder::decode_openai(const SseEvent& event) {
  ChatDelta delta;
  if (event.is_done()) {
    finished_ = true;
    return delta;
  }
  const json doc = parse_json(event.data, "a streamed event");
  if (doc.contains("error")) throw classify(0, error_fields(doc));
  if (auto m = string_field(doc, "model"); !m.empty()) model_ = m;
  read_openai_usage(doc, usage_);
  if (const json* choice = first_choice(doc)) {
    const auto d = choice->find("delta");
    if (d != choice->end() && d->is_object()) {
      const auto content = d->find("content");
      if (content != d->end() && content->is_string()) delta.text = content->get<std::string>();
      const auto calls = d->find("tool_calls");
      if (calls != d->end() && calls->is_array()) {
        for (const json& piece : *calls) decode_openai_tool_piece(piece);
      }
    }
    const auto reason = choice->find("finish_reason");
    if (reason != choice->end() && reason->is_string()) {
      delta.finish_reason = reason->get<std::string>();
      finished_ = true;
    }
  }
  return delta;
}

ToolCall& ChatStreamDecoder::tool_call_at(std::int64_t index) {
  for (std::size_t i = 0; i < tool_indexes_.size(); ++i) {
    if (tool_indexes_[i] == index) return tool_calls_[i];
  }
  check_tool_call_count(tool_calls_.size() + 1);
  tool_indexes_.push_back(index);
  return tool_calls_.emplace_back();
}

// One piece of a streamed call: {"index", "id", "function": {"name", "arguments"}}; the first
// piece of a call names it, later ones add to its arguments.
void ChatStreamDecoder::decode_openai_tool_piece(const json& piece) {
  if (!piece.is_object()) return;
  const auto index = piece.find("index");
  ToolCall& call = tool_call_at(index != piece.end() && index->is_number_integer() ? index->get<std::int64_t>() : 0);
  if (auto id = string_field(piece, "id"); !id.empty()) call.id = id;
  const auto function = piece.find("function");
  if (function == piece.end() || !function->is_object()) return;
  if (auto name = string_field(*function, "name"); !name.empty()) call.name = name;
  append_arguments(call, string_field(*function, "arguments"));
}

ChatDelta ChatStreamDecoder::decode_anthropic(const SseEvent& event) {
  ChatDelta delta;
  const json doc = parse_json(event.data, "a streamed event");
  std::string type = string_field(doc, "type");
  if (type.empty()) type = event.type;
  if (type == "error") {
    throw classify(0, error_fields(doc));
  } else if (type == "message_start") {
    const auto message = doc.find("message");
    if (message != doc.end() && message->is_object()) {
      if (auto m = string_field(*message, "model"); !m.empty()) model_ = m;
      if (message->contains("usage")) read_anthropic_usage((*message)["usage"], usage_);
    }
  } else if (type == "content_block_start") {
    const auto block = doc.find("content_block");
    if (block == doc.end()) return delta;
    const std::string kind = string_field(*block, "type");
    if (kind == "text") delta.text = string_field(*block, "text");
    if (kind == "tool_use") {
      ToolCall& call = tool_call_at(block_index(doc));
      call.id = string_field(*block, "id");
      call.name = string_field(*block, "name");
      // The input arrives as input_json_delta pieces; a non-empty one here is the whole input.
      const auto input = block->find("input");
      if (input != block->end() && input->is_object() && !input->empty()) call.arguments = dump(*input);
    }
  } else if (type == "content_block_delta") {
    const auto d = doc.find("delta");
    if (d == doc.end()) return delta;
    const std::string kind = string_field(*d, "type");
    if (kind == "text_delta") delta.text = string_field(*d, "text");
    if (kind == "input_json_delta") append_arguments(tool_call_at(block_index(doc)), string_field(*d, "partial_json"));
  } else if (type == "message_delta") {
    const auto d = doc.find("delta");
    if (d != doc.end()) {
      if (auto reason = string_field(*d, "stop_reason"); !reason.empty()) {
        delta.finish_reason = reason;
        finished_ = true;
      }
    }
    if (doc.contains("usage")) read_anthropic_usage(doc["usage"], usage_);
  } else if (type == "message_stop") {
    finished_ = true;
  }
  // ping, content_block_stop and event types added later carry no text.
  return delta;
}

namespace {

std::vector<ToolCall> openai_tool_calls(const json& message) {
  std::vector<ToolCall> out;
  const auto calls = message.find("tool_calls");
  if (calls == message.end() || !calls->is_array()) return out;
  check_tool_call_count(calls->size());
  for (const json& c : *calls) {
    if (!c.is_object()) continue;
    ToolCall call{string_field(c, "id"), {}, {}};
    const auto function = c.find("function");
    if (function != c.end() && function->is_object()) {
      call.name = string_field(*function, "name");
      append_arguments(call, string_field(*function, "arguments"));
    }
    out.push_back(std::move(call));
  }
  return out;
}

}  // namespace

ChatResponse parse_chat_response(Provider provider, std::string_view body) {
  const json doc = parse_json(body, "the response");
  ChatResponse r;
  if (provider == Provider::openai) {
    if (doc.contains("error")) throw classify(0, error_fields(doc));
    const json* choice = first_choice(doc);
    if (choice == nullptr) throw malformed("the response has no choices", body);
    const auto message = choice->find("message");
    if (message == choice->end() || !message->is_object()) throw malformed("the response has no message", body);
    r.text = string_field(*message, "content");
    r.tool_calls = openai_tool_calls(*message);
    if (auto reason = string_field(*choice, "finish_reason"); !reason.empty()) r.finish_reason = reason;
    read_openai_usage(doc, r.usage);
  } else {
    if (string_field(doc, "type") == "error") throw classify(0, error_fields(doc));
    const auto content = doc.find("content");
    if (content == doc.end() || !content->is_array()) throw malformed("the response has no content", body);
    for (const json& block : *content) {
      const std::string kind = string_field(block, "type");
      if (kind == "text") r.text += string_field(block, "text");
      if (kind != "tool_use") continue;
      check_tool_call_count(r.tool_calls.size() + 1);
      ToolCall call{string_field(block, "id"), string_field(block, "name"), "{}"};
      const auto input = block.find("input");
      if (input != block.end() && input->is_object()) call.arguments = dump(*input);
      r.tool_calls.push_back(std::move(call));
    }
    if (auto reason = string_field(doc, "stop_reason"); !reason.empty()) r.finish_reason = reason;
    if (doc.contains("usage")) read_anthropic_usage(doc["usage"], r.usage);
  }
  r.model = string_field(doc, "model");
  return r;
}

bool finished_by_length(std::string_view finish_reason) {
  return finish_reason == "length" || finish_reason == "max_tokens";
}

}  // namespace strata::llm
