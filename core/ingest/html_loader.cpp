#include "ingest/html_loader.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "common/text.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

// ---- Encoding -------------------------------------------------------------------------------

// WHATWG labels of windows-1252, which browsers also use for iso-8859-1 and us-ascii.
constexpr auto kWindows1252Labels = std::to_array<std::string_view>(
    {"ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
     "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
     "us-ascii", "windows-1252", "x-cp1252"});

// The label after the first "charset=" in the first 1024 bytes, where browsers look for a
// <meta charset> too; a simplified prescan that is good enough for a label.
std::string declared_charset(std::string_view bytes) {
  const std::string head = to_lower(bytes.substr(0, 1024));
  for (std::size_t at = head.find("charset"); at != std::string::npos; at = head.find("charset", at + 1)) {
    std::size_t i = head.find_first_not_of(" \t\r\n", at + 7);
    if (i == std::string::npos || head[i] != '=') continue;
    i = head.find_first_not_of(" \t\r\n\"'", i + 1);
    if (i == std::string::npos) return {};
    const std::size_t end = std::min(head.find_first_of(" \t\r\n\"';>/", i), head.size());
    return head.substr(i, end - i);
  }
  return {};
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Valid UTF-8 wins over a declaration (see html_loader.h); the declaration only names pure
// ASCII, which reads the same in both.
DecodedText decode_html(std::string_view bytes) {
  DecodedText decoded = decode_text(bytes);
  if (decoded.encoding == "utf-8" && is_ascii(decoded.text)) {
    const std::string label = declared_charset(bytes);
    if (std::find(kWindows1252Labels.begin(), kWindows1252Labels.end(), label) != kWindows1252Labels.end()) {
      decoded.encoding = "windows-1252";
    }
  }
  return decoded;
}

// ---- The gumbo tree -------------------------------------------------------------------------

// Owns one gumbo parse. Errors are not recorded (max_errors 0): gumbo copies the stack of open
// elements into each error, so deeply nested input would take memory quadratic in its depth.
class ParsedHtml {
 public:
  explicit ParsedHtml(std::string_view utf8) : options_(kGumboDefaultOptions) {
    options_.max_errors = 0;
    output_ = gumbo_parse_with_options(&options_, utf8.data(), utf8.size());
  }
  ~ParsedHtml() { gumbo_destroy_output(&options_, output_); }
  ParsedHtml(const ParsedHtml&) = delete;
  ParsedHtml& operator=(const ParsedHtml&) = delete;

  const GumboNode& document() const { return *output_->document; }

 private:
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

const GumboVector* children_of(const GumboNode& node) {
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

bool is_element(const GumboNode& node, GumboTag tag) {
  return node.type == GUMBO_NODE_ELEMENT && node.v.element.tag == tag &&
         node.v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

bool is_text(const GumboNode& node) {
  return node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE || node.type == GUMBO_NODE_CDATA;
}

// Content that is not text a reader sees: code, styling, markup for other renderers, metadata.
bool is_dropped(const GumboNode& node) {
  if (node.type == GUMBO_NODE_TEMPLATE) return true;
  if (node.type != GUMBO_NODE_ELEMENT) return false;
  if (node.v.element.tag_namespace == GUMBO_NAMESPACE_SVG) return true;
  switch (node.v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_IFRAME:  // its content is fallback markup kept as raw text
      return true;
    default:
      return false;
  }
}

// Depth-first walk without recursion, so that nesting depth cannot exhaust the stack.
// `enter(node)` returns whether to visit the node's children; `leave(node)` runs after them.
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

// ---- Writing markdown-like text -------------------------------------------------------------

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Accumulates output text. Breaks, spaces and prefixes are pending until the next content, so
// none is ever emitted at the start or end, twice, or for an element that turns out empty.
class TextWriter {
 public:
  // Text whose runs of whitespace collapse to one space.
  void text(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
      if (is_html_space(s[i])) {
        space_ = true;
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < s.size() && !is_html_space(s[end])) ++end;
      raw(s.substr(i, end - i));
      i = end;
    }
  }
  // Content written as is. REQUIRES: does not end with a newline.
  void raw(std::string_view s) {
    if (s.empty()) return;
    flush_pending();
    out_.append(s);
  }
  // Content between two pieces of content on one line, e.g. " | ": replaces a pending space.
  void separator(std::string_view s) {
    space_ = false;
    raw(s);
  }
  void space() { space_ = true; }
  void line_break() { newlines_ = std::min(newlines_ + 1, 2); }
  void block_break() { newlines_ = 2; }
  // Written before the next content, e.g. "## " or "- ". A later prefix replaces it.
  void prefix(std::string p) { prefix_ = std::move(p); }
  void drop_prefix() { prefix_.clear(); }

  std::string take() && { return std::move(out_); }

 private:
  void flush_pending() {
    if (!out_.empty()) {
      if (newlines_ > 0) {
        while (!out_.empty() && out_.back() == ' ') out_.pop_back();  // a separator ended the line
        out_.append(static_cast<std::size_t>(newlines_), '\n');
      } else if (space_ && out_.back() != ' ') {
        out_.push_back(' ');
      }
    }
    newlines_ = 0;
    space_ = false;
    out_.append(prefix_);
    prefix_.clear();
  }

  std::string out_;
  int newlines_ = 0;
  bool space_ = false;
  std::string prefix_;
};

int heading_level(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

// Elements that start and end a paragraph-like block (blank line before and after).
bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_DL:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_MENU: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_HR: case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_BODY:
      return true;
    default:
      return false;
  }
}

// Elements whose boundaries keep the words on either side apart even in inline text.
bool separates_words(GumboTag tag) {
  return is_block(tag) || heading_level(tag) > 0 || tag == GUMBO_TAG_BR || tag == GUMBO_TAG_LI ||
         tag == GUMBO_TAG_TR || tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH || tag == GUMBO_TAG_PRE;
}

bool separates_words(const GumboNode& n) {
  return n.type == GUMBO_NODE_ELEMENT && n.v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
         separates_words(n.v.element.tag);
}

// The text under `node`, whitespace collapsed: for <title> and the first <h1>.
std::string collapsed_text(const GumboNode& node) {
  TextWriter w;
  walk(
      node,
      [&w](const GumboNode& n) {
        if (is_text(n)) w.text(n.v.text.text);
        if (separates_words(n)) w.space();
        return !is_dropped(n);
      },
      [&w](const GumboNode& n) {
        if (separates_words(n)) w.space();
      });
  return std::move(w).take();
}

// The text under a <pre>, exactly as written (gumbo already drops the newline that may follow
// the start tag, as browsers do).
std::string verbatim_text(const GumboNode& pre) {
  std::string out;
  walk(
      pre,
      [&out](const GumboNode& n) {
        if (is_text(n)) out.append(n.v.text.text);
        if (is_element(n, GUMBO_TAG_BR)) out.push_back('\n');
        return !is_dropped(n);
      },
      [](const GumboNode&) {});
  return out;
}

std::string_view attribute(const GumboNode& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.v.element.attributes, name);
  return attr == nullptr ? std::string_view{} : std::string_view(attr->value);
}

// "cpp" for <pre><code class="language-cpp">, the convention of highlight.js, Prism and
// CommonMark renderers, so the fence keeps the language.
std::string fence_language(const GumboNode& pre) {
  const GumboVector& children = pre.v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto& child = *static_cast<const GumboNode*>(children.data[i]);
    if (!is_element(child, GUMBO_TAG_CODE)) continue;
    for (const std::string& cls : split(attribute(child, "class"), ' ')) {
      for (const std::string_view tag : {std::string_view("language-"), std::string_view("lang-")}) {
        if (cls.size() > tag.size() && cls.compare(0, tag.size(), tag) == 0) return cls.substr(tag.size());
      }
    }
  }
  return {};
}

