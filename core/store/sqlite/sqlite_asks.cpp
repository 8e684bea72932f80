
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/ask_rows.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

// Of the principal's most recent conversations, how many --continue tries before it gives up:
// rows that fail verification are skipped, and a store full of them must not be read whole.
constexpr std::size_t k_conversations_tried = 100;

}  // namespace

// AskStore on a file (ask_store.h). Writes commit with PRAGMA synchronous = NORMAL while it
// lives (restored afterwards).
class Asks final : public AsksBackend {
 public:
  Asks(Store& s, const AskPrincipal& principal) : store(s), db(database(s)), principal_(principal) {
    try {
      saved_synchronous = db.execAndGet("PRAGMA synchronous").getInt();
      db.exec("PRAGMA synchronous = NORMAL");
    } catch (const SQLite::Exception& e) {
      fail(e);
    }
  }
  ~Asks() override {
    if (!saved_synchronous) return;
    try {
      db.exec("PRAGMA synchronous = " + std::to_string(*saved_synchronous));
    } catch (const SQLite::Exception&) {
      // A destructor must not throw; the setting lasts only as long as this connection anyway.
    }
  }
  Asks(const Asks&) = delete;
  Asks& operator=(const Asks&) = delete;

  // A file's permissions are its privacy: everything may be read and written.
  AskStore::Access access() override { return AskStore::Access{}; }
  std::optional<std::int64_t> last_conversation() override;
  std::optional<Conversation> conversation(std::int64_t id) override;
  std::optional<CachedAnswer> cached_answer(const std::string& key) override;
  AskStore::Written write(const AskRecord& record) override;
  std::vector<LlmCall> calls(std::size_t limit, std::optional<std::int64_t> conversation) override;
  std::optional<LlmCall> call(std::int64_t id) override;

 private:
  // Through the connection's translation, so a full disk, a read-only file or a lock reads the
  // same from every command.
  [[noreturn]] void fail(const SQLite::Exception& e) const { connection(store).fail(e, ""); }

  Store& store;
  SQLite::Database& db;
  const AskPrincipal& principal_;
  std::optional<int> saved_synchronous;
};


