#include "mcp/server.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/trace.h"
#include "mcp/json_rpc.h"
#include "mcp/resources.h"
#include "mcp/tools.h"

namespace strata::mcp {
namespace {

using nlohmann::json;

constexpr std::string_view k_instructions =
    "strata's knowledge store: search finds passages (cite them as source:Lfirst-Llast), read_document reads more "
    "of a source, list_collections and list_documents show what is stored. migrate_status and migrate_check report "
    "the project's SQL migrations. Every tool only reads.";

// The index in k_initialize_versions of the revision initialize gives a client asking for
// `params.protocolVersion`: the same one when strata speaks it, else the newest.
int negotiated_version(const json& params) {
  const auto it = params.find("protocolVersion");
  if (it != params.end() && it->is_string()) {
    for (std::size_t i = 0; i < std::size(k_initialize_versions); ++i) {
      if (*it == k_initialize_versions[i]) return static_cast<int>(i);
    }
  }
  return 0;
}

json version_list() {
  json list = json::array();
  for (std::string_view v : k_protocol_versions) list.push_back(std::string(v));
  return list;
}

bool is_one_of(std::string_view version, std::span<const std::string_view> versions) {
  return std::find(versions.begin(), versions.end(), version) != versions.end();
}

constexpr std::string_view k_meta_version = "io.modelcontextprotocol/protocolVersion";
constexpr std::string_view k_meta_capabilities = "io.modelcontextprotocol/clientCapabilities";

// A tool's failure as the model should read it: the message, and the hint when there is one.
// Settings core mentions are written as an agent names them (tools.h, for_agent).
std::string failure_text(const Error& e) {
  return for_agent(e.hint().empty() ? std::string(e.what()) : std::string(e.what()) + " (" + e.hint() + ")");
}

// What a call may wait on, which decides the worker thread it runs on (server.h).
enum class Lane { local, embedding, database };
constexpr std::size_t k_lanes = 3;

// How long a client may keep a result (2026-07-28's CacheableResult): the tool table and the
// server's description change only with the program; the documents change whenever the store is
// ingested into, so their lists and texts are stale at once, and they are the user's own.
struct Caching {
  std::int64_t ttl_ms;
  std::string_view scope;
};
std::optional<Caching> caching_of(std::string_view method) {
  if (method == "server/discover" || method == "tools/list" || method == "resources/templates/list") {
    return Caching{3'600'000, "public"};
  }
  if (method == "resources/list" || method == "resources/read") return Caching{0, "private"};
  return std::nullopt;
}

}  // namespace

struct Server::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)), breakers(options.breaker_cooldown), session(options, &breakers) {}

  ServerOptions options;
  service::Breakers breakers;  // what every session remembers of failed outside servers
  ToolSession session;  // handle_line's; serve's workers have their own
  // The revision initialize chose for stdio's one session. Written by the reader alone
  // (initialize is never a worker's), read for batches.
  Negotiation negotiation;

  json capabilities(bool stateless) const {
    json resources = {{"listChanged", false}};
    if (!stateless) resources["subscribe"] = false;  // 2026-07-28 replaced subscribe with subscriptions/listen
    return {{"tools", {{"listChanged", false}}}, {"resources", std::move(resources)}};
  }

  json server_info() const { return {{"name", "strata"}, {"title", "strata knowledge store"}, {"version", options.version}}; }

  json initialize(const json& params, Negotiation& n) {
    const int v = negotiated_version(params);
    n.index = v;
    return {{"protocolVersion", k_initialize_versions[static_cast<std::size_t>(v)]},
            {"capabilities", capabilities(false)},
            {"serverInfo", server_info()},
            {"instructions", k_instructions}};
  }

  json discover() const {
    return {{"supportedVersions", version_list()}, {"capabilities", capabilities(true)}, {"instructions", k_instructions}};
  }

  json list_tools() {
    json list = json::array();
    for (const Tool& t : tools()) list.push_back(tool_listing(t));
    return {{"tools", std::move(list)}};
  }

  json call_tool(ToolSession& s, const json& params) {
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string()) throw RpcError(RpcCode::invalid_params, "tools/call needs \"name\", a string");
    const Tool* tool = find_tool(name->get<std::string>());
    if (!tool) throw RpcError(RpcCode::invalid_params, "Unknown tool: " + name->get<std::string>());
    json arguments = params.value("arguments", json::object());
    if (arguments.is_null()) arguments = json::object();
    if (!arguments.is_object()) return tool_error("arguments must be an object");
    // A span of the request's trace (common/trace.h): the tool's name, never its arguments.
    trace::Stage span("tool " + std::string(tool->name));
    span.span().set("gen_ai.operation.name", std::string("execute_tool")).set("gen_ai.tool.name", std::string(tool->name));
    // Whatever a tool throws is that call's failure, answered as a tool error; the session goes
    // on. Not only strata::Error: memory a report could not get, a library's own exception.
    try {
      return tool->call(s, arguments);
    } catch (const Error& e) {
      span.span().fail("the tool failed");
      return tool_error(failure_text(e));
    } catch (const RpcError&) {
      throw;
    } catch (const std::bad_alloc&) {
      return tool_error("the call ran out of memory and was given up; the server goes on");
    } catch (const std::exception& e) {
      return tool_error(std::string("internal error: ") + e.what());
    } catch (...) {
      return tool_error("internal error: the call failed; the server goes on");
    }
  }

  // The methods that read the store or reach another server: run by a worker (serve).
  static bool is_call(const RpcRequest& r) {
    return r.method == "tools/call" || r.method == "resources/list" || r.method == "resources/read";
  }

  // The lane of a call (is_call): a search that may embed its query or rerank, the migration
  // tools, or the store alone.
  Lane lane_of(const RpcRequest& r) const {
    if (r.method != "tools/call") return Lane::local;
    const json& name = r.params.contains("name") ? r.params["name"] : json();
    if (name == "migrate_status" || name == "migrate_check") return Lane::database;
    if (name != "search") return Lane::local;
    const json& args = r.params.contains("arguments") ? r.params["arguments"] : json();
    const bool keyword = args.is_object() && args.contains("mode") && args["mode"] == "keyword";
    return keyword && !options.search.rerank ? Lane::local : Lane::embedding;
  }

  // Whether the request is served statelessly (2026-07-28): it names a stateless revision in
  // _meta, or it is server/discover, which only that era has. A revision strata does not speak
  // is -32022 listing those it does; a stateless request without the client's capabilities is
  // malformed (-32602), as the revision requires. A request naming an initialize-era revision
  // in _meta is served as that era serves it.
  static bool stateless(const RpcRequest& r) {
    if (r.method == "initialize") return false;  // the handshake's own era, whatever _meta says
    const auto meta = r.params.find("_meta");
    const auto version = meta != r.params.end() && meta->is_object() ? meta->find(k_meta_version) : json::const_iterator();
    if (meta == r.params.end() || !meta->is_object() || version == meta->end()) return r.method == "server/discover";
    if (!version->is_string()) {
      throw RpcError(RpcCode::invalid_params, "_meta \"" + std::string(k_meta_version) + "\" must be a string");
    }
    const std::string requested = version->get<std::string>();
    if (!is_one_of(requested, k_protocol_versions)) {
      throw RpcError(RpcCode::unsupported_protocol_version, "Unsupported protocol version",
                     {{"supported", version_list()}, {"requested", requested}});
    }
    if (!is_one_of(requested, k_stateless_versions)) return r.method == "server/discover";
    const auto caps = meta->find(k_meta_capabilities);
    if (caps == meta->end() || !caps->is_object()) {
      throw RpcError(RpcCode::invalid_params,
                     "_meta needs \"" + std::string(k_meta_capabilities) + "\", an object (protocol " + requested + ")");
    }
    return true;
  }

  json dispatch(const RpcRequest& r, ToolSession& s, Negotiation& n) {
    const std::string& m = r.method;
    if (m == "initialize") return initialize(r.params, n);
    if (m == "server/discover") return discover();
    if (m == "ping") return json::object();
    if (m == "tools/list") return list_tools();
    if (m == "tools/call") return call_tool(s, r.params);
    if (m == "resources/list") return list_resources(s, r.params);
    if (m == "resources/templates/list") return resource_templates();
    if (m == "resources/read") return read_resource(s, r.params);
    throw RpcError(RpcCode::method_not_found, "Method not found: " + m);
  }

  // A result as 2026-07-28 has it: resultType, the server's identity, and how long it may be kept.
  json stateless_result(const std::string& method, json result) const {
    result["resultType"] = "complete";
    result["_meta"]["io.modelcontextprotocol/serverInfo"] = server_info();
    if (const std::optional<Caching> c = caching_of(method)) {
      result["ttlMs"] = c->ttl_ms;
      result["cacheScope"] = c->scope;
    }
    return result;
  }

  // The reply to a request (not a notification), whatever goes wrong.
  json answer(const RpcRequest& r, ToolSession& s, Negotiation& n) {
    bool modern = false;
    try {
      modern = stateless(r);
      json result = dispatch(r, s, n);
      return rpc_result(r.id, modern ? stateless_result(r.method, std::move(result)) : std::move(result));
    } catch (const RpcError& e) {
      // 2026-07-28 retired -32002: a resource that is not there is an invalid parameter.
      const RpcCode code = modern && e.code() == RpcCode::resource_not_found ? RpcCode::invalid_params : e.code();
      return rpc_error(r.id, code, e.what(), e.data());
    } catch (const Error& e) {
      return rpc_error(r.id, RpcCode::internal_error, failure_text(e));
    } catch (const std::exception& e) {
      return rpc_error(r.id, RpcCode::internal_error, std::string("internal error: ") + e.what());
    } catch (...) {
      return rpc_error(r.id, RpcCode::internal_error, "internal error");
    }
  }

  // Why a batch is refused, or nullopt when the session's revision (2025-03-26) has batches.
  static std::optional<json> refuse_batch(const Negotiation& n) {
    const int v = n.index;
    if (v >= 0 && k_initialize_versions[static_cast<std::size_t>(v)] == k_batch_version) return std::nullopt;
    const std::string revision = v >= 0 ? "protocol revision " + std::string(k_initialize_versions[static_cast<std::size_t>(v)])
                                        : "a session that has not negotiated revision 2025-03-26";
    return rpc_error(nullptr, RpcCode::invalid_request, "batches are not part of " + revision + ": send one message a line");
  }

  // A batch with more messages than a batch may hold: one error for all of it, as for an empty one.
  static std::optional<json> refuse_batch_size(const json& batch) {
    if (batch.size() <= k_max_batch_messages) return std::nullopt;
    return rpc_error(nullptr, RpcCode::invalid_request,
                     "a batch of " + std::to_string(batch.size()) + " messages: at most " +
                         std::to_string(k_max_batch_messages) + " are served in one batch; send fewer at a time");
  }

  // A batch's element that is a request, checked for what only a batch forbids.
  static std::optional<json> refuse_in_batch(const RpcRequest& r) {
    if (r.method == "initialize") return rpc_error(r.id, RpcCode::invalid_request, "initialize must not be part of a batch");
    return std::nullopt;
  }
};

