#include "option_bundles.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "flag_values.h"
#include "interface_spec.h"
#include "number_flags.h"
#include "config/public.h"
#include "settings.h"

namespace strata::cli {

void add_color_option(CLI::App& cmd) {
  // The value is read from the command line by chosen_color; the option is here for the help,
  // the check and the completions.
  cmd.add_option("--color", "Colour: auto, always or never (NO_COLOR is honoured)")
      ->type_name("TEXT")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

void add_output_options(CLI::App& cmd, OutputOptions& out, const OutputHelp& help) {
  if (help.json != nullptr) cmd.add_flag("--json", out.json, help.json);
  if (help.quiet != nullptr) cmd.add_flag("-q,--quiet", out.quiet, help.quiet);
  add_color_option(cmd);
}

ColorMode chosen_color(const std::vector<std::string>& args) {
  ColorMode mode = ColorMode::automatic;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;  // the words after it are arguments, whatever they look like
    if (a.starts_with("--color=")) {
      mode = parse_color_mode(a.substr(8));
    } else if (a == "--color" && i + 1 < args.size()) {
      mode = parse_color_mode(args[++i]);
    }
  }
  return mode;
}

void add_retrieval_options(CLI::App& cmd, RetrievalFlags& flags, const char* k_help) {
  check_whole_number(cmd.add_option("-k", flags.k, k_help)->type_name("N"), 1, k_max_k);
  cmd.add_option("--mode", flags.mode, "Retrieval: keyword, vector or hybrid (default: hybrid when the collection has vectors)")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(service::k_mode_names), std::end(service::k_mode_names))))
      ->type_name("MODE");
  cmd.add_option("--where", flags.where,
                 "Only documents whose metadata KEY (or source, title, loader, path) is VALUE; KEY^=PREFIX starts with "
                 "it, KEY~GLOB matches; repeatable, ANDed")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false)
      ->check(CLI::Validator(
          [](std::string& spec) {
            parse_where(spec);  // Error(usage) for a bad filter, as for a bad number
            return std::string();
          },
          ""));
  check_decimal(cmd.add_option("--vector-weight", flags.vector_weight,
                               "Hybrid: the vector list's weight in the fusion, 0 to 1; the keyword list's is 1 "
                               "(default: [search] vector_weight, else 0.03 for a built-in model, 1 for a server's)")
                    ->type_name("W"),
                0, 1);
  check_whole_number(cmd.add_option("--title-cap", flags.title_cap,
                                    "Keyword ranking: a title of more than N terms weighs less, as a label of N terms "
                                    "(default: [search] title_cap, else 0: none)")
                         ->type_name("N"),
                     0, k_max_title_cap);
  cmd.add_flag("--rerank", flags.rerank,
               "Re-score the best candidates with a reranker server first (default: [search] rerank)");
  cmd.add_option("--rerank-url", flags.rerank_url, "Reranker server, up to /rerank (default: [rerank] base_url)")
      ->type_name("URL");
  cmd.add_option("--rerank-model", flags.rerank_model, "Reranker model (default: [rerank] model)")->type_name("NAME");
  cmd.add_option("--rerank-api-key-env", flags.rerank_api_key_env,
                 "Environment variable holding the reranker's key (default: none)")
      ->type_name("NAME");
}

void apply_retrieval(const RetrievalFlags& flags, std::size_t& k, std::optional<search::Mode>& mode,
                     std::vector<search::MetadataFilter>& where) {
  if (flags.k) k = *flags.k;
  if (flags.mode) mode = search::parse_mode(*flags.mode);  // CLI11 checked the name
  for (const std::string& w : flags.where) where.push_back(parse_where(w));
}

void add_chunking_options(CLI::App& cmd, ChunkingFlags& flags, const ChunkingHelp& help) {
  set_choices(cmd.add_option("--strategy", flags.strategy, help.strategy)->type_name("NAME"), help.strategies);
  check_whole_number(cmd.add_option("--size", flags.size, "Largest chunk, in --unit (default: 1200)")->type_name("N"), 1);
  check_whole_number(
      cmd.add_option("--overlap", flags.overlap, "Most of a chunk's tail repeated at the next one's head (default: 0)")
          ->type_name("N"),
      0);
  check_whole_number(cmd.add_option("--min-size", flags.min_size, help.min_size)->type_name("N"), 0);
  // The names are checked by core (chunk::check_chunking); set_choices tells the
  // interface checks which ones the completions must offer.
  set_choices(cmd.add_option("--unit", flags.unit, "Size unit: chars (code points), bytes or tokens (default: chars)")
                  ->type_name("UNIT"),
              {"chars", "bytes", "tokens"});
  set_choices(cmd.add_option("--tokenizer", flags.tokenizer, "Tokenizer for tokens: cl100k_base or o200k_base (default: cl100k_base)")
                  ->type_name("NAME"),
              {"cl100k_base", "o200k_base"});
}

std::optional<std::chrono::milliseconds> EndpointFlags::timeout_ms() const {
  if (!timeout) return std::nullopt;
  return std::chrono::milliseconds(std::llround(*timeout * 1000));
}

void add_endpoint_options(CLI::App& cmd, EndpointFlags& flags, const EndpointHelp& help) {
  cmd.add_option("--base-url", flags.base_url, help.base_url)->type_name("URL");
  cmd.add_option("--api-key-env", flags.api_key_env, help.api_key_env)->type_name("NAME");
  check_seconds(cmd.add_option("--timeout", flags.timeout, help.timeout)->type_name("SECS"), k_max_timeout_seconds);
  check_whole_number(cmd.add_option("--max-retries", flags.max_retries, help.max_retries)->type_name("N"), 0,
                     k_max_retries);
}

// strata.toml's (or the user file's) [chunk]: only values a file set, each with its file:line,
// so that a bad one is reported there and not as a flag.
ingest::ConfiguredChunking configured_chunking() {
  ingest::ConfiguredChunking c;
  const auto in_file = [](std::string_view name) -> const config::Setting* {
    const config::Setting& s = configuration().get(name);
    return set_in_file(s) ? &s : nullptr;
  };
  const auto text = [&](std::string_view name, std::optional<std::string>& value, std::string& where) {
    if (const config::Setting* s = in_file(name)) {
      value = s->value;
      where = s->where;
    }
  };
  const auto count = [&](std::string_view name, std::optional<std::size_t>& value, std::string& where,
                         long long least) {
    const config::Setting* s = in_file(name);
    if (s == nullptr) return;
    const long long n = std::stoll(s->value);  // the loader accepted it as a TOML integer
    if (n < least) {
      throw Error(ExitCode::usage, s->where + ": " + std::string(name) + " must be " + std::to_string(least) + " or more");
    }
    value = static_cast<std::size_t>(n);
    where = s->where;
  };
  text("chunk.strategy", c.values.strategy, c.where.strategy);
  count("chunk.size", c.values.size, c.where.size, 1);
  count("chunk.overlap", c.values.overlap, c.where.overlap, 0);
  count("chunk.min_size", c.values.min_size, c.where.min_size, 0);
  text("chunk.unit", c.values.unit, c.where.unit);
  text("chunk.tokenizer", c.values.tokenizer, c.where.tokenizer);
  return c;
}

}  // namespace strata::cli
