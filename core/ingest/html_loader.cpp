#include "ingest/html_loader.h"

#include "ingest/html_depth.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/gumbo_parse.h"
#include "common/text.h"
#include "common/utf8.h"
#include "ingest/gumbo_tree.h"
#include "ingest/html_chrome.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

using gumbo_tree::attribute;
using gumbo_tree::is_element;
using gumbo_tree::is_text;
using gumbo_tree::walk;

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

// ---- Writing markdown-like text -------------------------------------------------------------


// What the renderer produces: the text and the source line of each of its runs.
struct Rendered {
  std::string text;
  std::vector<SourceLine> lines;
};

// How the writer treats the bytes gumbo hands it.
enum class Bytes { as_parsed, replace_invalid_utf8 };

// Accumulates output text. Breaks, spaces and prefixes are pending until the next content, so
// none is ever emitted at the start or end, twice, or for an element that turns out empty.
// Each piece of content is written at the current source line (at_line(), advanced by the
// newlines of the source text), and a run starts wherever that line changes.
class TextWriter {
 public:
  explicit TextWriter(Bytes bytes = Bytes::as_parsed) : bytes_(bytes) {}

  // The source line of the content that follows (gumbo's count: LF, CRLF and CR end a line).
  void at_line(std::size_t line) {
    if (line > 0) line_ = line;  // 0: a node the parser made up, with no place in the source
  }
  // Text whose runs of whitespace collapse to one space.
  void text(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
      if (is_html_space(s[i])) {
        if (s[i] == '\n') ++line_;
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
    append(s);
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

  // A ``` fence around code written verbatim: open_fence, code (any number), close_fence. Blank
  // lines at the end of the code are not written, so the fence closes right after it.
  void open_fence(std::string_view info) {
    block_break();
    raw("```");
    append(info);
    code_newlines_ = 1;
  }
  void code(std::string_view s) {
    while (!s.empty()) {
      const std::size_t nl = s.find('\n');
      const std::string_view piece = s.substr(0, nl);
      if (!piece.empty()) {
        out_.append(code_newlines_, '\n');
        code_newlines_ = 0;
        mark();
        append(piece);
      }
      if (nl == std::string_view::npos) break;
      ++code_newlines_;
      ++line_;
      s.remove_prefix(nl + 1);
    }
  }
  // `end_line`: the line of the </pre>, where the closing fence is cited.
  void close_fence(std::size_t end_line) {
    code_newlines_ = 0;
    out_.push_back('\n');
    at_line(std::max(end_line, line_));
    mark();
    out_.append("```");
    block_break();
  }

  // The text without leading or trailing whitespace, and its runs.
  Rendered take() && {
    const std::string_view kept = trim(out_);
    const auto begin = static_cast<std::size_t>(kept.data() - out_.data());
    Rendered r{std::string(kept), {}};
    r.lines.reserve(lines_.size());
    for (const SourceLine& l : lines_) {
      const std::size_t offset = l.text_offset > begin ? l.text_offset - begin : 0;
      if (offset >= r.text.size() && !r.lines.empty()) break;
      if (!r.lines.empty() && r.lines.back().text_offset == offset) {
        r.lines.back().line = l.line;
      } else {
        r.lines.push_back({offset, l.line});
      }
    }
    return r;
  }

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
    mark();
    out_.append(prefix_);
    prefix_.clear();
  }

  // Starts a run at the end of the text when the source line changed.
  void mark() {
    if (!lines_.empty() && lines_.back().line == line_) return;
    if (!lines_.empty() && lines_.back().text_offset == out_.size()) {
      lines_.back().line = line_;  // the run before got no text
    } else {
      lines_.push_back({out_.size(), line_});
    }
  }

  void append(std::string_view s) {
    if (bytes_ == Bytes::replace_invalid_utf8) {
      out_.append(replace_invalid_utf8(s, Utf8Repair::per_sequence));
    } else {
      out_.append(s);
    }
  }

  std::string out_;
  std::vector<SourceLine> lines_;
  std::size_t line_ = 1;
  int newlines_ = 0;
  bool space_ = false;
  std::size_t code_newlines_ = 0;
  std::string prefix_;
  Bytes bytes_;
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

// The text under `node`, whitespace collapsed, without chrome such as a heading's permalink: for
// <title> and the first <h1>.
std::string collapsed_text(const GumboNode& node) {
  TextWriter w;
  const ChromeFilter chrome;
  walk(
      node,
      [&](const GumboNode& n) {
        if (is_text(n)) w.text(n.v.text.text);
        if (separates_words(n)) w.space();
        return !is_dropped(n) && !chrome.is_chrome(n);
      },
      [&w](const GumboNode& n) {
        if (separates_words(n)) w.space();
      });
  return std::move(w).take().text;
}

// The text under a <pre>, exactly as written (gumbo already drops the newline that may follow
// the start tag, as browsers do), each text node from its own source line.
template <typename Write>
void for_each_verbatim_piece(const GumboNode& pre, Write&& write) {
  walk(
      pre,
      [&write](const GumboNode& n) {
        if (is_text(n)) write(n.v.text.text, n.v.text.start_pos.line);
        if (is_element(n, GUMBO_TAG_BR)) write("\n", 0);
        return !is_dropped(n);
      },
      [](const GumboNode&) {});
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

int list_start(const GumboNode& ol) {
  const std::string_view value = trim(attribute(ol, "start"));
  int start = 1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), start);
  return ec == std::errc{} && end == value.data() + value.size() ? start : 1;
}

// Whether the renderer leaves page chrome out (ingest/html_chrome.h).
enum class Chrome { drop, keep };

// Renders a document or one element of it. Headings and table cells hold inline text only: any
// structure inside them (blocks, <br>, nested lists or tables) becomes a space, so a heading
// stays on one line and a table row on one line.
class MarkdownRenderer {
 public:
  MarkdownRenderer(Chrome chrome, Bytes bytes) : w_(bytes), chrome_policy_(chrome) {}