namespace {

std::string mib_text(std::size_t bytes) {
  const std::size_t tenths = (bytes * 10 + (std::size_t{1} << 19)) >> 20;
  return std::to_string(tenths / 10) + (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : "") + " MiB";
}

// A reply as its line; a line longer than k_max_reply_bytes is replaced by an error with its
// id: a tool call's (`tool_call`) by a tool result with isError, so that the model can ask for
// less; any other's by a JSON-RPC error.
std::string capped_line(const json& reply, bool tool_call = false) {
  std::string line = to_line(reply);
  if (line.size() <= k_max_reply_bytes) return line;
  const std::string why = "the reply would be " + mib_text(line.size()) + ", more than the " + mib_text(k_max_reply_bytes) +
                          " one reply may hold";
  line = std::string();
  const json id = reply.value("id", json());
  if (tool_call && reply.contains("result")) {
    return to_line(rpc_result(id, tool_error(why + "; ask for less (a smaller max_bytes, limit or k)")));
  }
  return to_line(rpc_error(id, RpcCode::internal_error, why + "; read a document in parts with the read_document tool"));
}

// The error a batch's call gets in place of its reply once the batch's replies are full.
std::string batch_full_line(const json& id) {
  return to_line(rpc_error(id, RpcCode::internal_error,
                           "not run: the replies of this batch passed " + mib_text(k_max_batch_reply_bytes) +
                               ", the most one batch's reply may hold; send this request again alone"));
}

// The replies of one batch, kept as their lines, at most k_max_batch_reply_bytes in all: past
// it, a reply is replaced by batch_full_line (and full() tells a call not to run).
class BatchLines {
 public:
  void add(std::string line, const json& id) {
    if (full_ || bytes_ + line.size() > k_max_batch_reply_bytes) {
      full_ = true;
      line = batch_full_line(id);
    }
    bytes_ += line.size() + 1;
    lines_.push_back(std::move(line));
  }
  void add_error(const json& error) { add(to_line(error), error.value("id", json())); }
  bool full() const { return full_; }
  bool empty() const { return lines_.empty(); }
  // The batch's reply: the array of its replies, one line.
  std::string line() const {
    std::string out;
    out.reserve(bytes_ + 2);
    for (const std::string& l : lines_) (out += out.empty() ? "[" : ",") += l;
    return out + "]";
  }

