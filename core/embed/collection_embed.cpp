#include "embed/collection_embed.h"

#include "common/error.h"
#include "embed/chunk_input.h"
#include "embed/model_prefixes.h"
#include "store/collections.h"
#include "common/setting.h"

namespace strata::embed {
namespace {

// Chunks per page read from the store: large enough that paging costs nothing, small enough
// that a page of texts is a few hundred kilobytes.
constexpr std::size_t k_page = 256;

std::string describe(const store::EmbeddingModel& m) {
  std::string s = m.provider + " " + m.model;
  if (m.dimensions > 0) s += " (" + std::to_string(m.dimensions) + " dimensions)";
  if (!m.server.empty()) s += " through " + m.server;
  return s;
}

std::string describe_prefixes(const store::EmbeddingModel& m) {
  const auto quoted = [](const std::string& p) { return p.empty() ? std::string("none") : "'" + p + "'"; };
  return "query prefix " + quoted(m.query_prefix) + " and document prefix " + quoted(m.document_prefix);
}

class PendingChunks final : public InputSource {
 public:
  PendingChunks(store::EmbeddingStore& es, std::int64_t collection_id) : es_(es), collection_id_(collection_id) {}

  bool next(std::vector<EmbedInput>& page) override {
    page.clear();
    std::vector<store::ChunkToEmbed> rows = es_.pending_chunks(collection_id_, after_, k_page);
    if (rows.empty()) return false;
    after_ = rows.back().chunk_id;
    for (store::ChunkToEmbed& r : rows) {
      page.push_back(EmbedInput{r.chunk_id, chunk_embed_input(r.title, r.text), r.source + " chunk " + std::to_string(r.ordinal)});
    }
    return true;
  }

 private:
  store::EmbeddingStore& es_;
  std::int64_t collection_id_;
  std::int64_t after_ = 0;
};

class CollectionSink final : public VectorSink {
 public:
  CollectionSink(store::EmbeddingStore& es, Provider& provider, std::string server, ModelPrefixes prefixes,
                 std::int64_t collection_id, bool record)
      : es_(es),
        provider_(provider),
        server_(std::move(server)),
        prefixes_(std::move(prefixes)),
        collection_id_(collection_id),
        record_(record) {}

  std::optional<Vector> cached(const std::string& sha) override {
    const store::EmbeddingModel key = model();
    if (key.dimensions == 0) return std::nullopt;  // an unknown size is learnt; nothing to match yet
    std::optional<std::string> blob = es_.cached_vector(key, sha, provider_.cache_scope());
    if (!blob || blob->size() != static_cast<std::size_t>(key.dimensions) * 4) return std::nullopt;
    return from_blob(*blob);
  }

  void store(std::span<const Embedded> done) override {
    std::vector<store::VectorRow> rows;
    rows.reserve(done.size());
    for (const Embedded& e : done) rows.push_back({e.keys, to_blob(e.vector), e.text_sha256, !e.from_cache && !e.text_sha256.empty()});
    // The collection's model is recorded with its first vectors, in their transaction, so a run
    // that stores nothing (a wrong key, a server down) leaves the collection free to use any model.
    std::optional<std::int64_t> record_on;
    if (record_) record_on = collection_id_;
    es_.store_vectors(model(), rows, record_on, provider_.cache_scope());
    record_ = false;
  }

  store::EmbeddingModel model() const {
    store::EmbeddingModel m{provider_.name(), provider_.model(), static_cast<std::int64_t>(provider_.dimensions()), server_};
    m.query_prefix = prefixes_.query;
    m.document_prefix = prefixes_.document;
    return m;
  }

