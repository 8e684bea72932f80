#include "ingest/html_depth.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace strata::ingest {
namespace {

constexpr std::array<std::string_view, 16> kVoid = {"area", "base",  "br",   "col",    "embed", "hr",
                                                    "img",  "input", "link", "meta",   "param", "source",
                                                    "track", "wbr",  "keygen", "basefont"};
constexpr std::array<std::string_view, 19> kOptionalEnd = {
    "li",    "p",     "dt",     "dd",   "tr",    "td",   "th",   "option", "optgroup", "tbody",
    "thead", "tfoot", "colgroup", "rb", "rt",    "rp",   "rtc",  "html",   "head"};
constexpr std::array<std::string_view, 10> kRawText = {"script", "style",    "textarea", "title",     "xmp",
                                                       "iframe", "noembed", "noframes", "plaintext", "noscript"};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == ':' || c == '_';
}

std::string lower_name(std::string_view s, std::size_t from, std::size_t& end) {
  std::string name;
  end = from;
  while (end < s.size() && name_char(s[end])) {
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(s[end])));
    ++end;
  }
  return name;
}

// The '>' that ends the tag whose name ended at `from`, skipping quoted attribute values;
// s.size() when the input ends first.
std::size_t tag_end(std::string_view s, std::size_t from) {
  char quote = 0;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (quote != 0) {
      if (s[i] == quote) quote = 0;
    } else if (s[i] == '"' || s[i] == '\'') {
      quote = s[i];
    } else if (s[i] == '>') {
      return i;
    }
  }
  return s.size();
}

// Case-insensitive search for "</name" from `from`; s.size() when absent.
std::size_t find_end_tag(std::string_view s, std::size_t from, std::string_view name) {
  for (std::size_t i = s.find("</", from); i != std::string_view::npos; i = s.find("</", i + 2)) {
    std::size_t end = 0;
    if (lower_name(s, i + 2, end) == name) return i;
  }
  return s.size();
}

void blank(std::string& text, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end && i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') text[i] = ' ';
  }
}

}  // namespace

BoundedHtml bound_html_depth(std::string_view html, std::size_t max_depth) {
  BoundedHtml out;
  std::size_t depth = 0;
  std::map<std::string, std::size_t, std::less<>> blanked_open;  // per name: blanked start tags not closed yet
  std::size_t i = 0;
  const auto blank_tag = [&](std::size_t begin, std::size_t end) {
    if (out.text.empty()) out.text.assign(html);
    blank(out.text, begin, end + 1);
  };
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      const std::size_t close = html.find("-->", i + 4);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    if (i + 1 < html.size() && (html[i + 1] == '!' || html[i + 1] == '?')) {
      i = tag_end(html, i + 2) + 1;
      continue;
    }
    const bool closing = i + 1 < html.size() && html[i + 1] == '/';
    std::size_t name_end = 0;
    const std::string name = lower_name(html, i + (closing ? 2 : 1), name_end);
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) {
      ++i;  // a '<' that starts no tag is text
      continue;
    }
    const std::size_t end = tag_end(html, name_end);
    if (closing) {
      if (const auto it = blanked_open.find(name); it != blanked_open.end() && it->second > 0) {
        --it->second;
        blank_tag(i, end);
      } else if (!in(kVoid, name) && !in(kOptionalEnd, name) && depth > 0) {
        --depth;
      }
      i = end + 1;
      continue;
    }
    const bool self_closing = end < html.size() && end > name_end && html[end - 1] == '/';
    if (in(kRawText, name)) {
      // Nothing inside is a tag, and nothing nests in it: past its end tag, uncounted.
      const std::size_t close = find_end_tag(html, end + 1, name);
      i = close == html.size() ? close : tag_end(html, close + 2) + 1;
      continue;
    }
    if (!self_closing && !in(kVoid, name) && !in(kOptionalEnd, name)) {
      if (depth >= max_depth) {
        ++blanked_open[name];
        ++out.blanked;
        blank_tag(i, end);
      } else {
        ++depth;
      }
    }
    i = end + 1;
  }
  return out;
}

}  // namespace strata::ingest
