#include "flag_values.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <system_error>
#include <utility>

#include "common/public.h"
#include "config/public.h"
#include "net/public.h"
#include "number_flags.h"
#include "output.h"
#include "settings.h"

namespace strata::cli {

search::MetadataFilter parse_where(const std::string& spec) {
  std::optional<search::MetadataFilter> f = search::parse_metadata_filter(spec);
  if (!f) {
    const bool empty_key = spec.find_first_of("=~") != std::string::npos;
    usage("--where '" + spec + "': " + (empty_key ? "the key is empty; " : "") + "expected KEY=VALUE, KEY^=PREFIX or KEY~GLOB",
          "e.g. --where team=legal, --where source^=docs/, --where 'source~*.md'");
  }
  return *f;
}

std::optional<double> chosen_vector_weight(const std::optional<double>& flag) {
  if (flag) return flag;
  const config::Setting& s = configuration().get("search.vector_weight");
  if (!s.set()) return std::nullopt;
  const double w = std::stod(s.value);  // the loader accepted it as a non-negative number
  if (w > 1.0) usage(s.where + ": search.vector_weight must be from 0 to 1 (got " + s.value + ")");
  return w;
}

int chosen_title_cap(const std::optional<int>& flag) {
  if (flag) return *flag;
  const config::Setting& s = configuration().get("search.title_cap");
  if (!s.set()) return 0;
  return static_cast<int>(parse_whole_number(s.where + ": search.title_cap", s.value, 0, k_max_title_cap));
}

std::optional<search::AnnSettings> chosen_ann(bool exact) {
  if (exact) return std::nullopt;
  search::AnnSettings a;
  const config::Setting& rows = configuration().get("search.ann_min_chunks");
  if (rows.set()) a.min_rows = static_cast<std::size_t>(parse_whole_number(rows.where + ": search.ann_min_chunks", rows.value, 1));
  const config::Setting& mb = configuration().get("search.ann_max_memory_mb");
  if (mb.set()) {
    a.max_bytes = static_cast<std::size_t>(parse_whole_number(mb.where + ": search.ann_max_memory_mb", mb.value, 0)) << 20;
  }
  const config::Setting& kind = configuration().get("search.ann_kind");
  if (kind.set()) {
    const std::optional<search::AnnKind> named = search::ann_kind_named(kind.value);
    if (!named) usage(kind.where + ": search.ann_kind must be rabitq or hnsw (got " + kind.value + ")");
    a.kind = *named;
  }
  return a;
}

bool key_may_go(std::string_view url_key, bool url_flag_given, std::string_view key_flag) {
  const config::Setting& url = configuration().get(url_key);
  if (url_flag_given || !chosen_by_project(url)) return true;
  const std::string shown = net::redact_url(url.value);
  const std::string chosen = url.where + " (" + std::string(url_key) + ") chose the endpoint " + shown;
  const config::Setting& trusted = configuration().get("trust.endpoints");
  if (net::official_endpoint(url.value) || (trusted.set() && net::listed_origin(url.value, trusted.value))) {
    std::cerr << "strata: note: " << chosen << '\n';
    return true;
  }
  const std::string trust = "STRATA_TRUSTED_ENDPOINTS=" + net::url_origin(url.value) +
                            " (or [trust] endpoints in your own config file)";
  if (!key_flag.empty()) {
    usage(std::string(key_flag) + " asks to send a key, but " + chosen + ", which you have not trusted",
          "give the URL yourself (--base-url), or trust it: " + trust);
  }
  print_warning(chosen + "; no key is sent to it: trust it first with " + trust, ColorMode::automatic);
  return false;
}

std::optional<search::RerankSettings> chosen_rerank(bool flag, const std::string& url, const std::string& model,
                                                    const std::string& api_key_env) {
  const config::Setting& on = configuration().get("search.rerank");
  if (!flag && !(on.set() && on.value == "true")) return std::nullopt;
  search::RerankSettings r;
  const config::Setting& base = configuration().get("rerank.base_url");
  r.base_url = !url.empty() ? url : base.set() ? base.value : "";
  if (r.base_url.empty()) {
    usage("--rerank needs a reranker server", "give --rerank-url URL or [rerank] base_url in strata.toml");
  }
  const config::Setting& m = configuration().get("rerank.model");
  r.model = !model.empty() ? model : m.set() ? m.value : "";
  const config::Setting& c = configuration().get("rerank.candidates");
  if (c.set()) r.candidates = static_cast<std::size_t>(parse_whole_number(c.where + ": rerank.candidates", c.value, 1));
  std::string variable = api_key_env;
  std::string source = "--rerank-api-key-env";
  const config::Setting& k = configuration().get("rerank.api_key_env");
  if (variable.empty() && k.set()) {
    if (chosen_by_project(k)) {
      print_warning(k.where + ": rerank.api_key_env is ignored in a project's strata.toml (it would choose where a key "
                    "is sent); set it in your own config file or give --rerank-api-key-env",
                    ColorMode::automatic);
    } else {
      variable = k.value;
      source = k.where + ": rerank.api_key_env";
    }
  }
  net::EndpointSettings e;
  e.base_url = r.base_url;
  e.base_url_source = !url.empty() ? "--rerank-url" : base.where + ": rerank.base_url";
  e.api_key_env = variable;
  e.api_key_env_source = variable.empty() ? "" : source;
  e.api_key_env_flag = "--rerank-api-key-env";
  e.official_needs_key = false;
  e.example_url = "http://localhost:8012/v1";
  e.key_allowed = [&url, &api_key_env] {
    return key_may_go("rerank.base_url", !url.empty(), api_key_env.empty() ? "" : "--rerank-api-key-env");
  };
  const net::Endpoint endpoint = net::resolve_endpoint(e, process_getenv());
  r.api_key = endpoint.api_key;
  r.api_key_env = endpoint.api_key_env;
  return r;
}

}  // namespace strata::cli
