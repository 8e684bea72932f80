#include "service/json_arguments.h"

#include <cmath>

#include "common/error.h"

namespace strata::service {
namespace {

using nlohmann::json;

std::string type_of(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
  if (v.is_number_float()) return "a number";
  return std::string("a") + (v.is_array() || v.is_object() ? "n " : " ") + v.type_name();
}

}  // namespace

std::optional<std::string> string_argument(const json& arguments, const char* name) {
  const auto it = arguments.find(name);
  if (it == arguments.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) usage(std::string("argument '") + name + "' must be a string (got " + type_of(*it) + ")");
  return it->get<std::string>();
}

std::optional<bool> boolean_argument(const json& arguments, const char* name) {
  const auto it = arguments.find(name);
  if (it == arguments.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) usage(std::string("argument '") + name + "' must be true or false (got " + type_of(*it) + ")");
  return it->get<bool>();
}

std::string required_string(const json& arguments, const char* name) {
  std::optional<std::string> v = string_argument(arguments, name);
  if (!v || v->empty()) usage(std::string("argument '") + name + "' is required (a non-empty string)");
  return *v;
}

std::optional<std::int64_t> integer_argument(const json& arguments, const char* name, std::int64_t min, std::int64_t max) {
  const auto it = arguments.find(name);
  if (it == arguments.end() || it->is_null()) return std::nullopt;
  const std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
  std::optional<std::int64_t> v;
  if (it->is_number_integer()) {
    v = it->get<std::int64_t>();
  } else if (it->is_number_unsigned()) {
    const auto u = it->get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(max)) v = static_cast<std::int64_t>(u);
  } else if (it->is_number_float()) {
    // Some clients send 5.0 for 5: accepted when it is whole.
    const double d = it->get<double>();
    if (std::isfinite(d) && std::floor(d) == d && d >= static_cast<double>(min) && d <= static_cast<double>(max)) {
      v = static_cast<std::int64_t>(d);
    }
  } else {
    usage(std::string("argument '") + name + "' must be an integer" + range + " (got " + type_of(*it) + ")");
  }
  if (!v || *v < min || *v > max) usage(std::string("argument '") + name + "' must be an integer" + range + " (got " + it->dump() + ")");
  return v;
}

std::optional<double> number_argument(const json& arguments, const char* name, double min, double max) {
  const auto it = arguments.find(name);
  if (it == arguments.end() || it->is_null()) return std::nullopt;
  // Whole bounds as integers ("from 0 to 2"), as the schema's reader would write them.
  const auto text = [](double d) { return std::floor(d) == d ? std::to_string(static_cast<long long>(d)) : json(d).dump(); };
  const auto range = [&] { return " from " + text(min) + " to " + text(max); };
  if (!it->is_number()) usage(std::string("argument '") + name + "' must be a number" + range() + " (got " + type_of(*it) + ")");
  const double v = it->get<double>();
  if (!(v >= min && v <= max)) usage(std::string("argument '") + name + "' must be a number" + range() + " (got " + it->dump() + ")");
  return v;
}

std::vector<std::string> string_list_argument(const json& arguments, const char* name) {
  const auto it = arguments.find(name);
  if (it == arguments.end() || it->is_null()) return {};
  if (!it->is_array()) usage(std::string("argument '") + name + "' must be an array of strings (got " + type_of(*it) + ")");
  std::vector<std::string> out;
  for (const json& v : *it) {
    if (!v.is_string()) usage(std::string("argument '") + name + "' must hold only strings (got " + type_of(v) + ")");
    out.push_back(v.get<std::string>());
  }
  return out;
}

namespace {

template <typename Names>
void refuse_unknown(const json& arguments, const Names& known) {
  for (const auto& [key, value] : arguments.items()) {
    bool listed = false;
    for (const std::string_view k : known) listed = listed || key == k;
    if (listed) continue;
    std::string names;
    for (const std::string_view k : known) names += std::string(names.empty() ? "" : ", ") + std::string(k);
    usage("unknown argument '" + key + "'" + (names.empty() ? "; this tool takes none" : "; the arguments are " + names));
  }
}

}  // namespace

void refuse_unknown_arguments(const json& arguments, std::initializer_list<const char*> known) {
  std::vector<std::string_view> names(known.begin(), known.end());
  refuse_unknown(arguments, names);
}

void refuse_unknown_arguments(const json& arguments, const Description& request) {
  std::vector<std::string_view> names;
  for (const Field& f : request.fields) names.push_back(f.name);
  refuse_unknown(arguments, names);
}

std::optional<std::int64_t> integer_argument(const json& arguments, const Field& field) {
  const std::string name(field.name);
  return integer_argument(arguments, name.c_str(), field.minimum.value_or(0), field.maximum.value_or(k_largest_integer));
}

}  // namespace strata::service
