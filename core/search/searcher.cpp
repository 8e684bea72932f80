#include "search/searcher.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <future>
#include <thread>

#include "common/clock.h"
#include "common/error.h"
#include "common/text.h"
#include "common/trace.h"
#include "common/utf8.h"
#include "embed/input_fit.h"
#include "embed/model_prefixes.h"
#include "embed/model_registry.h"
#include "embed/provider.h"
#include "search/ann_cache.h"
#include "search/ann_search.h"
#include "search/document_evidence.h"
#include "search/fts_query.h"
#include "search/similar.h"
#include "search/snippet.h"
#include "search/vector_index.h"
#include "search/vector_snapshot.h"
#include "store/collections.h"
#include "store/no_collection.h"
#include "store/search_store.h"
#include "common/setting.h"

namespace strata::search {
namespace {

using Clock = std::chrono::steady_clock;

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

std::vector<store::DocumentFilter> document_filters(const std::vector<MetadataFilter>& where) {
  std::vector<store::DocumentFilter> out;
  out.reserve(where.size());
  for (const MetadataFilter& f : where) out.push_back(store::DocumentFilter{f.key, f.value, f.match});
  return out;
}

bool cancelled(const SearchRequest& r) { return r.cancel != nullptr && r.cancel->load(std::memory_order_relaxed); }

void throw_if_cancelled(const SearchRequest& r) {
  if (cancelled(r)) throw Error(ExitCode::unavailable, "the search was cancelled");
}

// Sleeps `wait`, in short steps so that a cancelled search stops waiting at once.
void wait_unless_cancelled(std::chrono::milliseconds wait, const SearchRequest& r) {
  const auto until = std::chrono::steady_clock::now() + wait;
  for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
    throw_if_cancelled(r);
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
  }
  throw_if_cancelled(r);
}

// The hits re-scored by the reranker and put in its order (ties keep the mode's order); when
// it fails, the mode's order stays and the result says why.
void rerank_hits(const RerankSettings& settings, const std::string& query, SearchResult& result) {
  trace::Stage span("search.rerank");
  span.span().set("strata.rerank.documents", static_cast<std::int64_t>(result.hits.size()));
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string_view> documents;
  documents.reserve(result.hits.size());
  for (std::size_t i = 0; i < result.hits.size(); ++i) {
    result.hits[i].fused_rank = i + 1;
    documents.push_back(result.hits[i].chunk.text);
  }
  try {
    const std::vector<double> scores = rerank_scores(settings, query, documents);
    for (std::size_t i = 0; i < result.hits.size(); ++i) result.hits[i].rerank_score = scores[i];
    std::stable_sort(result.hits.begin(), result.hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return *a.rerank_score > *b.rerank_score; });
    result.reranked = true;
  } catch (const Error& e) {
    result.rerank_failure = e.what();
    for (SearchHit& h : result.hits) h.fused_rank = 0;
  }
  result.timings.rerank_ms = ms_since(t0);
}

[[noreturn]] void no_collection(store::Store& store, const std::string& name) {
  const std::vector<std::string> names = store::collection_names(store);
  std::string hint;
  if (names.empty()) {
    hint = "the store has no collections yet: strata ingest PATH";
  } else {
    hint = "collections in this store:";
    for (const std::string& n : names) hint += " " + n;
  }
  throw store::NoCollection(name, "no collection named '" + name + "' in " + store.path(), hint);
}

}  // namespace

store::CollectionInfo require_collection(store::Store& store, const std::string& name) {
  std::optional<store::CollectionInfo> c = store::find_collection(store, name);
  if (!c) no_collection(store, name);
  return std::move(*c);
}

std::string_view to_string(Mode mode) {
  switch (mode) {
    case Mode::keyword: return "keyword";
    case Mode::vector: return "vector";
    case Mode::hybrid: return "hybrid";
  }
  return "keyword";
}

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "keyword") return Mode::keyword;
  if (text == "vector") return Mode::vector;
  if (text == "hybrid") return Mode::hybrid;
  return std::nullopt;
}

