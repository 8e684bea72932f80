#include "mcp/client.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <thread>

#include "common/error.h"
#include "common/subprocess.h"
#include "common/utf8.h"
#include "llm/sanitize.h"
#include "mcp/json_rpc.h"
#include "mcp/server.h"

namespace strata::mcp {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view k_offered_version = "2025-11-25";
constexpr std::size_t k_stderr_tail = 4096;
constexpr std::size_t k_quoted_bytes = 200;
constexpr std::array<const char*, 8> k_inherited = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "USER", "TERM"};

// Server text on its way into an error message: one line, no control or escape characters, cut.
std::string server_text(std::string_view text) {
  std::string s = llm::sanitize_for_terminal(text);
  std::replace_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  if (s.size() > k_quoted_bytes) s = s.substr(0, utf8_boundary_before(s, k_quoted_bytes)) + "…";
  return s;
}

// The last non-empty line of what the server wrote on stderr, quoted.
std::string last_line(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    const std::size_t start = text.rfind('\n', end - 1);
    const std::size_t from = start == std::string_view::npos ? 0 : start + 1;
    std::string line = server_text(text.substr(from, end - from));
    if (line.find_first_not_of(' ') != std::string::npos) return line;
    if (start == std::string_view::npos) break;
    end = start;
  }
  return {};
}

std::string wait_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

bool valid_tool_name(const std::string& name) {
  return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
}

// SIGPIPE blocked for a write to a server that may have exited: the write fails with EPIPE
// instead of killing strata (which does not ignore the signal: other commands rely on the
// default). A SIGPIPE the write raised is taken off the pending set before the mask is restored.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

int poll_timeout(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

// A string member of a server's object, "" when absent or not a string (json::value would throw).
std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "[image: image/png, 1234 bytes omitted]" for a content item that is not text.
std::string named_item(const json& item) {
  const std::string type = text_of(item, "type").empty() ? "unknown" : text_of(item, "type");
  const auto base64_bytes = [](const json& data) { return data.is_string() ? data.get_ref<const std::string&>().size() / 4 * 3 : 0; };
  if (type == "image" || type == "audio") {
    return "[" + type + ": " + text_of(item, "mimeType") + ", " +
           std::to_string(base64_bytes(item.value("data", json()))) + " bytes omitted]";
  }
  if (type == "resource_link") return "[resource link: " + text_of(item, "uri") + "]";
  if (type == "resource" && item.contains("resource") && item["resource"].is_object()) {
    const json& r = item["resource"];
    if (r.contains("text") && r["text"].is_string()) return r["text"].get<std::string>();
    return "[resource: " + text_of(r, "uri") + ", " + std::to_string(base64_bytes(r.value("blob", json()))) +
           " bytes omitted]";
  }
  return "[" + type + " content omitted]";
}

std::string joined_content(const json& result) {
  std::string text;
  const json content = result.value("content", json::array());
  if (!content.is_array()) return text;
  for (const json& item : content) {
    if (!item.is_object()) continue;
    if (!text.empty()) text += '\n';
    if (text_of(item, "type") == "text") {
      text += text_of(item, "text");
    } else {
      text += named_item(item);
    }
  }
  return text;
}

}  // namespace

struct Client::Impl {
  std::string name;
  std::chrono::milliseconds call_timeout;
  ClientOptions options;
  std::unique_ptr<process::Child> child;
  process::Fd to_child, from_child, child_err;
  std::string received;     // stdout bytes not yet split into lines
  std::string stderr_tail;  // the last k_stderr_tail bytes of stderr
  std::size_t unanswered = 0;
  long long next_id = 1;
  std::string gone;  // why the server is gone; empty while it runs
  std::chrono::milliseconds waited{0};  // the time the current request allows, for messages
  // Starting (initialize, its notification, every tools/list page) shares one deadline:
  // ClientOptions::start_timeout or the server's own timeout, whichever is shorter.
  std::chrono::milliseconds start_budget{0};
  Clock::time_point start_deadline{};
  std::string version;
  std::vector<RemoteTool> tools;

