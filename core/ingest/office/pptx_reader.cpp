#include <map>
#include <vector>

#include "ingest/office/html_writer.h"
#include "ingest/office/office_error.h"
#include "ingest/office/package.h"
#include "ingest/office/readers.h"
#include "ingest/office/xml_parser.h"

namespace strata::ingest::office {
namespace {

bool is_p(std::string_view ns) {
  return ns == "http://schemas.openxmlformats.org/presentationml/2006/main" ||
         ns == "http://purl.oclc.org/ooxml/presentationml/main";
}
bool is_a(std::string_view ns) {
  return ns == "http://schemas.openxmlformats.org/drawingml/2006/main" || ns == "http://purl.oclc.org/ooxml/drawingml/main";
}
bool is_r(std::string_view ns) {
  return ns == "http://schemas.openxmlformats.org/officeDocument/2006/relationships" ||
         ns == "http://purl.oclc.org/ooxml/officeDocument/relationships";
}

// The relationship id attribute (r:id), whichever relationships namespace it is in.
std::string_view relationship_id(const XmlElement& e) {
  for (const XmlAttribute& a : e.attributes) {
    if (a.local == "id" && is_r(a.ns)) return a.value;
  }
  return {};
}

// presentation.xml: the slides' relationship ids in presentation order.
class SlideListReader : public XmlHandler {
 public:
  void start(const XmlElement& e) override {
    if (is_p(e.ns) && e.local == "sldId") ids.emplace_back(relationship_id(e));
  }
  void end(std::string_view, std::string_view) override {}
  void text(std::string_view) override {}
  std::vector<std::string> ids;
};

enum class Role { text, title, bullets, left_out };
enum class Part { slide, notes };

// A placeholder's role by its type; ST_PlaceholderType's default is "obj", a content placeholder.
Role role_of_placeholder(std::string_view type, Part part) {
  if (part == Part::notes) return type == "body" ? Role::text : Role::left_out;
  if (type == "title" || type == "ctrTitle") return Role::title;
  if (type.empty() || type == "body" || type == "obj") return Role::bullets;
  if (type == "subTitle") return Role::text;
  return Role::left_out;  // sldNum, dt, ftr, hdr, sldImg, pic, chart, ...: page furniture
}

class SlideReader : public XmlHandler {
 public:
  SlideReader(HtmlWriter& writer, Part part) : writer_(writer), part_(part) {}

  void start(const XmlElement& e) override {
    if (left_out_.start()) return;
    if (e.is(k_mc_ns, "Fallback")) {
      left_out_.enter();
      return;
    }
    if (is_p(e.ns)) {
      if (e.local == "sp") shapes_.push_back(part_ == Part::notes ? Role::left_out : Role::text);
      else if (e.local == "ph" && !shapes_.empty()) shapes_.back() = role_of_placeholder(e.attribute({}, "type"), part_);
      return;
    }
    if (!is_a(e.ns) || role() == Role::left_out) return;
    const std::string_view n = e.local;
    if (n == "p") {
      paragraphs_.push_back({});
    } else if (n == "t") {
      in_text_ = true;
    } else if (n == "br") {
      if (!paragraphs_.empty() && paragraphs_.back()) writer_.line_break();
    } else if (const auto part = ooxml_table_part(n)) {
      writer_.begin(*part);
    }
  }

  void end(std::string_view ns, std::string_view local) override {
    if (left_out_.end()) return;
    if (is_p(ns)) {
      if (local == "sp" && !shapes_.empty()) {
        if (title_open_) writer_.end();
        title_open_ = false;
        shapes_.pop_back();
      }
      return;
    }
    if (!is_a(ns) || role() == Role::left_out) return;
    if (local == "p") {
      if (!paragraphs_.empty()) {
        // A title's paragraphs are lines of one heading, closed with its shape.
        if (paragraphs_.back() && role() != Role::title) writer_.end();
        paragraphs_.pop_back();
      }
    } else if (local == "t") {
      in_text_ = false;
    } else if (const auto part = ooxml_table_part(local)) {
      writer_.end(*part);
    }
  }

  void text(std::string_view t) override {
    if (left_out_.active() || !in_text_ || role() == Role::left_out || paragraphs_.empty()) return;
    if (!paragraphs_.back()) {
      paragraphs_.back() = true;
      if (role() == Role::title) {
        if (title_open_) writer_.line_break();
        else writer_.begin(Block::heading, 1);
        title_open_ = true;
      } else {
        writer_.begin(role() == Role::bullets ? Block::list_item : Block::paragraph);
      }
    }
    writer_.text(t);
  }

 private:
  Role role() const { return shapes_.empty() ? (part_ == Part::notes ? Role::left_out : Role::text) : shapes_.back(); }

  HtmlWriter& writer_;
  Part part_;
  std::vector<Role> shapes_;
  std::vector<bool> paragraphs_;  // open a:p elements: whether their block has begun
  bool title_open_ = false;
  bool in_text_ = false;
  LeftOut left_out_;
};

std::string read_slide(ZipArchive& zip, const std::string& slide_part) {
  HtmlWriter writer;
  SlideReader slide(writer, Part::slide);
  parse_xml(zip.read(slide_part), slide_part, slide);
  const std::vector<Relationship> rels = read_relationships(zip, slide_part);
  if (const Relationship* notes = find_relationship(rels, "notesSlide")) {
    if (const auto xml = zip.read_if_present(notes->target)) {
      SlideReader reader(writer, Part::notes);
      parse_xml(*xml, notes->target, reader);
    }
  }
  return writer.take();
}

}  // namespace

OfficeRawDocument read_pptx(ZipArchive& zip) {
  const std::vector<Relationship> package = read_relationships(zip, "");
  const Relationship* main = find_relationship(package, "officeDocument");
  const std::string presentation = main != nullptr ? main->target : "ppt/presentation.xml";
  SlideListReader list;
  parse_xml(zip.read(presentation), presentation, list);
  std::map<std::string, std::string, std::less<>> targets;
  for (Relationship& r : read_relationships(zip, presentation)) targets[r.id] = std::move(r.target);
  OfficeRawDocument out;
  out.title = core_properties_title(zip, package);
  for (const std::string& id : list.ids) {
    const auto it = targets.find(id);
    if (it == targets.end()) throw OfficeError(presentation + ": slide " + id + " has no part");
    out.parts.push_back(read_slide(zip, it->second));
  }
  return out;
}

}  // namespace strata::ingest::office