std::optional<MetadataFilter> parse_metadata_filter(std::string_view spec) {
  const std::size_t at = spec.find_first_of("=~");
  if (at == std::string_view::npos) return std::nullopt;
  MetadataFilter f{std::string(spec.substr(0, at)), std::string(spec.substr(at + 1))};
  if (spec[at] == '~') {
    f.match = store::FilterMatch::glob;
  } else if (at > 0 && spec[at - 1] == '^') {
    f.match = store::FilterMatch::prefix;
    f.key.pop_back();
  }
  if (f.key.empty()) return std::nullopt;
  return f;
}

struct Searcher::Impl {
  store::Store& store;

  // The vectors of the last collection searched by vector, and what they were read from.
  struct Loaded {
    std::int64_t collection_id = 0;
    store::EmbeddingModel model;
    store::VectorFingerprint fingerprint;
    std::vector<std::int64_t> chunk_ids;  // row r of the index is chunk chunk_ids[r]; ascending
    std::shared_ptr<const VectorIndex> index;  // shared with a background build of its approximate index
    bool from_snapshot = false;
    std::string ann_file;  // where its approximate index is saved (AnnIndex::saved_file); may be empty
  };
  std::optional<Loaded> loaded;

  // The query embedder, kept for the next query with the same model and settings.
  struct Embedder {
    store::EmbeddingModel model;
    std::string base_url, api_key_env;
    embed::ResolvedEmbedder resolved;
  };
  std::optional<Embedder> embedder;

  explicit Impl(store::Store& s) : store(s) {}

  const Loaded& vectors_of(const store::CollectionInfo& c, SearchTimings& t, bool use_snapshot = true) {
    const store::EmbeddingModel& model = *c.embedding_model;
    if (use_snapshot && loaded && loaded->collection_id == c.id && loaded->model == model &&
        loaded->fingerprint == store::vector_fingerprint(store)) {
      return *loaded;
    }
    const auto t0 = Clock::now();
    loaded.reset();
    // From the collection's snapshot beside the store when it is current, else built (and the
    // snapshot written, best effort): see vector_snapshot.h.
    CollectionIndex m = load_collection_index(store, c.id, model, use_snapshot);
    Loaded l;
    l.collection_id = c.id;
    l.model = model;
    l.fingerprint = std::move(m.fingerprint);
    l.chunk_ids = std::move(m.chunk_ids);
    l.index = std::move(m.index);
    l.from_snapshot = m.from_snapshot;
    l.ann_file = AnnIndex::saved_file(store::derived_folder(store, l.fingerprint.store_id).path, c.id);
    loaded = std::move(l);
    t.load_ms += ms_since(t0);
    return *loaded;
  }