 private:
  std::vector<std::string> lines_;
  std::size_t bytes_ = 0;
  bool full_ = false;
};

}  // namespace

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

std::optional<std::string> Server::handle_line(std::string_view line) {
  return handle_message(line, impl_->session, impl_->negotiation);
}

std::optional<std::string> Server::handle_message(std::string_view line, ToolSession& tools, Negotiation& negotiation,
                                                  const AdmitOperation& admit) {
  ParsedLine parsed = parse_line(line);
  if (parsed.error) return to_line(*parsed.error);
  if (parsed.batch) {
    if (std::optional<json> refused = Impl::refuse_batch(negotiation)) return to_line(*refused);
    if (std::optional<json> refused = Impl::refuse_batch_size(*parsed.batch)) return to_line(*refused);
    BatchLines replies;
    std::size_t operations = 0;  // the batch's operations so far; the first is the transport's own
    for (json& message : *parsed.batch) {
      ParsedLine p = parse_message(std::move(message));
      if (p.error) replies.add_error(*p.error);
      if (!p.request || p.request->notification) continue;
      std::optional<OperationRefusal> not_admitted;
      if (std::optional<json> refused = Impl::refuse_in_batch(*p.request)) {
        replies.add_error(*refused);
      } else if (replies.full()) {
        replies.add(batch_full_line(p.request->id), p.request->id);
      } else if (counts_as_operation(*p.request) && operations++ > 0 && admit && (not_admitted = admit())) {
        replies.add_error(rpc_error(p.request->id, RpcCode::rate_limited, not_admitted->message,
                                    json{{"retry_after", not_admitted->retry_after_seconds}}));
      } else {
        replies.add(capped_line(impl_->answer(*p.request, tools, negotiation), p.request->method == "tools/call"), p.request->id);
      }
    }
    return replies.empty() ? std::nullopt : std::optional<std::string>(replies.line());  // notifications only: nothing
  }
  if (!parsed.request) return std::nullopt;  // a response, or a notification with bad params
  const RpcRequest& r = *parsed.request;
  if (r.notification) return std::nullopt;  // initialized, cancelled, progress: nothing to answer
  return capped_line(impl_->answer(r, tools, negotiation), r.method == "tools/call");
}

