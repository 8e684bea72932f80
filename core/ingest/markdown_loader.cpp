#include "ingest/markdown_loader.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "common/text.h"
#include "ingest/text_loader.h"

namespace strata::ingest {
namespace {

// Splits text into lines (without "\n" or a trailing "\r"), one at a time.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  std::optional<std::string_view> next() {
    if (position_ > text_.size()) return std::nullopt;
    const std::size_t nl = std::min(text_.find('\n', position_), text_.size());
    std::string_view line = text_.substr(position_, nl - position_);
    position_ = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  // Byte offset of the next line.
  std::size_t position() const { return std::min(position_, text_.size()); }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

// `line` without up to three leading spaces; nullopt when indented four or more (code).
std::optional<std::string_view> unindented(std::string_view line) {
  std::size_t spaces = 0;
  while (spaces < line.size() && line[spaces] == ' ') ++spaces;
  if (spaces > 3) return std::nullopt;
  return line.substr(spaces);
}

std::string unquote_yaml(std::string_view value) {
  const bool quoted = value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
                      value.back() == value.front();
  if (!quoted) return std::string(trim(value.substr(0, value.find(" #"))));  // drop a comment
  const char quote = value.front();
  value = value.substr(1, value.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(value[i]);
    // '' is the only escape of a single-quoted YAML scalar.
    if (quote == '\'' && value[i] == '\'' && i + 1 < value.size() && value[i + 1] == '\'') ++i;
  }
  return out;
}

// YAML front matter: "---" on the first line, closed by "---" or "...".
struct FrontMatter {
  std::string title;            // the `title:` value; may be empty
  std::size_t body_start = 0;   // where the markdown after the front matter starts
};

FrontMatter read_front_matter(std::string_view text) {
  LineReader lines(text);
  const auto first = lines.next();
  if (!first || trim(*first) != "---") return {};
  FrontMatter fm;
  while (const auto line = lines.next()) {
    if (*line == "---" || *line == "...") {
      fm.body_start = lines.position();
      return fm;
    }
    if (fm.title.empty() && to_lower(line->substr(0, 6)) == "title:") {
      fm.title = unquote_yaml(trim(line->substr(6)));
    }
  }
  return {};  // never closed: not front matter after all
}

// A fenced code block line: ``` or ~~~ (three or more) and what follows them.
struct Fence {
  char marker = 0;
  std::size_t length = 0;
  std::string_view info;
};

std::optional<Fence> fence_of(std::string_view line) {
  const auto body = unindented(line);
  if (!body || body->size() < 3 || (body->front() != '`' && body->front() != '~')) return std::nullopt;
  const char marker = body->front();
  const std::size_t length = std::min(body->find_first_not_of(marker), body->size());
  if (length < 3) return std::nullopt;
  return Fence{marker, length, body->substr(length)};
}

bool closes(const Fence& open, const Fence& line) {
  return line.marker == open.marker && line.length >= open.length && trim(line.info).empty();
}

// The text of an ATX level-1 heading ("# Title #"), or nullopt.
std::optional<std::string_view> atx_h1_of(std::string_view line) {
  const auto body = unindented(line);
  if (!body || body->empty() || body->front() != '#') return std::nullopt;
  if (body->size() > 1 && (*body)[1] != ' ' && (*body)[1] != '\t') return std::nullopt;
  std::string_view content = trim(body->substr(1));
  // An optional closing run of #s, after a space, is not part of the heading.
  const std::size_t last = content.find_last_not_of('#');
  if (last == std::string_view::npos) return std::string_view{};
  if (last + 1 < content.size() && (content[last] == ' ' || content[last] == '\t')) {
    content = trim(content.substr(0, last));
  }
  return content;
}

bool is_setext_h1_underline(std::string_view line) {
  const auto body = unindented(line);
  if (!body || body->empty() || body->front() != '=') return false;
  const std::size_t end = body->find_first_not_of('=');
  return end == std::string_view::npos || trim(body->substr(end)).empty();
}

// The first level-1 heading outside fenced code; an ATX heading anywhere wins over a Setext one.
std::string markdown_heading_title(std::string_view body) {
  LineReader lines(body);
  std::optional<Fence> open_fence;
  std::string_view previous;  // the line before, when it may be a Setext heading's text
  std::string setext;
  while (const auto line = lines.next()) {
    if (const auto fence = fence_of(*line)) {
      if (!open_fence) {
        open_fence = fence;
      } else if (closes(*open_fence, *fence)) {
        open_fence.reset();
      }
      previous = {};
      continue;
    }
    if (open_fence) continue;
    if (const auto h1 = atx_h1_of(*line)) {
      if (!h1->empty()) return std::string(*h1);
      previous = {};
      continue;
    }
    if (setext.empty() && !trim(previous).empty() && is_setext_h1_underline(*line)) {
      setext = std::string(trim(previous));
    }
    previous = *line;
  }
  return setext;
}

// Title of a markdown document: front matter `title:`, else the first "# " heading, else the
// first Setext (===) heading.
std::string markdown_title(std::string_view text) {
  FrontMatter fm = read_front_matter(text);
  if (!fm.title.empty()) return std::move(fm.title);
  // Past the front matter, so that its closing "---" is not read as a heading underline.
  return markdown_heading_title(text.substr(fm.body_start));
}

}  // namespace

LoadedDocument load_markdown(std::string_view bytes, const LoadProgress& progress) {
  LoadedDocument doc = load_text(bytes, progress);
  doc.title = markdown_title(doc.text);
  return doc;
}

}  // namespace strata::ingest
