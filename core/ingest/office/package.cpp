#include "ingest/office/package.h"

#include "ingest/office/xml_parser.h"

namespace strata::ingest::office {
namespace {

constexpr std::string_view k_relationships_ns = "http://schemas.openxmlformats.org/package/2006/relationships";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

class RelationshipsReader : public XmlHandler {
 public:
  explicit RelationshipsReader(std::string base) : base_(std::move(base)) {}
  void start(const XmlElement& e) override {
    if (!e.is(k_relationships_ns, "Relationship")) return;
    if (e.attribute({}, "TargetMode") == "External") return;
    const std::string_view target = e.attribute({}, "Target");
    if (target.empty()) return;
    found.push_back({std::string(e.attribute({}, "Id")), std::string(e.attribute({}, "Type")),
                     resolve_part(base_, target)});
  }
  void end(std::string_view, std::string_view) override {}
  void text(std::string_view) override {}

  std::vector<Relationship> found;

 private:
  std::string base_;
};

class FirstElementText : public XmlHandler {
 public:
  FirstElementText(std::string_view ns, std::string_view local) : ns_(ns), local_(local) {}
  void start(const XmlElement& e) override {
    if (done_) return;
    if (depth_ > 0) {
      ++depth_;
    } else if (e.is(ns_, local_)) {
      depth_ = 1;
    }
  }
  void end(std::string_view, std::string_view) override {
    if (depth_ > 0 && --depth_ == 0) done_ = true;
  }
  void text(std::string_view t) override {
    if (depth_ == 0 || done_) return;
    for (const char c : t) {
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
      if (space) {
        pending_space_ = !value.empty();
      } else {
        if (pending_space_) value += ' ';
        pending_space_ = false;
        value += c;
      }
    }
  }

  std::string value;

 private:
  std::string_view ns_, local_;
  int depth_ = 0;
  bool done_ = false;
  bool pending_space_ = false;
};

}  // namespace

std::string directory_of(std::string_view part) {
  const std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

std::string resolve_part(std::string_view base, std::string_view reference) {
  reference = reference.substr(0, reference.find_first_of("#?"));
  std::string path = percent_decoded(reference);
  if (!path.empty() && path.front() == '/') {
    path.erase(0, 1);
  } else {
    path = std::string(base) + path;
  }
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

std::vector<Relationship> read_relationships(ZipArchive& zip, std::string_view part) {
  const std::string folder = directory_of(part);
  const std::string name(part.substr(folder.size()));
  const std::string rels_part = folder + "_rels/" + name + ".rels";
  const auto xml = zip.read_if_present(rels_part);
  if (!xml) return {};
  RelationshipsReader reader(folder);
  parse_xml(*xml, rels_part, reader);
  return std::move(reader.found);
}

const Relationship* find_relationship(const std::vector<Relationship>& relationships, std::string_view kind) {
  for (const Relationship& r : relationships) {
    const std::string_view type = r.type;
    if (type.size() > kind.size() && type.ends_with(kind) && type[type.size() - kind.size() - 1] == '/') return &r;
  }
  return nullptr;
}

std::string first_element_text(std::string_view xml, std::string_view part, std::string_view ns,
                               std::string_view local) {
  FirstElementText reader(ns, local);
  parse_xml(xml, part, reader);
  return std::move(reader.value);
}

std::string core_properties_title(ZipArchive& zip, const std::vector<Relationship>& package_relationships) {
  const Relationship* core = find_relationship(package_relationships, "core-properties");
  const std::string part = core != nullptr ? core->target : "docProps/core.xml";
  const auto xml = zip.read_if_present(part);
  return xml ? first_element_text(*xml, part, k_dc_ns, "title") : std::string();
}

}  // namespace strata::ingest::office
