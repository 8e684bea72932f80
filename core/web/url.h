#pragma once
// URLs as a crawl needs them (RFC 3986): split into their parts, relative references resolved
// against a base (section 5), and normalised so that one page has one spelling (the key a crawl
// de-duplicates by and a page is recorded under).
#include <optional>
#include <string>
#include <string_view>

namespace strata::web {

// A URI reference split by RFC 3986's appendix B. An absent part (no "?") and an empty one
// ("?" with nothing after it) differ, as section 5.3 says they must when the parts are joined.
struct Url {
  std::string scheme;                   // empty for a relative reference
  bool has_authority = false;           // "//" was there
  std::optional<std::string> userinfo;  // before '@' in the authority
  std::string host;                     // with its brackets for an IPv6 literal
  std::optional<std::string> port;      // digits after ':' (may be empty: "http://a:/")
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;

  // The parts joined again (RFC 3986 section 5.3).
  std::string to_string() const;
  // scheme://host[:port]: what "the same origin" compares.
  std::string origin() const;
  // The path and query a server is asked for ("/a/b?x"): what robots.txt rules match.
  std::string path_and_query() const;

  bool operator==(const Url&) const = default;
};

// `text` split into its parts; nullopt when it holds a control character or a space at either
// end (an href's surrounding whitespace is the caller's to trim) or a malformed authority
// (a port that is not digits, an unclosed '[').
std::optional<Url> parse_url(std::string_view text);

// RFC 3986 section 5.2.4: "/a/b/c/./../../g" -> "/a/g".
std::string remove_dot_segments(std::string_view path);

// RFC 3986 section 5.2.2 (strict: a reference with a scheme is taken as it is, "http:g" too).
Url resolve(const Url& base, const Url& reference);

// The crawl's one spelling of a URL (RFC 3986 section 6.2.2 and 6.2.3): scheme and host in
// lower case, the scheme's default port dropped (http 80, https 443), an empty path made "/",
// dot segments removed, "%xx" escapes in upper case and those of unreserved characters decoded,
// bytes a URL may not hold as they are (space, controls, non-ASCII, "<>\"{}|\\^`") percent-encoded,
// the fragment dropped.
Url normalise(Url url);

// An absolute http(s) URL from `reference` as a page wrote it (an href, a sitemap's <loc>),
// resolved against `base` and normalised, its user information ("user:password@") dropped;
// nullopt for another scheme (mailto:, javascript:), an unparsable reference or one with no host.
std::optional<Url> resolve_http(const Url& base, std::string_view reference);

// `text` as an absolute http(s) URL, normalised (user information dropped, as resolve_http
// does); nullopt otherwise (the start of a crawl).
std::optional<Url> parse_http_url(std::string_view text);

}  // namespace strata::web
