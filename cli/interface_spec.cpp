#include "interface_spec.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "json_text.h"

namespace strata::cli {
namespace {

// set_choices keeps the list in an inactive validator of this name: an inactive validator is
// never run and has no description, so the help and the accepted values stay as they were.
constexpr const char* k_choices_validator = "strata-choices";

// What the help text's "(default: ...)" says (the last one, with nested parentheses), else null.
nlohmann::json default_of(const std::string& description) {
  const std::string marker = "(default: ";
  const std::size_t start = description.rfind(marker);
  if (start == std::string::npos) return nullptr;
  int depth = 0;
  for (std::size_t i = start; i < description.size(); ++i) {
    if (description[i] == '(') ++depth;
    if (description[i] == ')' && --depth == 0) {
      return description.substr(start + marker.size(), i - start - marker.size());
    }
  }
  return nullptr;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at = text.find(separator); at != std::string::npos; at = text.find(separator, from)) {
    parts.push_back(text.substr(from, at - from));
    from = at + 1;
  }
  parts.push_back(text.substr(from));
  return parts;
}

// The values an option accepts: set_choices's list, else the "{a,b,c}" a CLI11 check such as
// IsMember adds to the type name ("MODE:{keyword,vector,hybrid}").
std::vector<std::string> choices_of(CLI::Option& option) {
  try {
    const CLI::Validator& recorded = *option.get_validator(k_choices_validator);
    return split(recorded.active(true).get_description(), ',');
  } catch (const CLI::OptionNotFound&) {
  }
  const std::vector<std::string> parts = split(option.get_type_name(), ':');
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') return split(p.substr(1, p.size() - 2), ',');
  }
  return {};
}

std::vector<std::string> names_of(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const std::string& s : option.get_snames()) names.push_back("-" + s);
  for (const std::string& l : option.get_lnames()) names.push_back("--" + l);
  return names;
}

nlohmann::json option_spec(CLI::Option& option) {
  std::vector<std::string> excludes;
  for (const CLI::Option* other : option.get_excludes()) excludes.push_back(other->get_name());
  const std::string type_name = option.get_type_name();
  const bool takes_value = option.get_expected_max() > 0 && option.get_type_size_max() > 0;  // a flag expects 0
  return {{"names", names_of(option)},
          {"description", option.get_description()},
          {"default", default_of(option.get_description())},
          {"takes_value", takes_value},
          {"value_optional", takes_value && option.get_expected_min() == 0},
          {"value_name", takes_value ? split(type_name, ':').front() : ""},
          {"choices", choices_of(option)},
          {"repeatable", option.get_expected_max() > 1},
          {"required", option.get_required()},
          {"excludes", excludes}};
}

nlohmann::json command_spec(CLI::App& app, const std::string& path) {
  nlohmann::json options = nlohmann::json::array();
  nlohmann::json positionals = nlohmann::json::array();
  for (CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden from help
    if (o->get_positional() && !o->nonpositional()) {
      positionals.push_back({{"name", o->get_name()},
                             {"description", o->get_description()},
                             {"required", o->get_required()},
                             {"repeatable", o->get_expected_max() > 1}});
    } else {
      options.push_back(option_spec(*o));
    }
  }
  nlohmann::json subcommands = nlohmann::json::array();
  for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
    subcommands.push_back(command_spec(*sub, path + " " + sub->get_name()));
  }
  return {{"name", app.get_name()},
          {"path", path},
          {"description", app.get_description()},
          {"subcommand_required", app.get_require_subcommand_min() > 0},
          {"options", options},
          {"positionals", positionals},
          {"subcommands", subcommands}};
}

}  // namespace

CLI::App* add_spec_command(CLI::App& app) {
  CLI::App* spec = app.add_subcommand(std::string(k_spec_command), "The command tree as JSON (for the interface checks)");
  spec->group("");  // hidden: not in help, completions or suggestions
  const std::string json_help = "JSON (the only form)";
  spec->add_flag("--json", json_help);
  return spec;
}

std::string interface_spec_json(const CLI::App& app) {
  // The walk reads validators, which CLI11 hands out only from a non-const option; it changes
  // nothing.
  return json_text(command_spec(const_cast<CLI::App&>(app), app.get_name()));
}

CLI::Option* set_choices(CLI::Option* option, const std::vector<std::string>& choices) {
  std::string joined;
  for (const std::string& c : choices) joined += (joined.empty() ? "" : ",") + c;
  option->check(CLI::Validator([](std::string&) { return std::string{}; }, joined, k_choices_validator).active(false));
  return option;
}

}  // namespace strata::cli
