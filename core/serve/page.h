#pragma once
// The web page `strata serve` answers at / : pick a collection, search it, hold a conversation
// with it (answers streamed as Markdown, Stop, Regenerate, follow-ups), open a citation's lines
// beside the answer. Its files (serve/page/: index.html, app.css, app.js, favicon.svg) are
// compiled into the binary (cmake/embed_files.cmake): no CDN, no network, nothing to find at run
// time.
//
// The page works in two ways over one HTML file:
//  - With JavaScript (app.js): it calls the API the page's users could call themselves
//    (GET /api/v1/collections, POST /api/v1/search, GET /api/v1/collections/{c}/documents/{s},
//    POST /v1/chat/completions streamed), sending the key the user typed (kept in the tab's
//    sessionStorage) as a bearer token once a request was refused with 401.
//  - Without: the same <form> is a plain GET of / (?q=...&collection=...), which this file renders
//    on the server as search hits; each hit's citation is a link (?source=...&start_line=...)
//    that renders the cited lines. Asking needs JavaScript (an answer streams).
//
// Everything from the store or the model (collection names, titles, sources, passages, answers)
// is data: the server escapes it for HTML; app.js sets it as textContent, and its Markdown
// renderer builds a safe subset with createElement (links to http(s) only), never HTML parsed
// from text. No inline script or style, so the
// Content-Security-Policy (default-src 'self') forbids any a document could smuggle in.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace strata::serve {

// One of the page's files, compiled in (generated/serve_page_files.cpp).
struct EmbeddedFile {
  std::string name;
  std::string content;
};
// The files of serve/page/, sorted by name.
const std::vector<EmbeddedFile>& page_files();

// The headers of every page response: the Content-Security-Policy (default-src 'self';
// frame-ancestors 'none'), X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer.
void set_page_headers(http::Response& response);

// GET /static/{file}: one of the page's files with its type (text/css, text/javascript,
// image/svg+xml for the icon) and the page's headers; 404 for any other name (index.html is
// served at / only).
http::Response static_file(std::string_view name);

// What GET / shows, found by the caller (serve/api.cpp runs the service's operations).
struct PageView {
  std::vector<std::string> collections;  // the select's options
  std::string collection;                // the one selected
  std::string query;                     // the search box's text
  std::optional<nlohmann::json> found;   // a search's result (service::to_json(Found))
  std::optional<nlohmann::json> passage; // a read's result (service::to_json(ReadResult))
  std::string notice;                    // a problem to show instead ("" for none)
};

// The page (200, text/html) with `view` rendered into it, every value escaped.
http::Response page(const PageView& view);

// `text` escaped for HTML text and attribute values (& < > " ').
std::string html_escape(std::string_view text);

}  // namespace strata::serve
