#include "http/server.h"

// Beast and Asio stay in this file: the rest of strata sees message.h's plain values.
#include <atomic>
#include <cctype>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/error.h"
#include "http/worker_pool.h"

namespace strata::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class Session;

struct Server::Impl {
  Router router;
  ServerOptions options;
  Metrics& metrics;
  // Destroyed explicitly (~Impl), before the members its pending handlers' sessions use.
  std::unique_ptr<asio::io_context> ioc = std::make_unique<asio::io_context>();
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::unique_ptr<WorkerPool> pool;
  std::vector<std::thread> io_threads;
  std::uint16_t port = 0;
  bool started = false;
  bool finished = false;

  std::atomic<bool> draining{false};
  std::mutex mutex;  // guards sessions, stop_asked
  std::condition_variable changed;
  std::list<std::weak_ptr<Session>> sessions;
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
Response call_handler(const Route& route, const Request& request, Context& context) {
  try {
    return route.handler(request, context);
  } catch (const std::exception&) {
    return Response::json(500, detail_json("Internal Server Error"));
  }
}

}  // namespace

// One client connection (not in an anonymous namespace: Server::Impl holds pointers to it).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
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

  void start(std::list<std::weak_ptr<Session>>::iterator in_list, bool refuse) {
    self_in_list_ = in_list;
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), refuse] {
      if (refuse) {
        self->keep_alive_ = false;
        self->begin_ = Clock::now();
        self->method_ = "OTHER";
        Response r = Response::json(503, detail_json("too many connections"));
        r.set_header("Retry-After", "1");
        self->send(std::move(r));
        return;
      }
      self->read_next();
    });
  }

  // Shutdown: an idle connection is closed now; one with a request in flight is answered first.
  void drain(bool force) {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), force] {
      if (force || !self->in_flight_) self->close();
    });
  }

 private:
  // --- reading ---------------------------------------------------------------------------------

  void read_next() {
    set_in_flight(false);
    if (server_.draining) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.limits.max_header_bytes));
    parser_->body_limit(server_.options.limits.max_body_bytes);
    if (buffer_.size() > 0) return read_header(Clock::now());  // a pipelined request
    const Limits& l = server_.options.limits;
    stream_.expires_after(first_ ? l.header_timeout : l.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->close();
      self->buffer_.commit(n);
      self->read_header(Clock::now());
    });
  }

  // The whole header within header_timeout of its first byte (or of accept, for the first).
  void read_header(Clock::time_point first_byte) {
    const Limits& l = server_.options.limits;
    stream_.expires_at(first_ ? accepted_ + l.header_timeout : first_byte + l.header_timeout);
    first_ = false;
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void on_header(beast::error_code ec) {
    if (ec) return refuse_read(ec);
    set_in_flight(true);
    begin_ = Clock::now();
    auto& m = parser_->get();
    method_ = std::string(method_name(parse_method(std::string(m.method_string()))));
    const auto length = parser_->content_length();
    if (length && *length > server_.options.limits.max_body_bytes) return refuse(413, "the request body is too large");
    const auto expect = m.find(bhttp::field::expect);
    if (expect != m.end() && lower_ascii(std::string(expect->value())) == "100-continue" && !parser_->is_done()) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
        if (e) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(server_.options.limits.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->refuse_read(ec);
      self->dispatch_request();
    });
  }

  // A request that could not be read: answered when the client may still read an answer,
  // otherwise (timeout, end of stream) closed without one.
  void refuse_read(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) return refuse(431, "the request header is too large");
    if (ec == bhttp::error::body_limit) return refuse(413, "the request body is too large");
    if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset || !stream_.socket().is_open()) {
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
    send(Response::json(status, detail_json(why)));
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
    const Match match = server_.router.match(request.method, request.path);
    switch (match.kind) {
      case Match::Kind::not_found: return send(Response::json(404, detail_json("Not Found")));
      case Match::Kind::bad_path: return send(Response::json(400, detail_json(match.problem)));
      case Match::Kind::wrong_method: {
        Response r = Response::json(405, detail_json("Method Not Allowed"));
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
      return send(call_handler(route, request, context));
    }
    auto job = [self = shared_from_this(), &route, request = std::move(request)](std::size_t worker) {
      Context context{worker};
      Response r = call_handler(route, request, context);
      if (r.stream) return self->stream(std::move(r));
      asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
    };
    if (!server_.pool->try_submit(std::move(job))) {
      Response r = Response::json(503, detail_json("the server is busy; try again shortly"));
      r.set_header("Retry-After", "1");
      send(std::move(r));
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
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    if (!fill_head(*out, r)) {
      r = Response::json(500, detail_json("Internal Server Error"));
      out = std::make_shared<bhttp::response<bhttp::string_body>>();
      out->version(11);
      fill_head(*out, r);
    }
    out->body() = std::move(r.body);
    out->prepare_payload();
    status_ = r.status;
    stream_.expires_after(server_.options.limits.idle_timeout);
    bhttp::async_write(stream_, *out, [self = shared_from_this(), out](beast::error_code ec, std::size_t n) {
      self->finish(n, !ec && out->keep_alive());
    });
  }

  // A streamed response, on the worker that ran the handler: each write is handed to the
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

   private:
    std::shared_ptr<Session> s_;
  };

  template <class Start>
  bool write_and_wait(Start start) {
    if (cancelled_) return false;
    std::promise<bool> written;
    asio::post(stream_.get_executor(), [&] {
      stream_.expires_after(server_.options.limits.idle_timeout);
      start([&](beast::error_code ec, std::size_t n) {
        bytes_ += n;
        written.set_value(!ec);
      });
    });
    const bool ok = written.get_future().get();
    if (!ok) cancelled_ = true;
    return ok;
  }

  void stream(Response r) {
    cancelled_ = false;
    server_.metrics.stream_opened();
    auto head = std::make_shared<bhttp::response<bhttp::empty_body>>();
    head->version(11);
    if (!fill_head(*head, r)) {
      server_.metrics.stream_closed();
      asio::post(stream_.get_executor(), [self = shared_from_this()] { self->send(Response::json(500, detail_json("Internal Server Error"))); });
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
      Writer writer(shared_from_this());
      try {
        r.stream(writer);
      } catch (const std::exception&) {
        // The status is written already: the stream ends here, and the client sees it end short.
        cancelled_ = true;
      }
      ok = write_and_wait([&](auto done) { asio::async_write(stream_, bhttp::make_chunk_last(), done); });
    }
    server_.metrics.stream_closed();
    asio::post(stream_.get_executor(), [self = shared_from_this(), ok] { self->finish(0, ok && self->keep_alive_); });
  }

  // While a stream is written, a client that closes its end is noticed at once (not at the next
  // chunk, which may be minutes away behind a slow model): the handler sees cancelled().
  void watch_for_close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.socket().async_wait(tcp::socket::wait_read, [self](beast::error_code ec) {
        if (ec) return;
        char byte = 0;
        beast::error_code peek_ec;
        const std::size_t n = self->stream_.socket().receive(asio::buffer(&byte, 1), tcp::socket::message_peek, peek_ec);
        if (peek_ec || n == 0) self->cancelled_ = true;
      });
    });
  }

  void finish(std::size_t bytes, bool keep_open) {
    bytes_ += bytes;
    const double seconds = std::chrono::duration<double>(Clock::now() - begin_).count();
    server_.metrics.request(route_.empty() ? k_unmatched_route : route_, method_, status_, seconds);
    if (server_.options.access_log) {
      AccessRecord record{std::chrono::system_clock::now(), method_, route_, status_, seconds * 1000.0, bytes_, ""};
      server_.options.access_log(record);
    }
    route_.clear();
    method_.clear();
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
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(std::chrono::seconds(1));
    drain_input();
  }
  void drain_input() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain_input();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    cancelled_ = true;
  }

  friend class Writer;

  beast::tcp_stream stream_;
  Server::Impl& server_;
  std::list<std::weak_ptr<Session>>::iterator self_in_list_;
  beast::flat_buffer buffer_{server_.options.limits.max_header_bytes + 4096};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Clock::time_point accepted_ = Clock::now();
  Clock::time_point begin_;
  bool first_ = true;
  bool in_flight_ = false;
  bool keep_alive_ = true;
  std::string route_, method_;
  int status_ = 0;
  std::uint64_t bytes_ = 0;
  std::atomic<bool> cancelled_{false};
};

void Server::Impl::accept() {
  acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor->is_open() || draining) return;
      return accept();  // a connection that failed before we saw it (EMFILE and the like)
    }
    if (draining) return;
    const bool refuse = static_cast<std::size_t>(metrics.connections_open()) >= options.limits.max_connections;
    auto session = std::make_shared<Session>(std::move(socket), *this);
    std::list<std::weak_ptr<Session>>::iterator in_list;
    {
      const std::lock_guard lock(mutex);
      in_list = sessions.insert(sessions.end(), session);
    }
    session->start(in_list, refuse);
    accept();
  });
}

void Server::Impl::close_all(bool idle_only) {
  std::vector<std::shared_ptr<Session>> open;
  {
    const std::lock_guard lock(mutex);
    for (const std::weak_ptr<Session>& w : sessions) {
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
  s.pool = std::make_unique<WorkerPool>(s.options.workers, s.options.queue);
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
    for (const std::weak_ptr<Session>& w : s.sessions) {
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
  s.pool->stop();
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
