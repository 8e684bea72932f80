// strata as an MCP client (core/mcp/client.h) against a scripted server
// (tests/fixtures/mcp_fake_server.py): the handshake, paged tools, calls, and every way a server
// can misbehave: exit, crash, hang, flood, junk and requests of its own. McpClientEverything runs
// against the real @modelcontextprotocol/server-everything when tests/e2e/mcp_client.sh has
// installed it (STRATA_MCP_EVERYTHING names its entry script); skipped otherwise.
#include "mcp/client.h"
#include "mcp/server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "test_util.h"

namespace strata::mcp {
namespace {

using nlohmann::json;
using strata::testing::error_of;
using namespace std::chrono_literals;

// The interpreter itself, not a wrapper on PATH (pyenv's shim is a shell script that adds
// variables of its own, which would spoil the environment test).
std::string python() {
  static const std::string path = [] {
    std::string out = "python3";
    if (FILE* p = ::popen("python3 -c 'import sys; print(sys.executable)'", "r")) {
      std::array<char, 4096> buffer{};
      if (std::fgets(buffer.data(), static_cast<int>(buffer.size()), p) != nullptr) out = buffer.data();
      ::pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }();
  return path;
}

config::McpServerConfig fake(const std::string& mode, std::chrono::seconds timeout = 5s) {
  config::McpServerConfig c;
  c.name = "fake-" + mode;
  c.command = {python(), std::string(STRATA_SOURCE_DIR) + "/tests/fixtures/mcp_fake_server.py", mode};
  c.env = {{"STRATA_TEST_GREETING", "hello"}};
  c.timeout = timeout;
  c.where = "test";
  return c;
}

ClientOptions quick() {
  ClientOptions o;
  o.start_timeout = 10s;  // python's start on a loaded machine; the hang test uses 1 s
  o.shutdown_grace = 500ms;
  return o;
}

// Processes whose parent is this test process: a child not reaped stays here as a zombie.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid()) out.push_back(std::stoi(name));
  }
  return out;
}

// True while `pid` runs: a zombie no longer does (a container's init may be slow to reap it).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

bool has_tool(const Client& c, const std::string& name) {
  for (const RemoteTool& t : c.tools()) {
    if (t.name == name) return true;
  }
  return false;
}

const RemoteTool& tool(const Client& c, const std::string& name) {
  for (const RemoteTool& t : c.tools()) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no tool " + name);
}

std::string message_of(const std::function<void()>& f) {
  const Error e = error_of(f);
  EXPECT_EQ(e.code(), ExitCode::unavailable) << e.what();
  return e.what();
}

TEST(McpClient, ListsPagedToolsWithReadOnlyHints) {
  auto c = Client::start(fake("normal"), quick());
  EXPECT_EQ(c->name(), "fake-normal");
  EXPECT_EQ(c->protocol_version(), "2025-11-25");
  EXPECT_TRUE(c->alive());
  EXPECT_EQ(c->tools().size(), 16U);  // 3 + 13 over two pages; "bad name\x1b[2J" dropped
  EXPECT_FALSE(has_tool(*c, "bad name\x1b[2J"));
  EXPECT_TRUE(tool(*c, "echo").read_only);
  EXPECT_EQ(tool(*c, "echo").description, "Echoes the message");  // escape sequences removed
  EXPECT_EQ(tool(*c, "echo").input_schema["required"][0], "message");
  EXPECT_EQ(tool(*c, "echo").server, "fake-normal");
  EXPECT_FALSE(tool(*c, "write_note").read_only);  // readOnlyHint "yes" is not true
  EXPECT_TRUE(tool(*c, "env").read_only);
  EXPECT_FALSE(tool(*c, "fail").read_only);  // no annotations
  EXPECT_EQ(tool(*c, "fail").input_schema, json({{"type", "object"}}));
}

TEST(McpClient, CallsToolsAndSanitisesTheirOutput) {
  auto c = Client::start(fake("normal"), quick());
  const ToolResult echo = c->call("echo", {{"message", "hi there"}});
  EXPECT_EQ(echo.text, "echo: hi there");
  EXPECT_FALSE(echo.is_error);
  EXPECT_FALSE(echo.cut);

  const ToolResult fail = c->call("fail", json::object());
  EXPECT_TRUE(fail.is_error);
  EXPECT_EQ(fail.text, "it failed on purpose");

  const ToolResult mixed = c->call("mixed", json::object());
  EXPECT_EQ(mixed.text, "red: red\n[image: image/png, 300 bytes omitted]\nend");
  EXPECT_EQ(mixed.structured, json({{"n", 1}}));

  const ToolResult unknown = c->call("no_such_tool", json::object());
  EXPECT_TRUE(unknown.is_error);
  EXPECT_EQ(unknown.text, "error: unknown tool");
  EXPECT_TRUE(c->alive());  // a tool's error is not the connection's
}

TEST(McpClient, CapsAToolsOutputAtACharacterBoundary) {
  ClientOptions o = quick();
  o.max_result_bytes = 1001;  // inside a two-byte character
  auto c = Client::start(fake("normal"), o);
  const ToolResult big = c->call("big", json::object());
  EXPECT_TRUE(big.cut);
  std::string expected;
  for (int i = 0; i < 500; ++i) expected += "é";
  EXPECT_EQ(big.text.substr(0, 1000), expected);
  EXPECT_EQ(big.text.substr(1000), "\n[output cut: 204800 bytes in all]");
  EXPECT_EQ(c->call("big", json::object()).text.size(), big.text.size());  // still talking
}

TEST(McpClient, ChildEnvironmentIsMinimal) {
  ::setenv("OPENAI_API_KEY", "sk-test-must-not-leak", 1);
  ::setenv("STRATA_TEST_SECRET_TOKEN", "nope", 1);
  auto c = Client::start(fake("normal"), quick());
  const json env = json::parse(c->call("env", json::object()).text);
  ::unsetenv("OPENAI_API_KEY");
  ::unsetenv("STRATA_TEST_SECRET_TOKEN");
  EXPECT_FALSE(env.contains("OPENAI_API_KEY"));
  EXPECT_FALSE(env.contains("STRATA_TEST_SECRET_TOKEN"));
  EXPECT_EQ(env.value("STRATA_TEST_GREETING", ""), "hello");
  EXPECT_TRUE(env.contains("PATH"));
  for (const auto& [name, value] : env.items()) {
    const bool allowed = name == "PATH" || name == "HOME" || name == "LANG" || name == "LC_ALL" || name == "LC_CTYPE" ||
                         name == "TMPDIR" || name == "USER" || name == "TERM" || name == "STRATA_TEST_GREETING" ||
                         name == "LC_CTYPE";  // python may set LC_CTYPE itself (PEP 538)
    EXPECT_TRUE(allowed) << name;
  }
}

TEST(McpClient, ConfiguredEnvironmentWinsOverTheInheritedOne) {
  config::McpServerConfig s = fake("normal");
  s.env = {{"PATH", "/opt/bin"}, {"EXTRA", "1"}};
  const auto env = child_environment(s, [](const std::string& n) -> std::optional<std::string> {
    if (n == "PATH" || n == "HOME") return "/from/" + n;
    return std::nullopt;
  });
  EXPECT_EQ(env, (std::vector<std::string>{"HOME=/from/HOME", "PATH=/opt/bin", "EXTRA=1"}));
}

TEST(McpClient, HandlesJunkNotificationsAndServerRequests) {
  auto c = Client::start(fake("noisy"), quick());
  EXPECT_EQ(c->tools().size(), 16U);
  EXPECT_EQ(c->call("echo", {{"message", "through the noise"}}).text, "echo: through the noise");
  // What the client answered to the server's requests (made while waiting for earlier responses).
  const json answers = json::parse(c->call("answers", json::object()).text);
  ASSERT_GE(answers.size(), 4U);
  EXPECT_EQ(answers[0]["id"], "srv-0");
  EXPECT_EQ(answers[0]["result"], json::object());  // ping
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(answers[i]["error"]["code"], -32601) << answers[i].dump();
    EXPECT_NE(answers[i]["error"]["message"].get<std::string>().find("not supported"), std::string::npos);
  }
}