  std::vector<float> embed_query(const std::string& text, const store::CollectionInfo& c, const SearchRequest& request) {
    const embed::EmbedSettings& given = request.embed;
    const auto started = Clock::now();
    const store::EmbeddingModel& model = *c.embedding_model;
    embed::EmbedSettings settings = given;
    settings.collection = c.name;  // for the messages of the collection's recorded server
    const std::string base_url = settings.base_url.value_or("");
    if (!embedder || embedder->model != model || embedder->base_url != base_url ||
        embedder->api_key_env != settings.api_key_env) {
      embedder.reset();
      embed::ResolvedEmbedder r =
          embed::resolve_embedder(settings, model, static_cast<std::size_t>(std::max<std::int64_t>(0, model.dimensions)));
      if (r.provider->name() != model.provider || r.provider->model() != model.model) {
        throw Error(ExitCode::usage,
                    "collection '" + c.name + "' was embedded with " + model.provider + " " + model.model +
                        "; a query embedded with " + r.provider->name() + " " + r.provider->model() +
                        " cannot be compared with its vectors",
                    "drop " + mention(Setting::provider) + "/" + mention(Setting::model) +
                        ", or re-embed the collection: strata embed " + command_mention(Setting::switch_model));
      }
      embedder = Embedder{model, base_url, settings.api_key_env, std::move(r)};
    }
    embed::ResolvedEmbedder& r = embedder->resolved;
    if (request.skip_embedding) throw Error(ExitCode::unavailable, *request.skip_embedding);
    // Invalid bytes become U+FFFD: a query is embedded as text (JSON for a server), which must
    // be UTF-8, and a stray byte must not make a search fail.
    // The collection's query prefix first, as its chunks were embedded to be met (a cut to the
    // model's limit keeps it: it takes the text's end).
    std::string input = embed::with_prefix(model.query_prefix, replace_invalid_utf8(text, Utf8Repair::per_byte));
    const embed::FittedInput fit = embed::fit_input(input, r.pipeline.max_input_tokens, false);
    if (fit.over_limit) input.resize(fit.kept_bytes);
    const std::string_view inputs[] = {input};
    const net::RetryPolicy& policy = r.pipeline.retry;
    for (int attempt = 0;; ++attempt) {
      embed::Attempt a = r.provider->embed(inputs, request.cancel);
      throw_if_cancelled(request);
      if (a.status == embed::AttemptStatus::ok && a.vectors.size() == 1) {
        if (a.vectors[0].size() != static_cast<std::size_t>(model.dimensions)) {
          throw Error(ExitCode::unavailable,
                      "the query's vector has " + std::to_string(a.vectors[0].size()) + " dimensions; collection '" +
                          c.name + "' has " + std::to_string(model.dimensions),
                      "check " + mention(Setting::base_url) + ": it must serve the model the collection was embedded with");
        }
        return std::move(a.vectors[0]);
      }
      if (a.status == embed::AttemptStatus::retryable) {
        // A Retry-After longer than embed's longest wait is not waited for (a server once asked
        // for 24 hours, and the search slept): it fails at once with the server's words.
        if (a.retry_after && *a.retry_after > policy.max_wait) {
          throw Error(ExitCode::unavailable,
                      "embedding the query with " + model.provider + " " + model.model + ": " + a.message +
                          "; the server asks to wait " + std::to_string(a.retry_after->count() / 1000) +
                          " s, longer than the " + std::to_string(policy.max_wait.count() / 1000) + " s strata waits",
                      "try again later");
        }
        if (attempt < policy.retries_for(a.failure)) {
          const auto wait = policy.delay(attempt + 1, a.retry_after, net::jitter_random());
          // Under a deadline a retry is made only when it can end in time: a query embedding
          // that would outlast the caller's patience is a failure now, not later.
          if (request.embed_deadline && Clock::now() - started + wait + given.timeout > *request.embed_deadline) {
            throw Error(ExitCode::unavailable,
                        "embedding the query with " + model.provider + " " + model.model + ": " + a.message +
                            " (no retry within the " + std::to_string(request.embed_deadline->count() / 1000) + " s deadline)");
          }
          wait_unless_cancelled(wait, request);
          continue;
        }
      }
      throw Error(ExitCode::unavailable, "embedding the query with " + model.provider + " " + model.model + ": " + a.message,
                  a.hint);
    }
  }

  // Keyword list, best first: BM25 with the evidence of each chunk's document (document_evidence.h),
  // gathered among the best kDocumentEvidencePool candidates whatever the depth, then cut to `depth`.
  // `in_memory`: a long-running process's copy of the index may answer (store/search_store.h).
  std::vector<RankedHit> keyword_list(const std::string& query, std::int64_t collection_id,
                                      const std::vector<store::DocumentFilter>& filters, std::size_t depth,
                                      bool in_memory, const store::KeywordRanking& ranking) {
    const std::string match = fts_match_expression(query);
    std::vector<RankedHit> bm25;
    if (match.empty()) return bm25;  // punctuation only: nothing to look up, not an error
    std::vector<std::int64_t> ids;
    for (const store::KeywordRow& r :
         store::keyword_search(store, collection_id, match, filters, std::max(depth, kDocumentEvidencePool), in_memory,
                               ranking)) {
      bm25.push_back(RankedHit{r.chunk_id, -r.bm25});
      ids.push_back(r.chunk_id);
    }
    std::vector<RankedHit> out = with_document_evidence(bm25, store::chunk_documents(store, ids));
    if (out.size() > depth) out.resize(depth);
    return out;
  }

