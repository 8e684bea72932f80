// A migration tool whose database never answers (a black-holed host, a table another session
// holds locked): the call ends at its deadline with a tool error naming it, and `strata mcp`'s
// serve() answers ping meanwhile, honours a cancel at once (the database lane takes the next
// call) and returns promptly at end of input, leaving the stuck report to end on its own thread.
// Regression tests for a database lane that waited as long as the database did.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/error.h"
#include "mcp/server.h"
#include "serve_pipes.h"
#include "test_util.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::Clock;
using testing::Pipes;
using testing::request;
using testing::seconds_since;
using testing::TempDir;

// Holds every report until opened, as a database that never answers holds a driver's call.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened_cv;
  bool opened = false;
  std::atomic<int> entered{0};

  void open() {
    const std::lock_guard lock(mutex);
    opened = true;
    opened_cv.notify_all();
  }
};

// A report that waits at the gate; it keeps the gate alive itself (a call given up leaves it
// running past the test's own frame).
mcp::MigrateTools::Report stuck(const std::shared_ptr<Gate>& gate) {
  return [gate](std::chrono::milliseconds) -> nlohmann::json {
    ++gate->entered;
    std::unique_lock lock(gate->mutex);
    gate->opened_cv.wait(lock, [&] { return gate->opened; });
    return {{"applied", 0}, {"pending", 0}};
  };
}

// The reports left running end once the gate opens; the test waits for that, so none outlives it.
void open_and_wait_for_reports(Gate& gate) {
  gate.open();
  const auto until = Clock::now() + std::chrono::seconds(5);
  while (mcp::migration_reports_running() > 0 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(mcp::migration_reports_running(), 0u);
}

json call(int id, const std::string& tool) { return request(id, "tools/call", {{"name", tool}, {"arguments", json::object()}}); }

class McpStuckDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.store_path = tmp_ / "store.db";  // not there: only the migration tools are called
    options_.version = "test";
  }
  TempDir tmp_;
  mcp::ServerOptions options_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
};

TEST_F(McpStuckDatabaseTest, TheCallEndsAtItsDeadlineWithAToolErrorNamingIt) {
  options_.migrate.status = stuck(gate_);
  options_.migrate.deadline = std::chrono::milliseconds(300);
  mcp::Server server(options_);
  const auto t0 = Clock::now();
  const json r = json::parse(*server.handle_line(call(1, "migrate_status").dump()));
  EXPECT_LT(seconds_since(t0), 2.0);
  EXPECT_GE(seconds_since(t0), 0.29);
  ASSERT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  const std::string text = r["result"]["content"][0]["text"];
  EXPECT_NE(text.find("did not answer within 300 ms, the deadline of a migration tool's call"), std::string::npos) << text;
  EXPECT_EQ(mcp::migration_reports_running(), 1u) << "the report is left to end on its own";
  open_and_wait_for_reports(*gate_);
}

TEST_F(McpStuckDatabaseTest, ADriversTimeoutIsNamedAsTheDeadline) {
  // The report fails as a driver does when its bound ends a wait (libpq's connect_timeout): at
  // the bound, the message names it; a failure long before it is the driver's message alone.
  options_.migrate.call_timeout = std::chrono::milliseconds(200);
  options_.migrate.deadline = std::chrono::milliseconds(5000);
  options_.breaker_cooldown = std::chrono::milliseconds(0);  // each call reaches the "database"
  auto failing_after = std::make_shared<std::chrono::milliseconds>(200);
  options_.migrate.status = [failing_after](std::chrono::milliseconds call_timeout) -> nlohmann::json {
    EXPECT_EQ(call_timeout, std::chrono::milliseconds(200));
    std::this_thread::sleep_for(*failing_after);
    throw Error(ExitCode::unavailable, "postgres://db/app: cannot connect: timeout expired");
  };
  mcp::Server server(options_);
  json r = json::parse(*server.handle_line(call(1, "migrate_status").dump()));
  std::string text = r["result"]["content"][0]["text"];
  EXPECT_TRUE(r["result"]["isError"].get<bool>());
  EXPECT_NE(text.find("cannot connect: timeout expired (a migration tool waits at most 200 ms to connect and for each "
                      "statement and lock: the deadline of its calls)"),
            std::string::npos)
      << text;
  *failing_after = std::chrono::milliseconds(0);
  r = json::parse(*server.handle_line(call(2, "migrate_status").dump()));
  text = r["result"]["content"][0]["text"];
  EXPECT_NE(text.find("timeout expired"), std::string::npos) << text;
  EXPECT_EQ(text.find("deadline"), std::string::npos) << text;
}

