// AskStore on PostgreSQL (ask_store.h): conversations, the log of answers and the response
// cache, answering as the SQLite store does; the columns are written and read as ask_rows.h says.
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "store/ask_rows.h"
#include "store/postgres/pg_backend.h"

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

void ask_put_cache(pq::Connection& db, const AskPrincipal& who, const std::string& key, const CachedAnswer& a) {
  db.exec("INSERT INTO response_cache (owner_role, principal, key, answer, model, finish_reason, input_tokens, "
          "output_tokens, mac) VALUES (current_user, $1, $2, $3, $4, $5, $6, $7, $8) "
          "ON CONFLICT (owner_role, principal, key) DO UPDATE SET answer = excluded.answer, "
          "model = excluded.model, finish_reason = excluded.finish_reason, input_tokens = excluded.input_tokens, "
          "output_tokens = excluded.output_tokens, mac = excluded.mac, created_at = " +
              std::string(k_ask_now),
          {who.id, key, a.answer, a.model, a.finish_reason, ask_optional_int(a.input_tokens),
           ask_optional_int(a.output_tokens), cache_mac(who, key, a)},
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

Asks::Asks(Store& store, const AskPrincipal& principal) : store_(store), principal_(principal) {}

AskStore::Access Asks::access() {
  // Each privilege asked alone (has_table_privilege of a list is true when any is held). The
  // identity sequences are the tables' own (pg_get_serial_sequence), whatever they are named.
  const pq::Result r = pg_connection(store_).exec(
      "SELECT current_user, "
      "has_table_privilege('conversations', 'SELECT') AND has_table_privilege('messages', 'SELECT') AND "
      "has_table_privilege('response_cache', 'SELECT'), "
      "has_table_privilege('conversations', 'INSERT') AND has_table_privilege('conversations', 'UPDATE') AND "
      "has_table_privilege('messages', 'INSERT') AND has_table_privilege('llm_calls', 'INSERT') AND "
      "has_table_privilege('response_cache', 'INSERT') AND has_table_privilege('response_cache', 'UPDATE') AND "
      "has_sequence_privilege(pg_get_serial_sequence('conversations', 'id'), 'USAGE') AND "
      "has_sequence_privilege(pg_get_serial_sequence('messages', 'id'), 'USAGE') AND "
      "has_sequence_privilege(pg_get_serial_sequence('llm_calls', 'id'), 'USAGE')",
      {}, false, "reading the role's privileges");
  AskStore::Access a;
  a.read = r.text(0, 1) == "t";
  a.write = r.text(0, 2) == "t";
  if (!a.write) {
    a.why = "role " + r.str(0, 0) + " may not write the ask tables (strata-store(5) lists the grants)";
  }
  return a;
}

std::optional<std::int64_t> Asks::last_conversation() {
  // updated_at has millisecond resolution; the id breaks ties between two in one millisecond.
  // COLLATE "C": the timestamps compare character by character, as in SQLite. The latest that
  // verifies: one dated 2999 by the store's owner is passed over, not continued.
  const pq::Result r = pg_connection(store_).exec(
      "SELECT id FROM conversations WHERE owner_role = current_user AND principal = $1 "
      "ORDER BY updated_at COLLATE \"C\" DESC, id DESC LIMIT 100",
      {principal_.id}, false, "reading conversations");
  for (int i = 0; i < r.rows(); ++i) {
    const std::optional<Conversation> c = conversation(r.int64(i, 0));
    if (c && c->verified) return c->id;
  }
  return std::nullopt;
}

std::optional<Conversation> Asks::conversation(std::int64_t id) {
  pq::Connection& db = pg_connection(store_);
  const pq::Result c =
      db.exec("SELECT id, collection, title FROM conversations WHERE id = $1 AND owner_role = current_user AND principal = $2",
              {std::to_string(id), principal_.id}, false, "reading a conversation");
  if (c.rows() == 0) return std::nullopt;
  Conversation conv;
  conv.id = c.int64(0, 0);
  conv.collection = c.str(0, 1);
  conv.title = c.str(0, 2);
  // Every message of the conversation the role may see: one another wrote into it makes it
  // fail verification.
  const pq::Result m = db.exec(
      "SELECT role, content, mac FROM messages WHERE conversation_id = $1 AND owner_role = current_user ORDER BY id",
      {std::to_string(id)}, false, "reading a conversation");
  bool verified = true;
  for (int i = 0; i < m.rows(); ++i) {
    const ConversationTurn::Role role =
        m.text(i, 0) == "assistant" ? ConversationTurn::Role::assistant : ConversationTurn::Role::user;
    std::string content = m.str(i, 1);
    verified = verified && mac_matches(m.optional_text(i, 2), turn_mac(principal_, conv.id, conv.turns.size(), role, content));
    conv.turns.push_back(ConversationTurn{role, std::move(content)});
  }
  conv.verified = verified && !conv.turns.empty();
  return conv;
}

std::optional<CachedAnswer> Asks::cached_answer(const std::string& key) {
  const pq::Result r = pg_connection(store_).exec(
      "SELECT answer, model, finish_reason, input_tokens, output_tokens, mac FROM response_cache "
      "WHERE owner_role = current_user AND principal = $1 AND key = $2",
      {principal_.id, key}, false, "reading the answer cache");
  if (r.rows() == 0) return std::nullopt;
  CachedAnswer a;
  a.answer = r.str(0, 0);
  a.model = r.str(0, 1);
  a.finish_reason = r.optional_text(0, 2);
  a.input_tokens = r.optional_int(0, 3);
  a.output_tokens = r.optional_int(0, 4);
  if (!mac_matches(r.optional_text(0, 5), cache_mac(principal_, key, a))) return std::nullopt;
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
      conversation = db.exec("INSERT INTO conversations (collection, title, owner_role, principal) "
                             "VALUES ($1, $2, current_user, $3) RETURNING id",
                             {c.collection, conversation_title(c.question), principal_.id}, false,
                             "starting a conversation")
                         .int64(0, 0);
    }
    if (conversation && c.status == CallStatus::ok) {
      const std::string id = std::to_string(*conversation);
      const std::size_t ordinal = static_cast<std::size_t>(
          db.exec("SELECT count(*) FROM messages WHERE conversation_id = $1 AND owner_role = current_user", {id}, false,
                  "recording the conversation")
              .int64(0, 0));
      db.exec("INSERT INTO messages (conversation_id, role, content, owner_role, mac) VALUES "
              "($1, 'user', $2, current_user, $4), ($1, 'assistant', $3, current_user, $5)",
              {id, c.question, c.answer,
               turn_mac(principal_, *conversation, ordinal, ConversationTurn::Role::user, c.question),
               turn_mac(principal_, *conversation, ordinal + 1, ConversationTurn::Role::assistant, c.answer)},
              false, "recording the conversation");
      db.exec("UPDATE conversations SET updated_at = " + std::string(k_ask_now) +
                  " WHERE id = $1 AND owner_role = current_user",
              {id}, false, "recording the conversation");
    }
    AskStore::Written written;
    written.conversation_id = conversation;
    written.call_id =
        db.exec("INSERT INTO llm_calls (conversation_id, collection, question, answer, provider, model, endpoint, "
                "status, error, cached, input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, retrieval_query, "
                "tool_calls, owner_role, principal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                "$14, $15, $16, $17, current_user, $18) RETURNING id",
                {ask_optional_int(conversation), c.collection, c.question, c.answer, c.provider, c.model,
                 ask_unless_empty(c.endpoint), std::string(to_string(c.status)), ask_unless_empty(c.error),
                 std::string(c.cached ? "1" : "0"), ask_optional_int(c.input_tokens), ask_optional_int(c.output_tokens),
                 ask_exact(c.latency_ms), ask_exact(c.total_ms), chunk_ids_json(c.chunk_ids), c.retrieval_query,
                 c.tool_calls, principal_.id},
                false, "logging the answer")
            .int64(0, 0);
    if (record.rewrite_cache_key && record.rewrite_cache_value) {
      ask_put_cache(db, principal_, *record.rewrite_cache_key, *record.rewrite_cache_value);
    }
    if (record.cache_key && record.cache_value) ask_put_cache(db, principal_, *record.cache_key, *record.cache_value);
    return written;
  });
}

