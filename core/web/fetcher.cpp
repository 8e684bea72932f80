#include "web/fetcher.h"

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "net/curl_library.h"
#include "net/http_date.h"
#include "strata/build_info.h"
#include "web/address_guard.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace strata::web {
namespace {

// Where a site's operator reads who "strata" is.
constexpr const char* k_about = "https://strata.invalid/bot";  // placeholder: the project has no public address yet

// A server's text (a Location, a host name) in a message: control characters never reach a
// terminal, and a long one is cut.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 300)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  if (text.size() > 300) out += "...";
  return out;
}

// One CURLU, freed on every path.
class UrlHandle {
 public:
  UrlHandle() : lib_(net::curl_library()), u_(lib_.url()) {
    if (u_ == nullptr) throw Error(ExitCode::unavailable, "out of memory parsing a URL");
  }
  ~UrlHandle() { lib_.url_cleanup(u_); }
  UrlHandle(const UrlHandle&) = delete;
  UrlHandle& operator=(const UrlHandle&) = delete;
  CURLUcode set(CURLUPart part, const char* value, unsigned flags = 0) { return lib_.url_set(u_, part, value, flags); }
  std::optional<std::string> get(CURLUPart part, unsigned flags = 0) {
    char* text = nullptr;
    if (lib_.url_get(u_, part, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
    std::string out(text);
    lib_.free(text);
    return out;
  }

 private:
  const net::CurlLibrary& lib_;
  CURLU* u_;
};

bool allowed(AddressClass kind, bool allow_private) {
  switch (kind) {
    case AddressClass::public_address: return true;
    case AddressClass::loopback:
    case AddressClass::private_net:
    case AddressClass::shared:
    case AddressClass::link_local: return allow_private;
    case AddressClass::multicast:
    case AddressClass::unspecified:
    case AddressClass::reserved: return false;
  }
  return false;
}

std::string refusal(const std::string& host, const std::string& address, AddressClass kind) {
  std::string what = host == address ? address : host + " (" + address + ")";
  return "refused: " + printable(what) + " is a " + name_of(kind) + " address" +
         (kind == AddressClass::multicast || kind == AddressClass::unspecified || kind == AddressClass::reserved
              ? ""
              : " (" + mention(Setting::allow_private) + " permits it)");
}

// The host's addresses, each checked; throws for the first that may not be reached, so a name
// with one public and one private address is refused whole. Returns the address to pin.
std::string resolve_checked(const std::string& host, bool allow_private) {
  std::string bare = host;
  if (bare.size() >= 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  if (auto kind = classify_address(bare)) {
    if (!allowed(*kind, allow_private)) throw Error(ExitCode::usage, refusal(host, bare, *kind));
    return {};  // a literal address: nothing to resolve, the socket check still runs
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(bare.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    throw Error(ExitCode::unavailable, "cannot resolve " + printable(bare) + ": " + gai_strerror(rc));
  }
  std::string pinned;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const std::optional<AddressClass> kind = classify_sockaddr(a->ai_addr);
    if (!kind) continue;
    const std::string numeric = numeric_address(a->ai_addr);
    if (!allowed(*kind, allow_private)) {
      freeaddrinfo(found);
      throw Error(ExitCode::usage, refusal(bare, numeric, *kind));
    }
    if (pinned.empty()) pinned = a->ai_addr->sa_family == AF_INET6 ? "[" + numeric + "]" : numeric;
  }
  freeaddrinfo(found);
  if (pinned.empty()) throw Error(ExitCode::unavailable, "cannot resolve " + printable(bare) + ": no IPv4 or IPv6 address");
  return pinned;
}

// State shared with libcurl's callbacks during one request.
struct Hop {
  const FetchOptions* options = nullptr;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::size_t decoded = 0;
  bool decoded_too_large = false;
  bool raw_too_large = false;
  std::string refused;  // why the socket was not opened
  bool cancelled = false;  // FetchOptions::cancelled said so

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* hop = static_cast<Hop*>(user);
  const std::size_t n = size * count;
  // libcurl hands this callback the decoded bytes (CURLOPT_ACCEPT_ENCODING): the cap on them is
  // what stops a gzip bomb, whatever its compressed size.
  hop->decoded += n;
  if (hop->decoded > hop->options->max_decoded_bytes) {
    hop->decoded_too_large = true;
    return 0;
  }
  hop->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* hop = static_cast<Hop*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    hop->headers.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || hop->headers.size() >= 200) return n;
  hop->headers.emplace_back(to_lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* hop = static_cast<Hop*>(user);
  // libcurl calls this about once a second even while nothing arrives: a cancel is seen in time.
  if (hop->options->cancelled && hop->options->cancelled()) {
    hop->cancelled = true;
    return 1;
  }
  // dlnow counts the body's bytes as they arrive, before decoding: a server that sends no
  // Content-Length is stopped here (CURLOPT_MAXFILESIZE only sees a declared length).
  if (dlnow > 0 && static_cast<std::size_t>(dlnow) > hop->options->max_body_bytes) {
    hop->raw_too_large = true;
    return 1;
  }
  return 0;
}

// The address the socket is about to connect to, checked again: the pinned one, unless libcurl
// went elsewhere. Anything refused here never gets a socket.
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* hop = static_cast<Hop*>(user);
  const std::optional<AddressClass> kind = classify_sockaddr(&address->addr);
  if (!kind || !allowed(*kind, hop->options->allow_private)) {
    const std::string numeric = numeric_address(&address->addr);
    hop->refused = kind ? refusal(numeric, numeric, *kind) : "refused: not an IPv4 or IPv6 address";
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

std::string size_text(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

bool is_redirect(long status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

void split_content_type(const std::string& value, FetchResponse& out) {
  const std::string_view v(value);
  const auto semi = v.find(';');
  out.content_type = to_lower(trim(v.substr(0, semi)));
  if (semi == std::string_view::npos) return;
  std::string rest = to_lower(v.substr(semi + 1));
  const auto at = rest.find("charset=");
  if (at == std::string::npos) return;
  std::string charset = rest.substr(at + 8);
  charset = std::string(trim(charset.substr(0, charset.find(';'))));
  if (charset.size() >= 2 && charset.front() == '"') charset = charset.substr(1, charset.size() - 2);
  out.charset = printable(charset);
}

}  // namespace

HeaderFromEnv parse_header_from_env(std::string_view spec) {
  const auto eq = spec.find('=');
  const auto valid_name = [](std::string_view s, bool header) {
    if (s.empty() || s.size() > 100) return false;
    return std::all_of(s.begin(), s.end(), [header](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || (header && c == '-');
    });
  };
  if (eq == std::string_view::npos || !valid_name(spec.substr(0, eq), true) || !valid_name(spec.substr(eq + 1), false)) {
    usage(mention(Setting::header_env) + " wants NAME=VARIABLE (a header name, then the environment variable that holds its value), not '" +
              printable(spec) + "'",
          "e.g. " + mention(Setting::header_env) + " 'Authorization=DOCS_TOKEN' with DOCS_TOKEN='Bearer ...' in the environment");
  }
  const std::string name(spec.substr(0, eq));
  const std::string lower = to_lower(name);
  if (lower == "host" || lower == "cookie" || lower == "content-length" || lower == "transfer-encoding") {
    usage(mention(Setting::header_env) + " cannot set the " + name + " header");
  }
  return {name, std::string(spec.substr(eq + 1))};
}

std::string user_agent() { return std::string("strata/") + k_version + " (+" + k_about + ")"; }

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::seconds(999'999'999);  // bounded: callers cap it further
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  const auto when = net::parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(*when - now);
}

std::string refuse_redirect(const std::vector<std::string>& visited, const std::string& next, int max_redirects) {
  if (std::find(visited.begin(), visited.end(), next) != visited.end()) {
    return "a redirect loop (back to " + printable(next) + ")";
  }
  // visited holds the first URL and every hop taken: its size less one is the hops so far.
  if (static_cast<int>(visited.size()) > max_redirects) {
    return "more than " + std::to_string(max_redirects) + " redirects";
  }
  return {};
}

CheckedUrl check_url(const std::string& url) {
  UrlHandle u;
  if (u.set(CURLUPART_URL, url.c_str()) != CURLUE_OK) {
    usage("not a URL strata can fetch: " + printable(url));
  }
  CheckedUrl out;
  out.scheme = to_lower(u.get(CURLUPART_SCHEME).value_or(""));
  if (out.scheme != "http" && out.scheme != "https") {
    usage("unsupported scheme '" + printable(out.scheme) + "' in " + printable(url) + ": only http and https pages are fetched");
  }
  if (u.get(CURLUPART_USER) || u.get(CURLUPART_PASSWORD)) {
    // Never echo the URL: its user information is the secret.
    usage("a URL with credentials in it (user:password@) is refused: they would be stored with the page's address",
          "pass them in a header whose value comes from the environment: " + mention(Setting::header_env) + " 'Authorization=VARIABLE'");
  }
  u.set(CURLUPART_FRAGMENT, nullptr);
  // A host name is case-blind: written in lower case, so one page has one address.
  out.host = to_lower(u.get(CURLUPART_HOST).value_or(""));
  if (out.host.empty()) usage("no host in " + printable(url));
  u.set(CURLUPART_HOST, out.host.c_str());
  const std::optional<std::string> port = u.get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  out.port = port ? std::atol(port->c_str()) : 0;
  out.url = u.get(CURLUPART_URL).value_or(url);
  return out;
}

std::optional<std::string> resolve_reference(const std::string& base, const std::string& reference) {
  UrlHandle u;
  if (u.set(CURLUPART_URL, base.c_str()) != CURLUE_OK) return std::nullopt;
  if (u.set(CURLUPART_URL, reference.c_str()) != CURLUE_OK) return std::nullopt;
  return u.get(CURLUPART_URL);
}

struct Fetcher::Impl {
  FetchOptions options;
  CURL* handle = nullptr;
};

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handle = net::curl_library().easy_init();
  if (impl_->handle == nullptr) throw Error(ExitCode::unavailable, "curl_easy_init failed");
}

Fetcher::~Fetcher() {
  if (impl_ && impl_->handle != nullptr) net::curl_library().easy_cleanup(impl_->handle);
}

namespace {

// scheme://host:port, as check_url reads a URL: what FetchOptions::headers are bound to.
std::string checked_origin(const CheckedUrl& url) { return url.scheme + "://" + url.host + ":" + std::to_string(url.port); }

// One request, no redirect followed. Fills `hop`; returns the status, or throws. `send_headers`:
// whether this hop's origin may be sent FetchOptions::headers.
long perform_one(CURL* h, const FetchOptions& o, const CheckedUrl& url, const FetchRequest& request, Hop& hop,
                 std::string& redirect_to, bool send_headers) {
  const net::CurlLibrary& curl = net::curl_library();
  const std::string pinned = resolve_checked(url.host, o.allow_private);

  struct Lists {
    const net::CurlLibrary& curl;
    curl_slist* headers = nullptr;
    curl_slist* resolve = nullptr;
    ~Lists() {
      curl.slist_free_all(headers);
      curl.slist_free_all(resolve);
    }
  } lists{curl};
  const auto add = [&](curl_slist*& list, const std::string& line) {
    curl_slist* next = curl.slist_append(list, line.c_str());
    if (next == nullptr) throw Error(ExitCode::unavailable, "out of memory building a request");
    list = next;
  };
  const std::vector<HeaderFromEnv> none;
  for (const HeaderFromEnv& extra : send_headers ? o.headers : none) {
    const char* value = std::getenv(extra.variable.c_str());
    if (value == nullptr || *value == '\0') {
      usage(mention(Setting::header_env) + " " + extra.name + "=" + extra.variable + ": the environment variable " + extra.variable + " is not set");
    }
    if (find_control_character(value)) {
      usage(mention(Setting::header_env) + " " + extra.name + "=" + extra.variable + ": the value holds a control character; not sent");
    }
    add(lists.headers, extra.name + ": " + value);
  }
  if (!request.if_none_match.empty() && !find_control_character(request.if_none_match)) {
    add(lists.headers, "If-None-Match: " + request.if_none_match);
  }
  if (!request.if_modified_since.empty() && !find_control_character(request.if_modified_since)) {
    add(lists.headers, "If-Modified-Since: " + request.if_modified_since);
  }
  if (!pinned.empty()) {
    std::string host = url.host;
    add(lists.resolve, host + ":" + std::to_string(url.port) + ":" + pinned);
  }

  char error_buffer[CURL_ERROR_SIZE] = {};
  curl.easy_reset(h);
  curl.easy_setopt(h, CURLOPT_URL, url.url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, lists.headers);
  curl.easy_setopt(h, CURLOPT_RESOLVE, lists.resolve);
  curl.easy_setopt(h, CURLOPT_PROXY, "");  // the address checked must be the address reached
  curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl.easy_setopt(h, CURLOPT_USERAGENT, user_agent().c_str());
  curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_body_bytes));
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout.count()));
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &hop);
  curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl.easy_setopt(h, CURLOPT_HEADERDATA, &hop);
  curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl.easy_setopt(h, CURLOPT_XFERINFODATA, &hop);
  curl.easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  curl.easy_setopt(h, CURLOPT_OPENSOCKETDATA, &hop);

  const CURLcode code = curl.easy_perform(h);
  const std::string where = printable(url.url) + ": ";
  if (!hop.refused.empty()) throw Error(ExitCode::usage, where + hop.refused);
  if (hop.cancelled) throw Error(ExitCode::unavailable, where + "cancelled");
  if (hop.decoded_too_large) {
    throw Error(ExitCode::invalid_input, where + "more than " + size_text(o.max_decoded_bytes) + " once decompressed: not read");
  }
  if (hop.raw_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    throw Error(ExitCode::invalid_input, where + "larger than " + size_text(o.max_body_bytes) + ": not read");
  }
  if (code != CURLE_OK) {
    std::string message = error_buffer[0] != '\0' ? std::string(error_buffer) : curl.easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT) message = "timed out (" + printable(message) + ")";
    const bool tls = code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
                     code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR;
    throw Error(ExitCode::unavailable, where + printable(message),
                tls ? "the server's certificate does not verify against the system's CA store; strata never fetches without it" : "");
  }
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (is_redirect(status)) {
    char* target = nullptr;
    if (curl.easy_getinfo(h, CURLINFO_REDIRECT_URL, &target) == CURLE_OK && target != nullptr) redirect_to = target;
    if (redirect_to.empty()) throw Error(ExitCode::unavailable, where + "redirects nowhere (status " + std::to_string(status) + ", no Location)");
  }
  return status;
}

}  // namespace

