#include "store/collection_copy.h"

#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/setting.h"
#include "common/json_limits.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"

namespace strata::store {
namespace {

// Of the text SourceRows::record rebuilds, the bytes no chunk covers (the whitespace the
// chunker left out between chunks) beyond the chunks' own: the bound on what one document's
// offsets make the copy allocate. A chunker leaves runs of blank lines or spaces, not megabytes.
constexpr std::int64_t k_copy_largest_gaps = std::int64_t{64} << 20;

std::string copy_range(std::int64_t begin, std::int64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

std::string copy_optional(const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : "none"; }

std::vector<ChunkView> chunks_of(Store& store, std::int64_t document_id) {
  std::vector<ChunkView> out;
  for_each_chunk(store, document_id, [&](const ChunkView& c) { out.push_back(c); });
  return out;
}

// One writer per chunking configuration: a document keeps the configuration it was chunked with,
// so ingest later sees it as current or not exactly as in the source.
class Writers {
 public:
  Writers(Store& to, std::string collection, std::string collection_config)
      : to_(to), collection_(std::move(collection)), collection_config_(std::move(collection_config)) {}

  DocumentWriter& for_config(const std::string& config) {
    auto it = writers_.find(config);
    if (it == writers_.end()) {
      // Only the collection's own configuration is recorded as the collection's.
      auto w = std::make_unique<DocumentWriter>(to_, collection_, config, config == collection_config_);
      it = writers_.emplace(config, std::move(w)).first;
    }
    DocumentWriter& w = *it->second;
    if (!w.in_transaction()) {
      commit_all_but(&w);
      w.begin();
    }
    return w;
  }

  void commit_all_but(const DocumentWriter* keep = nullptr) {
    for (auto& [config, w] : writers_) {
      if (w.get() != keep && w->in_transaction()) w->commit();
    }
  }

 private:
  Store& to_;
  std::string collection_, collection_config_;
  std::map<std::string, std::unique_ptr<DocumentWriter>> writers_;
};

}  // namespace

// ---- SourceRows ----

SourceRows::SourceRows(std::string store, std::string collection)
    : store_(std::move(store)), collection_(std::move(collection)) {}

void SourceRows::bad(const std::string& where, const std::string& what) const {
  throw Error(ExitCode::invalid_input, store_ + ": collection '" + collection_ + "', " + where + ": " + what,
              "the source store holds a row strata did not write: ingest that document again there, or remove it "
              "(strata documents remove), then copy again");
}

void SourceRows::json_of(const std::string& where, const char* field, const std::string& text, bool object) const {
  const ParsedJson parsed = parse_json_within(text);
  if (!parsed.ok()) bad(where, std::string(field) + " is " + parsed.message);
  if (object ? !parsed.value.is_object() : !parsed.value.is_array()) {
    bad(where, std::string(field) + " is not a JSON " + (object ? "object" : "array"));
  }
}

void SourceRows::collection(const CollectionInfo& k) const {
  json_of("its row", "chunk configuration", k.chunk_config, true);
  if (!k.embedding_model) return;
  const std::int64_t dims = k.embedding_model->dimensions;
  if (dims < 0 || dims > k_max_vector_dimensions) {
    bad("its row", "embedding dimensions " + std::to_string(dims) + " are not between 0 and " +
                       std::to_string(k_max_vector_dimensions));
  }
}

void SourceRows::document(const DocumentSummary& d) const {
  const std::string where = "document '" + d.source + "'";
  if (d.size_bytes < 0) bad(where, "size_bytes " + std::to_string(d.size_bytes) + " is negative");
  if (d.char_count < 0) bad(where, "char_count " + std::to_string(d.char_count) + " is negative");
  if (d.page_count && *d.page_count < 0) bad(where, "page_count " + std::to_string(*d.page_count) + " is negative");
  json_of(where, "metadata", d.metadata_json, true);
}

void SourceRows::chunks(const DocumentSummary& d, const std::vector<ChunkView>& chunks) const {
  std::int64_t held = 0, end = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const ChunkView& c = chunks[i];
    const std::string where = "document '" + d.source + "', chunk " + std::to_string(i);
    if (c.ordinal != static_cast<std::int64_t>(i)) {
      bad(where, "ordinal " + std::to_string(c.ordinal) + " where " + std::to_string(i) + " follows");
    }
    if (c.start_byte < 0 || c.end_byte < c.start_byte) {
      bad(where, "bytes " + copy_range(c.start_byte, c.end_byte) + " are no range");
    }
    const std::int64_t bytes = c.end_byte - c.start_byte;
    if (bytes != static_cast<std::int64_t>(c.text.size())) {
      bad(where, "bytes " + copy_range(c.start_byte, c.end_byte) + " hold " + std::to_string(c.text.size()) +
                     " bytes of text, not " + std::to_string(bytes));
    }
    // A character is at least a byte, a line at least its newline.
    if (c.char_start < 0 || c.char_end < c.char_start || c.char_start > c.start_byte || c.char_end - c.char_start > bytes) {
      bad(where, "characters " + copy_range(c.char_start, c.char_end) + " do not fit its bytes " +
                     copy_range(c.start_byte, c.end_byte));
    }
    if (c.line_start < 1 || c.line_end < c.line_start || c.line_start - 1 > c.start_byte ||
        c.line_end - c.line_start > bytes) {
      bad(where, "lines " + std::to_string(c.line_start) + "-" + std::to_string(c.line_end) + " do not fit its bytes " +
                     copy_range(c.start_byte, c.end_byte));
    }
    const bool pages_ok =
        (!c.page || *c.page >= 1) && (!c.page_end || (c.page && *c.page_end >= *c.page)) &&
        (!d.page_count || ((!c.page || *c.page <= *d.page_count) && (!c.page_end || *c.page_end <= *d.page_count)));
    if (!pages_ok) {
      bad(where, "pages " + copy_optional(c.page) + "-" + copy_optional(c.page_end) + " are not within the document's " +
                     copy_optional(d.page_count));
    }
    if (c.tokens < 0) bad(where, "token count " + std::to_string(c.tokens) + " is negative");
    json_of(where, "headings", c.headings_json, false);
    json_of(where, "chunk configuration", c.config_json, true);
    held += bytes;
    end = std::max(end, c.end_byte);
  }
  if (end - held > k_copy_largest_gaps) {
    bad("document '" + d.source + "'", "its chunks end at byte " + std::to_string(end) + " but hold " +
                                           std::to_string(held) +
                                           " bytes of text: more than 64 MiB of the text between them would be made up");
  }
}

// The loaded text as long as the chunks' offsets say, each chunk's text at its bytes: the
// offsets stay exact (document_text() shortens gaps over 4 KiB). What no chunk covers is
// whitespace the chunker left out; a newline stands for each byte of it.
DocumentRecord SourceRows::record(const DocumentSummary& d, const std::vector<ChunkView>& chunks) const {
  document(d);
  this->chunks(d, chunks);
  DocumentRecord r;
  r.source = d.source;
  r.path = d.path;
  r.title = d.title;
  r.content_hash = d.content_hash;
  r.size_bytes = d.size_bytes;
  r.mtime = d.mtime;
  r.loader = d.loader;
  r.encoding = d.encoding;
  r.metadata_json = d.metadata_json;
  r.char_count = d.char_count;
  r.page_count = d.page_count;
  std::int64_t size = 0;
  for (const ChunkView& c : chunks) size = std::max(size, c.end_byte);
  r.text.assign(static_cast<std::size_t>(size), '\n');
  for (const ChunkView& c : chunks) r.text.replace(static_cast<std::size_t>(c.start_byte), c.text.size(), c.text);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const ChunkView& c = chunks[i];
    // Where two chunks overlap, their bytes there agree: a copy never changes a chunk's text.
    if (std::string_view(r.text).substr(static_cast<std::size_t>(c.start_byte), c.text.size()) != c.text) {
      bad("document '" + d.source + "', chunk " + std::to_string(i),
          "its text differs from another chunk's over the bytes they share");
    }
    ChunkRecord k;
    k.start_byte = c.start_byte;
    k.end_byte = c.end_byte;
    k.char_start = c.char_start;
    k.char_end = c.char_end;
    k.line_start = c.line_start;
    k.line_end = c.line_end;
    k.page = c.page;
    k.page_end = c.page_end;
    k.tokens = c.tokens;
    k.headings_json = c.headings_json;
    r.chunks.push_back(std::move(k));
  }
  return r;
}

