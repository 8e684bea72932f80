#pragma once
// Page chrome of a PDF: the running headers and footers printed on every page ("gnuplot 5.4",
// "Chapter 7: Reading data from files", "Company Confidential") and page numbers. A reader's
// eye skips them; in the extracted text they sit between the last sentence of one page and the
// first of the next, and become chunks of their own or noise inside others.
#include <cstddef>
#include <string>
#include <vector>

namespace strata::ingest {

// Removes the chrome lines from `pages` (each page's text, trimmed, lines split by '\n') and
// trims each page again. Only the first and last three non-blank lines of a page are looked at:
//   - a line whose text, with every run of digits counted as one digit ("Page 7 of 90" ==
//     "Page 12 of 90"), stands at the same edge (top or bottom) of a run of at least three
//     consecutive pages, or is the outermost line of at least three pages each at most two
//     pages after the one before (verso and recto headers differ; a figure page may have none),
//     when it holds a letter or a digit and is more than one character long. The same line on
//     scattered pages (a section heading such as "Arguments" that happens to start a page) is
//     text;
//   - a page number: a line that is only a number (with "page" or punctuation around it, such as
//     "- 12 -") that follows the page sequence, i.e. a page up to two pages away carries the
//     number shifted by the same count, and that sequence numbers at least a quarter of the
//     pages (so front matter numbered apart is recognised in a short document, and a footnote
//     mark counting 4, 5, 6 on consecutive pages of a long one is text).
// When removing would leave no text at all, nothing is removed. Returns the lines removed.
std::size_t remove_page_chrome(std::vector<std::string>& pages);

}  // namespace strata::ingest
