// The SQLite floor for `strata ingest`: a plain program that inserts the same chunks, with the
// same schema and FTS5 index (the store's own migration files, triggers included), in batched
// transactions, with the store's pragmas (WAL, synchronous NORMAL). It reads, chunks and
// tokenizes nothing: its input is `strata chunk` JSONL made beforehand, loaded before timing.
//
//   usage: ingest_floor MIGRATIONS_DIR CHUNKS.jsonl DB
//   prints one JSON line: {"tool":"sqlite_floor","seconds":...,"documents":...,"chunks":...}
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct Chunk {
  std::string source, text;
  long long start, end, line_start, line_end, tokens;
};

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "ingest_floor: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

// The up section of a dbmate-style migration file.
std::string up_sql(const std::string& path) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t up = all.find("-- migrate:up");
  const std::size_t down = all.find("-- migrate:down");
  return all.substr(up, down - up);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ingest_floor MIGRATIONS_DIR CHUNKS.jsonl DB\n");
    return 2;
  }
  std::vector<std::string> migrations;
  for (const auto& e : std::filesystem::directory_iterator(argv[1])) migrations.push_back(e.path().string());
  std::sort(migrations.begin(), migrations.end());
  std::vector<Chunk> chunks;
  {
    std::ifstream in(argv[2]);
    std::string line;
    while (std::getline(in, line)) {
      const nlohmann::json j = nlohmann::json::parse(line);
      chunks.push_back({j["source"], j["text"], j["start"], j["end"], j["line_start"], j["line_end"], j.value("tokens", 0LL)});
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  sqlite3* db = nullptr;
  check(sqlite3_open(argv[3], &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", nullptr,
                     nullptr, nullptr),
        db, "pragmas");
  for (const std::string& m : migrations) check(sqlite3_exec(db, up_sql(m).c_str(), nullptr, nullptr, nullptr), db, m.c_str());
  check(sqlite3_exec(db, "INSERT INTO collections (name) VALUES ('default')", nullptr, nullptr, nullptr), db, "collection");
  sqlite3_stmt* doc = nullptr;
  sqlite3_stmt* chunk = nullptr;
  check(sqlite3_prepare_v2(db,
                           "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader) "
                           "VALUES (1, ?, '', 0, 'text')",
                           -1, &doc, nullptr),
        db, "prepare documents");
  check(sqlite3_prepare_v2(db,
                           "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end,"
                           " token_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &chunk, nullptr),
        db, "prepare chunks");
  std::string current;
  long long document_id = 0, ordinal = 0, documents = 0;
  std::size_t in_batch = 0;
  check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
  for (const Chunk& c : chunks) {
    if (c.source != current) {
      current = c.source;
      sqlite3_bind_text(doc, 1, c.source.data(), static_cast<int>(c.source.size()), SQLITE_STATIC);
      check(sqlite3_step(doc), db, "insert document");
      sqlite3_reset(doc);
      document_id = sqlite3_last_insert_rowid(db);
      ordinal = 0;
      ++documents;
    }
    sqlite3_bind_int64(chunk, 1, document_id);
    sqlite3_bind_int64(chunk, 2, ordinal++);
    sqlite3_bind_text(chunk, 3, c.text.data(), static_cast<int>(c.text.size()), SQLITE_STATIC);
    sqlite3_bind_int64(chunk, 4, c.start);
    sqlite3_bind_int64(chunk, 5, c.end);
    sqlite3_bind_int64(chunk, 6, c.line_start);
    sqlite3_bind_int64(chunk, 7, c.line_end);
    sqlite3_bind_int64(chunk, 8, c.tokens);
    check(sqlite3_step(chunk), db, "insert chunk");
    sqlite3_reset(chunk);
    if (++in_batch == 4000) {  // strata's batch size
      check(sqlite3_exec(db, "COMMIT; BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "commit");
      in_batch = 0;
    }
  }
  check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  sqlite3_finalize(doc);
  sqlite3_finalize(chunk);
  sqlite3_close(db);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << nlohmann::json{{"tool", "sqlite_floor"}, {"seconds", seconds}, {"documents", documents},
                              {"chunks", chunks.size()}}
                   .dump()
            << '\n';
  return 0;
}
