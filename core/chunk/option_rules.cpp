#include "chunk/option_rules.h"

#include "chunk/setting_errors.h"
#include "common/setting.h"

namespace strata::chunk {
namespace {

Error usage_error(std::string message, std::string hint = {}) {
  return Error(ExitCode::usage, std::move(message), std::move(hint));
}

Error min_size_with_langchain() {
  return usage_error(mention(Setting::min_size) + " does not apply to " + mention(Setting::compat) + " langchain", "LangChain-compatible chunks are LangChain's exactly");
}

// The size, and the overlap and the minimum below it.
std::optional<Error> size_rules(const ChunkOptions& o, const GivenChunking::Names& n) {
  if (o.size == 0) return usage_error(n.size + " must be 1 or more");
  if (o.overlap >= o.size) return overlap_not_below_size(n.overlap, o.overlap, n.size_short, o.size);
  if (o.min_size >= o.size) return min_size_not_below_size(n.min_size, o.min_size, n.size_short, o.size);
  return std::nullopt;
}

// The rules in CheckedChunking's order; the first broken one is the error.
std::optional<Error> first_broken(const GivenChunking& g, CheckedChunking& r) {
  const GivenChunking::Names& n = g.names;
  ChunkOptions& o = r.options;
  if (g.strategy && !(g.auto_allowed && *g.strategy == "auto")) {
    const auto s = strategy_from_name(*g.strategy);
    if (!s) return unknown_strategy(n.strategy, *g.strategy, g.auto_allowed);
    o.strategy = *s;
    r.strategy_chosen = true;
  } else if (!g.strategy && (g.separators || g.langchain)) {
    // Both only mean something to the recursive splitter: they choose it for every input.
    o.strategy = Strategy::recursive;
    r.strategy_chosen = true;
  }
  if (r.strategy_chosen && o.strategy != Strategy::recursive) {
    const std::string strategy = name_of(o.strategy);
    if (g.separators) return usage_error(mention(Setting::separators) + " applies to " + mention(Setting::strategy) + " recursive only, not " + strategy);
    if (g.langchain) return usage_error(mention(Setting::compat) + " applies to " + mention(Setting::strategy) + " recursive only, not " + strategy);
  }
  if (g.unit) {
    const auto u = unit_from_name(*g.unit);
    if (!u) return unknown_unit(n.unit, *g.unit);
    o.unit = *u;
  }
  if (r.strategy_chosen && o.strategy == Strategy::token) {
    if (g.unit && o.unit != Unit::tokens) {
      return usage_error(mention(Setting::strategy) + " token counts tokens; " + mention(Setting::unit) + " " + *g.unit + " does not apply",
                         "leave out " + mention(Setting::unit) + ", or pass " + mention(Setting::unit) + " tokens");
    }
    o.unit = Unit::tokens;
  }
  const auto e = tokenizer::encoding_from_name(g.tokenizer);
  if (!e) return unknown_tokenizer(n.tokenizer, g.tokenizer);
  o.encoding = *e;
  o.size = g.size;
  o.overlap = g.overlap;
  o.compat_langchain = g.langchain;
  if (g.langchain && g.min_size && !g.min_size_from_file) return min_size_with_langchain();
  if (!g.langchain) o.min_size = g.min_size.value_or(default_min_size(g.size));
  return size_rules(o, n);
}

}  // namespace

CheckedChunking check_chunking(const GivenChunking& given) {
  CheckedChunking r;
  r.error = first_broken(given, r);
  return r;
}

std::optional<Error> check_options(const ChunkOptions& options) {
  if (auto error = size_rules(options, GivenChunking::Names{})) return error;
  if (options.compat_langchain && options.min_size > 0) return min_size_with_langchain();
  if (options.fill != 0 && (options.fill > options.size || options.fill <= options.overlap)) {
    return usage_error("chunk fill " + std::to_string(options.fill) + " must be above the overlap and at most the size");
  }
  return std::nullopt;
}

}  // namespace strata::chunk