FetchResponse Fetcher::fetch(const FetchRequest& request) {
  const FetchOptions& o = impl_->options;
  CheckedUrl url = check_url(request.url);
  // The one origin the extra headers may go to; checked on every hop, the first included.
  const std::string headers_origin = checked_origin(request.headers_for.empty() ? url : check_url(request.headers_for));
  std::vector<std::string> visited;
  for (;;) {
    if (o.cancelled && o.cancelled()) throw Error(ExitCode::unavailable, printable(url.url) + ": cancelled");
    visited.push_back(url.url);
    Hop hop;
    hop.options = &o;
    std::string redirect_to;
    const long status = perform_one(impl_->handle, o, url, request, hop, redirect_to, checked_origin(url) == headers_origin);
    if (!redirect_to.empty()) {
      CheckedUrl next;
      try {
        next = check_url(redirect_to);
      } catch (const Error& e) {
        throw Error(e.code(), printable(url.url) + " redirects to " + printable(redirect_to) + ": " + e.what(), e.hint());
      }
      const std::string reason = refuse_redirect(visited, next.url, o.max_redirects);
      if (!reason.empty()) throw Error(ExitCode::unavailable, printable(visited.front()) + ": " + reason);
      if (request.follow_redirect && !request.follow_redirect(next.url)) {
        FetchResponse out;
        out.status = status;
        out.url = next.url;
        return out;
      }
      url = std::move(next);
      continue;
    }
    FetchResponse out;
    out.status = status;
    out.url = url.url;
    if (auto type = hop.header("content-type")) split_content_type(*type, out);
    out.etag = printable(hop.header("etag").value_or(""));
    out.last_modified = printable(hop.header("last-modified").value_or(""));
    if (status == 429 || status == 503) {
      if (auto after = hop.header("retry-after")) out.retry_after = parse_retry_after(*after, std::chrono::system_clock::now());
    }
    if (status != 304) out.body = std::move(hop.body);
    return out;
  }
}

