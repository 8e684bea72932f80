#include "embed_output.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "config/config.h"
#include "config_command.h"
#include "flag_values.h"

namespace strata::cli {
namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::chrono::milliseconds parse_seconds(const std::string& flag, const std::string& value) {
  double s = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, s);
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(s) || s <= 0 || s > 86400) {
    usage(flag + " must be a number of seconds above 0 (got '" + value + "')");
  }
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

}  // namespace

EmbedReporter::EmbedReporter(const OutputOptions& out, std::string what) : out_(out), what_(std::move(what)) {
  live_ = !out.quiet && ::isatty(STDERR_FILENO) == 1;
}

void EmbedReporter::progress(const embed::EmbedStats& s) {
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && s.done() < s.total) return;
  last_ = now;
  std::string line = "embedding " + what_ + ": " + std::to_string(s.done());
  if (s.total > 0) line += "/" + std::to_string(s.total);
  line += " (" + std::to_string(s.cached) + " from cache, " + std::to_string(s.failed) + " failed) · " +
          plural(s.requests, "request", "requests");
  if (s.retries > 0) line += " · " + plural(s.retries, "retry", "retries");
  const std::lock_guard lock(mutex_);
  std::cerr << "\r\x1b[K" << line << std::flush;
  drawn_ = true;
}

void EmbedReporter::warning(const std::string& message) {
  const std::lock_guard lock(mutex_);
  clear_line();
  print_warning(message, out_.color);
}

void EmbedReporter::retrying(const std::string& message, std::chrono::milliseconds wait) {
  if (out_.quiet) return;
  const std::lock_guard lock(mutex_);
  clear_line();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(wait.count()) / 1000.0);
  std::cerr << "strata: retrying in " << buf << " s: " << message << '\n';
}

void EmbedReporter::done() {
  const std::lock_guard lock(mutex_);
  clear_line();
}

void EmbedReporter::clear_line() {
  if (drawn_) std::cerr << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string embed_summary(const embed::EmbedStats& s, const char* unit_one, const char* unit_many) {
  return "embedded " + plural(s.embedded + s.cached, unit_one, unit_many) + " (" + std::to_string(s.cached) +
         " from cache), " + std::to_string(s.failed) + " failed" +
         (s.truncated > 0 ? ", " + std::to_string(s.truncated) + " truncated" : std::string()) + "; " +
         plural(s.requests, "request", "requests") + ", " + plural(s.retries, "retry", "retries") + ", " +
         seconds_text(s.seconds);
}

std::string model_text(const store::EmbeddingModel& m) {
  return m.provider + " " + m.model + (m.dimensions > 0 ? " (" + std::to_string(m.dimensions) + " dimensions)" : std::string());
}

nlohmann::json stats_json(const embed::EmbedStats& s) {
  return nlohmann::json{{"embedded", s.embedded}, {"cached", s.cached},   {"failed", s.failed},
                        {"truncated", s.truncated}, {"requests", s.requests}, {"retries", s.retries},
                        {"seconds", std::round(s.seconds * 1000) / 1000}};
}

nlohmann::json failures_json(const std::vector<embed::FailedInput>& failures, bool chunks) {
  nlohmann::json list = nlohmann::json::array();
  for (const embed::FailedInput& f : failures) {
    nlohmann::json j = {{"input", f.label}, {"message", f.message}};
    if (chunks) j["chunk_id"] = f.key;
    list.push_back(std::move(j));
  }
  return list;
}

void print_failures(const std::vector<embed::FailedInput>& failures, ColorMode color) {
  for (const embed::FailedInput& f : failures) print_warning("not embedded: " + f.label + ": " + f.message, color);
}

void add_endpoint_options(CLI::App& cmd, EndpointFlags& flags) {
  cmd.add_option("--base-url", flags.base_url,
                 "Server URL up to /embeddings (default: $OPENAI_BASE_URL, else https://api.openai.com/v1)")
      ->type_name("URL");
  cmd.add_option("--api-key-env", flags.api_key_env,
                 "Environment variable holding the API key (default: embed.api_key_env in strata.toml, else OPENAI_API_KEY)")
      ->type_name("NAME");
  cmd.add_option("--max-retries", flags.max_retries, "Retries of a failed request (default: 5)")->type_name("N");
  cmd.add_option("--timeout", flags.timeout, "Seconds a request may take (default: 120)")->type_name("SECS");
}

void apply_endpoint(const EndpointFlags& flags, embed::EmbedSettings& s) {
  s.base_url = !flags.base_url.empty() ? std::optional<std::string>(flags.base_url) : configured_in_file("embed.base_url");
  if (!flags.api_key_env.empty()) {
    s.api_key_env = flags.api_key_env;
    s.api_key_env_source = "--api-key-env";
  } else {
    const config::Setting& name = configuration().get("embed.api_key_env");
    s.api_key_env = name.value;
    if (configured_in_file("embed.api_key_env")) s.api_key_env_source = name.where + ": embed.api_key_env";
  }
  // Asked only when a server's key is read, so a local model never hears of the server.
  s.key_allowed = [url_flag = !flags.base_url.empty(), key_flag = !flags.api_key_env.empty()] {
    return key_may_go("embed.base_url", url_flag, key_flag ? "--api-key-env" : "");
  };
  if (!flags.max_retries.empty()) {
    s.max_retries = static_cast<int>(std::min<std::size_t>(parse_count("--max-retries", flags.max_retries, 0), 100));
  }
  if (!flags.timeout.empty()) s.timeout = parse_seconds("--timeout", flags.timeout);
}

}  // namespace strata::cli
