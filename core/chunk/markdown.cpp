// markdown: blocks are the units: ATX headings ("# ..."), setext headings (a one-line paragraph
// underlined with === or ---), fenced code (``` or ~~~, up to the closing fence), lists (items,
// their continuation lines and the blank lines between items), and paragraphs (a run of
// non-blank lines, which is also how a table is kept whole). Blocks are packed up to the size.
// A chunk never runs across a heading, except that a run of headings with nothing between them
// stays with the text that follows; each chunk carries the heading path of its last block. A
// block alone above the size is cut by lines, then (not for code) sentences, then words.
#include <cstring>
#include <string>

#include "chunk/engine.h"
#include "common/text.h"

namespace strata::chunk::detail {
namespace {

// The longest heading kept in a chunk's heading path; a longer one ends in "…".
constexpr std::size_t kMaxHeadingCodePoints = 200;

struct Line {
  std::size_t start = 0, end = 0, next = 0;  // end excludes "\n" / "\r\n"
};

enum class Kind { none, paragraph, list, fence, heading };

class MarkdownParser {
 public:
  explicit MarkdownParser(Engine& engine)
      : engine_(engine), bounds_(engine.bounds()), t_(engine.bounds().text()) {}

  void run();

 private:
  Line line_at(std::size_t p) const {
    Line l;
    l.start = p;
    const void* nl = std::memchr(t_.data() + p, '\n', t_.size() - p);
    l.end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - t_.data()) : t_.size();
    l.next = nl ? l.end + 1 : t_.size();
    if (l.end > l.start && t_[l.end - 1] == '\r') --l.end;
    return l;
  }
  std::size_t indent(const Line& l) const {
    std::size_t i = l.start;
    while (i < l.end && t_[i] == ' ') ++i;
    return i - l.start;
  }
  bool blank(const Line& l) const {
    for (std::size_t i = l.start; i < l.end; ++i) {
      if (!is_space(t_[i])) return false;
    }
    return true;
  }
  std::size_t trimmed_end(const Line& l) const {
    std::size_t e = l.end;
    while (e > l.start && is_space(t_[e - 1]) && bounds_.is_boundary(e - 1)) --e;
    return e;
  }
  int atx_level(const Line& l, std::string& title) const;
  bool fence_open(const Line& l, char& ch, std::size_t& len) const;
  bool fence_close(const Line& l, char ch, std::size_t len) const;
  bool list_item(const Line& l) const;
  int setext_level(const Line& l) const;

  void open(Kind k, const Line& l) {
    kind_ = k;
    start_ = l.start;
    end_ = trimmed_end(l);
    lines_ = 1;
  }
  void close();
  void heading(std::size_t start, std::size_t end, int level, std::string title);
  void block(std::size_t start, std::size_t end, bool is_heading, bool code);

