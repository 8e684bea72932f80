#include "http/compression.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "common/text.h"

namespace strata::http {

namespace {

// The q of a coding's parameters (";q=0.5"); 1 when none is given, 0 for one that does not read.
double quality(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semi = params.find(';');
    const std::string_view param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
    const std::string_view value = param.substr(2);
    double q = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q, std::chars_format::fixed);
    if (ec != std::errc() || end != value.data() + value.size() || q < 0 || q > 1) return 0;
    return q;
  }
  return 1;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  double gzip_q = -1;  // -1: not named
  double any_q = -1;
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    const std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const std::size_t semi = item.find(';');
    const std::string coding = to_lower(trim(item.substr(0, semi)));
    const double q = quality(semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1));
    if (coding == "gzip" || coding == "x-gzip") gzip_q = std::max(gzip_q, q);
    if (coding == "*") any_q = std::max(any_q, q);
  }
  if (gzip_q >= 0) return gzip_q > 0;
  return any_q > 0;
}

bool compressible_type(std::string_view content_type) {
  const std::string type = to_lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type.starts_with("text/")) return true;
  return type == "application/json" || type == "application/javascript" || type == "application/xml" ||
         type == "image/svg+xml" || (type.starts_with("application/") && (type.ends_with("+json") || type.ends_with("+xml")));
}

std::string gzip(std::string_view data) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer around the deflate stream; level 6, zlib's default.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  return out;
}

void compress_response(const Request& request, Response& r) {
  if (r.stream || r.status == 204 || r.status == 304 || r.status < 200) return;
  if (r.body.size() < k_compress_min_bytes || r.header("Content-Encoding") != nullptr) return;
  const std::string* type = r.header("Content-Type");
  if (type == nullptr || !compressible_type(*type)) return;
  // Another client would get it compressed: a cache must keep the two apart.
  const std::string* vary = r.header("Vary");
  if (vary == nullptr) {
    r.set_header("Vary", "Accept-Encoding");
  } else if (to_lower(*vary).find("accept-encoding") == std::string::npos) {
    r.set_header("Vary", *vary + ", Accept-Encoding");
  }
  const std::string* accept = request.header("accept-encoding");
  if (accept == nullptr || !accepts_gzip(*accept)) return;
  // A body of 4 GiB or more is past what one deflate call takes (and past any bound the server
  // sets on a response): sent as it is.
  if (r.body.size() >= (std::size_t{1} << 32)) return;
  r.body = gzip(r.body);
  r.set_header("Content-Encoding", "gzip");
  if (const std::string* etag = r.header("ETag"); etag != nullptr && !etag->starts_with("W/")) {
    r.set_header("ETag", "W/" + *etag);
  }
}

}  // namespace strata::http
