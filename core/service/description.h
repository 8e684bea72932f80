#pragma once
// What a request or a result of a service operation holds, described once as a table of fields
// (name, type, help, range, choices), so that every door reads and writes the same shape: the
// MCP tools' inputSchema and outputSchema are json_schema() of these tables, the JSON arguments
// a door receives are checked against them (json_arguments.h), and an HTTP server can publish
// them as an OpenAPI document's schemas (json_schema() is JSON Schema 2020-12).
//
// The tables are constexpr data in each operation's header (search.h, documents.h): a field
// added there appears in every door's schema at once.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

namespace strata::service {

enum class Type { string, integer, number, boolean, object, array };

// One field of a request or a result.
struct Field {
  std::string_view name;
  Type type = Type::string;
  // What the field means, defaults included, as a caller (often a model) reads it; "" for a
  // result's field whose name says it.
  std::string_view help = {};
  bool required = false;
  bool nullable = false;  // the value may be null (a result's "no such thing")
  // Integers: the smallest and largest value accepted.
  std::optional<std::int64_t> minimum = std::nullopt;
  std::optional<std::int64_t> maximum = std::nullopt;
  // Strings: the only values accepted (an enum); empty: any.
  std::span<const std::string_view> choices = {};
  // Objects, and arrays of objects: their fields.
  std::span<const Field> fields = {};
  // Arrays: the items' type (an object's fields are `fields`).
  Type items = Type::string;
  // Objects: whether more fields than `fields` may appear (a report that may grow); a request
  // is always closed, so that a misspelt argument is refused rather than ignored.
  bool open = false;
};

// A request or a result: an object of `fields`.
struct Description {
  std::span<const Field> fields;
  bool open = false;  // see Field::open
};

// The JSON Schema of an object of `description`'s fields: {"type": "object", "properties":
// {...}, "additionalProperties": false, "required": [...]} (no "additionalProperties" when open;
// no "required" when no field is, unless open).
nlohmann::json json_schema(const Description& description);
// The JSON Schema of one field's value (its "description" is the help, when there is one).
nlohmann::json json_schema(const Field& field);

// The help of every request's "collection" field.
inline constexpr std::string_view k_collection_help =
    "Collection to use (list_collections names them); default: the server's collection";

// The field named `name`, or nullptr.
const Field* find_field(const Description& description, std::string_view name);

}  // namespace strata::service
