// `strata mcp`'s bounds (mcp/server.h, "Limits"): a batch's messages and its replies' bytes, one
// reply's bytes, and end of input answering every request read. Regression tests for a 22 KB
// batch that made a 292 MB reply in 1.1 GB of memory, and for a file of 10,000 piped searches of
// which 1,084 were answered (the rest cancelled half a second after end of input).
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/server.h"
#include "serve_pipes.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::mcp {
namespace {

using nlohmann::json;
using strata::testing::request;
using strata::testing::TempDir;

json list_documents(int id) {
  return request(id, "tools/call", {{"name", "list_documents"}, {"arguments", {{"limit", 500}}}});
}

// Every line `serve` writes for `input` (written to a file, so that no pipe fills).
std::vector<std::string> served_lines(Server& server, const std::string& input, const TempDir& tmp) {
  const std::string in_path = tmp / "in.jsonl", out_path = tmp / "out.jsonl";
  strata::testing::write_file(in_path, input);
  const int in = ::open(in_path.c_str(), O_RDONLY);
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  serve(server, in, out, 1 << 20);
  ::close(in);
  ::close(out);
  std::vector<std::string> lines;
  const std::string text = strata::testing::read_file(out_path);
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl - at));
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  return lines;
}

class McpLimitsTest : public ::testing::Test {
 protected:
  // A store whose collection holds `documents` documents titled with `title_bytes` bytes each:
  // list_documents then answers about 2 × documents × title_bytes (the text and the structure).
  void make_store(int documents, std::size_t title_bytes) {
    store::Store::open(path_);
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (name) VALUES ('default')");
    SQLite::Statement insert(db, "INSERT INTO documents (collection_id, source, title, content_hash, size_bytes, loader, "
                                 "chunk_count) VALUES (1, ?, ?, 'h', 1, 'text', 1)");
    for (int i = 0; i < documents; ++i) {
      insert.bind(1, "doc" + std::to_string(i) + ".md");
      insert.bind(2, std::string(title_bytes, 't'));
      insert.exec();
      insert.reset();
    }
    db.exec("INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
            "VALUES (1, 0, 'gadgets are kept in the blue drawer', 0, 1, 1, 1)");
    options_.store_path = path_;
    options_.version = "test";
  }

  TempDir tmp_;
  std::string path_ = tmp_ / "store.db";
  ServerOptions options_;
};

TEST_F(McpLimitsTest, ABatchOfTooManyMessagesIsRefusedWithOneError) {
  make_store(1, 10);
  Server server(options_);
  ASSERT_TRUE(server.handle_line(request(1, "initialize", {{"protocolVersion", "2025-03-26"}}).dump()));
  json batch = json::array();
  for (int i = 0; i < static_cast<int>(k_max_batch_messages); ++i) batch.push_back(request(100 + i, "ping"));
  const json full = json::parse(*server.handle_line(batch.dump()));
  ASSERT_TRUE(full.is_array());
  EXPECT_EQ(full.size(), k_max_batch_messages) << "64 messages are served";
  batch.push_back(request(999, "ping"));
  const json refused = json::parse(*server.handle_line(batch.dump()));
  ASSERT_TRUE(refused.is_object()) << refused.dump().substr(0, 300);
  EXPECT_EQ(refused["id"], nullptr);
  EXPECT_EQ(refused["error"]["code"], -32600);
  EXPECT_EQ(refused["error"]["message"], "a batch of 65 messages: at most 64 are served in one batch; send fewer at a time");
}

// One reply above k_max_reply_bytes (here a document titled with 9 MiB: 18 MiB) is replaced by
// an error with its id; a tool call's is a tool result the model can read.
TEST_F(McpLimitsTest, AReplyLargerThanTheCapIsAnErrorInItsPlace) {
  make_store(1, std::size_t{9} << 20);
  Server server(options_);
  const std::string reply = *server.handle_line(list_documents(7).dump());
  EXPECT_LT(reply.size(), 1000U);
  const json r = json::parse(reply);
  EXPECT_EQ(r["id"], 7);
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  const std::string text = r["result"]["content"][0]["text"].get<std::string>();
  EXPECT_TRUE(text.starts_with("the reply would be 18")) << text;
  EXPECT_NE(text.find(" MiB, more than the 16 MiB one reply may hold; ask for less"), std::string::npos) << text;
}

