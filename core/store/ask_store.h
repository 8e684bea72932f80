#pragma once
// The store's `strata ask` tables (migration 0006): conversations and their messages, the log
// of every answer (`strata logs`), and the response cache. All their SQL is here.
//
// Whose rows they are (migration 0015, on PostgreSQL migrations/postgres/0003): every row records
// its principal (the user's key id; on PostgreSQL also the database role, owner_role, which
// row-level security keeps each role to), and each cache entry and conversation turn carries a
// MAC under the user's key (ask_rows.h). A store is data from elsewhere (a repository's
// committed store, a server whose owner or superuser can write any row): what it holds answers
// for the user's model only when the user's key vouches for it. Rows without a MAC (written
// before 0015) are never read back as an answer or a turn; `strata logs` still lists them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace strata::store {

class AsksBackend;

// Who asks: rows are written as theirs and read back only when their key vouches for them.
struct AskPrincipal {
  std::string id;      // recorded in each row: "key:" and 16 hex digits (ask/user_state.h)
  std::string secret;  // the key: MACs only, never stored. REQUIRES: not empty
  // The log (calls(), call()) lists only the rows recorded under `id`: set for an API key's
  // principal (auth/key.h), whose server's role holds every key's rows; unset, a user's key also
  // lists what its role (PostgreSQL) or the file (SQLite, rows from before 0015) logged.
  bool own_rows_only = false;
};

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
  // Every turn's MAC verifies under the principal's key (and there is at least one turn): only
  // then may the turns be sent to a model as the user's conversation.
  bool verified = false;
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
  // store when SQLite fails. Reads see the principal's rows only; writes record it and MAC the
  // cache entries and turns with its key. Throws Error(unavailable) when principal.secret is
  // empty (no key: nothing could be verified). Writes commit with PRAGMA synchronous = NORMAL while this object
  // lives (restored afterwards): the log and cache are not worth an fsync on the answer's
  // critical path, and WAL keeps them consistent through a crash.
  AskStore(Store& store, AskPrincipal principal);
  ~AskStore();
  AskStore(const AskStore&) = delete;
  AskStore& operator=(const AskStore&) = delete;

  // What this connection may do with the ask tables: on PostgreSQL the role's privileges (a
  // reader may have been granted none of them), on SQLite everything. `why` names the missing
  // privilege, for a warning. Asked of the server once per object.
  struct Access {
    bool read = true;   // SELECT on conversations, messages and response_cache
    bool write = true;  // INSERT (and UPDATE) on the four tables, and their sequences
    std::string why;
  };
  Access access();

  // The principal's verified conversation with the most recent activity, if any (of the 100
  // most recent of theirs: one that fails verification is passed over, never continued).
  std::optional<std::int64_t> last_conversation();
  // The principal's conversation and its turns, `verified` set when every turn verifies;
  // nullopt when the principal has no such conversation.
  std::optional<Conversation> conversation(std::int64_t id);

  // The principal's cached answer under `key`, when its MAC verifies.
  std::optional<CachedAnswer> cached_answer(const std::string& key);

  // Writes `record` (see AskRecord): the log row's id and the conversation (new or given).
  struct Written {
    std::int64_t call_id = 0;
    std::optional<std::int64_t> conversation_id;
  };
  Written write(const AskRecord& record);

  // The principal's logged calls, newest first: at most `limit` (0: all), only those of
  // `conversation` if set. On SQLite also the calls logged before principals were recorded
  // (the file's permissions are its privacy); on PostgreSQL the role's own, those before 0003
  // being the role that upgraded the store.
  std::vector<LlmCall> calls(std::size_t limit, std::optional<std::int64_t> conversation = std::nullopt);
  // The principal's logged call `id` (as calls() lists them), or nullopt.
  std::optional<LlmCall> call(std::int64_t id);

 private:
  AskPrincipal principal_;
  std::optional<Access> access_;  // asked once
  std::unique_ptr<AsksBackend> impl_;  // the store's backend's (backend.h)
};

}  // namespace strata::store