  Rendered render(const GumboNode& root) && {
    walk(root, [this](const GumboNode& n) { return enter(n); }, [this](const GumboNode& n) { leave(n); });
    return std::move(w_).take();
  }

 private:
  struct List {
    bool ordered = false;
    int next_number = 1;
  };

  bool enter(const GumboNode& n) {
    if (is_text(n)) {
      w_.at_line(n.v.text.start_pos.line);
      w_.text(n.v.text.text);
      return false;
    }
    if (n.type != GUMBO_NODE_ELEMENT) return n.type == GUMBO_NODE_DOCUMENT;  // comment, template
    if (is_dropped(n)) return false;
    if (chrome_policy_ == Chrome::drop && chrome_.is_chrome(n)) return false;
    const bool descend = enter_element(n);
    if (descend) chrome_.enter(n);
    return descend;
  }

  bool enter_element(const GumboNode& n) {
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
        write_fenced(n);
        return false;
      case GUMBO_TAG_BR:
        w_.line_break();
        return false;
      case GUMBO_TAG_IMG:
        w_.at_line(n.v.element.start_pos.line);
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
        for_each_verbatim_piece(n, [this](std::string_view text, std::size_t line) {
          w_.at_line(line);
          w_.text(text);
        });
        w_.space();
        return false;
      case GUMBO_TAG_IMG:
        w_.at_line(n.v.element.start_pos.line);
        w_.text(attribute(n, "alt"));
        return false;
      default:
        if (separates_words(n.v.element.tag)) w_.space();
        return n.v.element.tag != GUMBO_TAG_BR;
    }
  }

  void write_fenced(const GumboNode& pre) {
    w_.at_line(pre.v.element.start_pos.line);
    w_.open_fence(fence_language(pre));
    for_each_verbatim_piece(pre, [this](std::string_view text, std::size_t line) {
      w_.at_line(line);
      w_.code(text);
    });
    w_.close_fence(pre.v.element.end_pos.line);
  }

