#include "net/http_client.h"

#include "common/text.h"
#include "net/curl_library.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <mutex>
#include <stdexcept>

namespace strata::net {
namespace {

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// State shared with libcurl's callbacks during one transfer.
struct Transfer {
  const Request* request = nullptr;
  Response* response = nullptr;
  std::size_t received = 0;
  bool too_large = false;
  bool stopped_by_callback = false;
  bool status_known = false;
  long status = 0;
  CURL* handle = nullptr;
  // The idle limit (Request::low_speed_time), kept here rather than by libcurl's low-speed check,
  // which averages over a window of about five seconds: the request's own upload kept a silent
  // server's "speed" above 1 byte/s for that long, so --timeout 3 fired after 8 s.
  curl_off_t bytes_seen = 0;
  std::chrono::steady_clock::time_point last_bytes = std::chrono::steady_clock::now();
  bool idle_too_long = false;

  bool streaming() {
    if (!request->on_body) return false;
    if (!status_known) {
      curl_library().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
      status_known = true;
    }
    return status >= 200 && status < 300;
  }
};

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  t->received += n;
  if (t->received > t->request->max_response_bytes) {
    t->too_large = true;
    return 0;  // anything but n makes libcurl stop with CURLE_WRITE_ERROR
  }
  if (t->streaming()) {
    if (!t->request->on_body(std::string_view(data, n))) {
      t->stopped_by_callback = true;
      return 0;
    }
    return n;
  }
  t->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response begins (after a 100 Continue or a redirect): keep only its headers.
    t->response->headers.clear();
    t->status_known = false;
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  t->response->headers.push_back({to_lower(trim_space(line.substr(0, colon))), std::string(trim_space(line.substr(colon + 1)))});
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->cancel != nullptr && t->request->cancel->load(std::memory_order_relaxed)) {
    t->stopped_by_callback = true;
    return 1;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
  }
  // Called about once a second while nothing moves, so the limit fires within a second of it.
  const auto now = std::chrono::steady_clock::now();
  if (dlnow + ulnow != t->bytes_seen) {
    t->bytes_seen = dlnow + ulnow;
    t->last_bytes = now;
  } else if (t->request->low_speed_time.count() > 0 && now - t->last_bytes >= t->request->low_speed_time) {
    t->idle_too_long = true;
    return 1;
  }
  return 0;
}

FailureKind classify(CURLcode code) {
  switch (code) {
    case CURLE_OK: return FailureKind::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
      return FailureKind::connect;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return FailureKind::certificate;
    case CURLE_OPERATION_TIMEDOUT: return FailureKind::timeout;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FailureKind::reset;
    default: return FailureKind::other;
  }
}

long to_ms(std::chrono::milliseconds d) { return static_cast<long>(d.count()); }

}  // namespace

const char* name_of(FailureKind kind) {
  switch (kind) {
    case FailureKind::none: return "none";
    case FailureKind::connect: return "connection failed";
    case FailureKind::refused: return "connection refused";
    case FailureKind::timeout: return "timed out";
    case FailureKind::reset: return "connection reset";
    case FailureKind::too_large: return "response too large";
    case FailureKind::certificate: return "certificate not trusted";
    case FailureKind::aborted: return "aborted";
    case FailureKind::other: return "transfer failed";
  }
  return "transfer failed";
}

bool worth_retrying(FailureKind kind) {
  return kind != FailureKind::too_large && kind != FailureKind::aborted && kind != FailureKind::certificate;
}

std::string Response::redirect_note() const {
  if (failure != FailureKind::none || status < 300 || status >= 400) return {};
  const std::optional<std::string> to = header("location");
  return to && !to->empty() ? "redirects to " + *to : "redirects nowhere (no Location header)";
}

