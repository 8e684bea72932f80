#include "store/ask_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/ask_rows.h"
#include "store/postgres/pg_ops.h"
#include "store/store_db.h"

namespace strata::store {
namespace {

void bind_optional(SQLite::Statement& q, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    q.bind(index, *v);
  } else {
    q.bind(index);
  }
}

}  // namespace

const char* to_string(CallStatus status) {
  switch (status) {
    case CallStatus::ok:
      return "ok";
    case CallStatus::partial:
      return "partial";
    case CallStatus::error:
      return "error";
  }
  return "ok";
}

struct AskStore::Impl {
  Store& store;
  SQLite::Database& db;
  std::optional<int> saved_synchronous;

  explicit Impl(Store& s) : store(s), db(database(s)) {}

  // Through the connection's translation, so a full disk, a read-only file or a lock reads the
  // same from every command.
  [[noreturn]] void fail(const SQLite::Exception& e) const { connection(store).fail(e, ""); }
};

AskStore::AskStore(Store& store) {
  if (store.kind() == StoreKind::postgres) {
    pg_ = std::make_unique<pg::Asks>(store);
    return;
  }
  impl_ = std::make_unique<Impl>(store);
  try {
    impl_->saved_synchronous = impl_->db.execAndGet("PRAGMA synchronous").getInt();
    impl_->db.exec("PRAGMA synchronous = NORMAL");
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

AskStore::~AskStore() {
  if (!impl_ || !impl_->saved_synchronous) return;
  try {
    impl_->db.exec("PRAGMA synchronous = " + std::to_string(*impl_->saved_synchronous));
  } catch (const SQLite::Exception&) {
    // A destructor must not throw; the setting lasts only as long as this connection anyway.
  }
}

std::optional<std::int64_t> AskStore::last_conversation() {
  if (pg_) return pg_->last_conversation();
  try {
    // updated_at has millisecond resolution; the id breaks ties between two in one millisecond.
    SQLite::Statement q(impl_->db, "SELECT id FROM conversations ORDER BY updated_at DESC, id DESC LIMIT 1");
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

std::optional<Conversation> AskStore::conversation(std::int64_t id) {
  if (pg_) return pg_->conversation(id);
  try {
    SQLite::Statement c(impl_->db, "SELECT id, collection, title FROM conversations WHERE id = ?1");
    c.bind(1, id);
    if (!c.executeStep()) return std::nullopt;
    Conversation conv;
    conv.id = c.getColumn(0).getInt64();
    conv.collection = c.getColumn(1).getString();
    conv.title = c.getColumn(2).getString();
    SQLite::Statement m(impl_->db, "SELECT role, content FROM messages WHERE conversation_id = ?1 ORDER BY id");
    m.bind(1, id);
    while (m.executeStep()) {
      const std::string role = m.getColumn(0).getString();
      conv.turns.push_back(ConversationTurn{
          role == "assistant" ? ConversationTurn::Role::assistant : ConversationTurn::Role::user,
          m.getColumn(1).getString()});
    }
    return conv;
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

namespace {

void put_cache(SQLite::Database& db, const std::string& key, const CachedAnswer& a) {
  SQLite::Statement k(db,
                      "INSERT OR REPLACE INTO response_cache (key, answer, model, finish_reason, input_tokens, "
                      "output_tokens) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  k.bind(1, key);
  k.bind(2, a.answer);
  k.bind(3, a.model);
  if (a.finish_reason) {
    k.bind(4, *a.finish_reason);
  } else {
    k.bind(4);
  }
  bind_optional(k, 5, a.input_tokens);
  bind_optional(k, 6, a.output_tokens);
  k.exec();
}

}  // namespace

std::optional<CachedAnswer> AskStore::cached_answer(const std::string& key) {
  if (pg_) return pg_->cached_answer(key);
  try {
    SQLite::Statement q(impl_->db,
                        "SELECT answer, model, finish_reason, input_tokens, output_tokens FROM response_cache "
                        "WHERE key = ?1");
    q.bind(1, key);
    if (!q.executeStep()) return std::nullopt;
    CachedAnswer a;
    a.answer = q.getColumn(0).getString();
    a.model = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull()) a.finish_reason = q.getColumn(2).getString();
    a.input_tokens = optional_int(q.getColumn(3));
    a.output_tokens = optional_int(q.getColumn(4));
    return a;
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

AskStore::Written AskStore::write(const AskRecord& record) {
  if (pg_) return pg_->write(record);
  try {
    SQLite::Transaction tx(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
    Written written;
    std::optional<std::int64_t> conversation = record.conversation_id;
    if (record.new_conversation) {
      SQLite::Statement c(impl_->db, "INSERT INTO conversations (collection, title) VALUES (?1, ?2)");
      c.bind(1, record.call.collection);
      c.bind(2, conversation_title(record.call.question));
      c.exec();
      conversation = impl_->db.getLastInsertRowid();
    }
    const bool keep_turn = conversation && record.call.status == CallStatus::ok;
    if (keep_turn) {
      SQLite::Statement m(impl_->db, "INSERT INTO messages (conversation_id, role, content) VALUES (?1, ?2, ?3)");
      for (const auto& [role, content] :
           {std::pair{"user", &record.call.question}, std::pair{"assistant", &record.call.answer}}) {
        m.reset();
        m.bind(1, *conversation);
        m.bind(2, role);
        m.bind(3, *content);
        m.exec();
      }
      SQLite::Statement u(impl_->db,
                          "UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1");
      u.bind(1, *conversation);
      u.exec();
    }
    const LlmCall& c = record.call;
    SQLite::Statement q(impl_->db,
                        "INSERT INTO llm_calls (conversation_id, collection, question, answer, provider, model, endpoint, "
                        "status, error, cached, input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, retrieval_query, "
                        "tool_calls) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    bind_optional(q, 1, conversation);
    q.bind(2, c.collection);
    q.bind(3, c.question);
    q.bind(4, c.answer);
    q.bind(5, c.provider);
    q.bind(6, c.model);
    if (c.endpoint.empty()) {
      q.bind(7);
    } else {
      q.bind(7, c.endpoint);
    }
    q.bind(8, to_string(c.status));
    if (c.error.empty()) {
      q.bind(9);
    } else {
      q.bind(9, c.error);
    }
    q.bind(10, c.cached ? 1 : 0);
    bind_optional(q, 11, c.input_tokens);
    bind_optional(q, 12, c.output_tokens);
    q.bind(13, c.latency_ms);
    q.bind(14, c.total_ms);
    q.bind(15, chunk_ids_json(c.chunk_ids));
    if (c.retrieval_query) {
      q.bind(16, *c.retrieval_query);
    } else {
      q.bind(16);
    }
    if (c.tool_calls) {
      q.bind(17, *c.tool_calls);
    } else {
      q.bind(17);
    }
    q.exec();
    written.call_id = impl_->db.getLastInsertRowid();
    written.conversation_id = conversation;

    if (record.rewrite_cache_key && record.rewrite_cache_value) put_cache(impl_->db, *record.rewrite_cache_key, *record.rewrite_cache_value);
    if (record.cache_key && record.cache_value) put_cache(impl_->db, *record.cache_key, *record.cache_value);
    tx.commit();
    return written;
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

namespace {

constexpr const char* k_call_columns =
    "SELECT id, conversation_id, collection, question, answer, provider, model, endpoint, status, error, cached, "
    "input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, created_at, retrieval_query, tool_calls FROM llm_calls";

LlmCall call_of(SQLite::Statement& q) {
  LlmCall c;
  c.id = q.getColumn(0).getInt64();
  c.conversation_id = optional_int(q.getColumn(1));
  c.collection = q.getColumn(2).getString();
  c.question = q.getColumn(3).getString();
  c.answer = q.getColumn(4).getString();
  c.provider = q.getColumn(5).getString();
  c.model = q.getColumn(6).getString();
  c.endpoint = q.getColumn(7).isNull() ? std::string() : q.getColumn(7).getString();
  c.status = call_status_of(q.getColumn(8).getString());
  c.error = q.getColumn(9).isNull() ? std::string() : q.getColumn(9).getString();
  c.cached = q.getColumn(10).getInt() != 0;
  c.input_tokens = optional_int(q.getColumn(11));
  c.output_tokens = optional_int(q.getColumn(12));
  c.latency_ms = q.getColumn(13).getDouble();
  c.total_ms = q.getColumn(14).getDouble();
  c.chunk_ids = chunk_ids_of(q.getColumn(15).getString());
  c.created_at = q.getColumn(16).getString();
  if (!q.getColumn(17).isNull()) c.retrieval_query = q.getColumn(17).getString();
  if (!q.getColumn(18).isNull()) c.tool_calls = q.getColumn(18).getString();
  return c;
}

}  // namespace

std::vector<LlmCall> AskStore::calls(std::size_t limit, std::optional<std::int64_t> conversation) {
  if (pg_) return pg_->calls(limit, conversation);
  try {
    std::string sql = k_call_columns;
    if (conversation) sql += " WHERE conversation_id = ?1";
    sql += " ORDER BY id DESC";
    if (limit > 0) sql += " LIMIT " + std::to_string(limit);
    SQLite::Statement q(impl_->db, sql);
    if (conversation) q.bind(1, *conversation);
    std::vector<LlmCall> out;
    while (q.executeStep()) out.push_back(call_of(q));
    return out;
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

std::optional<LlmCall> AskStore::call(std::int64_t id) {
  if (pg_) return pg_->call(id);
  try {
    SQLite::Statement q(impl_->db, std::string(k_call_columns) + " WHERE id = ?1");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return call_of(q);
  } catch (const SQLite::Exception& e) {
    impl_->fail(e);
  }
}

}  // namespace strata::store
