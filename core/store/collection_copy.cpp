#include "store/collection_copy.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/error.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"

namespace strata::store {
namespace {

// The loaded text as long as the chunks' offsets say, each chunk's text at its bytes: the
// offsets stay exact (document_text() shortens gaps over 4 KiB). What no chunk covers is
// whitespace the chunker left out; a newline stands for each byte of it.
std::string text_of(const std::vector<ChunkView>& chunks) {
  std::int64_t size = 0;
  for (const ChunkView& c : chunks) size = std::max(size, c.end_byte);
  std::string text(static_cast<std::size_t>(size), '\n');
  for (const ChunkView& c : chunks) {
    const auto n = std::min<std::size_t>(c.text.size(), static_cast<std::size_t>(c.end_byte - c.start_byte));
    text.replace(static_cast<std::size_t>(c.start_byte), n, c.text, 0, n);
  }
  return text;
}

DocumentRecord record_of(const DocumentSummary& d, const std::optional<StoredDocument>& stored,
                         const std::vector<ChunkView>& chunks) {
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
  if (stored) {
    r.mtime_ns = stored->mtime_ns;
    r.loader_version = stored->loader_version;
  }
  r.text = text_of(chunks);
  for (const ChunkView& c : chunks) {
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

CopyResult copy_collection(Store& from, Store& to, const CopyOptions& options, const CopyProgress& progress) {
  const std::string target = options.as.empty() ? options.collection : options.as;
  validate_collection_name(target);
  if (from.kind() == to.kind() && from.path() == to.path() && target == options.collection) {
    throw Error(ExitCode::usage, "collection '" + options.collection + "' would be copied onto itself",
                "give another store with --to, or another name with --as");
  }
  const std::optional<CollectionInfo> source = find_collection(from, options.collection);
  if (!source) {
    throw Error(ExitCode::invalid_input, "no collection named '" + options.collection + "' in " + from.path());
  }
  const std::optional<CollectionInfo> existing = find_collection(to, target, CollectionDetail::listing);
  if (existing && existing->documents > 0 && !options.merge) {
    throw Error(ExitCode::usage,
                "collection '" + target + "' in " + to.path() + " already holds " + std::to_string(existing->documents) +
                    " documents",
                "pass --merge to add and replace documents by source, or --as NAME for a new collection");
  }
  if (existing && existing->embedding_model && source->embedding_model &&
      !(*existing->embedding_model == *source->embedding_model)) {
    throw Error(ExitCode::usage,
                "collection '" + target + "' in " + to.path() + " holds vectors of another model (" +
                    existing->embedding_model->model + ", not " + source->embedding_model->model + ")",
                "copy into a new collection with --as NAME");
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
    const std::string config = chunks.empty() ? source->chunk_config : chunks.front().config_json;
    const DocumentRecord record = record_of(d, reader.find(d.source), chunks);
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
