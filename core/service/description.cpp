#include "service/description.h"

#include <string>
#include <vector>

namespace strata::service {
namespace {

using nlohmann::json;

const char* type_name(Type t) {
  switch (t) {
    case Type::string: return "string";
    case Type::integer: return "integer";
    case Type::number: return "number";
    case Type::boolean: return "boolean";
    case Type::object: return "object";
    case Type::array: return "array";
  }
  return "string";
}

json object_schema(std::span<const Field> fields, bool open) {
  json properties = json::object();
  std::vector<std::string> required;
  for (const Field& f : fields) {
    properties[std::string(f.name)] = json_schema(f);
    if (f.required) required.emplace_back(f.name);
  }
  json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!open) schema["additionalProperties"] = false;
  // An open object states its required fields even when there are none: a report's schema
  // says what it always holds.
  if (open || !required.empty()) schema["required"] = std::move(required);
  return schema;
}

}  // namespace

json json_schema(const Field& f) {
  json schema = json::object();
  if (f.type == Type::object && !f.fields.empty()) schema = object_schema(f.fields, f.open);
  if (f.nullable) {
    schema["type"] = json::array({type_name(f.type), "null"});
  } else {
    schema["type"] = type_name(f.type);
  }
  if (f.type == Type::array) {
    const Field item{.name = "", .type = f.items, .fields = f.fields, .open = f.open};
    schema["items"] = json_schema(item);
  }
  if (f.minimum) schema["minimum"] = *f.minimum;
  if (f.maximum) schema["maximum"] = *f.maximum;
  if (!f.choices.empty()) {
    json values = json::array();
    for (const std::string_view c : f.choices) values.push_back(std::string(c));
    schema["enum"] = std::move(values);
  }
  if (!f.help.empty()) schema["description"] = std::string(f.help);
  return schema;
}

json json_schema(const Description& d) { return object_schema(d.fields, d.open); }

const Field* find_field(const Description& d, std::string_view name) {
  for (const Field& f : d.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace strata::service
