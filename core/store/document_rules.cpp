#include "store/document_rules.h"

#include <nlohmann/json.hpp>

#include "common/json_limits.h"
#include "common/utf8.h"

namespace strata::store {

PutResult put_decision(const std::optional<StoredDocument>& old, const DocumentRecord& doc,
                       std::optional<std::int64_t> config_id, bool force) {
  if (!old) return PutResult::added;
  // The same bytes read by another version of the reader are another text: written again.
  const bool same_content = old->content_hash == doc.content_hash && old->size_bytes == doc.size_bytes &&
                            old->loader == doc.loader && old->loader_version == doc.loader_version;
  const bool same_chunks = old->config_id == config_id || (doc.chunks.empty() && !old->config_id);
  if (same_content && same_chunks && !force) {
    if (old->metadata_json == doc.metadata_json && old->title == doc.title) return PutResult::unchanged;
    return PutResult::metadata_only;
  }
  return PutResult::changed;
}

std::string_view chunk_text(const DocumentRecord& doc, const ChunkRecord& chunk) {
  return std::string_view(doc.text).substr(static_cast<std::size_t>(chunk.start_byte),
                                           static_cast<std::size_t>(chunk.end_byte - chunk.start_byte));
}

std::string_view indexed_title(std::string_view title) { return utf8_prefix(title, k_indexed_title_chars); }

SourceRange below(const std::string& folder) {
  std::string first = folder.ends_with('/') ? folder : folder + "/";
  std::string end = first.substr(0, first.size() - 1) + static_cast<char>('/' + 1);
  return SourceRange{std::move(first), std::move(end)};
}

std::string section_of(std::string_view headings_json, std::string_view title) {
  // A row's headings, within common/json_limits.h's bounds (a row is data whoever may write the
  // store may write).
  const ParsedJson parsed = parse_json_within(headings_json);
  if (!parsed.ok() || !parsed.value.is_array()) return {};
  const nlohmann::json& path = parsed.value;
  std::string out;
  bool first = true;
  for (const nlohmann::json& heading : path) {
    if (!heading.is_string()) continue;
    const std::string& text = heading.get_ref<const std::string&>();
    // A document's first heading is often its title: the card shows that already.
    const bool repeats_title = first && text == title;
    first = false;
    if (text.empty() || repeats_title) continue;
    if (!out.empty()) out += " \u203a ";
    out += text;
  }
  return out;
}

}  // namespace strata::store
