#include "ingest/run_inputs.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string_view>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "ingest/file_list.h"
#include "ingest/jsonl_reader.h"
#include "ingest/loaders.h"
#include "ingest/metadata.h"
#include "ingest/project_root.h"
#include "ingest/web_pages.h"
#include "net/url_secrets.h"

namespace strata::ingest {
namespace {

std::string jsonl_name(const std::string& id) {
  // A record's text is text: only a Markdown or HTML id changes how it is read.
  for (const char* ext : {".md", ".markdown", ".html", ".htm"}) {
    if (id.size() > std::string(ext).size() && id.ends_with(ext)) return id;
  }
  return {};
}

}  // namespace

Inputs::Inputs(const IngestRequest& request, SourceIds& ids, std::optional<std::string> store_file)
    : req_(request),
      ids_(ids),
      store_file_(std::move(store_file)),
      forced_loader_(request.loader ? parse_loader(*request.loader) : std::nullopt),
      run_metadata_(metadata_from_pairs(request.meta)) {}

void Inputs::read(JobSink& sink) {
  if (req_.jsonl) {
    read_jsonl_inputs(sink);
  } else {
    read_paths(sink);
  }
}

void Inputs::read_paths(JobSink& sink) {
  std::vector<std::string> roots;
  for (const std::string& p : req_.paths) {
    if (p == "-") {
      read_stdin(sink);
    } else if (is_web_address(p)) {
      if (req_.crawl) {
        crawl_site(p, sink);
      } else {
        read_web_page(p, sink);
      }
    } else {
      roots.push_back(p);
    }
  }
  if (req_.files_from) {
    for (std::string& p : parse_file_list(read_text_input(*req_.files_from), req_.nul_separated)) roots.push_back(std::move(p));
  }
  roots_ = roots;
  std::erase_if(roots, [&](const std::string& root) { return refused_as_link_out(root, sink); });
  walk(
      roots, req_.walk, [&](const WalkEntry& e) { read_file(e, sink); },
      [&](const WalkError& e) { sink.fail(e.path, e.message, 0); },
      [&](const WalkSkip& e) {
        const std::string reason = e.kind == k_link_outside
                                       ? "a link to a file outside the folder (" + mention(Setting::follow_links) + " ingests it)"
                                       : "generated file (" + std::string(e.kind) + ")";
        sink.skip(ids_.of(e.path), std::string(e.kind), reason);
      });
}

// A folder or file named by a path inside the project that a link planted there leads out of
// it (`docs -> ../../secrets`): the user typed a path of the project, the repository chose
// where it goes. Refused as a failure of that input, as links out of a walked folder are
// skipped; the target named by its own path, or --follow-links, ingests it.
bool Inputs::refused_as_link_out(const std::string& root, JobSink& sink) const {
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
  sink.fail(root,
            "leads to " + (target ? target->string() : std::string("a link that does not resolve")) +
                ", outside the project, through a link in it: not read (name the target itself, or pass " +
                mention(Setting::follow_links) + ")",
            0);
  return true;
}

void Inputs::read_file(const WalkEntry& entry, JobSink& sink) {
  Job job;
  job.read_from = entry.path.string();
  job.path = absolute_path(entry.path).string();
  if (is_store_file(*job.path)) return;  // `strata ingest --hidden .` must not read its own store
  job.source = ids_.of(entry.path);
  job.size = entry.size;
  job.mtime_ns = entry.mtime_ns;
  job.forced_loader = forced_loader_;
  if (!forced_loader_) job.converter = converter_for(entry.path);
  job.converter_limits = req_.converter_limits;
  job.metadata_json = run_metadata_;
  sink.submit(std::move(job), entry.named ? Named::yes : Named::no);
}

// The converter named for the file's extension (compared lower-case), if any.
const ConverterCommand* Inputs::converter_for(const std::filesystem::path& file) const {
  if (req_.converters.empty()) return nullptr;
  const std::string extension = to_lower(file.extension().string());
  for (const ConverterCommand& c : req_.converters) {
    if (c.extension == extension) return &c;
  }
  return nullptr;
}

// Empty, standard input is almost always an upstream command that failed
// (`producer | strata ingest -`), and recording it would replace the document's text with
// nothing. An empty file named by path is different: it exists, and is recorded as it is.
void Inputs::read_stdin_document() {
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

void Inputs::read_stdin(JobSink& sink) {
  Job job;
  job.bytes = std::move(*stdin_document_);
  job.source = req_.stdin_id;
  job.name = req_.stdin_id;
  job.size = job.bytes.size();
  job.forced_loader = forced_loader_;
  job.metadata_json = run_metadata_;
  sink.submit(std::move(job), Named::yes);
}

// A web page (web_pages.h): fetched now, conditionally when a document of it is stored; read
// by the workers as stdin is, from its bytes. What the fetcher refuses fails this page alone.
void Inputs::read_web_page(const std::string& url, JobSink& sink) {
  const std::string shown = net::redact_url(url);
  try {
    const web::CheckedUrl checked = web::check_url(url);
    const std::optional<store::StoredDocument> stored = sink.stored(checked.url);
    web::FetchResponse page =
        fetch()(stored ? conditional_request(checked.url, stored->metadata_json) : web::FetchRequest{.url = checked.url});
    if (page.status == 304 && stored) {
      sink.unchanged(stored->source, static_cast<std::uint64_t>(stored->size_bytes));
      return;
    }
    if (page.status < 200 || page.status >= 300) {
      std::string reason = "HTTP " + std::to_string(page.status);
      if (page.retry_after) reason += " (retry after " + std::to_string(page.retry_after->count()) + " s)";
      sink.fail(shown, reason, 0);
      return;
    }
    const std::optional<LoaderKind> loader = forced_loader_ ? forced_loader_ : loader_for_content_type(page.content_type, page.url);
    if (!loader) {
      sink.fail(shown, "content type " + (page.content_type.empty() ? std::string("(none)") : page.content_type) + ": no loader reads it", page.body.size());
      return;
    }
    std::string source = page.url;
    if (*loader == LoaderKind::html) source = same_origin_canonical(page.body, page.url).value_or(page.url);
    Job job;
    job.source = source;
    job.name = source;
    job.size = page.body.size();
    job.bytes = std::move(page.body);
    job.forced_loader = loader;
    job.metadata_json = merge_metadata(run_metadata_, web_metadata(page));
    sink.submit(std::move(job), Named::yes);
  } catch (const Error& e) {
    // The fetcher's message names the URL it failed on; when that is this page, once is enough
    // (a redirect's hop keeps its own URL: it says where the failure was).
    std::string_view reason = e.what();
    if (reason.starts_with(shown + ": ")) reason.remove_prefix(shown.size() + 2);
    sink.fail(shown, std::string(reason), 0);
  }
}

const web::FetchFn& Inputs::fetch() {
  if (!fetch_) fetch_ = web::make_shared_fetch_function(req_.web);
  return fetch_;
}

// A crawl from a web address (web_crawl.h). A start URL that is refused outright (credentials
// in it, another scheme) fails that input alone; the other inputs go on.
void Inputs::crawl_site(const std::string& url, JobSink& sink) {
  try {
    CrawlInputs in;
    in.options = &*req_.crawl;
    in.forced_loader = forced_loader_;
    in.run_metadata = run_metadata_;
    in.dry_run = req_.dry_run;
    in.prune = req_.prune;
    in.include_generated = req_.walk.include_generated;
    crawls_.push_back(crawl_into(url, in, fetch(), sink));
  } catch (const Error& e) {
    sink.fail(net::redact_url(url), e.what(), 0);
  }
}

void Inputs::read_jsonl_inputs(JobSink& sink) {
  if (req_.paths.empty()) {
    read_jsonl(stdin_stream(), "standard input", sink);
    return;
  }
  for (const std::string& p : req_.paths) {
    if (p == "-") {
      read_jsonl(stdin_stream(), "standard input", sink);
      continue;
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      sink.fail(p, "cannot open", 0);
      continue;
    }
    read_jsonl(in, p, sink);
  }
}

void Inputs::read_jsonl(std::istream& in, const std::string& label, JobSink& sink) {
  JsonlReader reader(in);
  while (auto item = reader.next()) {
    if (auto* error = std::get_if<JsonlError>(&*item)) {
      const std::string where = label + ":" + std::to_string(error->line);
      sink.fail(error->id.empty() ? where : error->id, (error->id.empty() ? "" : where + ": ") + error->message, 0);
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
      sink.fail(record.id, label + ":" + std::to_string(record.line) + ": metadata: " + e.what(), 0);
      continue;
    }
    sink.submit(std::move(job), Named::no);
  }
  if (in.bad()) sink.fail(label, "read error", 0);
}

bool Inputs::is_store_file(const std::string& path) const {
  if (!store_file_) return false;
  const std::string& store = *store_file_;
  if (!path.starts_with(store)) return false;
  const std::string_view rest = std::string_view(path).substr(store.size());
  return rest.empty() || rest == "-wal" || rest == "-shm" || rest == "-journal";
}

std::istream& Inputs::stdin_stream() const { return req_.stdin_stream != nullptr ? *req_.stdin_stream : std::cin; }

std::string Inputs::read_text_input(const std::string& name) const {
  if (name == "-") {
    std::istream& in = stdin_stream();
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) throw Error(ExitCode::invalid_input, name + ": cannot open the " + mention(Setting::files_from) + " list");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Inputs::count_totals(Progress& progress) const {
  if (req_.jsonl || req_.files_from) return;  // streams: no totals without reading them twice
  std::vector<std::string> roots;
  for (const std::string& p : req_.paths) {
    if (p != "-") roots.push_back(p);
  }
  walk(
      roots, req_.walk,
      [&](const WalkEntry& e) {
        ++progress.files_total;
        progress.bytes_total += e.size;
      },
      [](const WalkError&) {});
}

}  // namespace strata::ingest