std::string fenced_block(const GumboNode& pre) {
  std::string code = verbatim_text(pre);
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  std::string out = "```" + fence_language(pre) + "\n";
  if (!code.empty()) out += code + "\n";
  return out + "```";
}

int list_start(const GumboNode& ol) {
  const std::string_view value = trim(attribute(ol, "start"));
  int start = 1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), start);
  return ec == std::errc{} && end == value.data() + value.size() ? start : 1;
}

// Renders the document. Headings and table cells hold inline text only: any structure inside them
// (blocks, <br>, nested lists or tables) becomes a space, so a heading stays on one line and a
// table row on one line.
class MarkdownRenderer {
 public:
  std::string render(const GumboNode& document) {
    walk(document, [this](const GumboNode& n) { return enter(n); }, [this](const GumboNode& n) { leave(n); });
    std::string out = std::move(w_).take();
    return std::string(trim(out));
  }

 private:
  struct List {
    bool ordered = false;
    int next_number = 1;
  };

  bool enter(const GumboNode& n) {
    if (is_text(n)) {
      w_.text(n.v.text.text);
      return false;
    }
    if (n.type != GUMBO_NODE_ELEMENT) return n.type == GUMBO_NODE_DOCUMENT;  // comment, template
    if (is_dropped(n)) return false;
    if (n.v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return true;  // MathML: its text
    if (inline_owner_ != nullptr) return enter_inline(n);
    const GumboTag tag = n.v.element.tag;
    if (const int level = heading_level(tag)) {
      w_.block_break();
      w_.prefix(std::string(static_cast<std::size_t>(level), '#') + " ");
      inline_owner_ = &n;
      return true;
    }
    switch (tag) {
      case GUMBO_TAG_PRE:
        w_.block_break();
        w_.raw(fenced_block(n));
        w_.block_break();
        return false;
      case GUMBO_TAG_BR:
        w_.line_break();
        return false;
      case GUMBO_TAG_IMG:
        w_.text(attribute(n, "alt"));
        return false;
      case GUMBO_TAG_LI:
        w_.block_break();
        w_.prefix(list_item_prefix());
        return true;
      case GUMBO_TAG_TR:
        w_.block_break();
        row_cells_.push_back(0);
        return true;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        if (!row_cells_.empty() && row_cells_.back()++ > 0) w_.separator(" | ");
        inline_owner_ = &n;
        return true;
      default:
        break;
    }
    if (is_list(tag)) {
      lists_.push_back({tag == GUMBO_TAG_OL, tag == GUMBO_TAG_OL ? list_start(n) : 1});
    }
    if (is_block(tag)) w_.block_break();
    return true;
  }

  bool enter_inline(const GumboNode& n) {
    switch (n.v.element.tag) {
      case GUMBO_TAG_PRE:
        w_.space();
        w_.text(verbatim_text(n));
        w_.space();
        return false;
      case GUMBO_TAG_IMG:
        w_.text(attribute(n, "alt"));
        return false;
      default:
        if (separates_words(n.v.element.tag)) w_.space();
        return n.v.element.tag != GUMBO_TAG_BR;
    }
  }

  void leave(const GumboNode& n) {
    if (n.type != GUMBO_NODE_ELEMENT || n.v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return;
    const GumboTag tag = n.v.element.tag;
    if (inline_owner_ != nullptr && inline_owner_ != &n) {
      if (separates_words(tag)) w_.space();
      return;
    }
    inline_owner_ = nullptr;
    if (tag == GUMBO_TAG_TR && !row_cells_.empty()) row_cells_.pop_back();
    if (is_list(tag) && !lists_.empty()) lists_.pop_back();
    const bool heading = heading_level(tag) > 0;
    if (heading || tag == GUMBO_TAG_LI) w_.drop_prefix();  // it stayed empty
    if (heading || tag == GUMBO_TAG_LI || tag == GUMBO_TAG_TR || is_block(tag)) w_.block_break();
  }

  static bool is_list(GumboTag tag) {
    return tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_MENU;
  }

  std::string list_item_prefix() {
    if (lists_.empty() || !lists_.back().ordered) return "- ";
    return std::to_string(lists_.back().next_number++) + ". ";
  }

  TextWriter w_;
  std::vector<List> lists_;
  std::vector<std::size_t> row_cells_;  // cells seen so far in each open table row
  const GumboNode* inline_owner_ = nullptr;  // the open heading or cell, if any
};

// ---- Title ----------------------------------------------------------------------------------

// The first HTML element `tag` in document order, outside dropped content except <head>
// (where <title> lives); nullptr when there is none.
const GumboNode* find_first(const GumboNode& document, GumboTag tag) {
  const GumboNode* found = nullptr;
  walk(
      document,
      [&](const GumboNode& n) {
        if (found != nullptr) return false;
        if (is_element(n, tag)) {
          found = &n;
          return false;
        }
        return !is_dropped(n) || is_element(n, GUMBO_TAG_HEAD);
      },
      [](const GumboNode&) {});
  return found;
}

std::string title_of(const GumboNode& document) {
  for (const GumboTag tag : {GUMBO_TAG_TITLE, GUMBO_TAG_H1}) {
    if (const GumboNode* node = find_first(document, tag)) {
      std::string title = collapsed_text(*node);
      if (!title.empty()) return title;
    }
  }
  return {};
}

}  // namespace

LoadedDocument load_html(std::string_view bytes) {
  DecodedText decoded = decode_html(bytes);
  const ParsedHtml html(decoded.text);
  LoadedDocument doc;
  // Gumbo (0.10.1) writes a numeric character reference too large for an int, such as
  // "&#xdEEEEEEEEEE;", as one stray byte instead of U+FFFD (found by fuzzing); the text must be
  // valid UTF-8 on the way out, so any invalid byte from the parser becomes U+FFFD here.
  doc.text = replace_invalid_utf8(MarkdownRenderer().render(html.document()));
  doc.loader = "html";
  doc.encoding = std::move(decoded.encoding);
  doc.title = replace_invalid_utf8(title_of(html.document()));
  return doc;
}

}  // namespace strata::ingest
