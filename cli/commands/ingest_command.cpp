#include "ingest_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "common/public.h"
#include "config/public.h"
#include "ingest/public.h"
#include "ingest_vectors.h"
#include "json_text.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "output.h"
#include "setting_flags.h"
#include "progress.h"
#include "settings.h"
#include "store_options.h"
#include "web/public.h"

namespace strata::cli {
namespace {

namespace ig = strata::ingest;
using nlohmann::json;

struct IngestCliOptions {
  StoreOptions store;
  ig::IngestRequest request;  // request.chunk: the chunking flags (option_bundles.h)
  OutputOptions out;          // out.color: the run's (RunContext)
  bool verbose = false;
  bool no_ignore = false;
  bool include_generated = false;
  std::vector<std::string> loader_commands;  // --loader-cmd EXT=COMMAND
  std::vector<std::string> header_env;       // --header-env NAME=VARIABLE
  std::optional<long long> loader_timeout;   // --loader-timeout SECONDS
  bool crawl = false;                        // --crawl: web addresses start crawls
  strata::web::CrawlOptions crawl_options;   // --max-pages, --max-depth, --include (--exclude: walk's)
  std::optional<double> delay;               // --delay SECONDS between requests to one host
  std::optional<double> timeout;             // --page-timeout SECONDS per web request
  IngestEmbedFlags embed;
};


Tone tone_of(ig::Action a) {
  switch (a) {
    case ig::Action::added: return Tone::good;
    case ig::Action::changed: return Tone::warn;
    case ig::Action::removed:
    case ig::Action::failed: return Tone::bad;
    default: return Tone::dim;
  }
}

// Prints what happens to each document as it happens: the dry-run plan on stdout, failures
// and skipped files on stderr, and with -v every document.
class Printer : public ig::IngestObserver {
 public:
  Printer(const IngestCliOptions& o, ColorMode color)
      : o_(o),
        color_(color),
        out_color_(color_enabled(color, STDOUT_FILENO)),
        progress_(o.crawl ? "pages" : "files", !o.out.quiet && !o.out.json) {}  // a crawl counts pages

  void document(const ig::DocumentEvent& e) override {
    if (o_.out.json) {
      if (o_.request.dry_run || o_.verbose) events_.push_back(event_json(e));
      return;
    }
    progress_.clear();
    if (e.action == ig::Action::failed) {
      print_warning("failed: " + e.source + ": " + e.detail, color_);
    } else if (e.action == ig::Action::skipped) {
      // Counted by kind on the summary; listed one by one only when asked, or when the user
      // named the file and is owed a reason why it is not in the store.
      if (e.named && !o_.out.quiet) {
        print_warning("skipped " + e.source + ": " + e.detail, color_);
      } else if (o_.verbose && !o_.out.quiet) {
        std::cerr << paint("skipped", Tone::dim, color_enabled(color_, STDERR_FILENO)) << ' ' << safe(e.source) << ": "
                  << safe(with_flags(e.detail)) << '\n';
      }
    } else if (o_.request.dry_run) {
      if (e.action != ig::Action::unchanged || o_.verbose) plan_line(e);
    } else if (o_.verbose) {
      std::cerr << paint(ig::name_of(e.action), tone_of(e.action), color_enabled(color_, STDERR_FILENO)) << ' '
                << safe(e.source) << (e.chunks > 0 ? " (" + std::to_string(e.chunks) + (e.chunks == 1 ? " chunk)" : " chunks)") : "")
                << '\n';
    }
  }

  void progress(const ig::Progress& p) override {
    progress_.update({p.files_done, p.files_total, p.bytes_done, p.bytes_total, current_text(p)});
  }

  void finish() { progress_.clear(); }
  json take_events() { return std::move(events_); }

 private:
  static json event_json(const ig::DocumentEvent& e) {
    json j = {{"action", ig::name_of(e.action)}, {"source", e.source}, {"bytes", e.bytes}};
    if (!e.detail.empty()) j["detail"] = with_flags(e.detail);
    if (!e.kind.empty()) j["kind"] = e.kind;
    if (e.chunks > 0) j["chunks"] = e.chunks;
    return j;
  }

