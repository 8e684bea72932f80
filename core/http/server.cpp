#include "http/server.h"

// Beast and Asio stay in this file: the rest of strata sees message.h's plain values.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <exception>
#include <sys/resource.h>
#include <fstream>
#include <future>
#include <iterator>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/error.h"
#include "http/compression.h"
#include "http/libssl.h"
#include "http/stream_slots.h"
#include "http/worker_pool.h"

namespace strata::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// A connection, plain or TLS (Session<Stream> below), as the server holds it.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Shutdown: an idle connection is closed now; one with a request in flight is answered first.
  virtual void drain(bool force) = 0;
};

struct Server::Impl {
  Router router;
  ServerOptions options;
  Metrics& metrics;
  // Destroyed explicitly (~Impl), before the members its pending handlers' sessions use.
  std::unique_ptr<asio::io_context> ioc = std::make_unique<asio::io_context>();
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::optional<asio::ssl::context> tls;  // set: connections speak TLS (options.tls)
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<StreamSlots> streams;
  std::vector<std::thread> io_threads;
  std::uint16_t port = 0;
  bool started = false;
  bool finished = false;

  std::atomic<bool> draining{false};
  std::mutex mutex;  // guards sessions, stop_asked
  std::condition_variable changed;
  std::list<std::weak_ptr<SessionBase>> sessions;
  bool stop_asked = false;

  Impl(Router r, ServerOptions o, Metrics& m) : router(std::move(r)), options(std::move(o)), metrics(m) {}
  ~Impl() {
    signals.reset();
    acceptor.reset();
    work.reset();
    ioc.reset();
  }
  void accept();
  void close_all(bool idle_only);
};

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A handler's exception is the server's fault, answered 500 without its text (which may hold
// anything): the program's log is where a crash is looked into.
Response call_handler(const Router& router, const Route& route, const Request& request, Context& context) {
  try {
    return route.handler(request, context);
  } catch (const std::exception&) {
    return router.error(500, "Internal Server Error", request.path);
  }
}

// The file as the error names it: a path that could hold a control character is shown escaped.
std::string tls_file_name(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += "?";
    } else {
      out += c;
    }
  }
  return "'" + out + "'";
}

// Why OpenSSL refused a file ("no start line"), from the error Asio took from its queue.
std::string openssl_reason(const beast::error_code& ec) {
  const std::string m = ec.message();
  return m.empty() ? "not a PEM file OpenSSL can use" : m;
}

// Whether OpenSSL refused a key for not being the certificate's (OpenSSL 3 checks it as the key
// is loaded; SSL_CTX_check_private_key below is for a library that does not).
bool key_mismatch(const beast::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  const auto e = static_cast<unsigned long>(ec.value());
  return (ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) ||
         (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_PRIVATE_KEY_MISMATCH);
}

// The server's TLS context: TLS 1.2 or newer, the certificate chain and its key, which must
// match. Each failure names its file.
void load_tls(std::optional<asio::ssl::context>& out, const TlsFiles& files) {
  for (const auto& [what, path] : {std::pair{"certificate", &files.cert}, std::pair{"key", &files.key}}) {
    std::ifstream in(*path, std::ios::binary);
    if (!in) usage(std::string("cannot read the TLS ") + what + " " + tls_file_name(*path) + ": " + std::strerror(errno));
  }
  (void)libssl();  // throws unavailable, naming libssl3, before any OpenSSL function is called
  asio::ssl::context& ctx = out.emplace(asio::ssl::context::tls_server);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                  asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ::ERR_clear_error();
  beast::error_code ec;
  const std::string mismatch =
      "the TLS key " + tls_file_name(files.key) + " is not the key of the certificate " + tls_file_name(files.cert);
  ctx.use_certificate_chain_file(files.cert, ec);
  if (ec) usage("the TLS certificate " + tls_file_name(files.cert) + " cannot be used: " + openssl_reason(ec));
  ctx.use_private_key_file(files.key, asio::ssl::context::pem, ec);
  if (ec && key_mismatch(ec)) usage(mismatch);
  if (ec) usage("the TLS key " + tls_file_name(files.key) + " cannot be used: " + openssl_reason(ec));
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    ::ERR_clear_error();
    usage(mismatch);
  }
}

// Each stream holds two descriptors (its client's socket and its upstream's) and each other
// connection one: a soft limit of 1,024 (a shell's usual) would refuse accepts near 500
// streams. Raised toward what the limits need, within the hard limit; never lowered.
void raise_descriptor_limit(const ServerOptions& o) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(o.limits.max_connections + o.max_streams + 256);
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= wanted) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, lim.rlim_max);
  (void)::setrlimit(RLIMIT_NOFILE, &lim);
}

}  // namespace

