// EmbeddingStore and AskStore on PostgreSQL (core/store/postgres/pg_embeddings.cpp, pg_asks.cpp)
// against the SQLite store: the same calls on both give the same results; every vector write
// changes the embedding generation; a vector snapshot of a PostgreSQL store lives in the user's
// cache folder, is reused while the store is unchanged and rebuilt after a vector changes.
// Each test gets a fresh database on the test server (test_db.h) and skips without one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/sha256.h"
#include "embed/vector.h"
#include "pq/connection.h"
#include "search/vector_snapshot.h"
#include "store/ask_store.h"
#include "store/embedding_store.h"
#include "store/postgres/pg_backend.h"
#include "store/search_store.h"
#include "store/store.h"
#include "store/sqlite/sqlite_backend.h"
#include "test_db.h"
#include "test_util.h"

namespace strata::pg_embed_ask_test {
namespace {

using store::AskRecord;
using store::AskStore;
using store::CachedAnswer;
using store::CallStatus;
using store::EmbeddingModel;
using store::EmbeddingStore;
using store::LlmCall;
using store::Store;
using store::VectorRow;

// Runs `sql` on the store (no parameters; test data only).
void exec(Store& s, const std::string& sql) {
  if (s.kind() == store::StoreKind::postgres) {
    store::pg_connection(s).exec_script(sql);
  } else {
    store::database(s).exec(sql);
  }
}
std::string query(Store& s, const std::string& sql) {
  if (s.kind() == store::StoreKind::postgres) return store::pg_connection(s).exec(sql).str(0, 0);
  SQLite::Statement q(store::database(s), sql);
  return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

// The two stores of a test: a SQLite file and a fresh database's `strata` schema.
class PgStoreEmbedAskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(migrate::DriverKind::postgres, tmp_);
    if (!db_->available()) GTEST_SKIP() << db_->skip_reason();
    sqlite_ = std::make_unique<Store>(Store::open(tmp_ / "store.db"));
    pg_ = std::make_unique<Store>(Store::open(db_->url()));
    ASSERT_EQ(pg_->kind(), store::StoreKind::postgres);
  }

  static std::string generation(Store& s) { return query(s, "SELECT generation FROM embedding_generation"); }

  // A collection of `docs` documents with `per_doc` chunks ("NAME doc D chunk K"), inserted as
  // the writer would (the PostgreSQL chunk carries its collection). Returns the collection id.
  static std::int64_t seed(Store& s, const std::string& name, int docs, int per_doc) {
    const bool pg = s.kind() == store::StoreKind::postgres;
    exec(s, "INSERT INTO collections (name) VALUES ('" + name + "')");
    const std::int64_t cid = std::stoll(query(s, "SELECT id FROM collections WHERE name = '" + name + "'"));
    for (int d = 0; d < docs; ++d) {
      const std::string source = name + "/doc" + std::to_string(d) + ".md";
      exec(s, "INSERT INTO documents (collection_id, source, title, content_hash, size_bytes, loader) VALUES (" +
                  std::to_string(cid) + ", '" + source + "', " + (d == 0 ? "NULL" : "'Title " + std::to_string(d) + "'") +
                  ", 'h', 1, 'text')");
      const std::string did =
          query(s, "SELECT id FROM documents WHERE collection_id = " + std::to_string(cid) + " AND source = '" + source + "'");
      for (int k = 0; k < per_doc; ++k) {
        const std::string text = name + " doc " + std::to_string(d) + " chunk " + std::to_string(k);
        exec(s, std::string("INSERT INTO chunks (document_id, ") + (pg ? "collection_id, " : "") +
                    "ordinal, text, start_byte, end_byte, line_start, line_end) VALUES (" + did + ", " +
                    (pg ? std::to_string(cid) + ", " : "") + std::to_string(k) + ", '" + text + "', 0, 1, 1, 1)");
      }
    }
    return cid;
  }