  // "manual.pdf page 812/2415", "manual.pdf chunking 45%": the file the run waits for, by its
  // name alone, so the line stays short.
  static std::string current_text(const ig::Progress& p) {
    if (!p.current || p.current->at.total == 0) return {};
    const ig::Progress::Current& c = *p.current;
    std::string name = safe(c.source.substr(c.source.find_last_of('/') + 1));
    if (name.size() > 40) {
      name = name.substr(0, utf8_boundary_before(name, 37)) + "...";
    }
    if (c.at.stage == ig::DocumentProgress::Stage::reading) {
      return name + " page " + std::to_string(c.at.done) + "/" + std::to_string(c.at.total);
    }
    return name + " chunking " + std::to_string(c.at.done * 100 / c.at.total) + "%";
  }

  void plan_line(const ig::DocumentEvent& e) {
    std::string action = ig::name_of(e.action);
    action.resize(10, ' ');
    std::cout << paint(action, tone_of(e.action), out_color_) << safe(e.source);
    if (e.action == ig::Action::changed && !e.detail.empty()) std::cout << " (" << safe(with_flags(e.detail)) << ")";
    std::cout << '\n';
  }

  const IngestCliOptions& o_;
  ColorMode color_;
  bool out_color_;
  ProgressLine progress_;
  json events_ = json::array();
};

// "svg 312, sphinx-sources 498": the kinds, most files first.
std::string kinds_text(const std::map<std::string, std::size_t>& kinds) {
  std::vector<std::pair<std::string, std::size_t>> sorted(kinds.begin(), kinds.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [kind, count] : sorted) out += (out.empty() ? "" : ", ") + kind + " " + std::to_string(count);
  return out;
}

std::string summary_line(const ig::IngestSummary& s) {
  std::string line = std::string(s.dry_run ? "dry run, nothing written: " : "") + "collection '" + s.collection +
                     "': " + std::to_string(s.added) + " new, " + std::to_string(s.changed) + " changed, " +
                     std::to_string(s.unchanged) + " unchanged, " + std::to_string(s.removed) + " removed, " +
                     std::to_string(s.failed) + " failed";
  if (s.skipped > 0) line += ", " + std::to_string(s.skipped) + " skipped (" + kinds_text(s.skipped_by_kind) + ")";
  if (!s.dry_run) line += "; " + std::to_string(s.chunks) + " chunks";
  line += "; " + human_bytes(s.bytes) + " in " + seconds_text(s.seconds);
  return line;
}

json summary_json(const ig::IngestSummary& s, json events, json vectors) {
  json failures = json::array();
  for (const ig::DocumentEvent& f : s.failures) failures.push_back({{"source", f.source}, {"reason", with_flags(f.detail)}});
  // Core's notes and warnings name settings (common/setting.h): written here as their flags.
  const auto flags_in = [](const std::vector<std::string>& texts) {
    std::vector<std::string> out;
    for (const std::string& t : texts) out.push_back(with_flags(t));
    return out;
  };
  json j = {{"store", s.store},
            {"collection", s.collection},
            {"dry_run", s.dry_run},
            {"chunking", json::parse(ig::to_json(s.settings))},
            {"documents",
             {{"new", s.added},
              {"changed", s.changed},
              {"unchanged", s.unchanged},
              {"removed", s.removed},
              {"skipped", s.skipped},
              {"failed", s.failed}}},
            {"skipped_by_kind", s.skipped_by_kind},
            {"renamed", s.renamed},
            {"merged", s.merged},
            {"reread_by_loader", s.reread_by_loader},
            {"chunks", s.chunks},
            {"bytes", s.bytes},
            {"seconds", s.seconds},
            {"failures", failures},
            {"notes", flags_in(s.notes)},
            {"warnings", flags_in(s.warnings)}};
  if (!events.empty()) j["plan"] = std::move(events);
  if (!s.would_fetch.empty()) j["would_fetch"] = s.would_fetch;
  j["vectors"] = std::move(vectors);
  return j;
}

// A run that found files but kept none of them: the one case where the counts alone may puzzle.
bool nothing_but_generated(const ig::IngestSummary& s) {
  const std::size_t binary = s.skipped_by_kind.contains("binary") ? s.skipped_by_kind.at("binary") : 0;
  return s.added + s.changed + s.unchanged + s.failed == 0 && s.skipped > binary;
}

// External converters: the user file's [ingest.loaders], then --loader-cmd (a flag wins for its
// extension). A project file's table is never used (config/config.h says why).
std::vector<ig::ConverterCommand> converters(const IngestCliOptions& o) {
  std::vector<ig::ConverterCommand> out;
  const auto add = [&out](ig::ConverterCommand c) {
    std::erase_if(out, [&](const ig::ConverterCommand& e) { return e.extension == c.extension; });
    out.push_back(std::move(c));
  };
  for (const config::LoaderCommand& l : configuration().loaders.commands) {
    add(ig::parse_converter(l.extension, l.command, l.where + ": ingest.loaders"));
  }
  for (const std::string& spec : o.loader_commands) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      throw Error(ExitCode::usage, "--loader-cmd '" + spec + "': expected EXTENSION=COMMAND",
                  "for example --loader-cmd '.rtf=pandoc -t gfm {path}'");
    }
    add(ig::parse_converter(spec.substr(0, eq), spec.substr(eq + 1), "--loader-cmd"));
  }
  return out;
}

