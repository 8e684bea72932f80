#include "search/similar.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "common/error.h"
#include "common/setting.h"
#include "store/catalog.h"

namespace strata::search {
namespace {

// The row of `id` in the ascending `chunk_ids`, if it has one.
std::optional<std::size_t> similar_row_of(std::span<const std::int64_t> chunk_ids, std::int64_t id) {
  const auto it = std::lower_bound(chunk_ids.begin(), chunk_ids.end(), id);
  if (it == chunk_ids.end() || *it != id) return std::nullopt;
  return static_cast<std::size_t>(it - chunk_ids.begin());
}

std::string similar_embed_hint(const store::CollectionInfo& c) {
  return "vectors come from strata embed " + command_mention(Setting::collection) + " " + c.name +
         "; a chunk's id is the \"id\" of a hit in search's JSON output";
}

}  // namespace

bool is_chunk_id_text(std::string_view target) {
  return !target.empty() && target.size() <= 18 &&
         std::all_of(target.begin(), target.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

SimilarTarget similar_target(store::Store& store, const store::CollectionInfo& c, const std::string& target,
                             std::span<const std::int64_t> chunk_ids, const VectorIndex& index) {
  SimilarTarget out;
  std::string what;
  if (is_chunk_id_text(target)) {
    std::int64_t id = 0;
    std::from_chars(target.data(), target.data() + target.size(), id);
    out.excluded.push_back(id);
    what = "chunk " + target;
  } else {
    const std::optional<store::DocumentSummary> d = store::find_document(store, c.name, target);
    if (!d) {
      throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no document '" + target + "' in collection '" + c.name + "'",
                  "give a source as strata documents lists it, or a chunk's id");
    }
    store::for_each_chunk(store, d->id, [&out](const store::ChunkView& v) { out.excluded.push_back(v.id); });
    std::sort(out.excluded.begin(), out.excluded.end());
    what = "document '" + target + "'";
  }
  std::vector<double> sum(index.dims(), 0.0);
  std::size_t found = 0;
  for (const std::int64_t id : out.excluded) {
    const std::optional<std::size_t> r = similar_row_of(chunk_ids, id);
    if (!r) continue;
    const std::span<const float> v = index.row(*r);
    for (std::size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
    ++found;
  }
  if (found == 0) {
    throw Error(ExitCode::invalid_input, what + " has no vector in collection '" + c.name + "'", similar_embed_hint(c));
  }
  double norm = 0;
  for (const double x : sum) norm += x * x;
  norm = std::sqrt(norm);
  out.vector.reserve(sum.size());
  for (const double x : sum) out.vector.push_back(norm > 0 ? static_cast<float>(x / norm) : 0.0f);
  return out;
}

}  // namespace strata::search
