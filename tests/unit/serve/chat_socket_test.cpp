#include "serve/chat_socket.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace strata::serve {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A client as the chat sees it: messages it sent wait in `inbound`; what the chat sends is kept.
class FakeSocket final : public http::WebSocket {
 public:
  void push(std::string m) {
    const std::lock_guard lock(mutex_);
    inbound_.push_back(std::move(m));
    changed_.notify_all();
  }
  void hang_up() {
    const std::lock_guard lock(mutex_);
    gone_ = true;
    changed_.notify_all();
  }
  Received receive(std::string& message, std::chrono::milliseconds wait) override {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, wait, [&] { return !inbound_.empty() || gone_ || closed_; });
    if (!inbound_.empty() && !closed_) {
      message = std::move(inbound_.front());
      inbound_.pop_front();
      return Received::message;
    }
    return gone_ || closed_ ? Received::closed : Received::timeout;
  }
  bool send(std::string text) override {
    const std::lock_guard lock(mutex_);
    if (closed_ || gone_) return false;
    sent_.push_back(json::parse(text));
    changed_.notify_all();
    return true;
  }
  void close(http::CloseCode code, std::string_view) override {
    const std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    code_ = code;
    changed_.notify_all();
  }
  bool closed() const override {
    const std::lock_guard lock(mutex_);
    return closed_ || gone_;
  }
  bool stopping() const override { return false; }

  // Waits until `pred` holds of what was sent (true) or `wait` passes (false).
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds wait = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return pred(sent_); });
  }
  std::vector<json> sent() const {
    const std::lock_guard lock(mutex_);
    return sent_;
  }
  std::optional<http::CloseCode> code() const {
    const std::lock_guard lock(mutex_);
    return code_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> inbound_;
  std::vector<json> sent_;
  bool gone_ = false;
  bool closed_ = false;
  std::optional<http::CloseCode> code_;
};

std::size_t count(const std::vector<json>& sent, const std::string& type) {
  std::size_t n = 0;
  for (const json& m : sent) n += m.value("type", "") == type ? std::size_t{1} : std::size_t{0};
  return n;
}

// The model: "an answer", in two pieces.
ChatSocket echo_chat() {
  ChatSocket c;
  c.collection = "docs";
  c.run = [](ask::AskObserver& observer, const std::atomic<bool>&) {
    observer.text("an ");
    observer.text("answer");
    ask::AskResult r;
    r.answer = "an answer";
    return r;
  };
  return c;
}

TEST(ChatSocket, AnswersQuestionsInOrderWithTheirIds) {
  FakeSocket socket;
  std::thread chat([&] { run_chat_socket(socket, echo_chat()); });
  socket.push(R"({"type":"ask","question":"one","id":1})");
  socket.push(R"({"type":"ask","question":"two","id":"b"})");
  ASSERT_TRUE(socket.wait_for([](const std::vector<json>& s) { return count(s, "done") == 2; }));
  socket.hang_up();
  chat.join();
  const std::vector<json> s = socket.sent();
  ASSERT_GE(s.size(), 7u);
  EXPECT_EQ(s[0], json({{"type", "ready"}}));
  EXPECT_EQ(s[1].value("type", ""), "chunk");
  EXPECT_EQ(s[1]["id"], 1);
  EXPECT_EQ(s[1]["content"], "an ");
  EXPECT_EQ(s[3].value("type", ""), "done");
  EXPECT_EQ(s[3]["answer"], "an answer");
  EXPECT_EQ(s[3]["id"], 1);
  EXPECT_EQ(s.back().value("type", ""), "done");
  EXPECT_EQ(s.back()["id"], "b");
}