constexpr long long k_max_loader_timeout = 86400;

ig::ConverterLimits converter_limits(const IngestCliOptions& o) {
  const config::Setting& s = configuration().get("ingest.loader_timeout");
  const std::string name = o.loader_timeout ? "--loader-timeout" : s.where + ": ingest.loader_timeout";
  const long long seconds = o.loader_timeout ? *o.loader_timeout : std::stoll(s.value);
  if (seconds < 1 || seconds > k_max_loader_timeout) {
    throw Error(ExitCode::usage, name + " must be a whole number of seconds from 1 to " +
                                     std::to_string(k_max_loader_timeout) + " (got " + std::to_string(seconds) + ")");
  }
  ig::ConverterLimits limits;
  limits.timeout = std::chrono::seconds(seconds);
  return limits;
}

// --meta KEY=VALUE, checked as the flag is read: metadata is stored as JSON, which holds UTF-8
// text only, so bytes that are not UTF-8 (a Latin-1 shell, a binary argument) are a usage error
// naming the flag, on one line, never a failure deep in the run. Such a pair is not echoed: its
// bytes are what is wrong.
void check_meta_pair(const std::string& pair) {
  if (const std::optional<std::size_t> bad = find_invalid_utf8(pair)) {
    const std::size_t eq = pair.find('=');
    const bool in_key = eq == std::string::npos || *bad < eq;
    usage("--meta: the " + std::string(in_key ? "key" : "value") + " is not UTF-8 text (invalid byte at offset " +
              std::to_string(in_key ? *bad : *bad - eq - 1) + " of the " + (in_key ? "key" : "value") + ")",
          "metadata is stored as JSON text: give it in UTF-8");
  }
  const std::size_t eq = pair.find('=');
  if (eq == std::string::npos || eq == 0) {
    usage("--meta '" + pair + "': expected key=value", "for example --meta team=docs");
  }
}