std::unique_ptr<ToolSession> Server::tool_session() { return std::make_unique<ToolSession>(impl_->options, &impl_->breakers); }
std::unique_ptr<ToolSession> Server::tool_session(service::Session& shared) {
  return std::make_unique<ToolSession>(impl_->options, shared);
}

bool served_statelessly(const RpcRequest& request) { return Server::Impl::stateless(request); }

bool counts_as_operation(const RpcRequest& request) { return !request.notification && request.method != "ping"; }

std::string_view Negotiation::version() const {
  const int v = index;
  return v >= 0 ? k_initialize_versions[static_cast<std::size_t>(v)] : std::string_view();
}

namespace {

// Writes all of `text`; false when the other side is gone.
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The reply channel shared by the reader and the workers: one whole line at a time.
class Output {
 public:
  explicit Output(int fd) : fd_(fd) {}
  // False once a write has failed (the client is gone); later lines are dropped.
  bool write_line(const std::string& line) {
    const std::lock_guard lock(mutex_);
    if (!gone_ && !(write_all(fd_, line) && write_all(fd_, "\n"))) gone_ = true;
    return !gone_;
  }
  bool gone() {
    const std::lock_guard lock(mutex_);
    return gone_;
  }

 private:
  int fd_;
  std::mutex mutex_;
  bool gone_ = false;
};

// The replies of one batch (2025-03-26), written as one line, an array, when the last of its
// calls has ended: the reader holds one share until it has read the whole batch, each call sent
// to a lane one more. A batch whose requests were all cancelled gets no line.
class BatchReply {
 public:
  explicit BatchReply(Output& out) : out_(out) {}
  void expect() {
    const std::lock_guard lock(mutex_);
    ++pending_;
  }
  void add(std::string line, const json& id) {
    const std::lock_guard lock(mutex_);
    lines_.add(std::move(line), id);
  }
  void add_error(const json& error) {
    const std::lock_guard lock(mutex_);
    lines_.add_error(error);
  }
  // True once the replies are full: a call of the batch not yet run is answered without running.
  bool full() {
    const std::lock_guard lock(mutex_);
    return lines_.full();
  }
  void done() {
    const std::lock_guard lock(mutex_);
    if (--pending_ == 0 && !lines_.empty()) out_.write_line(lines_.line());
  }

