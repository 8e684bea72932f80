#include "ingest/office/xml_parser.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/office/office_error.h"

namespace strata::ingest::office {
namespace {

std::string_view view(const xmlChar* s) {
  return s == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(s));
}

// Never loads anything: office packages are self-contained, and a reference to an outside
// resource in one is an attack (XXE), not content.
xmlParserInputPtr no_external_entities(const char* /*url*/, const char* /*id*/, xmlParserCtxtPtr /*ctxt*/) {
  return nullptr;
}

void initialise_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(no_external_entities);
  });
}

constexpr int k_max_depth = 256;

struct ParseState {
  XmlHandler* handler = nullptr;
  xmlParserCtxtPtr ctxt = nullptr;
  std::exception_ptr failure;
  bool entity_declared = false;
  std::string first_error;
  int first_error_line = 0;
  std::vector<XmlAttribute> attributes;
  int depth = 0;
  bool too_deep = false;

  // Stops the parse; the first reason wins.
  void stop() {
    if (ctxt != nullptr) xmlStopParser(ctxt);
  }
};

ParseState& state_of(void* ctx) { return *static_cast<ParseState*>(ctx); }

template <typename Fn>
void guarded(void* ctx, Fn&& fn) {
  ParseState& s = state_of(ctx);
  if (s.failure || s.entity_declared || s.too_deep) return;
  try {
    fn(s);
  } catch (...) {
    s.failure = std::current_exception();
    s.stop();
  }
}

void on_start(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/, const xmlChar* uri,
              int /*nb_namespaces*/, const xmlChar** /*namespaces*/, int nb_attributes, int /*nb_defaulted*/,
              const xmlChar** attributes) {
  guarded(ctx, [&](ParseState& s) {
    // libxml2's push parser does not apply its own depth limit; the handlers need none (they
    // keep explicit stacks), but a document nested this deep is not a real one.
    if (++s.depth > k_max_depth) {
      s.too_deep = true;
      s.stop();
      return;
    }
    s.attributes.clear();
    // Five pointers per attribute: local name, prefix, URI, value start, value end.
    for (int i = 0; i < nb_attributes; ++i) {
      const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;
      const auto* begin = reinterpret_cast<const char*>(a[3]);
      const auto* end = reinterpret_cast<const char*>(a[4]);
      s.attributes.push_back({view(a[2]), view(a[0]), std::string_view(begin, static_cast<std::size_t>(end - begin))});
    }
    s.handler->start(XmlElement{view(uri), view(localname), s.attributes});
  });
}

void on_end(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/, const xmlChar* uri) {
  guarded(ctx, [&](ParseState& s) {
    --s.depth;
    s.handler->end(view(uri), view(localname));
  });
}

void on_text(void* ctx, const xmlChar* text, int length) {
  guarded(ctx, [&](ParseState& s) {
    s.handler->text(std::string_view(reinterpret_cast<const char*>(text), static_cast<std::size_t>(length)));
  });
}

void refuse_entity(ParseState& s) {
  s.entity_declared = true;
  s.stop();
}

void on_entity_declaration(void* ctx, const xmlChar* /*name*/, int /*type*/, const xmlChar* /*public_id*/,
                           const xmlChar* /*system_id*/, xmlChar* /*content*/) {
  refuse_entity(state_of(ctx));
}

void on_unparsed_entity_declaration(void* ctx, const xmlChar* /*name*/, const xmlChar* /*public_id*/,
                                    const xmlChar* /*system_id*/, const xmlChar* /*notation*/) {
  refuse_entity(state_of(ctx));
}

void on_error(void* ctx, xmlErrorPtr error) {
  ParseState& s = state_of(ctx);
  if (error == nullptr || error->level < XML_ERR_ERROR || !s.first_error.empty()) return;
  std::string message = error->message != nullptr ? error->message : "unknown error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::replace(message.begin(), message.end(), '\n', ' ');
  s.first_error = message.empty() ? "unknown error" : message;
  s.first_error_line = error->line;
}

xmlSAXHandler sax_handler() {
  xmlSAXHandler sax{};
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = on_start;
  sax.endElementNs = on_end;
  sax.characters = on_text;
  sax.cdataBlock = on_text;
  sax.entityDecl = on_entity_declaration;
  sax.unparsedEntityDecl = on_unparsed_entity_declaration;
  sax.serror = on_error;
  return sax;
}

struct ContextFreer {
  void operator()(xmlParserCtxtPtr c) const {
    // In SAX mode libxml2 still makes a document to hold a DTD's declarations ("expat
    // compatibility"), and leaves it to the caller.
    if (c->myDoc != nullptr) xmlFreeDoc(c->myDoc);
    c->myDoc = nullptr;
    xmlFreeParserCtxt(c);
  }
};

// Not XML_PARSE_NOENT (entities would be substituted), XML_PARSE_DTDLOAD or XML_PARSE_DTDATTR
// (the external DTD would be read), XML_PARSE_HUGE (libxml2's depth and size limits would go),
// XML_PARSE_RECOVER (a broken part would be half read).
constexpr int k_options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

constexpr std::size_t k_chunk = 1U << 20;

}  // namespace

std::string_view XmlElement::attribute(std::string_view want_ns, std::string_view want_local) const {
  for (const XmlAttribute& a : attributes) {
    if (a.local == want_local && a.ns == want_ns) return a.value;
  }
  return {};
}

void parse_xml(std::string_view xml, std::string_view part, XmlHandler& handler) {
  initialise_once();
  ParseState state;
  state.handler = &handler;
  xmlSAXHandler sax = sax_handler();
  const std::string name(part);
  // The first bytes let libxml2 detect the encoding (UTF-16 parts exist).
  const std::size_t head = std::min<std::size_t>(xml.size(), 4);
  const std::unique_ptr<xmlParserCtxt, ContextFreer> ctxt(
      xmlCreatePushParserCtxt(&sax, &state, xml.data(), static_cast<int>(head), name.c_str()));
  if (!ctxt) throw OfficeError(name + ": cannot start the XML parser");
  state.ctxt = ctxt.get();
  xmlCtxtUseOptions(ctxt.get(), k_options);
  std::size_t at = head;
  do {
    const std::size_t n = std::min(k_chunk, xml.size() - at);
    const bool last = at + n == xml.size();
    xmlParseChunk(ctxt.get(), xml.data() + at, static_cast<int>(n), last ? 1 : 0);
    at += n;
  } while (at < xml.size() && !state.failure && !state.entity_declared && !state.too_deep &&
           ctxt->wellFormed != 0 && ctxt->disableSAX == 0);
  if (state.failure) std::rethrow_exception(state.failure);
  if (state.too_deep) {
    throw OfficeError(name + ": elements nested deeper than " + std::to_string(k_max_depth) + " levels");
  }
  if (state.entity_declared) throw OfficeError(name + ": declares XML entities (not allowed: entity expansion)");
  if (ctxt->wellFormed == 0 || !state.first_error.empty()) {
    const std::string line = state.first_error_line > 0 ? "line " + std::to_string(state.first_error_line) + ": " : "";
    throw OfficeError(name + ": not well-formed XML (" + line +
                      (state.first_error.empty() ? "unknown error" : state.first_error) + ")");
  }
}

}  // namespace strata::ingest::office