// A server that asks the client for its model, its folders or its user, and waits for the
// answers before it finishes the call: each is refused (-32601), the batch's requests too (as
// an array), none acted on, the call not left hanging; and initialize declared no capability.
TEST(McpClient, RefusesSamplingRootsAndElicitationAndDeclaresNoCapabilities) {
  auto c = Client::start(fake("normal"), quick());
  const ToolResult r = c->call("ask_back", json::object());
  ASSERT_FALSE(r.is_error) << r.text;
  const json back = json::parse(r.text);
  EXPECT_EQ(back["capabilities"], json::object()) << "no sampling, roots or elicitation declared";
  ASSERT_EQ(back["answers"].size(), 6U) << back.dump();
  for (const json& a : back["answers"]) {
    ASSERT_TRUE(a.is_object()) << "unanswered: " << back.dump();
    if (a["method"] == "ping") {
      EXPECT_EQ(a["result"], json::object());
      continue;
    }
    EXPECT_FALSE(a.contains("result")) << a.dump();
    EXPECT_EQ(a["error"]["code"], -32601) << a.dump();
    EXPECT_NE(a["error"]["message"].get<std::string>().find("not supported by this client"), std::string::npos);
  }
  EXPECT_EQ(c->call("echo", {{"message", "still here"}}).text, "echo: still here");
}