  Engine& engine_;
  const Boundaries& bounds_;
  std::string_view t_;
  Kind kind_ = Kind::none;
  std::size_t start_ = 0, end_ = 0, lines_ = 0;
  char fence_char_ = 0;
  std::size_t fence_len_ = 0;
  std::vector<std::pair<int, std::string>> path_;
};

int MarkdownParser::atx_level(const Line& l, std::string& title) const {
  if (indent(l) > 3) return 0;
  std::size_t i = l.start + indent(l);
  std::size_t hashes = 0;
  while (i < l.end && t_[i] == '#') ++i, ++hashes;
  if (hashes == 0 || hashes > 6) return 0;
  if (i < l.end && t_[i] != ' ' && t_[i] != '\t') return 0;
  std::size_t e = l.end;
  while (e > i && is_space(t_[e - 1])) --e;
  std::size_t c = e;  // an optional closing sequence of #, after a space
  while (c > i && t_[c - 1] == '#') --c;
  if (c < e && (c == i || t_[c - 1] == ' ' || t_[c - 1] == '\t')) e = c;
  while (i < e && is_space(t_[i])) ++i;
  while (e > i && is_space(t_[e - 1])) --e;
  title.assign(t_.substr(i, e - i));
  return static_cast<int>(hashes);
}

bool MarkdownParser::fence_open(const Line& l, char& ch, std::size_t& len) const {
  if (indent(l) > 3) return false;
  std::size_t i = l.start + indent(l);
  if (i >= l.end || (t_[i] != '`' && t_[i] != '~')) return false;
  ch = t_[i];
  std::size_t j = i;
  while (j < l.end && t_[j] == ch) ++j;
  len = j - i;
  if (len < 3) return false;
  if (ch == '`' && t_.substr(j, l.end - j).find('`') != std::string_view::npos) return false;
  return true;
}

bool MarkdownParser::fence_close(const Line& l, char ch, std::size_t len) const {
  if (indent(l) > 3) return false;
  std::size_t i = l.start + indent(l);
  std::size_t j = i;
  while (j < l.end && t_[j] == ch) ++j;
  if (j - i < len) return false;
  while (j < l.end && is_space(t_[j])) ++j;
  return j == l.end;
}

bool MarkdownParser::list_item(const Line& l) const {
  std::size_t i = l.start;
  while (i < l.end && (t_[i] == ' ' || t_[i] == '\t')) ++i;
  if (i >= l.end) return false;
  std::size_t j = i;
  if (t_[i] == '-' || t_[i] == '*' || t_[i] == '+') {
    j = i + 1;
  } else {
    while (j < l.end && j - i < 9 && t_[j] >= '0' && t_[j] <= '9') ++j;
    if (j == i || j >= l.end || (t_[j] != '.' && t_[j] != ')')) return false;
    ++j;
  }
  return j == l.end || t_[j] == ' ' || t_[j] == '\t';
}

int MarkdownParser::setext_level(const Line& l) const {
  if (indent(l) > 3) return 0;
  std::size_t i = l.start + indent(l);
  if (i >= l.end || (t_[i] != '=' && t_[i] != '-')) return 0;
  const char ch = t_[i];
  while (i < l.end && t_[i] == ch) ++i;
  while (i < l.end && is_space(t_[i])) ++i;
  if (i != l.end) return 0;
  return ch == '=' ? 1 : 2;
}

void MarkdownParser::block(std::size_t start, std::size_t end, bool is_heading, bool code) {
  static const Level text_levels[] = {{LevelKind::literal, "\n"},
                                      {LevelKind::sentence, {}},
                                      {LevelKind::words, {}},
                                      {LevelKind::graphemes, {}}};
  static const Level code_levels[] = {
      {LevelKind::literal, "\n"}, {LevelKind::words, {}}, {LevelKind::graphemes, {}}};
  if (start >= end) return;
  const std::size_t m = engine_.measure()(start, end);
  if (m <= engine_.size()) {
    engine_.push(Piece{start, end, m, npos, engine_.section, is_heading});
  } else {
    engine_.flush();
    engine_.split(start, end, code ? std::span<const Level>(code_levels)
                                   : std::span<const Level>(text_levels));
  }
}

void MarkdownParser::heading(std::size_t start, std::size_t end, int level, std::string title) {
  // Every chunk of the section stores its heading path: a 250 KB "heading" would be stored once
  // per chunk (a store past 60 MB from one file). Depth is at most 6, so this bounds the path.
  if (const std::string_view kept = utf8_prefix(title, kMaxHeadingCodePoints); kept.size() < title.size()) {
    title = std::string(kept) + "\u2026";
  }
  while (!path_.empty() && path_.back().first >= level) path_.pop_back();
  path_.emplace_back(level, std::move(title));
  std::vector<std::string> names;
  names.reserve(path_.size());
  for (const auto& p : path_) names.push_back(p.second);
  if (!engine_.packed_only_headings()) engine_.flush();
  engine_.sections.push_back(std::move(names));
  engine_.section = static_cast<std::uint32_t>(engine_.sections.size() - 1);
  block(start, end, true, false);
}

void MarkdownParser::close() {
  if (kind_ == Kind::none) return;
  block(start_, end_, false, kind_ == Kind::fence);
  kind_ = Kind::none;
}

void MarkdownParser::run() {
  std::size_t p = 0;
  while (p < t_.size()) {
    const Line l = line_at(p);
    p = l.next;
    if (kind_ == Kind::fence) {
      if (fence_close(l, fence_char_, fence_len_)) {
        end_ = trimmed_end(l);
        close();
      } else if (!blank(l)) {
        end_ = trimmed_end(l);
      }
      continue;
    }
    if (blank(l)) {
      if (kind_ == Kind::list) {
        // A list goes on across blank lines when the next text is an item or indented.
        std::size_t q = p;
        while (q < t_.size()) {
          const Line m = line_at(q);
          if (!blank(m)) {
            if (!list_item(m) && indent(m) < 2 && t_[m.start] != '\t') close();
            break;
          }
          q = m.next;
        }
        if (q >= t_.size()) close();
      } else {
        close();
      }
      continue;
    }
    std::string title;
    if (const int level = atx_level(l, title); level > 0) {
      close();
      heading(l.start, trimmed_end(l), level, std::move(title));
      continue;
    }
    if (char ch = 0; fence_open(l, ch, fence_len_)) {
      close();
      open(Kind::fence, l);
      fence_char_ = ch;
      continue;
    }
    if (kind_ == Kind::paragraph && lines_ == 1) {
      if (const int level = setext_level(l); level > 0) {
        const Line first = line_at(start_);
        std::size_t a = first.start, e = end_;
        while (a < e && is_space(t_[a])) ++a;
        const std::size_t block_start = start_;
        kind_ = Kind::none;
        heading(block_start, trimmed_end(l), level, std::string(t_.substr(a, e - a)));
        continue;
      }
    }
    if (list_item(l) && kind_ != Kind::list) {
      close();
      open(Kind::list, l);
      continue;
    }
    if (kind_ == Kind::none) {
      open(Kind::paragraph, l);
    } else {
      end_ = trimmed_end(l);
      ++lines_;
    }
  }
  close();
  engine_.flush();
}

}  // namespace

void run_markdown(Engine& engine) { MarkdownParser(engine).run(); }

}  // namespace strata::chunk::detail
