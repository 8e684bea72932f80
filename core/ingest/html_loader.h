#pragma once
// HTML to markdown-like text (the "html" loader: .html files and content looks_like_html picks).
#include <gumbo.h>

#include <functional>
#include <string_view>

#include "ingest/document.h"

namespace strata::ingest {

// Parses `bytes` with gumbo and renders the body as markdown-like text, so the markdown chunking
// strategy still sees the structure: headings become "# …" lines, blocks are separated by one
// blank line, list items start with "- " (or "1. ", "2. ", … in an ordered list), table rows
// join their cells with " | ", <pre> becomes a ``` fence with its text verbatim, <br> a line
// break; elsewhere runs of whitespace collapse to one space. Scripts, styles, <noscript>,
// <template>, <svg> and <head> are dropped; entities are decoded; links keep their text and
// images their alt text. Title: <title>, else the first <h1> outside chrome; empty when neither
// has text.
//
// Page chrome (ingest/html_chrome.h: navigation, page headers and footers, sidebars, tables of
// contents, heading permalinks, the site generators' Prev/Up/Next blocks) is left out. A page
// with one main landmark (<main> or role="main") is rendered from it alone, unless it has no
// text there. `source_lines` maps each run of the text to the source line it was written from
// (gumbo's source positions, then the newlines inside each text node), so chunks can cite
// lines of the file. Known inexactness: a newline written as a character reference (&#10;)
// counts as a line break of the source, moving the lines of the rest of its text node down.
//
// Throws strata::Error(ExitCode::invalid_input, "only page chrome (…), no content") for a page
// that has text, all of it chrome. A page with no text at all loads as an empty document.
//
// Encoding: a UTF-16 BOM selects UTF-16; valid UTF-8 stays UTF-8 even when a <meta> charset
// says otherwise (a stale meta in a UTF-8 page is far more common than Windows-1252 text that
// happens to be valid UTF-8); invalid UTF-8 is Windows-1252. Pure ASCII is recorded as
// "windows-1252" when the page declares windows-1252 or one of its aliases (iso-8859-1, ascii…).
// `progress` is not called: one step.
LoadedDocument load_html(std::string_view bytes, const LoadProgress& progress = {});
// The same, and `also` is given the parse tree before it goes: a crawl reads a page's links from
// the tree its text came from, so that each page is parsed once.
LoadedDocument load_html(std::string_view bytes, const std::function<void(const GumboNode& root)>& also);

// The html loader's sniff, for a name that says nothing: past a UTF-8 BOM, whitespace, an XML
// declaration and comments, the bytes start with one of WHATWG MIME Sniffing's HTML patterns
// ("<!doctype html", "<html", "<head", "<body", "<div", "<p", "<h1", "<table", "<a", …) or another
// heading or common block element ("<h2".."<h6", "<section", "<ul", "<pre", …), then a space or
// '>', so XHTML and fragments are HTML too. Compared ignoring case.
bool looks_like_html(std::string_view bytes);

}  // namespace strata::ingest
