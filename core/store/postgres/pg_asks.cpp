// AskStore on PostgreSQL (ask_store.h): conversations, the log of answers and the response
// cache, answering as the SQLite store does; the columns are written and read as ask_rows.h says.
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "store/ask_rows.h"
#include "store/postgres/pg_ops.h"

namespace strata::store::pg {
namespace {

pq::Param ask_optional_int(const std::optional<std::int64_t>& v) {
  return v ? pq::Param(std::to_string(*v)) : std::nullopt;
}

pq::Param ask_unless_empty(const std::string& s) { return s.empty() ? std::nullopt : pq::Param(s); }

// The shortest text that reads back as the same double (std::to_string keeps six decimals).
std::string ask_exact(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Timestamps as the SQLite store writes them (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')).
constexpr const char* k_ask_now = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

void ask_put_cache(pq::Connection& db, const std::string& key, const CachedAnswer& a) {
  db.exec("INSERT INTO response_cache (key, answer, model, finish_reason, input_tokens, output_tokens) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, "
          "model = excluded.model, finish_reason = excluded.finish_reason, input_tokens = excluded.input_tokens, "
          "output_tokens = excluded.output_tokens, created_at = " +
              std::string(k_ask_now),
          {key, a.answer, a.model, a.finish_reason, ask_optional_int(a.input_tokens), ask_optional_int(a.output_tokens)},
          false, "caching the answer");
}

constexpr const char* k_ask_call_columns =
    "SELECT id, conversation_id, collection, question, answer, provider, model, endpoint, status, error, cached, "
    "input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, created_at, retrieval_query, tool_calls FROM llm_calls";

LlmCall ask_call_of(const pq::Result& r, int i) {
  LlmCall c;
  c.id = r.int64(i, 0);
  c.conversation_id = r.optional_int(i, 1);
  c.collection = r.str(i, 2);
  c.question = r.str(i, 3);
  c.answer = r.str(i, 4);
  c.provider = r.str(i, 5);
  c.model = r.str(i, 6);
  c.endpoint = r.str(i, 7);  // "" for NULL
  c.status = call_status_of(r.str(i, 8));
  c.error = r.str(i, 9);
  c.cached = r.int64(i, 10) != 0;
  c.input_tokens = r.optional_int(i, 11);
  c.output_tokens = r.optional_int(i, 12);
  c.latency_ms = r.number(i, 13);
  c.total_ms = r.number(i, 14);
  c.chunk_ids = chunk_ids_of(r.str(i, 15));
  c.created_at = r.str(i, 16);
  c.retrieval_query = r.optional_text(i, 17);
  c.tool_calls = r.optional_text(i, 18);
  return c;
}

}  // namespace

Asks::Asks(Store& store) : store_(store) {}

std::optional<std::int64_t> Asks::last_conversation() {
  // updated_at has millisecond resolution; the id breaks ties between two in one millisecond.
  // COLLATE "C": the timestamps compare character by character, as in SQLite.
  const pq::Result r = pg_connection(store_).exec(
      "SELECT id FROM conversations ORDER BY updated_at COLLATE \"C\" DESC, id DESC LIMIT 1", {}, false,
      "reading conversations");
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

std::optional<Conversation> Asks::conversation(std::int64_t id) {
  pq::Connection& db = pg_connection(store_);
  const pq::Result c = db.exec("SELECT id, collection, title FROM conversations WHERE id = $1", {std::to_string(id)},
                               false, "reading a conversation");
  if (c.rows() == 0) return std::nullopt;
  Conversation conv;
  conv.id = c.int64(0, 0);
  conv.collection = c.str(0, 1);
  conv.title = c.str(0, 2);
  const pq::Result m = db.exec("SELECT role, content FROM messages WHERE conversation_id = $1 ORDER BY id",
                               {std::to_string(id)}, false, "reading a conversation");
  for (int i = 0; i < m.rows(); ++i) {
    conv.turns.push_back(ConversationTurn{
        m.text(i, 0) == "assistant" ? ConversationTurn::Role::assistant : ConversationTurn::Role::user, m.str(i, 1)});
  }
  return conv;
}

std::optional<CachedAnswer> Asks::cached_answer(const std::string& key) {
  const pq::Result r = pg_connection(store_).exec(
      "SELECT answer, model, finish_reason, input_tokens, output_tokens FROM response_cache WHERE key = $1", {key},
      false, "reading the answer cache");
  if (r.rows() == 0) return std::nullopt;
  CachedAnswer a;
  a.answer = r.str(0, 0);
  a.model = r.str(0, 1);
  a.finish_reason = r.optional_text(0, 2);
  a.input_tokens = r.optional_int(0, 3);
  a.output_tokens = r.optional_int(0, 4);
  return a;
}

AskStore::Written Asks::write(const AskRecord& record) {
  pq::Connection& db = pg_connection(store_);
  return pq::in_transaction(db, [&] {
    // The log and the cache are not worth waiting for the server's disk on the answer's path
    // (the SQLite store's synchronous = NORMAL); a server crash can lose the last answer's
    // record, never keep half of it.
    db.exec("SET LOCAL synchronous_commit = off");
    const LlmCall& c = record.call;
    std::optional<std::int64_t> conversation = record.conversation_id;
    if (record.new_conversation) {
      conversation = db.exec("INSERT INTO conversations (collection, title) VALUES ($1, $2) RETURNING id",
                             {c.collection, conversation_title(c.question)}, false, "starting a conversation")
                         .int64(0, 0);
    }
    if (conversation && c.status == CallStatus::ok) {
      const std::string id = std::to_string(*conversation);
      db.exec("INSERT INTO messages (conversation_id, role, content) VALUES ($1, 'user', $2), ($1, 'assistant', $3)",
              {id, c.question, c.answer}, false, "recording the conversation");
      db.exec("UPDATE conversations SET updated_at = " + std::string(k_ask_now) + " WHERE id = $1", {id}, false,
              "recording the conversation");
    }
    AskStore::Written written;
    written.conversation_id = conversation;
    written.call_id =
        db.exec("INSERT INTO llm_calls (conversation_id, collection, question, answer, provider, model, endpoint, "
                "status, error, cached, input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, retrieval_query, "
                "tool_calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
                "RETURNING id",
                {ask_optional_int(conversation), c.collection, c.question, c.answer, c.provider, c.model,
                 ask_unless_empty(c.endpoint), std::string(to_string(c.status)), ask_unless_empty(c.error),
                 std::string(c.cached ? "1" : "0"), ask_optional_int(c.input_tokens), ask_optional_int(c.output_tokens),
                 ask_exact(c.latency_ms), ask_exact(c.total_ms), chunk_ids_json(c.chunk_ids), c.retrieval_query,
                 c.tool_calls},
                false, "logging the answer")
            .int64(0, 0);
    if (record.rewrite_cache_key && record.rewrite_cache_value) {
      ask_put_cache(db, *record.rewrite_cache_key, *record.rewrite_cache_value);
    }
    if (record.cache_key && record.cache_value) ask_put_cache(db, *record.cache_key, *record.cache_value);
    return written;
  });
}

std::vector<LlmCall> Asks::calls(std::size_t limit, std::optional<std::int64_t> conversation) {
  std::string sql = k_ask_call_columns;
  std::vector<pq::Param> params;
  if (conversation) {
    sql += " WHERE conversation_id = $1";
    params.emplace_back(std::to_string(*conversation));
  }
  sql += " ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  const pq::Result r = pg_connection(store_).exec(sql, params, false, "reading the log");
  std::vector<LlmCall> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(ask_call_of(r, i));
  return out;
}

std::optional<LlmCall> Asks::call(std::int64_t id) {
  const pq::Result r = pg_connection(store_).exec(std::string(k_ask_call_columns) + " WHERE id = $1",
                                                  {std::to_string(id)}, false, "reading the log");
  if (r.rows() == 0) return std::nullopt;
  return ask_call_of(r, 0);
}

}  // namespace strata::store::pg
