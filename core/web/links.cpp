#include "web/links.h"

#include <gumbo.h>

#include <set>
#include <string>
#include <vector>

#include "common/gumbo_parse.h"
#include "common/text.h"

namespace strata::web {
namespace {

std::string_view links_attribute(const GumboNode& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.v.element.attributes, name);
  return attr == nullptr ? std::string_view{} : std::string_view(attr->value);
}

// Whether a space-separated token list (rel, robots content; comma-separated too) holds `token`.
bool links_has_token(std::string_view list, std::string_view token) {
  std::string lower = to_lower(list);
  for (char& c : lower) {
    if (c == ',' || c == '\t' || c == '\n' || c == '\r' || c == '\f') c = ' ';
  }
  for (const auto& word : split(lower, ' ')) {
    if (word == token) return true;
  }
  return false;
}

// Elements in document order, without recursion (nesting depth is the page's choice).
std::vector<const GumboNode*> links_elements(const GumboNode& root) {
  std::vector<const GumboNode*> out;
  std::vector<const GumboNode*> stack{&root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) out.push_back(node);
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
  }
  return out;
}

}  // namespace

PageLinks extract_links(std::string_view html, const Url& page_url, std::size_t max_links) {
  const GumboParse parse(html);
  return extract_links(parse.root(), page_url, max_links);
}

PageLinks extract_links(const GumboNode& root, const Url& page_url, std::size_t max_links) {
  PageLinks result;
  const auto elements = links_elements(root);
  Url base = page_url;
  for (const GumboNode* e : elements) {
    const GumboTag tag = e->v.element.tag;
    if (tag == GUMBO_TAG_BASE && !links_attribute(*e, "href").empty()) {
      if (auto b = resolve_http(page_url, links_attribute(*e, "href"))) base = *b;
      break;
    }
  }
  for (const GumboNode* e : elements) {
    const GumboTag tag = e->v.element.tag;
    if (tag == GUMBO_TAG_META && to_lower(links_attribute(*e, "name")) == "robots") {
      const auto content = links_attribute(*e, "content");
      if (links_has_token(content, "nofollow") || links_has_token(content, "none")) result.nofollow_page = true;
    } else if (tag == GUMBO_TAG_LINK && links_has_token(links_attribute(*e, "rel"), "canonical") &&
               !result.canonical) {
      result.canonical = resolve_http(base, links_attribute(*e, "href"));
    }
  }
  if (result.nofollow_page) return result;
  std::set<std::string> seen;
  for (const GumboNode* e : elements) {
    const GumboTag tag = e->v.element.tag;
    if (tag != GUMBO_TAG_A && tag != GUMBO_TAG_AREA) continue;
    const GumboAttribute* href = gumbo_get_attribute(&e->v.element.attributes, "href");
    if (href == nullptr || links_has_token(links_attribute(*e, "rel"), "nofollow")) continue;
    auto url = resolve_http(base, href->value);
    if (!url || !seen.insert(url->to_string()).second) continue;
    if (result.links.size() == max_links) break;
    result.links.push_back(std::move(*url));
  }
  return result;
}

}  // namespace strata::web
