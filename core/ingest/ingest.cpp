#include "ingest/ingest.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "common/thread_pool.h"
#include "ingest/file_list.h"
#include "ingest/glob.h"
#include "ingest/jsonl_reader.h"
#include "ingest/loaders.h"
#include "ingest/metadata.h"
#include "ingest/prepare.h"
#include "ingest/project_root.h"
#include "ingest/source_id.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/store.h"

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

// A glob that cannot match anything would silently select nothing: refused up front, naming
// the flag, the pattern as typed (a leading '!' is not glob syntax, so positions stay right)
// and what is wrong with it.
void refuse_malformed_glob(const char* flag, const std::string& pattern) {
  if (const std::optional<std::string> problem = glob_problem(pattern)) {
    const bool unclosed = problem->starts_with("'['");
    usage(std::string(flag) + " '" + pattern + "': " + *problem + ", so it can match nothing",
          std::string(unclosed ? "write '\\[' to match a '[' itself; " : "") +
              "the syntax is .gitignore's (see --glob in strata-ingest(1))");
  }
}

void validate(const IngestRequest& r) {
  std::size_t stdin_users = 0;
  for (const std::string& p : r.paths) stdin_users += p == "-" ? 1U : 0U;
  if (r.jsonl && r.paths.empty()) ++stdin_users;
  if (r.files_from == "-") ++stdin_users;
  if (stdin_users > 1) usage("standard input can be read only once", "give '-' to one of the inputs");
  if (r.jsonl && r.files_from) usage("--jsonl and --files-from cannot be combined");
  if (!r.jsonl && r.paths.empty() && !r.files_from) {
    usage("nothing to ingest", "give files or folders, '-' for standard input, --jsonl or --files-from");
  }
  if (r.prune && (r.jsonl || (r.paths.empty() && !r.files_from))) usage("--prune needs files or folders to compare with");
  if (r.loader && !is_loader_name(*r.loader)) {
    usage("--loader: unknown loader '" + *r.loader + "'", "use " + loader_names());
  }
  if (r.stdin_id.empty()) usage("--id: the id is empty");
  for (const std::string& g : r.walk.globs) refuse_malformed_glob("--glob", g);
  for (const std::string& g : r.walk.excludes) refuse_malformed_glob("--exclude", g);
  store::validate_collection_name(r.collection);
  // Chunk options that are wrong whatever the collection recorded are refused before the
  // store is opened, so a usage error never leaves a new store behind. An unset size stands
  // in as large enough for the given overlap; the full check follows in choose_settings().
  ChunkSettings given = apply(apply(ChunkSettings{}, r.configured.values), r.chunk);
  if (!r.chunk.size && !r.configured.values.size) {
    const bool min_given = r.chunk.min_size || r.configured.values.min_size;
    given.size = std::max({given.size, given.overlap + 1, min_given ? *given.min_size + 1 : 0});
  }
  ingest::validate(given, labels_for(r.chunk, r.configured));
}

std::string jsonl_name(const std::string& id) {
  // A record's text is text: only a Markdown or HTML id changes how it is read.
  for (const char* ext : {".md", ".markdown", ".html", ".htm"}) {
    if (id.size() > std::string(ext).size() && id.ends_with(ext)) return id;
  }
  return {};
}

// A document handed to the workers, in the order the writer takes them.
struct Inflight {
  std::future<Prepared> result;
  std::shared_ptr<DocumentProgress> progress;
  std::string source;
};

class Run {
 public:
  Run(const IngestRequest& request, IngestObserver& observer)
      : req_(request),
        forced_loader_(request.loader ? parse_loader(*request.loader) : std::nullopt),
        observer_(observer),
        pool_(request.threads == 0 ? ThreadPool::hardware_threads() : request.threads) {
    // pool_ is the last member: it is destroyed first, so no worker outlives what it reads.
    summary_.store = store::store_display(req_.store_path);
    summary_.collection = req_.collection;
    summary_.dry_run = req_.dry_run;
    run_metadata_ = metadata_from_pairs(req_.meta);
    limit_ = 4 * static_cast<std::size_t>(pool_.size()) + 2;
  }