FetchFn make_fetch_function(FetchOptions options) {
  auto fetcher = std::make_shared<Fetcher>(std::move(options));
  return [fetcher](const FetchRequest& request) { return fetcher->fetch(request); };
}

FetchFn make_shared_fetch_function(FetchOptions options) {
  struct Pool {
    FetchOptions options;
    std::mutex mutex;
    std::vector<std::unique_ptr<Fetcher>> idle;
  };
  auto pool = std::make_shared<Pool>();
  pool->options = std::move(options);
  return [pool](const FetchRequest& request) {
    std::unique_ptr<Fetcher> fetcher;
    {
      const std::lock_guard lock(pool->mutex);
      if (!pool->idle.empty()) {
        fetcher = std::move(pool->idle.back());
        pool->idle.pop_back();
      }
    }
    if (!fetcher) fetcher = std::make_unique<Fetcher>(pool->options);
    // Given back whether the fetch answers or throws: a refused page leaves its Fetcher usable.
    struct GiveBack {
      Pool& pool;
      std::unique_ptr<Fetcher>& fetcher;
      ~GiveBack() {
        const std::lock_guard lock(pool.mutex);
        pool.idle.push_back(std::move(fetcher));
      }
    } give_back{*pool, fetcher};
    return fetcher->fetch(request);
  };
}

}  // namespace strata::web
