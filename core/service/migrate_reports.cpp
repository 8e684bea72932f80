#include "service/migrate_reports.h"

#include "common/error.h"

namespace strata::service {

using nlohmann::json;

namespace {

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace

json status_json(const migrate::Status& status, const std::string& database, const std::vector<std::string>& dirs) {
  json entries = json::array();
  for (const migrate::StatusEntry& e : status.entries) {
    entries.push_back({{"version", e.version_text},
                       {"name", e.name},
                       {"state", migrate::to_string(e.state)},
                       {"applied_at", text_or_null(e.applied_at)},
                       {"file", text_or_null(e.file)}});
  }
  return json{{"database", database},
              {"dir", dirs.empty() ? std::string() : dirs.front()},
              {"dirs", dirs},
              {"applied", status.applied},
              {"pending", status.pending},
              {"partial", status.partial},
              {"migrations", std::move(entries)}};
}

json check_json(const migrate::CheckReport& report) {
  json findings = json::array();
  for (const migrate::Finding& f : report.findings) {
    findings.push_back({{"code", f.code},
                        {"severity", migrate::to_string(f.severity)},
                        {"version", text_or_null(f.version)},
                        {"file", text_or_null(f.file)},
                        {"line", f.line == 0 ? json(nullptr) : json(f.line)},
                        {"message", f.message},
                        {"detail", text_or_null(f.detail)},
                        {"fix", text_or_null(f.fix)},
                        {"baselined", f.baselined}});
  }
  return json{{"ok", report.ok()},
              {"exit_code", to_int(report.exit_code)},
              {"applied", report.applied},
              {"pending", report.pending},
              {"baseline", text_or_null(report.baseline_file)},
              {"baselined", report.baselined},
              {"findings", std::move(findings)}};
}

}  // namespace strata::service
