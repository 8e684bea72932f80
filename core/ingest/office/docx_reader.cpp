#include <algorithm>
#include <map>
#include <optional>

#include "common/text.h"
#include "ingest/office/html_writer.h"
#include "ingest/office/package.h"
#include "ingest/office/readers.h"
#include "ingest/office/xml_parser.h"

namespace strata::ingest::office {
namespace {

bool is_w(std::string_view ns) {
  return ns == "http://schemas.openxmlformats.org/wordprocessingml/2006/main" ||
         ns == "http://purl.oclc.org/ooxml/wordprocessingml/main";
}

// w:val, in whichever WordprocessingML namespace the element is.
std::string_view val(const XmlElement& e) { return e.attribute(e.ns, "val"); }

std::optional<int> small_number(std::string_view s) {
  if (s.empty() || s.size() > 2) return std::nullopt;
  int n = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// What a paragraph style makes of a paragraph.
struct ParagraphKind {
  Block block = Block::paragraph;
  int level = 0;
  bool contents = false;  // a table-of-contents entry: generated from the headings, left out
};

struct Style {
  std::string name;      // lower-cased: built-in names are English ("heading 1") in every locale
  std::string based_on;  // style id
  std::optional<int> outline;
  bool numbered = false;
};

// word/styles.xml: paragraph styles by id.
class StylesReader : public XmlHandler {
 public:
  void start(const XmlElement& e) override {
    if (!is_w(e.ns)) return;
    if (e.local == "style") {
      current_ = e.attribute(e.ns, "type") == "paragraph" ? std::optional<std::string>(e.attribute(e.ns, "styleId"))
                                                          : std::nullopt;
      return;
    }
    if (!current_) return;
    Style& s = styles[*current_];
    if (e.local == "name") s.name = to_lower(val(e));
    else if (e.local == "basedOn") s.based_on = std::string(val(e));
    else if (e.local == "outlineLvl") s.outline = small_number(val(e));
    else if (e.local == "numPr") s.numbered = true;
  }
  void end(std::string_view ns, std::string_view local) override {
    if (is_w(ns) && local == "style") current_.reset();
  }
  void text(std::string_view) override {}

  std::map<std::string, Style, std::less<>> styles;

 private:
  std::optional<std::string> current_;
};

std::optional<int> heading_level_of_name(std::string_view name) {
  if (name == "title") return 1;
  if (name.starts_with("heading ")) {
    const auto n = small_number(name.substr(8));
    if (n && *n >= 1 && *n <= 9) return n;
  }
  return std::nullopt;
}

class Styles {
 public:
  explicit Styles(std::map<std::string, Style, std::less<>> styles) : styles_(std::move(styles)) {}

  ParagraphKind kind_of(std::string_view id) const {
    ParagraphKind kind;
    bool numbered = false;
    // The chain of basedOn, nearest first; bounded, since a file may loop it.
    for (int hops = 0; hops < 16; ++hops) {
      const auto it = styles_.find(id);
      if (it == styles_.end()) {
        if (hops == 0) return guessed_from_id(id);
        break;
      }
      const Style& s = it->second;
      // A name is the style's own (a style based on "Title" is no title); properties such as
      // the outline level are inherited.
      if (hops == 0) {
        if (s.name.starts_with("toc ") || s.name == "toc heading") {
          kind.contents = true;
          return kind;
        }
        if (const auto level = heading_level_of_name(s.name)) return {Block::heading, *level, false};
      }
      if (s.outline && *s.outline < 9) return {Block::heading, *s.outline + 1, false};
      numbered = numbered || s.numbered;
      if (s.based_on.empty()) break;
      id = s.based_on;
    }
    if (numbered) kind.block = Block::list_item;
    return kind;
  }

 private:
  // A document without styles.xml: Word's own ids ("Heading1", "Title").
  static ParagraphKind guessed_from_id(std::string_view id) {
    const std::string l = to_lower(id);
    if (l == "title") return {Block::heading, 1, false};
    if (l.starts_with("heading")) {
      if (const auto n = small_number(l.substr(7)); n && *n >= 1 && *n <= 9) return {Block::heading, *n, false};
    }
    return {};
  }

  std::map<std::string, Style, std::less<>> styles_;
};

// DrawingML's placement of a picture in a Word document; its docPr holds the alternative text.
constexpr std::string_view k_wp_ns = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";

using NoteTexts = std::map<std::string, std::string, std::less<>>;

// word/footnotes.xml and word/endnotes.xml: each note's text by id, its paragraphs joined by a
// space. The separator notes Word keeps there (w:type="separator", …) are no notes.
class NotesReader : public XmlHandler {
 public:
  void start(const XmlElement& e) override {
    if (left_out_.start()) return;
    if (e.is(k_mc_ns, "Fallback")) return left_out_.enter();
    if (!is_w(e.ns)) return;
    const std::string_view n = e.local;
    if (n == "footnote" || n == "endnote") {
      const std::string_view type = e.attribute(e.ns, "type");
      current_ = type.empty() || type == "normal" ? std::optional<std::string>(e.attribute(e.ns, "id")) : std::nullopt;
      text_.clear();
    } else if (n == "moveFrom" || n == "del" || n == "instrText" || n == "delText") {
      left_out_.enter();
    } else if (n == "t") {
      in_text_ = true;
    } else if (n == "tab" || n == "br" || n == "cr") {
      text_ += ' ';
    }
  }
  void end(std::string_view ns, std::string_view local) override {
    if (left_out_.end() || !is_w(ns)) return;
    if (local == "footnote" || local == "endnote") {
      if (current_) notes[*current_] = std::move(text_);
      current_.reset();
      text_.clear();
    } else if (local == "p") {
      text_ += ' ';
    } else if (local == "t") {
      in_text_ = false;
    }
  }
  void text(std::string_view t) override {
    if (in_text_ && current_ && !left_out_.active()) text_ += t;
  }

  NoteTexts notes;

 private:
  std::optional<std::string> current_;  // the id of the note being read
  std::string text_;
  LeftOut left_out_;
  bool in_text_ = false;
};

struct Notes {
  NoteTexts footnotes;
  NoteTexts endnotes;
};

class DocumentReader : public XmlHandler {
 public:
  DocumentReader(const Styles& styles, const Notes& notes) : styles_(styles), notes_(notes) {}

  void start(const XmlElement& e) override {
    if (left_out_.start()) return;
    if (e.is(k_mc_ns, "Fallback")) {
      left_out_.enter();  // the same content as the mc:Choice before it, for older readers
      return;
    }
    if (e.is(k_wp_ns, "docPr")) {
      write(image_text(e.attribute("", "title"), e.attribute("", "descr")));
      return;
    }
    if (!is_w(e.ns)) return;
    const std::string_view n = e.local;
    if (n == "footnoteReference" || n == "endnoteReference") {
      const NoteTexts& texts = n == "footnoteReference" ? notes_.footnotes : notes_.endnotes;
      const auto note = texts.find(e.attribute(e.ns, "id"));
      if (note == texts.end()) return;
      const std::string mark = std::to_string(++marks_);
      write("[" + mark + "]");
      pending_.add(mark, note->second);
    } else if (n == "moveFrom" || n == "del" || n == "instrText" || n == "delText") {
      left_out_.enter();
    } else if (n == "p") {
      paragraphs_.push_back({});
    } else if (n == "pPr") {
      ++properties_;
    } else if (properties_ > 0) {
      paragraph_property(e);
    } else if (n == "t") {
      in_text_ = true;
    } else if (n == "tab") {
      write(" ");
    } else if (n == "br" || n == "cr") {
      if (begun()) writer_.line_break();
    } else if (n == "noBreakHyphen") {
      write("-");
    } else if (const auto part = ooxml_table_part(n)) {
      if (part == TablePart::table) ++tables_;
      writer_.begin(*part);
    }
  }

  void end(std::string_view ns, std::string_view local) override {
    if (left_out_.end()) return;
    if (!is_w(ns)) return;
    if (local == "p") {
      if (!paragraphs_.empty()) {
        if (paragraphs_.back().begun) writer_.end();
        paragraphs_.pop_back();
      }
      flush_notes();
    } else if (local == "pPr") {
      if (properties_ > 0) --properties_;
    } else if (local == "t") {
      in_text_ = false;
    } else if (const auto part = ooxml_table_part(local)) {
      writer_.end(*part);
      if (part == TablePart::table && tables_ > 0) --tables_;
      flush_notes();
    }
  }

  void text(std::string_view t) override {
    if (!left_out_.active() && in_text_) write(t);
  }

  std::string take() { return writer_.take(); }

 private:
  struct Paragraph {
    ParagraphKind kind;
    bool begun = false;
  };

  void paragraph_property(const XmlElement& e) {
    if (paragraphs_.empty() || properties_ != 1) return;
    ParagraphKind& kind = paragraphs_.back().kind;
    if (e.local == "pStyle") {
      const ParagraphKind styled = styles_.kind_of(val(e));
      const bool list = kind.block == Block::list_item;
      kind = styled;
      if (list && kind.block == Block::paragraph) kind.block = Block::list_item;
    } else if (e.local == "numPr" && kind.block == Block::paragraph) {
      kind.block = Block::list_item;
    } else if (e.local == "outlineLvl") {
      if (const auto n = small_number(val(e)); n && *n < 9) kind = {Block::heading, *n + 1, false};
    }
  }

  bool begun() const { return !paragraphs_.empty() && paragraphs_.back().begun; }

  // Notes follow the outermost paragraph or table that referenced them (PendingNotes).
  void flush_notes() {
    if (paragraphs_.empty() && tables_ == 0) pending_.flush(writer_);
  }

  void write(std::string_view t) {
    if (t.empty()) return;
    if (!paragraphs_.empty()) {
      Paragraph& p = paragraphs_.back();
      if (p.kind.contents) return;
      if (!p.begun) {
        if (t == " ") return;  // a tab before any text
        writer_.begin(p.kind.block, p.kind.level);
        p.begun = true;
      }
    }
    writer_.text(t);
  }

  const Styles& styles_;
  const Notes& notes_;
  HtmlWriter writer_;
  PendingNotes pending_;
  int marks_ = 0;   // notes referenced so far: footnotes and endnotes are numbered together
  int tables_ = 0;  // open w:tbl
  std::vector<Paragraph> paragraphs_;
  LeftOut left_out_;    // revisions, field codes, fallback copies
  int properties_ = 0;  // depth inside w:pPr
  bool in_text_ = false;
};

// The notes part of `kind` ("footnotes", "endnotes") the document's relationships name, else
// Word's usual place for it; none when it is absent.
NoteTexts read_notes(ZipArchive& zip, const std::vector<Relationship>& rels, const std::string& document_part,
                     const std::string& kind) {
  const Relationship* r = find_relationship(rels, kind);
  const std::string part = r != nullptr ? r->target : directory_of(document_part) + kind + ".xml";
  NotesReader reader;
  if (const auto xml = zip.read_if_present(part)) parse_xml(*xml, part, reader);
  return std::move(reader.notes);
}

Styles read_styles(ZipArchive& zip, const std::vector<Relationship>& rels, const std::string& document_part) {
  const Relationship* r = find_relationship(rels, "styles");
  const std::string part = r != nullptr ? r->target : directory_of(document_part) + "styles.xml";
  StylesReader reader;
  if (const auto xml = zip.read_if_present(part)) parse_xml(*xml, part, reader);
  return Styles(std::move(reader.styles));
}

}  // namespace

OfficeRawDocument read_docx(ZipArchive& zip) {
  const std::vector<Relationship> package = read_relationships(zip, "");
  const Relationship* main = find_relationship(package, "officeDocument");
  const std::string document_part = main != nullptr ? main->target : "word/document.xml";
  const std::string xml = zip.read(document_part);
  const std::vector<Relationship> rels = read_relationships(zip, document_part);
  const Styles styles = read_styles(zip, rels, document_part);
  const Notes notes{read_notes(zip, rels, document_part, "footnotes"), read_notes(zip, rels, document_part, "endnotes")};
  DocumentReader reader(styles, notes);
  parse_xml(xml, document_part, reader);
  OfficeRawDocument out;
  out.title = core_properties_title(zip, package);
  out.parts.push_back(reader.take());
  return out;
}

}  // namespace strata::ingest::office