TEST_F(McpStuckDatabaseTest, ServeAnswersPingMeanwhileHonoursACancelAndAnswersAtEndOfInput) {
  options_.migrate.status = stuck(gate_);
  options_.migrate.call_timeout = std::chrono::milliseconds(1000);
  options_.migrate.deadline = std::chrono::milliseconds(1500);
  options_.migrate.check = [](std::chrono::milliseconds) { return json{{"ok", true}, {"exit_code", 0}, {"findings", json::array()}}; };
  mcp::Server server(options_);
  Pipes p;
  testing::Serving serving(server, p);

  p.send(call(1, "migrate_status"));
  const auto asked = Clock::now() + std::chrono::seconds(5);
  while (gate_->entered == 0 && Clock::now() < asked) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(gate_->entered, 1) << "the report is waiting on its database";

  auto t0 = Clock::now();
  p.send(request(2, "ping"));
  json r = p.reply(std::chrono::milliseconds(2000));
  EXPECT_EQ(r["id"], 2);
  EXPECT_LT(seconds_since(t0), 0.1) << "ping waits for nothing";

  // Cancelled: no reply, and the database lane serves the next call at once.
  p.send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}}}});
  t0 = Clock::now();
  p.send(call(3, "migrate_check"));
  r = p.reply(std::chrono::milliseconds(3000));
  EXPECT_EQ(r["id"], 3) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["ok"], true) << r.dump();
  EXPECT_LT(seconds_since(t0), 1.0);

  // End of input with a report stuck again and another call behind it: every call read is
  // answered, the stuck one at its deadline, the next at once (the database that did not answer
  // is not waited on again: breaker.h), and serve() returns after the last reply.
  p.send(call(4, "migrate_status"));
  p.send(call(5, "migrate_status"));
  const auto again = Clock::now() + std::chrono::seconds(5);
  while (gate_->entered < 2 && Clock::now() < again) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  t0 = Clock::now();
  p.close_input();
  r = p.reply(std::chrono::milliseconds(5000));
  EXPECT_EQ(r["id"], 4) << r.dump();
  EXPECT_NE(r.dump().find("did not answer within 1500 ms"), std::string::npos) << r.dump();
  r = p.reply(std::chrono::milliseconds(2000));
  EXPECT_EQ(r["id"], 5) << r.dump();
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  EXPECT_NE(r.dump().find("migrate_status: not tried: the migrations' database failed 0 s ago (migrate_status: the "
                          "database did not answer within 1500 ms"),
            std::string::npos)
      << r.dump();
  const bool ended = serving.ended_within(std::chrono::seconds(5));
  EXPECT_TRUE(ended);
  EXPECT_LT(seconds_since(t0), 3.0);
  if (!ended) gate_->open();  // the server waits for the report: let it end rather than hang the test
  serving.join();
  EXPECT_TRUE(p.reply(std::chrono::milliseconds(100)).is_null()) << "nothing more: not the cancelled 1";
  EXPECT_EQ(mcp::migration_reports_running(), 2u) << "both stuck reports are still waiting on their own threads";
  open_and_wait_for_reports(*gate_);
}

}  // namespace
}  // namespace strata
