// core/mcp's protocol revisions and line model: 2026-07-28 beside 2025-11-25 and earlier
// (server/discover, a stateless request naming its revision in _meta, -32022), JSON-RPC batches
// where 2025-03-26 has them and nowhere else, every tool's structuredContent against its
// declared outputSchema, migration hints phrased for an agent, and HTML documents read by the
// lines search cites.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <new>
#include <stdexcept>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/setting.h"
#include "ingest/ingest.h"
#include "mcp/resources.h"
#include "mcp/server.h"
#include "mcp/tools.h"
#include "service/migrate_reports.h"
#include "serve_pipes.h"
#include "store/catalog.h"
#include "test_util.h"

namespace strata::mcp {
namespace {

using nlohmann::json;
using strata::testing::TempDir;
using strata::testing::write_file;

struct Quiet : ingest::IngestObserver {};

// The subset of JSON Schema the tools' output schemas use: type (a name or a list), properties,
// required, additionalProperties false, items, enum. The first violation as "path: why", or "".
std::string violation(const json& schema, const json& value, const std::string& path = "$") {
  if (const auto t = schema.find("type"); t != schema.end()) {
    const auto is = [&value](const std::string& type) {
      if (type == "integer") return value.is_number_integer();
      if (type == "number") return value.is_number();
      if (type == "string") return value.is_string();
      if (type == "boolean") return value.is_boolean();
      if (type == "object") return value.is_object();
      if (type == "array") return value.is_array();
      return type == "null" && value.is_null();
    };
    bool ok = false;
    for (const json& type : t->is_array() ? *t : json::array({*t})) ok = ok || is(type.get<std::string>());
    if (!ok) return path + ": " + value.dump() + " is not " + t->dump();
  }
  if (const auto e = schema.find("enum"); e != schema.end()) {
    if (std::find(e->begin(), e->end(), value) == e->end()) return path + ": " + value.dump() + " not in " + e->dump();
  }
  if (value.is_object()) {
    const json properties = schema.value("properties", json::object());
    for (const json& name : schema.value("required", json::array())) {
      if (!value.contains(name.get<std::string>())) return path + ": " + name.get<std::string>() + " is required";
    }
    for (const auto& [key, v] : value.items()) {
      if (properties.contains(key)) {
        std::string why = violation(properties[key], v, path + "." + key);
        if (!why.empty()) return why;
      } else if (schema.value("additionalProperties", true) == false) {
        return path + ": " + key + " is not declared";
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      std::string why = violation(schema["items"], value[i], path + "[" + std::to_string(i) + "]");
      if (!why.empty()) return why;
    }
  }
  return "";
}

json meta(std::string version = "2026-07-28") {
  return {{"io.modelcontextprotocol/protocolVersion", std::move(version)},
          {"io.modelcontextprotocol/clientCapabilities", json::object()},
          {"io.modelcontextprotocol/clientInfo", {{"name", "test"}, {"version", "1"}}}};
}

// A PostgreSQL-style page (DocBook's output): a navigation table, headings inside title divs,
// a section's heading and paragraphs on one source line, code; long enough for several chunks.
// Its text has more lines than its file, so no padding can make the two agree.
std::string manual_page() {
  std::string html =
      "<!DOCTYPE html>\n<html><head><title>9.1. Widgets</title></head>\n"
      "<body><div class=\"navheader\"><table><tr><th>9.1. Widgets</th></tr></table></div>\n"
      "<div class=\"sect1\"><div class=\"titlepage\"><div><div><h2 class=\"title\">9.1. Widgets</h2></div></div></div>\n";
  for (int s = 1; s <= 6; ++s) {
    html += "<div class=\"sect2\"><div class=\"titlepage\"><div><div><h3 class=\"title\">9.1." + std::to_string(s) +
            ". Widget part " + std::to_string(s) + "</h3></div></div></div>";
    for (int p = 1; p <= 3; ++p) {
      html += "<p>Paragraph " + std::to_string(p) + " of part " + std::to_string(s) + " explains how the widget turns its gears, part" +
              std::to_string(s) + "word" + std::to_string(p) + " included, and why the gears never slip.</p>";
    }
    html += "<pre class=\"programlisting\">SELECT widget" + std::to_string(s) + "\n  FROM parts;\n</pre></div>\n";
  }
  return html + "</div></body></html>\n";
}

class McpProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp_ / "docs/notes.md", "# Notes\n\nGadgets are kept in the blue drawer.\n");
    write_file(tmp_ / "docs/widgets.html", manual_page());
    ingest::IngestRequest r;
    r.paths = {tmp_ / "docs/notes.md", tmp_ / "docs/widgets.html"};
    r.store_path = store_ = tmp_ / "store.db";
    r.chunk.size = 300;
    r.threads = 1;
    Quiet quiet;
    ingest::ingest(r, quiet);
    options_.store_path = store_;
    options_.version = "test";
  }

