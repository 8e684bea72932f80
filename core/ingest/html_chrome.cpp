#include "ingest/html_chrome.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "ingest/gumbo_tree.h"

namespace strata::ingest {
namespace {

using namespace std::string_view_literals;
using gumbo_tree::is_html_element;

// Class names that mark chrome in the generators' templates, sorted (binary search; class names
// are case-sensitive). Each generator's are listed in html_chrome.h.
constexpr auto kChromeClasses = std::to_array<std::string_view>({
    "bd-header", "bd-sidebar-primary", "bd-sidebar-secondary",          // PyData Sphinx theme
    "bottom-nav", "bottomNav",                                          // Javadoc
    "fixedNav",                                                         // Javadoc 9-10
    "footer",                                                           // Sphinx
    "hash-link",                                                        // Docusaurus
    "headerlink",                                                       // Sphinx, MkDocs
    "legal-copy", "legalCopy",                                          // Javadoc
    "list-of-equations", "list-of-examples", "list-of-figures",         // DocBook
    "list-of-procedures", "list-of-tables",                             // DocBook
    "md-content__button", "md-dialog", "md-footer", "md-header",        // MkDocs Material
    "md-search", "md-sidebar", "md-skip", "md-source-file", "md-tabs",  // MkDocs Material
    "mobile-nav",                                                       // Python's Sphinx theme
    "nav-panel",                                                        // GNU Texinfo
    "navbar",                                                           // MkDocs, Docusaurus
    "navfooter", "navheader",                                           // DocBook
    "pagination-nav",                                                   // Docusaurus
    "prev-next-area",                                                   // PyData Sphinx theme
    "related", "related-pages",                                         // Sphinx, Furo
    "rst-footer-buttons", "rst-versions",                               // Read the Docs theme
    "skip-link", "skip-nav", "skipNav",                                 // Javadoc, others
    "sphinxsidebar",                                                    // Sphinx
    "sub-nav", "subNav",                                                // Javadoc
    "table-of-contents",                                                // Docusaurus
    "theme-doc-breadcrumbs", "theme-doc-footer",                        // Docusaurus
    "theme-doc-sidebar-container", "theme-doc-toc-desktop",             // Docusaurus
    "theme-doc-toc-mobile", "theme-edit-this-page",                     // Docusaurus
    "theme-last-updated",                                               // Docusaurus
    "toc",                                                              // DocBook, others
    "toc-drawer",                                                       // Furo
    "toctree-wrapper",                                                  // Sphinx
    "top-nav", "topNav",                                                // Javadoc
    "viewcode-back", "viewcode-link",                                   // Sphinx [source] links
    "wy-breadcrumbs",                                                   // Read the Docs theme
});

constexpr auto kChromeIds = std::to_array<std::string_view>({"TOC", "TableOfContents", "toc"});

// ARIA landmark and DPUB roles of chrome. Only the first token of a role list counts (ARIA
// takes the first role it knows; these are all known).
constexpr auto kChromeRoles = std::to_array<std::string_view>(
    {"banner", "complementary", "contentinfo", "doc-toc", "navigation", "search"});

// The whole text of a heading permalink: pilcrow, number sign, section sign, link symbol, or the
// zero-width space Docusaurus puts in its hash links.
constexpr auto kPermalinkTexts =
    std::to_array<std::string_view>({"\xC2\xB6", "#", "\xC2\xA7", "\xF0\x9F\x94\x97", "\xE2\x80\x8B"});

template <std::size_t N>
bool sorted_contains(const std::array<std::string_view, N>& sorted, std::string_view value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}


std::string_view trim_html_space(std::string_view s) {
  while (!s.empty() && is_html_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view first_token(std::string_view list) {
  list = trim_html_space(list);
  std::size_t end = 0;
  while (end < list.size() && !is_html_space(list[end])) ++end;
  return list.substr(0, end);
}

bool any_class_is_chrome(std::string_view classes) {
  std::size_t i = 0;
  while (i < classes.size()) {
    while (i < classes.size() && is_html_space(classes[i])) ++i;
    std::size_t end = i;
    while (end < classes.size() && !is_html_space(classes[end])) ++end;
    if (end > i && sorted_contains(kChromeClasses, classes.substr(i, end - i))) return true;
    i = end;
  }
  return false;
}

// The attributes the rules look at, read in one pass over the element's attribute list.
struct Attributes {
  std::string_view class_list, role, id, href;
  bool hidden = false;
};

Attributes attributes_of(const GumboNode& element) {
  Attributes a;
  const GumboVector& list = element.v.element.attributes;
  for (unsigned i = 0; i < list.length; ++i) {
    const auto& attr = *static_cast<const GumboAttribute*>(list.data[i]);
    const std::string_view name = attr.name;  // gumbo lower-cases HTML attribute names
    if (name == "class") a.class_list = attr.value;
    else if (name == "role") a.role = attr.value;
    else if (name == "id") a.id = attr.value;
    else if (name == "href") a.href = attr.value;
    else if (name == "hidden") a.hidden = true;
  }
  return a;
}

// <a href="#x">¶</a>: a link to a part of the same page whose only text is a permalink sign.
bool is_permalink(const GumboNode& a, std::string_view href) {
  if (href.empty() || href.front() != '#') return false;
  const GumboVector& children = a.v.element.children;
  if (children.length != 1) return false;
  const auto& child = *static_cast<const GumboNode*>(children.data[0]);
  if (child.type != GUMBO_NODE_TEXT) return false;
  return contains(kPermalinkTexts, trim_html_space(child.v.text.text));
}

bool is_sectioning(GumboTag tag) {
  return tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_ASIDE || tag == GUMBO_TAG_NAV || tag == GUMBO_TAG_SECTION;
}

bool is_main(const GumboNode& element) {
  return element.v.element.tag == GUMBO_TAG_MAIN || first_token(gumbo_tree::attribute(element, "role")) == "main";
}

}  // namespace

bool ChromeFilter::is_chrome(const GumboNode& node) const {
  if (!is_html_element(node)) return false;
  const GumboTag tag = node.v.element.tag;
  if (tag == GUMBO_TAG_NAV || tag == GUMBO_TAG_BUTTON || tag == GUMBO_TAG_SELECT) return true;
  const Attributes a = attributes_of(node);
  if (a.hidden) return true;
  const std::string_view role = first_token(a.role);
  if (!role.empty()) {
    if (contains(kChromeRoles, role)) return true;
  } else if (tag == GUMBO_TAG_HEADER || tag == GUMBO_TAG_FOOTER) {
    // Their implicit banner and contentinfo roles, which an explicit role replaces.
    if (sections_ == 0 && mains_ == 0) return true;
  } else if (tag == GUMBO_TAG_ASIDE) {
    if (sections_ == 0) return true;  // complementary; a footnote says role="note"
  }
  if (!a.class_list.empty() && any_class_is_chrome(a.class_list)) return true;
  if (!a.id.empty() && contains(kChromeIds, a.id)) return true;
  return tag == GUMBO_TAG_A && is_permalink(node, a.href);
}

void ChromeFilter::enter(const GumboNode& node) {
  if (!is_html_element(node)) return;
  if (is_sectioning(node.v.element.tag)) ++sections_;
  if (is_main(node)) ++mains_;
}

void ChromeFilter::leave(const GumboNode& node) {
  if (!is_html_element(node)) return;
  if (is_sectioning(node.v.element.tag)) --sections_;
  if (is_main(node)) --mains_;
}

const GumboNode* main_landmark(const GumboNode& document) {
  const GumboNode* found = nullptr;
  int count = 0;
  gumbo_tree::walk(
      document,
      [&](const GumboNode& n) {
        if (n.type == GUMBO_NODE_DOCUMENT) return true;
        if (!is_html_element(n) || n.v.element.tag == GUMBO_TAG_HEAD) return false;
        if (!is_main(n)) return true;
        if (gumbo_tree::has_attribute(n, "hidden")) return false;
        found = &n;
        ++count;
        return false;  // one inside another is part of it
      },
      [](const GumboNode&) {});
  return count == 1 ? found : nullptr;
}

}  // namespace strata::ingest
