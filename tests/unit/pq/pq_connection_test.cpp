// strata's one PostgreSQL client (pq/connection.h) as the migration engine's driver uses it
// beside the store: one wording for a refused connection (the caller's hint, or the store's),
// the server's error fields of a statement tried, a COPY ended with the connection still usable,
// another database than the URL's, a dropped connection and a cancelled statement worded as
// every libpq failure is.
#include "pq/connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/error.h"
#include "test_db.h"

namespace strata::pq {
namespace {

ConnectOptions options_for(const std::string& url) {
  ConnectOptions o;
  o.conninfo = url;
  o.display = "the test server";
  o.session = ConnectOptions::Session::server_defaults;
  return o;
}

// The message of the Error `f` throws ("" when it throws none), and its hint.
template <class F>
std::pair<std::string, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable) << e.what();
    return {e.what(), e.hint()};
  }
  return {};
}

TEST(PqConnection, RefusedConnectionIsWordedOnceWithTheCallersHint) {
  ConnectOptions o = options_for("postgres://u:s3cret@127.0.0.1:1/db");
  o.password = "s3cret";
  const auto [store_message, store_hint] = error_of([&] { Connection::open(o); });
  EXPECT_EQ(store_message.rfind("the test server: cannot connect: ", 0), 0U) << store_message;
  EXPECT_NE(store_message.find("Connection refused"), std::string::npos) << store_message;
  EXPECT_EQ(store_message.find('\n'), std::string::npos) << "one line: " << store_message;
  EXPECT_EQ(store_message.find("  "), std::string::npos) << "libpq's continuation lines joined by one space: " << store_message;
  EXPECT_EQ(store_message.find("s3cret"), std::string::npos) << store_message;
  EXPECT_EQ(store_hint, "check the store URL, that the server runs, and the password (~/.pgpass or $PGPASSWORD)");

  std::string seen;
  o.connect_hint = [&seen](const std::string& why) {
    seen = why;
    return std::string("if the server is still starting, pass --wait");
  };
  const auto [message, hint] = error_of([&] { Connection::open(o); });
  EXPECT_EQ(message, store_message) << "the same wording for the store and migrate";
  EXPECT_EQ(hint, "if the server is still starting, pass --wait");
  EXPECT_EQ("the test server: cannot connect: " + seen, message) << "the hint is given the reason the message shows";
}

class PqServer : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& url = testing::pg_server_url();
    if (!url) GTEST_SKIP() << "PostgreSQL server unavailable: " << testing::pg_skip_reason();
    url_ = *url;
    conn_ = Connection::open(options_for(url_));
  }
  std::string one(const std::string& sql) { return conn_->query_script(sql).str(0, 0); }

  std::string url_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(PqServer, TryStatementGivesTheServersErrorFieldsAndKeepsTheConnection) {
  const Result r = conn_->try_statement("SELECT 1/0");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.copying());
  EXPECT_EQ(r.error_field(Result::Field::primary), "division by zero");
  EXPECT_EQ(r.error_field(Result::Field::sqlstate), "22012");
  EXPECT_EQ(r.error_field(Result::Field::detail), "");
  const Result bad = conn_->try_statement("SELECT 1 FROM no_such_table_here");
  EXPECT_EQ(bad.error_field(Result::Field::position), "15");
  EXPECT_TRUE(conn_->try_statement("").ok()) << "an empty statement is no failure";
  EXPECT_EQ(one("SELECT 2"), "2");
  EXPECT_TRUE(conn_->idle());
}

TEST_F(PqServer, AFailedScriptCarriesTheServersHint) {
  const auto [message, hint] = error_of([&] { conn_->query_script("SELECT no_such_function_here(1)", "reading"); });
  EXPECT_EQ(message.rfind("the test server: reading: function no_such_function_here(integer) does not exist", 0), 0U) << message;
  EXPECT_NE(hint.find("No function matches"), std::string::npos) << hint;
}

TEST_F(PqServer, EndCopyLeavesTheConnectionUsable) {
  conn_->exec_script("CREATE TEMP TABLE copied (a int)");
  const Result in = conn_->try_statement("COPY copied FROM STDIN");
  EXPECT_TRUE(in.copying());
  conn_->end_copy("not in a migration");
  EXPECT_EQ(one("SELECT count(*) FROM copied"), "0");
  const Result out = conn_->try_statement("COPY (SELECT g FROM generate_series(1, 1000) g) TO STDOUT");
  EXPECT_TRUE(out.copying());
  conn_->end_copy("not in a migration");
  EXPECT_EQ(one("SELECT 3"), "3");
}

TEST_F(PqServer, AnotherDatabaseThanTheUrls) {
  ConnectOptions o = options_for(url_);
  o.database = "template1";
  EXPECT_EQ(Connection::open(o)->query_script("SELECT current_database()").str(0, 0), "template1");
  EXPECT_NE(one("SELECT current_database()"), "template1");
}

TEST_F(PqServer, ADroppedConnectionIsLostTheServer) {
  const std::string pid = one("SELECT pg_backend_pid()");
  Connection::open(options_for(url_))->exec_script("SELECT pg_terminate_backend(" + pid + ")");
  const auto [message, hint] = error_of([&] { conn_->query_script("SELECT 1", "taking the migration lock"); });
  EXPECT_EQ(message.rfind("the test server: taking the migration lock: lost the server: ", 0), 0U) << message;
  EXPECT_TRUE(conn_->lost());
  const Result r = conn_->try_statement("SELECT 1");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(conn_->last_error(), "") << "why the statement could not run";
}

TEST_F(PqServer, TheCancellerEndsTheStatementInFlight) {
  Canceller canceller(*conn_);
  std::thread cancel([&canceller] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Canceller::cancel(canceller.handle());  // as a signal handler calls it
  });
  const Result r = conn_->try_statement("SELECT pg_sleep(30)");
  cancel.join();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_field(Result::Field::sqlstate), "57014") << r.error_field(Result::Field::primary);
  EXPECT_EQ(one("SELECT 4"), "4");
}

}  // namespace
}  // namespace strata::pq
