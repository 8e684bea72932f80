#include "setting_flags.h"

#include <array>
#include <cstddef>
#include <utility>

namespace strata::cli {

namespace {

// In Setting's order (checked below): a flag per setting, as registered by the commands.
constexpr std::array<std::pair<Setting, std::string_view>, k_setting_count> k_flags = {{
    {Setting::provider, "--provider"},
    {Setting::model, "--model"},
    {Setting::base_url, "--base-url"},
    {Setting::api_key_env, "--api-key-env"},
    {Setting::timeout, "--timeout"},
    {Setting::max_tokens, "--max-tokens"},
    {Setting::context_tokens, "--context-tokens"},
    {Setting::dimensions, "--dimensions"},
    {Setting::concurrency, "--concurrency"},
    {Setting::batch_size, "--batch-size"},
    {Setting::batch_tokens, "--batch-tokens"},
    {Setting::max_retries, "--max-retries"},
    {Setting::max_input_tokens, "--max-input-tokens"},
    {Setting::switch_model, "--switch-model"},
    {Setting::strict, "--strict"},
    {Setting::no_stdin, "--no-stdin"},
    {Setting::continue_conversation, "--continue"},
    {Setting::conversation, "--conversation"},
    {Setting::confirm_tools, "--yes"},
    {Setting::max_steps, "--max-steps"},
    {Setting::collection, "--collection"},
    {Setting::mode, "--mode"},
    {Setting::vector_weight, "--vector-weight"},
    {Setting::text, "--text"},
    {Setting::jsonl, "--jsonl"},
    {Setting::strategy, "--strategy"},
    {Setting::unit, "--unit"},
    {Setting::tokenizer, "--tokenizer"},
    {Setting::size, "--size"},
    {Setting::overlap, "--overlap"},
    {Setting::min_size, "--min-size"},
    {Setting::separators, "--separators"},
    {Setting::compat, "--compat"},
    {Setting::database, "--database"},
    {Setting::dir, "--dir"},
    {Setting::table, "--table"},
    {Setting::envsub, "--envsub"},
    {Setting::wait, "--wait"},
    {Setting::wait_timeout, "--wait-timeout"},
    {Setting::lock_timeout, "--lock-timeout"},
    {Setting::no_baseline, "--no-baseline"},
    {Setting::write_baseline, "--write-baseline"},
    {Setting::to, "--to"},
    {Setting::atomic, "--atomic"},
    {Setting::resume, "--resume"},
    {Setting::allow_out_of_order, "--allow-out-of-order"},
    {Setting::rename, "--rename"},
    {Setting::dry_run, "--dry-run"},
    {Setting::drift, "--drift"},
    {Setting::roundtrip, "--roundtrip"},
    {Setting::schema, "--schema"},
    {Setting::files_from, "--files-from"},
    {Setting::prune, "--prune"},
    {Setting::loader, "--loader"},
    {Setting::id, "--id"},
    {Setting::glob, "--glob"},
    {Setting::exclude, "--exclude"},
    {Setting::rechunk, "--rechunk"},
    {Setting::meta, "--meta"},
    {Setting::follow_links, "--follow-links"},
    {Setting::store, "--store"},
    {Setting::writer, "--writer"},
    {Setting::reader, "--reader"},
    {Setting::where, "--where"},
    {Setting::as, "--as"},
    {Setting::merge, "--merge"},
    {Setting::scope, "--scope"},
    {Setting::rate, "--rate"},
    {Setting::expires, "--expires"},
    {Setting::tokens, "--tokens"},
    {Setting::query_prefix, "--query-prefix"},
    {Setting::document_prefix, "--document-prefix"},
    {Setting::similar, "--similar"},
    {Setting::allow_private, "--allow-private"},
    {Setting::header_env, "--header-env"},
    {Setting::server_version, "--server-version"},
    {Setting::exact, "--exact"},
    {Setting::allowed_host, "--allowed-host"},
    {Setting::public_url, "--public-url"},
    {Setting::cors_origin, "--cors-origin"},
    {Setting::allow_crawl, "--allow-crawl"},
    {Setting::max_pages, "--max-pages"},
    {Setting::max_jobs_per_key, "--max-jobs-per-key"},
    {Setting::ready_when_indexed, "--ready-when-indexed"},
    {Setting::history_table, "--history-table"},
    {Setting::tool_variable, "--set"},
    {Setting::jwks, "--jwks"},
    {Setting::jwt_issuer, "--jwt-issuer"},
    {Setting::jwt_audience, "--jwt-audience"},
}};

constexpr bool flags_in_order() {
  for (std::size_t i = 0; i < k_flags.size(); ++i) {
    if (static_cast<std::size_t>(k_flags[i].first) != i) return false;
  }
  return true;
}
static_assert(flags_in_order(), "k_flags lists every Setting, in its order");

}  // namespace

std::string_view flag_of(Setting s) { return k_flags[static_cast<std::size_t>(s)].second; }

std::string with_flags(std::string_view text) {
  return render(text, [](Setting s) { return std::string(flag_of(s)); });
}

void install_command_words() { set_command_words(flag_of); }

}  // namespace strata::cli