  ~Impl() { shut_down(); }

  [[noreturn]] void fail(const std::string& why, std::string hint = {}) const {
    throw Error(ExitCode::unavailable, "mcp server '" + name + "': " + why, std::move(hint));
  }

  // Ends the connection for good (killing the server) and throws.
  [[noreturn]] void end(const std::string& why) {
    gone = why;
    kill_now();
    fail(why);
  }

  void kill_now() {
    to_child.reset();
    from_child.reset();
    child_err.reset();
    if (child) child->kill_group();
    child.reset();  // reaps it
  }

  // The polite way (the header's order): EOF on stdin, a grace period, SIGTERM, SIGKILL.
  void shut_down() {
    if (!child) return;
    close_pipes();
    if (!wait_exit(options.shutdown_grace)) {
      child->signal_group(SIGTERM);
      wait_exit(options.shutdown_grace / 4);
    }
    child.reset();  // SIGKILL to the group (strays included) and reaped
  }

  void close_pipes() {
    to_child.reset();
    from_child.reset();  // a server blocked writing to us gets EPIPE rather than hanging
    child_err.reset();
  }

  bool wait_exit(std::chrono::milliseconds limit) const {
    const Clock::time_point until = Clock::now() + limit;
    while (!child->exited()) {
      if (Clock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // The server closed its output (or a write found its input closed): how it ended.
  [[noreturn]] void ended() {
    to_child.reset();
    drain_stderr();
    std::string why = "closed its output";
    if (wait_exit(std::chrono::seconds(1))) {
      child->kill_group();  // whatever it left running
      const int status = child->wait();
      if (WIFSIGNALED(status)) {
        why = "was killed by signal " + process::signal_name(WTERMSIG(status));
      } else if (WIFEXITED(status)) {
        why = "exited with status " + std::to_string(WEXITSTATUS(status));
      }
    }
    const std::string said = last_line(stderr_tail);
    end(why + (said.empty() ? "" : ": " + said));
  }

  void keep_stderr(const char* data, std::size_t n) {
    stderr_tail.append(data, n);
    if (stderr_tail.size() > k_stderr_tail) stderr_tail.erase(0, stderr_tail.size() - k_stderr_tail);
  }

  // What is left on stderr after the server ended (it has exited or closed stdout), briefly.
  void drain_stderr() {
    std::array<char, 4096> buffer{};
    const Clock::time_point until = Clock::now() + std::chrono::milliseconds(200);
    while (child_err.get() >= 0) {
      pollfd p{child_err.get(), POLLIN, 0};
      if (::poll(&p, 1, poll_timeout(until)) <= 0) break;
      const ssize_t n = ::read(child_err.get(), buffer.data(), buffer.size());
      if (n <= 0) break;
      keep_stderr(buffer.data(), static_cast<std::size_t>(n));
    }
  }

  void check_running() const {
    if (!gone.empty()) fail("is gone: " + gone, "the server was stopped after that failure; run the command again");
  }

  void write_line(const json& message, Clock::time_point deadline) {
    const std::string line = to_line(message) + "\n";
    const SigpipeBlocked blocked;
    std::size_t done = 0;
    while (done < line.size()) {
      pollfd p{to_child.get(), POLLOUT, 0};
      const int ready = ::poll(&p, 1, poll_timeout(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) end("did not read its input within " + wait_text(waited));
      const ssize_t n = ::write(to_child.get(), line.data() + done, line.size() - done);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) ended();  // EPIPE: it exited, or closed its input
      done += static_cast<std::size_t>(n);
    }
  }

  // The next line the server wrote, waiting until `deadline`. Reads stderr meanwhile (a server
  // blocked on a full stderr pipe would never answer).
  std::string read_line(Clock::time_point deadline, std::string_view waiting_for) {
    std::array<char, 65536> buffer{};
    for (;;) {
      if (const std::size_t nl = received.find('\n'); nl != std::string::npos) {
        std::string line = received.substr(0, nl);
        received.erase(0, nl + 1);
        return line;
      }
      if (received.size() > options.max_line_bytes) {
        end("sent a line longer than " + std::to_string(options.max_line_bytes >> 20) + " MiB");
      }
      std::array<pollfd, 2> fds{{{from_child.get(), POLLIN, 0}, {child_err.get(), POLLIN, 0}}};
      const int ready = ::poll(fds.data(), fds.size(), poll_timeout(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) end(std::string("could not be read: ") + std::strerror(errno));
      if (ready == 0) end("did not answer " + std::string(waiting_for) + " within " + wait_text(waited));
      if (fds[1].revents != 0) {
        const ssize_t n = ::read(child_err.get(), buffer.data(), buffer.size());
        if (n > 0) keep_stderr(buffer.data(), static_cast<std::size_t>(n));
        if (n == 0) child_err.reset();  // poll ignores a negative descriptor from now on
      }
      if (fds[0].revents != 0) {
        const ssize_t n = ::read(from_child.get(), buffer.data(), buffer.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) ended();
        unanswered += static_cast<std::size_t>(n);
        if (unanswered > options.max_unanswered_bytes) {
          end("sent more than " + std::to_string(options.max_unanswered_bytes >> 20) + " MiB without answering");
        }
        received.append(buffer.data(), static_cast<std::size_t>(n));
      }
    }
  }

  // A request from the server while we wait, in whatever revision was negotiated: ping is
  // answered, anything else (sampling/createMessage, roots/list, elicitation/create, tasks/...)
  // refused with -32601 and never acted on (strata declares no capabilities), so that the server
  // is not left waiting either. A request whose id is neither a string nor a number (MCP forbids
  // null) is answered -32600 with a null id, as JSON-RPC asks. Null for a message that is no
  // request (a notification, a response).
  static json answer_to(const json& message) {
    if (!message.is_object() || !message.contains("method") || !message.contains("id")) return nullptr;
    const json& id = message["id"];
    if (!id.is_string() && !id.is_number()) {
      return rpc_error(nullptr, RpcCode::invalid_request, "a request's id must be a string or a number");
    }
    const std::string method = message["method"].is_string() ? message["method"].get<std::string>() : "";
    return method == "ping" ? rpc_result(id, json::object())
                            : rpc_error(id, RpcCode::method_not_found,
                                        "method not supported by this client: " + server_text(method) +
                                            " (strata offers no sampling, roots or elicitation)");
  }

  // A batch from the server (2025-03-26 has them): its requests are answered as one array, as
  // JSON-RPC asks; the response to request `id`, should it be inside, is returned.
  std::optional<json> take_batch(const json& batch, long long id, Clock::time_point deadline) {
    json answers = json::array();
    std::optional<json> response;
    for (const json& message : batch) {
      json a = answer_to(message);
      if (!a.is_null()) answers.push_back(std::move(a));
      const bool ours = message.is_object() && !message.contains("method") && message.value("id", json()) == json(id) &&
                        (message.contains("result") || message.contains("error"));
      if (ours) response = message;
    }
    if (!answers.empty()) write_line(answers, deadline);
    return response;
  }

  // Sends a request and returns its response (with "result" or "error"), skipping what else
  // arrives: malformed lines, notifications, responses to other ids; answering requests.
  // `deadline` ends the wait; `budget` is the time it allowed, for the message.
  json request(const std::string& method, json params, Clock::time_point deadline, std::chrono::milliseconds budget) {
    check_running();
    waited = budget;
    const long long id = next_id++;
    unanswered = 0;
    write_line(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}, deadline);
    for (;;) {
      const std::string line = read_line(deadline, method);
      ParsedJson parsed = parse_json_within(line, k_message_limits);
      // A stray log line is skipped; JSON too deep to handle safely is no stray line.
      if (parsed.beyond_limits()) end("sent a message " + parsed.message);
      if (parsed.ok() && parsed.value.is_array()) {
        std::optional<json> response = take_batch(parsed.value, id, deadline);
        if (!response) continue;
        unanswered = 0;
        return std::move(*response);
      }
      if (!parsed.ok() || !parsed.value.is_object()) continue;
      json message = std::move(parsed.value);
      if (message.contains("method")) {
        if (json a = answer_to(message); !a.is_null()) write_line(a, deadline);
        continue;  // a notification: logging, progress, list_changed
      }
      if (message.value("id", json()) != json(id)) continue;
      if (!message.contains("result") && !message.contains("error")) continue;
      unanswered = 0;
      return message;
    }
  }

  void notify(const std::string& method) {
    waited = start_budget;
    write_line(json{{"jsonrpc", "2.0"}, {"method", method}}, start_deadline);
  }

  // The result of a response to initialize or tools/list; an error answer ends the connection.
  json result_of(const json& response, std::string_view method) {
    if (std::optional<std::string> problem = response_problem(response, method)) end(*problem);
    return response["result"];
  }

  void initialize() {
    const json params = {{"protocolVersion", k_offered_version},
                         {"capabilities", json::object()},
                         {"clientInfo", {{"name", "strata"},
                                         {"version", options.client_version.empty() ? "unknown" : options.client_version}}}};
    const json result = result_of(request("initialize", params, start_deadline, start_budget), "initialize");
    std::optional<std::string> known = known_protocol_version(result);
    if (!known) {
      end("speaks protocol version " + server_text(result.value("protocolVersion", json()).dump()) +
          ", which strata does not (it speaks " + std::string(k_offered_version) + " to 2024-11-05)");
    }
    version = std::move(*known);
    notify("notifications/initialized");
  }

  void list_tools() {
    json cursor;
    for (std::size_t page = 0;; ++page) {
      if (page == options.max_pages) end("lists its tools in more than " + std::to_string(options.max_pages) + " pages");
      json params = json::object();
      if (!cursor.is_null()) params["cursor"] = cursor;
      const json result = result_of(request("tools/list", std::move(params), start_deadline, start_budget), "tools/list");
      const json list = result.value("tools", json::array());
      if (!list.is_array()) end("answered tools/list without a list of tools");
      for (const json& t : list) add_tool(t);
      cursor = result.value("nextCursor", json());
      if (!cursor.is_string() || cursor.get_ref<const std::string&>().empty()) return;
    }
  }

  void add_tool(const json& t) {
    std::optional<RemoteTool> tool = remote_tool(name, t);
    if (!tool) return;
    if (tools.size() == options.max_tools) end("lists more than " + std::to_string(options.max_tools) + " tools");
    tools.push_back(std::move(*tool));
  }
};

std::optional<std::string> response_problem(const json& response, std::string_view method) {
  if (response.contains("error")) {
    const json& e = response["error"];
    const json m = e.is_object() ? e.value("message", json()) : e;
    const std::string message = m.is_string() ? m.get<std::string>() : m.dump();
    return "answered " + std::string(method) + " with an error: " + server_text(message);
  }
  if (!response.contains("result") || !response["result"].is_object()) {
    return "answered " + std::string(method) + " with a result that is not an object";
  }
  return std::nullopt;
}

std::optional<std::string> known_protocol_version(const json& result) {
  const auto v = result.find("protocolVersion");
  if (v == result.end() || !v->is_string()) return std::nullopt;
  for (const std::string_view k : k_protocol_versions) {
    if (v->get_ref<const std::string&>() == k) return std::string(k);
  }
  return std::nullopt;
}

std::optional<RemoteTool> remote_tool(const std::string& server, const json& t) {
  if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) return std::nullopt;
  std::string tool_name = t["name"].get<std::string>();
  if (!valid_tool_name(tool_name)) return std::nullopt;  // a name a model API would refuse, or a terminal trick
  RemoteTool tool;
  tool.server = server;
  tool.name = std::move(tool_name);
  if (t.contains("description") && t["description"].is_string()) {
    tool.description = llm::sanitize_for_terminal(t["description"].get<std::string>());
  }
  tool.input_schema = t.contains("inputSchema") && t["inputSchema"].is_object() ? t["inputSchema"] : json{{"type", "object"}};
  const json annotations = t.value("annotations", json::object());
  tool.read_only = annotations.is_object() && annotations.value("readOnlyHint", json()) == json(true);
  return tool;
}

std::optional<std::string> input_asked(const json& result) {
  const auto type = result.find("resultType");
  // Results of earlier revisions have no resultType: "complete", as the protocol says.
  if (type == result.end() || *type == json("complete")) return std::nullopt;
  std::string methods;
  if (const auto asked = result.find("inputRequests"); asked != result.end() && asked->is_object()) {
    std::size_t named = 0;
    for (const auto& [key, request] : asked->items()) {
      if (named == 4) {
        methods += ", ...";
        break;
      }
      const json method = request.is_object() ? request.value("method", json()) : json();
      methods += (named++ == 0 ? "" : ", ") + server_text(method.is_string() ? method.get<std::string>() : "?");
    }
  }
  const std::string kind = type->is_string() ? server_text(type->get<std::string>()) : "not a string";
  return "resultType " + kind + (methods.empty() ? "" : ": " + methods);
}

ToolResult tool_call_result(const json& response, std::size_t max_result_bytes) {
  ToolResult r;
  std::string text;
  if (const auto e = response.find("error"); e != response.end()) {
    r.is_error = true;
    text = "error: " + (e->is_object() && e->value("message", json()).is_string() ? (*e)["message"].get<std::string>() : e->dump());
  } else if (const auto result = response.find("result"); result != response.end() && result->is_object()) {
    if (std::optional<std::string> asked = input_asked(*result)) {
      // 2026-07-28's multi round-trip requests: instead of sending sampling, roots or
      // elicitation requests of its own, a server answers with what it needs and expects the call
      // again with the answers. strata gives none of them (it declares no such capability): the
      // call fails, and is never sent again.
      r.is_error = true;
      text = "error: the server asked for input strata does not give (" + *asked + "): the call is refused";
    } else {
      text = joined_content(*result);
      r.is_error = result->value("isError", json()) == json(true);
      r.structured = result->value("structuredContent", json());
    }
  }
  text = llm::sanitize_for_terminal(text);
  if (text.size() > max_result_bytes) {
    const std::size_t all = text.size();
    text.resize(utf8_boundary_before(text, max_result_bytes));
    text += "\n[output cut: " + std::to_string(all) + " bytes in all]";
    r.cut = true;
  }
  r.text = std::move(text);
  return r;
}

std::vector<std::string> child_environment(const config::McpServerConfig& server,
                                           const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  std::vector<std::string> env;
  const auto configured = [&](std::string_view n) {
    return std::any_of(server.env.begin(), server.env.end(), [&](const auto& kv) { return kv.first == n; });
  };
  for (const char* n : k_inherited) {
    if (configured(n)) continue;
    if (const auto v = getenv(n)) env.push_back(std::string(n) + "=" + *v);
  }
  for (const auto& [n, v] : server.env) env.push_back(n + "=" + v);
  return env;
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

std::unique_ptr<Client> Client::start(const config::McpServerConfig& server, const ClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = server.name;
  impl->call_timeout = server.timeout;
  impl->options = options;
  if (server.command.empty()) impl->fail("has no command");
  const std::string& program = server.command.front();
  const auto path = process::find_program(program);
  if (!path) {
    impl->fail("'" + server_text(program) + "' not found" + (program.find('/') == std::string::npos ? " on PATH" : ""),
               "check [mcp.servers." + server.name + "] command in " + server.where);
  }
  try {
    process::Pipe in = process::make_pipe();
    process::Pipe out = process::make_pipe();
    process::Pipe err = process::make_pipe();
    // The variables the child may see; reading them is the exec machinery's job, like PATH's.
    const auto from_process = [](const std::string& n) -> std::optional<std::string> {
      const char* v = std::getenv(n.c_str());  // NOLINT: not a setting: handed on to the child
      return v == nullptr ? std::nullopt : std::optional<std::string>(v);
    };
    impl->child = process::spawn({.program = *path,
                                  .argv = server.command,
                                  .environment = child_environment(server, from_process),
                                  .stdin_fd = in.read.get(),
                                  .stdout_fd = out.write.get(),
                                  .stderr_fd = err.write.get()});
    impl->to_child = std::move(in.write);
    impl->from_child = std::move(out.read);
    impl->child_err = std::move(err.read);
  } catch (const std::system_error& e) {
    impl->fail("could not be started: " + e.code().message());
  }
  // Non-blocking writes: a server that stops reading must not block strata past the deadline.
  ::fcntl(impl->to_child.get(), F_SETFL, ::fcntl(impl->to_child.get(), F_GETFL) | O_NONBLOCK);
  // A server that never answers initialize is held no longer than its configured timeout (and
  // never past start_timeout), however many pages its tool list takes.
  impl->start_budget = std::min<std::chrono::milliseconds>(options.start_timeout, server.timeout);
  impl->start_deadline = Clock::now() + impl->start_budget;
  impl->initialize();
  impl->list_tools();
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

const std::string& Client::name() const { return impl_->name; }
const std::string& Client::protocol_version() const { return impl_->version; }
const std::vector<RemoteTool>& Client::tools() const { return impl_->tools; }
bool Client::alive() const { return impl_->gone.empty() && impl_->child != nullptr; }

ToolResult Client::call(const std::string& tool, const nlohmann::json& arguments) {
  const json response = impl_->request("tools/call", {{"name", tool}, {"arguments", arguments}},
                                       Clock::now() + impl_->call_timeout, impl_->call_timeout);
  return tool_call_result(response, impl_->options.max_result_bytes);
}

void stop_all(const std::vector<std::unique_ptr<Client>>& clients) {
  std::vector<Client::Impl*> running;
  for (const auto& c : clients) {
    if (c && c->impl_->child) running.push_back(c->impl_.get());
  }
  if (running.empty()) return;
  const auto exited_by = [&](Clock::time_point until) {
    for (;;) {
      const bool all = std::all_of(running.begin(), running.end(), [](const Client::Impl* i) { return i->child->exited(); });
      if (all || Clock::now() >= until) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  std::chrono::milliseconds grace{0};
  for (Client::Impl* i : running) {
    i->close_pipes();
    grace = std::max(grace, i->options.shutdown_grace);
  }
  exited_by(Clock::now() + grace);
  bool signalled = false;
  for (Client::Impl* i : running) {
    if (!i->child->exited()) {
      i->child->signal_group(SIGTERM);
      signalled = true;
    }
  }
  if (signalled) exited_by(Clock::now() + grace / 4);
  for (Client::Impl* i : running) {
    if (i->gone.empty()) i->gone = "stopped";
    i->child.reset();  // SIGKILL to the group (strays included) and reaped
  }
}

ClientSet::~ClientSet() { stop_all(clients); }

Client* ClientSet::find(std::string_view name) const {
  for (const auto& c : clients) {
    if (c->name() == name) return c.get();
  }
  return nullptr;
}

ClientSet start_all(const config::McpServers& servers, const ClientOptions& options) {
  ClientSet set;
  for (const config::McpServerConfig& server : servers.servers) {
    try {
      set.clients.push_back(Client::start(server, options));
    } catch (const Error& e) {
      set.failures.push_back({server.name, e.what(), e.hint()});
    }
  }
  return set;
}

}  // namespace strata::mcp
