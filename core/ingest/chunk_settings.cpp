#include "ingest/chunk_settings.h"

#include <nlohmann/json.hpp>

#include "chunk/setting_errors.h"
#include "common/error.h"
#include "ingest/loader.h"

namespace strata::ingest {
namespace {

std::optional<tokenizer::Encoding> encoding_from_name(const std::string& name) {
  if (name == "cl100k_base") return tokenizer::Encoding::cl100k_base;
  if (name == "o200k_base") return tokenizer::Encoding::o200k_base;
  return std::nullopt;
}

}  // namespace

ChunkSettings apply(ChunkSettings base, const ChunkOverrides& o) {
  const bool default_minimum = !base.min_size || *base.min_size == default_min_size(base.size);
  if (o.strategy) base.strategy = *o.strategy;
  if (o.size) base.size = *o.size;
  if (o.overlap) base.overlap = *o.overlap;
  if (o.unit) base.unit = *o.unit;
  if (o.tokenizer) base.tokenizer = *o.tokenizer;
  if (o.min_size) {
    base.min_size = *o.min_size;
  } else if (default_minimum) {
    base.min_size = default_min_size(base.size);
  }
  // The token strategy always counts tokens; saying so keeps equal configurations equal.
  if (base.strategy == "token") base.unit = "tokens";
  return base;
}

ChunkLabels labels_for(const ChunkOverrides& flags, const ConfiguredChunking& file) {
  ChunkLabels labels;
  const auto from_file = [](ChunkLabel& label, bool flag_given, bool file_set, const std::string& where,
                            const char* key) {
    if (!flag_given && file_set) label = {where, std::string("chunk.") + key};
  };
  from_file(labels.strategy, flags.strategy.has_value(), file.values.strategy.has_value(), file.where.strategy,
            "strategy");
  from_file(labels.size, flags.size.has_value(), file.values.size.has_value(), file.where.size, "size");
  from_file(labels.overlap, flags.overlap.has_value(), file.values.overlap.has_value(), file.where.overlap,
            "overlap");
  from_file(labels.unit, flags.unit.has_value(), file.values.unit.has_value(), file.where.unit, "unit");
  from_file(labels.tokenizer, flags.tokenizer.has_value(), file.values.tokenizer.has_value(), file.where.tokenizer,
            "tokenizer");
  from_file(labels.min_size, flags.min_size.has_value(), file.values.min_size.has_value(), file.where.min_size,
            "min_size");
  return labels;
}

namespace {

std::string at(const std::string& where) { return where.empty() ? "" : where + ": "; }

}  // namespace

void validate(const ChunkSettings& s, const ChunkLabels& l) {
  if (s.strategy != "auto" && !chunk::strategy_from_name(s.strategy)) {
    throw chunk::unknown_strategy(at(l.strategy.where) + l.strategy.name, s.strategy, true);
  }
  if (!chunk::unit_from_name(s.unit)) throw chunk::unknown_unit(at(l.unit.where) + l.unit.name, s.unit);
  if (!encoding_from_name(s.tokenizer)) {
    throw chunk::unknown_tokenizer(at(l.tokenizer.where) + l.tokenizer.name, s.tokenizer);
  }
  if (s.size == 0) throw Error(ExitCode::usage, at(l.size.where) + l.size.name + " must be 1 or more");
  if (s.overlap >= s.size) {
    // Named where the overlap was set, or else where the size was: one of them is the culprit.
    const std::string& where = l.overlap.where.empty() ? l.size.where : l.overlap.where;
    throw chunk::overlap_not_below_size(at(where) + l.overlap.name, s.overlap, l.size.name, s.size);
  }
  const std::size_t min_size = s.min_size.value_or(default_min_size(s.size));
  if (min_size >= s.size) {
    const std::string& where = l.min_size.where.empty() ? l.size.where : l.min_size.where;
    throw chunk::min_size_not_below_size(at(where) + l.min_size.name, min_size, l.size.name, s.size);
  }
}

std::string to_json(const ChunkSettings& s) {
  nlohmann::json j = {{"strategy", s.strategy}, {"size", s.size},         {"overlap", s.overlap},
                      {"unit", s.unit},         {"tokenizer", s.tokenizer}};
  const std::size_t min_size = s.min_size.value_or(default_min_size(s.size));
  if (min_size > 0) j["min_size"] = min_size;
  return j.dump();  // nlohmann::json objects keep keys sorted
}

ChunkSettings from_json(const std::string& json) {
  ChunkSettings s;
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    s.strategy = j.value("strategy", s.strategy);
    s.size = j.value("size", s.size);
    s.overlap = j.value("overlap", s.overlap);
    s.unit = j.value("unit", s.unit);
    s.tokenizer = j.value("tokenizer", s.tokenizer);
    s.min_size = j.value("min_size", std::size_t{0});
  } catch (const nlohmann::json::exception& e) {
    throw Error(ExitCode::invalid_input, std::string("unreadable chunk configuration in the store: ") + e.what());
  }
  return s;
}

std::string describe(const ChunkSettings& s) {
  std::string out = s.strategy + ", " + std::to_string(s.size) + " " + s.unit;
  if (s.overlap > 0) out += ", overlap " + std::to_string(s.overlap);
  if (const std::size_t min_size = s.min_size.value_or(default_min_size(s.size)); min_size > 0) {
    out += ", min " + std::to_string(min_size);
  }
  if (s.unit == "tokens") out += " (" + s.tokenizer + ")";
  return out;
}

chunk::ChunkOptions options_for(const ChunkSettings& s, const std::string& loader) {
  chunk::ChunkOptions o;
  if (s.strategy == "auto") {
    o.strategy = has_markdown_structure(loader) ? chunk::Strategy::markdown : chunk::Strategy::recursive;
  } else {
    o.strategy = *chunk::strategy_from_name(s.strategy);
  }
  o.size = s.size;
  o.overlap = s.overlap;
  o.unit = *chunk::unit_from_name(s.unit);
  o.encoding = *encoding_from_name(s.tokenizer);
  o.count_tokens = true;
  o.min_size = s.min_size.value_or(default_min_size(s.size));
  return o;
}

}  // namespace strata::ingest
