#include "embed_output.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/public.h"
#include "config/public.h"
#include "flag_values.h"
#include "setting_flags.h"
#include "settings.h"
#include "terminal_filter.h"

namespace strata::cli {
EmbedReporter::EmbedReporter(const OutputOptions& out, std::string what) : out_(out), what_(std::move(what)) {
  live_ = !out.quiet && ::isatty(STDERR_FILENO) == 1;
}

void EmbedReporter::progress(const embed::EmbedStats& s) {
  if (!live_) return;
  const std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && s.done() < s.total) return;
  last_ = now;
  done_ = s.done();
  if (done_ != note_done_) retry_note_.clear();  // the work moved on since the retry
  std::string line = "embedding " + what_ + ": " + std::to_string(s.done());
  if (s.total > 0) line += "/" + std::to_string(s.total);
  line += " (" + std::to_string(s.cached) + " from cache, " + std::to_string(s.failed) + " failed) · " +
          plural(s.requests, "request", "requests");
  if (s.retries > 0) line += " · " + plural(s.retries, "retry", "retries");
  line_ = std::move(line);
  draw();
}

void EmbedReporter::draw() {
  std::string line = line_;
  if (!retry_note_.empty()) line += (line.empty() ? "" : " · ") + retry_note_;
  const std::size_t columns = terminal_columns(STDERR_FILENO);
  erase_line(std::cerr);
  std::cerr << fit_to_width(line, columns > 1 ? columns - 1 : 79) << std::flush;
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
  const std::string note = retry_text(message, wait);
  if (live_) {
    retry_note_ = note;
    note_done_ = done_;
    draw();
    return;
  }
  clear_line();
  std::cerr << "strata: " << note << '\n';
}

void EmbedReporter::done() {
  const std::lock_guard lock(mutex_);
  clear_line();
}

void EmbedReporter::clear_line() {
  if (drawn_) erase_line(std::cerr);
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
    nlohmann::json j = {{"input", f.label}, {"message", with_flags(f.message)}};
    if (chunks) j["chunk_id"] = f.key;
    list.push_back(std::move(j));
  }
  return list;
}

void print_failures(const std::vector<embed::FailedInput>& failures, ColorMode color) {
  for (const embed::FailedInput& f : failures) print_warning("not embedded: " + f.label + ": " + f.message, color);
}

void add_embedding_endpoint_options(CLI::App& cmd, EndpointFlags& flags) {
  add_endpoint_options(cmd, flags,
                       {"Server URL up to /embeddings (default: $OPENAI_BASE_URL, else the collection's recorded server when "
                        "on this machine, else https://api.openai.com/v1)",
                        "Environment variable holding the API key (default: embed.api_key_env in strata.toml, else "
                        "OPENAI_API_KEY)",
                        "Seconds a request may take, decimals allowed (default: 120)",
                        "Retries of a failed request, 0 to 100 (default: 5)"});
}

void apply_embed_server(const std::optional<std::string>& base_url_flag,
                        const std::optional<std::string>& api_key_env_flag, embed::EmbedSettings& s) {
  const config::Setting& url = setting("embed.base_url", base_url_flag, "--base-url");
  s.base_url = value_of(url);
  s.base_url_source = source_of(url, "embed.base_url", "--base-url");
  // A project's strata.toml may come with a cloned repository: its server is the user's choice
  // only in a project the user trusts (config/trust.h leaves it out of any other), and otherwise
  // does not outweigh a collection's recorded one (embed::choose_server).
  s.base_url_from_project = chosen_by_project(url) && !configuration().trust.trusted();
  const config::Setting& name = setting("embed.api_key_env", api_key_env_flag, "--api-key-env");
  s.api_key_env = name.value;
  // A name given on purpose must be set; the default may be unset (a local server needs no key).
  s.api_key_env_source = set_by_user(name) ? source_of(name, "embed.api_key_env", "") : "";
  // Asked only when a server's key is read, so a local model never hears of the server.
  s.key_allowed = [url_flag = base_url_flag.has_value(), key_flag = api_key_env_flag.has_value()] {
    return key_may_go("embed.base_url", url_flag, key_flag ? "--api-key-env" : "");
  };
  s.getenv = process_getenv();
}

void apply_endpoint(const EndpointFlags& flags, embed::EmbedSettings& s) {
  apply_embed_server(flags.base_url, flags.api_key_env, s);
  if (flags.max_retries) s.max_retries = *flags.max_retries;
  if (const auto timeout = flags.timeout_ms()) s.timeout = *timeout;
}

}  // namespace strata::cli
