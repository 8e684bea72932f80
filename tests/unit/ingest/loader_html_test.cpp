// html: gumbo tree to markdown-like text, title, encodings.
#include <gtest/gtest.h>

#include <string>

#include "ingest/loader.h"

namespace strata::ingest {
namespace {

using namespace std::string_literals;

LoadedDocument load_html(std::string_view html, std::string_view name = "page.html") {
  LoadResult r = load_document(html, name);
  EXPECT_TRUE(r.document) << r.skipped_reason;
  return r.document.value_or(LoadedDocument{});
}

std::string html_text_of(std::string_view html) { return load_html(html).text; }

TEST(LoaderHtml, ScriptsAndStylesDroppedEntitiesDecodedHeadingsKept) {
  const std::string html =
      "<!doctype html>\n"
      "<html><head><title>Guide</title><style>p { color: red }</style>\n"
      "<script>var x = \"<p>no</p>\";</script></head>\n"
      "<body>\n"
      "<h1>Guide &amp; Notes</h1>\n"
      "<p>Caf&eacute; &#x1F600; <b>bold</b>   and\n"
      "   <a href=\"x\">link</a>.</p>\n"
      "<script>alert(1)</script><style>.x{}</style>\n"
      "<noscript>Enable JS</noscript>\n"
      "<h2>Install</h2>\n"
      "<div><p>Step one.</p></div>\n"
      "<h3>Debian <small>12</small></h3>\n"
      "<p>Run it.</p>\n"
      "</body></html>\n";
  const LoadedDocument doc = load_html(html);
  EXPECT_EQ(doc.text,
            "# Guide & Notes\n\n"
            "Café 😀 bold and link.\n\n"
            "## Install\n\n"
            "Step one.\n\n"
            "### Debian 12\n\n"
            "Run it.");
  EXPECT_EQ(doc.loader, LoaderKind::html);
  EXPECT_EQ(doc.encoding, "utf-8");
  EXPECT_EQ(doc.title, "Guide");
}

// fuzz/regressions/html_loader/overflowing_char_ref: gumbo wrote "&#xdEEEEEEEEEE" (a code point
// too large for an int) as a lone 0xEE byte, and the text was not UTF-8.
TEST(LoaderHtml, OverflowingCharacterReferenceStillGivesUtf8) {
  EXPECT_EQ(html_text_of("<p>a&#xdEEEEEEEEEEy></p>"), "a\xEF\xBF\xBDy>");
  EXPECT_EQ(load_html("<title>t&#xdEEEEEEEEEE;</title>").title, "t\xEF\xBF\xBD");
}

TEST(LoaderHtml, PreBecomesAFenceWithItsTextVerbatim) {
  const std::string html =
      "<p>Before</p><pre><code class=\"hljs language-py\">def f():\n"
      "    return  1\n"
      "\n"
      "\n"
      "x = \"&lt;tag&gt;\"\n"
      "</code></pre><p>After</p>";
  EXPECT_EQ(html_text_of(html),
            "Before\n\n"
            "```py\n"
            "def f():\n"
            "    return  1\n"
            "\n"
            "\n"
            "x = \"<tag>\"\n"
            "```\n\n"
            "After");
  EXPECT_EQ(html_text_of("<pre>\n  a<br>b</pre>"), "```\n  a\nb\n```");
  EXPECT_EQ(html_text_of("<pre></pre>"), "```\n```");
}

TEST(LoaderHtml, ListItemsAreBlocksWithMarkers) {
  EXPECT_EQ(html_text_of("<ul><li>one</li><li>two <em>items</em></li><li></li></ul>"
                    "<ol start=\"3\"><li>three</li><li><p>four</p></li></ol><ol><li>again</li></ol>"),
            "- one\n\n- two items\n\n3. three\n\n4. four\n\n1. again");
}

TEST(LoaderHtml, TableRowsJoinTheirCells) {
  EXPECT_EQ(html_text_of("<table><caption>Files</caption>"
                    "<tr><th>Name</th> <th>Size</th></tr>\n"
                    "<tr><td>a.txt </td>\n<td> 1 KB </td></tr>"
                    "<tr><td><p>b</p><p>c</p></td><td>d<br>e</td></tr></table>"),
            "Files\n\nName | Size\n\na.txt | 1 KB\n\nb c | d e");
}

TEST(LoaderHtml, LineBreaksAndWhitespace) {
  EXPECT_EQ(html_text_of("<p>line one<br>line two<br><br><br>line three</p>"
                    "<div>   </div><div></div><p>   spaced  \t\n  out   </p>"),
            "line one\nline two\n\nline three\n\nspaced out");
}

TEST(LoaderHtml, NeverMoreThanOneBlankLine) {
  EXPECT_EQ(html_text_of("<div><div><p>a</p></div></div>\n\n<hr>\n<div><section><p>b</p></section></div>"),
            "a\n\nb");
}

TEST(LoaderHtml, LinksKeepTheirTextAndImagesTheirAltText) {
  EXPECT_EQ(
      html_text_of("<p>See <a href='/x'>the docs</a> <img src=a.png alt='flow diagram'> <img src=b.png>.</p>"),
      "See the docs flow diagram .");
}

TEST(LoaderHtml, TemplateSvgAndHeadContentAreDropped) {
  const LoadedDocument doc = load_html(
      "<head><meta name=description content=meta><title>T</title></head>"
      "<body><template><p>hidden</p></template>"
      "<svg><title>icon</title><text>svg text</text></svg><iframe>frame</iframe><p>shown</p></body>");
  EXPECT_EQ(doc.text, "shown");
}

TEST(LoaderHtml, HeadingsHoldInlineTextOnly) {
  EXPECT_EQ(html_text_of("<h2><div>Block</div> <span>in</span>line<br>after</h2><p>x</p>"),
            "## Block inline after\n\nx");
  EXPECT_EQ(html_text_of("<h4>  </h4><p>after an empty heading</p>"), "after an empty heading");
}

TEST(LoaderHtml, TitleIsTheTitleElementElseTheFirstH1) {
  EXPECT_EQ(load_html("<title>  My\n  Page </title><h1>Heading</h1>").title, "My Page");
  EXPECT_EQ(load_html("<h1>First <em>head</em>ing</h1><h1>Second</h1>").title, "First heading");
  EXPECT_EQ(load_html("<title> </title><h2>Not h1</h2><h1>Fallback</h1>").title, "Fallback");
  EXPECT_EQ(load_html("<svg><title>icon</title></svg><p>none</p>").title, "");
}

TEST(LoaderHtml, SniffedWithoutAnExtension) {
  const LoadedDocument doc = load_html("<!DOCTYPE html><p>x &amp; y</p>", "doc-7");
  EXPECT_EQ(doc.loader, LoaderKind::html);
  EXPECT_EQ(doc.text, "x & y");
}

TEST(LoaderHtml, DeclaredWindows1252IsDecoded) {
  const LoadedDocument doc = load_html(
      "<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9 \x93q\x94</p></body></html>");
  EXPECT_EQ(doc.text, "café “q”");
  EXPECT_EQ(doc.encoding, "windows-1252");
}

TEST(LoaderHtml, InvalidUtf8IsDecodedAsWindows1252) {
  const LoadedDocument doc = load_html("<title>R\xe9sum\xe9</title><p>na\xefve</p>");
  EXPECT_EQ(doc.text, "naïve");
  EXPECT_EQ(doc.title, "Résumé");
  EXPECT_EQ(doc.encoding, "windows-1252");
}

TEST(LoaderHtml, ValidUtf8StaysUtf8WhateverTheMetaSays) {
  const LoadedDocument doc = load_html("<meta charset=iso-8859-1><p>café 日本</p>");
  EXPECT_EQ(doc.text, "café 日本");
  EXPECT_EQ(doc.encoding, "utf-8");
}

TEST(LoaderHtml, AsciiPageRecordsTheDeclaredLatinCharset) {
  const LoadedDocument doc = load_html(
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>plain</p>");
  EXPECT_EQ(doc.text, "plain");
  EXPECT_EQ(doc.encoding, "windows-1252");
  EXPECT_EQ(load_html("<meta charset='utf-8'><p>plain</p>").encoding, "utf-8");
}

TEST(LoaderHtml, Utf16WithBom) {
  std::string html = "\xFF\xFE"s;
  for (const char c : std::string("<p>h\xE9</p>")) {
    html.push_back(c);
    html.push_back('\0');
  }
  const LoadedDocument doc = load_html(html);
  EXPECT_EQ(doc.text, "hé");
  EXPECT_EQ(doc.encoding, "utf-16le");
}

TEST(LoaderHtml, DeeplyNestedPageLoads) {
  // Regression guard for the tree walk (iterative) and gumbo's error list (off: it copies the
  // open-element stack per error, quadratic memory in the depth). Gumbo's own time is still
  // quadratic in the depth, hence a modest one.
  std::string html;
  for (int i = 0; i < 5000; ++i) html += "<div>";
  html += "deep";
  EXPECT_EQ(html_text_of(html), "deep");
}

}  // namespace
}  // namespace strata::ingest
