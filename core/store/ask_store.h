#pragma once
// The store's `strata ask` tables (migration 0006): conversations and their messages, the log
// of every answer (`strata logs`), and the response cache. All their SQL is here.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace strata::store {

namespace pg {
class Asks;
}

struct ConversationTurn {
  enum class Role { user, assistant };
  Role role = Role::user;
  std::string content;
};

struct Conversation {
  std::int64_t id = 0;
  std::string collection;
  std::string title;
  std::vector<ConversationTurn> turns;  // oldest first
};

// A model answer as the cache keeps it.
struct CachedAnswer {
  std::string answer;
  std::string model;
  std::optional<std::string> finish_reason;
  std::optional<std::int64_t> input_tokens, output_tokens;
};

enum class CallStatus { ok, partial, error };
const char* to_string(CallStatus status);

// One row of the log.
struct LlmCall {
  std::int64_t id = 0;  // set by the store
  std::optional<std::int64_t> conversation_id;
  std::string collection;
  std::string question;
  std::string answer;
  std::string provider;  // "openai", "anthropic" or "none"
  std::string model;
  std::string endpoint;  // "" offline
  CallStatus status = CallStatus::ok;
  std::string error;
  bool cached = false;
  std::optional<std::int64_t> input_tokens, output_tokens;
  double latency_ms = 0, total_ms = 0;
  std::vector<std::int64_t> chunk_ids;
  // What retrieval searched for when not `question` (a follow-up in a conversation); nullopt
  // when it searched for the question itself.
  std::optional<std::string> retrieval_query;
  // The tool calls made before the answer, as JSON (see migrations/0013); nullopt when no tool
  // was offered.
  std::optional<std::string> tool_calls;
  std::string created_at;  // set by the store (ISO 8601, UTC)
};

// What one finished `ask` leaves in the store, written in one transaction so that a kill
// leaves either all of it or none.
struct AskRecord {
  LlmCall call;
  // Conversation: append (question, answer) to `conversation_id`, or with `new_conversation`
  // create one first (its id then lands in call.conversation_id). Neither: no history kept
  // (a partial or failed answer is logged but never becomes a turn).
  std::optional<std::int64_t> conversation_id;
  bool new_conversation = false;
  // The answer to cache under `cache_key` (a complete model answer only).
  std::optional<std::string> cache_key;
  std::optional<CachedAnswer> cache_value;
  // A follow-up's standalone question from the model, to cache under its request's key.
  std::optional<std::string> rewrite_cache_key;
  std::optional<CachedAnswer> rewrite_cache_value;
};

class AskStore {
 public:
  // REQUIRES: `store` outlives this object. Every method throws Error(unavailable) naming the
  // store when SQLite fails. Writes commit with PRAGMA synchronous = NORMAL while this object
  // lives (restored afterwards): the log and cache are not worth an fsync on the answer's
  // critical path, and WAL keeps them consistent through a crash.
  explicit AskStore(Store& store);
  ~AskStore();
  AskStore(const AskStore&) = delete;
  AskStore& operator=(const AskStore&) = delete;

  // The conversation with the most recent activity, if any.
  std::optional<std::int64_t> last_conversation();
  // The conversation and its turns; nullopt when there is no such id.
  std::optional<Conversation> conversation(std::int64_t id);

  std::optional<CachedAnswer> cached_answer(const std::string& key);

  // Writes `record` (see AskRecord): the log row's id and the conversation (new or given).
  struct Written {
    std::int64_t call_id = 0;
    std::optional<std::int64_t> conversation_id;
  };
  Written write(const AskRecord& record);

  // Logged calls, newest first: at most `limit` (0: all), only those of `conversation` if set.
  std::vector<LlmCall> calls(std::size_t limit, std::optional<std::int64_t> conversation = std::nullopt);
  // The logged call `id`, or nullopt.
  std::optional<LlmCall> call(std::int64_t id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;                 // a SQLite store's
  std::unique_ptr<pg::Asks> pg_;  // a PostgreSQL store's (store/postgres/pg_ops.h)
};

}  // namespace strata::store
