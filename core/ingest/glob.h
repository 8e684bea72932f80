#pragma once
// Glob matching as git does it for .gitignore files (wildmatch with WM_PATHNAME), shared by the
// gitignore rules and by `ingest --glob/--exclude`, so a pattern means the same thing everywhere.
#include <optional>
#include <string>
#include <string_view>

namespace strata::ingest {

// True when the whole of `path` ('/'-separated, relative, no leading "./") matches `pattern`.
//   *       any run of characters except '/'          ?      one character except '/'
//   [abc] [a-z] [!x] [^x] [[:alpha:]] ...  one character except '/' ("[]x]" holds ']')
//   \x      the character x itself (a trailing lone '\' never matches)
//   **      only as a whole segment: "**/x" (x at any depth, also at the top), "x/**" (everything
//           inside x, not x itself), "a/**/b" (zero or more directories between); elsewhere
//           "**" is the same as "*".
// Case-sensitive. An unclosed '[' or an unknown [:class:] makes the pattern match nothing.
bool glob_match(std::string_view pattern, std::string_view path);

// Why `pattern` can match no path at all, or nullopt when it is well formed: an unclosed '['
// (also "[]" and "[!]", whose first ']' is a member), an unknown [:class:], a '\' at the
// end. One sentence naming the culprit and its character position (1-based), e.g. "'[' at
// character 3 is never closed by ']'". A flag's pattern is refused with it; a .gitignore's is
// not checked, as git does not.
std::optional<std::string> glob_problem(std::string_view pattern);

// One gitignore-style path pattern (negation '!' and comments are the caller's business):
//   - a trailing '/' makes it match directories only, and is then dropped;
//   - with no other '/', it matches the base name of a path at any depth ("*.log", "build/");
//   - otherwise it is anchored: matched against the whole path relative to the pattern's
//     directory, a leading '/' dropped ("/top.txt", "docs/*.md", "a/**/b").
// Paths a pattern is asked about are relative to that same directory.
class PathPattern {
 public:
  explicit PathPattern(std::string_view pattern);

  bool matches(std::string_view rel_path, bool is_dir) const;

 private:
  std::string glob_;
  bool dir_only_ = false;
  bool base_name_only_ = false;
};

}  // namespace strata::ingest
