#include "ingest/chunk_settings.h"

#include <nlohmann/json.hpp>

#include "chunk/option_rules.h"
#include "common/error.h"
#include "common/json_limits.h"
#include "ingest/loaders.h"

namespace strata::ingest {
ChunkSettings apply(ChunkSettings base, const ChunkOverrides& o) {
  if (o.any()) base.size_is_fill = false;  // a new configuration: its size is a maximum
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

// Whether the settings measure in tokens (the token strategy always does).
bool counts_tokens(const ChunkSettings& s) { return s.unit == "tokens" || s.strategy == "token"; }

}  // namespace

void validate(const ChunkSettings& s, const ChunkLabels& l) {
  chunk::GivenChunking g;
  g.strategy = s.strategy;
  g.auto_allowed = true;
  g.unit = s.unit;
  g.tokenizer = s.tokenizer;
  g.size = s.size;
  g.overlap = s.overlap;
  g.min_size = s.min_size.value_or(default_min_size(s.size));
  g.names.strategy = at(l.strategy.where) + l.strategy.name;
  g.names.unit = at(l.unit.where) + l.unit.name;
  g.names.tokenizer = at(l.tokenizer.where) + l.tokenizer.name;
  g.names.size = at(l.size.where) + l.size.name;
  g.names.size_short = l.size.name;
  // The overlap and the minimum are named where they were set, or else where the size was: one
  // of the two is the culprit.
  g.names.overlap = at(l.overlap.where.empty() ? l.size.where : l.overlap.where) + l.overlap.name;
  g.names.min_size = at(l.min_size.where.empty() ? l.size.where : l.min_size.where) + l.min_size.name;
  if (auto error = chunk::check_chunking(g).error) throw std::move(*error);
}

std::string to_json(const ChunkSettings& s) {
  nlohmann::json j = {{"strategy", s.strategy}, {"size", s.size},         {"overlap", s.overlap},
                      {"unit", s.unit},         {"tokenizer", s.tokenizer}};
  const std::size_t min_size = s.min_size.value_or(default_min_size(s.size));
  if (min_size > 0) j["min_size"] = min_size;
  // The fill marks a record whose size is a maximum (size_is_fill: those without one).
  chunk::ChunkOptions o;
  o.size = s.size;
  o.overlap = s.overlap;
  o.min_size = min_size;
  o.unit = counts_tokens(s) ? chunk::Unit::tokens : chunk::Unit::chars;
  if (!s.size_is_fill && chunk::fill_size(o) != o.size) j["fill"] = chunk::fill_size(o);
  return j.dump();  // nlohmann::json objects keep keys sorted
}

ChunkSettings from_json(const std::string& json) {
  ChunkSettings s;
  // Read back from the store, which may have come with a repository: bounded like any outside JSON.
  ParsedJson parsed = parse_json_within(json);
  if (!parsed.ok()) throw Error(ExitCode::invalid_input, "unreadable chunk configuration in the store: " + parsed.message);
  try {
    const nlohmann::json& j = parsed.value;
    s.strategy = j.value("strategy", s.strategy);
    s.size = j.value("size", s.size);
    s.overlap = j.value("overlap", s.overlap);
    s.unit = j.value("unit", s.unit);
    s.tokenizer = j.value("tokenizer", s.tokenizer);
    s.min_size = j.value("min_size", std::size_t{0});
    s.size_is_fill = !j.contains("fill") && *s.min_size > 0 && !counts_tokens(s);
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

chunk::ChunkOptions options_for(const ChunkSettings& s, LoaderKind loader) {
  chunk::ChunkOptions o;
  if (s.strategy == "auto") {
    o.strategy = ingest::loader(loader).markdown_structure ? chunk::Strategy::markdown : chunk::Strategy::recursive;
  } else {
    o.strategy = *chunk::strategy_from_name(s.strategy);
  }
  o.size = s.size;
  o.overlap = s.overlap;
  o.unit = *chunk::unit_from_name(s.unit);
  o.encoding = *tokenizer::encoding_from_name(s.tokenizer);  // validate() checked it
  o.count_tokens = true;
  o.min_size = s.min_size.value_or(default_min_size(s.size));
  if (s.size_is_fill && o.min_size > 0) {
    o.fill = s.size;
    o.size = s.size + o.min_size - 1;
  }
  return o;
}

}  // namespace strata::ingest
