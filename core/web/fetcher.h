#pragma once
// web::Fetcher: one web page fetched safely over libcurl (web::FetchFn, fetch_types.h).
//
// What it refuses (strata::Error, ExitCode::usage for the URL itself, ExitCode::unavailable for
// what the network did): a scheme other than http and https; a URL with credentials in it;
// a host that resolves to a loopback, private, shared, link-local, multicast, unspecified or
// reserved address (address_guard.h), unless FetchOptions::allow_private; more than
// max_redirects redirects, a redirect loop, a redirect to any of the above; a certificate that
// does not verify (verification is never turned off); a body over max_body_bytes as received or
// over max_decoded_bytes once gzip/deflate are undone (a gzip bomb stops at the cap); a page
// slower than the time limits.
//
// Redirects are followed here, not by libcurl, so that every hop's scheme and address are
// checked. The connection is pinned to the address that was checked (CURLOPT_RESOLVE), and the
// address the socket actually connects to is checked again (CURLOPT_OPENSOCKETFUNCTION), so a
// name that resolves differently the second time (DNS rebinding) is refused too. Proxies from
// the environment are not used: the address checked must be the address reached. No cookies
// are kept. Extra headers (credentials for an intranet wiki) take their values from environment
// variables the user names; a value is sent to one origin only (the start URL's), never printed
// nor stored.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/fetch_types.h"

namespace strata::web {

// `--header-env 'Authorization=DOCS_TOKEN'`: the header Authorization, its value read from the
// environment variable DOCS_TOKEN when a request is made.
struct HeaderFromEnv {
  std::string name;
  std::string variable;
};

// Parses "Name=VARIABLE"; throws Error(usage) naming the problem (never a value).
HeaderFromEnv parse_header_from_env(std::string_view spec);

struct FetchOptions {
  bool allow_private = false;  // --allow-private: intranet wikis, tests on 127.0.0.1
  int max_redirects = 5;
  std::size_t max_body_bytes = std::size_t{20} << 20;     // as received (compressed)
  std::size_t max_decoded_bytes = std::size_t{50} << 20;  // after gzip/deflate
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};  // per request (each redirect hop)
  // Sent only to one origin: FetchRequest::headers_for's, else the requested URL's (a redirect
  // to another host is sent none, so a credential never follows a Location it did not choose).
  std::vector<HeaderFromEnv> headers;
  // Set: asked while a request runs (about once a second, and before each hop); true abandons it
  // (Error(unavailable), "cancelled"). A crawl whose caller left stops its request in flight.
  std::function<bool()> cancelled;
};

// strata's User-Agent: "strata/<version> (+<where to read about it>)".
std::string user_agent();

// A Retry-After value: delay-seconds or an HTTP date (relative to `now`); nullopt when it is
// neither. A date in the past is 0 s.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// The redirect policy, apart from the network: whether a hop to `next` may be taken after
// `visited` (the URLs fetched so far, first to last). Returns the reason it may not, or empty.
std::string refuse_redirect(const std::vector<std::string>& visited, const std::string& next, int max_redirects);

// The parts of a URL a fetch checks, as libcurl reads it. Throws Error(usage) for a URL libcurl
// cannot parse, a scheme other than http/https, or credentials in the URL.
struct CheckedUrl {
  std::string url;     // libcurl's normal form, fragment dropped
  std::string scheme;  // "http" or "https"
  std::string host;    // as in the URL ("[::1]" for an IPv6 literal)
  long port = 0;
};
CheckedUrl check_url(const std::string& url);

// `reference` (an href, a Location) resolved against `base` as libcurl resolves it; nullopt
// when either does not parse.
std::optional<std::string> resolve_reference(const std::string& base, const std::string& reference);

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Fetches one page, following redirects. A 304 (the request's validators matched) comes back
  // with status 304 and an empty body; any other status (404, 500, 429 with retry_after) comes
  // back as such: only what is refused or broken throws. Not thread-safe: one per thread.
  FetchResponse fetch(const FetchRequest& request);
  FetchResponse operator()(const FetchRequest& request) { return fetch(request); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A FetchFn over one Fetcher made from `options` (the function owns it; one caller at a time).
FetchFn make_fetch_function(FetchOptions options);
// A FetchFn that several threads may call at once (a crawl's connections): each call takes an
// idle Fetcher, or makes one, and gives it back after, so each connection keeps its Fetcher (and
// the connection libcurl keeps open in it) from page to page. Fetchers made: at most the most
// calls that were ever running at once.
FetchFn make_shared_fetch_function(FetchOptions options);

}  // namespace strata::web