  // The rows of `l` whose chunks pass `filters` (nullopt: every row), read from the store.
  std::optional<RowSet> allowed_rows(const Loaded& l, std::int64_t collection_id,
                                     const std::vector<store::DocumentFilter>& filters) {
    std::optional<RowSet> allowed;
    if (!filters.empty()) {
      allowed.emplace(l.chunk_ids.size());
      // Both lists ascend: one merge pass maps the allowed chunk ids to rows.
      const std::vector<std::int64_t> ids = store::filtered_chunk_ids(store, collection_id, filters);
      std::size_t r = 0;
      for (const std::int64_t id : ids) {
        while (r < l.chunk_ids.size() && l.chunk_ids[r] < id) ++r;
        if (r == l.chunk_ids.size()) break;
        if (l.chunk_ids[r] == id) allowed->insert(r);
      }
    }
    return allowed;
  }

  // The index's best `depth` rows for `query` among `allowed`, as chunks: no store access (the
  // index is read only), so it may run on another thread than the store's. With `ann`, from its
  // candidates rescored exactly.
  static std::vector<RankedHit> ranked_vector_hits(const Loaded& l, std::span<const float> query, std::size_t depth,
                                                   const std::optional<RowSet>& allowed,
                                                   const std::shared_ptr<const AnnIndex>& ann = nullptr,
                                                   const AnnSettings& settings = {}) {
    std::vector<RankedHit> out;
    const std::vector<VectorHit> hits = ann ? ann_search(*ann, *l.index, query, depth, settings)
                                            : l.index->search(query, depth, allowed ? &*allowed : nullptr);
    for (const VectorHit& h : hits) out.push_back(RankedHit{l.chunk_ids[h.row], static_cast<double>(h.score)});
    return out;
  }

  // The approximate index for this search, when the request allows one, the collection is
  // large enough and there are no filters (a graph search cannot honour a selective filter),
  // and it is built; nullptr (the scan) otherwise. The first such search starts its build.
  static std::shared_ptr<const AnnIndex> approximate_index(const SearchRequest& request, const Loaded& l,
                                                           const std::optional<RowSet>& allowed) {
    if (!request.ann || request.exact || allowed || l.chunk_ids.size() < std::max<std::size_t>(request.ann->min_rows, 1)) {
      return nullptr;
    }
    const AnnKey key{l.fingerprint, l.collection_id, l.model, l.chunk_ids.size()};
    std::shared_ptr<const AnnIndex> ann = AnnCache::process().find_or_build(key, l.index, *request.ann, l.ann_file);
    return ann && ann->rows() == l.index->rows() && ann->dims() == l.index->dims() ? ann : nullptr;
  }

  std::vector<RankedHit> vector_list(const Loaded& l, std::span<const float> query, std::int64_t collection_id,
                                     const std::vector<store::DocumentFilter>& filters, std::size_t depth) {
    return ranked_vector_hits(l, query, depth, allowed_rows(l, collection_id, filters));
  }

  struct Lists {
    std::vector<RankedHit> keyword, vector;  // best first
  };
  // The keyword and vector lists the mode (result.mode) needs, each at most `depth` long; their
  // times, and the chunks vector search cannot see, go in `result`.
  Lists lists_for(const SearchRequest& request, const store::CollectionInfo& c,
                  const std::vector<store::DocumentFilter>& filters, std::size_t depth, SearchResult& result);
};

Searcher::Searcher(store::Store& store) : impl_(std::make_unique<Impl>(store)) {}
Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

double default_vector_weight(const store::EmbeddingModel& model) {
  return embed::model_kind(model.provider, model.model) == embed::ModelKind::lexical ? k_hybrid_vector_weight
                                                                                     : k_semantic_vector_weight;
}

