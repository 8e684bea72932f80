#include "mcp/document_range.h"

#include <algorithm>
#include <string_view>

#include "common/utf8.h"
#include "store/catalog.h"

namespace strata::mcp {
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

DocumentPart read_lines(store::Store& store, std::int64_t document_id, LineRange range, std::size_t max_bytes) {
  LineCollector lines(range, max_bytes);
  std::int64_t end = 0;  // offset in the loaded text that the rebuilt text has reached
  std::int64_t document_lines = 0;
  store::for_each_chunk(store, document_id, [&](const store::ChunkView& c) {
    document_lines = std::max(document_lines, c.line_end);
    if (lines.done() || c.end_byte <= end) return;
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
  });
  return lines.finish(document_lines);
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

}  // namespace strata::mcp