int run_ingest(IngestCliOptions& o) {
  ig::IngestRequest& r = o.request;
  r.store_path = store_path(o.store);
  r.store_options = store_open_options();
  r.collection = o.store.collection;
  r.configured = configured_chunking();
  r.converters = converters(o);
  for (const std::string& spec : o.header_env) r.web.headers.push_back(strata::web::parse_header_from_env(spec));
  if (o.timeout) r.web.total_timeout = std::chrono::milliseconds(std::llround(*o.timeout * 1000));
  if (o.crawl) {
    strata::web::CrawlOptions c = o.crawl_options;
    c.exclude = r.walk.excludes;  // --exclude: files of a folder and pages of a crawl alike
    if (o.delay) {  // a fixed delay instead of one adapted to the server
      c.adaptive_delay = false;
      c.request_delay = std::chrono::milliseconds(std::llround(*o.delay * 1000));
    }
    r.crawl = std::move(c);
  }
  r.converter_limits = converter_limits(o);
  r.walk.gitignore = !o.no_ignore;
  r.walk.include_generated = o.include_generated || configured_in_file("ingest.include_generated") == "true";
  r.project_root = ig::project_root(process_environment().cwd, configuration().files.project);
  const ColorMode color = o.out.color;
  if (const std::string& ignored = configuration().loaders.ignored; !ignored.empty()) {
    print_warning(ignored + ": [ingest.loaders] ignored: converter commands are taken only from your own "
                            "configuration file (" + configuration().files.user_candidate.string() +
                      ") or --loader-cmd, never from a project's strata.toml",
                  color);
  }
  const OutputOptions& out = o.out;
  const VectorsPlan vectors = plan_vectors(r.collection, o.embed);  // flags checked before anything is written
  Printer printer(o, color);
  r.count_totals = !out.quiet && !out.json && ProgressLine::stderr_is_terminal();
  const ig::IngestSummary s = ig::ingest(r, printer);
  printer.finish();
  for (const std::string& warning : s.warnings) print_warning(warning, color);
  for (const std::string& note : s.notes) print_note("note: " + note, out);
  if (nothing_but_generated(s)) {
    print_note("note: every file was generated or not text (" + kinds_text(s.skipped_by_kind) +
                   "); --include-generated ingests them",
               out);
  }
  // A crawl's dry run: the pages it would fetch, one per line (URLs from a site: sanitised).
  if (!out.json) {
    for (const std::string& url : s.would_fetch) std::cout << safe(url) << '\n';
  }
  if (!out.json && !out.quiet) std::cerr << safe(summary_line(s)) << '\n';
  // The documents are committed: their vectors come after, so a failure there loses none of them.
  VectorsStep step;
  if (!s.dry_run) step = run_vectors_step(r.store_path, vectors, out);
  if (out.json) std::cout << json_text(summary_json(s, printer.take_events(), std::move(step.json))) << '\n';
  // Nothing usable at all is bad input; some documents (or vectors) in and some not is partial.
  const bool any_ok = s.added + s.changed + s.unchanged + s.skipped > 0;
  if (s.failed > 0 && !any_ok) return to_int(ExitCode::invalid_input);
  return to_int(s.failed > 0 || step.failed ? ExitCode::partial : ExitCode::ok);
}

}  // namespace