namespace {

void check_request(const SearchRequest& request) {
  if (request.similar) {
    if (!blank(request.query)) {
      throw Error(ExitCode::usage, "a query and " + mention(Setting::similar) + " both given",
                  "give one: words to search for, or the document or chunk to find others like");
    }
    if (request.mode && *request.mode != Mode::vector) {
      throw Error(ExitCode::usage, mention(Setting::similar) + " searches by vector, not with " + mention(Setting::mode) + " " +
                                       std::string(to_string(*request.mode)));
    }
    if (request.rerank) throw Error(ExitCode::usage, mention(Setting::similar) + " has no query for a reranker to read");
    if (request.similar->empty()) throw Error(ExitCode::usage, mention(Setting::similar) + " needs a document's source or a chunk's id");
  } else if (blank(request.query)) {
    throw Error(ExitCode::usage, "the query is empty", "give words to search for, e.g. strata search \"roll back\"");
  }
  if (request.k == 0) throw Error(ExitCode::usage, "-k must be 1 or more");
  if (request.vector_weight && !(*request.vector_weight >= 0.0 && *request.vector_weight <= 1.0)) {  // NaN fails too
    throw Error(ExitCode::usage, mention(Setting::vector_weight) + " must be between 0 and 1 (got " + std::to_string(*request.vector_weight) + ")");
  }
}

bool searchable_by_vector(const store::CollectionInfo& c) {
  return c.has_vectors && c.embedding_model && c.embedding_model->dimensions > 0;
}

}  // namespace

std::vector<FusedHit> fuse_hybrid(const std::vector<RankedHit>& keyword, const std::vector<RankedHit>& vector,
                                  double vector_weight, std::size_t limit) {
  const std::vector<RankedHit> lists[] = {keyword, vector};
  const double weights[] = {1.0, vector_weight};
  if (!(vector_weight < 1.0) || keyword.empty()) return fuse_rrf(lists, limit, kRrfK, weights);
  // Every chunk fused, so that keyword's best is among them wherever plain fusion puts it.
  std::vector<FusedHit> fused = fuse_rrf(lists, keyword.size() + vector.size(), kRrfK, weights);
  const auto best = std::find_if(fused.begin(), fused.end(), [&](const FusedHit& f) { return f.id == keyword.front().id; });
  // Its vector part raised to the vector list's first's: 1 / (k + 1) + w / (k + 1), above any
  // other chunk's (at most 1 / (k + 2) + w / (k + 1)); the others keep plain fusion's order.
  best->score = (1.0 + vector_weight) / (kRrfK + 1.0);
  std::rotate(fused.begin(), best, best + 1);
  if (fused.size() > limit) fused.resize(limit);
  return fused;
}

