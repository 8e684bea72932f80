#pragma once
// What a crawl asks of the network and what it gets back: the seam between the crawl (which
// pages, in which order, how politely) and the fetcher (how one page is fetched safely).
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace strata::web {

struct FetchRequest {
    std::string url{};
    std::string if_none_match{};     // the ETag an earlier fetch recorded, or empty
    std::string if_modified_since{}; // the Last-Modified an earlier fetch recorded, or empty
    // Whether to follow a redirect to `next` (a crawl's scope); when it says no, the redirect is
    // not requested and comes back as the response: its status, `url` the target, no body. Unset:
    // every redirect the fetcher's own rules allow is followed.
    std::function<bool(const std::string& next)> follow_redirect{};
    // The URL whose origin (scheme, host, port) may be sent FetchOptions::headers (a crawl's start
    // URL); empty: `url`'s. A hop to any other origin, a redirect's included, is sent none.
    std::string headers_for{};
};

struct FetchResponse {
    long status = 0;           // HTTP status of the last response (304: not modified)
    std::string url;           // the final URL, after the redirects the fetcher followed
    std::string content_type;  // media type without parameters, lower case
    std::string charset;       // from Content-Type, or empty
    std::string body;          // decoded (gzip/deflate undone), within the size limits
    std::string etag;
    std::string last_modified;
    std::optional<std::chrono::seconds> retry_after;  // a 429's or 503's Retry-After
};

// Fetches one URL; throws strata::Error for what it refuses (scheme, address, size, TLS...).
using FetchFn = std::function<FetchResponse(const FetchRequest&)>;

}  // namespace strata::web
