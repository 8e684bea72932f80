#pragma once
// Reading a request's JSON arguments (an MCP tool call's, an HTTP body's) against what its
// description (description.h) promises. A missing required
// argument, one of the wrong JSON type or out of range is Error(usage) naming the argument and
// what it must be, which the session returns to the model as a tool error.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "service/description.h"

namespace strata::service {

// REQUIRES: `arguments` is an object (the session checks it).
std::optional<std::string> string_argument(const nlohmann::json& arguments, const char* name);
std::string required_string(const nlohmann::json& arguments, const char* name);
// An integer (a JSON number with no fraction) within [min, max].
std::optional<std::int64_t> integer_argument(const nlohmann::json& arguments, const char* name, std::int64_t min,
                                             std::int64_t max);
// A number (integer or not) within [min, max].
std::optional<double> number_argument(const nlohmann::json& arguments, const char* name, double min, double max);
std::vector<std::string> string_list_argument(const nlohmann::json& arguments, const char* name);
std::optional<bool> boolean_argument(const nlohmann::json& arguments, const char* name);
// Names the first argument that the schema does not list (`known`), so a misspelt one is not
// silently ignored.
void refuse_unknown_arguments(const nlohmann::json& arguments, std::initializer_list<const char*> known);

// The same, by a request's description: its fields are the arguments known, in its order.
void refuse_unknown_arguments(const nlohmann::json& arguments, const Description& request);
// An integer argument within the field's range (minimum, else 0; maximum, else
// k_largest_integer). REQUIRES: `field` is an integer field.
std::optional<std::int64_t> integer_argument(const nlohmann::json& arguments, const Field& field);
// The largest integer a field without a maximum accepts (2^40: any line, chunk or offset).
inline constexpr std::int64_t k_largest_integer = std::int64_t{1} << 40;

}  // namespace strata::service