Run setup_ingest(CLI::App& command) {
  auto o = std::make_shared<IngestCliOptions>();
  CLI::App* cmd = &command;
  cmd->footer(
      "Examples:\n"
      "  strata ingest docs/ README.md               index a folder and a file (again: only changes)\n"
      "  strata ingest --prune --glob '*.md' docs/   also drop documents whose files were deleted\n"
      "  find . -name '*.pdf' -print0 | strata ingest --files-from - -0 --meta team=legal\n"
      "  strata ingest --jsonl records.jsonl        one {\"id\",\"text\",\"title\",\"metadata\"} per line\n"
      "  strata ingest --embed docs/                 and give the new chunks vectors (also from a server model)\n"
      "Exit status: 0 done, 2 usage, 3 every input failed, 7 store unavailable, 8 some documents failed, or\n"
      "their vectors did (the documents are ingested; strata embed finishes).");
  ig::IngestRequest& r = o->request;
  cmd->add_option("PATH", r.paths, "Files and folders (walked recursively); '-' reads one document from stdin")
      ->type_name("");
  add_store_option(*cmd, o->store);
  add_collection_option(*cmd, o->store);
  cmd->add_option("--glob", r.walk.globs, "Only files matching this glob (repeatable; '!GLOB' excludes)")
      ->type_name("GLOB")
      ->allow_extra_args(false);  // one value per flag: `--glob '*.md' docs/` keeps docs/ a path
  cmd->add_option("--exclude", r.walk.excludes, "Skip files and folders matching this glob (repeatable)")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  cmd->add_flag("--hidden", r.walk.hidden, "Also walk hidden files and folders");
  cmd->add_flag("--no-ignore", o->no_ignore, "Do not read .gitignore files");
  // A flag only, never a setting: a cloned repository's strata.toml must not turn it on.
  cmd->add_flag("--follow-links", r.walk.follow_links,
                "Also ingest links to files outside the folder (skipped by default: a cloned repository's link "
                "could point at your secrets)");
  cmd->add_flag("--include-generated", o->include_generated,
                "Also ingest generated and non-text files (SVG, search indexes, Sphinx _sources, ...)");
  cmd->add_option("--files-from", r.files_from, "Read the paths to ingest from FILE ('-' for stdin)")->type_name("FILE");
  cmd->add_flag("-0,--null", r.nul_separated, "--files-from paths are NUL-separated (find -print0)");
  cmd->add_flag("--jsonl", r.jsonl, "Inputs (or stdin) are JSONL records: {\"id\", \"text\", \"title\"?, \"metadata\"?}");
  cmd->add_option("--id", r.stdin_id, "Document id for '-' (default: stdin)")->type_name("NAME");
  cmd->add_option("--meta", r.meta, "Attach metadata to every document of the run (repeatable)")->type_name("KEY=VALUE")
      ->allow_extra_args(false)
      ->check(CLI::Validator(
          [](std::string& pair) {
            check_meta_pair(pair);
            return std::string();
          },
          ""));
  cmd->add_option("--loader", r.loader, "Force a loader: " + ig::loader_names())
      ->check(CLI::IsMember(ig::loader_choices()))
      ->type_name("NAME");
  // Flags only, never settings: a project's strata.toml cannot reach the network it sits in, nor
  // send a header (a credential) anywhere.
  cmd->add_flag("--allow-private", r.web.allow_private,
                "Web addresses may be loopback, private or link-local (intranet wikis, tests); refused by default");
  cmd->add_option("--header-env", o->header_env,
                  "Send header NAME on web requests, its value read from environment variable VARIABLE (never printed "
                  "or stored; repeatable)")
      ->type_name("NAME=VARIABLE")
      ->allow_extra_args(false);
  cmd->add_flag("--crawl", o->crawl,
                "Web addresses start crawls: follow links within the URL's origin and directory, read sitemap.xml and "
                "llms.txt, honour robots.txt");
  check_whole_number(cmd->add_option("--max-pages", o->crawl_options.max_pages, "Pages a crawl fetches at most (default: 1000)")
                         ->type_name("N"),
                     1, 1000000);
  check_whole_number(cmd->add_option("--max-depth", o->crawl_options.max_depth,
                                     "Links a crawl follows from its start page (default: 10; 0: that page alone)")
                         ->type_name("N"),
                     0, 1000);
  cmd->add_option("--include", o->crawl_options.include,
                  "A crawl fetches only URL paths matching this glob (repeatable; --exclude skips pages too)")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  check_seconds(cmd->add_option("--delay", o->delay, "Seconds between two requests of a crawl to one host, fixed, one at a time (default: adapted to the server: "
                                "as long as its answers take, doubled by a 429 or 503, at most 10 s, over up to 4 connections; never "
                                "under robots.txt's Crawl-delay)")
                    ->type_name("SECS"),
                60, Zero::allowed);
  check_seconds(cmd->add_option("--page-timeout", o->timeout, "Seconds one web request may take (default: 60)")
                    ->type_name("SECS"),
                3600);
  cmd->add_option("--loader-cmd", o->loader_commands,
                  "Convert files of EXT with COMMAND, run without a shell; {path} is the file (repeatable)")
      ->type_name("EXT=COMMAND")
      ->allow_extra_args(false);
  check_whole_number(cmd->add_option("--loader-timeout", o->loader_timeout,
                                     "Seconds a --loader-cmd converter may run on one file (default: 60)")
                         ->type_name("SECONDS"),
                     1, k_max_loader_timeout, "seconds");
  add_chunking_options(*cmd, r.chunk,
                       {"Chunking: auto (markdown for Markdown/HTML, else recursive), fixed, recursive, paragraph, "
                        "sentence, markdown, token",
                        "Join chunks smaller than N to a neighbour; 0: off (default: a sixth of --size)",
                        {"auto", "fixed", "recursive", "paragraph", "sentence", "markdown", "token"}});
  cmd->add_flag("--rechunk", r.rechunk, "Re-chunk the given documents when the chunking options changed");
  cmd->add_flag("--prune", r.prune,
                "Remove documents whose files no longer exist under the given paths (with --crawl: pages the site no longer has)");
  cmd->add_flag("--dry-run", r.dry_run,
                "Print the plan (new, changed, unchanged, removed; with --crawl: the URLs it would fetch); write nothing");
  cmd->add_flag("--checksum", r.checksum, "Hash every file, even when its size and modification time are unchanged");
  check_whole_number(cmd->add_option("--threads", r.threads, "Worker threads (default: one per CPU)")->type_name("N"), 0,
                     std::numeric_limits<unsigned>::max());
  add_ingest_embed_options(*cmd, o->embed);
  add_output_options(*cmd, o->out, {"Print a JSON summary on stdout", "No progress, notes or summary on stderr"});
  cmd->add_flag("-v,--verbose", o->verbose, "List every document and what happened to it");
  return [o](const RunContext& context) {
    o->out.color = context.color;
    return run_ingest(*o);
  };
}

}  // namespace strata::cli
