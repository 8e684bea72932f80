#include "openai/shapes.h"

#include <array>
#include <cstddef>

#include "service/ask.h"

namespace strata::openai {

namespace {

using service::Field;
using service::Type;

constexpr Field k_oa_message_fields[] = {
    {.name = "role", .type = Type::string, .help = "system, developer, user or assistant; the last message is the user's question",
     .required = true},
    {.name = "content", .type = Type::string, .help = "The text (or an array of {type: text, text} parts)", .required = true},
};
constexpr Field k_oa_stream_option_fields[] = {
    {.name = "include_usage", .type = Type::boolean, .help = "A usage chunk before data: [DONE]"},
};
constexpr std::string_view k_tool_choices[] = {"none", "auto"};

// OpenAI's chat request, one row a field: the OpenAPI document's column and strata's. An
// ignored field's help starts with k_ignored_help, a refused one's with k_refused_help and goes
// on with the refusal's reason, which the refusal's message ends with (checked below).
constexpr ChatField k_chat_rows[] = {
    // Honoured: read by chat.cpp.
    {{.name = "model", .type = Type::string, .help = "strata/<collection>: the collection that answers (GET /v1/models lists them)",
      .required = true}},
    {{.name = "messages", .type = Type::array,
      .help = "The conversation: earlier user and assistant turns are the history (a follow-up), system and developer messages "
              "the client's instructions (never searched)",
      .required = true, .fields = k_oa_message_fields, .items = Type::object}},
    {{.name = "stream", .type = Type::boolean, .help = "Server-sent events of chat.completion.chunk objects, ending data: [DONE]"}},
    {{.name = "stream_options", .type = Type::object, .fields = k_oa_stream_option_fields}},
    {{.name = "temperature", .type = Type::number, .help = "0 to 2 (default: the model server's); at 0 a request asked before is answered from the answer cache, unless it is sent with the header Cache-Control: no-cache"}},
    {{.name = "max_completion_tokens", .type = Type::integer, .help = "Longest answer in tokens (also max_tokens)", .minimum = 1}},
    {{.name = "max_tokens", .type = Type::integer, .help = "Longest answer in tokens (max_completion_tokens wins when both are given)",
      .minimum = 1}},
    {{.name = "n", .type = Type::integer, .help = "1 only: strata gives one answer per request", .minimum = 1, .maximum = 1}},
    {{.name = "tool_choice", .type = Type::string, .help = "none or auto: there are no tools", .choices = k_tool_choices}},
    {{.name = "response_format", .type = Type::object, .help = "{\"type\": \"text\"} only: strata answers in text with citations",
      .open = true}},
    {{.name = "modalities", .type = Type::array, .help = "[\"text\"] only: strata answers in text only"}},
    // Ignored: sampling hints and bookkeeping (an answer without them is the answer asked for).
    {{.name = "user", .type = Type::string, .help = "Ignored by strata: whose the exchange is comes from the API key"},
     Treatment::ignored},
    {{.name = "top_p", .type = Type::number, .help = "Ignored by strata: a sampling hint"}, Treatment::ignored},
    {{.name = "frequency_penalty", .type = Type::number, .help = "Ignored by strata: a sampling hint"}, Treatment::ignored},
    {{.name = "presence_penalty", .type = Type::number, .help = "Ignored by strata: a sampling hint"}, Treatment::ignored},
    {{.name = "seed", .type = Type::integer, .help = "Ignored by strata: a sampling hint"}, Treatment::ignored},
    {{.name = "metadata", .type = Type::object, .help = "Ignored by strata: bookkeeping", .open = true}, Treatment::ignored},
    {{.name = "store", .type = Type::boolean, .help = "Ignored by strata: bookkeeping"}, Treatment::ignored},
    {{.name = "service_tier", .type = Type::string, .help = "Ignored by strata: bookkeeping"}, Treatment::ignored},
    {{.name = "parallel_tool_calls", .type = Type::boolean, .help = "Ignored by strata: there are no tools"}, Treatment::ignored},
    {{.name = "prompt_cache_key", .type = Type::string, .help = "Ignored by strata: bookkeeping"}, Treatment::ignored},
    {{.name = "safety_identifier", .type = Type::string, .help = "Ignored by strata: bookkeeping"}, Treatment::ignored},
    {{.name = "reasoning_effort", .type = Type::string, .help = "Ignored by strata: a hint to a reasoning model"}, Treatment::ignored},
    {{.name = "verbosity", .type = Type::string, .help = "Ignored by strata: a hint to the model"}, Treatment::ignored},
    // Refused unless unset: strata cannot do what they ask, and a client must not believe it did.
    {{.name = "tools", .type = Type::array,
      .help = "Refused unless unset (null, false, \"\", [] or {}): strata answers from its documents and runs no tools of the "
              "client's",
      .items = Type::object, .open = true},
     Treatment::unset},
    {{.name = "functions", .type = Type::array,
      .help = "Refused unless unset (null, false, \"\", [] or {}): strata answers from its documents and runs no tools of the "
              "client's",
      .items = Type::object, .open = true},
     Treatment::unset},
    {{.name = "function_call", .type = Type::string,
      .help = "Refused unless unset (null, false, \"\", [] or {}): strata answers from its documents and runs no tools of the "
              "client's"},
     Treatment::unset},
    {{.name = "stop", .type = Type::string,
      .help = "Refused unless unset (null, false, \"\", [] or {}): stop sequences are not supported"},
     Treatment::unset},
    {{.name = "logprobs", .type = Type::boolean,
      .help = "Refused unless unset (null, false, \"\", [] or {}): log probabilities are not available"},
     Treatment::unset},
    {{.name = "top_logprobs", .type = Type::integer,
      .help = "Refused unless unset (null, false, \"\", [] or {}): log probabilities are not available"},
     Treatment::unset},
    {{.name = "logit_bias", .type = Type::object,
      .help = "Refused unless unset (null, false, \"\", [] or {}): logit_bias is not supported", .open = true},
     Treatment::unset},
    {{.name = "audio", .type = Type::object,
      .help = "Refused unless unset (null, false, \"\", [] or {}): strata answers in text only", .open = true},
     Treatment::unset},
    {{.name = "prediction", .type = Type::object,
      .help = "Refused unless unset (null, false, \"\", [] or {}): predicted outputs are not supported", .open = true},
     Treatment::unset},
    {{.name = "web_search_options", .type = Type::object,
      .help = "Refused unless unset (null, false, \"\", [] or {}): strata answers from its documents, not the web", .open = true},
     Treatment::unset},
};

// What the OpenAPI document says of a field is what strata does with it.
constexpr bool rows_agree() {
  for (const ChatField& row : k_chat_rows) {
    const std::string_view help = row.field.help;
    switch (row.treatment) {
      case Treatment::honoured:
        if (help.starts_with(k_ignored_help) || help.starts_with(k_refused_help)) return false;
        break;
      case Treatment::ignored:
        if (!help.starts_with(k_ignored_help)) return false;
        break;
      case Treatment::unset:
        if (!help.starts_with(k_refused_help) || help.size() == k_refused_help.size()) return false;
        break;
    }
  }
  return true;
}
static_assert(rows_agree(), "an ignored or refused field's help must say so (k_ignored_help, k_refused_help and why)");

// The OpenAPI column of k_chat_rows.
template <std::size_t N>
constexpr std::array<Field, N> fields_of(const ChatField (&rows)[N]) {
  std::array<Field, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = rows[i].field;
  return out;
}
constexpr auto k_oa_chat_request_fields = fields_of(k_chat_rows);

constexpr Field k_oa_answer_fields[] = {
    {.name = "role", .type = Type::string, .required = true},
    {.name = "content", .type = Type::string, .required = true},
};
constexpr Field k_oa_choice_fields[] = {
    {.name = "index", .type = Type::integer, .required = true},
    {.name = "message", .type = Type::object, .required = true, .fields = k_oa_answer_fields, .open = true},
    {.name = "finish_reason", .type = Type::string, .required = true},
};
constexpr Field k_oa_usage_fields[] = {
    {.name = "prompt_tokens", .type = Type::integer, .required = true},
    {.name = "completion_tokens", .type = Type::integer, .required = true},
    {.name = "total_tokens", .type = Type::integer, .required = true},
};
constexpr Field k_oa_chat_result_fields[] = {
    {.name = "id", .type = Type::string, .required = true},
    {.name = "object", .type = Type::string, .help = "chat.completion", .required = true},
    {.name = "created", .type = Type::integer, .required = true},
    {.name = "model", .type = Type::string, .required = true},
    {.name = "choices", .type = Type::array, .required = true, .fields = k_oa_choice_fields, .items = Type::object},
    {.name = "usage", .type = Type::object, .required = true, .fields = k_oa_usage_fields},
    {.name = "sources", .type = Type::array, .help = "The passages the answer was given, [n] in it cites sources[n-1]",
     .required = true, .fields = service::k_ask_source_fields, .items = Type::object},
};

constexpr Field k_oa_embeddings_request_fields[] = {
    {.name = "model", .type = Type::string,
     .help = "strata/<collection> (its recorded embedder: vectors that compare with its own) or a built-in model (hash-ngram-v2)",
     .required = true},
    {.name = "input", .type = Type::array, .help = "The texts (or one string)", .required = true},
    {.name = "encoding_format", .type = Type::string, .help = "float (default) or base64"},
    {.name = "dimensions", .type = Type::integer, .help = "The model's own size only", .minimum = 1},
};
constexpr Field k_oa_embedding_fields[] = {
    {.name = "object", .type = Type::string, .required = true},
    {.name = "index", .type = Type::integer, .required = true},
    {.name = "embedding", .type = Type::array, .help = "Floats, or a base64 string", .required = true, .items = Type::number},
};
constexpr Field k_oa_embeddings_usage_fields[] = {
    {.name = "prompt_tokens", .type = Type::integer, .required = true},
    {.name = "total_tokens", .type = Type::integer, .required = true},
};
constexpr Field k_oa_embeddings_result_fields[] = {
    {.name = "object", .type = Type::string, .required = true},
    {.name = "data", .type = Type::array, .required = true, .fields = k_oa_embedding_fields, .items = Type::object},
    {.name = "model", .type = Type::string, .required = true},
    {.name = "usage", .type = Type::object, .required = true, .fields = k_oa_embeddings_usage_fields},
};

constexpr Field k_oa_model_fields[] = {
    {.name = "id", .type = Type::string, .help = "strata/<collection>", .required = true},
    {.name = "object", .type = Type::string, .required = true},
    {.name = "created", .type = Type::integer, .required = true},
    {.name = "owned_by", .type = Type::string, .required = true},
};
constexpr Field k_oa_models_fields[] = {
    {.name = "object", .type = Type::string, .required = true},
    {.name = "data", .type = Type::array, .required = true, .fields = k_oa_model_fields, .items = Type::object},
};

constexpr Field k_oa_error_body_fields[] = {
    {.name = "message", .type = Type::string, .required = true},
    {.name = "type", .type = Type::string, .required = true},
    {.name = "param", .type = Type::string, .required = true, .nullable = true},
    {.name = "code", .type = Type::string, .required = true, .nullable = true},
};
constexpr Field k_oa_error_fields[] = {
    {.name = "error", .type = Type::object, .required = true, .fields = k_oa_error_body_fields},
};

}  // namespace

const std::span<const ChatField> k_chat_request_fields{k_chat_rows};

std::string_view refusal_reason(const ChatField& field) {
  return field.treatment == Treatment::unset ? field.field.help.substr(k_refused_help.size()) : std::string_view{};
}

const ChatField* find_chat_field(std::string_view name) {
  for (const ChatField& row : k_chat_rows) {
    if (row.field.name == name) return &row;
  }
  return nullptr;
}

const service::Description k_chat_completion_request{k_oa_chat_request_fields, true};
const service::Description k_chat_completion_result{k_oa_chat_result_fields, true};
const service::Description k_embeddings_request{k_oa_embeddings_request_fields, true};
const service::Description k_embeddings_result{k_oa_embeddings_result_fields, true};
const service::Description k_models_result{k_oa_models_fields};
const service::Description k_model_result{k_oa_model_fields};
const service::Description k_openai_error{k_oa_error_fields};

}  // namespace strata::openai
