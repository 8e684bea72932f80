#include "suggest.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string_view>

#include "config/public.h"

namespace strata::cli {
namespace {

bool takes_value(const CLI::Option& option) { return option.get_type_size_max() > 0; }

bool has_positionals(const CLI::App& app) {
  return !app.get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;  // hidden (interface_spec.h): never suggested
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<std::string> long_option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& name : o->get_lnames()) names.push_back(name);
  }
  return names;
}

std::string did_you_mean(const std::optional<std::string>& guess, const std::string& prefix) {
  return guess ? "; did you mean '" + prefix + *guess + "'?" : "";
}

UnknownWord unknown_command(const CLI::App& app, const std::string& path, const std::string& word) {
  const std::string where = app.get_parent() == nullptr ? "" : " for '" + path + "'";
  return {"unknown command '" + word + "'" + where + did_you_mean(config::closest(word, subcommand_names(app)), ""),
          "run '" + path + " --help' for the list of commands"};
}

UnknownWord unknown_option(const CLI::App& app, const std::string& path, const std::string& name) {
  return {"unknown option '--" + name + "' for '" + path + "'" +
              did_you_mean(config::closest(name, long_option_names(app)), "--"),
          "run '" + path + " --help' for its options"};
}

std::string_view file_name_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<std::string> closest_source(const std::vector<std::string>& wanted, const std::vector<std::string>& sources) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& w : wanted) {
    const std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, w.size() / 3));
    for (const std::string& s : sources) {
      // The length difference is a lower bound of the distance: most sources cost nothing.
      const std::size_t gap = s.size() > w.size() ? s.size() - w.size() : w.size() - s.size();
      if (gap > limit) continue;
      const std::size_t d = config::edit_distance(w, s);
      if (d <= limit && (!best || d < best_distance)) {
        best = s;
        best_distance = d;
      }
    }
  }
  if (best) return best;
  for (const std::string& w : wanted) {
    const std::string_view name = file_name_of(w);
    for (const std::string& s : sources) {
      if (!name.empty() && file_name_of(s) == name) return s;
    }
  }
  return std::nullopt;
}

std::optional<UnknownWord> find_unknown_word(const CLI::App& root, const std::vector<std::string>& args) {
  const CLI::App* app = &root;
  std::string path = root.get_name();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return std::nullopt;
    if (a.starts_with("--")) {
      const std::size_t eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const CLI::Option* option = app->get_option_no_throw("--" + name);
      if (option == nullptr) return unknown_option(*app, path, name);
      if (eq == std::string::npos && takes_value(*option)) ++i;
    } else if (a.size() > 1 && a[0] == '-') {
      // Short options: CLI11's own message names them; only their value needs skipping.
      const CLI::Option* option = app->get_option_no_throw(a.substr(0, 2));
      if (option != nullptr && a.size() == 2 && takes_value(*option)) ++i;
    } else {
      const CLI::App* sub = nullptr;
      for (const CLI::App* s : app->get_subcommands([](const CLI::App*) { return true; })) {
        if (s->check_name(a)) sub = s;
      }
      if (sub != nullptr) {
        app = sub;
        path += " " + sub->get_name();
      } else if (!subcommand_names(*app).empty() && !has_positionals(*app)) {
        return unknown_command(*app, path, a);
      }
    }
  }
  return std::nullopt;
}

}  // namespace strata::cli