namespace {

// The mode's order of chunk ids, at most `wanted`, with each one's rank and score in each list.
struct Ranked {
  std::int64_t id;
  double score;
  std::optional<ListPosition> keyword, vector;
};

std::vector<Ranked> ranked_order(Mode mode, const std::vector<RankedHit>& keyword, const std::vector<RankedHit>& vector,
                                 double vector_weight, std::size_t wanted) {
  std::vector<Ranked> ranked;
  if (mode == Mode::hybrid) {
    for (FusedHit& f : fuse_hybrid(keyword, vector, vector_weight, wanted)) {
      ranked.push_back(Ranked{f.id, f.score, f.lists[0], f.lists[1]});
    }
    return ranked;
  }
  const std::vector<RankedHit>& list = mode == Mode::keyword ? keyword : vector;
  for (std::size_t i = 0; i < list.size() && i < wanted; ++i) {
    const ListPosition p{i + 1, list[i].score};
    ranked.push_back(Ranked{list[i].id, list[i].score, mode == Mode::keyword ? std::optional(p) : std::nullopt,
                            mode == Mode::vector ? std::optional(p) : std::nullopt});
  }
  return ranked;
}

// The ranked chunks read from the store, each with its snippet for `query`.
std::vector<SearchHit> hits_of(store::Store& store, const std::vector<Ranked>& ranked, const std::string& query) {
  std::vector<std::int64_t> ids;
  ids.reserve(ranked.size());
  for (const Ranked& r : ranked) ids.push_back(r.id);
  std::vector<store::ChunkRef> chunks = store::chunk_refs(store, ids);
  const std::vector<std::string> terms = fts_terms(query);
  std::vector<SearchHit> hits;
  std::size_t next = 0;
  for (const Ranked& r : ranked) {
    // A chunk deleted since it was ranked (a concurrent re-ingest) is skipped.
    if (next >= chunks.size() || chunks[next].chunk_id != r.id) continue;
    SearchHit h;
    h.chunk = std::move(chunks[next++]);
    h.snippet = make_snippet(h.chunk.text, terms);
    h.score = r.score;
    h.keyword = r.keyword;
    h.vector = r.vector;
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace

Searcher::Impl::Lists Searcher::Impl::lists_for(const SearchRequest& request, const store::CollectionInfo& c,
                                                const std::vector<store::DocumentFilter>& filters, std::size_t depth,
                                                SearchResult& result) {
  Lists lists;
  SearchTimings& t = result.timings;
  const auto keyword_into_lists = [&] {
    const auto tk = Clock::now();
    // As the approximate vector index: a long-running process's (request.ann), unless exact.
    lists.keyword = keyword_list(request.query, c.id, filters, depth, request.ann && !request.exact,
                                 store::KeywordRanking{request.title_cap});
    t.keyword_ms = ms_since(tk);
  };
  if (result.mode == Mode::keyword) {
    keyword_into_lists();
    return lists;
  }
  // The query first: when the model cannot embed it, the search fails before it builds (and
  // writes beside the store) the collection's vector snapshot, leaving no trace of the run.
  auto t0 = Clock::now();
  std::vector<float> q;
  // A similar search's chunks to leave out; it asks for as many more, so k remain.
  std::vector<std::int64_t> excluded;
  const std::size_t wanted_depth = depth;
  if (request.similar) {
    const Loaded& l = vectors_of(c, t);
    SimilarTarget target = similar_target(store, c, *request.similar, l.chunk_ids, *l.index);
    q = std::move(target.vector);
    excluded = std::move(target.excluded);
    depth += excluded.size();
  } else try {
    q = embed_query(request.query, c, request);
  } catch (const Error& e) {
    if (!request.keyword_when_query_fails || cancelled(request)) throw;
    // The query cannot be embedded (its server refused or failed): keyword search, and why.
    result.query_not_embedded = std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")");
    result.mode = Mode::keyword;
    keyword_into_lists();
    return lists;
  }
  t.embed_ms = ms_since(t0);
  const Loaded& l = vectors_of(c, t);
  // The index holds one row per chunk of the collection with a vector: no query needed.
  result.without_vector = std::max<std::int64_t>(0, c.chunks - static_cast<std::int64_t>(l.chunk_ids.size()));
  // What the vector list needs of the store is read here; the index's search, all CPU over the
  // mapped snapshot, then runs on a thread of its own while this one does the keyword search (on
  // PostgreSQL mostly a wait for the server): a hybrid search takes the longer of the two, not
  // their sum. async | deferred: where no thread can be had, the search runs on get().
  const std::optional<RowSet> allowed = allowed_rows(l, c.id, filters);
  const std::shared_ptr<const AnnIndex> ann = approximate_index(request, l, allowed);
  result.approximate = ann != nullptr;
  double vector_ms = 0;
  auto vector_hits = std::async(std::launch::async | std::launch::deferred, [&l, &q, depth, &allowed, &vector_ms, &ann, &request] {
    const auto tv = Clock::now();
    std::vector<RankedHit> hits = ranked_vector_hits(l, q, depth, allowed, ann, ann ? *request.ann : AnnSettings{});
    vector_ms = ms_since(tv);
    return hits;
  });
  if (result.mode != Mode::vector) keyword_into_lists();
  lists.vector = vector_hits.get();
  t.vector_ms = vector_ms;
  const auto damaged = [](const std::vector<RankedHit>& hits) {
    return std::any_of(hits.begin(), hits.end(), [](const RankedHit& h) { return !std::isfinite(h.score); });
  };
  if (l.from_snapshot && damaged(lists.vector)) {
    // The snapshot's vectors were damaged (its checksum leaves them out): rebuilt from the
    // store, which also writes a sound snapshot in its place.
    t0 = Clock::now();
    lists.vector = vector_list(vectors_of(c, t, false), q, c.id, filters, depth);
    result.approximate = false;
    t.vector_ms += ms_since(t0);
  }
  if (!excluded.empty()) {
    std::erase_if(lists.vector, [&excluded](const RankedHit& h) { return std::binary_search(excluded.begin(), excluded.end(), h.id); });
    if (lists.vector.size() > wanted_depth) lists.vector.resize(wanted_depth);
  }
  return lists;
}

void apply_bounds(SearchRequest& r, const SearchBounds& bounds) {
  if (bounds.keyword_when_query_fails) r.keyword_when_query_fails = true;
  if (bounds.embed_deadline) r.embed_deadline = r.embed_deadline ? std::min(*r.embed_deadline, *bounds.embed_deadline) : *bounds.embed_deadline;
  if (bounds.embed_request_timeout) r.embed.timeout = std::min(r.embed.timeout, *bounds.embed_request_timeout);
  if (bounds.rerank_timeout && r.rerank) {
    r.rerank->timeout = std::min(r.rerank->timeout, *bounds.rerank_timeout);
    r.rerank->max_retries = 0;  // one attempt: a retry would not fit the caller's wait
  }
}

bool Searcher::warm_index(const std::string& collection, const AnnSettings& settings) {
  const store::CollectionInfo c = require_collection(impl_->store, collection);
  if (!searchable_by_vector(c)) return false;
  SearchTimings t;
  const Impl::Loaded& l = impl_->vectors_of(c, t);
  if (l.chunk_ids.size() < std::max<std::size_t>(settings.min_rows, 1)) return false;
  SearchRequest r;
  r.ann = settings;
  Impl::approximate_index(r, l, std::nullopt);
  return true;
}

SearchResult Searcher::search(const SearchRequest& request) {
  trace::Stage span("search");
  if (request.mode) span.span().set("strata.search.mode", std::string(to_string(*request.mode)));
  span.span().set("strata.search.k", static_cast<std::int64_t>(request.k));
  // The words searched for (an answer's question, or its rewrite for a follow-up): only when the
  // operator asked for them.
  if (trace::records_content() && span.span().active()) span.span().set("strata.search.query", request.query);
  const auto t_start = Clock::now();
  check_request(request);
  const std::vector<store::DocumentFilter> filters = document_filters(request.where);
  store::validate_filters(filters);
  const store::CollectionInfo c = require_collection(impl_->store, request.collection);
  const bool has_vectors = searchable_by_vector(c);

  SearchResult result;
  result.model = c.embedding_model;
  result.chunks = c.chunks;
  result.mode = request.similar ? Mode::vector : request.mode.value_or(has_vectors ? Mode::hybrid : Mode::keyword);
  if (request.similar && !has_vectors) {
    throw Error(ExitCode::usage, "collection '" + c.name + "' has no vectors, so " + mention(Setting::similar) + " cannot run",
                "embed it first: strata embed " + command_mention(Setting::collection) + " " + c.name);
  }
  // A collection that has a model but lost its vectors (re-chunked, re-ingested) searches by
  // keyword alone; the result says so rather than passing for a hybrid search that never was.
  if (!request.mode && c.embedding_model && !has_vectors) result.without_vector = c.chunks;
  if (result.mode != Mode::keyword && !has_vectors) {
    throw Error(ExitCode::usage,
                "collection '" + c.name + "' has no vectors, so " + mention(Setting::mode) + " " + std::string(to_string(result.mode)) +
                    " cannot run",
                "embed it first: strata embed " + command_mention(Setting::collection) + " " + c.name + " (or search with " + mention(Setting::mode) + " keyword)");
  }
  // With a reranker, its candidates are the best `wanted` of the mode's order.
  const std::size_t wanted = request.rerank ? std::max(request.k, request.rerank->candidates) : request.k;
  const std::size_t depth =
      result.mode == Mode::hybrid ? std::max(wanted, request.depth > 0 ? request.depth : std::max<std::size_t>(50, 4 * request.k))
                                  : wanted;
  const Impl::Lists lists = impl_->lists_for(request, c, filters, depth, result);
  if (result.mode == Mode::hybrid) result.vector_weight = request.vector_weight.value_or(default_vector_weight(*c.embedding_model));
  result.title_cap = request.title_cap;
  result.hits = hits_of(impl_->store, ranked_order(result.mode, lists.keyword, lists.vector, result.vector_weight, wanted),
                        request.query);
  if (request.rerank && !result.hits.empty()) {
    RerankSettings rerank = *request.rerank;
    if (!rerank.cancel) rerank.cancel = request.cancel;
    rerank_hits(rerank, request.query, result);
    throw_if_cancelled(request);
  }
  if (result.hits.size() > request.k) result.hits.resize(request.k);
  if (result.hits.empty() && !filters.empty()) {
    result.no_document_passes_filters = !store::any_document_passes(impl_->store, c.id, filters);
  }
  result.timings.total_ms = ms_since(t_start);
  return result;
}

namespace {

// A word worth asking the index about: three characters or more, a letter among them, no CJK
// (a CJK term is a bigram, often absent from a collection that answers the question).
bool is_checkable_word(const std::string& term) {
  if (term.size() < 3) return false;
  bool letter = false;
  for (const char ch : term) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80) return false;
    letter = letter || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  }
  return letter;
}

// A compound the collection writes as two words: "website" asked of pages that say "web site",
// "filename" of "file name". Each cut into two words of three letters or more is looked up as a
// phrase. Only ASCII letters are cut (a phrase of them needs no escaping).
bool written_apart(store::Store& store, std::int64_t collection_id, const std::string& word) {
  if (word.size() < 6 || !std::all_of(word.begin(), word.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
      })) {
    return false;
  }
  std::vector<std::string> phrases;
  for (std::size_t cut = 3; cut + 3 <= word.size(); ++cut) {
    phrases.push_back("\"" + word.substr(0, cut) + " " + word.substr(cut) + "\"");
  }
  return store::terms_not_in_collection(store, collection_id, phrases).size() < phrases.size();
}

}  // namespace

