#pragma once
// Page chrome: what a site generator puts around the content of every page (navigation bars,
// sidebars, breadcrumbs, page headers and footers, tables of contents, "Previous topic / Next
// topic / Show Source" blocks, heading permalinks). Indexed, it fills a store with the same
// chunks on every page and lets tables of contents win searches; the HTML loader
// (ingest/html_loader.cpp) drops it. Internal to core/ingest.
//
// What counts as chrome, each rule taken from the HTML and ARIA specifications or from what the
// common generators emit:
//   - elements: <nav>, <button>, <select>; <header> and <footer> of the page (not inside
//     <article>, <aside>, <nav>, <section> or the main content, where a header holds a title:
//     HTML-AAM maps only these to the banner and contentinfo landmarks); <aside> outside
//     <article>, <aside>, <nav> and <section> (inside them it is a footnote or a note); an
//     explicit role other than the ones below keeps a header, footer or aside (role="note" on a
//     footnote); anything with the `hidden` attribute;
//   - ARIA roles: navigation, banner, contentinfo, complementary, search, doc-toc;
//   - generator markers (class names; ids toc/TOC/TableOfContents): Sphinx (div.related,
//     div.sphinxsidebar, div.footer, a.headerlink, div.toctree-wrapper, [source] links, the
//     Read the Docs, Furo and PyData themes' bars), DocBook (div.navheader, div.navfooter with
//     their Prev/Up/Next tables, div.toc and the lists of tables, figures and examples), GNU
//     Texinfo (div.nav-panel), MkDocs (Material's md-header, md-sidebar, md-footer and friends;
//     the readthedocs theme's breadcrumbs and footer buttons), Docusaurus (breadcrumbs, table of
//     contents, doc footer, pagination, a.hash-link), Javadoc (top, sub and bottom navigation
//     bars, skip links, the legal copy line);
//   - heading permalinks: <a href="#…"> whose whole text is ¶, #, §, 🔗 or a zero-width space.
#include <gumbo.h>

namespace strata::ingest {

// HTML's ASCII whitespace (the WHATWG definition): space, tab, LF, CR, form feed.
inline bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Tells chrome from content while walking a gumbo tree in document order: the header, footer
// and aside rules depend on the elements around a node.
class ChromeFilter {
 public:
  // Whether `node` (with everything under it) is page chrome, given the elements entered so
  // far. Only elements are ever chrome.
  bool is_chrome(const GumboNode& node) const;

  // Keep the filter's view of the open elements: enter() for each element whose children are
  // visited (a node is_chrome() said no to), leave() after them.
  void enter(const GumboNode& node);
  void leave(const GumboNode& node);

 private:
  int sections_ = 0;  // open <article>, <aside>, <nav>, <section>
  int mains_ = 0;     // open main content (<main>, role="main")
};

// The page's main content: the one <main> or role="main" element (ignoring hidden ones and any
// inside another), or nullptr when the page has none or several. Everything outside it is
// chrome on the pages of Sphinx, MkDocs, Docusaurus and Javadoc.
const GumboNode* main_landmark(const GumboNode& document);

}  // namespace strata::ingest