  IngestSummary run() {
    const Clock::time_point start = Clock::now();
    read_stdin_document();
    open_store();
    choose_settings();
    if (!req_.jsonl) rename_to_project_ids();
    if (req_.count_totals) count_totals();
    if (req_.jsonl) {
      ingest_jsonl_inputs();
    } else {
      ingest_paths();
    }
    while (!inflight_.empty()) drain_one();
    if (writer_) writer_->commit();
    if (req_.prune) prune();
    if (!summary_.reread_by_loader.empty()) summary_.notes.push_back(rereading_note());
    if (!repaired_.empty()) summary_.notes.push_back(repaired_note());
    summary_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary_;
  }

 private:
  void open_store() {
    if (req_.dry_run) {
      store_ = store::Store::open_read_only(req_.store_path, req_.store_options);
    } else {
      store_ = store::Store::open(req_.store_path, req_.store_options);
    }
    // The store as messages name it: a store URL's password never goes into the summary.
    if (store_) summary_.store = store_->path();
  }

  // The collection's recorded chunking wins over a configuration file's, like over flags; the
  // file is named at the first line that asks for something else.
  void warn_if_file_differs(const ChunkSettings& base) {
    const ConfiguredChunking& c = req_.configured;
    const ChunkSettings from_file = apply(base, c.values);
    if (from_file == base) return;
    std::string where;
    if (from_file.strategy != base.strategy) where = c.where.strategy;
    else if (from_file.size != base.size) where = c.where.size;
    else if (from_file.overlap != base.overlap) where = c.where.overlap;
    else if (from_file.unit != base.unit) where = c.where.unit;
    else if (from_file.tokenizer != base.tokenizer) where = c.where.tokenizer;
    else where = c.where.min_size;
    summary_.warnings.push_back(where + ": [chunk] asks for " + describe(from_file) + " but collection '" +
                                req_.collection + "' records " + describe(base) +
                                "; keeping the recorded chunking (--rechunk re-chunks the given documents)");
  }

  void choose_settings() {
    std::optional<store::CollectionInfo> existing;
    if (store_) existing = store::find_collection(*store_, req_.collection);
    const bool recorded = existing && existing->chunk_config != "{}";
    const ChunkSettings base = recorded ? from_json(existing->chunk_config) : ChunkSettings{};
    // A file's [chunk] chooses a new collection's chunking; flags win over it.
    ChunkSettings wanted = apply(apply(base, req_.configured.values), req_.chunk);
    ingest::validate(wanted, labels_for(req_.chunk, req_.configured));
    bool record = !recorded;
    if (recorded && wanted != base) {
      if (req_.rechunk) {
        record = true;
        rechunking_ = true;
        summary_.notes.push_back("collection '" + req_.collection + "' is re-chunked as " + describe(wanted) +
                                 " (was " + describe(base) + "); documents not given in this run keep their chunks");
      } else {
        warn_if_file_differs(base);
        if (apply(base, req_.chunk) != base) {
          summary_.notes.push_back("collection '" + req_.collection + "' keeps its chunking (" + describe(base) +
                                   "): the options given (" + describe(wanted) +
                                   ") differ, so nothing was re-chunked; add --rechunk to re-chunk with them");
        }
        wanted = base;
      }
    }
    summary_.settings = wanted;
    if (store_) writer_ = std::make_unique<store::DocumentWriter>(*store_, req_.collection, to_json(wanted), record && !req_.dry_run);
  }

  // --- inputs ---------------------------------------------------------------------------

