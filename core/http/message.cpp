#include "http/message.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/text.h"

namespace strata::http {

namespace {

struct MethodName {
  Method method;
  std::string_view name;
};
constexpr MethodName k_methods[] = {{Method::get, "GET"},     {Method::head, "HEAD"},   {Method::post, "POST"},
                                    {Method::put, "PUT"},     {Method::patch, "PATCH"}, {Method::del, "DELETE"},
                                    {Method::options, "OPTIONS"}};

}  // namespace

std::string_view method_name(Method m) {
  for (const MethodName& n : k_methods) {
    if (n.method == m) return n.name;
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  for (const MethodName& n : k_methods) {
    if (n.name == name) return n.method;
  }
  return Method::other;
}

const std::string* Request::header(std::string_view name) const {
  const auto it = headers.find(to_lower(name));
  return it == headers.end() ? nullptr : &it->second;
}

bool valid_header_name(std::string_view name) {
  // RFC 9110's token characters.
  static constexpr std::string_view k_extra = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || k_extra.find(c) != std::string_view::npos;
  });
}

bool valid_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Response& Response::set_header(std::string_view name, std::string_view value) {
  if (!valid_header_name(name)) throw std::invalid_argument("not an HTTP header name");
  if (!valid_header_value(value)) throw std::invalid_argument("a header value may not hold CR, LF or NUL");
  const std::string key = to_lower(name);
  for (auto& [n, v] : headers) {
    if (to_lower(n) == key) {
      v = std::string(value);
      return *this;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
  return *this;
}

const std::string* Response::header(std::string_view name) const {
  const std::string key = to_lower(name);
  for (const auto& [n, v] : headers) {
    if (to_lower(n) == key) return &v;
  }
  return nullptr;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", "application/json");
  return r;
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", content_type);
  return r;
}

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string detail_json(std::string_view message) {
  // dump() with `replace`: a message holding bytes that are not UTF-8 (a name from a request)
  // is still valid JSON.
  return nlohmann::json{{"detail", std::string(message)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_digit(in[i + 1]);
      const int lo = hex_digit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool parse_query(std::string_view query, std::map<std::string, std::string>& out) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name, value;
    if (!percent_decode(pair.substr(0, eq), name, true)) return false;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) return false;
    out[name] = value;
  }
  return true;
}

}  // namespace strata::http
