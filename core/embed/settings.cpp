#include "embed/settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "common/error.h"
#include "common/setting.h"
#include "common/utf8.h"
#include "embed/local_embedder.h"
#include "embed/local_provider.h"
#include "embed/openai_provider.h"
#include "net/endpoint_trust.h"
#include "net/url_secrets.h"

namespace strata::embed {
namespace {

std::string provider_of(const EmbedSettings& s, const std::optional<store::EmbeddingModel>& recorded) {
  if (s.provider) {
    if (*s.provider != "local" && *s.provider != "openai") {
      usage(s.provider_source + ": unknown provider '" + *s.provider + "'", "valid providers: local, openai");
    }
    return *s.provider;
  }
  if (s.model) return parse_local_model(*s.model) ? "local" : "openai";
  if (s.base_url) return "openai";
  if (recorded) return recorded->provider;
  return "local";
}

bool same_model(const std::optional<store::EmbeddingModel>& recorded, const std::string& provider, const std::string& model) {
  return recorded && recorded->provider == provider && recorded->model == model;
}

LocalModel local_model(const std::string& model) {
  const std::optional<LocalModel> m = parse_local_model(model);
  if (!m) {
    usage("the local provider's models are " + std::string(k_local_model_v2) + " (the default) and " + k_local_model_v1 +
          " (got " + mention(Setting::model) + " " + model + ")");
  }
  return *m;
}

std::size_t local_dimensions(const EmbedSettings& s, const std::optional<store::EmbeddingModel>& recorded,
                             const std::string& model) {
  std::size_t d = k_local_default_dimensions;
  if (s.dimensions) {
    d = *s.dimensions;
  } else if (same_model(recorded, "local", model) && recorded->dimensions > 0) {
    d = static_cast<std::size_t>(recorded->dimensions);
  }
  if (d < k_local_min_dimensions || d > k_local_max_dimensions) {
    usage(mention(Setting::dimensions) + " for the local provider must be between " + std::to_string(k_local_min_dimensions) + " and " +
          std::to_string(k_local_max_dimensions) + " (got " + std::to_string(d) + ")");
  }
  return d;
}

void apply_overrides(const EmbedSettings& s, ResolvedEmbedder& r, std::size_t default_inputs) {
  PipelineOptions& p = r.pipeline;
  p.concurrency = s.concurrency;
  p.batch_inputs = s.batch_inputs.value_or(std::min(r.info.limits.max_batch_inputs, default_inputs));
  p.batch_tokens = s.batch_tokens.value_or(r.info.limits.max_batch_tokens);
  p.max_input_tokens = s.max_input_tokens.value_or(r.info.limits.max_input_tokens);
  p.strict = s.strict;
  p.cancelled = s.cancelled;
  p.retry.max_retries = s.max_retries;
  p.model_label = r.info.name;
  if (p.concurrency == 0) usage(mention(Setting::concurrency) + " must be 1 or more");
  if (p.batch_inputs == 0) usage(mention(Setting::batch_size) + " must be 1 or more");
  if (p.batch_tokens == 0) usage(mention(Setting::batch_tokens) + " must be 1 or more");
  if (s.max_retries < 0) usage(mention(Setting::max_retries) + " must be 0 or more");
}

// OpenAI's own embedding models: a collection of one recorded before servers were (migration
// 0014) was embedded by OpenAI's API, or by a server standing in for it with the same vectors.
bool openai_own_model(const std::string& model) {
  return model == "text-embedding-3-small" || model == "text-embedding-3-large" || model == "text-embedding-ada-002";
}

std::string collection_text(const EmbedSettings& s) {
  return s.collection.empty() ? "the collection" : "collection '" + s.collection + "'";
}

// The base URL's setting and URL, or "OPENAI_BASE_URL=URL" for a command that takes no flag.
std::string naming(const EmbedSettings& s, const std::string& url) {
  return s.base_url_flag + (s.base_url_flag.ends_with('=') ? "" : " ") + url;
}

}  // namespace

ServerChoice choose_server(const EmbedSettings& s, const std::optional<store::EmbeddingModel>& recorded,
                           const std::string& model) {
  const std::optional<std::string> user = s.base_url_from_project ? std::nullopt : s.base_url;
  const ServerChoice configured{s.base_url.value_or(k_default_base_url), s.base_url ? s.base_url_source : "", false};
  if (!same_model(recorded, "openai", model)) return configured;
  // As server_of writes it, whatever the store holds: a store may come from anywhere, and
  // something that is not a URL is a server not known.
  const std::string had = net::server_of(recorded->server);
  const std::string vectors = collection_text(s) + " was embedded with " + model + " through ";
  if (had.empty()) {
    // A store from before servers were recorded: the server is unknown. The user's word, a
    // server on this machine, or OpenAI's API for OpenAI's models; nothing else.
    if (user) return configured;
    if (net::loopback_url(configured.base_url)) return configured;
    if (net::official_endpoint(configured.base_url) && openai_own_model(model)) return configured;
    usage(vectors + "a server this store does not record" +
              (s.base_url ? " (" + s.base_url_source + " names " + net::redact_url(*s.base_url) + ", not your choice)" : ""),
          "give the server it was embedded through: " + naming(s, "URL") + " (e.g. http://localhost:11434/v1)");
  }
  if (user) {
    if (net::server_of(*user) == had || s.switch_model) return configured;
    usage(vectors + had + "; " + s.base_url_source + " names " + net::redact_url(*user) +
              ", and vectors of two servers cannot be compared",
          "give " + naming(s, had) + ", or re-embed through the new server: strata embed " + command_mention(Setting::collection) + " " +
              (s.collection.empty() ? "NAME" : s.collection) + " " + command_mention(Setting::switch_model) + " " +
              command_mention(Setting::base_url) + " URL");
  }
  if (net::server_of(k_default_base_url) == had) return ServerChoice{k_default_base_url, "", false};
  if (net::loopback_url(had)) return ServerChoice{had, "the store's record of " + collection_text(s), true};
  usage(vectors + had + ", which this store records but you have not chosen (a store may come with a cloned repository)",
        "to send it there: " + naming(s, had));
}

ModelChoice choose_model(const EmbedSettings& s, const std::optional<store::EmbeddingModel>& recorded) {
  ModelChoice c;
  c.provider = provider_of(s, recorded);
  if (c.provider == "local") {
    // A collection keeps the local model it recorded (its vectors were made by it); a new
    // one gets the default, hash-ngram-v2.
    if (s.model) {
      c.model = *s.model;
    } else if (recorded && recorded->provider == "local" && !recorded->model.empty()) {
      c.model = recorded->model;
    } else {
      c.model = k_local_model;
    }
  } else if (s.model) {
    c.model = *s.model;
  } else if (recorded && recorded->provider == "openai") {
    c.model = recorded->model;
  } else {
    c.model = k_default_openai_model;
  }
  return c;
}

ModelPrefixes choose_prefixes(const EmbedSettings& s, const std::optional<store::EmbeddingModel>& recorded,
                              const ModelChoice& choice) {
  ModelPrefixes p = default_prefixes(choice.model);
  // The record says what the collection's vectors were made with; switching re-embeds them all,
  // so a switch takes the model's own unless told otherwise.
  if (same_model(recorded, choice.provider, choice.model) && !s.switch_model) {
    p = {recorded->query_prefix, recorded->document_prefix};
  }
  if (s.query_prefix) p.query = *s.query_prefix;
  if (s.document_prefix) p.document = *s.document_prefix;
  for (const auto& [text, setting] : {std::pair{&p.query, Setting::query_prefix}, std::pair{&p.document, Setting::document_prefix}}) {
    if (text->size() > k_max_prefix_bytes) {
      usage(mention(setting) + " has " + std::to_string(text->size()) + " bytes; at most " + std::to_string(k_max_prefix_bytes));
    }
    if (find_invalid_utf8(*text)) usage(mention(setting) + " must be UTF-8 text");
  }
  return p;
}

ResolvedEmbedder resolve_embedder(const EmbedSettings& s, const std::optional<store::EmbeddingModel>& recorded,
                                  std::size_t known_dimensions) {
  const ModelChoice choice = choose_model(s, recorded);
  const std::string& provider = choice.provider;
  ResolvedEmbedder r;
  r.prefixes = choose_prefixes(s, recorded, choice);
  if (provider == "local") {
    const LocalModel model = local_model(choice.model);
    r.dimensions = local_dimensions(s, recorded, choice.model);
    r.info = *find_model(local_model_name(model));  // the registry's limits for local models
    r.info.dimensions = r.dimensions;
    r.provider = std::make_unique<LocalProvider>(r.dimensions, model);
    apply_overrides(s, r, 64);
    if (s.max_input_tokens) usage(mention(Setting::max_input_tokens) + " does not apply to the local provider (it has no limit)");
    // Recomputing a local vector costs less than looking it up.
    r.pipeline.use_cache = false;
    return r;
  }

  const std::string& model = choice.model;
  if (model.empty()) usage(mention(Setting::model) + " must not be empty");
  if (parse_local_model(model)) {
    usage(model + " is built into strata: it runs with " + mention(Setting::provider) + " local, not through a server");
  }
  r.info = find_model(model).value_or(unknown_model(model));

  OpenAiConfig config;
  config.model = model;
  r.dimensions = r.info.dimensions;
  if (s.dimensions) {
    const std::size_t d = *s.dimensions;
    if (d == 0) usage(mention(Setting::dimensions) + " must be 1 or more");
    if (r.info.known && !r.info.shortenable && d != r.info.dimensions) {
      usage(model + " gives " + std::to_string(r.info.dimensions) + "-dimensional vectors; it cannot give " +
                std::to_string(d),
            "leave out " + mention(Setting::dimensions) + ", or choose a model that accepts it (text-embedding-3-small, text-embedding-3-large)");
    }
    if (r.info.known && d > r.info.dimensions) {
      usage(model + " gives at most " + std::to_string(r.info.dimensions) + " dimensions (got " + mention(Setting::dimensions) + " " +
            std::to_string(d) + ")");
    }
    r.dimensions = d;
    config.request_dimensions = d;
  } else if (same_model(recorded, "openai", model) && recorded->dimensions > 0) {
    r.dimensions = static_cast<std::size_t>(recorded->dimensions);
    // A collection built with a shortened size must keep asking for it.
    if (r.info.known && r.dimensions != r.info.dimensions) config.request_dimensions = r.dimensions;
  } else if (!r.info.known && known_dimensions > 0) {
    r.dimensions = known_dimensions;
  }
  config.expected_dimensions = r.dimensions;

  const ServerChoice server = choose_server(s, recorded, model);
  net::EndpointSettings e;
  e.base_url = server.base_url;
  e.base_url_source = server.source;
  e.default_base_url = k_default_base_url;
  e.api_key_env = s.api_key_env;
  e.api_key_env_source = s.api_key_env_source;
  // A server the store chose gets no key: on loopback, whoever listens there may not be the
  // server the collection was embedded through (another user's process on a shared machine).
  e.key_allowed = server.from_record ? std::function<bool()>([] { return false; }) : s.key_allowed;
  e.keyless_hint = mention(Setting::base_url) + " for a local server such as Ollama, which needs none";
  const net::Endpoint endpoint = net::resolve_endpoint(e, s.getenv);
  r.base_url = endpoint.base_url;
  r.server = net::server_of(r.base_url);
  r.server_from_record = server.from_record;
  if (server.from_record) config.recorded_server_hint = "give " + naming(s, r.base_url);
  config.base_url = r.base_url;
  config.api_key_source = s.api_key_env;
  config.api_key = endpoint.api_key;
  config.key_withheld = endpoint.key_withheld;
  config.timeout = s.timeout;
  if (s.timeout.count() <= 0) usage(mention(Setting::timeout) + " must be more than 0 seconds");
  r.provider = std::make_unique<OpenAiProvider>(std::move(config));
  apply_overrides(s, r, 256);
  return r;
}

}  // namespace strata::embed