  void ingest_paths() {
    std::vector<std::string> roots;
    for (const std::string& p : req_.paths) {
      if (p == "-") {
        ingest_stdin_document();
      } else {
        roots.push_back(p);
      }
    }
    if (req_.files_from) {
      for (std::string& p : parse_file_list(read_text_input(*req_.files_from), req_.nul_separated)) roots.push_back(std::move(p));
    }
    prune_roots_ = roots;
    std::erase_if(roots, [this](const std::string& root) { return refused_as_link_out(root); });
    walk(
        roots, req_.walk, [this](const WalkEntry& e) { ingest_file(e); },
        [this](const WalkError& e) { fail(e.path, e.message, 0); },
        [this](const WalkSkip& e) {
          const std::string reason = e.kind == k_link_outside
                                         ? "a link to a file outside the folder (--follow-links ingests it)"
                                         : "generated file (" + std::string(e.kind) + ")";
          skip(ids_.of(e.path), std::string(e.kind), reason);
        });
  }

  // A folder or file named by a path inside the project that a link planted there leads out of
  // it (`docs -> ../../secrets`): the user typed a path of the project, the repository chose
  // where it goes. Refused as a failure of that input, as links out of a walked folder are
  // skipped; the target named by its own path, or --follow-links, ingests it.
  bool refused_as_link_out(const std::string& root) {
    namespace fs = std::filesystem;
    if (req_.walk.follow_links || req_.project_root.empty()) return false;
    // Only a project someone else could have written: a git work tree or a strata.toml. In a
    // folder that is neither (the working directory is then the "project"), a link such as
    // ~/manuals -> /usr/share/doc is the user's own.
    std::error_code ec;
    if (!config::work_tree_top(req_.project_root) && !fs::exists(req_.project_root / "strata.toml", ec)) return false;
    const fs::path path = config::absolute_normal(root);
    if (!config::lexically_inside(path, req_.project_root) || config::really_inside(path, req_.project_root)) return false;
    const std::optional<fs::path> target = config::resolve_links(path);
    fail(root,
         "leads to " + (target ? target->string() : std::string("a link that does not resolve")) +
             ", outside the project, through a link in it: not read (name the target itself, or pass --follow-links)",
         0);
    return true;
  }

  void ingest_file(const WalkEntry& entry) {
    Job job;
    job.read_from = entry.path.string();
    job.path = absolute_path(entry.path).string();
    if (is_store_file(*job.path)) return;  // `strata ingest --hidden .` must not read its own store
    job.source = ids_.of(entry.path);
    if (entry.named) named_.insert(job.source);
    job.size = entry.size;
    job.mtime_ns = entry.mtime_ns;
    job.forced_loader = forced_loader_;
    if (!forced_loader_) job.converter = converter_for(entry.path);
    job.converter_limits = req_.converter_limits;
    job.metadata_json = run_metadata_;
    submit(std::move(job));
  }

  // The converter named for the file's extension (compared lower-case), if any.
  const ConverterCommand* converter_for(const std::filesystem::path& file) const {
    if (req_.converters.empty()) return nullptr;
    const std::string extension = to_lower(file.extension().string());
    for (const ConverterCommand& c : req_.converters) {
      if (c.extension == extension) return &c;
    }
    return nullptr;
  }

  // '-' is read before the store is opened, so that an empty standard input is refused with
  // nothing written. Empty, it is almost always an upstream command that failed
  // (`producer | strata ingest -`), and recording it would replace the document's text with
  // nothing. An empty file named by path is different: it exists, and is recorded as it is.
  void read_stdin_document() {
    if (req_.jsonl || std::find(req_.paths.begin(), req_.paths.end(), "-") == req_.paths.end()) return;
    std::istream& in = stdin_stream();
    std::string bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
    if (in.bad()) throw Error(ExitCode::invalid_input, "standard input: read error");
    if (bytes.empty()) {
      throw Error(ExitCode::invalid_input, "standard input ('-') is empty: nothing to ingest",
                  "pipe a document in, or name the file; an empty file given by its path is ingested as it is");
    }
    stdin_document_ = std::move(bytes);
  }