void SourceRows::vector(const DocumentSummary& d, std::size_t chunk, const EmbeddingModel& m, std::string_view v) const {
  const auto floats = static_cast<std::int64_t>(v.size() / sizeof(float));
  const bool fits = v.size() % sizeof(float) == 0 && floats > 0 &&
                    (m.dimensions > 0 ? floats == m.dimensions : floats <= k_max_vector_dimensions);
  if (!fits) {
    bad("document '" + d.source + "', chunk " + std::to_string(chunk),
        "its vector is " + std::to_string(v.size()) + " bytes, not " +
            (m.dimensions > 0 ? std::to_string(m.dimensions) + " floats" : std::string("whole floats")) + " of " + m.model);
  }
}

CopyResult copy_collection(Store& from, Store& to, const CopyOptions& options, const CopyProgress& progress) {
  const std::string target = options.as.empty() ? options.collection : options.as;
  validate_collection_name(target);
  if (from.kind() == to.kind() && from.path() == to.path() && target == options.collection) {
    throw Error(ExitCode::usage, "collection '" + options.collection + "' would be copied onto itself",
                "give another store with " + mention(Setting::to) + ", or another name with " + mention(Setting::as));
  }
  const std::optional<CollectionInfo> source = find_collection(from, options.collection);
  if (!source) {
    throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no collection named '" + options.collection + "' in " + from.path());
  }
  const SourceRows check(from.path(), options.collection);
  check.collection(*source);
  const std::optional<CollectionInfo> existing = find_collection(to, target, CollectionDetail::listing);
  if (existing && existing->documents > 0 && !options.merge) {
    throw Error(ExitCode::usage,
                "collection '" + target + "' in " + to.path() + " already holds " + std::to_string(existing->documents) +
                    " documents",
                "pass " + mention(Setting::merge) + " to add and replace documents by source, or " + mention(Setting::as) +
                      " NAME for a new collection");
  }
  if (existing && existing->embedding_model && source->embedding_model &&
      !(*existing->embedding_model == *source->embedding_model)) {
    throw Error(ExitCode::usage,
                "collection '" + target + "' in " + to.path() + " holds vectors of another model (" +
                    existing->embedding_model->model + ", not " + source->embedding_model->model + ")",
                "copy into a new collection with " + mention(Setting::as) + " NAME");
  }

  // The source's documents, listed first: a cursor left open on one store while writing the
  // other would hold a read transaction across the whole copy.
  std::vector<DocumentSummary> documents;
  for_each_document(from, options.collection, [&](const DocumentSummary& d) { documents.push_back(d); });

  CopyResult result;
  // Before any transaction: a SQLite EmbeddingStore sets the connection's sync level.
  EmbeddingStore from_vectors(from);
  std::unique_ptr<EmbeddingStore> to_vectors;
  if (source->embedding_model) to_vectors = std::make_unique<EmbeddingStore>(to);
  Writers writers(to, target, source->chunk_config);
  DocumentWriter reader(from, options.collection, source->chunk_config, false);
  std::optional<std::int64_t> target_id;
  const bool vectors = source->embedding_model && source->has_vectors;
  // Vectors are written after their documents' transaction commits (a store has one writing
  // transaction at a time): a copy killed in between finds the documents unchanged on the next
  // run and their vectors missing, and copies those.
  std::vector<VectorRow> pending;
  const auto flush = [&] {
    writers.commit_all_but();
    if (pending.empty()) return;
    to_vectors->store_vectors(*source->embedding_model, pending, *target_id);
    result.vectors += static_cast<std::int64_t>(pending.size());
    pending.clear();
  };
  std::size_t in_batch = 0;
  for (const DocumentSummary& d : documents) {
    const std::vector<ChunkView> chunks = chunks_of(from, d.id);
    DocumentRecord record = check.record(d, chunks);
    if (const std::optional<StoredDocument> stored = reader.find(d.source)) {
      record.mtime_ns = stored->mtime_ns;
      record.loader_version = stored->loader_version;
    }
    const std::string config = chunks.empty() ? source->chunk_config : chunks.front().config_json;
    DocumentWriter& writer = writers.for_config(config);
    const PutResult put = writer.put(record, false);
    if (put == PutResult::unchanged || put == PutResult::metadata_only) {
      ++result.unchanged;
    } else {
      ++result.documents;
      result.chunks += static_cast<std::int64_t>(chunks.size());
    }
    if (vectors && !chunks.empty()) {
      if (!target_id) target_id = find_collection(to, target)->id;
      const std::optional<StoredDocument> written = writer.find(d.source);
      const std::vector<ChunkView> new_chunks = written ? chunks_of(to, written->id) : std::vector<ChunkView>{};
      const bool rewritten = put == PutResult::added || put == PutResult::changed;
      for (std::size_t i = 0; i < chunks.size() && i < new_chunks.size(); ++i) {
        if (!rewritten && to_vectors->chunk_vector(new_chunks[i].id)) continue;
        std::optional<std::string> v = from_vectors.chunk_vector(chunks[i].id);
        if (v) check.vector(d, i, *source->embedding_model, *v);
        if (v) pending.push_back(VectorRow{{new_chunks[i].id}, std::move(*v), {}, false});
      }
    }
    if (++in_batch >= options.batch) {
      flush();
      in_batch = 0;
    }
    if (progress) progress(result);
  }
  flush();
  // A collection without documents is still created, with its configuration.
  if (documents.empty()) writers.for_config(source->chunk_config).commit();
  if (source->embedding_model) {
    if (!target_id) target_id = find_collection(to, target)->id;
    to_vectors->record_model(*target_id, *source->embedding_model);
  }
  return result;
}

}  // namespace strata::store