  testing::TempDir tmp_;
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> sqlite_, pg_;
};

std::string blob(std::vector<float> v) { return embed::to_blob(embed::Vector(v.begin(), v.end())); }

std::string show(const std::optional<std::string>& v) { return v ? "[" + *v + "]" : "none"; }
std::string show(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "none"; }

// Everything EmbeddingStore answers for one sequence of calls, as text: equal text, equal answers.
std::string embedding_transcript(Store& s, const std::function<std::string()>& generation, std::int64_t docs,
                                 std::int64_t other) {
  std::ostringstream out;
  EmbeddingStore es(s);
  auto counts = [&](std::int64_t c) {
    const store::ChunkCounts n = es.chunk_counts(c);
    out << "counts " << c << ": " << n.chunks << "/" << n.embedded << " pending " << es.count_pending(c) << "\n";
  };
  auto pages = [&](std::int64_t c, std::size_t limit) {
    std::int64_t after = 0;
    for (auto page = es.pending_chunks(c, after, limit); !page.empty(); page = es.pending_chunks(c, after, limit)) {
      out << "page:";
      for (const store::ChunkToEmbed& p : page) {
        out << " {" << p.chunk_id << " '" << p.text << "' " << p.source << " #" << p.ordinal << " '" << p.title << "'}";
      }
      out << "\n";
      after = page.back().chunk_id;
    }
  };
  // Each write must change the generation (the snapshot's only sign of a change).
  auto changed = [&](const char* what, const std::function<void()>& write) {
    const std::string before = generation();
    write();
    EXPECT_NE(generation(), before) << what << " on " << s.path();
  };

  counts(docs);
  counts(other);
  pages(docs, 4);
  out << "dims: " << show(es.known_dimensions("local", "hash")) << "\n";

  const EmbeddingModel local{"local", "hash", 3};
  es.record_model(docs, local);
  out << "dims after record: " << show(es.known_dimensions("local", "hash")) << "\n";
  const std::string a = blob({1, 2, 3}), b = blob({-1, 0.5f, 0}), c = blob({0.25f, 0.125f, 9});
  const std::vector<VectorRow> first{{{1, 2}, a, "aaaa", true}, {{3}, b, "", false}, {{999}, c, "cccc", true}};
  changed("store_vectors", [&] { es.store_vectors(local, first); });
  counts(docs);
  pages(docs, 2);
  out << "cached aaaa: " << show(es.cached_vector(local, "aaaa")) << " bbbb: " << show(es.cached_vector(local, "bbbb"))
      << " cccc (chunk gone, cache kept): " << show(es.cached_vector(local, "cccc"))
      << " other server: " << show(es.cached_vector(local, "aaaa", "http://elsewhere")) << "\n";
  out << "vectors: " << show(es.chunk_vector(1)) << show(es.chunk_vector(3)) << show(es.chunk_vector(4))
      << show(es.chunk_vector(999)) << "\n";

  // Another server's vectors, recorded on the collection in the same transaction; a chunk named
  // twice keeps its last vector; the first cached text wins.
  const EmbeddingModel served{"openai", "small", 3, "http://127.0.0.1:9/v1"};
  const std::vector<VectorRow> second{{{4, 5}, c, "dddd", true}, {{4}, a, "dddd", true}, {{1}, c, "", false}};
  changed("store_vectors with record_on", [&] { es.store_vectors(served, second, docs, "http://127.0.0.1:9/v1"); });
  out << "dims openai/small: " << show(es.known_dimensions("openai", "small"))
      << " openai: " << show(es.known_dimensions("openai", "other")) << "\n";
  out << "cached dddd: " << show(es.cached_vector(served, "dddd", "http://127.0.0.1:9/v1"))
      << " without scope: " << show(es.cached_vector(served, "dddd")) << "\n";
  out << "vectors: " << show(es.chunk_vector(1)) << show(es.chunk_vector(4)) << show(es.chunk_vector(5)) << "\n";
  out << "model: "
      << query(s, "SELECT embedding_provider || ' ' || embedding_model || ' ' || CAST(embedding_dimensions AS TEXT) || ' ' || "
                  "coalesce(embedding_server, '-') FROM collections WHERE id = " + std::to_string(docs))
      << "\n";
  counts(docs);

  // The cache alone: a known size without any collection recording it.
  es.store_vectors(EmbeddingModel{"openai", "cache-only", 2}, std::vector<VectorRow>{{{}, blob({1, 1}), "eeee", true}});
  out << "dims cache-only: " << show(es.known_dimensions("openai", "cache-only")) << "\n";

  // The other collection's vectors are not dropped with this one's.
  es.store_vectors(local, std::vector<VectorRow>{{{7}, b, "", false}});
  std::int64_t dropped = 0;
  changed("switch_model", [&] { dropped = es.switch_model(docs, EmbeddingModel{"local", "hash", 0}); });
  out << "dropped " << dropped << "\n";
  counts(docs);
  counts(other);
  out << "model after switch: "
      << query(s, "SELECT embedding_provider || ' ' || embedding_model || ' ' || coalesce(CAST(embedding_dimensions AS TEXT), "
                  "'null') || ' ' || coalesce(embedding_server, '-') FROM collections WHERE id = " + std::to_string(docs))
      << "\n";
  out << "cache kept: " << show(es.cached_vector(local, "aaaa")) << "\n";

  // A cached vector of the wrong size for its model is left out of the cache (SQLite's INSERT OR
  // IGNORE skips a row failing a CHECK too); the chunk's vector is stored.
  es.store_vectors(local, std::vector<VectorRow>{{{2}, blob({1}), "gggg", true}});
  out << "wrong size: cached " << show(es.cached_vector(local, "gggg")) << " vector " << show(es.chunk_vector(2)) << "\n";
  // A vector that is not float32 values is refused, and nothing of the batch stays.
  try {
    es.store_vectors(local, std::vector<VectorRow>{{{3}, a, "ffff", true}, {{4}, "abc", "", false}});
    out << "3 bytes stored\n";
  } catch (const Error& e) {
    out << "3 bytes refused (" << static_cast<int>(e.code()) << "): cached " << show(es.cached_vector(local, "ffff"))
        << " vector " << show(es.chunk_vector(3)) << "\n";
  }
  counts(docs);
  return out.str();
}

TEST_F(PgStoreEmbedAskTest, EmbeddingStoreAnswersAsTheSqliteStore) {
  std::string transcripts[2];
  Store* stores[2] = {sqlite_.get(), pg_.get()};
  for (int i = 0; i < 2; ++i) {
    Store& s = *stores[i];
    const std::int64_t docs = seed(s, "docs", 2, 3);
    const std::int64_t other = seed(s, "other", 1, 2);
    transcripts[i] = embedding_transcript(s, [&] { return generation(s); }, docs, other);
  }
  EXPECT_EQ(transcripts[1], transcripts[0]);
  EXPECT_NE(transcripts[0].find("counts 1: 6/3 pending 3"), std::string::npos) << transcripts[0];
  EXPECT_NE(transcripts[0].find("dropped 5"), std::string::npos) << transcripts[0];
  EXPECT_NE(transcripts[0].find("wrong size: cached none vector [" + blob({1}) + "]"), std::string::npos) << transcripts[0];
  EXPECT_NE(transcripts[0].find("3 bytes refused (7): cached none vector none"), std::string::npos) << transcripts[0];
  // The PostgreSQL rows carry their chunk's collection (what chunk_counts and snapshots read).
  EXPECT_EQ(query(*pg_, "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
                        "WHERE e.collection_id <> c.collection_id"),
            "0");
  EXPECT_EQ(query(*pg_, "SELECT count(*) FROM embeddings WHERE collection_id = 2"), "1");
}

TEST_F(PgStoreEmbedAskTest, EveryVectorWriteChangesTheGeneration) {
  const std::int64_t docs = seed(*pg_, "docs", 1, 3);
  EmbeddingStore es(*pg_);
  const EmbeddingModel m{"local", "hash", 2};
  std::vector<std::string> seen{generation(*pg_)};
  auto expect_new = [&](const char* what) {
    const std::string g = generation(*pg_);
    for (const std::string& old : seen) EXPECT_NE(g, old) << what;
    seen.push_back(g);
  };
  es.store_vectors(m, std::vector<VectorRow>{{{1}, blob({1, 0}), "", false}});
  expect_new("insert");
  es.store_vectors(m, std::vector<VectorRow>{{{1}, blob({0, 1}), "", false}});
  expect_new("replace");
  exec(*pg_, "DELETE FROM chunks WHERE id = 1");  // a re-ingest drops the chunk and its vector
  expect_new("cascade delete");
  es.store_vectors(m, std::vector<VectorRow>{{{2, 3}, blob({1, 1}), "", false}});
  expect_new("two chunks");
  es.switch_model(docs, m);
  expect_new("switch");
  // Reading never does.
  es.chunk_counts(docs);
  es.chunk_vector(2);
  EXPECT_EQ(generation(*pg_), seen.back());
}

// Counts the updates of embedding_generation from now on (each is one bump of the generation).
void count_generation_bumps(Store& s) {
  exec(s, "CREATE TABLE generation_bumps (n INTEGER); "
          "CREATE FUNCTION log_generation_bump() RETURNS trigger LANGUAGE plpgsql AS "
          "$$ BEGIN INSERT INTO generation_bumps VALUES (1); RETURN NULL; END $$; "
          "CREATE TRIGGER log_generation_bump AFTER UPDATE ON embedding_generation "
          "FOR EACH ROW EXECUTE FUNCTION log_generation_bump()");
}
std::string generation_bumps(Store& s) { return query(s, "SELECT count(*) FROM generation_bumps"); }

// A vector of `dims` float32 whose bits are `bits` (repeated), as the embedder would write them.
std::string vector_of_bits(const std::vector<std::uint32_t>& bits, std::size_t dims, std::uint32_t salt) {
  std::string out(dims * 4, '\0');
  for (std::size_t i = 0; i < dims; ++i) {
    const std::uint32_t b = bits[i % bits.size()] ^ (i >= bits.size() ? salt : 0u);
    std::memcpy(out.data() + i * 4, &b, 4);
  }
  return out;
}

TEST_F(PgStoreEmbedAskTest, ABatchOfThousandsOfVectorsIsStoredBitExactWithOneGenerationBump) {
  // 5,000 chunks of one document, written by the server (a statement per chunk would be slow).
  const std::int64_t docs = seed(*pg_, "docs", 1, 1);
  exec(*pg_, "INSERT INTO chunks (document_id, collection_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
             "SELECT 1, " + std::to_string(docs) + ", k, 'chunk ' || k, 0, 1, 1, 1 FROM generate_series(1, 4999) AS k");
  count_generation_bumps(*pg_);
  // Floats a text form could change: NaNs with payloads (quiet, signalling, negative),
  // denormals, -0, infinities, the extremes.
  const std::vector<std::uint32_t> special{0x7fc00000, 0x7fc12345, 0x7f800001, 0xffc00000, 0x00000001, 0x807fffff,
                                           0x80000000, 0x7f800000, 0xff800000, 0x7f7fffff, 0x00800000, 0x3f800000};
  const std::size_t dims = 384;
  const EmbeddingModel m{"local", "hash", static_cast<std::int64_t>(dims)};
  EmbeddingStore es(*pg_);
  std::vector<VectorRow> rows;
  for (std::int64_t id = 1; id <= 5000; ++id) {
    rows.push_back(VectorRow{{id}, vector_of_bits(special, dims, static_cast<std::uint32_t>(id)),
                             "sha" + std::to_string(id), id % 2 == 0});
  }
  es.store_vectors(m, rows);
  EXPECT_EQ(generation_bumps(*pg_), "1");
  EXPECT_EQ(es.count_pending(docs), 0);
  for (const VectorRow& r : rows) {
    const std::optional<std::string> v = es.chunk_vector(r.chunk_ids[0]);
    ASSERT_TRUE(v) << r.chunk_ids[0];
    ASSERT_EQ(*v, r.blob) << "chunk " << r.chunk_ids[0];
    const std::optional<std::string> cached = es.cached_vector(m, r.text_sha256);
    if (r.cache) {
      ASSERT_TRUE(cached) << r.text_sha256;
      ASSERT_EQ(*cached, r.blob) << r.text_sha256;
    } else {
      ASSERT_FALSE(cached) << r.text_sha256;
    }
  }

  // Re-embedding replaces every vector: still one bump, and the new bits.
  for (VectorRow& r : rows) r.blob = vector_of_bits(special, dims, 0x5a5a5a5au ^ static_cast<std::uint32_t>(r.chunk_ids[0]));
  es.store_vectors(m, rows);
  EXPECT_EQ(generation_bumps(*pg_), "2");
  EXPECT_EQ(query(*pg_, "SELECT count(*) FROM embeddings"), "5000");
  for (const VectorRow& r : rows) ASSERT_EQ(es.chunk_vector(r.chunk_ids[0]), r.blob) << r.chunk_ids[0];
}

TEST_F(PgStoreEmbedAskTest, PagesOfChunksToEmbedSkipEmbeddedOnesAsTheSqliteStore) {
  std::string transcripts[2];
  Store* stores[2] = {sqlite_.get(), pg_.get()};
  for (int i = 0; i < 2; ++i) {
    Store& s = *stores[i];
    const std::int64_t docs = seed(s, "docs", 2, 6);
    EmbeddingStore es(s);
    // Embedded: a run of them, one alone, and the last chunk.
    es.store_vectors(EmbeddingModel{"local", "hash", 1},
                     std::vector<VectorRow>{{{2, 3, 4, 5}, blob({1}), "", false}, {{8}, blob({2}), "", false},
                                            {{12}, blob({3}), "", false}});
    std::ostringstream out;
    for (const std::int64_t start : {0, 3, 5, 8, 11}) {
      out << "from " << start << ":";
      std::int64_t after = start;
      for (auto page = es.pending_chunks(docs, after, 2); !page.empty(); page = es.pending_chunks(docs, after, 2)) {
        out << " [";
        for (const store::ChunkToEmbed& p : page) out << " " << p.chunk_id;
        out << " ]";
        after = page.back().chunk_id;
      }
      out << "\n";
    }
    transcripts[i] = out.str();
  }
  EXPECT_EQ(transcripts[1], transcripts[0]);
  EXPECT_EQ(transcripts[0], "from 0: [ 1 6 ] [ 7 9 ] [ 10 11 ]\nfrom 3: [ 6 7 ] [ 9 10 ] [ 11 ]\n"
                            "from 5: [ 6 7 ] [ 9 10 ] [ 11 ]\nfrom 8: [ 9 10 ] [ 11 ]\nfrom 11:\n");
}

TEST_F(PgStoreEmbedAskTest, AStoreSharingTheServerKeepsItsOwnRows) {
  // A second store in another schema of the same database: its own tables, its own generation.
  const std::string url = db_->url() + "?search_path=team_b";
  Store other = Store::open(url);
  seed(*pg_, "docs", 1, 2);
  seed(other, "docs", 1, 2);
  EmbeddingStore(*pg_).store_vectors(EmbeddingModel{"local", "hash", 1}, std::vector<VectorRow>{{{1}, blob({1}), "x", true}});
  EXPECT_EQ(EmbeddingStore(other).chunk_counts(1).embedded, 0);
  EXPECT_FALSE(EmbeddingStore(other).cached_vector(EmbeddingModel{"local", "hash", 1}, "x"));
  EXPECT_EQ(EmbeddingStore(*pg_).chunk_counts(1).embedded, 1);
  EXPECT_NE(query(other, "SELECT store_id FROM embedding_generation"), query(*pg_, "SELECT store_id FROM embedding_generation"));
}

// ---- AskStore -----------------------------------------------------------------------------------

std::string show(const LlmCall& c) {
  std::ostringstream out;
  out << "call " << c.id << " conv " << show(c.conversation_id) << " [" << c.collection << "] q=" << c.question
      << " a=" << c.answer << " " << c.provider << "/" << c.model << " endpoint=" << c.endpoint << " "
      << store::to_string(c.status) << " error=" << c.error << " cached=" << c.cached << " tokens "
      << show(c.input_tokens) << "/" << show(c.output_tokens) << " ms " << c.latency_ms << "/" << c.total_ms
      << " chunks";
  for (const std::int64_t id : c.chunk_ids) out << " " << id;
  out << " rq=" << show(c.retrieval_query) << " tools=" << show(c.tool_calls);
  // The time is the server's: its shape is compared, not its value.
  EXPECT_EQ(c.created_at.size(), 24u) << c.created_at;
  EXPECT_EQ(c.created_at.substr(10, 1) + c.created_at.substr(19, 1) + c.created_at.substr(23), "T.Z") << c.created_at;
  // Exact doubles: 1/3 is not written with six decimals.
  if (c.latency_ms != 0) {
    EXPECT_EQ(c.latency_ms, 1000.0 / 3) << "latency read back exactly";
  }
  return out.str();
}

std::string show(const std::optional<CachedAnswer>& a) {
  if (!a) return "none";
  return "{" + a->answer + " | " + a->model + " | " + show(a->finish_reason) + " | " + show(a->input_tokens) + " | " +
         show(a->output_tokens) + "}";
}

std::string show(const std::optional<store::Conversation>& c) {
  if (!c) return "none";
  std::string out = "conversation " + std::to_string(c->id) + " [" + c->collection + "] " + c->title + ":";
  for (const store::ConversationTurn& t : c->turns) {
    out += std::string(t.role == store::ConversationTurn::Role::user ? " U:" : " A:") + t.content;
  }
  return out;
}

LlmCall a_call(const std::string& question, CallStatus status) {
  LlmCall c;
  c.collection = "docs";
  c.question = question;
  c.answer = "answer to " + question;
  c.provider = "openai";
  c.model = "gpt-test";
  c.endpoint = "http://127.0.0.1:9/v1/chat/completions";
  c.status = status;
  c.latency_ms = 1000.0 / 3;
  c.total_ms = 2000.0 / 7;
  c.chunk_ids = {12, 3, 7};
  c.input_tokens = 120;
  c.output_tokens = 30;
  return c;
}

store::AskPrincipal tester() { return store::AskPrincipal{"key:0123456789abcdef", std::string(64, 'b')}; }

std::string ask_transcript(Store& s) {
  std::ostringstream out;
  AskStore as(s, tester());
  out << "empty: " << show(as.last_conversation()) << " " << show(as.conversation(1)) << " "
      << show(as.cached_answer("k1")) << " " << as.calls(0).size() << " " << (as.call(1) ? "call" : "none") << "\n";

  // A new conversation; its title is the question cut to 200 bytes at a UTF-8 boundary.
  AskRecord first;
  std::string long_question = std::string(199, 'q') + "é and more";
  first.call = a_call(long_question, CallStatus::ok);
  first.call.tool_calls = R"([{"name":"search","arguments":{"query":"x"}}])";
  first.new_conversation = true;
  first.cache_key = "k1";
  first.cache_value = CachedAnswer{"cached one", "gpt-test-2025", "stop", 120, 30};
  const AskStore::Written w1 = as.write(first);
  out << "written " << w1.call_id << " conv " << show(w1.conversation_id) << "\n";

  // A follow-up in it, with the model's rewrite cached too.
  AskRecord second;
  second.call = a_call("and then?", CallStatus::ok);
  second.call.retrieval_query = "standalone: and then?";
  second.conversation_id = w1.conversation_id;
  second.rewrite_cache_key = "rw1";
  second.rewrite_cache_value = CachedAnswer{"standalone: and then?", "gpt-test", std::nullopt, std::nullopt, 4};
  const AskStore::Written w2 = as.write(second);
  out << "written " << w2.call_id << " conv " << show(w2.conversation_id) << "\n";

  // Offline, failed, no history: logged only.
  AskRecord third;
  third.call = a_call("offline?", CallStatus::error);
  third.call.provider = "none";
  third.call.model = "extractive";
  third.call.endpoint = "";
  third.call.error = "the server hung up";
  third.call.cached = true;
  third.call.input_tokens.reset();
  third.call.output_tokens.reset();
  third.call.latency_ms = 0;
  third.call.chunk_ids.clear();
  const AskStore::Written w3 = as.write(third);
  out << "written " << w3.call_id << " conv " << show(w3.conversation_id) << "\n";

  // A partial answer in a new conversation: the conversation exists, without the turn.
  AskRecord fourth;
  fourth.call = a_call("cut short", CallStatus::partial);
  fourth.new_conversation = true;
  fourth.cache_key = "k1";  // replaces the cached answer
  fourth.cache_value = CachedAnswer{"cached two", "gpt-test", "length", 1, 2};
  const AskStore::Written w4 = as.write(fourth);
  out << "written " << w4.call_id << " conv " << show(w4.conversation_id) << "\n";

  out << "last: " << show(as.last_conversation()) << "\n";
  out << show(as.conversation(*w1.conversation_id)) << "\n" << show(as.conversation(*w4.conversation_id)) << "\n";
  out << "missing: " << show(as.conversation(99)) << "\n";
  out << "k1 " << show(as.cached_answer("k1")) << " rw1 " << show(as.cached_answer("rw1")) << "\n";
  for (const LlmCall& c : as.calls(0)) out << show(c) << "\n";
  out << "limit 2:";
  for (const LlmCall& c : as.calls(2)) out << " " << c.id;
  out << "\nof conversation:";
  for (const LlmCall& c : as.calls(0, w1.conversation_id)) out << " " << c.id;
  out << "\none: " << show(*as.call(w2.call_id)) << "\nmissing: " << (as.call(99) ? "call" : "none") << "\n";
  return out.str();
}

TEST_F(PgStoreEmbedAskTest, AskStoreAnswersAsTheSqliteStore) {
  const std::string sqlite = ask_transcript(*sqlite_);
  const std::string pg = ask_transcript(*pg_);
  EXPECT_EQ(pg, sqlite);
  // Conversation 2 is newer but holds no turn (its answer was cut): none to continue.
  EXPECT_NE(sqlite.find("last: 1"), std::string::npos) << sqlite;
  EXPECT_NE(sqlite.find("U:and then? A:answer to and then?"), std::string::npos) << sqlite;
  EXPECT_NE(sqlite.find("limit 2: 4 3"), std::string::npos) << sqlite;
  EXPECT_EQ(query(*pg_, "SELECT octet_length(title) FROM conversations WHERE id = 1"), "199");
}

TEST_F(PgStoreEmbedAskTest, AFailedWriteLeavesNothingOfTheAnswer) {
  AskStore as(*pg_, tester());
  AskRecord r;
  r.call = a_call("q", CallStatus::ok);
  r.cache_key = "k";
  r.cache_value = CachedAnswer{"a", "m", std::nullopt, std::nullopt, std::nullopt};
  // A conversation that does not exist: the log row's foreign key fails after the messages'.
  r.conversation_id = 42;
  EXPECT_THROW(as.write(r), Error);
  EXPECT_EQ(query(*pg_, "SELECT count(*) FROM llm_calls"), "0");
  EXPECT_EQ(query(*pg_, "SELECT count(*) FROM messages"), "0");
  EXPECT_FALSE(as.cached_answer("k"));
  // The connection is usable afterwards.
  r.conversation_id.reset();
  const AskStore::Written w = as.write(r);
  EXPECT_EQ(as.calls(0).size(), 1u);
  EXPECT_EQ(as.calls(0).front().id, w.call_id);
  EXPECT_TRUE(as.cached_answer("k"));
}

// ---- vector snapshots of a PostgreSQL store ------------------------------------------------------

class ScopedCacheHome {
 public:
  explicit ScopedCacheHome(const std::string& dir) {
    if (const char* old = std::getenv("XDG_CACHE_HOME")) old_ = old;
    ::setenv("XDG_CACHE_HOME", dir.c_str(), 1);
  }
  ~ScopedCacheHome() {
    if (old_) {
      ::setenv("XDG_CACHE_HOME", old_->c_str(), 1);
    } else {
      ::unsetenv("XDG_CACHE_HOME");
    }
  }
  ScopedCacheHome(const ScopedCacheHome&) = delete;
  ScopedCacheHome& operator=(const ScopedCacheHome&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST_F(PgStoreEmbedAskTest, ASnapshotIsKeptInTheUsersCacheReusedAndRebuiltAfterAVectorChanges) {
  // The cache folder is the caller's to give (config::cache_folder): the environment is not read.
  const ScopedCacheHome elsewhere(tmp_ / "not-this-one");
  store::OpenOptions options;
  options.cache_folder = tmp_ / "cache";
  pg_ = std::make_unique<Store>(Store::open(db_->url(), options));
  const std::int64_t docs = seed(*pg_, "docs", 3, 4);
  const EmbeddingModel m{"local", "hash", 4};
  EmbeddingStore es(*pg_);
  es.record_model(docs, m);
  std::vector<VectorRow> rows;
  for (std::int64_t id = 1; id <= 12; ++id) {
    const auto f = static_cast<float>(id);
    rows.push_back(VectorRow{{id}, blob({f, 1, -f, 0.5f}), "", false});
  }
  es.store_vectors(m, rows);

  // Filed under a key of the server, database and schema the user named with the server's id,
  // not under the id alone, which any store's owner sets (strata-store(5), TRUST).
  const std::string server_id = query(*pg_, "SELECT store_id FROM embedding_generation");
  const std::string store_id = store::vector_fingerprint(*pg_).store_id;
  EXPECT_EQ(store_id, sha256_hex(pg_->path() + '\0' + server_id));
  const std::string path = search::snapshot_file(store::derived_folder(*pg_, store_id).path, docs);
  EXPECT_EQ(path, tmp_ / ("cache/strata/stores/" + store_id + "/" + std::to_string(docs) + ".bin"));
  ASSERT_FALSE(std::filesystem::exists(path));

  const search::CollectionIndex built = search::load_collection_index(*pg_, docs, m);
  EXPECT_FALSE(built.from_snapshot);
  EXPECT_EQ(built.chunk_ids.size(), 12u);
  ASSERT_TRUE(std::filesystem::exists(path)) << "written beside nothing: in the cache";
  for (const std::string& dir : {tmp_ / "cache/strata", tmp_ / "cache/strata/stores", tmp_ / ("cache/strata/stores/" + store_id)}) {
    EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_all) << dir;
  }
  EXPECT_FALSE(std::filesystem::exists(pg_->path() + ".vectors")) << "the display URL is not a path";
  EXPECT_FALSE(std::filesystem::exists(tmp_ / "not-this-one")) << "$XDG_CACHE_HOME is the caller's to read";

  const search::CollectionIndex reused = search::load_collection_index(*pg_, docs, m);
  EXPECT_TRUE(reused.from_snapshot);
  EXPECT_EQ(reused.chunk_ids, built.chunk_ids);
  EXPECT_EQ(reused.fingerprint, built.fingerprint);

  // One vector changes (another client's embed): the snapshot is stale and not used.
  es.store_vectors(m, std::vector<VectorRow>{{{5}, blob({0, 0, 0, 1}), "", false}});
  const search::CollectionIndex rebuilt = search::load_collection_index(*pg_, docs, m);
  EXPECT_FALSE(rebuilt.from_snapshot);
  EXPECT_NE(rebuilt.fingerprint, built.fingerprint);
  EXPECT_EQ(rebuilt.chunk_ids, built.chunk_ids);
  EXPECT_TRUE(search::load_collection_index(*pg_, docs, m).from_snapshot);

  // A chunk deleted with its vector (a re-ingest) is a change too.
  exec(*pg_, "DELETE FROM chunks WHERE id = 12");
  const search::CollectionIndex fewer = search::load_collection_index(*pg_, docs, m);
  EXPECT_FALSE(fewer.from_snapshot);
  EXPECT_EQ(fewer.chunk_ids.size(), 11u);
}

TEST_F(PgStoreEmbedAskTest, TheDerivedFolderIsInTheCacheFolderOnlyForAPlainStoreId) {
  store::OpenOptions options;
  options.cache_folder = "/home/ann/.cache-x";
  Store st = Store::open(db_->url(), options);
  const store::DerivedFolder f = store::derived_folder(st, "0123abcd");
  EXPECT_EQ(f.path, "/home/ann/.cache-x/strata/stores/0123abcd");
  EXPECT_TRUE(f.private_to_user);
  EXPECT_EQ(search::snapshot_file(f.path, 7), "/home/ann/.cache-x/strata/stores/0123abcd/7.bin");
  EXPECT_EQ(store::derived_folder(st, "").path, "");
  EXPECT_EQ(store::derived_folder(st, "../../etc").path, "");
  EXPECT_EQ(store::derived_folder(st, "a/b").path, "");
  // No cache folder given: nothing is kept.
  EXPECT_EQ(store::derived_folder(*pg_, "0123abcd").path, "");
  EXPECT_EQ(search::snapshot_file("", 7), "");
}

}  // namespace
}  // namespace strata::pg_embed_ask_test
