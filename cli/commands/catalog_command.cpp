#include "catalog_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/public.h"
#include "config/public.h"
#include "ingest/public.h"
#include "json_text.h"
#include "option_bundles.h"
#include "output.h"
#include "progress.h"
#include "service/public.h"
#include "settings.h"
#include "store/public.h"
#include "store_options.h"
#include "suggest.h"

namespace strata::cli {
namespace {

namespace st = strata::store;
using nlohmann::json;

struct CatalogOptions {
  StoreOptions store;
  std::vector<std::string> sources;
  std::string name;
  std::string to, as;  // collections copy: the destination store, and the name there
  bool merge = false;  // collections copy: into a collection that holds documents
  bool text = false;  // documents show: the loaded text instead of the chunks
  std::vector<std::string> writers, readers;  // collections grants
  OutputOptions out;  // out.color: the run's (RunContext)
};

// "markdown 1200 chars +100 min 200": a chunking as its JSON records it (service::stored_json:
// JSON read back from the store, which a repository may ship, is bounded like any outside JSON).
std::string chunking_of(const std::string& config) {
  const json j = service::stored_json(config);
  if (!j.is_object() || j.empty()) return "-";
  std::string out = j.value("strategy", "?") + " " + std::to_string(j.value("size", 0)) + " " + j.value("unit", "?");
  if (j.value("overlap", 0) > 0) out += " +" + std::to_string(j.value("overlap", 0));
  if (j.value("min_size", 0) > 0) out += " min " + std::to_string(j.value("min_size", 0));
  return out;
}

// "local hash-ngram-v2", or "-" for a collection that was never embedded.
std::string model_of(const st::CollectionInfo& c) {
  return c.embedding_model ? c.embedding_model->provider + " " + c.embedding_model->model : "-";
}

// "380/400": chunks with a vector of all chunks; "-" when the collection has no model and no vectors.
std::string vectors_of(const st::CollectionInfo& c) {
  const std::int64_t embedded = c.embedded.value_or(0);
  if (!c.embedding_model && embedded == 0) return "-";
  return std::to_string(embedded) + "/" + std::to_string(c.chunks);
}

// A collection and a document as every door shows them (service/documents.h), to a caller on
// this machine.
json collection_json(const st::CollectionInfo& c) { return service::collection_json(c, service::Door::terminal); }
json document_json(const st::DocumentSummary& d) { return service::document_json(d, service::Door::terminal); }

json chunk_json(const st::ChunkView& c) {
  return {{"id", c.id},
          {"index", c.ordinal},
          {"text", c.text},
          {"start", c.start_byte},
          {"end", c.end_byte},
          {"char_start", c.char_start},
          {"char_end", c.char_end},
          {"line_start", c.line_start},
          {"line_end", c.line_end},
          {"page", c.page ? json(*c.page) : json(nullptr)},
          {"page_end", c.page_end ? json(*c.page_end) : json(nullptr)},
          {"tokens", c.tokens},
          {"headings", service::stored_json(c.headings_json)},
          {"chunking", service::stored_json(c.config_json)}};
}

bool stdout_color(const CatalogOptions& o) { return color_enabled(o.out.color, STDOUT_FILENO); }

int list_collections(const CatalogOptions& o) {
  const std::vector<st::CollectionInfo> all = open_session(o.store)->collections();
  if (o.out.json) {
    for (const st::CollectionInfo& c : all) std::cout << json_text(collection_json(c)) << '\n';
    return 0;
  }
  Table table({"COLLECTION", "DOCUMENTS", "CHUNKS", "VECTORS", "SIZE", "CHUNKING", "MODEL", "LAST INGESTED"});
  for (const st::CollectionInfo& c : all) {
    // Chunks without a vector cannot be found by vector search: that shows.
    const bool missing = c.embedding_model && c.embedded.value_or(0) < c.chunks;
    table.add({c.name, std::to_string(c.documents), std::to_string(c.chunks), vectors_of(c),
               human_bytes(static_cast<std::uint64_t>(c.bytes)), chunking_of(c.chunk_config), model_of(c),
               c.last_ingested_at.empty() ? "-" : c.last_ingested_at},
              {Tone::bold, Tone::plain, Tone::plain, missing ? Tone::warn : Tone::plain, Tone::plain, Tone::dim, Tone::dim,
               Tone::dim});
  }
  table.print(std::cout, stdout_color(o));
  if (all.empty()) print_note("no collections yet: strata ingest PATH", OutputOptions{ColorMode::automatic, o.out.quiet, false});
  return 0;
}

int remove_collection(const CatalogOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  st::Store& store = session->store();
  const st::CollectionInfo removed = st::remove_collection(store, o.name);
  if (o.out.json) {
    std::cout << json_text(json{{"removed", collection_json(removed)}}) << '\n';
  } else if (!o.out.quiet) {
    std::cerr << "removed collection '" << safe(removed.name) << "' (" << removed.documents << " documents, "
              << removed.chunks << " chunks)\n";
  }
  return 0;
}

int list_documents(const CatalogOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  st::Store& store = session->store();
  if (o.out.json) {
    st::for_each_document(store, o.store.collection,
                          [](const st::DocumentSummary& d) { std::cout << json_text(document_json(d)) << '\n'; });
    return 0;
  }
  Table table({"SOURCE", "LOADER", "CHUNKS", "SIZE", "INGESTED", "TITLE"});
  st::for_each_document(store, o.store.collection, [&](const st::DocumentSummary& d) {
    table.add({d.source, d.loader, std::to_string(d.chunk_count), human_bytes(static_cast<std::uint64_t>(d.size_bytes)),
               d.ingested_at, d.title},
              {Tone::bold, Tone::plain, Tone::plain, Tone::plain, Tone::dim, Tone::plain});
  });
  table.print(std::cout, stdout_color(o));
  return 0;
}

std::string range_text(const st::ChunkView& c) {
  std::string out = "lines " + std::to_string(c.line_start) + "-" + std::to_string(c.line_end);
  if (c.page) {
    out += ", page " + std::to_string(*c.page);
    if (c.page_end && *c.page_end != *c.page) out += "-" + std::to_string(*c.page_end);
  }
  return out + ", bytes " + std::to_string(c.start_byte) + "-" + std::to_string(c.end_byte) + ", " +
         std::to_string(c.tokens) + " tokens";
}

std::string headings_text(const std::string& headings_json) {
  const json h = service::stored_json(headings_json);
  std::string out;
  if (!h.is_array()) return out;
  for (const json& s : h) {
    if (!out.empty()) out += " > ";
    out += s.is_string() ? s.get<std::string>() : json_text(s);
  }
  return out;
}

// The document a user named: its source as listed, or its file's path as typed from here.
// Throws Error(invalid_input) with the closest stored source when none matches.
st::DocumentSummary named_document(st::Store& store, const std::string& collection, const std::string& typed) {
  const std::filesystem::path cwd = process_environment().cwd;
  const std::filesystem::path root = ingest::project_root(cwd, configuration().files.project);
  if (auto d = ingest::find_named_document(store, collection, typed, cwd, root)) return *d;
  const std::vector<std::string> tried = ingest::source_candidates(typed, cwd, root);
  std::string message = "no document '" + typed + "'";
  if (tried.size() > 1) message += " (nor '" + (tried.front() == typed ? tried.back() : tried.front()) + "')";
  message += " in collection '" + collection + "'";
  if (const auto guess = closest_source(tried, st::document_sources(store, collection))) {
    message += "; did you mean '" + *guess + "'?";
  }
  throw Error(ExitCode::invalid_input, message,
              "name it as listed by: strata documents list --collection " + collection +
                  ", or by its path from the current folder");
}

int show_document(const CatalogOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  st::Store& store = session->store();
  const st::DocumentSummary d = named_document(store, o.store.collection, o.sources.front());
  if (o.text) {
    const std::string text = st::document_text(store, d.id);
    if (o.out.json) {
      std::cout << json_text(json{{"source", d.source}, {"loader", d.loader}, {"text", text}}) << '\n';
    } else {
      std::cout << safe_on_stdout(text) << (text.empty() || text.back() == '\n' ? "" : "\n");
    }
    return 0;
  }
  if (o.out.json) {
    json chunks = json::array();
    st::for_each_chunk(store, d.id, [&](const st::ChunkView& c) { chunks.push_back(chunk_json(c)); });
    json j = document_json(d);
    j["chunk_list"] = std::move(chunks);
    std::cout << json_text(j) << '\n';
    return 0;
  }
  const bool color = stdout_color(o);
  std::cout << paint(safe(d.source), Tone::bold, color) << '\n'
            << "  title     " << safe(d.title) << '\n'
            << "  loader    " << safe(d.loader) << " (" << safe(d.encoding) << ")\n"
            << "  size      " << human_bytes(static_cast<std::uint64_t>(d.size_bytes)) << ", " << d.char_count
            << " characters" << (d.page_count ? ", " + std::to_string(*d.page_count) + " pages" : "") << '\n'
            << "  chunks    " << d.chunk_count << '\n'
            << "  ingested  " << d.ingested_at << '\n'
            << "  sha256    " << d.content_hash << '\n';
  if (d.metadata_json != "{}") std::cout << "  metadata  " << safe(d.metadata_json) << '\n';
  st::for_each_chunk(store, d.id, [&](const st::ChunkView& c) {
    std::cout << '\n' << paint("#" + std::to_string(c.ordinal) + "  " + range_text(c), Tone::dim, color);
    const std::string h = headings_text(c.headings_json);
    if (!h.empty()) std::cout << "  " << paint(safe(h), Tone::bold, color);
    // The record is for reading, piped into head or a pager too: chunk text is sanitised
    // wherever it goes, as search's snippets are (--json and --text keep the bytes).
    std::cout << '\n' << safe(c.text) << '\n';
  });
  return 0;
}

int remove_documents(const CatalogOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  st::Store& store = session->store();
  std::vector<std::string> sources;
  for (const std::string& typed : o.sources) sources.push_back(named_document(store, o.store.collection, typed).source);
  const std::vector<st::DocumentSummary> removed = st::remove_documents(store, o.store.collection, sources);
  if (o.out.json) {
    json list = json::array();
    for (const st::DocumentSummary& d : removed) list.push_back({{"source", d.source}, {"chunks", d.chunk_count}});
    std::cout << json_text(json{{"removed", list}}) << '\n';
  } else if (!o.out.quiet) {
    for (const st::DocumentSummary& d : removed) {
      std::cerr << "removed " << safe(d.source) << " (" << d.chunk_count << " chunks)\n";
    }
  }
  return 0;
}

int copy_collection(const CatalogOptions& o) {
  const std::unique_ptr<service::Session> from_session = open_session(o.store);
  const std::unique_ptr<service::Session> to_session = open_session_at(o.to, service::Session::Access::create);
  st::Store& from = from_session->store();
  st::Store& to = to_session->store();
  const std::string name = o.name.empty() ? o.store.collection : o.name;
  ProgressLine progress("documents", !o.out.quiet && ProgressLine::stderr_is_terminal());
  const st::CopyResult r = st::copy_collection(from, to, st::CopyOptions{name, o.as, o.merge},
                                               [&](const st::CopyResult& sofar) {
                                                 ProgressCounts counts;
                                                 counts.items_done =
                                                     static_cast<std::uint64_t>(sofar.documents + sofar.unchanged);
                                                 progress.update(counts);
                                               });
  progress.clear();
  const std::string target = o.as.empty() ? name : o.as;
  if (o.out.json) {
    std::cout << json_text(json{{"collection", name},
                                {"to", {{"store", to.path()}, {"collection", target}}},
                                {"documents", r.documents},
                                {"unchanged", r.unchanged},
                                {"chunks", r.chunks},
                                {"vectors", r.vectors}})
              << '\n';
  } else if (!o.out.quiet) {
    std::cerr << "copied collection '" << safe(name) << "' to '" << safe(target) << "' in " << safe(to.path()) << ": "
              << r.documents << " documents, " << r.chunks << " chunks, " << r.vectors << " vectors"
              << (r.unchanged > 0 ? " (" + std::to_string(r.unchanged) + " unchanged)" : "") << '\n';
  }
  return 0;
}

int print_grants(const CatalogOptions& o) {
  std::cout << st::team_grants_sql(st::TeamRoles{store_path(o.store), o.writers, o.readers});
  return 0;
}

void add_output_flags(CLI::App& cmd, CatalogOptions& o) {
  add_output_options(cmd, o.out, {"JSON for scripts (one object per line for lists)", "No messages on stderr"});
}

using Runner = int (*)(const CatalogOptions&);

// The run of a command whose subcommands share its options: the chosen subcommand's, else the
// command's own (`strata collections` lists them).
Run run_of(const std::shared_ptr<CatalogOptions>& o, std::vector<std::pair<const CLI::App*, Runner>> subs, Runner own) {
  return [o, subs = std::move(subs), own](const RunContext& context) {
    o->out.color = context.color;
    for (const auto& [sub, run] : subs) {
      if (sub->parsed()) return run(*o);
    }
    return own(*o);
  };
}

}  // namespace

Run setup_collections(CLI::App& cmd) {
  auto o = std::make_shared<CatalogOptions>();
  cmd.require_subcommand(0, 1);
  cmd.footer(
      "Examples:\n"
      "  strata collections                 name, documents, chunks, vectors, size, chunking, model\n"
      "  strata collections remove drafts   remove a collection and everything in it");
  add_store_option(cmd, o->store);
  add_output_flags(cmd, *o);

  CLI::App* list = cmd.add_subcommand("list", "List collections (the default)");
  list->footer("Examples:\n  strata collections list\n  strata collections list --json | jq -r .name");
  add_store_option(*list, o->store);
  add_output_flags(*list, *o);

  CLI::App* remove = cmd.add_subcommand("remove", "Remove a collection with its documents and chunks");
  remove->add_option("NAME", o->name, "Collection to remove")->required();
  remove->footer("Examples:\n  strata collections remove drafts\n  strata collections remove drafts --store team.db -q");
  add_store_option(*remove, o->store);
  add_output_flags(*remove, *o);

  CLI::App* copy = cmd.add_subcommand(
      "copy", "Copy a collection, with its vectors, into another store (SQLite file or postgres:// URL, either way)");
  copy->add_option("NAME", o->name, "Collection to copy (default: --collection, else store.collection, else default)");
  copy->add_option("--to", o->to, "Destination store: a file, or postgres://USER@HOST/DATABASE (created if needed)")
      ->required();
  copy->add_option("--as", o->as, "Name of the copy in the destination (default: the same name)");
  copy->add_flag("--merge", o->merge,
                 "Copy into a collection that already holds documents: add and replace by source, as ingest does");
  copy->footer(
      "Examples:\n"
      "  strata collections copy docs --to postgres://me@db.internal/team\n"
      "  strata collections copy docs --store postgres://me@db.internal/team --to offline.db\n"
      "  strata collections copy docs --to postgres://me@db/team --as product-docs --merge");
  add_store_option(*copy, o->store);
  add_collection_option(*copy, o->store);
  add_output_flags(*copy, *o);

  CLI::App* grants = cmd.add_subcommand(
      "grants", "Print the SQL that gives a team's roles their access to a store on PostgreSQL (for its owner to run)");
  grants->add_option("--writer", o->writers, "A role that ingests, embeds and removes (repeatable)");
  grants->add_option("--reader", o->readers, "A role that searches, asks and chats (repeatable)");
  grants->footer(
      "Examples:\n"
      "  strata collections grants --store postgres://owner@db/team --writer ci --reader ann --reader bo\n"
      "  strata collections grants --store postgres://owner@db/team --reader ann | psql postgres://owner@db/team");
  add_store_option(*grants, o->store);
  return run_of(o,
                {{list, list_collections}, {remove, remove_collection}, {copy, copy_collection}, {grants, print_grants}},
                list_collections);
}

Run setup_documents(CLI::App& cmd) {
  auto o = std::make_shared<CatalogOptions>();
  cmd.require_subcommand(0, 1);
  cmd.footer(
      "Examples:\n"
      "  strata documents                          sources, loaders, chunk counts, sizes\n"
      "  strata documents show docs/intro.md       a document's record and its chunks\n"
      "  strata documents remove old.md --collection notes");
  add_store_option(cmd, o->store);
  add_collection_option(cmd, o->store);
  add_output_flags(cmd, *o);

  CLI::App* list = cmd.add_subcommand("list", "List documents (the default)");
  list->footer("Examples:\n  strata documents list\n  strata documents list --collection notes --json | jq -r .source");
  add_store_option(*list, o->store);
  add_collection_option(*list, o->store);
  add_output_flags(*list, *o);

  CLI::App* show = cmd.add_subcommand("show", "Show a document's record and its chunks");
  show->add_option("SOURCE", o->sources, "Document id (as listed), or its file's path from here")->required()->expected(1);
  show->add_flag("--text", o->text,
                 "Print the document's loaded text (for HTML, the text extracted from the page) instead of its chunks");
  show->footer(
      "Examples:\n  strata documents show docs/intro.md\n  cd docs && strata documents show intro.md   the same document\n"
      "  strata documents show stdin --collection notes --json\n"
      "  strata documents show guide.html --text   the text chunk offsets index into");
  add_store_option(*show, o->store);
  add_collection_option(*show, o->store);
  add_output_flags(*show, *o);

  CLI::App* remove = cmd.add_subcommand("remove", "Remove documents with their chunks (all or none)");
  remove->add_option("SOURCE", o->sources, "Document ids (as listed), or their files' paths from here")->required();
  remove->footer("Examples:\n  strata documents remove old.md\n  strata documents remove a.md b.md --collection notes");
  add_store_option(*remove, o->store);
  add_collection_option(*remove, o->store);
  add_output_flags(*remove, *o);
  return run_of(o, {{list, list_documents}, {show, show_document}, {remove, remove_documents}}, list_documents);
}

}  // namespace strata::cli
