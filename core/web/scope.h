#pragma once
// Which URLs a crawl may fetch: by default those of the start URL's origin under its directory
// (https://d.example/guide/intro.html -> https://d.example/guide/...), narrowed by include and
// exclude patterns on the URL's path.
#include <string>
#include <string_view>
#include <vector>

#include "web/url.h"

namespace strata::web {

// A glob over a URL path ("/guide/api/x.html"):
//   *   any run of characters except '/'      **  any run of characters, '/' included
//   ?   one character except '/'               anything else: itself (case-sensitive)
// A pattern that starts with '/' is matched against the whole path; one that does not matches
// the path's end at a segment boundary ("*.pdf" matches "/a/b.pdf"; "api/*" "/guide/api/x").
// The path is matched as the normalised URL spells it (percent-escapes as they are, no query).
// core/ingest's glob (git's wildmatch, for file paths) sits above core/web, and a URL path has
// no directories to tell apart, so this is its own, smaller matcher.
bool url_path_glob_match(std::string_view pattern, std::string_view path);

// The directory of a URL path: "/guide/intro.html" -> "/guide/", "/guide/" -> "/guide/",
// "" -> "/".
std::string path_directory(std::string_view path);

// Why a URL is or is not in a crawl's scope.
enum class ScopeVerdict {
  in_scope,
  other_origin,    // another scheme, host or port
  outside_prefix,  // not under the start URL's directory
  not_included,    // include patterns were given and none matches
  excluded,        // an exclude pattern matches
};

// One line for a report: "another origin", "outside /guide/", ...
std::string describe(ScopeVerdict verdict, std::string_view prefix);

class Scope {
 public:
  // REQUIRES: `start` is normalised (web::normalise). Include and exclude patterns as
  // url_path_glob_match takes them; an exclude wins over an include.
  explicit Scope(const Url& start, std::vector<std::string> include = {}, std::vector<std::string> exclude = {});

  ScopeVerdict check(const Url& url) const;
  bool contains(const Url& url) const { return check(url) == ScopeVerdict::in_scope; }

  const std::string& origin() const { return origin_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string origin_;
  std::string prefix_;
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

}  // namespace strata::web