std::optional<std::string> Response::header(std::string_view name) const {
  const std::string want = to_lower(name);
  for (const Header& h : headers) {
    if (h.name == want) return h.value;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  CURL* handle = nullptr;
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {
  impl_->handle = curl_library().easy_init();
  if (impl_->handle == nullptr) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() {
  if (impl_ && impl_->handle != nullptr) curl_library().easy_cleanup(impl_->handle);
}

Response HttpClient::perform(const Request& request) {
  const CurlLibrary& curl = curl_library();
  CURL* h = impl_->handle;
  // Options persist on a handle; reset them, keeping the connection cache and TLS sessions.
  curl.easy_reset(h);
  Response response;
  Transfer transfer{&request, &response, 0, false, false, false, 0, h, 0, std::chrono::steady_clock::now(), false};
  char error_buffer[CURL_ERROR_SIZE] = {};

  // A control character in a header (a CR or LF in a key from the environment) would let the
  // value write headers of its own: never sent. Callers check their keys first and name them.
  for (const Header& hd : request.headers) {
    if (find_control_character(hd.name) || find_control_character(hd.value)) {
      response.failure = FailureKind::other;
      response.failure_message = "the request's " + hd.name + " header holds a control character; not sent";
      return response;
    }
  }
  curl_slist* headers = nullptr;
  for (const Header& hd : request.headers) {
    const std::string line = hd.name + ": " + hd.value;
    curl_slist* next = curl.slist_append(headers, line.c_str());
    if (next == nullptr) {
      curl.slist_free_all(headers);
      response.failure = FailureKind::other;
      response.failure_message = "out of memory building the request headers";
      return response;
    }
    headers = next;
  }
  // libcurl would otherwise send "Expect: 100-continue" for large bodies and wait for a reply
  // that some servers (and our test server) never send.
  headers = curl.slist_append(headers, "Expect:");

  curl.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET") {
    curl.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl.easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, to_ms(request.connect_timeout));
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, to_ms(request.total_timeout));
  curl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, request.low_speed_bytes);
  curl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.low_speed_time.count()));
  // Worker threads: libcurl must not use signals (SIGALRM for DNS timeouts) behind our back.
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode (gzip, ...)
  curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);   // an API that redirects is misconfigured
  curl.easy_setopt(h, CURLOPT_USERAGENT, "strata");
  curl.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);

  const CURLcode code = curl.easy_perform(h);
  curl.slist_free_all(headers);
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);

  if (code != CURLE_OK) {
    if (transfer.too_large) {
      response.failure = FailureKind::too_large;
      response.failure_message = "the response is larger than " + std::to_string(request.max_response_bytes) + " bytes";
    } else if (transfer.idle_too_long) {
      response.failure = FailureKind::timeout;
      response.failure_message = "nothing arrived for " + std::to_string(request.low_speed_time.count()) + " s";
    } else if (transfer.stopped_by_callback) {
      response.failure = FailureKind::aborted;
      response.failure_message = "the transfer was stopped";
    } else {
      response.failure = classify(code);
      long os_errno = 0;
      if (code == CURLE_COULDNT_CONNECT && curl.easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
          os_errno == ECONNREFUSED) {
        response.failure = FailureKind::refused;
      }
      response.failure_message = error_buffer[0] != '\0' ? std::string(error_buffer) : curl.easy_strerror(code);
    }
  }
  return response;
}

struct ClientPool::Impl {
  std::mutex mutex;
  std::vector<std::unique_ptr<HttpClient>> idle;

  void give_back(std::unique_ptr<HttpClient> client) {
    const std::lock_guard lock(mutex);
    idle.push_back(std::move(client));
  }
};

ClientPool::Lease::~Lease() {
  if (client_) pool_->impl_->give_back(std::move(client_));
}

ClientPool::ClientPool() : impl_(std::make_unique<Impl>()) {}
ClientPool::~ClientPool() = default;

ClientPool::Lease ClientPool::acquire() {
  {
    const std::lock_guard lock(impl_->mutex);
    if (!impl_->idle.empty()) {
      std::unique_ptr<HttpClient> c = std::move(impl_->idle.back());
      impl_->idle.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, std::make_unique<HttpClient>());
}

}  // namespace strata::net
