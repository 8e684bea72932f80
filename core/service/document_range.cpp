#include "service/document_range.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "common/utf8.h"
#include "store/catalog.h"

namespace strata::service {
namespace {

// Gathers the lines of a range from the document's text as it is rebuilt piece by piece.
class LineCollector {
 public:
  LineCollector(LineRange range, std::size_t max_bytes) : range_(range), max_(max_bytes) {}

  std::int64_t line() const { return line_; }
  bool done() const { return full_ || (range_.last > 0 && line_ > range_.last); }

  void append(std::string_view piece) {
    while (!piece.empty() && !done()) {
      const std::size_t nl = piece.find('\n');
      const std::string_view segment = nl == std::string_view::npos ? piece : piece.substr(0, nl + 1);
      if (line_ >= range_.first) add(segment);
      if (nl == std::string_view::npos) return;
      piece.remove_prefix(nl + 1);
      ++line_;
    }
  }

  DocumentPart finish(std::int64_t document_lines) {
    DocumentPart p;
    p.document_lines = document_lines;
    if (out_.size() > max_) {
      p.truncated = true;
      if (whole_ > 0) {
        out_.resize(whole_);
        last_line_ = whole_line_;
      } else {
        out_.resize(utf8_boundary_before(out_, max_));
        last_line_ = first_line_;
      }
    }
    if (!p.truncated && range_.last > 0 && last_line_ < range_.last && last_line_ < document_lines) p.truncated = true;
    p.text = std::move(out_);
    p.first_line = p.text.empty() ? 0 : first_line_;
    p.last_line = p.text.empty() ? 0 : last_line_;
    return p;
  }

 private:
  void add(std::string_view segment) {
    if (out_.empty()) first_line_ = line_;
    out_.append(segment);
    last_line_ = line_;
    if (segment.back() == '\n' && out_.size() <= max_) {
      whole_ = out_.size();
      whole_line_ = line_;
    }
    full_ = out_.size() > max_;
  }

