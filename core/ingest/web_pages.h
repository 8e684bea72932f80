#pragma once
// `strata ingest https://...`: a web page is an input as a file is. It is fetched
// (web::Fetcher: only http/https, no private address unless allowed, limits), read by the
// loader its content type names, and recorded under its canonical URL: the final URL after
// redirects, fragment dropped, or the page's <link rel=canonical> when that stays on the same
// origin. The validators the server sent (ETag, Last-Modified) are kept in the document's
// metadata ("web"), so the next run asks conditionally and a 304 is "unchanged" with nothing
// read or chunked again.
#include <optional>
#include <string>
#include <string_view>

#include "ingest/document.h"
#include "web/fetch_types.h"

namespace strata::ingest {

// True for an argument that names a web address ("scheme://..."), not a file.
bool is_web_address(std::string_view argument);

// The loader a content type (FetchResponse::content_type) is read with; nullopt when strata
// has none for it. `url` breaks the tie for text/plain served Markdown (a .md path).
std::optional<LoaderKind> loader_for_content_type(const std::string& content_type, const std::string& url);

// The page's <link rel="canonical" href>, resolved against `page_url`, when it is on the same
// origin (scheme, host, port); nullopt otherwise.
std::optional<std::string> same_origin_canonical(const std::string& html, const std::string& page_url);

// The validators recorded in a document's metadata (web_metadata), for a conditional request.
web::FetchRequest conditional_request(const std::string& url, const std::string& metadata_json);
// The metadata a fetched page records: {"web": {"url", "etag", "last_modified"}}.
std::string web_metadata(const web::FetchResponse& response);

}  // namespace strata::ingest
