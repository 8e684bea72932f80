#pragma once
// OpenAI's shapes, described once (service::Description: name, type, help, required), for the
// OpenAPI document of `strata serve`'s /v1 routes: the chat completion request and result, the
// embeddings request and result, the models, the error.
//
// The chat request is one table, k_chat_request_fields: each of OpenAI's fields strata knows,
// with what the OpenAPI document shows of it and what strata does with it (honoured, ignored,
// refused unless unset). read_chat_request (chat.h) reads the treatments from it and the OpenAPI
// schema is json_schema(k_chat_completion_request), made from the same rows: a field cannot be
// treated without being documented, nor documented without a treatment.
#include <span>
#include <string_view>

#include "service/description.h"

namespace strata::openai {

// What becomes of one of OpenAI's chat request fields.
enum class Treatment {
  honoured,  // read by chat.cpp
  ignored,   // accepted and without effect: sampling hints and bookkeeping
  unset,     // accepted only unset (null, false, "", [] or {}): strata cannot do what it asks
};

// The help of an ignored field starts with this, of a field refused unless unset with
// k_refused_help: the OpenAPI document says what strata does with it.
inline constexpr std::string_view k_ignored_help = "Ignored by strata: ";
inline constexpr std::string_view k_refused_help = "Refused unless unset (null, false, \"\", [] or {}): ";

// One field of OpenAI's chat completion request.
struct ChatField {
  service::Field field;  // what the OpenAPI document shows
  Treatment treatment = Treatment::honoured;
};

// Every field of OpenAI's chat request that strata knows; any other is refused
// (unknown_parameter), as OpenAI refuses a field it does not know.
extern const std::span<const ChatField> k_chat_request_fields;
// The row of `name`, or nullptr.
const ChatField* find_chat_field(std::string_view name);
// Why a field refused unless unset is refused: its help after k_refused_help ("" for the others).
std::string_view refusal_reason(const ChatField& field);

// For the OpenAPI document. The requests are open objects there (a field strata does not know
// is refused by the reading code, as OpenAI refuses it, not by the schema).
extern const service::Description k_chat_completion_request;  // the fields of k_chat_request_fields
extern const service::Description k_chat_completion_result;
extern const service::Description k_embeddings_request;
extern const service::Description k_embeddings_result;
extern const service::Description k_models_result;
extern const service::Description k_model_result;
extern const service::Description k_openai_error;

}  // namespace strata::openai
