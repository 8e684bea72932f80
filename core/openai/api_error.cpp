#include "openai/api_error.h"

#include <utility>

#include "common/setting.h"
#include "llm/chat_stream.h"
#include "store/no_store.h"

namespace strata::openai {

ApiError invalid_request(std::string message, std::optional<std::string> param, std::optional<std::string> code) {
  return ApiError{.status = 400, .type = "invalid_request_error", .message = std::move(message), .param = std::move(param),
                  .code = std::move(code)};
}

ApiError model_not_found(const std::string& model) {
  return ApiError{.status = 404,
                  .type = "invalid_request_error",
                  .message = "The model '" + model + "' does not exist or you do not have access to it.",
                  .param = "model",
                  .code = "model_not_found"};
}

namespace {

ApiError upstream_error(const llm::ChatError& e) {
  switch (e.kind()) {
    case llm::ChatErrorKind::context_too_long:
      return invalid_request(e.what(), "messages", "context_length_exceeded");
    case llm::ChatErrorKind::rate_limited:
      return ApiError{.status = 429, .type = "rate_limit_error", .message = "the model's server limits the rate of requests; try again later",
                      .param = std::nullopt, .code = "upstream_rate_limited"};
    default:
      // A rejected key or a wrong model name upstream is the operator's to fix, not the client's.
      return ApiError{.status = 502, .type = "server_error", .message = "the model's server failed to answer; the server's log says why",
                      .param = std::nullopt, .code = "upstream_error"};
  }
}

}  // namespace

ApiError api_error(const Error& error) {
  if (const auto* chat = dynamic_cast<const llm::ChatError*>(&error)) return upstream_error(*chat);
  // Core's text names settings with marker bytes: a client reads the setting's name (the
  // request field's), never the bytes.
  const std::string message = with_setting_names(error.what());
  switch (error.kind()) {
    case ErrorKind::not_found:
      return ApiError{.status = 404, .type = "invalid_request_error", .message = message, .param = std::nullopt, .code = "not_found"};
    case ErrorKind::refused:
      return ApiError{.status = 403, .type = "permission_error", .message = message, .param = std::nullopt,
                      .code = "insufficient_permissions"};
    default: break;
  }
  switch (error.code()) {
    case ExitCode::usage:
    case ExitCode::invalid_input:
      return invalid_request(message, std::nullopt);
    case ExitCode::unavailable:
      // No store yet is for the operator to fix, not a passing failure: said so (the store's
      // path is the operator's and stays out).
      if (dynamic_cast<const store::NoStore*>(&error) != nullptr) {
        return ApiError{.status = 503, .type = "server_error",
                        .message = "this server has no store yet: it answers once its operator makes one (strata ingest)",
                        .param = std::nullopt, .code = "unavailable"};
      }
      return ApiError{.status = 503, .type = "server_error", .message = "the store or a server strata needs is unavailable; try again later",
                      .param = std::nullopt, .code = "unavailable"};
    default:
      return ApiError{.status = 500, .type = "server_error", .message = "strata failed to answer; the server's log says why",
                      .param = std::nullopt, .code = std::nullopt};
  }
}

nlohmann::json to_json(const ApiError& error) {
  using nlohmann::json;
  return json{{"error",
               {{"message", error.message},
                {"type", error.type},
                {"param", error.param ? json(*error.param) : json(nullptr)},
                {"code", error.code ? json(*error.code) : json(nullptr)}}}};
}

}  // namespace strata::openai
