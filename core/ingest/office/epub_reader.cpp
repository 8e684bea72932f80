#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <vector>

#include "common/text.h"
#include "ingest/office/office_error.h"
#include "ingest/office/package.h"
#include "ingest/office/readers.h"
#include "ingest/office/xml_parser.h"

namespace strata::ingest::office {
namespace {

constexpr std::string_view k_container_ns = "urn:oasis:names:tc:opendocument:xmlns:container";
constexpr std::string_view k_opf_ns = "http://www.idpf.org/2007/opf";
constexpr std::string_view k_encryption_ns = "http://www.w3.org/2001/04/xmlenc#";

// META-INF/container.xml: the package document, the first rootfile of the OPF media type (or
// the first rootfile at all).
class ContainerReader : public XmlHandler {
 public:
  void start(const XmlElement& e) override {
    if (!e.is(k_container_ns, "rootfile")) return;
    const std::string_view path = e.attribute({}, "full-path");
    if (path.empty()) return;
    if (e.attribute({}, "media-type") == "application/oebps-package+xml" && !typed) {
      package = std::string(path);
      typed = true;
    } else if (package.empty()) {
      package = std::string(path);
    }
  }
  void end(std::string_view, std::string_view) override {}
  void text(std::string_view) override {}

  std::string package;
  bool typed = false;
};

struct ManifestItem {
  std::string part;
  std::string media_type;
};

// The package document: manifest and spine (dc:title is read separately).
class PackageReader : public XmlHandler {
 public:
  explicit PackageReader(std::string base) : base_(std::move(base)) {}
  void start(const XmlElement& e) override {
    if (e.ns != k_opf_ns) return;
    if (e.local == "item") {
      const std::string_view href = e.attribute({}, "href");
      if (!href.empty()) {
        manifest[std::string(e.attribute({}, "id"))] = {resolve_part(base_, href),
                                                        std::string(e.attribute({}, "media-type"))};
      }
    } else if (e.local == "itemref") {
      spine.emplace_back(e.attribute({}, "idref"));
    }
  }
  void end(std::string_view, std::string_view) override {}
  void text(std::string_view) override {}

  std::map<std::string, ManifestItem, std::less<>> manifest;
  std::vector<std::string> spine;  // idrefs in reading order

 private:
  std::string base_;
};

// META-INF/encryption.xml: the parts it lists as encrypted (fonts are, harmlessly, in many books;
// chapters only under DRM).
class EncryptionReader : public XmlHandler {
 public:
  void start(const XmlElement& e) override {
    if (e.is(k_encryption_ns, "CipherReference")) {
      const std::string_view uri = e.attribute({}, "URI");
      if (!uri.empty()) parts.insert(resolve_part("", uri));
    }
  }
  void end(std::string_view, std::string_view) override {}
  void text(std::string_view) override {}
  std::set<std::string> parts;
};

bool is_document(const ManifestItem& item) {
  if (item.media_type == "application/xhtml+xml" || item.media_type == "text/html") return true;
  const std::string& p = item.part;
  return item.media_type.empty() && (p.ends_with(".xhtml") || p.ends_with(".html") || p.ends_with(".htm"));
}

// ---- XHTML for an HTML parser ----------------------------------------------------------------

constexpr auto k_void_elements = std::to_array<std::string_view>(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"});

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '_' ||
         c == '.';
}

// Where the tag starting at `open` (a '<') ends: the index of its '>', skipping quoted attribute
// values; npos when it never ends.
std::size_t tag_end(std::string_view s, std::size_t open) {
  char quote = 0;
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

// XHTML means <title/> and <div/> as empty elements, where an HTML parser would read a start tag
// and swallow what follows into it (all of a chapter into its title). Every self-closed element
// that is not void in HTML gets its end tag. Comments, CDATA sections and processing
// instructions are copied as they are.
std::string xhtml_as_html(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 64);
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t open = s.find('<', i);
    if (open == std::string_view::npos) break;
    out.append(s.substr(i, open - i));
    std::size_t end = std::string_view::npos;
    if (s.substr(open, 4) == "<!--") {
      const std::size_t close = s.find("-->", open + 4);
      end = close == std::string_view::npos ? close : close + 2;
    } else if (s.substr(open, 9) == "<![CDATA[") {
      const std::size_t close = s.find("]]>", open + 9);
      end = close == std::string_view::npos ? close : close + 2;
    } else {
      end = tag_end(s, open);
    }
    if (end == std::string_view::npos) {
      i = open;
      break;
    }
    const std::string_view tag = s.substr(open, end - open + 1);
    out.append(tag);
    std::size_t name_end = 1;
    while (name_end < tag.size() && is_name_char(tag[name_end])) ++name_end;
    const std::string name = to_lower(tag.substr(1, name_end - 1));
    const bool self_closed = tag.size() >= 3 && tag[tag.size() - 2] == '/' && name_end > 1;
    if (self_closed && std::find(k_void_elements.begin(), k_void_elements.end(), name) == k_void_elements.end()) {
      out += "</";
      out += tag.substr(1, name_end - 1);
      out += '>';
    }
    i = end + 1;
  }
  out.append(s.substr(std::min(i, s.size())));
  return out;
}

bool has_utf16_bom(std::string_view s) { return s.substr(0, 2) == "\xFF\xFE" || s.substr(0, 2) == "\xFE\xFF"; }

}  // namespace

OfficeRawDocument read_epub(ZipArchive& zip) {
  ContainerReader container;
  parse_xml(zip.read("META-INF/container.xml"), "META-INF/container.xml", container);
  if (container.package.empty()) throw OfficeError("META-INF/container.xml names no package document");
  const std::string opf_part = resolve_part("", container.package);
  const std::string opf = zip.read(opf_part);
  PackageReader package(directory_of(opf_part));
  parse_xml(opf, opf_part, package);

  EncryptionReader encryption;
  if (const auto xml = zip.read_if_present("META-INF/encryption.xml")) {
    parse_xml(*xml, "META-INF/encryption.xml", encryption);
  }

  OfficeRawDocument out;
  out.title = first_element_text(opf, opf_part, k_dc_ns, "title");
  std::set<std::string> seen;  // a spine that lists a document twice reads it once
  for (const std::string& idref : package.spine) {
    const auto it = package.manifest.find(idref);
    if (it == package.manifest.end() || !is_document(it->second)) continue;
    const std::string& part = it->second.part;
    if (!seen.insert(part).second) continue;
    if (encryption.parts.count(part) > 0) {
      throw OfficeError(part + " is encrypted (DRM-protected e-books are not supported)");
    }
    auto bytes = zip.read_if_present(part);
    if (!bytes) continue;
    out.parts.push_back(has_utf16_bom(*bytes) ? std::move(*bytes) : xhtml_as_html(*bytes));
  }
  if (out.parts.empty()) throw OfficeError(opf_part + ": the spine lists no readable XHTML document");
  return out;
}

}  // namespace strata::ingest::office
