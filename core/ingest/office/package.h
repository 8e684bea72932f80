#pragma once
// What the zip-based formats share: part names resolved from relative references (OPC
// relationship targets, EPUB manifest hrefs), OPC relationships, and the text of a metadata
// element such as dc:title.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/office/zip_archive.h"

namespace strata::ingest::office {

inline constexpr std::string_view k_dc_ns = "http://purl.org/dc/elements/1.1/";

// "word/" for "word/document.xml"; "" for a part at the top.
std::string directory_of(std::string_view part);

// The part `reference` names, relative to the folder `base` ("" for the package root): a
// leading '/' starts from the root, "." and ".." segments are resolved (never above the root),
// a "#fragment" or "?query" is dropped and %XX escapes are decoded.
std::string resolve_part(std::string_view base, std::string_view reference);

// An OPC relationship, its target resolved to a part name. External targets (TargetMode
// "External", e.g. hyperlinks) are not listed.
struct Relationship {
  std::string id;
  std::string type;  // the full type URI
  std::string target;
};

// The relationships of `part` ("" for the package's own, _rels/.rels), from
// "<folder>/_rels/<name>.rels"; empty when there is none. Throws OfficeError for a .rels part
// that is not well-formed XML.
std::vector<Relationship> read_relationships(ZipArchive& zip, std::string_view part);

// The first relationship whose type ends with "/<kind>" (e.g. "officeDocument", "styles"):
// transitional and strict OOXML differ only before that.
const Relationship* find_relationship(const std::vector<Relationship>& relationships, std::string_view kind);

// The text of the first element `ns`:`local` in `xml` (whitespace collapsed, trimmed); empty
// when there is none. Throws OfficeError for XML that is not well-formed.
std::string first_element_text(std::string_view xml, std::string_view part, std::string_view ns,
                               std::string_view local);

// The title in an OPC package's core properties (docProps/core.xml, or wherever _rels/.rels
// points), or "" when there is none.
std::string core_properties_title(ZipArchive& zip, const std::vector<Relationship>& package_relationships);

}  // namespace strata::ingest::office