  LineRange range_;
  std::size_t max_;
  std::int64_t line_ = 1;
  std::string out_;
  std::int64_t first_line_ = 0, last_line_ = 0;
  std::size_t whole_ = 0;  // bytes of out_ that end a whole line within the cap
  std::int64_t whole_line_ = 0;
  bool full_ = false;
};

}  // namespace

namespace {

// The chunks of a document, in order.
std::vector<store::ChunkView> chunks_of(store::Store& store, std::int64_t document_id) {
  std::vector<store::ChunkView> chunks;
  store::for_each_chunk(store, document_id, [&](const store::ChunkView& c) { chunks.push_back(c); });
  return chunks;
}

std::int64_t newlines(std::string_view s) { return static_cast<std::int64_t>(std::count(s.begin(), s.end(), '\n')); }

// Whether the chunks' cited lines are the lines of the text they rebuild (the chunker's count:
// a chunk's first line is the line of its first byte, its last the line of its last byte but a
// final newline). False for HTML, whose chunks cite the file's lines.
bool cites_text_lines(const std::vector<store::ChunkView>& chunks) {
  std::int64_t line = 1;  // the line at `end` in the rebuilt text
  std::int64_t end = 0;
  for (const store::ChunkView& c : chunks) {
    if (c.text.empty() || c.end_byte <= end) continue;
    std::string_view piece = c.text;
    std::int64_t first = line;
    if (c.start_byte < end) {
      const std::string_view shared = piece.substr(0, std::min(piece.size(), static_cast<std::size_t>(end - c.start_byte)));
      first = line - newlines(shared);
      piece.remove_prefix(shared.size());
    } else if (c.start_byte > end && c.line_start > line) {
      first = line = c.line_start;  // the whitespace between held line breaks (read_text_lines)
    }
    if (first != c.line_start) return false;
    line += newlines(piece);
    if (line - (c.text.back() == '\n' ? 1 : 0) != c.line_end) return false;
    end = c.end_byte;
  }
  return true;
}

DocumentPart read_text_lines(const std::vector<store::ChunkView>& chunks, LineRange range, std::size_t max_bytes) {
  LineCollector lines(range, max_bytes);
  std::int64_t end = 0;  // offset in the loaded text that the rebuilt text has reached
  std::int64_t document_lines = 0;
  for (const store::ChunkView& c : chunks) {
    document_lines = std::max(document_lines, c.line_end);
    if (lines.done() || c.end_byte <= end) continue;
    std::string_view piece = c.text;
    if (c.start_byte < end) {
      piece.remove_prefix(std::min(piece.size(), static_cast<std::size_t>(end - c.start_byte)));
    } else if (c.start_byte > end) {
      // What the chunker left out between two chunks is whitespace: the chunk's own line number
      // says how many line breaks it held.
      if (c.line_start > lines.line()) {
        lines.append(std::string(static_cast<std::size_t>(c.line_start - lines.line()), '\n'));
      } else {
        lines.append(std::string(static_cast<std::size_t>(std::min<std::int64_t>(c.start_byte - end, 4096)), ' '));
      }
    }
    lines.append(piece);
    end = c.end_byte;
  }
  DocumentPart p = lines.finish(document_lines);
  if (p.truncated) p.next_line = p.last_line + 1;
  return p;
}

// The whole chunks whose cited lines meet `range`, for a document whose chunks cite the lines of
// a file that is not their text (the header says why).
DocumentPart read_cited_chunks(const std::vector<store::ChunkView>& chunks, LineRange range, std::size_t max_bytes) {
  DocumentPart p;
  p.file_lines = true;
  std::int64_t end = -1;  // where the text written so far ends in the loaded text; -1: nothing yet
  for (const store::ChunkView& c : chunks) {
    p.document_lines = std::max(p.document_lines, c.line_end);
    if (p.truncated || c.line_end < range.first || (range.last > 0 && c.line_start > range.last)) continue;
    if (c.end_byte <= end) continue;  // inside what was written
    std::string_view piece = c.text;
    std::string gap;
    if (end >= 0 && c.start_byte < end) {
      piece.remove_prefix(std::min(piece.size(), static_cast<std::size_t>(end - c.start_byte)));
    } else if (end >= 0) {
      // Whitespace the chunker left out, or chunks of other lines between: a line break, and a
      // blank line where more than one character was left out, so that a heading starting the
      // next chunk stays on its own line.
      gap = c.start_byte - end == 1 ? "\n" : "\n\n";
    }
    if (p.text.size() + gap.size() + piece.size() > max_bytes) {
      p.truncated = true;
      if (!p.text.empty()) {
        p.next_chunk = c.ordinal;
        continue;
      }
      piece = piece.substr(0, utf8_boundary_before(piece, max_bytes));
      const std::size_t line_end = piece.rfind('\n');
      if (line_end != std::string_view::npos) piece = piece.substr(0, line_end + 1);
      p.next_chunk = c.ordinal + 1;  // the rest of this chunk: read_chunks gives it whole
    }
    if (p.text.empty()) {
      p.first_line = c.line_start;
      p.last_line = c.line_end;
    }
    p.text.append(gap);
    p.text.append(piece);
    p.first_line = std::min(p.first_line, c.line_start);
    p.last_line = std::max(p.last_line, c.line_end);
    end = c.end_byte;
  }
  if (p.truncated && p.next_chunk >= 0) {
    // A start_line reads on when the next chunk begins on a line not yet returned.
    for (const store::ChunkView& c : chunks) {
      if (c.ordinal == p.next_chunk && c.line_start > p.last_line) {
        p.next_line = c.line_start;
        p.next_chunk = -1;
      }
    }
  }
  return p;
}

}  // namespace

DocumentPart read_lines(store::Store& store, std::int64_t document_id, LineRange range, std::size_t max_bytes) {
  const std::vector<store::ChunkView> chunks = chunks_of(store, document_id);
  return cites_text_lines(chunks) ? read_text_lines(chunks, range, max_bytes) : read_cited_chunks(chunks, range, max_bytes);
}

std::string read_on_with(const DocumentPart& part) {
  if (!part.truncated || part.text.empty()) return "";
  return part.next_chunk >= 0 ? "first_chunk " + std::to_string(part.next_chunk) : "start_line " + std::to_string(part.next_line);
}

ChunkPart read_chunks(store::Store& store, std::int64_t document_id, std::int64_t first, std::int64_t last,
                      std::size_t max_bytes) {
  ChunkPart p;
  p.first_chunk = first;
  store::for_each_chunk(store, document_id, [&](const store::ChunkView& c) {
    ++p.document_chunks;
    if (c.ordinal < first || (last >= 0 && c.ordinal > last) || p.truncated) return;
    std::string block = "--- chunk " + std::to_string(c.ordinal) + ", lines " + std::to_string(c.line_start) + "-" +
                        std::to_string(c.line_end) + " ---\n" + c.text;
    if (block.back() != '\n') block += '\n';
    if (p.text.size() + block.size() > max_bytes) {
      p.truncated = true;
      if (!p.text.empty()) return;
      block.resize(utf8_boundary_before(block, max_bytes));
    }
    if (p.text.empty()) p.first_line = c.line_start;
    p.text += block;
    p.last_chunk = c.ordinal;
    p.last_line = c.line_end;
  });
  if (p.text.empty()) p.first_chunk = 0;
  return p;
}

}  // namespace strata::service