 private:
  store::EmbeddingStore& es_;
  Provider& provider_;
  std::string server_;
  ModelPrefixes prefixes_;
  std::int64_t collection_id_;
  bool record_;
};

store::CollectionInfo find(store::Store& store, const std::string& name) {
  if (auto c = store::find_collection(store, name)) return std::move(*c);
  const std::vector<std::string> names = store::collection_names(store);
  std::string hint = "ingest documents first: strata ingest " + command_mention(Setting::collection) + " " + name + " PATH";
  if (!names.empty()) {
    hint = "collections in " + store.path() + ":";
    for (const std::string& n : names) hint += " " + n;
  }
  throw Error(ExitCode::invalid_input, "no collection '" + name + "' in " + store.path(), hint);
}

// Refuses a model other than the recorded one, unless switching. Another server for the same
// model was refused by choose_server unless switching; a server not recorded (a store from
// before migration 0014) is taken to be the one the user gave.
bool check_model(const store::CollectionInfo& c, std::int64_t embedded, const store::EmbeddingModel& wanted,
                 bool switch_model) {
  if (!c.embedding_model) return false;
  const store::EmbeddingModel& had = *c.embedding_model;
  const bool same_size = had.dimensions == 0 || wanted.dimensions == 0 || had.dimensions == wanted.dimensions;
  const bool same_server = had.server.empty() || had.server == wanted.server;
  // A prefix is part of what a vector means: a query prefixed otherwise meets chunks as another
  // model's would.
  const bool same_prefixes = had.query_prefix == wanted.query_prefix && had.document_prefix == wanted.document_prefix;
  if (had.provider == wanted.provider && had.model == wanted.model && same_size && same_server && same_prefixes) {
    return false;
  }
  if (switch_model) return true;
  const std::string hint = mention(Setting::switch_model) + " drops the collection's " + std::to_string(embedded) +
                           " vectors and embeds every chunk with the new model (vectors already in the cache are reused)";
  if (!same_prefixes && had.provider == wanted.provider && had.model == wanted.model && same_size && same_server) {
    throw Error(ExitCode::usage,
                "collection '" + c.name + "' was embedded with " + describe(had) + ", " + describe_prefixes(had) +
                    "; the prefixes chosen now are " + describe_prefixes(wanted) +
                    ", and a query prefixed otherwise cannot be compared with its vectors",
                hint + "; or leave out " + mention(Setting::query_prefix) + " and " + mention(Setting::document_prefix) +
                    " to keep the collection's");
  }
  if (!same_size) {
    throw Error(ExitCode::usage,
                "collection '" + c.name + "' holds " + std::to_string(had.dimensions) + "-dimensional vectors from " +
                    describe(had) + "; " + describe(wanted) + " gives " + std::to_string(wanted.dimensions) +
                    "-dimensional ones, and one collection cannot mix sizes",
                hint);
  }
  throw Error(ExitCode::usage,
              "collection '" + c.name + "' was embedded with " + describe(had) + ", not " + describe(wanted) +
                  ": vectors of two models cannot be compared",
              hint);
}

}  // namespace

CollectionEmbedResult embed_collection(store::Store& store, const std::string& collection, const EmbedSettings& given,
                                       EmbedObserver& observer) {
  store::EmbeddingStore es(store);
  const store::CollectionInfo c = find(store, collection);
  EmbedSettings settings = given;
  settings.collection = c.name;
  const store::ChunkCounts counts = es.chunk_counts(c.id);
  // A model strata does not know has no size until the server answers; if this store has met
  // it before (another collection, the cache), expect that size so the cache works at once.
  std::size_t known = 0;
  if (!settings.dimensions) {
    const ModelChoice choice = choose_model(settings, c.embedding_model);
    if (const auto d = es.known_dimensions(choice.provider, choice.model)) known = static_cast<std::size_t>(*d);
  }
  ResolvedEmbedder r = resolve_embedder(settings, c.embedding_model, known);
  store::EmbeddingModel wanted{r.provider->name(), r.provider->model(), static_cast<std::int64_t>(r.dimensions), r.server};
  wanted.query_prefix = r.prefixes.query;
  wanted.document_prefix = r.prefixes.document;

  CollectionEmbedResult result;
  result.collection = c.name;
  result.chunks = counts.chunks;
  result.already = counts.embedded;
  // A server not recorded yet (a store from before migration 0014) is recorded with the first
  // vectors stored through the server the user gave.
  bool record = !c.embedding_model || c.embedding_model->dimensions == 0 ||
                (c.embedding_model->server.empty() && !r.server.empty());
  if (check_model(c, counts.embedded, wanted, settings.switch_model)) {
    result.dropped = es.switch_model(c.id, wanted);
    result.already = 0;
    record = wanted.dimensions == 0;  // a size still to learn is recorded with the first vectors
  }

  PendingChunks pending(es, c.id);
  PrefixedSource source(pending, r.prefixes.document);
  CollectionSink sink(es, *r.provider, r.server, r.prefixes, c.id, record);
  const auto total = static_cast<std::size_t>(es.count_pending(c.id));
  result.report = run_pipeline(*r.provider, r.pipeline, source, sink, observer, real_clock(), total);
  result.model = sink.model();
  return result;
}

}  // namespace strata::embed