 private:
  Output& out_;
  std::mutex mutex_;
  std::size_t pending_ = 1;
  BatchLines lines_;
};

// A call on its way through a lane. `cancel` reaches the call's outbound requests; `cancelled`
// (under Calls::mutex_) means no reply may be written for it. `batch`: the batch it belongs to;
// `bytes`: its share of the input it was read from, held until it ends.
struct Call {
  Call(RpcRequest r, std::shared_ptr<BatchReply> b, std::size_t n) : request(std::move(r)), batch(std::move(b)), bytes(n) {}
  RpcRequest request;
  std::shared_ptr<BatchReply> batch;
  std::size_t bytes;
  std::atomic<bool> cancel{false};
  bool cancelled = false;
};

// The calls in flight and the worker threads that run them, one per lane, each with its own
// ToolSession (a store connection and a searcher are not shared between threads). The
// destructor cancels what is left and joins every thread, so no thread outlives the Server.
class Calls {
 public:
  Calls(Server::Impl& impl, Output& out) : impl_(impl), out_(out) {
    for (std::size_t i = 0; i < k_lanes; ++i) lanes_[i].session.emplace(impl_.options, &impl_.breakers);
    for (std::size_t i = 0; i < k_lanes; ++i) lanes_[i].thread = std::thread([this, i] { work(lanes_[i]); });
  }
  ~Calls() {
    cancel_all();
    for (Worker& l : lanes_) l.thread.join();
  }
  Calls(const Calls&) = delete;
  Calls& operator=(const Calls&) = delete;

