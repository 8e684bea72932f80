#include "ingest/run_pipeline.h"

namespace strata::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// A write transaction is committed once it holds this many chunks or is this old, so a
// second writer (another ingest, embed) waits briefly and a crash loses little work.
constexpr std::uint64_t k_batch_chunks = 4000;
constexpr auto k_batch_age = std::chrono::milliseconds(500);
// How long the run waits for the next document, holding its transaction, before committing it.
constexpr auto k_commit_grace = std::chrono::milliseconds(50);
// How often progress is reported while the run waits for one document.
constexpr auto k_progress_poll = std::chrono::milliseconds(100);

// "reader" when the same bytes are read again by a newer version of their loader.
const char* same_bytes_detail(const Prepared& p, bool rechunking) {
  if (!p.old_reader.empty()) return "reader";
  return rechunking ? "rechunked" : "metadata";
}

}  // namespace

Pipeline::Pipeline(const IngestRequest& request, IngestObserver& observer, IngestSummary& summary)
    : req_(request),
      observer_(observer),
      summary_(summary),
      pool_(request.threads == 0 ? ThreadPool::hardware_threads() : request.threads) {
  limit_ = 4 * static_cast<std::size_t>(pool_.size()) + 2;
}

void Pipeline::submit(Job job, Named named) {
  if (named == Named::yes) named_.insert(job.source);
  if (writer_) job.stored = writer_->find(job.source);
  job.config_id = writer_ ? writer_->known_config_id() : std::nullopt;
  job.chunk = !req_.dry_run;
  if (!req_.checksum && unchanged_by_stat(job)) {
    Prepared same;
    same.kind = Prepared::Kind::unchanged;
    same.source = job.source;
    same.bytes = job.size;
    record(std::move(same));
    return;
  }
  job.progress = std::make_shared<DocumentProgress>();
  Inflight work{{}, job.progress, job.source};
  work.result = pool_.submit([job = std::move(job), settings = summary_.settings] { return prepare(job, settings); });
  inflight_.push_back(std::move(work));
  while (inflight_.size() >= limit_) drain_one();
}

std::optional<store::StoredDocument> Pipeline::stored(const std::string& source) {
  if (!writer_) return std::nullopt;
  return writer_->find(source);
}

std::optional<std::vector<store::StoredDocument>> Pipeline::stored_under(const std::string& folder, std::size_t limit) {
  if (!writer_) return std::vector<store::StoredDocument>{};  // no store: nothing is stored
  std::vector<store::StoredDocument> documents = writer_->documents_under(folder, limit + 1);
  if (documents.size() > limit) return std::nullopt;
  return documents;
}

void Pipeline::unchanged(const std::string& source, std::uint64_t bytes) {
  Prepared same;
  same.kind = Prepared::Kind::unchanged;
  same.source = source;
  same.bytes = bytes;
  record(std::move(same));
}

void Pipeline::finish() {
  while (!inflight_.empty()) drain_one();
  if (writer_) writer_->commit();
}

void Pipeline::drain_one() {
  Inflight& next = inflight_.front();
  // Never hold the write lock while waiting on the workers for long; a document ready within
  // k_commit_grace keeps the transaction (committing whenever the next was not ready yet made
  // a transaction of every few documents once the writer outran the workers: 1,583 commits
  // instead of 39 for 22,088 records on PostgreSQL, each with its keyword index's statements).
  if (writer_ && writer_->in_transaction() && next.result.wait_for(k_commit_grace) != std::future_status::ready) {
    writer_->commit();
  }
  while (next.result.wait_for(k_progress_poll) != std::future_status::ready) report_waiting_on(next);
  Prepared p = next.result.get();
  inflight_.pop_front();
  progress_.current.reset();
  record(std::move(p));
}

// A document still being read or chunked keeps the run waiting: say how far it has got.
void Pipeline::report_waiting_on(const Inflight& work) {
  const DocumentProgress::Snapshot at = work.progress->get();
  if (at.stage == DocumentProgress::Stage::waiting) return;
  progress_.current = Progress::Current{work.source, at};
  observer_.progress(progress_);
}

