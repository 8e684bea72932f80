#include "web/url.h"

#include <cstddef>
#include <string>
#include <string_view>

#include "common/text.h"

namespace strata::web {
namespace {

bool url_is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool url_is_unreserved(char c) {
  return url_is_alpha(c) || is_ascii_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// A scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ); anything else before ':' makes the
// reference a relative path (whose first segment holds a ':', as RFC 3986 allows only with "./").
bool url_valid_scheme(std::string_view s) {
  if (s.empty() || !url_is_alpha(s[0])) return false;
  for (char c : s) {
    if (!url_is_alpha(c) && !is_ascii_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Bytes a URL may not carry as they are: controls, space, non-ASCII and the characters RFC 3986
// excludes ("<>\"{}|\\^`"). '%' is handled by the caller (kept when it starts an escape).
bool url_needs_escape(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return true;
  switch (c) {
    case '<': case '>': case '"': case '{': case '}': case '|': case '\\': case '^': case '`':
      return true;
    default:
      return false;
  }
}

constexpr char k_url_hex[] = "0123456789ABCDEF";

// Section 6.2.2.1 and 6.2.2.2: escapes in upper case, those of unreserved characters decoded; and
// what may not stand as it is, escaped (a '%' that starts no escape too).
std::string url_normalise_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%') {
      if (i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
          hex_digit(text[i + 2]) >= 0) {
        const char decoded = static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
        if (url_is_unreserved(decoded)) {
          out.push_back(decoded);
        } else {
          out.push_back('%');
          out.push_back(k_url_hex[hex_digit(text[i + 1])]);
          out.push_back(k_url_hex[hex_digit(text[i + 2])]);
        }
        i += 2;
      } else {
        out += "%25";
      }
    } else if (url_needs_escape(c)) {
      out.push_back('%');
      out.push_back(k_url_hex[c >> 4]);
      out.push_back(k_url_hex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Section 5.2.3.
std::string url_merge(const Url& base, std::string_view ref_path) {
  if (base.has_authority && base.path.empty()) return "/" + std::string(ref_path);
  const auto slash = base.path.rfind('/');
  if (slash == std::string::npos) return std::string(ref_path);
  return base.path.substr(0, slash + 1) + std::string(ref_path);
}

bool url_parse_authority(std::string_view authority, Url& url) {
  url.has_authority = true;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::size_t host_end = 0;
  if (!authority.empty() && authority[0] == '[') {
    host_end = authority.find(']');
    if (host_end == std::string_view::npos) return false;
    ++host_end;
  } else {
    host_end = authority.find(':');
    if (host_end == std::string_view::npos) host_end = authority.size();
  }
  url.host = std::string(authority.substr(0, host_end));
  const auto rest = authority.substr(host_end);
  if (!rest.empty()) {
    if (rest[0] != ':') return false;
    const auto digits = rest.substr(1);
    for (char c : digits) {
      if (!is_ascii_digit(c)) return false;
    }
    if (digits.size() > 5) return false;
    url.port = std::string(digits);
  }
  return true;
}

}  // namespace

std::string Url::to_string() const {
  std::string out;
  if (!scheme.empty()) out += scheme + ":";
  if (has_authority) {
    out += "//";
    if (userinfo) out += *userinfo + "@";
    out += host;
    if (port) out += ":" + *port;
  }
  out += path;
  if (query) out += "?" + *query;
  if (fragment) out += "#" + *fragment;
  return out;
}

std::string Url::origin() const {
  std::string out = scheme + "://" + host;
  if (port) out += ":" + *port;
  return out;
}

std::string Url::path_and_query() const {
  std::string out = path.empty() ? "/" : path;
  if (query) out += "?" + *query;
  return out;
}

std::optional<Url> parse_url(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) return std::nullopt;
  Url url;
  if (const auto hash = text.find('#'); hash != std::string_view::npos) {
    url.fragment = std::string(text.substr(hash + 1));
    text = text.substr(0, hash);
  }
  if (const auto question = text.find('?'); question != std::string_view::npos) {
    url.query = std::string(text.substr(question + 1));
    text = text.substr(0, question);
  }
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    const auto candidate = text.substr(0, colon);
    if (candidate.find('/') == std::string_view::npos && url_valid_scheme(candidate)) {
      url.scheme = std::string(candidate);
      text.remove_prefix(colon + 1);
    }
  }
  if (text.substr(0, 2) == "//") {
    text.remove_prefix(2);
    const auto end = text.find('/');
    const auto authority = text.substr(0, end);
    if (!url_parse_authority(authority, url)) return std::nullopt;
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end);
  }
  url.path = std::string(text);
  return url;
}

std::string remove_dot_segments(std::string_view input) {
  std::string in(input);
  std::string out;
  std::string_view rest = in;
  while (!rest.empty()) {
    if (rest.substr(0, 3) == "../") {
      rest.remove_prefix(3);
    } else if (rest.substr(0, 2) == "./") {
      rest.remove_prefix(2);
    } else if (rest.substr(0, 3) == "/./") {
      rest.remove_prefix(2);
    } else if (rest == "/.") {
      rest = "/";
    } else if (rest.substr(0, 4) == "/../" || rest == "/..") {
      if (rest == "/..") {
        rest = "/";
      } else {
        rest.remove_prefix(3);
      }
      const auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (rest == "." || rest == "..") {
      rest = {};
    } else {
      const auto next = rest.find('/', rest[0] == '/' ? 1 : 0);
      const auto segment = rest.substr(0, next);
      out += segment;
      rest.remove_prefix(segment.size());
    }
  }
  return out;
}

Url resolve(const Url& base, const Url& ref) {
  Url target;
  if (!ref.scheme.empty()) {
    target = ref;
    target.path = remove_dot_segments(ref.path);
  } else {
    if (ref.has_authority) {
      target = ref;
      target.path = remove_dot_segments(ref.path);
    } else {
      target.has_authority = base.has_authority;
      target.userinfo = base.userinfo;
      target.host = base.host;
      target.port = base.port;
      if (ref.path.empty()) {
        target.path = base.path;
        target.query = ref.query ? ref.query : base.query;
      } else {
        target.path = remove_dot_segments(ref.path[0] == '/' ? ref.path : url_merge(base, ref.path));
        target.query = ref.query;
      }
    }
    target.scheme = base.scheme;
  }
  target.fragment = ref.fragment;
  return target;
}

Url normalise(Url url) {
  url.scheme = to_lower(url.scheme);
  // Decoded, lowered, then escapes in upper case again: "%41" is "a", whatever the order.
  url.host = url_normalise_escapes(to_lower(url_normalise_escapes(url.host)));
  if (url.port && (url.port->empty() || (url.scheme == "http" && *url.port == "80") ||
                   (url.scheme == "https" && *url.port == "443"))) {
    url.port.reset();
  }
  // Escapes first: "%2E%2E" is ".." (section 6.2.2.3), and must go with the dot segments.
  url.path = remove_dot_segments(url_normalise_escapes(url.path));
  if (url.has_authority && url.path.empty()) url.path = "/";
  if (url.query) url.query = url_normalise_escapes(*url.query);
  url.fragment.reset();
  return url;
}

std::optional<Url> resolve_http(const Url& base, std::string_view reference) {
  const auto ref = parse_url(trim(reference));
  if (!ref) return std::nullopt;
  Url target = normalise(resolve(base, *ref));
  if ((target.scheme != "http" && target.scheme != "https") || !target.has_authority || target.host.empty()) {
    return std::nullopt;
  }
  // A password in a link ("http://user:secret@host/") is a secret a page gave away: the crawl
  // takes the address without it, so it is never requested, reported nor stored.
  target.userinfo.reset();
  return target;
}

std::optional<Url> parse_http_url(std::string_view text) {
  const auto url = parse_url(trim(text));
  if (!url || url->scheme.empty()) return std::nullopt;
  return resolve_http(*url, text);
}

}  // namespace strata::web