// One client connection (not in an anonymous namespace: Server::Impl holds pointers to it),
// over a beast::tcp_stream or, for TLS, a beast::ssl_stream of one.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool k_tls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  // `args`: the accepted socket, and for TLS the server's ssl::context.
  template <class... Args>
  explicit Session(Server::Impl& server, Args&&... args) : stream_(std::forward<Args>(args)...), server_(server) {
    server_.metrics.connection_opened();
  }
  ~Session() {
    set_in_flight(false);
    server_.metrics.connection_closed();
    {
      const std::lock_guard lock(server_.mutex);
      server_.sessions.erase(self_in_list_);
    }
    server_.changed.notify_all();
  }

  void start(std::list<std::weak_ptr<SessionBase>>::iterator in_list, bool refuse) {
    self_in_list_ = in_list;
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this(), refuse] {
      if constexpr (k_tls) {
        // The handshake is bounded by the header timeout from accept, as the first request's
        // header is: a client that never completes it holds its socket for seconds. A client
        // that speaks plain HTTP here fails the handshake and is closed without an answer.
        self->lowest().expires_at(self->accepted_ + self->server_.options.limits.header_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self, refuse](beast::error_code ec) {
          if (ec) return self->close();
          self->begin(refuse);
        });
      } else {
        self->begin(refuse);
      }
    });
  }

  void drain(bool force) override {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this(), force] {
      if (self->ws_ && !force) return self->ws_close(CloseCode::going_away, "the server is shutting down");
      if (force || !self->in_flight_) self->close();
    });
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }

  // After accept (and the TLS handshake): one connection too many is answered 503 and closed.
  void begin(bool refuse) {
    if (!refuse) return read_next();
    keep_alive_ = false;
    begin_ = Clock::now();
    method_ = "OTHER";
    Response r = Response::json(503, detail_json("too many connections"));
    r.set_header("Retry-After", "1");
    send(std::move(r));
  }

  // --- reading ---------------------------------------------------------------------------------

  void read_next() {
    set_in_flight(false);
    if (server_.draining) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.limits.max_header_bytes));
    parser_->body_limit(server_.options.limits.max_body_bytes);
    if (buffer_.size() > 0) return read_header(Clock::now());  // a pipelined request
    const Limits& l = server_.options.limits;
    if (first_) {
      lowest().expires_at(accepted_ + l.header_timeout);  // after a TLS handshake, what is left of it
    } else {
      lowest().expires_after(l.idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->close();
      self->buffer_.commit(n);
      self->read_header(Clock::now());
    });
  }

  // The whole header within header_timeout of its first byte (or of accept, for the first).
  void read_header(Clock::time_point first_byte) {
    const Limits& l = server_.options.limits;
    lowest().expires_at(first_ ? accepted_ + l.header_timeout : first_byte + l.header_timeout);
    first_ = false;
    path_.clear();
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void on_header(beast::error_code ec) {
    // The path, for the shape of an error the server gives itself: known once the request line
    // is read, even when the header was then refused (a Content-Length over the body limit).
    const std::string target(parser_->get().target());
    path_ = target.substr(0, target.find('?'));
    if (ec) return refuse_read(ec);
    set_in_flight(true);
    begin_ = Clock::now();
    auto& m = parser_->get();
    method_ = std::string(method_name(parse_method(std::string(m.method_string()))));
    head_ = parse_method(std::string(m.method_string())) == Method::head;
    const auto origin = m.find(bhttp::field::origin);
    origin_ = origin == m.end() ? std::string() : std::string(origin->value());
    if (const std::string_view why = framing_problem(m); !why.empty()) return refuse(400, why);
    const auto length = parser_->content_length();
    if (length && *length > server_.options.limits.max_body_bytes) return refuse(413, "the request body is too large");
    const auto expect = m.find(bhttp::field::expect);
    if (expect != m.end() && lower_ascii(std::string(expect->value())) == "100-continue" && !parser_->is_done()) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code e, std::size_t) {
        if (e) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_after(server_.options.limits.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->refuse_read(ec);
      self->dispatch_request();
    });
  }

  // How a request's body is framed, as RFC 9112 6.1 and 6.3 allow a server to insist: a
  // Transfer-Encoding other than exactly `chunked` (identity, gzip, a list, the header twice), or
  // one beside Content-Length, is a request two parsers may read two ways (request smuggling
  // behind a proxy): 400 and the connection closed (refuse), never a guess. "" when it is fine.
  // RFC 9112 3.2 too: an HTTP/1.1 request needs exactly one Host.
  template <class Message>
  static std::string_view framing_problem(const Message& m) {
    const auto [host, hosts_end] = m.equal_range(bhttp::field::host);
    if (host == hosts_end && m.version() >= 11) return "an HTTP/1.1 request needs a Host header";
    if (host != hosts_end && std::next(host) != hosts_end) return "Host is given more than once";
    const auto [first, last] = m.equal_range(bhttp::field::transfer_encoding);
    if (first == last) return {};
    if (std::next(first) != last) return "Transfer-Encoding is given more than once";
    std::string te = lower_ascii(std::string(first->value()));
    while (!te.empty() && (te.back() == ' ' || te.back() == '\t')) te.pop_back();
    while (!te.empty() && (te.front() == ' ' || te.front() == '\t')) te.erase(0, 1);
    if (te != "chunked") return "a Transfer-Encoding other than chunked is not accepted";
    if (m.find(bhttp::field::content_length) != m.end()) return "Transfer-Encoding and Content-Length together are not accepted";
    return {};
  }

  // A request that could not be read: answered when the client may still read an answer,
  // otherwise (timeout, end of stream) closed without one.
  void refuse_read(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) return refuse(431, "the request header is too large");
    if (ec == bhttp::error::body_limit) return refuse(413, "the request body is too large");
    if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated ||
        !lowest().socket().is_open()) {
      return close();
    }
    return refuse(400, "malformed HTTP request");
  }

  void refuse(int status, std::string_view why) {
    if (method_.empty()) method_ = "OTHER";
    if (!in_flight_) begin_ = Clock::now();
    set_in_flight(true);
    keep_alive_ = false;
    route_.clear();
    send(server_.router.error(status, why, path_));
  }

  // --- answering -------------------------------------------------------------------------------

  void dispatch_request() {
    auto& m = parser_->get();
    keep_alive_ = m.keep_alive() && !server_.draining;
    Request request;
    request.method = parse_method(std::string(m.method_string()));
    const std::string target(m.target());
    const std::size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (request.path.empty() || request.path.front() != '/') return refuse(400, "the request target must be a path");
    if (q != std::string::npos && !parse_query(std::string_view(target).substr(q + 1), request.query)) {
      return refuse(400, "the query string has a malformed percent escape");
    }
    for (const auto& f : m) request.headers[lower_ascii(std::string(f.name_string()))] = std::string(f.value());
    request.body = std::move(m.body());
    upgrade_ = websocket::is_upgrade(m);
    if (server_.options.cors.enabled() && CorsPolicy::is_preflight(request)) {
      const Match at = server_.router.match(Method::options, request.path);
      if (at.kind == Match::Kind::wrong_method) {
        route_ = at.pattern;
        return send(server_.options.cors.preflight(request, at.allow));
      }
    }
    const Match match = server_.router.match(request.method, request.path);
    switch (match.kind) {
      case Match::Kind::not_found: return send(server_.router.error(404, "Not Found", request.path));
      case Match::Kind::bad_path: return send(server_.router.error(400, match.problem, request.path));
      case Match::Kind::wrong_method: {
        Response r = server_.router.error(405, "Method Not Allowed", request.path);
        r.set_header("Allow", match.allow);
        return send(std::move(r));
      }
      case Match::Kind::found: break;
    }
    const Route& route = *match.route;
    route_ = route.pattern;
    request.route = route.pattern;
    request.params = match.params;
    if (route.blocking == Blocking::no) {
      Context context;
      Response r = call_handler(server_.router, route, request, context);
      compress(request, r);
      key_ = std::move(context.key_name);
      return send(std::move(r));
    }
    auto job = [self = this->shared_from_this(), &route, request = std::move(request)](std::size_t worker) {
      Context context{worker};
      Response r = call_handler(self->server_.router, route, request, context);
      if (r.websocket) return self->start_websocket(std::move(r), std::move(context.key_name), worker);
      if (r.stream && !self->head_) return self->start_stream(std::move(r), std::move(context.key_name), worker);
      // On the worker, not on the connection's I/O thread that the other connections share.
      compress(request, r);
      asio::post(self->stream_.get_executor(), [self, r = std::move(r), key = std::move(context.key_name)]() mutable {
        self->key_ = std::move(key);
        self->send(std::move(r));
      });
    };
    if (!server_.pool->try_submit(std::move(job))) {
      Response r = server_.router.error(503, "the server is busy; try again shortly", path_);
      r.set_header("Retry-After", "1");
      send(std::move(r));
    }
  }

  // gzip of a whole response the client accepts it for (compression.h). zlib failing sends the
  // body as it was: compress_response replaces it, and says so, only once gzip has returned.
  static void compress(const Request& request, Response& r) {
    try {
      compress_response(request, r);
    } catch (const std::exception&) {
    }
  }

  // The head of a response, from its headers; one the handler set that could end a line
  // (Response::set_header refuses them, a handler may have filled `headers` itself) is
  // refused here once more: the response becomes a 500.
  template <class Message>
  bool fill_head(Message& out, Response& r) {
    out.result(static_cast<unsigned>(r.status));
    for (const auto& [name, value] : r.headers) {
      if (!valid_header_name(name) || !valid_header_value(value)) return false;
      out.set(name, value);
    }
    out.keep_alive(keep_alive_ && !server_.draining);
    return true;
  }

  void send(Response r) {
    server_.options.cors.decorate(origin_, r);
    // A HEAD of a streamed response: its head alone, without a length, and the connection closed.
    const bool head_of_stream = head_ && r.stream;
    if (head_of_stream) keep_alive_ = false;
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    if (!fill_head(*out, r)) {
      r = server_.router.error(500, "Internal Server Error", path_);
      out = std::make_shared<bhttp::response<bhttp::string_body>>();
      out->version(11);
      fill_head(*out, r);
    }
    out->body() = std::move(r.body);
    if (!head_of_stream) out->prepare_payload();
    if (head_) out->body().clear();  // Content-Length stays the body's, as GET would send it
    status_ = r.status;
    lowest().expires_after(server_.options.limits.idle_timeout);
    bhttp::async_write(stream_, *out, [self = this->shared_from_this(), out](beast::error_code ec, std::size_t n) {
      self->finish(n, !ec && out->keep_alive());
    });
  }

  Response too_many_streams() const {
    Response busy = server_.router.error(503, "too many streams are open; try again shortly", path_);
    busy.set_header("Retry-After", "1");
    return busy;
  }

  // Sends `r` from the connection's strand: a worker's thread never touches the stream itself.
  void answer_later(Response r, std::string key) {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), r = std::move(r), key = std::move(key)]() mutable {
      self->key_ = std::move(key);
      self->send(std::move(r));
    });
  }

  // A streamed response goes on on the thread that ran its handler, with nothing handed to
  // another thread (which waits for the scheduler on a loaded machine): the pool starts a new
  // thread in this worker's place (WorkerPool::hand_over), so that a slow model holds no
  // worker. Past the limit of open streams it is refused with 503 and Retry-After, as a full
  // worker queue is.
  void start_stream(Response r, std::string key, std::size_t worker) {
    if (!server_.streams->try_enter()) return answer_later(too_many_streams(), std::move(key));
    (void)server_.pool->hand_over(worker);  // false while stopping: the stream runs here all the same
    stream(std::move(r), std::move(key));
    server_.streams->leave();
  }

  // A streamed response, on the thread that ran its handler: each write is handed to the
  // connection's strand and waited for, so the handler's pace follows the client's.
  class Writer final : public ChunkWriter {
   public:
    explicit Writer(std::shared_ptr<Session> s) : s_(std::move(s)) {}
    bool write(std::string_view chunk) override {
      if (chunk.empty()) return !cancelled();
      return s_->write_and_wait([&](auto done) {
        asio::async_write(s_->stream_, bhttp::make_chunk(asio::buffer(chunk.data(), chunk.size())), done);
      });
    }
    bool cancelled() const override { return s_->cancelled_.load(); }
    bool stopping() const override { return s_->server_.draining.load(); }

   private:
    std::shared_ptr<Session> s_;
  };

  template <class Start>
  bool write_and_wait(Start start) {
    if (cancelled_) return false;
    std::promise<bool> written;
    asio::post(stream_.get_executor(), [&] {
      lowest().expires_after(server_.options.limits.idle_timeout);
      start([&](beast::error_code ec, std::size_t n) {
        bytes_ += n;
        written.set_value(!ec);
      });
    });
    const bool ok = written.get_future().get();
    if (!ok) cancelled_ = true;
    return ok;
  }

  void stream(Response r, std::string key) {
    server_.options.cors.decorate(origin_, r);
    cancelled_ = false;
    server_.metrics.stream_opened();
    auto head = std::make_shared<bhttp::response<bhttp::empty_body>>();
    head->version(11);
    if (!fill_head(*head, r)) {
      server_.metrics.stream_closed();
      asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->send(self->server_.router.error(500, "Internal Server Error", self->path_)); });
      return;
    }
    head->chunked(true);
    // A stream ends its connection (Connection: close): the close watch below waits for the
    // socket to be readable, and a wait left over from it took the readiness of the next request
    // on a kept-alive connection, which was then read only when the client gave up (a browser's
    // next fetch after a streamed answer hung). A new connection per stream costs nothing next
    // to the stream.
    keep_alive_ = false;
    head->keep_alive(false);
    status_ = r.status;
    bhttp::response_serializer<bhttp::empty_body> serializer(*head);
    bool ok = write_and_wait([&](auto done) { bhttp::async_write_header(stream_, serializer, done); });
    if (ok) {
      watch_for_close();
      Writer writer(this->shared_from_this());
      try {
        r.stream(writer);
      } catch (const std::exception&) {
        // The status is written already: the stream ends here, and the client sees it end short.
        cancelled_ = true;
      }
      ok = write_and_wait([&](auto done) { asio::async_write(stream_, bhttp::make_chunk_last(), done); });
    }
    server_.metrics.stream_closed();
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), ok, key = std::move(key)]() mutable {
      self->key_ = std::move(key);
      // The close watch's wait ends with the stream: left pending beside the next request's
      // read, it took the readiness of a body sent after its header, and that read never woke.
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().cancel(ec);
      self->finish(0, ok && self->keep_alive_);
    });
  }

  // While a stream is written, a client that closes its end is noticed at once (not at the next
  // chunk, which may be minutes away behind a slow model): the handler sees cancelled().
  void watch_for_close() {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->lowest().socket().async_wait(tcp::socket::wait_read, [self](beast::error_code ec) {
        if (ec) return;
        char byte = 0;
        beast::error_code peek_ec;
        const std::size_t n = self->lowest().socket().receive(asio::buffer(&byte, 1), tcp::socket::message_peek, peek_ec);
        if (peek_ec || n == 0) self->cancelled_ = true;
      });
    });
  }

  // --- WebSocket (websocket.h) -------------------------------------------------------------------
  //
  // The handler runs on the thread that ran it, as a stream's does; every operation on the
  // socket is made on the connection's strand, and the handler's thread meets it through the
  // queues below, guarded by ws_mutex_: messages read wait in ws_inbound_ for receive(), messages
  // sent wait in ws_outbound_ for the strand's one write at a time.

  void start_websocket(Response r, std::string key, std::size_t worker) {
    if (!upgrade_ || head_) {
      Response refused = server_.router.error(426, "this route speaks WebSocket: send a WebSocket upgrade request", path_);
      refused.set_header("Upgrade", "websocket");
      return answer_later(std::move(refused), std::move(key));
    }
    if (!server_.streams->try_enter()) return answer_later(too_many_streams(), std::move(key));
    (void)server_.pool->hand_over(worker);
    run_websocket(std::move(r), std::move(key));
    server_.streams->leave();
  }

  class Socket final : public WebSocket {
   public:
    explicit Socket(std::shared_ptr<Session> s) : s_(std::move(s)) {}
    Received receive(std::string& message, std::chrono::milliseconds wait) override { return s_->ws_receive(message, wait); }
    bool send(std::string text) override { return s_->ws_send(std::move(text)); }
    void close(CloseCode code, std::string_view reason) override { s_->ws_close(code, reason); }
    bool closed() const override {
      const std::lock_guard lock(s_->ws_mutex_);
      return s_->ws_closing_ || s_->ws_ended_;
    }
    bool stopping() const override { return s_->server_.draining.load(); }

   private:
    std::shared_ptr<Session> s_;
  };

  void run_websocket(Response r, std::string key) {
    keep_alive_ = false;
    status_ = 101;
    std::promise<bool> accepted;
    asio::post(stream_.get_executor(), [&] {
      const Limits& l = server_.options.limits;
      lowest().expires_never();  // the WebSocket's own timeouts, below, take over
      auto& ws = ws_.emplace(stream_);
      ws.read_message_max(k_websocket_message_max);
      ws.set_option(websocket::stream_base::timeout{l.header_timeout, l.idle_timeout, true});
      ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) { res.erase(bhttp::field::server); }));
      ws_timer_.emplace(stream_.get_executor());
      ws.async_accept(parser_->get(), [&](beast::error_code ec) { accepted.set_value(!ec); });
    });
    if (accepted.get_future().get()) {
      server_.metrics.websocket_opened();
      asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->ws_read(); });
      Socket socket(this->shared_from_this());
      try {
        r.websocket(socket);
        ws_close(CloseCode::normal, "");
      } catch (const std::exception&) {
        ws_close(CloseCode::internal, "Internal Server Error");
      }
      // The close handshake ends the read loop, or the timer past its bound does (ws_start_close).
      std::unique_lock lock(ws_mutex_);
      ws_changed_.wait(lock, [&] { return ws_ended_; });
      lock.unlock();
      server_.metrics.websocket_closed();
    } else {
      status_ = 400;
    }
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), key = std::move(key)]() mutable {
      self->key_ = std::move(key);
      if (self->ws_timer_) self->ws_timer_->cancel();
      self->finish(0, false);
    });
  }

  WebSocket::Received ws_receive(std::string& message, std::chrono::milliseconds wait) {
    std::unique_lock lock(ws_mutex_);
    ws_changed_.wait_for(lock, wait, [&] { return !ws_inbound_.empty() || ws_closing_ || ws_ended_; });
    if (ws_closing_ || ws_ended_) return WebSocket::Received::closed;
    if (ws_inbound_.empty()) return WebSocket::Received::timeout;
    message = std::move(ws_inbound_.front());
    ws_inbound_.pop_front();
    if (ws_read_paused_) asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->ws_resume_reading(); });
    return WebSocket::Received::message;
  }

  bool ws_send(std::string text) {
    std::unique_lock lock(ws_mutex_);
    if (ws_closing_ || ws_ended_) return false;
    if (ws_queued_ + text.size() > k_websocket_outbound_bytes) {
      // What is queued is dropped: the close goes out once the one write under way ends.
      for (const auto& m : ws_outbound_) ws_queued_ -= m->size();
      ws_outbound_.clear();
      lock.unlock();
      ws_close(CloseCode::policy, "the client does not read what it is sent");
      return false;
    }
    ws_queued_ += text.size();
    ws_outbound_.push_back(std::make_shared<std::string>(std::move(text)));
    lock.unlock();
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->ws_write_next(); });
    return true;
  }

  // Asks for the close; the strand sends it once what is queued is written.
  void ws_close(CloseCode code, std::string_view reason) {
    {
      const std::lock_guard lock(ws_mutex_);
      if (ws_closing_ || ws_ended_) return;
      ws_closing_ = true;
      ws_close_code_ = code;
      ws_close_reason_ = std::string(reason.substr(0, 123));
      ws_inbound_.clear();
    }
    ws_changed_.notify_all();
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // Reading goes on to the client's answer to the close, whatever was paused.
      self->ws_resume_reading();
      // The close is sent once the write under way ends (a close between the frames of a
      // message that goes on after it breaks the protocol): a client that reads nothing, whose
      // write never ends, and one that never answers the close are cut off past the bound.
      self->ws_timer_->expires_after(self->server_.options.limits.header_timeout);
      self->ws_timer_->async_wait([self](beast::error_code ec) {
        if (!ec) self->ws_force_close();
      });
      self->ws_write_next();
    });
  }

  // On the strand: the next queued message, or the close once none is left.
  void ws_write_next() {
    std::shared_ptr<std::string> next;
    {
      const std::lock_guard lock(ws_mutex_);
      if (ws_writing_ || ws_ended_ || ws_close_started_) return;
      if (ws_outbound_.empty()) {
        if (!ws_closing_) return;
      } else {
        next = std::move(ws_outbound_.front());
        ws_outbound_.pop_front();
        ws_writing_ = true;
      }
    }
    if (!next) return ws_start_close();
    ws_->text(true);
    ws_->async_write(asio::buffer(*next), [self = this->shared_from_this(), next](beast::error_code ec, std::size_t n) {
      {
        const std::lock_guard lock(self->ws_mutex_);
        self->ws_writing_ = false;
        self->ws_queued_ -= std::min(self->ws_queued_, next->size());
      }
      self->bytes_ += n;
      if (ec) return self->ws_force_close();
      self->ws_write_next();
    });
  }

  // On the strand, with no write under way (ws_write_next).
  void ws_start_close() {
    if (ws_close_started_ || ws_ended_) return;
    ws_close_started_ = true;
    websocket::close_reason why;
    why.code = static_cast<std::uint16_t>(ws_close_code_);
    why.reason = ws_close_reason_;
    ws_->async_close(why, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) self->ws_force_close();
    });
  }

  // On the strand: the connection is over, whether or not a read is under way to report it (a
  // read paused for a handler that takes no more messages would never end).
  void ws_force_close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().socket().close(ec);
    {
      const std::lock_guard lock(ws_mutex_);
      ws_ended_ = true;
    }
    ws_changed_.notify_all();
  }

  // On the strand: the one place a paused read starts again (the flag read here, under the lock,
  // so that two callers never start two reads).
  void ws_resume_reading() {
    bool resume = false;
    {
      const std::lock_guard lock(ws_mutex_);
      resume = ws_read_paused_ && !ws_ended_;
      ws_read_paused_ = false;
    }
    if (resume) ws_read();
  }

  // On the strand: reads the next message into ws_inbound_, pausing when it is full.
  void ws_read() {
    ws_->async_read(ws_in_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_ws_read(ec); });
  }

  void on_ws_read(beast::error_code ec) {
    if (ec) {
      // The close handshake done (error::closed), the client gone, or pings unanswered.
      {
        const std::lock_guard lock(ws_mutex_);
        ws_ended_ = true;
      }
      if (ws_timer_) ws_timer_->cancel();
      ws_changed_.notify_all();
      return;
    }
    const bool text = ws_->got_text();
    std::string message = beast::buffers_to_string(ws_in_.data());
    ws_in_.consume(ws_in_.size());
    if (!text) {
      ws_close(CloseCode::unsupported, "only text messages are understood");
      return ws_read();
    }
    bool pause = false;
    {
      const std::lock_guard lock(ws_mutex_);
      if (!ws_closing_) {
        ws_inbound_.push_back(std::move(message));
        pause = ws_inbound_.size() >= k_websocket_inbound;
        ws_read_paused_ = pause;
      }
    }
    ws_changed_.notify_all();
    if (!pause) ws_read();
  }

  void finish(std::size_t bytes, bool keep_open) {
    bytes_ += bytes;
    const double seconds = std::chrono::duration<double>(Clock::now() - begin_).count();
    server_.metrics.request(route_.empty() ? k_unmatched_route : route_, method_, status_, seconds);
    if (server_.options.access_log) {
      AccessRecord record{std::chrono::system_clock::now(), method_, route_, status_, seconds * 1000.0, bytes_, key_};
      server_.options.access_log(record);
    }
    route_.clear();
    key_.clear();
    method_.clear();
    origin_.clear();
    head_ = false;
    bytes_ = 0;
    set_in_flight(false);
    if (!keep_open || server_.draining) return linger_close();
    read_next();
  }

  void set_in_flight(bool in_flight) {
    if (in_flight == in_flight_) return;
    in_flight_ = in_flight;
    if (in_flight) {
      server_.metrics.request_started();
    } else {
      server_.metrics.request_ended();
    }
  }

  // Closes after an answer: our side first, then what the client still sends (the rest of a body
  // refused with 413) is read and dropped for a moment, so that the kernel does not reset the
  // connection (RST) and with it the answer the client has not read yet.
  // Over TLS: close_notify first (a client reading to the end sees a clean end), the same second.
  void linger_close() {
    if constexpr (k_tls) {
      lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
      return;
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return close();
      lowest().expires_after(std::chrono::seconds(1));
      drain_input();
    }
  }
  void drain_input() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain_input();
    });
  }

  void close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().socket().close(ec);
    cancelled_ = true;
  }

  friend class Writer;

  Stream stream_;
  Server::Impl& server_;
  std::list<std::weak_ptr<SessionBase>>::iterator self_in_list_;
  beast::flat_buffer buffer_{server_.options.limits.max_header_bytes + 4096};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Clock::time_point accepted_ = Clock::now();
  Clock::time_point begin_;
  bool first_ = true;
  bool in_flight_ = false;
  bool keep_alive_ = true;
  bool head_ = false;  // a HEAD request: answered without its body
  std::string route_, method_;
  std::string path_;  // the request target's path, for the shape of the server's own errors
  std::string key_;  // the API key's name the handler reported (Context::key_name), for the access log
  std::string origin_;  // the request's Origin (CORS), "" for none
  int status_ = 0;
  std::uint64_t bytes_ = 0;
  std::atomic<bool> cancelled_{false};
  bool upgrade_ = false;  // the request asks for a WebSocket (websocket.h)

  // The WebSocket, once the upgrade is accepted; its state below (ws_mutex_ guards what the
  // handler's thread shares with the strand; the rest is the strand's).
  std::optional<websocket::stream<Stream&>> ws_;
  std::optional<asio::steady_timer> ws_timer_;  // bounds the close handshake
  beast::flat_buffer ws_in_;
  mutable std::mutex ws_mutex_;
  std::condition_variable ws_changed_;
  std::deque<std::string> ws_inbound_;
  std::deque<std::shared_ptr<std::string>> ws_outbound_;
  std::size_t ws_queued_ = 0;     // bytes in ws_outbound_ and the write under way
  bool ws_writing_ = false;
  bool ws_read_paused_ = false;
  bool ws_closing_ = false;       // a close is asked (by the handler, the server or the bounds)
  bool ws_ended_ = false;         // the read loop ended: the connection is over
  bool ws_close_started_ = false; // strand only
  CloseCode ws_close_code_ = CloseCode::normal;
  std::string ws_close_reason_;
};