TEST(ChatSocket, BadMessagesAreErrorsAndTheConnectionStays) {
  FakeSocket socket;
  std::thread chat([&] { run_chat_socket(socket, echo_chat()); });
  socket.push("{nope");
  socket.push(R"({"type":"dance"})");
  socket.push(R"([1,2])");
  socket.push(R"({"type":"ask","id":7})");
  socket.push(R"({"type":"ask","question":"q","history":[],"id":8})");
  socket.push(R"({"type":"ping"})");
  ASSERT_TRUE(socket.wait_for([](const std::vector<json>& s) { return count(s, "pong") == 1; }));
  ASSERT_TRUE(socket.wait_for([](const std::vector<json>& s) { return count(s, "error") == 5; }));
  socket.hang_up();
  chat.join();
  std::vector<int> statuses;
  for (const json& m : socket.sent()) {
    if (m.value("type", "") == "error") statuses.push_back(m["status"].get<int>());
  }
  EXPECT_EQ(statuses, (std::vector<int>{400, 422, 422, 422, 422}));
  EXPECT_FALSE(socket.code().has_value());
}

TEST(ChatSocket, AKeyMustComeFirstWhenNeeded) {
  FakeSocket socket;
  ChatSocket c = echo_chat();
  c.needs_key = true;
  c.authenticate = [](const std::string& token) {
    if (token == "good") return std::pair{std::optional<Caller>(Caller{}), std::pair{0, std::string()}};
    return std::pair{std::optional<Caller>(), std::pair{401, std::string("invalid API key")}};
  };
  std::thread chat([&] { run_chat_socket(socket, c); });
  socket.push(R"({"type":"auth","token":"good"})");
  socket.push(R"({"type":"ask","question":"q"})");
  ASSERT_TRUE(socket.wait_for([](const std::vector<json>& s) { return count(s, "done") == 1; }));
  EXPECT_EQ(socket.sent().front(), json({{"type", "ready"}}));
  socket.hang_up();
  chat.join();

  FakeSocket bad;
  std::thread refused([&] { run_chat_socket(bad, c); });
  bad.push(R"({"type":"auth","token":"bad"})");
  refused.join();  // ends by itself: closed
  EXPECT_EQ(bad.code(), http::CloseCode::unauthorized);
  ASSERT_EQ(bad.sent().size(), 1u);
  EXPECT_EQ(bad.sent()[0]["status"], 401);

  FakeSocket early;
  std::thread before([&] { run_chat_socket(early, c); });
  early.push(R"({"type":"ask","question":"q"})");
  before.join();
  EXPECT_EQ(early.code(), http::CloseCode::unauthorized);

  FakeSocket silent;
  c.auth_wait = 300ms;
  const auto t0 = std::chrono::steady_clock::now();
  run_chat_socket(silent, c);
  EXPECT_EQ(silent.code(), http::CloseCode::auth_timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
  EXPECT_TRUE(silent.sent().empty());
}

TEST(ChatSocket, CancelStopsTheAnswerAndTheNextQuestionGoesOn) {
  FakeSocket socket;
  ChatSocket c;
  c.run = [](ask::AskObserver& observer, const std::atomic<bool>& cancel) {
    ask::AskResult r;
    for (int i = 0; i < 100 && !cancel; ++i) {
      observer.text("w ");
      std::this_thread::sleep_for(20ms);
    }
    r.answer = cancel ? "cut" : "whole";
    r.partial = cancel.load();
    return r;
  };
  std::thread chat([&] { run_chat_socket(socket, c); });
  const auto t0 = std::chrono::steady_clock::now();
  socket.push(R"({"type":"ask","question":"long","id":1})");
  ASSERT_TRUE(socket.wait_for([](const std::vector<json>& s) { return count(s, "chunk") >= 1; }));
  socket.push(R"({"type":"cancel"})");
  ASSERT_TRUE(socket.wait_for([](const std::vector<json>& s) { return count(s, "done") == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
  socket.hang_up();
  chat.join();
  for (const json& m : socket.sent()) {
    if (m.value("type", "") == "done") {
      EXPECT_EQ(m["answer"], "cut");
    }
  }
}

}  // namespace
}  // namespace strata::serve