std::vector<std::string> words_not_in_collection(store::Store& store, const std::string& collection, std::string_view text) {
  const store::CollectionInfo c = require_collection(store, collection);
  std::vector<std::string> words;
  std::vector<std::string> quoted;
  for (const std::string& term : fts_terms(text)) {
    if (!is_checkable_word(term) || std::find(words.begin(), words.end(), term) != words.end()) continue;
    words.push_back(term);
    quoted.push_back(fts_match_expression(term));
  }
  const std::vector<std::string> unmatched = store::terms_not_in_collection(store, c.id, quoted);
  std::vector<std::string> absent, long_ones;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (std::find(unmatched.begin(), unmatched.end(), quoted[i]) == unmatched.end()) continue;
    absent.push_back(words[i]);
    if (words[i].size() >= 4) long_ones.push_back(words[i]);
  }
  // A word of 4 letters or more inside a term of the collection's index is not absent: "roll"
  // and "back" are in a page about "rollback". Shorter ones ("iam") are inside too many terms to
  // tell.
  const std::vector<std::string> inside_none = store::words_inside_no_term(store, c.id, long_ones);
  std::erase_if(absent, [&](const std::string& w) {
    return w.size() >= 4 && std::find(inside_none.begin(), inside_none.end(), w) == inside_none.end();
  });
  std::erase_if(absent, [&](const std::string& w) { return written_apart(store, c.id, w); });
  return absent;
}

}  // namespace strata::search