// A batch's replies together at most k_max_batch_reply_bytes: the calls past it are answered
// with an error each, and not run. Both through handle_line and through serve's lanes.
TEST_F(McpLimitsTest, ABatchsRepliesAreBoundedInAll) {
  make_store(2, std::size_t{9} << 19);  // each list_documents: one document (its page is full), 9 MiB
  json batch = json::array({request(3, "ping"), list_documents(1), list_documents(2), list_documents(4)});
  const std::string initialize = request(0, "initialize", {{"protocolVersion", "2025-03-26"}}).dump();
  const auto check = [](const json& replies) {
    ASSERT_TRUE(replies.is_array());
    ASSERT_EQ(replies.size(), 4U);
    std::map<int, json> by_id;
    for (const json& r : replies) by_id[r["id"].get<int>()] = r;
    int served = 0, refused = 0;
    for (int id : {1, 2, 4}) {
      if (by_id[id].contains("result")) {
        ++served;
        EXPECT_FALSE(by_id[id]["result"]["isError"].get<bool>());
      } else {
        ++refused;
        EXPECT_TRUE(by_id[id]["error"]["message"].get<std::string>().starts_with(
            "not run: the replies of this batch passed 16 MiB"))
            << by_id[id].dump();
      }
    }
    EXPECT_EQ(served, 1);
    EXPECT_EQ(refused, 2);
    EXPECT_EQ(by_id[3]["result"], json::object()) << "a small reply before the cap is kept";
  };
  {
    Server server(options_);
    server.handle_line(initialize);
    const std::string line = *server.handle_line(batch.dump());
    EXPECT_LE(line.size(), k_max_batch_reply_bytes + 4096);
    check(json::parse(line));
  }
  Server server(options_);
  const std::vector<std::string> lines = served_lines(server, initialize + "\n" + batch.dump() + "\n", tmp_);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_LE(lines[1].size(), k_max_batch_reply_bytes + 4096);
  check(json::parse(lines[1]));
}

// Documents with long titles make shorter pages of list_documents and resources/list, each
// saying where to go on, rather than a reply past the cap.
TEST_F(McpLimitsTest, LongTitlesMakeShorterPages) {
  make_store(5, std::size_t{1} << 20);
  Server server(options_);
  json r = json::parse(*server.handle_line(list_documents(1).dump()));
  const json& page = r["result"]["structuredContent"];
  EXPECT_EQ(page["total"], 5);
  EXPECT_EQ(page["documents"].size(), 2U) << "past 2 MiB of titles after the second";
  EXPECT_EQ(page["next_offset"], 2);
  r = json::parse(*server.handle_line(request(2, "resources/list").dump()));
  EXPECT_EQ(r["result"]["resources"].size(), 2U);
  EXPECT_EQ(r["result"]["nextCursor"], "2");
  r = json::parse(*server.handle_line(request(3, "resources/list", {{"cursor", "4"}}).dump()));
  EXPECT_EQ(r["result"]["resources"].size(), 1U);
  EXPECT_FALSE(r["result"].contains("nextCursor"));
}

// A file of requests piped in is answered whole: end of input waits for every call read,
// however many (more than the calls in flight a reader may have: it waits for room), whatever
// their ids (a reused id is still a call to answer).
TEST_F(McpLimitsTest, EndOfInputAnswersEveryRequestRead) {
  make_store(1, 10);
  Server server(options_);
  std::string input;
  constexpr int n = 3000;
  for (int i = 0; i < n; ++i) {
    const int id = i < 2000 ? i : 7;  // the last thousand all reuse one id
    input += request(id, "tools/call", {{"name", "search"}, {"arguments", {{"query", "gadgets"}, {"mode", "keyword"}}}})
                 .dump() +
             "\n";
  }
  const std::vector<std::string> lines = served_lines(server, input, tmp_);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(n));
  int with_hits = 0;
  for (const std::string& l : lines) {
    const json r = json::parse(l);
    with_hits += r["result"]["structuredContent"]["hits"].size() == 1 ? 1 : 0;
  }
  EXPECT_EQ(with_hits, n);
}

}  // namespace
}  // namespace strata::mcp
