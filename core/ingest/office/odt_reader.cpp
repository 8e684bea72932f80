#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/text.h"

#include "ingest/office/html_writer.h"
#include "ingest/office/package.h"
#include "ingest/office/readers.h"
#include "ingest/office/xml_parser.h"

namespace strata::ingest::office {
namespace {

constexpr std::string_view k_office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
constexpr std::string_view k_text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
constexpr std::string_view k_table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
constexpr std::string_view k_style_ns = "urn:oasis:names:tc:opendocument:xmlns:style:1.0";
constexpr std::string_view k_draw_ns = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
constexpr std::string_view k_svg_ns = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";

// Content a reader does not see as the document's text, or sees twice: revisions, comments,
// and indexes generated from the headings or the text. (Notes are text, placed after their
// paragraph: PendingNotes.)
bool is_left_out(const XmlElement& e) {
  if (e.ns == k_office_ns) return e.local == "annotation" || e.local == "forms";
  if (e.ns != k_text_ns) return false;
  const std::string_view n = e.local;
  return n == "tracked-changes" || n == "sequence-decls" || n == "variable-decls" ||
         n == "user-field-decls" || n == "table-of-content" || n == "illustration-index" || n == "table-index" ||
         n == "object-index" || n == "user-index" || n == "alphabetical-index" || n == "bibliography";
}

std::optional<TablePart> table_part(std::string_view ns, std::string_view local) {
  if (ns != k_table_ns) return std::nullopt;
  if (local == "table") return TablePart::table;
  if (local == "table-row") return TablePart::row;
  if (local == "table-cell") return TablePart::cell;
  return std::nullopt;
}

// A positive number of at most two digits, else `otherwise`.
int level_or(std::string_view v, int otherwise) {
  if (v.empty() || v.size() > 2) return otherwise;
  int n = 0;
  for (const char c : v) {
    if (c < '0' || c > '9') return otherwise;
    n = n * 10 + (c - '0');
  }
  return n >= 1 ? n : otherwise;
}

// The heading level a paragraph style name (as ODF encodes it: "Heading_20_2") stands for; 0
// for a plain paragraph. A text:p in the "Title" style is the document's title as a reader sees it.
int heading_level_of_style(std::string_view name) {
  if (name == "Title") return 1;
  constexpr std::string_view k_heading = "Heading_20_";
  return name.starts_with(k_heading) ? level_or(name.substr(k_heading.size()), 0) : 0;
}

class ContentReader : public XmlHandler {
 public:
  void start(const XmlElement& e) override {
    if (left_out_.start()) return;
    if (e.is(k_office_ns, "body")) {
      ++body_;
      return;
    }
    if (body_ == 0) {
      // Automatic styles (P1, P2, ...) stand for a named style plus direct formatting.
      if (e.is(k_style_ns, "style")) {
        parents_[std::string(e.attribute(k_style_ns, "name"))] = std::string(e.attribute(k_style_ns, "parent-style-name"));
      }
      return;
    }
    if (is_left_out(e)) {
      left_out_.enter();
      return;
    }
    if (note_depth_ > 0) return note_element(e);
    if (e.is(k_text_ns, "note")) {
      note_depth_ = 1;
      citation_.clear();
      note_text_.clear();
      return;
    }
    if (e.is(k_svg_ns, "title")) {
      capture_ = &image_title_;
    } else if (e.is(k_svg_ns, "desc")) {
      capture_ = &image_description_;
    } else if (e.ns == k_text_ns) {
      text_element(e);
    } else if (const auto part = table_part(e.ns, e.local)) {
      if (part == TablePart::table) ++tables_;
      writer_.begin(*part);
    }
  }

  void end(std::string_view ns, std::string_view local) override {
    if (left_out_.end()) return;
    if (ns == k_office_ns && local == "body") {
      if (body_ > 0) --body_;
      return;
    }
    if (body_ == 0) return;
    if (note_depth_ > 0) return note_end(ns, local);
    if (ns == k_svg_ns && (local == "title" || local == "desc")) {
      capture_ = nullptr;
    } else if (ns == k_draw_ns && (!image_title_.empty() || !image_description_.empty())) {
      write_image();  // the end of the frame or shape the title and description belong to
    } else if (ns == k_text_ns) {
      if (local == "p" || local == "h") {
        if (!blocks_.empty()) {
          if (blocks_.back().begun) writer_.end();
          blocks_.pop_back();
        }
        flush_notes();
      } else if (local == "list-item" || local == "list-header") {
        if (!list_items_.empty()) list_items_.pop_back();
      }
    } else if (const auto part = table_part(ns, local)) {
      writer_.end(*part);
      if (part == TablePart::table && tables_ > 0) --tables_;
      flush_notes();
    }
  }

