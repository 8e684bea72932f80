#include "migrate_lint_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <cctype>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/public.h"
#include "json_text.h"
#include "setting_flags.h"
#include "strata/build_info.h"

namespace strata::cli {
namespace {

using nlohmann::json;
namespace mg = strata::migrate;

// A migration file is text of a few kilobytes; a dump of a large schema, a few megabytes.
constexpr std::size_t k_max_file_bytes = std::size_t{256} << 20;

std::string too_large(const std::string& path) {
  return path + ": more than " + std::to_string(k_max_file_bytes >> 20) + " MiB: not a SQL file lint reads";
}

std::string read_sql_file(const std::string& path) {
  if (path == "-") {
    std::string text;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > k_max_file_bytes) throw Error(ExitCode::usage, too_large("standard input"));
    }
    return text;
  }
  // A named pipe or a device would be read for ever: only regular files.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error(ExitCode::usage, path + ": no such file");
  if (!S_ISREG(st.st_mode)) throw Error(ExitCode::usage, path + ": not a regular file", "give a .sql file, or - for standard input");
  if (static_cast<std::size_t>(st.st_size) > k_max_file_bytes) throw Error(ExitCode::usage, too_large(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, path + ": cannot be read");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json report_json(const mg::CheckReport& r) {
  json findings = json::array();
  for (const mg::Finding& f : r.findings) {
    findings.push_back({{"code", f.code},
                        {"severity", mg::to_string(f.severity)},
                        {"file", f.file},
                        {"line", f.line == 0 ? json(nullptr) : json(f.line)},
                        {"message", f.message}});
  }
  return json{{"ok", r.ok()}, {"exit_code", to_int(r.exit_code)}, {"findings", findings}};
}

// GitHub's workflow commands read '%', CR and LF in a message, and ':' and ',' in a property too:
// escaped, a name in a migration can neither end the annotation nor start another command.
std::string github_escape(std::string_view text, bool property) {
  std::string out;
  for (const char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

void print_github(const mg::CheckReport& r) {
  for (const mg::Finding& f : r.findings) {
    const char* level = f.severity == mg::Severity::error ? "error" : f.severity == mg::Severity::warning ? "warning" : "notice";
    std::cout << "::" << level << " file=" << github_escape(f.file, true);
    if (f.line > 0) std::cout << ",line=" << f.line;
    std::cout << ",title=" << github_escape("strata " + f.code, true) << "::" << github_escape(f.message, false) << '\n';
  }
}

// A file path as a SARIF artifact URI (relative, '/'-separated, percent-encoded).
std::string sarif_uri(const std::string& path) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

json sarif(const mg::CheckReport& r) {
  std::map<std::string, json> rules;
  json results = json::array();
  for (const mg::Finding& f : r.findings) {
    rules.emplace(f.code, json{{"id", f.code},
                               {"helpUri", "https://manpages.debian.org/strata-migrate.1#CHECK_FINDINGS"},
                               {"shortDescription", {{"text", f.code}}}});
    json location = {{"physicalLocation", {{"artifactLocation", {{"uri", sarif_uri(f.file)}}}}}};
    if (f.line > 0) location["physicalLocation"]["region"] = {{"startLine", f.line}};
    results.push_back({{"ruleId", f.code},
                       {"level", f.severity == mg::Severity::error     ? "error"
                                 : f.severity == mg::Severity::warning ? "warning"
                                                                       : "note"},
                       {"message", {{"text", f.message}}},
                       {"locations", json::array({location})}});
  }
  json rule_list = json::array();
  for (auto& [code, rule] : rules) rule_list.push_back(std::move(rule));
  return json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({{{"tool", {{"driver", {{"name", "strata"},
                                                           {"version", k_version},
                                                           {"informationUri", "https://manpages.debian.org/strata-migrate.1"},
                                                           {"rules", rule_list}}}}},
                                     {"results", results}}})}};
}

void print_table(const mg::CheckReport& r, const LintCommand& c) {
  const bool color = color_enabled(c.out.color, STDOUT_FILENO);
  Table table({"CODE", "SEVERITY", "FILE", "MESSAGE"});
  std::size_t errors = 0, warnings = 0;
  for (const mg::Finding& f : r.findings) {
    errors += f.severity == mg::Severity::error;
    warnings += f.severity == mg::Severity::warning;
    if (c.out.quiet && f.severity != mg::Severity::error) continue;
    table.add({f.code, mg::to_string(f.severity), f.line > 0 ? f.file + ":" + std::to_string(f.line) : f.file, f.message},
              {Tone::plain, severity_tone(f.severity), Tone::plain, Tone::plain});
  }
  if (!table.empty()) table.print(std::cout, color);
  print_note("lint: " + std::to_string(c.files.size()) + " file(s), " + std::to_string(errors) + " error(s), " +
                 std::to_string(warnings) + " warning(s) (exit " + std::to_string(to_int(r.exit_code)) + ")",
             c.out);
}

}  // namespace

Tone severity_tone(mg::Severity s) {
  switch (s) {
    case mg::Severity::error: return Tone::bad;
    case mg::Severity::warning: return Tone::warn;
    case mg::Severity::info: return Tone::dim;
  }
  return Tone::plain;
}

mg::CheckReport with_flags(mg::CheckReport report) {
  for (mg::Finding& f : report.findings) {
    f.message = with_flags(f.message);
    f.detail = with_flags(f.detail);
    f.fix = with_flags(f.fix);
  }
  return report;
}

int run_lint(const LintCommand& c) {
  std::vector<mg::SqlText> texts;
  for (const std::string& path : c.files) texts.push_back({path, read_sql_file(path)});
  mg::SqlLintOptions o;
  o.dialect = c.engine;
  o.strict = c.strict;
  o.ddl_lock_timeout = c.ddl_lock_timeout;
  o.server_version = c.server_version;
  const mg::CheckReport r = with_flags(mg::lint_sql(texts, o));
  switch (c.format) {
    case LintFormat::json: std::cout << json_text(report_json(r)) << '\n'; break;
    case LintFormat::sarif: std::cout << json_text(sarif(r)) << '\n'; break;
    case LintFormat::github: print_github(r); break;
    case LintFormat::table: print_table(r, c); break;
  }
  return to_int(r.exit_code);
}

}  // namespace strata::cli
