#pragma once
// Flag values search and ask share, beyond their numbers (number_flags.h): the vector weight,
// the reranker, --where, and whether a project file may send a key. A usage error is
// common/error.h's `usage`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "search/public.h"

namespace strata::cli {

// The vector weight of search and ask: --vector-weight when given (checked from 0 to 1 as it was
// parsed), else strata.toml's [search] vector_weight (above 1 is a usage error naming its
// file:line), else nullopt (the default of the collection's model kind,
// search::default_vector_weight).
std::optional<double> chosen_vector_weight(const std::optional<double>& flag);
// The keyword ranking's title cap: the flag, else [search] title_cap (a whole number, at most
// k_max_title_cap, else usage naming the file and line), else 0 (none).
inline constexpr int k_max_title_cap = 1000;
int chosen_title_cap(const std::optional<int>& flag);

// The reranker of search and ask (search/reranker.h), or nullopt when none is asked for:
// --rerank, else [search] rerank = true. Its server: --rerank-url, else [rerank] base_url (a
// usage error when neither is given); its model: --rerank-model, else [rerank] model. The key
// comes from the variable --rerank-api-key-env names, else [rerank] api_key_env from the user's
// own file: a project's strata.toml (a cloned repository) cannot choose where a key is sent, so
// its api_key_env is ignored with a warning. A named variable that is unset is a usage error.
std::optional<search::RerankSettings> chosen_rerank(bool flag, const std::string& url, const std::string& model,
                                                    const std::string& api_key_env);

// The approximate index of a long-running process (strata mcp, strata serve; search/ann_settings.h):
// nullopt with --exact (the scan answers every search), else [search] ann_min_chunks,
// ann_max_memory_mb and ann_kind over the defaults.
std::optional<search::AnnSettings> chosen_ann(bool exact);

// Whether a key from the environment may go to the endpoint of setting `url_key`
// (embed.base_url, llm.base_url, rerank.base_url), by net/endpoint_trust.h's rule. An endpoint a
// flag or the environment chose is the user's: true. One a project's strata.toml chose is named
// on stderr with the file and line; it gets a key only when official or listed in
// trust.endpoints, else a warning says no key is sent (false). `key_flag`, the key-variable flag
// when given ("--api-key-env"), asks for a key on purpose: withheld, that is a usage error.
bool key_may_go(std::string_view url_key, bool url_flag_given, std::string_view key_flag);

// --where (search and ask): KEY=VALUE (equal), KEY^=PREFIX (starts with) or KEY~GLOB (matches
// the glob), split at the first '=' or '~' (so a value may hold either). Without one, or with an
// empty key, a usage error.
search::MetadataFilter parse_where(const std::string& spec);

}  // namespace strata::cli
