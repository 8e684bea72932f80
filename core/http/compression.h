#pragma once
// gzip of whole responses (RFC 9110's content coding): a body of a kind that compresses (JSON,
// HTML, JavaScript, CSS, SVG, plain text) over 1 KiB, for a client whose Accept-Encoding takes
// gzip. Never a streamed response (an answer's events must reach the client as they are
// written, and a proxy buffering a compressed stream would hold them), never a body its handler
// encoded itself, never a 204 or 304. Vary: Accept-Encoding goes on every response that would
// have been compressed for another client, so that a cache keeps the two apart, and a strong
// ETag becomes weak on a compressed body (the bytes differ; nginx does the same).
//
// Pure functions of the request's headers and the response, tested without a socket; the
// server (server.cpp) applies compress_response to each whole response where it was made: on the
// worker for a blocking route, on the I/O thread for the few routes answered there (the OpenAPI
// document, the page's files: a fraction of a millisecond each).
#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.h"

namespace strata::http {

// Bodies smaller than this are sent as they are: gzip's header and the work are not worth it.
inline constexpr std::size_t k_compress_min_bytes = 1024;

// Whether an Accept-Encoding value takes gzip: "gzip", "x-gzip" or "*", each without q=0
// (an explicit "gzip;q=0" wins over "*").
bool accepts_gzip(std::string_view accept_encoding);

// Whether a Content-Type names a kind of body that compresses (text/*, JSON, JavaScript, SVG, XML).
bool compressible_type(std::string_view content_type);

// Compresses `r`'s body in place when `request` accepts gzip and the body is worth it (see above).
void compress_response(const Request& request, Response& r);

// The gzip member of `data` (zlib, level 6). Throws std::runtime_error if zlib fails.
std::string gzip(std::string_view data);

}  // namespace strata::http