// The same in every revision strata speaks: a server (tests/e2e/mcp_asking_server.py) that
// answers initialize with the revision it is given and, in the middle of a call, sends what that
// revision lets a server send (sampling, roots, elicitation in both its modes, tasks, a batch in
// 2025-03-26, a request whose id is an object). Every one is answered (-32601; the bad id
// -32600 with a null id), none acted on, the call not held; nothing declared at initialize.
config::McpServerConfig asking(const std::string& revision) {
  config::McpServerConfig c = fake("normal");
  c.name = "asking-" + revision;
  c.command = {python(), std::string(STRATA_SOURCE_DIR) + "/tests/e2e/mcp_asking_server.py", revision};
  return c;
}

TEST(McpClient, RefusesServerRequestsInEveryRevision) {
  for (const std::string_view revision : k_protocol_versions) {
    SCOPED_TRACE(std::string(revision));
    auto c = Client::start(asking(std::string(revision)), quick());
    EXPECT_EQ(c->protocol_version(), revision);
    const auto started = std::chrono::steady_clock::now();
    const ToolResult r = c->call("ask", json::object());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "a request was left unanswered";
    ASSERT_FALSE(r.is_error) << r.text;
    const json back = json::parse(r.text);
    EXPECT_EQ(back["capabilities"], json::object()) << "no sampling, roots or elicitation declared";
    ASSERT_GE(back["answers"].size(), 3U);
    for (const json& a : back["answers"]) {
      ASSERT_TRUE(a.is_object()) << "unanswered: " << back.dump();
      if (a["method"] == "ping") {
        EXPECT_EQ(a["result"], json::object());
        continue;
      }
      EXPECT_FALSE(a.contains("result")) << a.dump();
      EXPECT_EQ(a["error"]["code"], -32601) << a.dump();
    }
    ASSERT_EQ(back["bad_id"].size(), 1U) << back.dump();
    EXPECT_EQ(back["bad_id"][0]["error"]["code"], -32600);
    EXPECT_EQ(c->call("echo", {{"message", "still here"}}).text, "echo: {\"message\": \"still here\"}");
  }
}