  void text(std::string_view t) override {
    if (left_out_.active() || body_ == 0) return;
    if (note_depth_ > 0) {
      (in_citation_ ? citation_ : note_text_) += t;
    } else if (capture_ != nullptr) {
      *capture_ += t;
    } else if (!blocks_.empty()) {
      write(t);
    }
  }

  std::string take() { return writer_.take(); }

 private:
  struct Pending {
    Block block;
    int level;
    bool begun = false;
  };

  void text_element(const XmlElement& e) {
    const std::string_view n = e.local;
    if (n == "h") {
      blocks_.push_back({Block::heading, level_or(e.attribute(k_text_ns, "outline-level"), 1)});
    } else if (n == "p") {
      // The first paragraph of a list item carries its bullet.
      const bool first_in_item = !list_items_.empty() && !list_items_.back();
      if (first_in_item) list_items_.back() = true;
      const int level = styled_heading_level(e.attribute(k_text_ns, "style-name"));
      blocks_.push_back({level > 0 ? Block::heading : first_in_item ? Block::list_item : Block::paragraph, level});
    } else if (n == "list-item" || n == "list-header") {
      list_items_.push_back(false);
    } else if (n == "s") {
      write(" ");  // text:c more spaces collapse to one when rendered anyway
    } else if (n == "tab") {
      write(" ");
    } else if (n == "line-break") {
      if (!blocks_.empty() && blocks_.back().begun) writer_.line_break();
    }
  }

  // Inside text:note: its citation (the mark the document shows) and its body's text.
  void note_element(const XmlElement& e) {
    ++note_depth_;
    if (e.is(k_text_ns, "note-citation")) in_citation_ = true;
    else if (e.ns == k_text_ns && (e.local == "s" || e.local == "tab" || e.local == "line-break")) note_text_ += ' ';
  }

  void note_end(std::string_view ns, std::string_view local) {
    if (--note_depth_ > 0) {
      if (ns == k_text_ns && local == "note-citation") in_citation_ = false;
      if (ns == k_text_ns && (local == "p" || local == "h")) note_text_ += ' ';
      return;
    }
    in_citation_ = false;  // the text:note itself has ended
    const std::string mark(trim(citation_));
    if (mark.empty()) return;
    write("[" + mark + "]");
    pending_.add(mark, note_text_);
  }

  void write_image() {
    const std::string text = image_text(image_title_, image_description_);
    image_title_.clear();
    image_description_.clear();
    if (!blocks_.empty()) return write(text);
    writer_.begin(Block::paragraph);  // a frame anchored to the page, outside any paragraph
    writer_.text(text);
    writer_.end();
  }

  // Notes follow the outermost paragraph or table that referenced them (PendingNotes).
  void flush_notes() {
    if (blocks_.empty() && tables_ == 0) pending_.flush(writer_);
  }

  int styled_heading_level(std::string_view style) const {
    if (const int level = heading_level_of_style(style)) return level;
    const auto parent = parents_.find(style);
    return parent == parents_.end() ? 0 : heading_level_of_style(parent->second);
  }

  void write(std::string_view t) {
    if (blocks_.empty()) return;
    Pending& b = blocks_.back();
    if (!b.begun) {
      if (t == " ") return;
      writer_.begin(b.block, b.level);
      b.begun = true;
    }
    writer_.text(t);
  }

  HtmlWriter writer_;
  PendingNotes pending_;
  std::string citation_;           // the note being read: its mark
  std::string note_text_;          // and its text
  std::string image_title_;        // svg:title and svg:desc of the frame being read
  std::string image_description_;
  std::string* capture_ = nullptr;  // which of the two the text goes to, inside one of them
  int note_depth_ = 0;             // elements open inside a text:note (1: the note itself)
  bool in_citation_ = false;
  int tables_ = 0;                 // open table:table
  std::map<std::string, std::string, std::less<>> parents_;  // automatic style → its named style
  std::vector<Pending> blocks_;
  std::vector<bool> list_items_;  // open list items: whether their first paragraph came
  int body_ = 0;
  LeftOut left_out_;
};

}  // namespace

OfficeRawDocument read_odt(ZipArchive& zip) {
  const std::string xml = zip.read("content.xml");
  ContentReader reader;
  parse_xml(xml, "content.xml", reader);
  OfficeRawDocument out;
  if (const auto meta = zip.read_if_present("meta.xml")) {
    out.title = first_element_text(*meta, "meta.xml", k_dc_ns, "title");
  }
  out.parts.push_back(reader.take());
  return out;
}

}  // namespace strata::ingest::office