void Server::Impl::accept() {
  acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor->is_open() || draining) return;
      return accept();  // a connection that failed before we saw it (EMFILE and the like)
    }
    if (draining) return;
    // Each SSE frame is its own small write: with Nagle's algorithm a frame written while the
    // one before is unacknowledged waits for the client's (delayed, up to 40 ms) ACK.
    beast::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    const bool refuse = static_cast<std::size_t>(metrics.connections_open()) >= options.limits.max_connections;
    const auto run_session = [&](auto session) {
      std::list<std::weak_ptr<SessionBase>>::iterator in_list;
      {
        const std::lock_guard lock(mutex);
        in_list = sessions.insert(sessions.end(), session);
      }
      session->start(in_list, refuse);
    };
    if (tls) {
      run_session(std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *tls));
    } else {
      run_session(std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket)));
    }
    accept();
  });
}

void Server::Impl::close_all(bool idle_only) {
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    const std::lock_guard lock(mutex);
    for (const std::weak_ptr<SessionBase>& w : sessions) {
      if (auto s = w.lock()) open.push_back(std::move(s));
    }
  }
  for (const auto& s : open) s->drain(!idle_only);
}

Server::Server(Router router, ServerOptions options, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(router), std::move(options), metrics)) {}

Server::~Server() {
  if (impl_->started && !impl_->finished) {
    stop();
    wait();
  }
}

