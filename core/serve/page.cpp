#include "serve/page.h"

#include <cstdint>
#include <map>
#include <string>

namespace strata::serve {

using nlohmann::json;

namespace {

// The page loads its script and style from /static/ only: no inline script, style or handler
// runs, whatever a document's text holds, and no other site may frame it (clickjacking).
constexpr std::string_view k_csp =
    "default-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

struct FileType {
  std::string_view extension;
  std::string_view content_type;
};
constexpr FileType k_file_types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
};

const EmbeddedFile* embedded_page_file(std::string_view name) {
  for (const EmbeddedFile& f : page_files()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// A query component for a link the server writes (RFC 3986 unreserved characters kept).
std::string url_component(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4U];
      out += k_hex[c & 0xFU];
    }
  }
  return out;
}

std::string string_field(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t line_at(const json& lines, std::size_t i) {
  return lines.is_array() && lines.size() > i && lines[i].is_number_integer() ? lines[i].get<std::int64_t>() : 0;
}

std::string collection_options(const PageView& view) {
  std::string out;
  for (const std::string& name : view.collections) {
    out += "<option value=\"" + html_escape(name) + "\"" + (name == view.collection ? " selected" : "") + ">" + html_escape(name) +
           "</option>";
  }
  return out;
}

// A search's hits as the list items app.js makes: the citation a link to its lines (which GET /
// renders, and app.js opens in place), the title, the passage's text.
std::string result_items(const PageView& view) {
  std::string out;
  if (!view.found) return out;
  const json& hits = view.found->value("hits", json::array());
  for (const json& hit : hits) {
    const std::string source = string_field(hit, "source");
    const std::int64_t first = line_at(hit.value("lines", json()), 0);
    const std::int64_t last = line_at(hit.value("lines", json()), 1);
    const std::string href = "/?q=" + url_component(view.query) + "&collection=" + url_component(view.collection) +
                             "&source=" + url_component(source) + "&start_line=" + std::to_string(first) +
                             "&end_line=" + std::to_string(last);
    out += "<li><a class=\"cite citation\" href=\"" + html_escape(href) + "\" data-collection=\"" + html_escape(view.collection) +
           "\" data-source=\"" + html_escape(source) + "\" data-start=\"" + std::to_string(first) + "\" data-end=\"" +
           std::to_string(last) + "\">" + html_escape(string_field(hit, "citation")) + "</a>";
    if (const std::string title = string_field(hit, "title"); !title.empty()) {
      out += "<span class=\"title\">" + html_escape(title) + "</span>";
    }
    if (const std::string section = string_field(hit, "section"); !section.empty()) {
      out += "<span class=\"section\">" + html_escape(section) + "</span>";
    }
    out += "<p class=\"snippet\">" + html_escape(string_field(hit, "text")) + "</p></li>";
  }
  return out;
}

// `page` with each {{name}} replaced by its value, in one pass: a value is never read again for
// names, so text from the store cannot name one.
std::string fill_template(std::string_view page, const std::map<std::string, std::string, std::less<>>& values) {
  std::string out;
  out.reserve(page.size());
  while (!page.empty()) {
    const std::size_t open = page.find("{{");
    if (open == std::string_view::npos) break;
    const std::size_t close = page.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(page.substr(0, open));
    const auto it = values.find(page.substr(open + 2, close - open - 2));
    if (it != values.end()) {
      out += it->second;
    } else {
      out.append(page.substr(open, close + 2 - open));
    }
    page.remove_prefix(close + 2);
  }
  out.append(page);
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void set_page_headers(http::Response& response) {
  response.set_header("Content-Security-Policy", k_csp);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
}

http::Response static_file(std::string_view name) {
  for (const FileType& type : k_file_types) {
    if (!name.ends_with(type.extension)) continue;
    if (const EmbeddedFile* f = embedded_page_file(name)) {
      http::Response r = http::Response::text(200, f->content, type.content_type);
      // The files change with the binary only; a browser asks again after an upgrade.
      r.set_header("Cache-Control", "no-cache");
      set_page_headers(r);
      return r;
    }
  }
  http::Response r = http::Response::json(404, http::detail_json("no such file"));
  set_page_headers(r);
  return r;
}

http::Response page(const PageView& view) {
  const EmbeddedFile* index = embedded_page_file("index.html");
  std::map<std::string, std::string, std::less<>> values = {
      {"collections", collection_options(view)},
      {"query", html_escape(view.query)},
      {"notice", html_escape(view.notice)},
      {"results", result_items(view)},
      {"results_hidden", view.found ? "" : " hidden"},
      {"passage_hidden", view.passage ? "" : " hidden"},
      {"passage_title", ""},
      {"passage_citation", ""},
      {"passage", ""},
  };
  if (view.passage) {
    values["passage_title"] = html_escape(string_field(*view.passage, "title"));
    values["passage_citation"] = html_escape(string_field(*view.passage, "citation"));
    values["passage"] = html_escape(string_field(*view.passage, "text"));
  }
  if (view.found && view.notice.empty() && view.found->value("hits", json::array()).empty()) values["notice"] = "Nothing found.";
  http::Response r = http::Response::text(200, fill_template(index != nullptr ? index->content : std::string(), values), "text/html; charset=utf-8");
  // The page holds what the store answered: never kept by a cache on the way.
  r.set_header("Cache-Control", "no-store");
  set_page_headers(r);
  return r;
}

}  // namespace strata::serve