// 2026-07-28 replaced a server's own requests with a result that asks for input and a call sent
// again with the answers (multi round-trip requests): strata answers none, so the call is a tool
// error naming what was asked, and it is never sent again.
TEST(McpClient, AResultThatAsksForInputIsRefusedNotRetried) {
  auto c = Client::start(asking("2026-07-28"), quick());
  const ToolResult r = c->call("need_input", json::object());
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(r.text,
            "error: the server asked for input strata does not give (resultType input_required: elicitation/create, "
            "roots/list, sampling/createMessage): the call is refused");
  EXPECT_EQ(c->call("retries", json::object()).text, "0");
  EXPECT_EQ(input_asked(json{{"resultType", "complete"}, {"content", json::array()}}), std::nullopt);
  EXPECT_EQ(input_asked(json{{"content", json::array()}}), std::nullopt);
  const std::optional<std::string> odd = input_asked(json{{"resultType", "\u001b[2Jodd"}});
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->find('\x1b'), std::string::npos) << *odd;
  EXPECT_TRUE(odd->ends_with("odd")) << *odd;
}

TEST(McpClient, StderrChatterNeitherBlocksNorLeaks) {
  auto c = Client::start(fake("stderr"), quick());  // 1 MiB on stderr before it reads anything
  EXPECT_EQ(c->call("echo", {{"message", "ok"}}).text, "echo: ok");
}

TEST(McpClient, ServerThatExitsAtOnceIsNamedWithItsStatusAndLastWords) {
  const std::string m = message_of([] { Client::start(fake("exit"), quick()); });
  EXPECT_EQ(m, "mcp server 'fake-exit': exited with status 5: cannot start");
}

TEST(McpClient, ProgramNotFound) {
  config::McpServerConfig s = fake("normal");
  s.command = {"strata-no-such-mcp-server"};
  EXPECT_EQ(message_of([&] { Client::start(s, quick()); }), "mcp server 'fake-normal': 'strata-no-such-mcp-server' not found on PATH");
}