  // Queues the call on its lane; first waits (the reader reads no more meanwhile) while
  // k_max_calls_in_flight calls, or k_max_bytes_in_flight of their input, are not yet answered.
  void submit(RpcRequest r, Lane lane, std::shared_ptr<BatchReply> batch, std::size_t bytes) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return stopping_ || pending_ == 0 ||
             (pending_ < k_max_calls_in_flight && bytes_pending_ + bytes <= k_max_bytes_in_flight);
    });
    if (batch) batch->expect();
    auto call = std::make_shared<Call>(std::move(r), std::move(batch), bytes);
    ++pending_;
    bytes_pending_ += bytes;
    // A request reusing the id of one in flight: a cancel names the newer.
    in_flight_[call->request.id.dump()] = call;
    lanes_[static_cast<std::size_t>(lane)].queue.push_back(std::move(call));
    lock.unlock();
    changed_.notify_all();
  }

  // notifications/cancelled: the call stops and gets no reply. An id that is not in flight (never
  // sent, or already answered) is ignored.
  void cancel(const json& id) {
    const std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(id.dump());
    if (it == in_flight_.end()) return;
    it->second->cancelled = true;
    it->second->cancel = true;
    in_flight_.erase(it);
  }

  // End of input: waits until every call read has been answered (each ends by its own bounds),
  // or until a reply could not be written (the client is gone: what is left is cancelled).
  void drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pending_ == 0 || out_.gone(); });
  }

  // Every call still queued or running is cancelled, and the workers end.
  void cancel_all() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
      for (auto& [id, call] : in_flight_) {
        call->cancelled = true;
        call->cancel = true;
      }
      in_flight_.clear();
    }
    changed_.notify_all();
  }

 private:
  struct Worker {
    std::deque<std::shared_ptr<Call>> queue;
    std::optional<ToolSession> session;
    std::thread thread;
  };

  // The reply line of `call`, or nullopt when it was cancelled before it ran.
  std::optional<std::string> run(Call& call, Worker& lane, bool skip) {
    if (skip) return std::nullopt;
    if (call.batch && call.batch->full()) return batch_full_line(call.request.id);  // not run
    lane.session->set_cancel(&call.cancel);
    json reply = impl_.answer(call.request, *lane.session, impl_.negotiation);
    lane.session->set_cancel(nullptr);
    return capped_line(reply, call.request.method == "tools/call");
  }

  void work(Worker& lane) {
    for (;;) {
      std::shared_ptr<Call> call;
      bool skip = false;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
        if (stopping_) return;  // what is queued was cancelled with the rest
        call = std::move(lane.queue.front());
        lane.queue.pop_front();
        skip = call->cancelled;  // cancelled while it waited
      }
      std::optional<std::string> reply;
      try {
        reply = run(*call, lane, skip);
      } catch (...) {
        // Writing the reply itself failed (out of memory): the call is answered with an error and
        // the worker goes on; a worker that died would leave its lane unserved.
        lane.session->set_cancel(nullptr);
        reply = to_line(rpc_error(call->request.id, RpcCode::internal_error, "internal error: the reply could not be written"));
      }
      bool answer = false;
      {
        const std::lock_guard lock(mutex_);
        answer = reply && !call->cancelled;
        const auto it = in_flight_.find(call->request.id.dump());
        if (it != in_flight_.end() && it->second == call) in_flight_.erase(it);
      }
      // Written after the call left in_flight_: a cancel arriving now finds nothing and is
      // ignored, as for any call already answered.
      if (call->batch) {
        if (answer) call->batch->add(std::move(*reply), call->request.id);
        call->batch->done();
      } else if (answer) {
        out_.write_line(*reply);
      }
      {
        // Counted as pending until its reply is written: end of input waits for the write.
        const std::lock_guard lock(mutex_);
        --pending_;
        bytes_pending_ -= call->bytes;
      }
      changed_.notify_all();
    }
  }

  Server::Impl& impl_;
  Output& out_;
  std::mutex mutex_;
  std::condition_variable changed_;  // a call queued, finished or cancelled; stopping_
  std::array<Worker, k_lanes> lanes_;
  std::unordered_map<std::string, std::shared_ptr<Call>> in_flight_;  // by id, for cancels
  std::size_t pending_ = 0;        // calls queued or running, whatever their ids
  std::size_t bytes_pending_ = 0;  // their share of the input
  bool stopping_ = false;
};