std::optional<std::int64_t> Asks::last_conversation() {
  try {
    // updated_at has millisecond resolution; the id breaks ties between two in one millisecond.
    // The latest that verifies: a row dated 2999 from elsewhere is passed over, not continued.
    SQLite::Statement q(db,
                        "SELECT id FROM conversations WHERE principal = ?1 ORDER BY updated_at DESC, id DESC LIMIT ?2");
    q.bind(1, principal_.id);
    q.bind(2, static_cast<std::int64_t>(k_conversations_tried));
    std::vector<std::int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    for (const std::int64_t id : ids) {
      const std::optional<Conversation> c = conversation(id);
      if (c && c->verified) return id;
    }
    return std::nullopt;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::optional<Conversation> Asks::conversation(std::int64_t id) {
  try {
    SQLite::Statement c(db, "SELECT id, collection, title FROM conversations WHERE id = ?1 AND principal = ?2");
    c.bind(1, id);
    c.bind(2, principal_.id);
    if (!c.executeStep()) return std::nullopt;
    Conversation conv;
    conv.id = c.getColumn(0).getInt64();
    conv.collection = c.getColumn(1).getString();
    conv.title = c.getColumn(2).getString();
    SQLite::Statement m(db, "SELECT role, content, mac FROM messages WHERE conversation_id = ?1 ORDER BY id");
    m.bind(1, id);
    bool verified = true;
    while (m.executeStep()) {
      const ConversationTurn::Role role = m.getColumn(0).getString() == "assistant" ? ConversationTurn::Role::assistant
                                                                                     : ConversationTurn::Role::user;
      std::string content = m.getColumn(1).getString();
      const std::optional<std::string> mac =
          m.getColumn(2).isNull() ? std::nullopt : std::optional<std::string>(m.getColumn(2).getString());
      verified = verified && mac_matches(mac, turn_mac(principal_, conv.id, conv.turns.size(), role, content));
      conv.turns.push_back(ConversationTurn{role, std::move(content)});
    }
    conv.verified = verified && !conv.turns.empty();
    return conv;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

namespace {

void put_cache(SQLite::Database& db, const AskPrincipal& who, const std::string& key, const CachedAnswer& a) {
  SQLite::Statement k(db,
                      "INSERT OR REPLACE INTO response_cache (principal, key, answer, model, finish_reason, input_tokens, "
                      "output_tokens, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  k.bind(1, who.id);
  k.bind(2, key);
  k.bind(3, a.answer);
  k.bind(4, a.model);
  if (a.finish_reason) {
    k.bind(5, *a.finish_reason);
  } else {
    k.bind(5);
  }
  bind_optional(k, 6, a.input_tokens);
  bind_optional(k, 7, a.output_tokens);
  k.bind(8, cache_mac(who, key, a));
  k.exec();
}

}  // namespace

std::optional<CachedAnswer> Asks::cached_answer(const std::string& key) {
  try {
    SQLite::Statement q(db,
                        "SELECT answer, model, finish_reason, input_tokens, output_tokens, mac FROM response_cache "
                        "WHERE principal = ?1 AND key = ?2");
    q.bind(1, principal_.id);
    q.bind(2, key);
    if (!q.executeStep()) return std::nullopt;
    CachedAnswer a;
    a.answer = q.getColumn(0).getString();
    a.model = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull()) a.finish_reason = q.getColumn(2).getString();
    a.input_tokens = optional_int(q.getColumn(3));
    a.output_tokens = optional_int(q.getColumn(4));
    const std::optional<std::string> mac =
        q.getColumn(5).isNull() ? std::nullopt : std::optional<std::string>(q.getColumn(5).getString());
    if (!mac_matches(mac, cache_mac(principal_, key, a))) return std::nullopt;
    return a;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

AskStore::Written Asks::write(const AskRecord& record) {
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    AskStore::Written written;
    std::optional<std::int64_t> conversation = record.conversation_id;
    if (record.new_conversation) {
      SQLite::Statement c(db, "INSERT INTO conversations (collection, title, principal) VALUES (?1, ?2, ?3)");
      c.bind(1, record.call.collection);
      c.bind(2, conversation_title(record.call.question));
      c.bind(3, principal_.id);
      c.exec();
      conversation = db.getLastInsertRowid();
    }
    const bool keep_turn = conversation && record.call.status == CallStatus::ok;
    if (keep_turn) {
      // The turns' places: after every message the conversation holds, whoever wrote them (a
      // message slipped in by another makes the conversation fail verification, as it should).
      SQLite::Statement n(db, "SELECT count(*) FROM messages WHERE conversation_id = ?1");
      n.bind(1, *conversation);
      n.executeStep();
      std::size_t ordinal = static_cast<std::size_t>(n.getColumn(0).getInt64());
      SQLite::Statement m(db, "INSERT INTO messages (conversation_id, role, content, mac) VALUES (?1, ?2, ?3, ?4)");
      for (const auto& [role, content] : {std::pair{ConversationTurn::Role::user, &record.call.question},
                                          std::pair{ConversationTurn::Role::assistant, &record.call.answer}}) {
        m.reset();
        m.bind(1, *conversation);
        m.bind(2, role == ConversationTurn::Role::user ? "user" : "assistant");
        m.bind(3, *content);
        m.bind(4, turn_mac(principal_, *conversation, ordinal++, role, *content));
        m.exec();
      }
      SQLite::Statement u(db,
                          "UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1");
      u.bind(1, *conversation);
      u.exec();
    }
    const LlmCall& c = record.call;
    SQLite::Statement q(db,
                        "INSERT INTO llm_calls (conversation_id, collection, question, answer, provider, model, endpoint, "
                        "status, error, cached, input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, retrieval_query, "
                        "tool_calls, principal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                        "?17, ?18)");
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
    q.bind(18, principal_.id);
    q.exec();
    written.call_id = db.getLastInsertRowid();
    written.conversation_id = conversation;

    if (record.rewrite_cache_key && record.rewrite_cache_value) put_cache(db, principal_, *record.rewrite_cache_key, *record.rewrite_cache_value);
    if (record.cache_key && record.cache_value) put_cache(db, principal_, *record.cache_key, *record.cache_value);
    tx.commit();
    return written;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

namespace {

constexpr const char* k_call_columns =
    "SELECT id, conversation_id, collection, question, answer, provider, model, endpoint, status, error, cached, "
    "input_tokens, output_tokens, latency_ms, total_ms, chunk_ids, created_at, retrieval_query, tool_calls FROM llm_calls";

// The principal's calls (?1), and those logged before principals were recorded: a SQLite
// store's privacy is its file's permissions. An API key's principal: its own calls only.
const char* own_calls(const AskPrincipal& principal) {
  return principal.own_rows_only ? "principal = ?1" : "(principal = ?1 OR principal IS NULL)";
}

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

std::vector<LlmCall> Asks::calls(std::size_t limit, std::optional<std::int64_t> conversation) {
  try {
    std::string sql = std::string(k_call_columns) + " WHERE " + own_calls(principal_);
    if (conversation) sql += " AND conversation_id = ?2";
    sql += " ORDER BY id DESC";
    if (limit > 0) sql += " LIMIT " + std::to_string(limit);
    SQLite::Statement q(db, sql);
    q.bind(1, principal_.id);
    if (conversation) q.bind(2, *conversation);
    std::vector<LlmCall> out;
    while (q.executeStep()) out.push_back(call_of(q));
    return out;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::optional<LlmCall> Asks::call(std::int64_t id) {
  try {
    SQLite::Statement q(db, std::string(k_call_columns) + " WHERE " + own_calls(principal_) + " AND id = ?2");
    q.bind(1, principal_.id);
    q.bind(2, id);
    if (!q.executeStep()) return std::nullopt;
    return call_of(q);
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::unique_ptr<AsksBackend> Backend::asks(Store& store, const AskPrincipal& principal) {
  return std::make_unique<Asks>(store, principal);
}

}  // namespace strata::store::sqlite_store
