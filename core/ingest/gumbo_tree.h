#pragma once
// Small read-only helpers over a gumbo parse tree, shared by the HTML loader
// (ingest/html_loader.cpp) and its page-chrome rules (ingest/html_chrome.cpp). Internal to
// core/ingest: nothing outside the HTML loader sees gumbo types.
#include <gumbo.h>

#include <string_view>
#include <vector>

namespace strata::ingest::gumbo_tree {

// The children of a document, element or template node; nullptr for text, comments and the rest.
inline const GumboVector* children_of(const GumboNode& node) {
  switch (node.type) {
    case GUMBO_NODE_DOCUMENT:
      return &node.v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return &node.v.element.children;
    default:
      return nullptr;
  }
}

// An HTML-namespace element (not SVG or MathML) of the given tag.
inline bool is_element(const GumboNode& node, GumboTag tag) {
  return node.type == GUMBO_NODE_ELEMENT && node.v.element.tag == tag &&
         node.v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

inline bool is_html_element(const GumboNode& node) {
  return node.type == GUMBO_NODE_ELEMENT && node.v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

inline bool is_text(const GumboNode& node) {
  return node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE || node.type == GUMBO_NODE_CDATA;
}

// The attribute's value; empty when absent. REQUIRES: `element` is an element node.
inline std::string_view attribute(const GumboNode& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.v.element.attributes, name);
  return attr == nullptr ? std::string_view{} : std::string_view(attr->value);
}

inline bool has_attribute(const GumboNode& element, const char* name) {
  return gumbo_get_attribute(&element.v.element.attributes, name) != nullptr;
}

// Depth-first walk without recursion, so that nesting depth cannot exhaust the stack.
// `enter(node)` returns whether to visit the node's children; `leave(node)` runs after them, for
// every node whose `enter` returned true.
template <typename Enter, typename Leave>
void walk(const GumboNode& root, Enter&& enter, Leave&& leave) {
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };
  std::vector<Frame> stack;
  if (!enter(root)) return;
  if (children_of(root) == nullptr) {
    leave(root);
    return;
  }
  stack.push_back({&root, 0});
  while (!stack.empty()) {
    const GumboNode& node = *stack.back().node;
    const GumboVector& children = *children_of(node);
    if (stack.back().next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[stack.back().next_child++]);
      if (enter(*child)) {
        if (children_of(*child) != nullptr) {
          stack.push_back({child, 0});
        } else {
          leave(*child);
        }
      }
    } else {
      leave(node);
      stack.pop_back();
    }
  }
}

}  // namespace strata::ingest::gumbo_tree
