#pragma once
// The rules of one .gitignore (or .git/info/exclude) file, read the way git reads them
// (gitignore(5)), checked against `git check-ignore` for the cases in gitignore_test.cpp.
#include <string>
#include <string_view>
#include <vector>

#include "ingest/glob.h"

namespace strata::ingest {

class GitignoreMatcher {
 public:
  // Parses `content`, a whole file: one pattern a line (LF or CRLF; a leading UTF-8 BOM is
  // skipped). Blank lines and lines starting with '#' are ignored; "\#" and "\!" stand for a
  // literal leading '#' or '!'; trailing spaces are dropped unless escaped ("foo\ "); a leading
  // '!' negates (re-includes). Each pattern is a PathPattern (glob.h) relative to `base_dir`.
  //
  // `base_dir` is the directory holding the file, relative to the directory that paths given
  // to match() are relative to ("" when it is that directory itself; no trailing '/').
  static GitignoreMatcher parse(std::string_view content, std::string base_dir);

  // What this file says about `rel_path`: the last rule that matches decides (ignore, or include
  // for a negated rule); none when no rule matches or `rel_path` is not below `base_dir`.
  // A file's verdict alone is not the whole story: git never looks inside an ignored
  // directory, so callers must check each parent directory first (walk() does, by not
  // descending), and then no rule can re-include a file below it.
  enum class Verdict { none, ignore, include };
  Verdict match(std::string_view rel_path, bool is_dir) const;

  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    PathPattern pattern;
    bool negated = false;
  };
  std::vector<Rule> rules_;
  std::string base_dir_;
};

}  // namespace strata::ingest