TEST(McpClient, ServerThatNeverAnswersInitializeTimesOut) {
  ClientOptions o = quick();
  o.start_timeout = 1s;
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(message_of([&] { Client::start(fake("hang"), o); }), "mcp server 'fake-hang': did not answer initialize within 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
}

// The configured timeout bounds the start too: it held --tools for the 30 s of start_timeout.
TEST(McpClient, ServerThatNeverAnswersInitializeIsHeldNoLongerThanItsTimeout) {
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(message_of([&] { Client::start(fake("hang", 1s), quick()); }),  // start_timeout 10 s
            "mcp server 'fake-hang': did not answer initialize within 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2500ms);
}

// JSON nested 200,000 levels deep in any answer (an error, a version, a schema, a tool's
// structuredContent) ended strata with SIGSEGV: now the connection ends with a message.
TEST(McpClient, DeeplyNestedAnswersEndTheConnectionNotTheProgram) {
  for (const char* mode : {"deep-error", "deep-version", "deep-schema"}) {
    EXPECT_EQ(message_of([&] { Client::start(fake(mode), quick()); }),
              std::string("mcp server 'fake-") + mode + "': sent a message nested deeper than 128 levels")
        << mode;
  }
  auto c = Client::start(fake("normal"), quick());
  EXPECT_EQ(message_of([&] { c->call("deep_structured", json::object()); }),
            "mcp server 'fake-normal': sent a message nested deeper than 128 levels");
  EXPECT_FALSE(c->alive());
}

TEST(McpClient, RefusesAnUnknownProtocolVersionAndAnInitializeError) {
  EXPECT_NE(message_of([] { Client::start(fake("bad-version"), quick()); }).find("speaks protocol version \"1999-01-01\""),
            std::string::npos);
  EXPECT_EQ(message_of([] { Client::start(fake("init-error"), quick()); }),
            "mcp server 'fake-init-error': answered initialize with an error: no way");
}

TEST(McpClient, EndlessToolPagesAreCut) {
  ClientOptions o = quick();
  o.max_pages = 5;
  EXPECT_EQ(message_of([&] { Client::start(fake("endless"), o); }),
            "mcp server 'fake-endless': lists its tools in more than 5 pages");
}

TEST(McpClient, CallPastTheTimeoutKillsTheServer) {
  auto c = Client::start(fake("normal", 1s), quick());
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(message_of([&] { c->call("slow", {{"seconds", 30}}); }),
            "mcp server 'fake-normal': did not answer tools/call within 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_FALSE(c->alive());
  EXPECT_EQ(message_of([&] { c->call("echo", {{"message", "again"}}); }),
            "mcp server 'fake-normal': is gone: did not answer tools/call within 1 s");
}

TEST(McpClient, CrashDuringACallNamesStatusAndStderr) {
  auto c = Client::start(fake("normal"), quick());
  EXPECT_EQ(message_of([&] { c->call("crash", json::object()); }),
            "mcp server 'fake-normal': exited with status 3: boom crashed");
  EXPECT_FALSE(c->alive());
  EXPECT_NE(message_of([&] { c->call("echo", json::object()); }).find("is gone: exited with status 3"), std::string::npos);
}

TEST(McpClient, KilledBySignalIsNamed) {
  auto c = Client::start(fake("normal"), quick());
  EXPECT_EQ(message_of([&] { c->call("segv", json::object()); }), "mcp server 'fake-normal': was killed by signal SIGSEGV");
}

TEST(McpClient, WriteToAServerThatExitedIsAnErrorNotSigpipe) {
  auto c = Client::start(fake("normal"), quick());
  EXPECT_EQ(c->call("exit_after", json::object()).text, "bye");  // answers, then exits
  std::this_thread::sleep_for(300ms);
  // More than a pipe holds, so the write meets the closed pipe: EPIPE, not a SIGPIPE that kills us.
  const std::string m = message_of([&] { c->call("echo", {{"message", std::string(1 << 20, 'a')}}); });
  EXPECT_EQ(m, "mcp server 'fake-normal': exited with status 0");
}

TEST(McpClient, OverlongLineEndsTheConnection) {
  auto c = Client::start(fake("normal"), quick());
  EXPECT_EQ(message_of([&] { c->call("flood_line", json::object()); }),
            "mcp server 'fake-normal': sent a line longer than 4 MiB");
  EXPECT_FALSE(c->alive());
}

TEST(McpClient, FloodOfNotificationsEndsTheConnection) {
  ClientOptions o = quick();
  o.max_unanswered_bytes = std::size_t{2} << 20;
  auto c = Client::start(fake("normal"), o);
  EXPECT_EQ(message_of([&] { c->call("flood_notes", json::object()); }),
            "mcp server 'fake-normal': sent more than 2 MiB without answering");
}

TEST(McpClient, LeavesNoZombieNorStrayProcess) {
  const std::vector<pid_t> before = children();
  pid_t grandchild = 0;
  {
    auto c = Client::start(fake("normal"), quick());
    grandchild = std::stoi(c->call("spawn_child", json::object()).text);
    EXPECT_TRUE(running(grandchild));
  }
  {
    auto c = Client::start(fake("normal", 1s), quick());
    EXPECT_THROW(c->call("slow", {{"seconds", 30}}), Error);
  }
  EXPECT_THROW(Client::start(fake("exit"), quick()), Error);
  EXPECT_EQ(children(), before);
  // The stray `sleep` was in the server's process group: killed. Its new parent reaps it.
  for (int i = 0; i < 100 && running(grandchild); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(running(grandchild));
}

// Servers that ignore the end of their input and SIGTERM were stopped one after another, each
// after the whole grace: N servers held strata N × 2.5 s at exit. Now one grace for all.
TEST(McpClient, StubbornServersAreStoppedTogether) {
  const std::vector<pid_t> before = children();
  config::McpServers servers;
  servers.servers = {fake("stubborn"), fake("stubborn"), fake("stubborn")};
  servers.servers[1].name = "fake-stubborn-2";
  servers.servers[2].name = "fake-stubborn-3";
  auto set = std::make_unique<ClientSet>(start_all(servers, quick()));  // grace 500 ms
  ASSERT_EQ(set->clients.size(), 3U);
  const auto started = std::chrono::steady_clock::now();
  set.reset();
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 500ms);    // each was given the grace, then SIGTERM's quarter of it
  EXPECT_LT(took, 1300ms);   // one after another: 3 × 625 ms
  EXPECT_EQ(children(), before);
}

TEST(McpClient, StartAllCollectsFailuresAndStartsTheRest) {
  config::McpServers servers;
  servers.servers = {fake("exit"), fake("normal"), fake("init-error")};
  const ClientSet set = start_all(servers, quick());
  ASSERT_EQ(set.clients.size(), 1U);
  EXPECT_EQ(set.clients[0]->name(), "fake-normal");
  EXPECT_EQ(set.find("fake-normal"), set.clients[0].get());
  EXPECT_EQ(set.find("fake-exit"), nullptr);
  ASSERT_EQ(set.failures.size(), 2U);
  EXPECT_EQ(set.failures[0].server, "fake-exit");
  EXPECT_EQ(set.failures[1].server, "fake-init-error");
}

// The real server from npm, installed by tests/e2e/mcp_client.sh.
TEST(McpClientEverything, ListsAndCallsTheReferenceServer) {
  const char* entry = std::getenv("STRATA_MCP_EVERYTHING");
  if (entry == nullptr || *entry == '\0') GTEST_SKIP() << "STRATA_MCP_EVERYTHING unset (tests/e2e/mcp_client.sh sets it)";
  ::setenv("OPENAI_API_KEY", "sk-everything-must-not-see", 1);  // in strata's environment, not the server's
  config::McpServerConfig s;
  s.name = "everything";
  s.command = {"node", entry, "stdio"};
  s.timeout = 30s;
  auto c = Client::start(s, quick());
  ::unsetenv("OPENAI_API_KEY");
  ASSERT_TRUE(has_tool(*c, "echo"));
  const ToolResult echo = c->call("echo", {{"message", "hello from strata"}});
  EXPECT_FALSE(echo.is_error);
  EXPECT_NE(echo.text.find("hello from strata"), std::string::npos) << echo.text;
  // 2026.8.31 annotates every tool: echo is read-only, gzip-file-as-resource is not.
  EXPECT_TRUE(tool(*c, "echo").read_only);
  if (has_tool(*c, "gzip-file-as-resource")) {
    EXPECT_FALSE(tool(*c, "gzip-file-as-resource").read_only);
  }
  std::cout << "server-everything: " << c->tools().size() << " tools, protocol " << c->protocol_version() << "\n";
  EXPECT_FALSE(tool(*c, "echo").description.empty());
  if (has_tool(*c, "get-env")) {  // the child's environment, seen by a real server
    const std::string env = c->call("get-env", json::object()).text;
    EXPECT_EQ(env.find("sk-everything-must-not-see"), std::string::npos);
    EXPECT_NE(env.find("PATH"), std::string::npos) << env;
  }
  if (has_tool(*c, "get-tiny-image")) {
    const ToolResult image = c->call("get-tiny-image", json::object());
    EXPECT_NE(image.text.find("[image: image/png, "), std::string::npos) << image.text;
  }
  // A call the server refuses: echo without its required argument.
  const ToolResult bad = c->call("echo", json::object());
  EXPECT_TRUE(bad.is_error) << bad.text;
  const ToolResult unknown = c->call("no_such_tool_here", json::object());
  EXPECT_TRUE(unknown.is_error) << unknown.text;
  EXPECT_TRUE(c->alive());
}

}  // namespace
}  // namespace strata::mcp
