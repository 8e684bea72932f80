// core/mcp: the JSON-RPC reader, the session's answers, document ranges and resource URIs, on
// a store ingested here. The SDK client and the inspector drive the binary in tests/e2e/mcp.sh.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ingest/ingest.h"
#include "service/document_range.h"
#include "mcp/json_rpc.h"
#include "mcp/resources.h"
#include "mcp/server.h"
#include "store/catalog.h"
#include "test_util.h"

namespace strata::mcp {
namespace {

using nlohmann::json;
using service::ChunkPart;
using service::DocumentPart;
using service::LineRange;
using service::read_chunks;
using service::read_lines;
using strata::testing::TempDir;
using strata::testing::write_file;

struct McpQuiet : ingest::IngestObserver {};

TEST(McpJsonRpc, RequestsNotificationsAndResponses) {
  ParsedLine p = parse_line(R"({"jsonrpc":"2.0","id":7,"method":"tools/list"})");
  ASSERT_TRUE(p.request);
  EXPECT_EQ(p.request->id, 7);
  EXPECT_FALSE(p.request->notification);
  EXPECT_TRUE(p.request->params.is_object());
  p = parse_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  ASSERT_TRUE(p.request);
  EXPECT_TRUE(p.request->notification);
  p = parse_line(R"({"jsonrpc":"2.0","id":"x","result":{}})");
  EXPECT_TRUE(p.response);
  EXPECT_FALSE(p.request);
  EXPECT_FALSE(p.error);
}

TEST(McpJsonRpc, BadMessagesGetTheirErrorCodes) {
  const auto code = [](std::string_view line) { return (*parse_line(line).error)["error"]["code"].get<int>(); };
  EXPECT_EQ(code("{"), -32700);
  EXPECT_EQ(code("[]"), -32600);
  EXPECT_EQ(code("42"), -32600);
  EXPECT_EQ(code(R"({"id":1,"method":"ping"})"), -32600);
  EXPECT_EQ(code(R"({"jsonrpc":"2.0","id":1})"), -32600);
  EXPECT_EQ(code(R"({"jsonrpc":"2.0","id":1,"method":3})"), -32600);
  EXPECT_EQ(code(R"({"jsonrpc":"2.0","id":null,"method":"ping"})"), -32600);
  EXPECT_EQ(code(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})"), -32602);
  EXPECT_EQ((*parse_line(R"({"jsonrpc":"2.0","id":4,"method":3})").error)["id"], 4);
}

// A 120 KB line nesting 60,000 levels crashed `strata mcp` (the first copy of the value
// recursed once per level): it is refused unread, and the session goes on.
TEST(McpJsonRpc, DeeplyNestedMessagesAreRefusedUnread) {
  const std::string deep = std::string(60000, '[') + std::string(60000, ']');
  for (const std::string& line : {R"({"jsonrpc":"2.0","id":)" + deep + R"(,"method":"ping"})",
                                  R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":)" +
                                      deep + "}}}"}) {
    Server server(ServerOptions{});
    const std::optional<std::string> reply = server.handle_line(line);
    ASSERT_TRUE(reply);
    const json r = json::parse(*reply);
    EXPECT_EQ(r["error"]["code"], -32600);
    EXPECT_EQ(r["error"]["message"], "message nested deeper than 128 levels, not read");
    EXPECT_EQ(r["id"], nullptr);
    EXPECT_EQ(json::parse(*server.handle_line(R"({"jsonrpc":"2.0","id":2,"method":"ping"})"))["result"], json::object());
  }
  // 128 levels are a message like any other.
  const std::string ok = R"({"jsonrpc":"2.0","id":3,"method":"ping","params":{"a":)" + std::string(126, '[') +
                         std::string(126, ']') + "}}";
  EXPECT_TRUE(parse_line(ok).request);
  EXPECT_TRUE(parse_line(R"({"jsonrpc":"2.0","id":3,"method":"ping","params":{"a":)" + std::string(127, '[') +
                         std::string(127, ']') + "}}")
                  .error);
}

TEST(McpJsonRpc, LinesAreAsciiAndSurviveInvalidUtf8) {
  const std::string line = to_line(json{{"text", std::string("caf\xc3\xa9 \xff\n")}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  for (const char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  EXPECT_NE(line.find("\\u00e9"), std::string::npos);
}

TEST(McpResources, UrisRoundTripWithEscapes) {
  const std::string uri = resource_uri("team:wiki", "docs/a b%.md");
  EXPECT_EQ(uri, "strata://team%3Awiki/docs/a%20b%25.md");
  const auto name = parse_resource_uri(uri);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->collection, "team:wiki");
  EXPECT_EQ(name->source, "docs/a b%.md");
  EXPECT_FALSE(parse_resource_uri("file:///etc/passwd"));
  EXPECT_FALSE(parse_resource_uri("strata://only"));
  EXPECT_FALSE(parse_resource_uri("strata:///source"));
  EXPECT_FALSE(parse_resource_uri("strata://c/%4"));
  EXPECT_FALSE(parse_resource_uri("strata://c/%zz"));
}

class McpStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text;
    for (int i = 1; i <= 40; ++i) text += "Line " + std::to_string(i) + " of the manual, about widget number " + std::to_string(i) + ".\n";
    write_file(tmp_ / "docs/manual.txt", text);
    write_file(tmp_ / "docs/short.md", "# Short\n\nA note on gadgets.\n");
    ingest::IngestRequest r;
    r.paths = {tmp_ / "docs/manual.txt", tmp_ / "docs/short.md"};
    r.store_path = store_ = tmp_ / "store.db";
    r.chunk.size = 300;
    r.threads = 1;
    McpQuiet quiet;
    ingest::ingest(r, quiet);
    options_.store_path = store_;
    options_.version = "test";
  }

  json call(Server& server, const std::string& method, json params) {
    const std::optional<std::string> line =
        server.handle_line(json{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", std::move(params)}}.dump());
    EXPECT_TRUE(line);
    return line ? json::parse(*line) : json();
  }

  std::string manual_source() {
    store::Store st = store::Store::open_existing(store_);
    for (const std::string& s : store::document_sources(st, "default")) {
      if (s.ends_with("manual.txt")) return s;
    }
    return "";
  }

  TempDir tmp_;
  std::string store_;
  ServerOptions options_;
  int id_ = 0;
};

TEST_F(McpStoreTest, ReadLinesGivesExactlyTheLinesAcrossChunks) {
  store::Store st = store::Store::open_existing(store_);
  const store::DocumentSummary d = store::get_document(st, "default", manual_source());
  ASSERT_GT(d.chunk_count, 3) << "the range must cross chunks";
  const DocumentPart p = read_lines(st, d.id, LineRange{9, 21}, 100000);
  EXPECT_EQ(p.first_line, 9);
  EXPECT_EQ(p.last_line, 21);
  EXPECT_EQ(p.document_lines, 40);
  EXPECT_FALSE(p.truncated);
  std::string want;
  for (int i = 9; i <= 21; ++i) want += "Line " + std::to_string(i) + " of the manual, about widget number " + std::to_string(i) + ".\n";
  EXPECT_EQ(p.text, want);
}

TEST_F(McpStoreTest, ReadLinesStopsAtTheCapAfterAWholeLine) {
  store::Store st = store::Store::open_existing(store_);
  const store::DocumentSummary d = store::get_document(st, "default", manual_source());
  const DocumentPart p = read_lines(st, d.id, LineRange{1, 0}, 100);
  EXPECT_TRUE(p.truncated);
  EXPECT_LE(p.text.size(), 100u);
  EXPECT_EQ(p.text.back(), '\n');
  EXPECT_EQ(p.last_line, 2) << p.text;
  const DocumentPart tiny = read_lines(st, d.id, LineRange{3, 3}, 10);
  EXPECT_EQ(tiny.text, "Line 3 of ");
  EXPECT_TRUE(tiny.truncated);
  const DocumentPart past = read_lines(st, d.id, LineRange{50, 60}, 1000);
  EXPECT_EQ(past.text, "");
  EXPECT_EQ(past.first_line, 0);
}

TEST_F(McpStoreTest, ReadChunksByOrdinal) {
  store::Store st = store::Store::open_existing(store_);
  const store::DocumentSummary d = store::get_document(st, "default", manual_source());
  const ChunkPart p = read_chunks(st, d.id, 1, 2, 100000);
  EXPECT_EQ(p.first_chunk, 1);
  EXPECT_EQ(p.last_chunk, 2);
  EXPECT_EQ(p.document_chunks, d.chunk_count);
  EXPECT_NE(p.text.find("--- chunk 1, lines "), std::string::npos);
  EXPECT_NE(p.text.find("--- chunk 2, lines "), std::string::npos);
  EXPECT_EQ(p.text.find("--- chunk 3"), std::string::npos);
}

TEST_F(McpStoreTest, InitializeNegotiatesTheVersion) {
  Server server(options_);
  EXPECT_EQ(call(server, "initialize", {{"protocolVersion", "2024-11-05"}})["result"]["protocolVersion"], "2024-11-05");
  EXPECT_EQ(call(server, "initialize", {{"protocolVersion", "2099-01-01"}})["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(call(server, "initialize", json::object())["result"]["serverInfo"]["version"], "test");
}

TEST_F(McpStoreTest, ToolsAnswerAndBadArgumentsAreToolErrors) {
  Server server(options_);
  json r = call(server, "tools/call", {{"name", "search"}, {"arguments", {{"query", "widget number 17"}, {"k", 2}}}});
  ASSERT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
  const json& hit = r["result"]["structuredContent"]["hits"][0];
  EXPECT_TRUE(hit["source"].get<std::string>().ends_with("manual.txt"));
  EXPECT_NE(hit["text"].get<std::string>().find("widget number 17"), std::string::npos);
  EXPECT_EQ(hit["citation"], hit["source"].get<std::string>() + ":L" + std::to_string(hit["lines"][0].get<int>()) + "-L" +
                                 std::to_string(hit["lines"][1].get<int>()));

  r = call(server, "tools/call", {{"name", "search"}, {"arguments", {{"query", "x"}, {"k", "5"}}}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("argument 'k' must be an integer"), std::string::npos);
  r = call(server, "tools/call", {{"name", "search"}, {"arguments", json::object()}});
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("'query' is required"), std::string::npos);
  r = call(server, "tools/call", {{"name", "read_document"}, {"arguments", {{"source", "x"}, {"start_line", 1}, {"first_chunk", 0}}}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  r = call(server, "tools/call", {{"name", "no_such_tool"}});
  EXPECT_EQ(r["error"]["code"], -32602);
  r = call(server, "tools/call", {{"name", "migrate_status"}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << "no migrate tools configured";

  r = call(server, "tools/call", {{"name", "list_documents"}, {"arguments", {{"limit", 1}}}});
  EXPECT_EQ(r["result"]["structuredContent"]["total"], 2);
  EXPECT_EQ(r["result"]["structuredContent"]["next_offset"], 1);
  r = call(server, "tools/call", {{"name", "list_documents"}, {"arguments", {{"filter", "SHORT"}}}});
  EXPECT_EQ(r["result"]["structuredContent"]["total"], 1);
}

TEST_F(McpStoreTest, MigrateToolsReportWhatTheProgramGives) {
  // Each wait on the database is bounded for a tool call (the CLI's commands have no bound).
  options_.migrate.status = [](std::chrono::milliseconds call_timeout) {
    return call_timeout == k_database_timeout ? json{{"applied", 3}, {"pending", 0}} : json::object();
  };
  Server server(options_);
  const json r = call(server, "tools/call", {{"name", "migrate_status"}, {"arguments", json::object()}});
  EXPECT_EQ(r["result"]["structuredContent"]["applied"], 3);
}

TEST_F(McpStoreTest, ResourcesListPagesAndRead) {
  Server server(options_);
  json r = call(server, "resources/list", json::object());
  ASSERT_EQ(r["result"]["resources"].size(), 2u);
  EXPECT_FALSE(r["result"].contains("nextCursor"));
  const std::string uri = resource_uri("default", manual_source());
  r = call(server, "resources/read", {{"uri", uri}});
  EXPECT_EQ(r["result"]["contents"][0]["text"].get<std::string>().substr(0, 19), "Line 1 of the manua");
  r = call(server, "resources/read", {{"uri", "strata://nocollection/x"}});
  EXPECT_EQ(r["error"]["code"], -32002);
  r = call(server, "resources/list", {{"cursor", "-1"}});
  EXPECT_EQ(r["error"]["code"], -32602);
}

TEST_F(McpStoreTest, AMissingStoreIsAToolErrorUntilItExists) {
  options_.store_path = tmp_ / "later/store.db";
  Server server(options_);
  json r = call(server, "tools/call", {{"name", "list_collections"}});
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  EXPECT_FALSE(std::filesystem::exists(tmp_ / "later/store.db")) << "the server never creates a store";
  std::filesystem::create_directories(tmp_ / "later");
  std::filesystem::copy_file(store_, tmp_ / "later/store.db");
  r = call(server, "tools/call", {{"name", "list_collections"}});
  EXPECT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
}

}  // namespace
}  // namespace strata::mcp
