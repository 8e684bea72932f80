#pragma once
// From what the user asked for (flags, environment) and what a collection has recorded to a
// ready provider and pipeline options. Every refusal here is Error(usage) and names the flag.
//
// Precedence:
// - provider: --provider; else `openai` when --model names a model other than the local ones
//   (hash-ngram-v1, hash-ngram-v2), or --base-url is given; else the collection's recorded
//   provider; else `local`.
// - model: --model; else the recorded model (same provider); else hash-ngram-v2 (local) or
//   text-embedding-3-small (openai). A collection recorded with hash-ngram-v1 keeps it.
// - dimensions: --dimensions; else the recorded size (same model); else the model's known size
//   (384 for local); else learnt from the server's first response.
// - base URL: --base-url; else $OPENAI_BASE_URL; else https://api.openai.com/v1. For a
//   collection whose vectors came from the chosen model through a server (the record's
//   `server`), that server decides (choose_server): the vectors of two servers may not be
//   comparable, and a store (which may come with a cloned repository) chooses no destination
//   off this machine.
// - API key: the environment variable named by --api-key-env (default OPENAI_API_KEY); never
//   a flag's value. Required for api.openai.com, and whenever the variable's name was given
//   (api_key_env_source): a name given on purpose that holds nothing is a mistake, while the
//   default unset is how a local server that needs no key is reached.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/setting.h"
#include "embed/model_prefixes.h"
#include "embed/model_registry.h"
#include "embed/pipeline.h"
#include "embed/provider.h"
#include "net/endpoint.h"
#include "store/embedding_store.h"

namespace strata::embed {

inline constexpr const char* k_default_openai_model = "text-embedding-3-small";
inline constexpr const char* k_default_base_url = "https://api.openai.com/v1";

struct EmbedSettings {
  std::optional<std::string> provider;           // "local" or "openai"
  std::string provider_source = mention(Setting::provider);  // where provider was set, for messages
  std::optional<std::string> model;
  std::optional<std::size_t> dimensions;
  std::optional<std::string> base_url;           // Default: https://api.openai.com/v1
  std::string base_url_source = mention(Setting::base_url);  // or "$OPENAI_BASE_URL", "/p/strata.toml:3: embed.base_url"
  // base_url came from the strata.toml of a project the user has not trusted: not the user's own
  // choice (a flag, the environment, the user's config file, a trusted project's file), so it
  // does not outweigh a collection's recorded server.
  bool base_url_from_project = false;
  // The collection embedded or searched, for messages ("" in text mode).
  std::string collection;
  // How the user names the server, for hints: its setting (the CLI's flag, "<base_url> URL"), or
  // a variable for a command without one ("OPENAI_BASE_URL=URL" when this ends with '=').
  std::string base_url_flag = mention(Setting::base_url);
  // Reads the key's variable (core reads no environment itself). Default (empty): nothing is set.
  net::Getenv getenv;
  std::string api_key_env = "OPENAI_API_KEY";    // the variable's name
  // Where api_key_env was given, for the refusal when it is unset: "--api-key-env" or
  // "/p/strata.toml:3: embed.api_key_env". Default: "" (the default name, may be unset).
  std::string api_key_env_source;
  // Asked once, when a server's key is about to be read: false keeps the key from the
  // environment out of the request (a project file chose the server; see net/endpoint_trust.h).
  // The caller says why on stderr. Default (empty): the key goes.
  std::function<bool()> key_allowed;
  std::size_t concurrency = 4;                   // Default: 4 requests in flight
  std::optional<std::size_t> batch_inputs;       // Default: the model's, at most 256 (64 local)
  std::optional<std::size_t> batch_tokens;       // Default: the model's
  std::optional<std::size_t> max_input_tokens;   // Default: the model's
  int max_retries = 5;
  std::chrono::milliseconds timeout{120'000};    // per request
  bool strict = false;
  bool switch_model = false;
  // Set: asked between batches; true ends the run early, everything stored before kept (a
  // server's embed job that its caller cancelled). Thread-safe.
  std::function<bool()> cancelled;
  // The text put before every query and every chunk ("" clears one). Unset: the collection's
  // recorded ones for its model, else (a new collection, another model, switch_model) the
  // model's own (model_prefixes.h).
  std::optional<std::string> query_prefix;
  std::optional<std::string> document_prefix;
};

struct ResolvedEmbedder {
  std::unique_ptr<Provider> provider;
  PipelineOptions pipeline;
  ModelInfo info;          // the registry entry (or unknown-model defaults) behind the limits
  std::size_t dimensions;  // 0: learnt from the first response
  std::string base_url;    // openai only
  std::string server;      // net::server_of(base_url), as recorded with the model; "" for local
  bool server_from_record = false;  // base_url is the collection's recorded server (no key sent)
  ModelPrefixes prefixes;  // choose_prefixes
};

// The embedding server for `model`, and whether it is the collection's recorded one. A record
// applies when its provider is openai and its model `model`; then (`user`: base_url unless it came
// from a project file):
// - a recorded server and `user` naming it, or no `user` and the recorded server is the default
//   one: that server;
// - a recorded server and no `user`: the recorded server when it is on loopback (localhost,
//   127.0.0.0/8, [::1]: nothing leaves the machine), sent no key; else Error(usage) naming it
//   with the hint base_url_flag URL;
// - `user` naming another server: Error(usage), vectors of two servers are not mixed, unless
//   switch_model (embed re-embeds the collection through it);
// - no recorded server (a store from before migration 0014): `user`; else the configured or
//   default server when it is on loopback, or the default and `model` one of OpenAI's own;
//   else Error(usage) asking for base_url_flag.
struct ServerChoice {
  std::string base_url;
  std::string source;        // where it came from, for messages: the base URL's setting, "the store's record"
  bool from_record = false;  // the recorded server, not one the user named
};
ServerChoice choose_server(const EmbedSettings& settings, const std::optional<store::EmbeddingModel>& recorded,
                           const std::string& model);

struct ModelChoice {
  std::string provider;  // "local" or "openai"
  std::string model;
};

// The provider and model the settings and the record select (the first two rules above).
ModelChoice choose_model(const EmbedSettings& settings, const std::optional<store::EmbeddingModel>& recorded);

// The longest prefix: a few words of instruction (BGE's is 58 bytes); a longer one would crowd
// the text out of the model's input.
inline constexpr std::size_t k_max_prefix_bytes = 1024;

// The prefixes for `choice` (the rules at EmbedSettings::query_prefix). Error(usage) for a
// prefix over k_max_prefix_bytes or not UTF-8.
ModelPrefixes choose_prefixes(const EmbedSettings& settings, const std::optional<store::EmbeddingModel>& recorded,
                              const ModelChoice& choice);

// `recorded`: the collection's model, if it has one (nullopt in text mode). `known_dimensions`:
// the size this store already knows for the chosen model from other collections or the cache
// (0: none); it is expected, not requested, so that a model strata does not know finds its
// cached vectors on the first run in a new collection.
ResolvedEmbedder resolve_embedder(const EmbedSettings& settings, const std::optional<store::EmbeddingModel>& recorded,
                                  std::size_t known_dimensions = 0);

}  // namespace strata::embed