void Pipeline::record(Prepared p) {
  progress_.files_done += 1;
  progress_.bytes_done += p.bytes;
  if (p.kind == Prepared::Kind::unchanged || p.kind == Prepared::Kind::ready) summary_.bytes += p.bytes;
  switch (p.kind) {
    case Prepared::Kind::unchanged:
      ++summary_.unchanged;
      observer_.document({.action = Action::unchanged, .source = p.source, .bytes = p.bytes});
      break;
    case Prepared::Kind::skipped:
      skip(p.source, "binary", p.reason, p.bytes, named_.contains(p.source) ? Named::yes : Named::no);
      break;
    case Prepared::Kind::failed:
      fail(p.source, p.reason, p.bytes);
      break;
    case Prepared::Kind::ready:
      write(p);
      break;
  }
  observer_.progress(progress_);
}

void Pipeline::write(const Prepared& p) {
  // A document the store cannot hold (on PostgreSQL: a file name that is not UTF-8, a JSONL id
  // with a NUL) fails alone, before put() could end the transaction of the others.
  if (writer_) {
    if (const std::optional<std::string> why = writer_->refusal(p.record)) {
      fail(p.source, *why, p.bytes);
      return;
    }
  }
  const std::int64_t chunks = static_cast<std::int64_t>(p.record.chunks.size());
  const bool same_bytes = p.existed && p.old_hash == p.record.content_hash;
  if (same_bytes && !p.old_reader.empty()) ++summary_.reread_by_loader[p.old_reader];
  if (p.repaired_bytes > 0) repaired_.emplace_back(p.source, p.repaired_bytes);
  if (req_.dry_run) {
    const Action action = p.existed ? Action::changed : Action::added;
    ++(p.existed ? summary_.changed : summary_.added);
    // Same bytes but not unchanged: what put() would find is new chunking or new metadata.
    const char* detail = !p.existed ? "" : !same_bytes ? "content" : same_bytes_detail(p, rechunking_);
    observer_.document({.action = action, .source = p.source, .detail = detail, .bytes = p.bytes});
    return;
  }
  if (!writer_->in_transaction()) {
    writer_->begin();
    batch_start_ = Clock::now();
    batch_chunks_ = 0;
  }
  // --rechunk needs no force: a new configuration has a new id, which put() compares.
  const store::PutResult result = writer_->put(p.record, false);
  switch (result) {
    case store::PutResult::added:
      ++summary_.added;
      summary_.chunks += static_cast<std::uint64_t>(chunks);
      observer_.document({.action = Action::added, .source = p.source, .chunks = chunks, .bytes = p.bytes});
      break;
    case store::PutResult::changed:
      ++summary_.changed;
      summary_.chunks += static_cast<std::uint64_t>(chunks);
      observer_.document({.action = Action::changed,
                          .source = p.source,
                          .detail = same_bytes ? same_bytes_detail(p, true) : "content",
                          .chunks = chunks,
                          .bytes = p.bytes});
      break;
    case store::PutResult::metadata_only:
      ++summary_.changed;
      observer_.document({.action = Action::changed, .source = p.source, .detail = "metadata", .bytes = p.bytes});
      break;
    case store::PutResult::unchanged:
      ++summary_.unchanged;
      observer_.document({.action = Action::unchanged, .source = p.source, .bytes = p.bytes});
      break;
  }
  batch_chunks_ += static_cast<std::uint64_t>(chunks);
  if (batch_chunks_ >= k_batch_chunks || Clock::now() - batch_start_ >= k_batch_age) writer_->commit();
}

void Pipeline::skip(const std::string& source, const std::string& kind, const std::string& reason) {
  skip(source, kind, reason, 0, Named::no);
}

void Pipeline::skip(const std::string& source, const std::string& kind, const std::string& reason, std::uint64_t bytes,
                    Named named) {
  ++summary_.skipped;
  ++summary_.skipped_by_kind[kind];
  observer_.document({.action = Action::skipped,
                      .source = source,
                      .detail = reason,
                      .kind = kind,
                      .named = named == Named::yes,
                      .bytes = bytes});
}

void Pipeline::fail(const std::string& source, const std::string& reason, std::uint64_t bytes) {
  ++summary_.failed;
  DocumentEvent e{.action = Action::failed, .source = source, .detail = reason, .bytes = bytes};
  observer_.document(e);
  summary_.failures.push_back(std::move(e));
}

}  // namespace strata::ingest
