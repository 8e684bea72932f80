#pragma once
// A bound on how deeply HTML nests before it is parsed.
//
// gumbo's tree builder walks the stack of open elements on many start tags (closing an open <p>
// or <li>, "has an element in scope"), so its time is quadratic in the nesting depth: 320 KB of
// 40,000 nested lists took 30 s, 900 KB over 120 s. Browsers bound the depth too (Chromium's
// parser flattens below 512). Here a linear pass blanks, with spaces, the start and end tags
// beyond `max_depth` open elements: their text stays (in the deepest element kept), and every
// byte keeps its offset and line, so citations still point at the source's lines.
//
// The pass knows what matters for counting depth: comments, doctype and processing
// instructions, quoted attribute values, self-closing and void elements, raw-text elements
// (script, style, textarea, title, ...: nothing inside them is a tag, and they are neither
// counted nor blanked), and the elements whose
// end tag is optional (li, p, td, ...), which are not counted since their end tag may never
// come. An end tag closes a blanked start tag of its name first (those are the innermost).
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::ingest {

inline constexpr std::size_t kMaxHtmlDepth = 512;

struct BoundedHtml {
  std::string text;         // `html` with the tags beyond the bound blanked; empty when none was
  std::size_t blanked = 0;  // start tags blanked (0: use `html` as it is; nothing was copied)
};

BoundedHtml bound_html_depth(std::string_view html, std::size_t max_depth = kMaxHtmlDepth);

}  // namespace strata::ingest