  void ingest_stdin_document() {
    Job job;
    job.bytes = std::move(*stdin_document_);
    job.source = req_.stdin_id;
    job.name = req_.stdin_id;
    named_.insert(job.source);
    job.size = job.bytes.size();
    job.forced_loader = forced_loader_;
    job.metadata_json = run_metadata_;
    submit(std::move(job));
  }

  void ingest_jsonl_inputs() {
    if (req_.paths.empty()) {
      ingest_jsonl(stdin_stream(), "standard input");
      return;
    }
    for (const std::string& p : req_.paths) {
      if (p == "-") {
        ingest_jsonl(stdin_stream(), "standard input");
        continue;
      }
      std::ifstream in(p, std::ios::binary);
      if (!in) {
        fail(p, "cannot open", 0);
        continue;
      }
      ingest_jsonl(in, p);
    }
  }

  void ingest_jsonl(std::istream& in, const std::string& label) {
    JsonlReader reader(in);
    while (auto item = reader.next()) {
      if (auto* error = std::get_if<JsonlError>(&*item)) {
        const std::string where = label + ":" + std::to_string(error->line);
        fail(error->id.empty() ? where : error->id, (error->id.empty() ? "" : where + ": ") + error->message, 0);
        continue;
      }
      JsonlRecord& record = std::get<JsonlRecord>(*item);
      Job job;
      job.source = record.id;
      job.name = jsonl_name(record.id);
      job.forced_loader = forced_loader_ ? forced_loader_ : job.name.empty() ? std::optional(LoaderKind::text) : std::nullopt;
      job.bytes = std::move(record.text);
      job.size = job.bytes.size();
      job.title = std::move(record.title);
      try {
        job.metadata_json = merge_metadata(run_metadata_, record.metadata_json);
      } catch (const std::exception& e) {
        fail(record.id, label + ":" + std::to_string(record.line) + ": metadata: " + e.what(), 0);
        continue;
      }
      submit(std::move(job));
    }
    if (in.bad()) fail(label, "read error", 0);
  }

  bool is_store_file(const std::string& path) const {
    return path.starts_with(store_abs_) &&
           (path.size() == store_abs_.size() || path.substr(store_abs_.size()) == "-wal" ||
            path.substr(store_abs_.size()) == "-shm" || path.substr(store_abs_.size()) == "-journal");
  }

  std::istream& stdin_stream() { return req_.stdin_stream != nullptr ? *req_.stdin_stream : std::cin; }