  json call(Server& server, const std::string& method, json params) {
    return line(server, json{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", std::move(params)}}.dump());
  }
  static json line(Server& server, const std::string& text) {
    const std::optional<std::string> reply = server.handle_line(text);
    return reply ? json::parse(*reply) : json();
  }

  std::string source_ending(const std::string& end) {
    store::Store st = store::Store::open_existing(store_);
    for (const std::string& s : store::document_sources(st, "default")) {
      if (s.ends_with(end)) return s;
    }
    return "";
  }

  TempDir tmp_;
  std::string store_;
  ServerOptions options_;
  int id_ = 0;
};

TEST_F(McpProtocolTest, DiscoverListsTheRevisionsCapabilitiesAndIdentity) {
  Server server(options_);
  const json r = call(server, "server/discover", {{"_meta", meta()}})["result"];
  EXPECT_EQ(r["supportedVersions"], json::array({"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}));
  EXPECT_TRUE(r["capabilities"].contains("tools"));
  EXPECT_TRUE(r["capabilities"].contains("resources"));
  EXPECT_EQ(r["resultType"], "complete");
  EXPECT_EQ(r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "strata");
  EXPECT_EQ(r["_meta"]["io.modelcontextprotocol/serverInfo"]["version"], "test");
  EXPECT_TRUE(r["ttlMs"].is_number_integer());
  EXPECT_EQ(r["cacheScope"], "public");
  EXPECT_FALSE(r["instructions"].get<std::string>().empty());
}

TEST_F(McpProtocolTest, AStatelessRequestIsServedWithoutInitialize) {
  Server server(options_);
  json r = call(server, "tools/list", {{"_meta", meta()}})["result"];
  ASSERT_EQ(r["tools"].size(), 6u) << r.dump();
  EXPECT_EQ(r["resultType"], "complete");
  EXPECT_TRUE(r.contains("ttlMs") && r.contains("cacheScope"));
  r = call(server, "tools/call", {{"name", "search"}, {"arguments", {{"query", "gadgets drawer"}}}, {"_meta", meta()}})["result"];
  EXPECT_EQ(r["resultType"], "complete");
  EXPECT_FALSE(r["isError"].get<bool>());
  EXPECT_EQ(r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "strata");
  EXPECT_FALSE(r.contains("ttlMs")) << "a tool call is not a cacheable result";
  // Not there: -32602 in 2026-07-28, -32002 before it.
  const json missing = {{"uri", "strata://default/nothing.md"}, {"_meta", meta()}};
  EXPECT_EQ(call(server, "resources/read", missing)["error"]["code"], -32602);
  EXPECT_EQ(call(server, "resources/read", {{"uri", "strata://default/nothing.md"}})["error"]["code"], -32002);
  // A legacy request in the same process is answered as before: no resultType.
  r = call(server, "tools/list", json::object())["result"];
  EXPECT_FALSE(r.contains("resultType"));
}

TEST_F(McpProtocolTest, AnUnknownRevisionOrMissingCapabilitiesIsAnError) {
  Server server(options_);
  json r = call(server, "tools/list", {{"_meta", meta("2099-01-01")}});
  EXPECT_EQ(r["error"]["code"], -32022);
  EXPECT_EQ(r["error"]["data"]["requested"], "2099-01-01");
  EXPECT_EQ(r["error"]["data"]["supported"][0], "2026-07-28");
  json m = meta();
  m.erase("io.modelcontextprotocol/clientCapabilities");
  r = call(server, "tools/list", {{"_meta", m}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("clientCapabilities"), std::string::npos);
  r = call(server, "ping", {{"_meta", {{"io.modelcontextprotocol/protocolVersion", 2026}}}});
  EXPECT_EQ(r["error"]["code"], -32602);
}

TEST_F(McpProtocolTest, BatchesOnlyWhere2025_03_26HasThem) {
  Server server(options_);
  const std::string batch =
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},)"
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_collections"}},{"jsonrpc":"1.0","id":3}])";
  EXPECT_EQ(line(server, batch)["error"]["code"], -32600) << "no revision negotiated";
  call(server, "initialize", {{"protocolVersion", "2025-11-25"}});
  json r = line(server, batch);
  EXPECT_EQ(r["error"]["code"], -32600);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("2025-11-25"), std::string::npos);
  call(server, "initialize", {{"protocolVersion", "2025-03-26"}});
  r = line(server, batch);
  ASSERT_TRUE(r.is_array()) << r.dump();
  ASSERT_EQ(r.size(), 3u) << "two requests and one bad message; the notification gets nothing";
  EXPECT_EQ(r[0], json({{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}}));
  EXPECT_EQ(r[1]["id"], 2);
  EXPECT_FALSE(r[1]["result"]["isError"].get<bool>());
  EXPECT_EQ(r[2]["error"]["code"], -32600);
  EXPECT_FALSE(server.handle_line(R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])")) << "notifications only";
  r = line(server, R"([{"jsonrpc":"2.0","id":9,"method":"initialize","params":{}}])");
  EXPECT_EQ(r[0]["error"]["code"], -32600) << "initialize must not be in a batch";
}

// serve(): a batch's calls run on the lanes, and its replies still come back as one line.
TEST_F(McpProtocolTest, ServeAnswersABatchWithOneLine) {
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  const std::string input =
      json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"protocolVersion", "2025-03-26"}}}}.dump() +
      "\n" +
      R"([{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"query":"gadgets","mode":"keyword"}}},)"
      R"({"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","id":4,"method":"resources/list"}])" "\n";
  ASSERT_EQ(::write(in[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  ::close(in[1]);
  Server server(options_);
  serve(server, in[0], out[1], 1 << 20);
  ::close(in[0]);
  ::close(out[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  ::close(out[0]);
  const std::size_t first = text.find('\n');
  ASSERT_NE(first, std::string::npos) << text;
  const json batch = json::parse(text.substr(first + 1));
  ASSERT_TRUE(batch.is_array()) << text;
  std::set<int> ids;
  for (const json& r : batch) ids.insert(r["id"].get<int>());
  EXPECT_EQ(ids, (std::set<int>{2, 3, 4}));
  EXPECT_EQ(text.find('\n', first + 1), text.size() - 1) << "one line for the batch";
}

TEST_F(McpProtocolTest, EveryToolsStructuredContentConformsToItsOutputSchema) {
  // The migration tools' reports as the service builds them (service/migrate_reports.h).
  options_.migrate.status = [](std::chrono::milliseconds) {
    migrate::Status st;
    st.applied = 1;
    st.pending = 1;
    st.entries.resize(2);
    st.entries[0].version_text = "1";
    st.entries[0].name = "a";
    st.entries[0].state = migrate::EntryState::applied;
    st.entries[0].applied_at = "2026-11-24T16:27:47.649Z";
    st.entries[0].file = "./migrations/1_a.sql";
    st.entries[1].version_text = "2";
    st.entries[1].name = "b";
    st.entries[1].file = "./migrations/2_b.sql";
    return service::status_json(st, "/p/app.db", {"./migrations"});
  };
  options_.migrate.check = [](std::chrono::milliseconds) {
    migrate::CheckReport r;
    migrate::Finding& f = r.findings.emplace_back();
    f.code = "missing-down";
    f.severity = migrate::Severity::warning;
    f.version = "1";
    f.file = "./migrations/1_a.sql";
    f.message = "no down";
    return service::check_json(r);
  };
  Server server(options_);
  const json tools = call(server, "tools/list", json::object())["result"]["tools"];
  const std::string html = source_ending("widgets.html");
  const std::map<std::string, std::vector<json>> calls = {
      {"search", {{{"query", "widget gears"}}, {{"query", "nothing matches zzzz"}}}},
      {"read_document", {{{"source", html}}, {{"source", html}, {"max_bytes", 200}}, {{"source", html}, {"first_chunk", 1}}}},
      {"list_collections", {json::object()}},
      {"list_documents", {json::object(), {{"limit", 1}}}},
      {"migrate_status", {json::object()}},
      {"migrate_check", {json::object()}}};
  ASSERT_EQ(tools.size(), calls.size());
  for (const json& tool : tools) {
    const std::string name = tool["name"];
    ASSERT_TRUE(tool.contains("outputSchema")) << name;
    EXPECT_EQ(tool["outputSchema"]["type"], "object") << name;
    for (const json& arguments : calls.at(name)) {
      const json r = call(server, "tools/call", {{"name", name}, {"arguments", arguments}})["result"];
      ASSERT_FALSE(r["isError"].get<bool>()) << name << " " << r.dump();
      EXPECT_EQ(violation(tool["outputSchema"], r["structuredContent"]), "") << name << " " << arguments.dump();
    }
  }
  // The check itself finds what does not conform.
  const json search_schema = tools[0]["outputSchema"];
  EXPECT_NE(violation(search_schema, {{"collection", "c"}, {"mode", "keyword"}, {"hits", {{{"rank", "1"}}}}}), "");
  EXPECT_NE(violation(search_schema, {{"collection", "c"}, {"mode", "fuzzy"}, {"hits", json::array()}}), "");
  EXPECT_NE(violation(search_schema, {{"collection", "c"}, {"mode", "keyword"}, {"hits", json::array()}, {"extra", 1}}), "");
}

// A tool that throws anything at all (memory it could not get, a library's own exception, not
// even a std::exception) fails that call only: a tool error the model can read, and the session
// answers the next request. Before, std::bad_alloc came back as a JSON-RPC error and a thrown
// value that is no std::exception ended the process (std::terminate on a worker thread).
TEST_F(McpProtocolTest, AToolThatThrowsAnythingIsAToolErrorAndTheServerGoesOn) {
  const std::vector<std::pair<std::string, std::function<json(std::chrono::milliseconds)>>> failures = {
      {"the call ran out of memory", [](std::chrono::milliseconds) -> json { throw std::bad_alloc(); }},
      {"internal error: vector::_M_range_check",
       [](std::chrono::milliseconds) -> json { throw std::out_of_range("vector::_M_range_check"); }},
      {"internal error: the call failed", [](std::chrono::milliseconds) -> json { throw 42; }},
  };
  for (const auto& [said, report] : failures) {
    SCOPED_TRACE(said);
    options_.migrate.check = report;
    Server server(options_);
    const json r = call(server, "tools/call", {{"name", "migrate_check"}});
    ASSERT_TRUE(r.contains("result")) << r.dump();
    EXPECT_EQ(r["result"]["isError"], true) << r.dump();
    EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find(said), std::string::npos) << r.dump();
    EXPECT_EQ(call(server, "ping", json::object())["result"], json::object());
    // The same over serve()'s worker threads: the call is answered, and so is the next request.
    strata::testing::Pipes pipes;
    {
      strata::testing::Serving serving(server, pipes);
      pipes.send(strata::testing::request(1, "tools/call", {{"name", "migrate_check"}, {"arguments", json::object()}}));
      const json reply = pipes.reply(std::chrono::seconds(20));
      EXPECT_EQ(reply["id"], 1) << reply.dump();
      EXPECT_EQ(reply["result"]["isError"], true) << reply.dump();
      pipes.send(strata::testing::request(2, "ping"));
      EXPECT_EQ(pipes.reply(std::chrono::seconds(5))["id"], 2);
      pipes.close_input();
      EXPECT_TRUE(serving.ended_within(std::chrono::seconds(10)));
    }
  }
}

TEST_F(McpProtocolTest, MigrationErrorsNameSettingsNotFlags) {
  options_.migrate.status = [](std::chrono::milliseconds) -> json {
    throw Error(ExitCode::usage, "no database given",
                "pass " + mention(Setting::database) +
                    " sqlite:path/to/db.sqlite3, postgres://user@host/db or mysql://user@host/db, or set DATABASE_URL");
  };
  options_.migrate.check = [](std::chrono::milliseconds) -> json {
    throw Error(ExitCode::invalid_input, "./migrations: migrations directory does not exist",
                "create it with `strata migrate new NAME`, or pass " + mention(Setting::dir));
  };
  Server server(options_);
  std::string text = call(server, "tools/call", {{"name", "migrate_status"}})["result"]["content"][0]["text"];
  EXPECT_EQ(text.find("--"), std::string::npos) << text;
  EXPECT_NE(text.find("[migrate] database"), std::string::npos) << text;
  EXPECT_NE(text.find("DATABASE_URL"), std::string::npos) << text;
  text = call(server, "tools/call", {{"name", "migrate_check"}})["result"]["content"][0]["text"];
  EXPECT_EQ(text.find("--"), std::string::npos) << text;
  EXPECT_NE(text.find("[migrate] dir"), std::string::npos) << text;
  EXPECT_EQ(agent_hint("rewrite it, or ask someone"), "rewrite it, or ask someone") << "a hint without flags stays";
  EXPECT_EQ(agent_hint("pass --frobnicate").find("--"), std::string::npos) << "the CLI's own text spells flags";
  // Core mentions a setting (common/setting.h): found by the setting, as the CLI's spelling is.
  const std::string mentioned = agent_hint("remove it or pass " + mention(Setting::database));
  EXPECT_EQ(mentioned, agent_hint("remove it or pass --database"));
  EXPECT_NE(mentioned.find("[migrate] database"), std::string::npos) << mentioned;
  EXPECT_EQ(agent_hint("raise " + mention(Setting::lock_timeout)),
            "this tool takes no arguments and reads the project's settings: ask the user to change them (strata.toml's "
            "[migrate] section or the server's environment)");
  // Marker bytes from data (a file name) are dropped, and name no setting.
  EXPECT_EQ(agent_hint("fix m/\x0e" "notes\x0f.sql"), "fix m/notes.sql");
  EXPECT_EQ(for_agent("so " + mention(Setting::mode) + " hybrid cannot run"), "so mode hybrid cannot run");
  // A command line in a hint is the user's to run at a terminal: kept whole, its settings as the
  // CLI spells them (installed by strata at start), and no setting of the tools is asked for.
  set_command_words([](Setting s) -> std::string_view { return s == Setting::resume ? "--resume" : "--x"; });
  EXPECT_EQ(agent_hint("repair it, then run `strata migrate up " + command_mention(Setting::resume) + "`"),
            "repair it, then run `strata migrate up --resume`");
  EXPECT_EQ(for_agent("embed it first: strata embed " + command_mention(Setting::collection) + " docs (or search with " +
                      mention(Setting::mode) + " keyword)"),
            "embed it first: strata embed --x docs (or search with mode keyword)");
  set_command_words(nullptr);
}

// Search cites the lines of the .html file; read_document reads by the same lines, so a hit's
// citation read back holds the hit's text, and a heading starts its own line.
TEST_F(McpProtocolTest, ReadingAnHtmlHitsLinesReturnsThatHit) {
  Server server(options_);
  const std::string source = source_ending("widgets.html");
  for (const std::string query : {"part4word2", "part6word3", "part1word1"}) {
    const json hits = call(server, "tools/call", {{"name", "search"}, {"arguments", {{"query", query}, {"k", 1}}}})["result"]["structuredContent"]["hits"];
    ASSERT_EQ(hits.size(), 1u) << query;
    EXPECT_EQ(hits[0]["source"], source);
    const json lines = hits[0]["lines"];
    const json read = call(server, "tools/call",
                           {{"name", "read_document"},
                            {"arguments", {{"source", source}, {"start_line", lines[0]}, {"end_line", lines[1]}}}})["result"];
    const std::string text = read["structuredContent"]["text"];
    EXPECT_NE(text.find(hits[0]["text"].get<std::string>()), std::string::npos) << query << "\nhit:\n" << hits[0]["text"] << "\nread:\n" << text;
    EXPECT_LE(read["structuredContent"]["first_line"].get<int>(), lines[0].get<int>());
    EXPECT_GE(read["structuredContent"]["last_line"].get<int>(), lines[1].get<int>());
  }
  // The whole document: every heading on a line of its own, none glued to the paragraph before.
  const std::string all = call(server, "tools/call", {{"name", "read_document"}, {"arguments", {{"source", source}}}})["result"]["structuredContent"]["text"];
  for (int s = 1; s <= 6; ++s) {
    const std::string heading = "### 9.1." + std::to_string(s) + ". Widget part " + std::to_string(s);
    const std::size_t at = all.find(heading);
    ASSERT_NE(at, std::string::npos) << heading << "\n" << all;
    EXPECT_TRUE(at >= 2 && all.compare(at - 2, 2, "\n\n") == 0) << heading << " glued:\n" << all.substr(at - 60, 120);
  }
  // resources/read gives the same text.
  const json contents = call(server, "resources/read", {{"uri", resource_uri("default", source)}})["result"]["contents"];
  EXPECT_EQ(contents[0]["text"], all);
}

}  // namespace
}  // namespace strata::mcp
