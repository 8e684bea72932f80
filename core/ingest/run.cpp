#include "ingest/ingest.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "common/error.h"
#include "common/setting.h"
#include "ingest/glob.h"
#include "ingest/loaders.h"
#include "ingest/run_inputs.h"
#include "ingest/run_pipeline.h"
#include "ingest/source_id.h"
#include "ingest/web_pages.h"
#include "net/curl_library.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/store.h"
#include "web/scope.h"
#include "web/url.h"

namespace strata::ingest {
namespace {

using Clock = std::chrono::steady_clock;

// A glob that cannot match anything would silently select nothing: refused up front, naming
// the setting, the pattern as typed (a leading '!' is not glob syntax, so positions stay right)
// and what is wrong with it.
void refuse_malformed_glob(Setting flag, const std::string& pattern) {
  if (const std::optional<std::string> problem = glob_problem(pattern)) {
    const bool unclosed = problem->starts_with("'['");
    usage(mention(flag) + " '" + pattern + "': " + *problem + ", so it can match nothing",
          std::string(unclosed ? "write '\\[' to match a '[' itself; " : "") +
              "the syntax is .gitignore's (see " + command_mention(Setting::glob) + " in strata-ingest(1))");
  }
}

void validate(const IngestRequest& r) {
  std::size_t stdin_users = 0;
  for (const std::string& p : r.paths) stdin_users += p == "-" ? 1U : 0U;
  if (r.jsonl && r.paths.empty()) ++stdin_users;
  if (r.files_from == "-") ++stdin_users;
  if (stdin_users > 1) usage("standard input can be read only once", "give '-' to one of the inputs");
  if (r.jsonl && r.files_from) usage(mention(Setting::jsonl) + " and " + mention(Setting::files_from) + " cannot be combined");
  if (!r.jsonl && r.paths.empty() && !r.files_from) {
    usage("nothing to ingest", "give files or folders, '-' for standard input, " + mention(Setting::jsonl) + " or " + mention(Setting::files_from));
  }
  if (r.prune && (r.jsonl || (r.paths.empty() && !r.files_from))) usage(mention(Setting::prune) + " needs files or folders to compare with");
  if (r.crawl && r.crawl->max_pages == 0) usage("a crawl's page limit must be at least 1");
  if (r.crawl && r.crawl->max_depth < 0) usage("a crawl's depth cannot be negative");
  if (r.loader && !is_loader_name(*r.loader)) {
    usage(mention(Setting::loader) + ": unknown loader '" + *r.loader + "'", "use " + loader_names());
  }
  if (r.stdin_id.empty()) usage(mention(Setting::id) + ": the id is empty");
  for (const std::string& g : r.walk.globs) refuse_malformed_glob(Setting::glob, g);
  for (const std::string& g : r.walk.excludes) refuse_malformed_glob(Setting::exclude, g);
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

// A run: its inputs (run_inputs.h) read into its pipeline (run_pipeline.h), between the steps
// that need the store whole: choosing the chunking, giving documents their project ids first,
// and --prune last.
class Run {
 public:
  Run(const IngestRequest& request, IngestObserver& observer)
      : req_(request), observer_(observer), inputs_(request, ids_, store_file(request)), pipeline_(request, observer, summary_) {
    summary_.store = store::store_display(req_.store_path);
    summary_.collection = req_.collection;
    summary_.dry_run = req_.dry_run;
  }

  IngestSummary run() {
    const Clock::time_point start = Clock::now();
    inputs_.read_stdin_document();
    {
      // libcurl is loaded when the first URL is fetched (net/curl_library.h): a run with a web
      // address loads it on a thread of its own while the store is opened (a re-crawl of 1,168
      // unchanged pages takes 0.2 s, of which loading libcurl and its libraries was 10 ms).
      std::jthread curl_loader;
      if (std::any_of(req_.paths.begin(), req_.paths.end(), [](const std::string& p) { return is_web_address(p); })) {
        curl_loader = std::jthread([] {
          try {
            net::curl_library();
          } catch (...) {
            // Said by the first fetch, which loads it again.
          }
        });
      }
      open_store();
      choose_settings();
    }
    pipeline_.set_writer(writer_.get(), rechunking_);
    if (!req_.jsonl) rename_to_project_ids();
    if (req_.count_totals) inputs_.count_totals(pipeline_.progress());
    inputs_.read(pipeline_);
    pipeline_.finish();
    for (const CrawlResult& c : inputs_.crawls()) {
      summary_.would_fetch.insert(summary_.would_fetch.end(), c.would_fetch.begin(), c.would_fetch.end());
      summary_.notes.insert(summary_.notes.end(), c.notes.begin(), c.notes.end());
    }
    if (req_.prune) prune();
    if (!summary_.reread_by_loader.empty()) summary_.notes.push_back(rereading_note());
    if (!pipeline_.repaired().empty()) summary_.notes.push_back(repaired_note());
    summary_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary_;
  }

 private:
  // The store's own file, which the inputs must not read; a store on a server has none.
  static std::optional<std::string> store_file(const IngestRequest& r) {
    if (store::is_store_url(r.store_path)) return std::nullopt;
    return absolute_path(r.store_path).string();
  }

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
                                "; keeping the recorded chunking (" + mention(Setting::rechunk) + " re-chunks the given documents)");
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
                                   ") differ, so nothing was re-chunked; add " + mention(Setting::rechunk) + " to re-chunk with them");
        }
        wanted = base;
      }
    }
    summary_.settings = wanted;
    if (store_) writer_ = std::make_unique<store::DocumentWriter>(*store_, req_.collection, to_json(wanted), record && !req_.dry_run);
  }

  // Documents under the roots whose files are gone. Files that still exist but were not
  // walked this time (excluded, ignored) are kept: --prune removes what was deleted. Roots and
  // documents are compared by source id, so a store used from another checkout of the project
  // (its recorded paths those of the first) prunes the same; a document goes when its file is
  // missing both where its id points and where its path was recorded.
  void prune() {
    if (!writer_) return;
    std::set<std::int64_t> seen;
    for (const std::string& root : inputs_.roots()) {
      for (const store::StoredDocument& d : writer_->files_under(ids_.folder(root))) {
        if (!seen.insert(d.id).second || file_exists(d)) continue;
        ++summary_.removed;
        observer_.document({.action = Action::removed, .source = d.source, .detail = "file no longer exists"});
        if (req_.dry_run) continue;
        if (!writer_->in_transaction()) writer_->begin();
        writer_->remove(d.id);
      }
    }
    for (const CrawlResult& crawl : inputs_.crawls()) prune_pages(crawl);
    writer_->commit();
  }

  // The collection's web pages in a crawl's scope that the crawl did not find (not linked any
  // more, 404 or 410). Only after a crawl that ran to its end: one stopped by --max-pages or its
  // time limit did not see the whole site, and a page it did not reach may well be there.
  void prune_pages(const CrawlResult& crawl) {
    const std::optional<web::Url> start = web::parse_http_url(crawl.start);
    if (!start) return;
    if (!crawl.complete) {
      summary_.notes.push_back("the crawl from " + crawl.start + " stopped at a limit (its page or time limit, its frontier's bound) or was cancelled: " +
                               mention(Setting::prune) + " removed none of its pages");
      return;
    }
    if (!store_ || !store::find_collection(*store_, req_.collection)) return;  // nothing stored yet
    const web::Scope scope(*start, crawl.include, crawl.exclude);
    const std::string prefix = scope.origin() + scope.prefix();
    std::vector<std::pair<std::int64_t, std::string>> gone;
    store::for_each_document(*store_, req_.collection, [&](const store::DocumentSummary& d) {
      if (d.path || !d.source.starts_with(prefix) || crawl.alive.contains(d.source)) return;
      const std::optional<web::Url> url = web::parse_http_url(d.source);
      if (url && scope.contains(*url)) gone.emplace_back(d.id, d.source);
    });
    for (const auto& [id, source] : gone) {
      ++summary_.removed;
      observer_.document({.action = Action::removed, .source = source, .detail = "no longer on the site"});
      if (req_.dry_run) continue;
      if (!writer_->in_transaction()) writer_->begin();
      writer_->remove(id);
    }
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
    const std::vector<std::pair<std::string, std::size_t>>& repaired_ = pipeline_.repaired();
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
  IngestObserver& observer_;
  IngestSummary summary_;
  SourceIds ids_{req_.project_root.empty() ? std::filesystem::current_path() : req_.project_root};
  Inputs inputs_;
  std::optional<store::Store> store_;
  std::unique_ptr<store::DocumentWriter> writer_;
  bool rechunking_ = false;  // --rechunk with options that differ from the recorded ones
  // After the writer: destroyed first, so its workers end before the writer goes.
  Pipeline pipeline_;
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
