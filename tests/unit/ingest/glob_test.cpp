// glob_match and PathPattern: git's own wildmatch table, then the gitignore-style wrapper.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/glob.h"

namespace strata::ingest {
namespace {

struct GlobCase {
  std::string pattern;
  std::string path;
  bool matches;
};

// The case-sensitive WM_PATHNAME column of git's t/t3070-wildmatch.sh, which is
// what .gitignore files get: the same answers as git, including its bracket quirks.
const std::vector<GlobCase> k_git_wildmatch_cases = {
      // Basic wildmatch features
      {R"(foo)", R"(foo)", true},
      {R"(bar)", R"(foo)", false},
      {R"()", R"()", true},
      {R"(???)", R"(foo)", true},
      {R"(??)", R"(foo)", false},
      {R"(*)", R"(foo)", true},
      {R"(f*)", R"(foo)", true},
      {R"(*f)", R"(foo)", false},
      {R"(*foo*)", R"(foo)", true},
      {R"(*ob*a*r*)", R"(foobar)", true},
      {R"(*ab)", R"(aaaaaaabababab)", true},
      {R"(foo\*)", R"(foo*)", true},
      {R"(foo\*bar)", R"(foobar)", false},
      {R"(f\\oo)", R"(f\oo)", true},
      {R"(*[al]?)", R"(ball)", true},
      {R"([ten])", R"(ten)", false},
      {R"(**[!te])", R"(ten)", true},
      {R"(**[!ten])", R"(ten)", false},
      {R"(t[a-g]n)", R"(ten)", true},
      {R"(t[!a-g]n)", R"(ten)", false},
      {R"(t[!a-g]n)", R"(ton)", true},
      {R"(t[^a-g]n)", R"(ton)", true},
      {R"(a[]]b)", R"(a]b)", true},
      {R"(a[]-]b)", R"(a-b)", true},
      {R"(a[]-]b)", R"(a]b)", true},
      {R"(a[]-]b)", R"(aab)", false},
      {R"(a[]a-]b)", R"(aab)", true},
      {R"(])", R"(])", true},
      // Extended slash-matching features
      {R"(foo*bar)", R"(foo/baz/bar)", false},
      {R"(foo**bar)", R"(foo/baz/bar)", false},
      {R"(foo**bar)", R"(foobazbar)", true},
      {R"(foo/**/bar)", R"(foo/baz/bar)", true},
      {R"(foo/**/**/bar)", R"(foo/baz/bar)", true},
      {R"(foo/**/bar)", R"(foo/b/a/z/bar)", true},
      {R"(foo/**/**/bar)", R"(foo/b/a/z/bar)", true},
      {R"(foo/**/bar)", R"(foo/bar)", true},
      {R"(foo/**/**/bar)", R"(foo/bar)", true},
      {R"(foo?bar)", R"(foo/bar)", false},
      {R"(foo[/]bar)", R"(foo/bar)", false},
      {R"(foo[^a-z]bar)", R"(foo/bar)", false},
      {R"(f[^eiu][^eiu][^eiu][^eiu][^eiu]r)", R"(foo/bar)", false},
      {R"(f[^eiu][^eiu][^eiu][^eiu][^eiu]r)", R"(foo-bar)", true},
      {R"(**/foo)", R"(foo)", true},
      {R"(**/foo)", R"(XXX/foo)", true},
      {R"(**/foo)", R"(bar/baz/foo)", true},
      {R"(*/foo)", R"(bar/baz/foo)", false},
      {R"(**/bar*)", R"(foo/bar/baz)", false},
      {R"(**/bar/*)", R"(deep/foo/bar/baz)", true},
      {R"(**/bar/*)", R"(deep/foo/bar/baz/)", false},
      {R"(**/bar/**)", R"(deep/foo/bar/baz/)", true},
      {R"(**/bar/*)", R"(deep/foo/bar)", false},
      {R"(**/bar/**)", R"(deep/foo/bar/)", true},
      {R"(**/bar**)", R"(foo/bar/baz)", false},
      {R"(*/bar/**)", R"(foo/bar/baz/x)", true},
      {R"(*/bar/**)", R"(deep/foo/bar/baz/x)", false},
      {R"(**/bar/*/*)", R"(deep/foo/bar/baz/x)", true},
      // Various additional tests
      {R"(a[c-c]st)", R"(acrt)", false},
      {R"(a[c-c]rt)", R"(acrt)", true},
      {R"([!]-])", R"(])", false},
      {R"([!]-])", R"(a)", true},
      {R"(\)", R"()", false},
      {R"(\)", R"(\)", false},
      {R"(*/\)", R"(XXX/\)", false},
      {R"(*/\\)", R"(XXX/\)", true},
      {R"(foo)", R"(foo)", true},
      {R"(@foo)", R"(@foo)", true},
      {R"(@foo)", R"(foo)", false},
      {R"(\[ab])", R"([ab])", true},
      {R"([[]ab])", R"([ab])", true},
      {R"([[:]ab])", R"([ab])", true},
      {R"([[::]ab])", R"([ab])", false},
      {R"([[:digit]ab])", R"([ab])", true},
      {R"([\[:]ab])", R"([ab])", true},
      {R"(\??\?b)", R"(?a?b)", true},
      {R"(\a\b\c)", R"(abc)", true},
      {R"()", R"(foo)", false},
      {R"(**/t[o])", R"(foo/bar/baz/to)", true},
      // Character class tests
      {R"([[:alpha:]][[:digit:]][[:upper:]])", R"(a1B)", true},
      {R"([[:digit:][:upper:][:space:]])", R"(a)", false},
      {R"([[:digit:][:upper:][:space:]])", R"(A)", true},
      {R"([[:digit:][:upper:][:space:]])", R"(1)", true},
      {R"([[:digit:][:upper:][:spaci:]])", R"(1)", false},
      {R"([[:digit:][:upper:][:space:]])", R"( )", true},
      {R"([[:digit:][:upper:][:space:]])", R"(.)", false},
      {R"([[:digit:][:punct:][:space:]])", R"(.)", true},
      {R"([[:xdigit:]])", R"(5)", true},
      {R"([[:xdigit:]])", R"(f)", true},
      {R"([[:xdigit:]])", R"(D)", true},
      {R"([[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:graph:][:lower:][:print:][:punct:][:space:][:upper:][:xdigit:]])", R"(_)", true},
      {R"([^[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:lower:][:space:][:upper:][:xdigit:]])", R"(.)", true},
      {R"([a-c[:digit:]x-z])", R"(5)", true},
      {R"([a-c[:digit:]x-z])", R"(b)", true},
      {R"([a-c[:digit:]x-z])", R"(y)", true},
      {R"([a-c[:digit:]x-z])", R"(q)", false},
      // Additional tests, including some malformed wildmatch patterns
      {R"([\\-^])", R"(])", true},
      {R"([\\-^])", R"([)", false},
      {R"([\-_])", R"(-)", true},
      {R"([\]])", R"(])", true},
      {R"([\]])", R"(\])", false},
      {R"([\]])", R"(\)", false},
      {R"(a[]b)", R"(ab)", false},
      {R"(a[]b)", R"(a[]b)", false},
      {R"(ab[)", R"(ab[)", false},
      {R"([!)", R"(ab)", false},
      {R"([-)", R"(ab)", false},
      {R"([-])", R"(-)", true},
      {R"([a-)", R"(-)", false},
      {R"([!a-)", R"(-)", false},
      {R"([--A])", R"(-)", true},
      {R"([--A])", R"(5)", true},
      {R"([ --])", R"( )", true},
      {R"([ --])", R"($)", true},
      {R"([ --])", R"(-)", true},
      {R"([ --])", R"(0)", false},
      {R"([---])", R"(-)", true},
      {R"([------])", R"(-)", true},
      {R"([a-e-n])", R"(j)", false},
      {R"([a-e-n])", R"(-)", true},
      {R"([!------])", R"(a)", true},
      {R"([]-a])", R"([)", false},
      {R"([]-a])", R"(^)", true},
      {R"([!]-a])", R"(^)", false},
      {R"([!]-a])", R"([)", true},
      {R"([a^bc])", R"(^)", true},
      {R"([a-]b])", R"(-b])", true},
      {R"([\])", R"(\)", false},
      {R"([\\])", R"(\)", true},
      {R"([!\\])", R"(\)", false},
      {R"([A-\\])", R"(G)", true},
      {R"(b*a)", R"(aaabbb)", false},
      {R"(*ba*)", R"(aabcaa)", false},
      {R"([,])", R"(,)", true},
      {R"([\\,])", R"(,)", true},
      {R"([\\,])", R"(\)", true},
      {R"([,-.])", R"(-)", true},
      {R"([,-.])", R"(+)", false},
      {R"([,-.])", R"(-.])", false},
      {R"([\1-\3])", R"(2)", true},
      {R"([\1-\3])", R"(3)", true},
      {R"([\1-\3])", R"(4)", false},
      {R"([[-\]])", R"(\)", true},
      {R"([[-\]])", R"([)", true},
      {R"([[-\]])", R"(])", true},
      {R"([[-\]])", R"(-)", false},
      // Test recursion
      {R"(-*-*-*-*-*-*-12-*-*-*-m-*-*-*)", R"(-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1)", true},
      {R"(-*-*-*-*-*-*-12-*-*-*-m-*-*-*)", R"(-adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1)", false},
      {R"(-*-*-*-*-*-*-12-*-*-*-m-*-*-*)", R"(-adobe-courier-bold-o-normal--12-120-75-75-/-70-iso8859-1)", false},
      {R"(XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*)", R"(XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1)", true},
      {R"(XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*)", R"(XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1)", false},
      {R"(**/*a*b*g*n*t)", R"(abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt)", true},
      {R"(**/*a*b*g*n*t)", R"(abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz)", false},
      {R"(*/*/*)", R"(foo)", false},
      {R"(*/*/*)", R"(foo/bar)", false},
      {R"(*/*/*)", R"(foo/bba/arr)", true},
      {R"(*/*/*)", R"(foo/bb/aa/rr)", false},
      {R"(**/**/**)", R"(foo/bb/aa/rr)", true},
      {R"(*X*i)", R"(abcXdefXghi)", true},
      {R"(*X*i)", R"(ab/cXd/efXg/hi)", false},
      {R"(*/*X*/*/*i)", R"(ab/cXd/efXg/hi)", true},
      {R"(**/*X*/**/*i)", R"(ab/cXd/efXg/hi)", true},
      // Extra pathmatch tests
      {R"(fo)", R"(foo)", false},
      {R"(foo/bar)", R"(foo/bar)", true},
      {R"(foo/*)", R"(foo/bar)", true},
      {R"(foo/*)", R"(foo/bba/arr)", false},
      {R"(foo/**)", R"(foo/bba/arr)", true},
      {R"(foo*)", R"(foo/bba/arr)", false},
      {R"(foo**)", R"(foo/bba/arr)", false},
      {R"(foo/*arr)", R"(foo/bba/arr)", false},
      {R"(foo/**arr)", R"(foo/bba/arr)", false},
      {R"(foo/*z)", R"(foo/bba/arr)", false},
      {R"(foo/**z)", R"(foo/bba/arr)", false},
      {R"(foo?bar)", R"(foo/bar)", false},
      {R"(foo[/]bar)", R"(foo/bar)", false},
      {R"(foo[^a-z]bar)", R"(foo/bar)", false},
      {R"(*Xg*i)", R"(ab/cXd/efXg/hi)", false},
      // Extra case-sensitivity tests
      {R"([A-Z])", R"(a)", false},
      {R"([A-Z])", R"(A)", true},
      {R"([a-z])", R"(A)", false},
      {R"([a-z])", R"(a)", true},
      {R"([[:upper:]])", R"(a)", false},
      {R"([[:upper:]])", R"(A)", true},
      {R"([[:lower:]])", R"(A)", false},
      {R"([[:lower:]])", R"(a)", true},
      {R"([B-Za])", R"(A)", false},
      {R"([B-Za])", R"(a)", true},
      {R"([B-a])", R"(A)", false},
      {R"([B-a])", R"(a)", true},
      {R"([Z-y])", R"(z)", false},
      {R"([Z-y])", R"(Z)", true},
};

TEST(Glob, MatchesGitWildmatchTable) {
  for (const GlobCase& c : k_git_wildmatch_cases) {
    EXPECT_EQ(glob_match(c.pattern, c.path), c.matches) << "pattern '" << c.pattern << "' path '" << c.path << "'";
  }
}

TEST(Glob, StarAndQuestionMarkStopAtSlash) {
  EXPECT_TRUE(glob_match("*.md", "a.md"));
  EXPECT_FALSE(glob_match("*.md", "docs/a.md"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("docs/*/x", "docs/a/x"));
  EXPECT_FALSE(glob_match("docs/*/x", "docs/a/b/x"));
}

TEST(Glob, DoubleStarSpansDirectoriesOnlyAsWholeSegment) {
  EXPECT_TRUE(glob_match("**/x", "x"));
  EXPECT_TRUE(glob_match("**/x", "a/b/x"));
  EXPECT_TRUE(glob_match("x/**", "x/a/b"));
  EXPECT_FALSE(glob_match("x/**", "x"));
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/1/2/3/b"));
  EXPECT_FALSE(glob_match("a**b", "a/x/b"));  // not a whole segment: same as '*'
  EXPECT_TRUE(glob_match("a**b", "axxb"));
}

TEST(Glob, EscapesAndBrackets) {
  EXPECT_TRUE(glob_match(R"(\*)", "*"));
  EXPECT_FALSE(glob_match(R"(\*)", "a"));
  EXPECT_TRUE(glob_match("[!a]x", "bx"));
  EXPECT_FALSE(glob_match("[!a]x", "ax"));
  EXPECT_TRUE(glob_match("[a-c][0-9]", "b7"));
  EXPECT_FALSE(glob_match("[a-c]", "/"));
  EXPECT_FALSE(glob_match("[abc", "a"));     // unclosed bracket matches nothing
  EXPECT_FALSE(glob_match("ab\\", "ab\\"));  // trailing lone backslash matches nothing
}

TEST(Glob, NonAsciiBytesCompareAsBytes) {
  EXPECT_TRUE(glob_match("caf\xC3\xA9.*", "caf\xC3\xA9.md"));
  EXPECT_TRUE(glob_match("caf?\xA9.md", "caf\xC3\xA9.md"));  // '?' is one byte, not one character
  EXPECT_TRUE(glob_match("[\x80-\xFF]*", "\xC3\xA9"));
}

// Found by the bad-input catalogue: `ingest --glob '['` selected nothing and exited 0 without a
// word. glob_problem says why such a pattern can match nothing, so the flag can be refused.
TEST(GlobProblem, NamesWhatMakesAPatternMatchNothing) {
  EXPECT_EQ(glob_problem("["), "'[' at character 1 is never closed by ']'");
  EXPECT_EQ(glob_problem("docs/[a-z.md"), "'[' at character 6 is never closed by ']'");
  EXPECT_EQ(glob_problem("a[]"), "'[' at character 2 is never closed by ']'");  // the first ']' is a member
  EXPECT_EQ(glob_problem("[!]"), "'[' at character 1 is never closed by ']'");
  EXPECT_EQ(glob_problem(R"([a\)"), "'[' at character 1 is never closed by ']'");
  EXPECT_EQ(glob_problem("x[[:alpha:"), "'[' at character 2 is never closed by ']'");
  EXPECT_EQ(glob_problem("[[:word:]]"),
            "[:word:] is not a character class (alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, "
            "upper, xdigit)");
  EXPECT_EQ(glob_problem(R"(ab\)"), R"(the '\' at its end escapes nothing (write '\\' to match a backslash))");
}

TEST(GlobProblem, WellFormedPatternsHaveNone) {
  for (const char* p : {"", "*.md", "docs/**/*.md", "!*.tmp", R"(\[draft\].md)", "[]]", "a[]-]b", "[!a-z]",
                        "[[:digit:]]*", "[[:]", "]", R"(f\oo)", "[a-]"}) {
    EXPECT_EQ(glob_problem(p), std::nullopt) << p;
  }
}

// What glob_problem refuses is exactly what can never match: every pattern of git's table that
// matches its path passes, and every refused pattern matches none of the table's paths.
TEST(GlobProblem, AgreesWithMatching) {
  for (const GlobCase& c : k_git_wildmatch_cases) {
    if (c.matches) {
      EXPECT_EQ(glob_problem(c.pattern), std::nullopt) << c.pattern;
    }
    if (glob_problem(c.pattern)) {
      for (const GlobCase& other : k_git_wildmatch_cases) {
        EXPECT_FALSE(glob_match(c.pattern, other.path)) << c.pattern << " vs " << other.path;
      }
    }
  }
}

TEST(GlobPathPattern, WithoutSlashMatchesBaseNameAtAnyDepth) {
  const PathPattern p("*.md");
  EXPECT_TRUE(p.matches("a.md", false));
  EXPECT_TRUE(p.matches("x/y/a.md", false));
  EXPECT_TRUE(p.matches("x/y.md", true));
  EXPECT_FALSE(p.matches("a.md/x", false));
}

TEST(GlobPathPattern, SlashAnchorsToTheBase) {
  EXPECT_TRUE(PathPattern("/top.txt").matches("top.txt", false));
  EXPECT_FALSE(PathPattern("/top.txt").matches("x/top.txt", false));
  EXPECT_TRUE(PathPattern("docs/*.md").matches("docs/a.md", false));
  EXPECT_FALSE(PathPattern("docs/*.md").matches("x/docs/a.md", false));
}

TEST(GlobPathPattern, TrailingSlashMatchesDirectoriesOnly) {
  const PathPattern p("build/");
  EXPECT_TRUE(p.matches("build", true));
  EXPECT_TRUE(p.matches("x/build", true));  // still a base-name pattern
  EXPECT_FALSE(p.matches("build", false));
  EXPECT_TRUE(PathPattern("x/a/").matches("x/a", true));
  EXPECT_FALSE(PathPattern("x/a/").matches("y/x/a", true));
}

TEST(GlobPathPattern, EmptyPatternMatchesNothing) {
  EXPECT_FALSE(PathPattern("").matches("a", false));
  EXPECT_FALSE(PathPattern("/").matches("a", true));
}

}  // namespace
// Issue 19: a .gitignore line like "*a*a*a*a*a*a*b" stalled the walk of a checkout (wildmatch
// backtracks exponentially; git stalls too). Each (pattern, text) position is now tried once.
TEST(GlobMatch, PathologicalStarPatternsEndAndStillMatchLikeGit) {
  const std::string as(200, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*b", as));
  EXPECT_TRUE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*b", as + "b"));
  EXPECT_FALSE(glob_match("**/*a*a*a*a*a*a*a*a*b", "x/y/" + as));
  EXPECT_TRUE(glob_match("**/*a*a*a*a*a*a*a*a*b", "x/y/" + as + "b"));
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*b", as + "/b")) << "'*' still stops at '/'";
}

}  // namespace strata::ingest
