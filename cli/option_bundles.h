#pragma once
// Flags that several commands share, each bundle registered by one function, so that a flag has
// one name, one range and one message in every command that takes it (its help may say what it
// means to that command):
//   output     --json, -q/--quiet, --color                                every command that prints
//   retrieval  -k, --mode, --where, --vector-weight, --rerank...          search, ask
//   chunking   --strategy, --size, --overlap, --min-size, --unit, --tokenizer   chunk, ingest
//   endpoint   --base-url, --api-key-env, --timeout, --max-retries        embed, ingest, ask
// A flag that was not given is an empty std::optional. A bad value is refused while the command
// line is parsed, as a usage error with strata's message (number_flags.h).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ingest/public.h"
#include "output.h"
#include "search/public.h"
#include "service/public.h"

namespace CLI {
class App;
}

namespace strata::cli {

// ---------------------------------------------------------------------------------------------
// output

// What --json and -q mean to the command, for its help; nullptr: it has no such flag.
struct OutputHelp {
  const char* json = nullptr;
  const char* quiet = nullptr;
};

// Registers --json (into out.json) and -q/--quiet (into out.quiet) as `help` describes them, and
// --color. out.color is not a flag's: each run gets it from chosen_color (command.h, RunContext).
void add_output_options(CLI::App& cmd, OutputOptions& out, const OutputHelp& help);

// Registers --color WHEN (auto, always or never) on `cmd`; its value is read by chosen_color.
void add_color_option(CLI::App& cmd);

// The colour of the whole run: the last --color (or --color=WHEN) of the command line `args`
// (argv without the program name) before a `--`, at whatever level it was given (`strata --color
// never chunk`, `strata chunk --color never`); automatic when none. Read from the words rather
// than from the parsed options so that a usage error, raised before the command line is parsed
// whole, is coloured as the user asked too. A value other than always or never is automatic
// (CLI11 refuses it, in a message printed that way).
ColorMode chosen_color(const std::vector<std::string>& args);

// ---------------------------------------------------------------------------------------------
// retrieval

// -k: more is refused, not quietly capped (the service's limit for a terminal's search)
inline constexpr std::size_t k_max_k = static_cast<std::size_t>(service::k_terminal_k_max);

struct RetrievalFlags {
  std::optional<std::size_t> k;      // 1 to k_max_k
  std::optional<std::string> mode;   // keyword, vector or hybrid
  std::vector<std::string> where;    // as given; each a valid filter (parse_where)
  // 0 to 1; unless given: [search] vector_weight, else the model kind's default
  // (chosen_vector_weight).
  std::optional<double> vector_weight;
  // 0 to k_max_title_cap; unless given: [search] title_cap (chosen_title_cap).
  std::optional<int> title_cap;
  bool rerank = false;  // with the reranker's server, model and key variable (chosen_rerank)
  std::string rerank_url, rerank_model, rerank_api_key_env;
};

// Registers -k (described by `k_help`, which names the command's default), --mode, --where,
// --vector-weight, --title-cap, --rerank, --rerank-url, --rerank-model and --rerank-api-key-env.
void add_retrieval_options(CLI::App& cmd, RetrievalFlags& flags, const char* k_help);

// The given flags into a request's fields; those not given keep the request's defaults.
void apply_retrieval(const RetrievalFlags& flags, std::size_t& k, std::optional<search::Mode>& mode,
                     std::vector<search::MetadataFilter>& where);

// ---------------------------------------------------------------------------------------------
// chunking

// Given flags, each checked for its range (--size 1 or more, --overlap and --min-size 0 or
// more) as it is parsed; the names and how the settings go together are core's rules
// (chunk::check_chunking), which chunk and core/ingest apply.
using ChunkingFlags = ingest::ChunkOverrides;

// What --strategy and --min-size mean to the command (their defaults differ).
struct ChunkingHelp {
  const char* strategy;
  const char* min_size;
  std::vector<std::string> strategies;  // the names --strategy accepts (core checks them)
};

void add_chunking_options(CLI::App& cmd, ChunkingFlags& flags, const ChunkingHelp& help);
// strata.toml's (or the user file's) [chunk], as the configuration (and so the project's trust)
// gives it: only values a file set, each with its file:line. For ingest and serve's ingest.
ingest::ConfiguredChunking configured_chunking();

// ---------------------------------------------------------------------------------------------
// endpoint

inline constexpr int k_max_retries = 100;             // --max-retries: 0 to this
inline constexpr double k_max_timeout_seconds = 86400;  // --timeout: above 0, at most a day

// How to reach a server: an embedding server (embed, ingest --embed) or a chat server (ask).
struct EndpointFlags {
  std::optional<std::string> base_url;
  std::optional<std::string> api_key_env;
  std::optional<int> max_retries;  // 0 to k_max_retries
  std::optional<double> timeout;   // seconds, above 0 and at most k_max_timeout_seconds

  std::optional<std::chrono::milliseconds> timeout_ms() const;
};

// What the flags mean to the command, for its help (the server, the key's default, what the
// timeout times, the default number of retries).
struct EndpointHelp {
  const char* base_url;
  const char* api_key_env;
  const char* timeout;
  const char* max_retries;
};

void add_endpoint_options(CLI::App& cmd, EndpointFlags& flags, const EndpointHelp& help);

}  // namespace strata::cli