std::vector<LlmCall> Asks::calls(std::size_t limit, std::optional<std::int64_t> conversation) {
  // The role's own calls, whichever key logged them (a call logged before 0003 has none); an
  // API key's, only its own.
  std::string sql = std::string(k_ask_call_columns) + " WHERE owner_role = current_user";
  std::vector<pq::Param> params;
  if (principal_.own_rows_only) {
    params.emplace_back(principal_.id);
    sql += " AND principal = $" + std::to_string(params.size());
  }
  if (conversation) {
    params.emplace_back(std::to_string(*conversation));
    sql += " AND conversation_id = $" + std::to_string(params.size());
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
  std::string sql = std::string(k_ask_call_columns) + " WHERE owner_role = current_user AND id = $1";
  std::vector<pq::Param> params{std::to_string(id)};
  if (principal_.own_rows_only) {
    sql += " AND principal = $2";
    params.emplace_back(principal_.id);
  }
  const pq::Result r = pg_connection(store_).exec(sql, params, false, "reading the log");
  if (r.rows() == 0) return std::nullopt;
  return ask_call_of(r, 0);
}

std::unique_ptr<AsksBackend> Backend::asks(Store& store, const AskPrincipal& principal) {
  return std::make_unique<Asks>(store, principal);
}

}  // namespace strata::store::pg
