#pragma once
// The ask operation as every door asks it: a question answered from a collection's documents
// with checked citations, optionally as a follow-up to earlier turns that the caller holds (an
// OpenAI chat completion's messages, `strata chat` with logging off). The request's fields with
// their defaults and limits, the rules that turn a JSON body into an ask::AskRequest, the run
// (core/ask's ask::ask, its events reaching the door as they come: the answer streamed piece by
// piece), and the result's shape: what `strata ask --json` prints.
//
// What a door owns and a caller never sets: the model's provider, server and key (the
// operator's ask::ResolvedProvider), whose the exchange is (the principal), logging, the cache,
// the embedding server and the reranker, tools. They come in `base`.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ask/ask.h"
#include "service/description.h"
#include "service/search.h"
#include "service/session.h"
#include "store/store.h"

namespace strata::service {

// Chunks retrieved before packing (ask::AskRequest's k): k_ask_k_default unless asked; a remote
// caller's at most k_ask_k_max (the pack's token budget keeps the best of them; more only costs
// the search). The terminal's -k goes to k_terminal_k_max.
inline constexpr std::int64_t k_ask_k_default = 20;
inline constexpr std::int64_t k_ask_k_max = 100;
// Earlier turns a request may carry, and their text in all: a conversation, not a corpus (the
// model's window bounds what is sent; this bounds what is read).
inline constexpr std::int64_t k_history_turns_max = 200;
inline constexpr std::size_t k_history_bytes_max = std::size_t{1} << 20;
// max_tokens: a bound on the number, not a promise the model keeps (its server caps it lower).
inline constexpr std::int64_t k_max_tokens_max = std::int64_t{1} << 20;

inline constexpr std::string_view k_role_names[] = {"user", "assistant"};
inline constexpr Field k_turn_fields[] = {
    {.name = "role", .type = Type::string, .help = "Who said it: user or assistant", .required = true, .choices = k_role_names},
    {.name = "content", .type = Type::string, .help = "What was said", .required = true},
};

// The request: {question, collection, k, mode, where, history, context, temperature, max_tokens}.
inline constexpr Field k_ask_request_fields[] = {
    {.name = "question", .type = Type::string, .help = "The question, in plain words", .required = true},
    {.name = "collection", .type = Type::string, .help = k_collection_help},
    {.name = "k",
     .type = Type::integer,
     .help = "Chunks retrieved before the best are packed into the prompt (default 20)",
     .minimum = 1,
     .maximum = k_ask_k_max},
    {.name = "mode",
     .type = Type::string,
     .help = "Retrieval: keyword (BM25), vector, or hybrid (both fused); default: hybrid when the collection has vectors",
     .choices = k_mode_names},
    {.name = "where",
     .type = Type::array,
     .help = "Metadata filters on the documents retrieved, all must hold: key=value, key^=prefix or key~glob",
     .items = Type::string},
    {.name = "history",
     .type = Type::array,
     .help = "Earlier turns of the conversation, oldest first, {role, content} each: the question is a follow-up to them",
     .fields = k_turn_fields,
     .items = Type::object},
    {.name = "context",
     .type = Type::string,
     .help = "Text the question is about (an error message, a log), at most 1 MiB; it is not a source"},
    {.name = "temperature", .type = Type::number, .help = "Sampling temperature, 0 to 2 (default: the server's)"},
    {.name = "max_tokens",
     .type = Type::integer,
     .help = "Longest answer in tokens (default: the server's)",
     .minimum = 1,
     .maximum = k_max_tokens_max},
};
inline constexpr Description k_ask_request{k_ask_request_fields};

// The result, as `strata ask --json` prints it.
inline constexpr Field k_ask_source_fields[] = {
    {.name = "n", .type = Type::integer, .help = "The number the answer cites it by ([n])", .required = true},
    {.name = "document", .type = Type::integer, .required = true},
    {.name = "source", .type = Type::string, .required = true},
    {.name = "title", .type = Type::string, .help = "The document's title (\"\" when it has none)", .required = true},
    {.name = "section", .type = Type::string, .help = "The passage's heading path below the title (\"\" when none)", .required = true},
    {.name = "lines", .type = Type::array, .required = true, .items = Type::integer},
    {.name = "pages", .type = Type::array, .required = true, .nullable = true, .items = Type::integer},
    {.name = "score", .type = Type::number, .required = true},
    {.name = "text", .type = Type::string, .required = true},
    {.name = "chunk_ids", .type = Type::array, .required = true, .items = Type::integer},
};
inline constexpr Field k_ask_usage_fields[] = {
    {.name = "input_tokens", .type = Type::integer, .required = true, .nullable = true},
    {.name = "output_tokens", .type = Type::integer, .required = true, .nullable = true},
};
inline constexpr std::string_view k_tool_call_statuses[] = {"ok", "error", "refused"};
inline constexpr Field k_ask_tool_call_fields[] = {
    {.name = "step", .type = Type::integer, .required = true},
    {.name = "tool", .type = Type::string, .required = true},
    {.name = "origin", .type = Type::string, .required = true},
    {.name = "arguments", .type = Type::string, .required = true},
    {.name = "status", .type = Type::string, .required = true, .choices = k_tool_call_statuses},
    {.name = "ms", .type = Type::number, .required = true},
    {.name = "result_bytes", .type = Type::integer, .required = true},
};
inline constexpr Field k_ask_timing_fields[] = {
    {.name = "open_ms", .type = Type::number, .required = true},
    {.name = "rewrite_ms", .type = Type::number, .required = true},
    {.name = "retrieval_ms", .type = Type::number, .required = true},
    {.name = "pack_ms", .type = Type::number, .required = true},
    {.name = "cache_ms", .type = Type::number, .required = true},
    {.name = "client_ms", .type = Type::number, .required = true},
    {.name = "llm_ms", .type = Type::number, .required = true},
    {.name = "first_text_ms", .type = Type::number, .required = true},
    {.name = "answer_ms", .type = Type::number, .required = true},
    {.name = "citations_ms", .type = Type::number, .required = true},
    {.name = "log_ms", .type = Type::number, .required = true},
    {.name = "own_ms", .type = Type::number, .required = true},
    {.name = "total_ms", .type = Type::number, .required = true},
};
inline constexpr std::string_view k_provider_names[] = {"none", "openai", "anthropic"};
inline constexpr Field k_ask_result_fields[] = {
    {.name = "answer", .type = Type::string, .required = true},
    {.name = "abstained", .type = Type::boolean, .help = "The documents do not answer the question, and the answer says so", .required = true},
    {.name = "retrieval_query", .type = Type::string, .help = "What the search was given, when not the question", .required = true, .nullable = true},
    {.name = "rewritten", .type = Type::boolean, .required = true},
    {.name = "rewrite_cached", .type = Type::boolean, .required = true},
    {.name = "absent_words", .type = Type::array, .required = true, .items = Type::string},
    {.name = "citations", .type = Type::array, .help = "The source numbers the answer cites", .required = true, .items = Type::integer},
    {.name = "unknown_citations", .type = Type::array, .help = "Numbers cited that are no source", .required = true, .items = Type::integer},
    {.name = "sources", .type = Type::array, .required = true, .fields = k_ask_source_fields, .items = Type::object},
    {.name = "provider", .type = Type::string, .required = true, .choices = k_provider_names},
    {.name = "model", .type = Type::string, .required = true},
    {.name = "usage", .type = Type::object, .required = true, .fields = k_ask_usage_fields},
    {.name = "cached", .type = Type::boolean, .required = true},
    {.name = "partial", .type = Type::boolean, .help = "The answer was cut off: it is what arrived", .required = true},
    {.name = "finish_reason", .type = Type::string, .required = true, .nullable = true},
    {.name = "mode", .type = Type::string, .required = true, .choices = k_mode_names},
    {.name = "conversation", .type = Type::integer, .required = true, .nullable = true},
    {.name = "call", .type = Type::integer, .help = "The exchange's id in the log (0: not logged)", .required = true},
    {.name = "steps", .type = Type::integer, .required = true},
    {.name = "step_limit", .type = Type::boolean, .required = true},
    {.name = "tool_calls", .type = Type::array, .required = true, .fields = k_ask_tool_call_fields, .items = Type::object},
    {.name = "timings", .type = Type::object, .required = true, .fields = k_ask_timing_fields},
};
inline constexpr Description k_ask_result{k_ask_result_fields};

// The request's arguments applied to `base` (what the door owns, above); a call that names no
// collection asks of `collection`; k defaults to k_ask_k_default; history becomes the request's
// turns (ask::AskRequest::turns: the caller's conversation, not one of the store's). Throws
// Error(usage) naming a bad argument ("history[2].role").
ask::AskRequest ask_request(const nlohmann::json& arguments, ask::AskRequest base, const std::string& collection);

// The checks every door's request passes, however it was read (flags, JSON): a question that is
// not blank ("the question is empty"), k from 1 to `k_max`. Throws Error(usage).
void check_ask_request(const ask::AskRequest& request, std::int64_t k_max);

// `request` asked on the caller's session: the caller must reach its collection, and its
// retrieval and its own search tool run the session's search (the caller's reach, the door's
// bounds and breakers, the session's searcher). `session` outlives the answer. For a door that
// runs ask::ask itself (strata chat's turns).
ask::AskRequest on_session(ask::AskRequest request, Session& session);

// Answers `request` on the caller's session by ask::ask (on_session above): `events` gets the
// sources, the answer piece by piece as the model writes it (unsanitised: a door that prints
// sanitises), retries and tool calls, as they come. Throws as ask::ask does.
ask::AskResult answer(Session& session, const ask::AskRequest& request, const ask::ResolvedProvider& provider,
                      ask::AskObserver& events);
// The same with the answer's pieces alone going to `text` (a door that streams tokens).
ask::AskResult answer(Session& session, const ask::AskRequest& request, const ask::ResolvedProvider& provider,
                      const std::function<void(std::string_view)>& text);

// `result` as k_ask_result describes it: `strata ask --json`'s object.
nlohmann::json to_json(const ask::AskResult& result);
// The packed sources as k_ask_result's "sources" holds them (also `strata ask --context-only
// --json`'s).
nlohmann::json sources_json(const llm::ContextPack& pack);

}  // namespace strata::service
