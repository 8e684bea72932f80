#pragma once
// Starts tests/servers/openai_server.py (a real HTTP server on 127.0.0.1) for a unit test and
// stops it afterwards. Header-only, POSIX: fork + exec python3, wait for the port file, SIGKILL
// and reap in the destructor.
//
//   TestServer server;                                   // or TestServer server({"--dimensions", "4"})
//   server.control("POST", "/_control/config", R"({"latency_ms": 50})");
//   std::string url = server.base_url();                 // http://127.0.0.1:PORT/v1
//   nlohmann::json log = server.requests();              // what the server received
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"

namespace strata::testing {

class TestServer {
 public:
  explicit TestServer(std::initializer_list<std::string> extra_args = {}) {
    char dir_template[] = "/tmp/strata-test-server-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    const std::string port_file = dir_ + "/port";
    std::vector<std::string> args = {"python3", script().string(), "serve", "--port-file", port_file};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("python3", argv.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("the test server exited at start-up");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the test server did not start within 20 s");
  }

  ~TestServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string base_url() const { return origin() + "/v1"; }

  // A control request; returns the response body. Throws when the server does not answer 200.
  std::string control(const std::string& method, const std::string& path, const std::string& body = "{}") const {
    net::HttpClient client;
    net::Request r;
    r.method = method;
    r.url = origin() + path;
    r.body = body;
    r.headers.push_back({"Content-Type", "application/json"});
    const net::Response response = client.perform(r);
    if (!response.ok()) throw std::runtime_error("control " + path + " failed: " + response.failure_message);
    return response.body;
  }
  void configure(const std::string& json) const { control("POST", "/_control/config", json); }
  void script(const std::string& responses_json) const {
    control("POST", "/_control/script", "{\"responses\": " + responses_json + "}");
  }
  nlohmann::json requests() const { return nlohmann::json::parse(control("GET", "/_control/log"))["requests"]; }
  void reset() const { control("POST", "/_control/reset"); }

  // The server script, from the source tree the tests were built from: __FILE__ is relative to
  // the build folder when ccache rewrites paths (base_dir), and CTest runs tests elsewhere.
  static std::filesystem::path script() {
    return std::filesystem::path(STRATA_SOURCE_DIR) / "tests" / "servers" / "openai_server.py";
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace strata::testing
