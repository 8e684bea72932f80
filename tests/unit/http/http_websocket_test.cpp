// core/http's WebSocket (websocket.h) against Boost.Beast's own client on 127.0.0.1: the upgrade
// and 426 for a request that is none, messages both ways from the handler's thread, the close
// code the handler gives, a binary message (1003), one over the size bound (1009), a client that
// reads nothing (1008 once a megabyte waits for it), and a graceful stop (1001).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "http/server.h"

namespace strata::http {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct SocketFixture {
  Metrics metrics;
  std::unique_ptr<Server> server;
  explicit SocketFixture(Router router) {
    ServerOptions o;
    o.port = 0;
    server = std::make_unique<Server>(std::move(router), std::move(o), metrics);
    server->start();
  }
  ~SocketFixture() {
    server->stop();
    server->wait();
  }
};

// Echoes each text message as "echo: TEXT" until "bye" (closed 4401 then) or the client leaves.
Router socket_routes() {
  Router r;
  r.add({Method::get, "/ws", [](const Request&, Context&) {
           Response x;
           x.status = 101;
           x.websocket = [](WebSocket& s) {
             std::string m;
             for (;;) {
               const WebSocket::Received got = s.receive(m, 100ms);
               if (got == WebSocket::Received::closed) return;
               if (got == WebSocket::Received::timeout) continue;
               if (m == "bye") return s.close(CloseCode::unauthorized, "bye");
               if (m == "flood") {
                 // 64 MB at most: far past what TCP and the queue hold for a client that reads nothing.
                 const std::string big(64 << 10, 'x');
                 for (int i = 0; i < 1024 && s.send(big); ++i) {
                 }
                 return;
               }
               s.send("echo: " + m);
             }
           };
           return x;
         }});
  return r;
}

struct SocketClient {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  std::string last_error;
  explicit SocketClient(std::uint16_t port) {
    tcp::resolver resolver(ioc);
    asio::connect(ws.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
  // Reads until the server's close; its code (0 when the connection ended without one).
  int read_to_close() {
    beast::error_code ec;
    for (;;) {
      beast::flat_buffer b;
      ws.read(b, ec);
      if (ec) {
        last_error = ec.message();
        return ec == websocket::error::closed ? static_cast<int>(ws.reason().code) : 0;
      }
    }
  }
};

TEST(HttpWebSocket, MessagesBothWaysAndTheHandlersCloseCode) {
  SocketFixture f(socket_routes());
  SocketClient c(f.server->port());
  c.ws.write(asio::buffer(std::string("hello")));
  EXPECT_EQ(c.read(), "echo: hello");
  c.ws.write(asio::buffer(std::string("again")));
  EXPECT_EQ(c.read(), "echo: again");
  EXPECT_EQ(f.metrics.websockets_open(), 1);
  c.ws.write(asio::buffer(std::string("bye")));
  EXPECT_EQ(c.read_to_close(), 4401);
  EXPECT_EQ(c.ws.reason().reason, "bye");
}

TEST(HttpWebSocket, ARequestThatIsNoUpgradeIs426) {
  SocketFixture f(socket_routes());
  asio::io_context ioc;
  tcp::socket s(ioc);
  tcp::resolver resolver(ioc);
  asio::connect(s, resolver.resolve("127.0.0.1", std::to_string(f.server->port())));
  const std::string request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(s, asio::buffer(request));
  std::string answer;
  beast::error_code ec;
  char buf[1024];
  for (std::size_t n; (n = s.read_some(asio::buffer(buf), ec)) > 0 && !ec;) answer.append(buf, n);
  EXPECT_EQ(answer.rfind("HTTP/1.1 426", 0), 0u) << answer;
  EXPECT_NE(answer.find("Upgrade: websocket"), std::string::npos) << answer;
}

TEST(HttpWebSocket, BinaryAndOversizedMessagesCloseTheConnection) {
  SocketFixture f(socket_routes());
  {
    SocketClient c(f.server->port());
    c.ws.binary(true);
    c.ws.write(asio::buffer(std::string("\x01\x02", 2)));
    EXPECT_EQ(c.read_to_close(), 1003);
  }
  {
    SocketClient c(f.server->port());
    const std::string huge(k_websocket_message_max + 1, 'a');
    beast::error_code ec;
    c.ws.write(asio::buffer(huge), ec);
    EXPECT_EQ(c.read_to_close(), 1009);
  }
}

TEST(HttpWebSocket, AClientThatReadsNothingIsClosedWith1008) {
  SocketFixture f(socket_routes());
  SocketClient c(f.server->port());
  c.ws.write(asio::buffer(std::string("flood")));
  std::this_thread::sleep_for(3s);  // reads nothing meanwhile
  EXPECT_EQ(c.read_to_close(), 1008) << c.last_error;
  EXPECT_EQ(c.ws.reason().reason, "the client does not read what it is sent");
}

TEST(HttpWebSocket, AGracefulStopClosesWith1001) {
  auto f = std::make_unique<SocketFixture>(socket_routes());
  SocketClient c(f->server->port());
  c.ws.write(asio::buffer(std::string("hello")));
  EXPECT_EQ(c.read(), "echo: hello");
  std::thread stop([&] { f.reset(); });
  EXPECT_EQ(c.read_to_close(), 1001);
  stop.join();
}

}  // namespace
}  // namespace strata::http