  std::string read_text_input(const std::string& name) {
    if (name == "-") {
      std::istream& in = stdin_stream();
      return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::ifstream in(name, std::ios::binary);
    if (!in) throw Error(ExitCode::invalid_input, name + ": cannot open the --files-from list");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  void count_totals() {
    if (req_.jsonl || req_.files_from) return;  // streams: no totals without reading them twice
    std::vector<std::string> roots;
    for (const std::string& p : req_.paths) {
      if (p != "-") roots.push_back(p);
    }
    walk(
        roots, req_.walk,
        [this](const WalkEntry& e) {
          ++progress_.files_total;
          progress_.bytes_total += e.size;
        },
        [](const WalkError&) {});
  }

  // --- the pipeline ---------------------------------------------------------------------

  void submit(Job job) {
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

  void drain_one() {
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
  void report_waiting_on(const Inflight& work) {
    const DocumentProgress::Snapshot at = work.progress->get();
    if (at.stage == DocumentProgress::Stage::waiting) return;
    progress_.current = Progress::Current{work.source, at};
    observer_.progress(progress_);
  }

  void record(Prepared p) {
    progress_.files_done += 1;
    progress_.bytes_done += p.bytes;
    if (p.kind == Prepared::Kind::unchanged || p.kind == Prepared::Kind::ready) summary_.bytes += p.bytes;
    switch (p.kind) {
      case Prepared::Kind::unchanged:
        ++summary_.unchanged;
        observer_.document({.action = Action::unchanged, .source = p.source, .bytes = p.bytes});
        break;
      case Prepared::Kind::skipped:
        skip(p.source, "binary", p.reason, p.bytes, named_.contains(p.source));
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

  // "reader" when the same bytes are read again by a newer version of their loader.
  static const char* same_bytes_detail(const Prepared& p, bool rechunking) {
    if (!p.old_reader.empty()) return "reader";
    return rechunking ? "rechunked" : "metadata";
  }

  void write(const Prepared& p) {
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

  void skip(const std::string& source, const std::string& kind, const std::string& reason, std::uint64_t bytes = 0,
            bool named = false) {
    ++summary_.skipped;
    ++summary_.skipped_by_kind[kind];
    observer_.document(
        {.action = Action::skipped, .source = source, .detail = reason, .kind = kind, .named = named, .bytes = bytes});
  }

  void fail(const std::string& source, const std::string& reason, std::uint64_t bytes) {
    ++summary_.failed;
    DocumentEvent e{.action = Action::failed, .source = source, .detail = reason, .bytes = bytes};
    observer_.document(e);
    summary_.failures.push_back(std::move(e));
  }

  // Documents under the roots whose files are gone. Files that still exist but were not
  // walked this time (excluded, ignored) are kept: --prune removes what was deleted. Roots and
  // documents are compared by source id, so a store used from another checkout of the project
  // (its recorded paths those of the first) prunes the same; a document goes when its file is
  // missing both where its id points and where its path was recorded.
  void prune() {
    if (!writer_) return;
    std::set<std::int64_t> seen;
    for (const std::string& root : prune_roots_) {
      for (const store::StoredDocument& d : writer_->files_under(ids_.folder(root))) {
        if (!seen.insert(d.id).second || file_exists(d)) continue;
        ++summary_.removed;
        observer_.document({.action = Action::removed, .source = d.source, .detail = "file no longer exists"});
        if (req_.dry_run) continue;
        if (!writer_->in_transaction()) writer_->begin();
        writer_->remove(d.id);
      }
    }
    writer_->commit();
  }

  // An error (a folder that cannot be searched) counts as there: never remove on doubt.
  bool file_exists(const store::StoredDocument& d) const {
    const std::filesystem::path id(d.source);
    std::error_code ec;
    if (std::filesystem::exists(id.is_absolute() ? id : ids_.root() / id, ec) || ec) return true;
    return d.path && (std::filesystem::exists(*d.path, ec) || ec);
  }

  // Documents of files under the project root stored under another id (before ids were
  // relative to the project root, or from another working directory) get the id a file has
  // now, so the next lookups find them; several documents of one file become one (the most
  // recently ingested, or the one already named right). A dry run only counts.
  void rename_to_project_ids() {
    if (!writer_) return;
    const std::string root = ids_.root().string();
    if (writer_->documents_named_apart(root).empty()) return;  // the usual case: one indexed read
    if (!req_.dry_run) writer_->begin();
    std::set<std::string> taken;
    for (const store::MisnamedDocument& d : writer_->documents_named_apart(root)) {
      const std::string id = ids_.of(d.path);
      const std::optional<store::StoredDocument> holder = taken.contains(id) ? std::nullopt : writer_->find(id);
      if (holder && !holder->path) continue;  // a stdin or JSONL document has the id: leave both
      if (taken.contains(id) || holder) {
        ++summary_.merged;
        if (!req_.dry_run) writer_->remove(d.id);
        continue;
      }
      taken.insert(id);
      ++summary_.renamed;
      if (!req_.dry_run) writer_->rename(d.id, id);
    }
    if (!req_.dry_run) writer_->commit();
    if (summary_.renamed + summary_.merged > 0) summary_.notes.push_back(renaming_note(root));
  }

  // One line: "2 files of UTF-8 text hold bytes that are not UTF-8, each read as Windows-1252:
  // a.md (1 byte), b.txt (3 bytes)", naming at most five.
  std::string repaired_note() const {
    std::string names;
    for (std::size_t i = 0; i < repaired_.size() && i < 5; ++i) {
      const auto& [source, n] = repaired_[i];
      names += (i > 0 ? ", " : "") + source + " (" + std::to_string(n) + (n == 1 ? " byte)" : " bytes)");
    }
    if (repaired_.size() > 5) names += ", ...";
    const std::size_t files = repaired_.size();
    return std::to_string(files) + (files == 1 ? " file" : " files") +
           " of UTF-8 text " + (files == 1 ? "holds" : "hold") +
           " bytes that are not UTF-8, each read as Windows-1252 (the rest stays UTF-8): " + names;
  }

  // One line: "read 1804 unchanged files again (html 1790, pdf 14): this version of strata reads
  // them differently (page chrome, running headers)".
  std::string rereading_note() const {
    std::size_t total = 0;
    std::string kinds;
    for (const auto& [loader, n] : summary_.reread_by_loader) {
      total += n;
      kinds += (kinds.empty() ? "" : ", ") + loader + " " + std::to_string(n);
    }
    return std::string(req_.dry_run ? "would read " : "read ") + std::to_string(total) + " unchanged " +
           (total == 1 ? "file" : "files") + " again (" + kinds +
           "): this version of strata reads " + (total == 1 ? "it" : "them") + " differently than the one that stored " +
           (total == 1 ? "it" : "them");
  }

  // One line: "gave 3 documents their ids relative to the project root /p and removed 1 more
  // copy of the same files (...)".
  std::string renaming_note(const std::string& root) const {
    const bool dry = req_.dry_run;
    const std::size_t renamed = summary_.renamed, merged = summary_.merged;
    const std::string copies = merged == 1 ? "copy" : "copies";
    std::string note;
    if (renamed > 0) {
      note = std::string(dry ? "would give " : "gave ") + std::to_string(renamed) +
             (renamed == 1 ? " document its id" : " documents their ids") + " relative to the project root " + root;
      if (merged > 0) {
        note += std::string(dry ? " and remove " : " and removed ") + std::to_string(merged) + " more " + copies +
                " of the same files";
      }
    } else {
      note = std::string(dry ? "would remove " : "removed ") + std::to_string(merged) + " " + copies +
             " of files stored under their ids relative to the project root " + root;
    }
    return note + " (stored under other names by an earlier ingest)";
  }

  const IngestRequest& req_;
  const std::optional<LoaderKind> forced_loader_;  // req_.loader, parsed once (validate checked it)
  IngestObserver& observer_;
  std::size_t limit_ = 0;
  std::string run_metadata_;
  SourceIds ids_{req_.project_root.empty() ? std::filesystem::current_path() : req_.project_root};
  // A store on a server has no file to keep out of the inputs.
  std::string store_abs_ = store::is_store_url(req_.store_path) ? std::string("\n") : absolute_path(req_.store_path).string();
  std::optional<store::Store> store_;
  std::unique_ptr<store::DocumentWriter> writer_;
  std::deque<Inflight> inflight_;
  std::vector<std::string> prune_roots_;
  std::set<std::string> named_;  // sources of the files (and stdin) named on the command line
  std::optional<std::string> stdin_document_;  // '-', read before anything else
  IngestSummary summary_;
  std::vector<std::pair<std::string, std::size_t>> repaired_;  // sources whose stray bytes were repaired
  Progress progress_;
  Clock::time_point batch_start_;
  std::uint64_t batch_chunks_ = 0;
  bool rechunking_ = false;  // --rechunk with options that differ from the recorded ones
  ThreadPool pool_;
};

}  // namespace

const char* name_of(Action action) {
  switch (action) {
    case Action::added: return "new";
    case Action::changed: return "changed";
    case Action::unchanged: return "unchanged";
    case Action::removed: return "removed";
    case Action::skipped: return "skipped";
    case Action::failed: return "failed";
  }
  return "?";
}

IngestSummary ingest(const IngestRequest& request, IngestObserver& observer) {
  validate(request);
  return Run(request, observer).run();
}

}  // namespace strata::ingest