void Server::start() {
  Impl& s = *impl_;
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(s.options.host, ec);
  if (ec) usage("'" + s.options.host + "' is not an IP address");
  if (s.options.tls) load_tls(s.tls, *s.options.tls);
  const tcp::endpoint endpoint(address, s.options.port);
  const std::string where = (address.is_v6() ? "[" + s.options.host + "]" : s.options.host) + ":" + std::to_string(s.options.port);
  // The acceptor on a strand of its own: stop() closes it from another thread.
  tcp::acceptor& a = s.acceptor.emplace(asio::make_strand(*s.ioc));
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ExitCode::unavailable, "cannot listen on " + where + ": " + ec.message());
  s.port = a.local_endpoint().port();
  raise_descriptor_limit(s.options);
  s.pool = std::make_unique<WorkerPool>(s.options.workers, s.options.queue);
  s.streams = std::make_unique<StreamSlots>(std::max<std::size_t>(s.options.max_streams, 1));
  s.work.emplace(s.ioc->get_executor());
  if (s.options.stop_on_signals) {
    s.signals.emplace(*s.ioc, SIGINT, SIGTERM);
    s.signals->async_wait([this](beast::error_code e, int) {
      if (!e) stop();
    });
  }
  s.accept();
  s.started = true;
  for (std::size_t i = 0; i < std::max<std::size_t>(s.options.io_threads, 1); ++i) {
    s.io_threads.emplace_back([&s] { s.ioc->run(); });
  }
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::stop() {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->stop_asked = true;
  }
  impl_->changed.notify_all();
}

void Server::wait() {
  Impl& s = *impl_;
  if (!s.started || s.finished) return;
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait(lock, [&] { return s.stop_asked; });
  }
  // Stop accepting, close what is idle; requests in flight are answered with Connection: close.
  s.draining = true;
  asio::post(s.acceptor->get_executor(), [&s] {
    beast::error_code ec;
    s.acceptor->close(ec);
  });
  if (s.signals) {
    asio::post(*s.ioc, [&s] {
      beast::error_code ec;
      s.signals->cancel(ec);
    });
  }
  s.close_all(true);
  const auto all_closed = [&] {
    for (const std::weak_ptr<SessionBase>& w : s.sessions) {
      if (!w.expired()) return false;
    }
    return true;
  };
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, s.options.shutdown_timeout, all_closed);
  }
  // Past the deadline: what is left is closed (a stream's writer reports cancelled), and its
  // handler, on its worker, sees so and returns.
  s.close_all(false);
  s.streams->close();  // a job still queued that would stream is refused
  s.pool->stop();      // joins the streams' threads too
  s.streams->wait();
  s.work.reset();
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, std::chrono::seconds(2), all_closed);
  }
  s.ioc->stop();
  for (std::thread& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.finished = true;
}

}  // namespace strata::http