  void leave(const GumboNode& n) {
    chrome_.leave(n);
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
  Chrome chrome_policy_;
  ChromeFilter chrome_;
  std::vector<List> lists_;
  std::vector<std::size_t> row_cells_;  // cells seen so far in each open table row
  const GumboNode* inline_owner_ = nullptr;  // the open heading or cell, if any
};

// Gumbo (0.10.1) writes a numeric character reference too large for an int, such as
// "&#xdEEEEEEEEEE;", as one stray byte instead of U+FFFD (found by fuzzing); the text must be
// valid UTF-8 on the way out, so a page whose text is not is rendered again with every invalid
// byte from the parser replaced by U+FFFD as it is written (which keeps the runs' offsets).
Rendered render(const GumboNode& root, Chrome chrome) {
  Rendered r = MarkdownRenderer(chrome, Bytes::as_parsed).render(root);
  if (!find_invalid_utf8(r.text)) return r;
  return MarkdownRenderer(chrome, Bytes::replace_invalid_utf8).render(root);
}

// The page's content: its main landmark when it has one with text, else the whole page, both
// without chrome. A page with text that is all chrome has nothing to index: an error, so that
// ingest reports it rather than storing an empty document.
Rendered render_content(const GumboNode& document) {
  if (const GumboNode* main = main_landmark(document)) {
    Rendered r = render(*main, Chrome::drop);
    if (!r.text.empty()) return r;
  }
  Rendered r = render(document, Chrome::drop);
  if (r.text.empty() && !render(document, Chrome::keep).text.empty()) {
    throw Error(ExitCode::invalid_input,
                "only page chrome (navigation, header, footer, sidebar, table of contents), no content");
  }
  return r;
}

// ---- Title ----------------------------------------------------------------------------------

// The first HTML element `tag` in document order, outside dropped content except <head>
// (where <title> lives) and outside chrome; nullptr when there is none.
const GumboNode* find_first(const GumboNode& document, GumboTag tag) {
  const GumboNode* found = nullptr;
  ChromeFilter chrome;
  walk(
      document,
      [&](const GumboNode& n) {
        if (found != nullptr) return false;
        if (is_element(n, tag)) {
          found = &n;
          return false;
        }
        if ((is_dropped(n) && !is_element(n, GUMBO_TAG_HEAD)) || chrome.is_chrome(n)) return false;
        chrome.enter(n);
        return true;
      },
      [&chrome](const GumboNode& n) { chrome.leave(n); });
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

bool starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix) {
  return text.size() >= lower_prefix.size() &&
         to_lower(text.substr(0, lower_prefix.size())) == lower_prefix;
}

// The start of an HTML document or fragment, after leading whitespace: WHATWG MIME Sniffing's
// HTML patterns (section 7.1), then the other headings and the block elements a converter's
// fragment starts with (pandoc writes "<h2 id=…>" for a document that starts with "## "), each
// followed by a space or '>'. Compared ignoring case.
constexpr auto kHtmlStarts = std::to_array<std::string_view>(
    {"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table", "<a",
     "<style", "<title", "<b", "<body", "<br", "<p",
     "<h2", "<h3", "<h4", "<h5", "<h6", "<meta", "<section", "<article", "<main", "<header", "<nav",
     "<ul", "<ol", "<pre"});

bool is_tag_terminator(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '>'; }

std::string_view skip_html_space(std::string_view bytes) {
  const std::size_t start = bytes.find_first_not_of(" \t\r\n\f");
  return start == std::string_view::npos ? std::string_view{} : bytes.substr(start);
}

// `bytes` past what may come before the first tag of an HTML or XHTML page: whitespace, an XML
// declaration (<?xml …?>) and comments. Bounded: this is a sniff, not a parse.
std::string_view skip_prolog(std::string_view bytes) {
  for (int i = 0; i < 16; ++i) {
    bytes = skip_html_space(bytes);
    std::string_view close;
    if (bytes.substr(0, 5) == "<?xml") {
      close = "?>";
    } else if (bytes.substr(0, 4) == "<!--") {
      close = "-->";
    } else {
      return bytes;
    }
    const std::size_t end = bytes.find(close, 2);
    if (end == std::string_view::npos) return {};
    bytes.remove_prefix(end + close.size());
  }
  return bytes;
}

bool starts_as_html(std::string_view bytes) {
  return std::any_of(kHtmlStarts.begin(), kHtmlStarts.end(), [bytes](std::string_view start) {
    return bytes.size() > start.size() && starts_with_ignoring_case(bytes, start) &&
           is_tag_terminator(bytes[start.size()]);
  });
}

}  // namespace

bool looks_like_html(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return starts_as_html(skip_prolog(bytes));
}

LoadedDocument load_html(std::string_view bytes, const LoadProgress& /*progress*/) {
  return load_html(bytes, std::function<void(const GumboNode&)>{});
}

LoadedDocument load_html(std::string_view bytes, const std::function<void(const GumboNode& root)>& also) {
  DecodedText decoded = decode_html(bytes);
  const BoundedHtml bounded = bound_html_depth(decoded.text);
  const GumboParse html(bounded.blanked > 0 ? bounded.text : decoded.text);
  Rendered content = render_content(html.document());
  LoadedDocument doc;
  doc.text = std::move(content.text);
  doc.source_lines = std::move(content.lines);
  doc.encoding = std::move(decoded.encoding);
  doc.repaired_bytes = decoded.repaired;
  doc.title = replace_invalid_utf8(title_of(html.document()), Utf8Repair::per_sequence);
  if (also) also(html.root());
  return doc;
}

}  // namespace strata::ingest
