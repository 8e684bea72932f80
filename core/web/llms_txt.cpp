#include "web/llms_txt.h"

#include <set>
#include <string>

#include "common/text.h"

namespace strata::web {
namespace {

// The destination of a link whose "(" is at `open`; empty when it is not one.
std::string_view llms_destination(std::string_view text, std::size_t open) {
  std::size_t i = open + 1;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i < text.size() && text[i] == '<') {
    const auto end = text.find('>', i);
    if (end == std::string_view::npos) return {};
    return text.substr(i + 1, end - i - 1);
  }
  std::size_t end = i;
  int depth = 0;  // balanced parentheses may appear in a bare destination
  while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\n') {
    if (text[end] == '(') ++depth;
    if (text[end] == ')') {
      if (depth == 0) break;
      --depth;
    }
    ++end;
  }
  if (end >= text.size()) return {};
  return text.substr(i, end - i);
}

}  // namespace

std::vector<Url> extract_markdown_links(std::string_view markdown, const Url& base, std::size_t max_links) {
  std::vector<Url> out;
  std::set<std::string> seen;
  bool in_fence = false;
  for (const std::string& raw : split(markdown, '\n')) {
    std::string_view line = raw;
    const auto stripped = trim(line);
    if (stripped.substr(0, 3) == "```" || stripped.substr(0, 3) == "~~~") {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    bool in_code = false;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      if (line[i] == '`') in_code = !in_code;
      if (in_code || line[i] != ']' || line[i + 1] != '(') continue;
      const auto destination = llms_destination(line, i + 1);
      if (destination.empty()) continue;
      auto url = resolve_http(base, destination);
      if (!url || !seen.insert(url->to_string()).second) continue;
      if (out.size() == max_links) return out;
      out.push_back(std::move(*url));
    }
  }
  return out;
}

}  // namespace strata::web
