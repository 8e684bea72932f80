#pragma once
// Streaming XML for the office module: libxml2's SAX2 parser, set up for documents from strangers.
// No entity is ever expanded beyond the five predefined ones: a document that declares an entity
// (the "billion laughs" bomb, an external entity pointing at a local file) is refused at the
// declaration; no DTD, external entity or network resource is loaded; libxml2's own limits stay on
// (no XML_PARSE_HUGE: 10 MB in one text node; names and attribute values bounded), and elements
// nest at most 256 deep. Events stream to a
// handler, so memory does not grow with the document beyond what the handler keeps.
#include <span>
#include <string_view>

namespace strata::ingest::office {

struct XmlAttribute {
  std::string_view ns;     // namespace URI; empty for an unprefixed attribute
  std::string_view local;  // local name
  std::string_view value;
};

struct XmlElement {
  std::string_view ns;     // namespace URI (prefixes are resolved: any prefix may be used)
  std::string_view local;  // local name
  std::span<const XmlAttribute> attributes;

  bool is(std::string_view want_ns, std::string_view want_local) const { return local == want_local && ns == want_ns; }
  // The attribute's value; empty when absent.
  std::string_view attribute(std::string_view want_ns, std::string_view want_local) const;
};

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(const XmlElement& element) = 0;
  virtual void end(std::string_view ns, std::string_view local) = 0;
  // Character data (and CDATA) inside the current element, in pieces of any size.
  virtual void text(std::string_view text) = 0;
};

// An element left out with all it contains: enter() at its start tag, then offer every later
// start and end tag to start() and end(), which say whether the tag belongs to the left-out part.
class LeftOut {
 public:
  void enter() { depth_ = 1; }
  bool start() { return depth_ > 0 && ++depth_ > 0; }
  bool end() { return depth_ > 0 && --depth_ >= 0; }
  bool active() const { return depth_ > 0; }

 private:
  int depth_ = 0;
};

// Parses `xml`, the package entry `part` (named in errors), calling `handler`. Throws OfficeError
// "<part>: not well-formed XML (line N: <libxml2's reason>)", "<part>: declares XML entities
// (not allowed: entity expansion)" or "<part>: elements nested deeper than 256 levels"; an exception from the handler stops the parse and is rethrown.
void parse_xml(std::string_view xml, std::string_view part, XmlHandler& handler);

}  // namespace strata::ingest::office
