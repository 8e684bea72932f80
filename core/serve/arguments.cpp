#include "serve/arguments.h"

#include <cctype>
#include <vector>

#include "common/json_limits.h"
#include "common/setting.h"

namespace strata::serve {

using nlohmann::json;

std::string json_text(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

http::Response validation_error(const json& loc, const std::string& msg, const std::string& type) {
  return http::Response::json(422, json_text({{"detail", json::array({{{"loc", loc}, {"msg", msg}, {"type", type}}})}}));
}

namespace {

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  for (const char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// A query value as its field's JSON type.
json typed(const std::string& name, const std::string& value, const service::Description* d) {
  const service::Field* f = d == nullptr ? nullptr : service::find_field(*d, name);
  if (f == nullptr) return value;  // unknown: the operation refuses it by name
  switch (f->type) {
    case service::Type::integer:
      if (!all_digits(value)) throw Refused(validation_error({"query", name}, "Input should be a valid integer", "int_parsing"));
      return std::stoll(value);
    case service::Type::boolean:
      if (value == "true" || value == "1") return true;
      if (value == "false" || value == "0") return false;
      throw Refused(validation_error({"query", name}, "Input should be a valid boolean", "bool_parsing"));
    case service::Type::array: return json::array({value});
    default: return value;
  }
}

}  // namespace

Arguments gather(const http::Request& request, Source source, const service::Description* description) {
  Arguments a;
  a.rest = source == Source::query ? "query" : "body";
  if (source == Source::body) {
    if (request.body.empty()) throw Refused(validation_error({"body"}, "Field required", "missing"));
    const ParsedJson parsed = parse_json_within(request.body, JsonLimits{.max_depth = 64, .max_bytes = request.body.size()});
    if (!parsed.ok()) throw Refused(http::Response::json(400, http::detail_json("the body is " + parsed.message)));
    if (!parsed.value.is_object()) {
      throw Refused(validation_error({"body"}, "Input should be a JSON object", "model_attributes_type"));
    }
    a.values = parsed.value;
    for (const auto& [name, value] : a.values.items()) a.where[name] = "body";
  }
  if (source == Source::query) {
    for (const auto& [name, value] : request.query) {
      a.values[name] = typed(name, value, description);
      a.where[name] = "query";
    }
  }
  for (const auto& [name, value] : request.params) {
    if (a.values.contains(name)) {
      throw Refused(validation_error({a.where[name], name}, "'" + name + "' is given by the path; leave it out here", "extra_forbidden"));
    }
    a.values[name] = value;
    a.where[name] = "path";
  }
  return a;
}

namespace {

// The field a refusal's message names: the first 'quoted' word that is an argument or a field
// of the request, else the field named first as a word. Empty when it names none.
std::string named_field(const std::string& message, const Arguments& a, const service::Description* d) {
  const auto known = [&](const std::string& name) {
    return a.values.contains(name) || (d != nullptr && service::find_field(*d, name) != nullptr);
  };
  for (std::size_t at = message.find('\''); at != std::string::npos; at = message.find('\'', at + 1)) {
    const std::size_t end = message.find('\'', at + 1);
    if (end == std::string::npos) break;
    const std::string word = message.substr(at + 1, end - at - 1);
    if (known(word)) return word;
    at = end;
  }
  std::string best;
  std::size_t best_at = std::string::npos;
  if (d != nullptr) {
    for (const service::Field& f : d->fields) {
      const std::size_t at = message.find(f.name);
      if (at < best_at) {
        best_at = at;
        best = std::string(f.name);
      }
    }
  }
  return best;
}

std::string error_type(const std::string& message) {
  if (message.starts_with("unknown argument")) return "extra_forbidden";
  if (message.find("is required") != std::string::npos) return "missing";
  if (message.find("must be an integer") != std::string::npos) return "int_type";
  if (message.find("must be a string") != std::string::npos) return "string_type";
  if (message.find("must be an array") != std::string::npos || message.find("must hold only strings") != std::string::npos) {
    return "list_type";
  }
  return "value_error";
}

}  // namespace

std::string for_client(std::string_view text) {
  return with_setting_names(text);
}

void render_for_client(nlohmann::json& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    // Most strings hold no marker byte: left as they are.
    if (s.find_first_of("\x0e\x0f") != std::string::npos) value = for_client(s);
  } else if (value.is_structured()) {
    for (auto& item : value) render_for_client(item);
  }
}

http::Response busy_response(int status, const std::string& message, int retry_after_seconds) {
  http::Response r = http::Response::json(status, http::detail_json(message));
  r.set_header("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

http::Response problem_response(const Error& e, const Arguments& a, const service::Description* d) {
  std::string message = for_client(e.what());
  // A hint says what to do next; "no such document"'s names a command to list them, which an
  // HTTP client has a route for instead.
  if (!e.hint().empty() && e.kind() != ErrorKind::not_found) message += " (" + for_client(e.hint()) + ")";
  // The error's kind decides the status, never a lookup ahead of core nor the CLI's exit code
  // alone ("no such collection" and "the store's server is down" share exit code 7 on search).
  switch (e.kind()) {
    case ErrorKind::not_found: return http::Response::json(404, http::detail_json(message));
    case ErrorKind::refused: return http::Response::json(403, http::detail_json(message));
    case ErrorKind::conflict: return http::Response::json(409, http::detail_json(message));
    case ErrorKind::unavailable: return http::Response::json(503, http::detail_json(message));
    case ErrorKind::failed: return http::Response::json(500, http::detail_json(message));
    case ErrorKind::invalid: break;
  }
  switch (e.code()) {
    case ExitCode::usage: {
      const std::string field = named_field(e.what(), a, d);
      json loc = json::array();
      if (field.empty()) {
        loc.push_back(a.rest);
      } else {
        const auto it = a.where.find(field);
        loc = {it == a.where.end() ? a.rest : it->second, field};
      }
      return validation_error(loc, message, error_type(e.what()));
    }
    default: return http::Response::json(422, http::detail_json(message));
  }
}

}  // namespace strata::serve