// What the reader does with one request or notification: answers it at once (returned), hands a
// call to its lane (`batch`: the batch it belongs to; `bytes`: its share of the input), or acts
// on a cancellation.
std::optional<json> take_request(Server::Impl& impl, Calls& calls, RpcRequest r, const std::shared_ptr<BatchReply>& batch,
                                 std::size_t bytes) {
  if (r.notification) {
    if (r.method == "notifications/cancelled" && r.params.contains("requestId")) calls.cancel(r.params["requestId"]);
    return std::nullopt;  // initialized, progress: nothing to do
  }
  if (Server::Impl::is_call(r)) {
    const Lane lane = impl.lane_of(r);
    calls.submit(std::move(r), lane, batch, bytes);
    return std::nullopt;
  }
  return impl.answer(r, impl.session, impl.negotiation);  // never touches the store: ping, lists, initialize, discover, errors
}

// What the reader does with one line; a batch's replies go out as one line once all are in.
std::optional<std::string> take_line(Server::Impl& impl, Calls& calls, Output& out, std::string_view line) {
  ParsedLine parsed = parse_line(line);
  if (parsed.error) return to_line(*parsed.error);
  if (parsed.batch) {
    if (std::optional<json> refused = Server::Impl::refuse_batch(impl.negotiation)) return to_line(*refused);
    if (std::optional<json> refused = Server::Impl::refuse_batch_size(*parsed.batch)) return to_line(*refused);
    auto batch = std::make_shared<BatchReply>(out);
    const std::size_t share = std::max<std::size_t>(1, line.size() / parsed.batch->size());
    for (json& message : *parsed.batch) {
      ParsedLine p = parse_message(std::move(message));
      if (p.error) batch->add_error(*p.error);
      if (!p.request) continue;
      std::optional<json> reply = p.request->notification ? std::nullopt : Server::Impl::refuse_in_batch(*p.request);
      if (reply) {
        batch->add_error(*reply);
        continue;
      }
      reply = take_request(impl, calls, std::move(*p.request), batch, share);  // never a tool call's
      if (reply) batch->add(capped_line(*reply), reply->value("id", json()));
    }
    batch->done();  // the reader's share: written now unless calls are still running
    return std::nullopt;
  }
  if (!parsed.request) return std::nullopt;
  std::optional<json> reply = take_request(impl, calls, std::move(*parsed.request), nullptr, line.size());
  return reply ? std::optional<std::string>(capped_line(*reply)) : std::nullopt;
}

}  // namespace

std::size_t serve(Server& server, int in_fd, int out_fd, std::size_t max_line) {
  Output out(out_fd);
  Calls calls(*server.impl_, out);
  std::string line;
  bool oversized = false;  // the current line passed max_line: its bytes are dropped up to its end
  std::size_t lines = 0;
  std::vector<char> buffer(64 * 1024);
  const auto finish_line = [&]() -> bool {
    ++lines;
    std::optional<std::string> reply;
    if (oversized) {
      reply = to_line(rpc_error(nullptr, RpcCode::invalid_request,
                                "message larger than " + std::to_string(max_line) + " bytes, not read"));
    } else {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) {
        --lines;  // an empty line is no message
        line.clear();
        return true;
      }
      reply = take_line(*server.impl_, calls, out, line);
    }
    line.clear();
    oversized = false;
    return reply ? out.write_line(*reply) : !out.gone();
  };
  for (;;) {
    const ssize_t n = ::read(in_fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
    while (!chunk.empty()) {
      const std::size_t nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (!oversized) {
        if (line.size() + piece.size() > max_line) {
          oversized = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(piece);
        }
      }
      if (nl == std::string_view::npos) break;
      if (!finish_line()) return lines;
      chunk.remove_prefix(nl + 1);
    }
  }
  // A last message without its newline is still one.
  if (!line.empty() || oversized) finish_line();
  // The client has sent all it will: every call read is answered (a file of requests piped in),
  // each within its own bounds; only a client gone makes the rest be cancelled.
  calls.drain();
  return lines;  // ~Calls cancels what is left (nothing, unless the client is gone) and joins the workers
}

}  // namespace strata::mcp
