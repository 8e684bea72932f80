#include "web/sitemap.h"

#include <zlib.h>

#include <optional>
#include <string>

#include "common/text.h"

namespace strata::web {
namespace {

// Inflates gzip data up to `max_bytes`; nullopt when it is broken or larger.
std::optional<std::string> sitemap_gunzip(std::string_view bytes, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char buffer[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) break;
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END || out.size() > max_bytes) return std::nullopt;
  return out;
}

// The local name of a tag's name ("sm:loc" -> "loc").
std::string_view sitemap_local_name(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Text content with the five predefined entities and character references decoded; an unknown
// entity (which only a DTD could define, and none is read) makes the text unusable.
std::optional<std::string> sitemap_decode_text(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 9) == "<![CDATA[") {
      const auto end = text.find("]]>", i + 9);
      if (end == std::string_view::npos) return std::nullopt;
      out += text.substr(i + 9, end - i - 9);
      i = end + 3;
      continue;
    }
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    const auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) return std::nullopt;
    const auto name = text.substr(i + 1, semi - i - 1);
    if (name == "amp") out.push_back('&');
    else if (name == "lt") out.push_back('<');
    else if (name == "gt") out.push_back('>');
    else if (name == "quot") out.push_back('"');
    else if (name == "apos") out.push_back('\'');
    else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      unsigned long code = 0;
      for (char c : name.substr(hex ? 2 : 1)) {
        const int digit = hex ? hex_digit(c) : (is_ascii_digit(c) ? c - '0' : -1);
        if (digit < 0) return std::nullopt;
        code = code * (hex ? 16 : 10) + static_cast<unsigned long>(digit);
      }
      // URLs are ASCII; anything else in a <loc> is escaped when the URL is normalised.
      if (code == 0 || code > 0x7f) return std::nullopt;
      out.push_back(static_cast<char>(code));
    } else {
      return std::nullopt;
    }
    i = semi + 1;
  }
  return out;
}

}  // namespace

Sitemap parse_sitemap(std::string_view body, const SitemapLimits& limits) {
  Sitemap sitemap;
  std::string inflated;
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f && static_cast<unsigned char>(body[1]) == 0x8b) {
    auto out = sitemap_gunzip(body, limits.max_bytes);
    if (!out) return sitemap;
    inflated = std::move(*out);
    body = inflated;
  }
  if (body.size() > limits.max_bytes) body = body.substr(0, limits.max_bytes);
  bool root_seen = false;
  std::size_t i = 0;
  while (i < body.size()) {
    const auto open = body.find('<', i);
    if (open == std::string_view::npos) break;
    const auto rest = body.substr(open);
    // Declarations, comments, a DOCTYPE (skipped whole, internal subset included): none says
    // anything a sitemap needs.
    if (rest.substr(0, 2) == "<?") {
      const auto end = body.find("?>", open);
      if (end == std::string_view::npos) break;
      i = end + 2;
      continue;
    }
    if (rest.substr(0, 4) == "<!--") {
      const auto end = body.find("-->", open);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (rest.substr(0, 2) == "<!") {
      const auto bracket = body.find('[', open);
      const auto close = body.find('>', open);
      if (close == std::string_view::npos) break;
      if (bracket != std::string_view::npos && bracket < close) {
        const auto end = body.find("]>", bracket);
        if (end == std::string_view::npos) break;
        i = end + 2;
      } else {
        i = close + 1;
      }
      continue;
    }
    const auto close = body.find('>', open);
    if (close == std::string_view::npos) break;
    std::string_view tag = body.substr(open + 1, close - open - 1);
    i = close + 1;
    if (tag.empty() || tag[0] == '/') continue;
    const auto name_end = tag.find_first_of(" \t\r\n/");
    const auto name = sitemap_local_name(tag.substr(0, name_end));
    if (!root_seen) {
      root_seen = true;
      if (name == "urlset") sitemap.kind = SitemapKind::urlset;
      else if (name == "sitemapindex") sitemap.kind = SitemapKind::index;
      else return sitemap;
      continue;
    }
    if (name != "loc" || tag.back() == '/') continue;
    // The text up to the next end tag; CDATA may hold '<', so look past it.
    std::size_t end = i;
    while (true) {
      end = body.find('<', end);
      if (end == std::string_view::npos) break;
      if (body.substr(end, 9) == "<![CDATA[") {
        const auto cdata_end = body.find("]]>", end);
        if (cdata_end == std::string_view::npos) { end = std::string_view::npos; break; }
        end = cdata_end + 3;
        continue;
      }
      break;
    }
    if (end == std::string_view::npos) break;
    if (auto text = sitemap_decode_text(body.substr(i, end - i))) {
      const auto loc = trim(*text);
      if (!loc.empty()) {
        if (sitemap.locs.size() == limits.max_locs) {
          sitemap.truncated = true;
          break;
        }
        sitemap.locs.emplace_back(loc);
      }
    }
    i = end;
  }
  if (sitemap.kind == SitemapKind::other) sitemap.locs.clear();
  return sitemap;
}

}  // namespace strata::web
