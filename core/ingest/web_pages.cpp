#include "ingest/web_pages.h"

#include "ingest/web_crawl.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "common/json_limits.h"
#include "common/sha256.h"
#include "ingest/generated.h"
#include "ingest/gzip.h"
#include "ingest/loader.h"
#include "ingest/metadata.h"
#include "ingest/job_sink.h"
#include "net/url_secrets.h"
#include "web/links.h"
#include "web/url.h"
#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "web/fetcher.h"

namespace strata::ingest {
namespace {

// A stored page's metadata as JSON within common/json_limits.h's bounds (a store's rows are data
// whoever may write the store may write: a deeply nested value would overflow the stack in its
// first copy); null when it is not.
nlohmann::json stored_metadata(std::string_view metadata_json) {
  ParsedJson parsed = parse_json_within(metadata_json);
  return parsed.ok() ? std::move(parsed.value) : nlohmann::json();
}

// The value of attribute `name` in one tag's text ("<link rel=canonical href='...'>").
std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
  const std::string lower = to_lower(tag);
  std::size_t at = 0;
  while ((at = lower.find(name, at)) != std::string::npos) {
    const bool starts = at > 0 && std::isspace(static_cast<unsigned char>(lower[at - 1])) != 0;
    std::size_t i = at + name.size();
    at = i;
    if (!starts) continue;
    while (i < lower.size() && lower[i] == ' ') ++i;
    if (i >= lower.size() || lower[i] != '=') continue;
    ++i;
    while (i < lower.size() && lower[i] == ' ') ++i;
    if (i >= lower.size()) return std::nullopt;
    const char quote = lower[i];
    if (quote == '"' || quote == '\'') {
      const std::size_t end = lower.find(quote, i + 1);
      if (end == std::string::npos) return std::nullopt;
      return std::string(tag.substr(i + 1, end - i - 1));
    }
    std::size_t end = i;
    while (end < lower.size() && lower[end] != ' ' && lower[end] != '>' && lower[end] != '/') ++end;
    return std::string(tag.substr(i, end - i));
  }
  return std::nullopt;
}

std::string origin_of(const web::CheckedUrl& u) { return u.scheme + "://" + to_lower(u.host) + ":" + std::to_string(u.port); }

}  // namespace

bool is_web_address(std::string_view argument) {
  const auto sep = argument.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  return std::all_of(argument.begin(), argument.begin() + static_cast<std::ptrdiff_t>(sep), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  });
}

std::optional<LoaderKind> loader_for_content_type(const std::string& content_type, const std::string& url) {
  const std::string path = url.substr(0, url.find('?'));
  const bool md_path = path.ends_with(".md") || path.ends_with(".markdown");
  if (content_type == "text/html" || content_type == "application/xhtml+xml") return LoaderKind::html;
  if (content_type == "text/markdown" || content_type == "text/x-markdown") return LoaderKind::markdown;
  if (content_type == "application/pdf") return LoaderKind::pdf;
  // Office documents a site links to (manuals, slides): read by their formats' loaders.
  if (content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document") return LoaderKind::docx;
  if (content_type == "application/vnd.oasis.opendocument.text") return LoaderKind::odt;
  if (content_type == "application/vnd.openxmlformats-officedocument.presentationml.presentation") return LoaderKind::pptx;
  if (content_type == "application/epub+zip") return LoaderKind::epub;
  if (content_type == "text/plain" || content_type.empty()) return md_path ? LoaderKind::markdown : LoaderKind::text;
  return std::nullopt;
}

std::optional<std::string> same_origin_canonical(const std::string& html, const std::string& page_url) {
  // Only the head matters, and a page is bounded: the first 256 KiB are enough.
  const std::string head = to_lower(std::string_view(html).substr(0, std::size_t{256} << 10));
  std::size_t at = 0;
  while ((at = head.find("<link", at)) != std::string::npos) {
    const std::size_t end = head.find('>', at);
    if (end == std::string::npos) break;
    const std::string_view tag = std::string_view(html).substr(at, end - at + 1);
    at = end;
    const std::optional<std::string> rel = attribute(tag, "rel");
    if (!rel || to_lower(*rel) != "canonical") continue;
    const std::optional<std::string> href = attribute(tag, "href");
    if (!href || href->empty()) return std::nullopt;
    try {
      const std::optional<std::string> resolved = web::resolve_reference(page_url, *href);
      if (!resolved) return std::nullopt;
      const web::CheckedUrl page = web::check_url(page_url);
      const web::CheckedUrl canonical = web::check_url(*resolved);
      if (origin_of(page) != origin_of(canonical)) return std::nullopt;
      return canonical.url;
    } catch (const Error&) {
      return std::nullopt;  // a canonical link that is no fetchable URL: the page's own URL stands
    }
  }
  return std::nullopt;
}

namespace {

web::FetchRequest conditional_request(const std::string& url, const nlohmann::json& meta) {
  web::FetchRequest request{.url = url};
  if (!meta.is_object() || !meta.contains("web") || !meta["web"].is_object()) return request;
  const nlohmann::json& web = meta["web"];
  if (web.contains("etag") && web["etag"].is_string()) request.if_none_match = web["etag"].get<std::string>();
  if (web.contains("last_modified") && web["last_modified"].is_string()) {
    request.if_modified_since = web["last_modified"].get<std::string>();
  }
  return request;
}

// The links a page's metadata recorded (crawled_page_metadata): the first k_max_kept_links
// strings. The crawl parses those it does not know yet, and follows none with a password in it
// (a version that kept them recorded some).
std::vector<std::string> recorded_link_texts(const nlohmann::json& meta) {
  std::vector<std::string> out;
  if (!meta.is_object() || !meta.contains("web") || !meta["web"].is_object()) return out;
  const nlohmann::json& web = meta["web"];
  if (!web.contains("links") || !web["links"].is_array()) return out;
  for (const nlohmann::json& link : web["links"]) {
    if (!link.is_string() || out.size() == k_max_kept_links) continue;
    out.push_back(link.get<std::string>());
  }
  return out;
}

}  // namespace

web::FetchRequest conditional_request(const std::string& url, const std::string& metadata_json) {
  return conditional_request(url, stored_metadata(metadata_json));
}

std::string web_metadata(const web::FetchResponse& response) {
  nlohmann::json web = nlohmann::json::object();
  web["url"] = response.url;
  if (!response.etag.empty()) web["etag"] = response.etag;
  if (!response.last_modified.empty()) web["last_modified"] = response.last_modified;
  nlohmann::json meta = nlohmann::json::object();
  meta["web"] = web;
  return meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---- A crawl's pages as the run's documents (web_crawl.h) ------------------------------------
// (Here beside the one page's code it shares: canonical URLs, loaders by content type, metadata.)
namespace {

// The crawl's spelling of a URL (web::normalise), or the text itself when it is none.
std::string crawl_spelling(const std::string& url) {
  const std::optional<web::Url> parsed = web::parse_http_url(url);
  return parsed ? parsed->to_string() : url;
}

// A 404 or 410 says the page is gone; anything else (a 500, a refusal, a timeout) may pass.
bool says_gone(const web::PageReport& page) { return page.status == 404 || page.status == 410; }

// The generated kind of a crawled page by its URL's last segment and the folder holding it, as
// the walker tells a file's (generated.h); only the kinds a site serves as pages (index pages,
// search indexes), never a page the site's own author wrote.
std::optional<std::string_view> generated_page_kind(const std::string& url) {
  const std::optional<web::Url> parsed = web::parse_http_url(url);
  if (!parsed) return std::nullopt;
  const std::string_view path = parsed->path;
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.empty()) return std::nullopt;
  std::string_view folder;
  if (slash != std::string_view::npos && slash > 0) {
    const std::string_view parent = path.substr(0, slash);
    folder = parent.substr(parent.rfind('/') + 1);
  }
  const std::optional<std::string_view> kind = generated_file_kind(name, folder, false);
  if (kind == generated::index_page || kind == generated::search_index) return kind;
  return std::nullopt;
}

// One crawl's hooks: pages to jobs, reports to the sink, and what --prune needs to know.
class CrawlSink {
 public:
  CrawlSink(const CrawlInputs& in, JobSink& sink, CrawlResult& result) : in_(in), sink_(sink), result_(result) {}

  std::optional<web::PreviousFetch> previous(const std::string& url) {
    std::optional<store::StoredDocument> alone;
    const store::StoredDocument* stored = stored_page(url, alone);
    if (stored == nullptr) return std::nullopt;
    // The metadata read once, its links parsed once (a re-crawl of 1,168 pages read each twice).
    const nlohmann::json meta = stored_metadata(stored->metadata_json);
    const web::FetchRequest request = conditional_request(url, meta);
    if (request.if_none_match.empty() && request.if_modified_since.empty()) return std::nullopt;
    asked_[url] = {static_cast<std::uint64_t>(stored->size_bytes), stored->content_hash};
    return web::PreviousFetch{request.if_none_match, request.if_modified_since, recorded_link_texts(meta)};
  }

  // A page's stored document. The site's pages are read at once, at the first page asked for (a
  // re-crawl asks for every one, and a lookup each was a third of its crawl thread's time), when
  // there are at most k_read_at_once of them; a page of another origin, or of a larger site, is
  // looked up alone, into `alone`. Null when it is not stored.
  const store::StoredDocument* stored_page(const std::string& url, std::optional<store::StoredDocument>& alone) {
    static constexpr std::size_t k_read_at_once = 10000;
    const auto look_up_alone = [&]() -> const store::StoredDocument* {
      alone = sink_.stored(url);
      return alone ? &*alone : nullptr;
    };
    const std::optional<web::Url> parsed = web::parse_http_url(url);
    if (!parsed) return look_up_alone();
    const std::string origin = parsed->origin();
    auto [site, first] = site_read_.try_emplace(origin);
    auto& pages = site->second;
    if (first) {
      if (auto documents = sink_.stored_under(origin, k_read_at_once)) {
        pages.emplace();
        for (store::StoredDocument& d : *documents) {
          std::string source = d.source;
          pages->emplace(std::move(source), std::move(d));
        }
      }
    }
    if (!pages) return look_up_alone();
    const auto it = pages->find(url);
    return it == pages->end() ? nullptr : &it->second;
  }

  // On the thread of the connection that fetched the page (web::CrawlHooks::read): a page the
  // html loader reads (page() below decides the same) is read here, and its links come from the
  // same parse, so that each page is parsed once and pages are read in parallel. Touches no
  // member but the inputs. Never throws: what loading throws is thrown again by the job's prepare,
  // as the loader would have.
  web::PageRead read(const web::FetchResponse& response, const web::Url& base) const {
    web::PageRead out;
    const std::string url = crawl_spelling(response.url);
    if (loader_of(response, url) != LoaderKind::html || is_gzip(response.body)) return out;
    if (!in_.include_generated && generated_page_kind(url)) return out;
    auto preloaded = std::make_shared<PreloadedDocument>();
    try {
      preloaded->result = load_html_document(response.body, [&](const GumboNode& root) { out.links = web::extract_links(root, base); });
    } catch (...) {
      preloaded->error = std::current_exception();
    }
    out.read = std::move(preloaded);
    return out;
  }

  // Throws Error for a page no loader reads: the crawl reports it failed.
  // `read`: the links the crawl read in the page (web::CrawlHooks::on_page), or null;
  // `preread`: what read() made of it, if it ran.
  void page(const web::FetchResponse& response, int /*depth*/, const std::vector<web::Url>* read, const std::any& preread) {
    const std::string url = crawl_spelling(response.url);
    // An index page a site's generator writes from the others (DocBook's bookindex.html,
    // Sphinx's genindex.html) is skipped as a folder ingest skips it: the crawl has followed its
    // links already; the page itself is a list of every term, which floods search.
    if (!in_.include_generated) {
      if (const std::optional<std::string_view> kind = generated_page_kind(url)) {
        result_.alive.insert(url);
        sink_.skip(url, std::string(*kind), "generated file (" + std::string(*kind) + ")");
        return;
      }
    }
    const std::optional<LoaderKind> loader = loader_of(response, url);
    if (!loader) {
      throw Error(ExitCode::invalid_input,
                  "content type " + (response.content_type.empty() ? std::string("(none)") : response.content_type) + ": no loader reads it");
    }
    std::string source = url;
    std::vector<std::string> links;
    if (*loader == LoaderKind::html) {
      if (auto canonical = same_origin_canonical(response.body, response.url)) source = crawl_spelling(*canonical);
      if (read != nullptr) {
        links = same_origin(*read, url);
      } else if (const std::optional<web::Url> base = web::parse_http_url(url)) {
        links = same_origin(web::extract_links(response.body, *base).links, url);  // --loader html
      }
    }
    result_.alive.insert(url);
    result_.alive.insert(source);
    // One document per content: a second URL with the same bytes (/guide/ and /guide/index.html)
    // or the same canonical URL is not stored twice.
    const std::string hash = sha256_hex(response.body);
    if (const auto it = taken_by_hash_.find(hash); it != taken_by_hash_.end()) {
      sink_.skip(url, "duplicate", "the same content as " + it->second);
      return;
    }
    if (!sources_.insert(source).second) {
      sink_.skip(url, "duplicate", "its canonical URL " + source + " was taken already");
      return;
    }
    taken_by_hash_.emplace(hash, source);
    Job job;
    job.source = source;
    job.name = source;
    job.size = response.body.size();
    job.bytes = response.body;
    job.forced_loader = loader;
    if (const auto* preloaded = std::any_cast<std::shared_ptr<PreloadedDocument>>(&preread)) job.preloaded = *preloaded;
    job.metadata_json = merge_metadata(in_.run_metadata, crawled_page_metadata(response, links));
    sink_.submit(std::move(job), Named::no);
  }

  // For a crawl's saved state (web::CrawlState::contents): the content taken so far, by hash.
  std::vector<std::pair<std::string, std::string>> contents() const { return {taken_by_hash_.begin(), taken_by_hash_.end()}; }

  // A resumed crawl's: what the pages done before held is taken already. Untrusted: an entry that
  // is not a SHA-256 and a source is left out.
  void resume(const std::vector<std::pair<std::string, std::string>>& contents) {
    for (const auto& [hash, source] : contents) {
      if (!is_sha256_hex(hash) || source.empty()) continue;
      taken_by_hash_.emplace(hash, source);
      sources_.insert(source);
    }
  }

  void report(const web::PageReport& page) {
    switch (page.outcome) {
      case web::PageOutcome::not_modified: {
        result_.alive.insert(page.url);
        const auto it = asked_.find(page.url);
        if (it != asked_.end()) {
          // Its bytes are those stored: a copy of them under another URL is still a duplicate.
          taken_by_hash_.emplace(it->second.hash, page.url);
          sources_.insert(page.url);
        }
        sink_.unchanged(page.url, it == asked_.end() ? 0 : it->second.size);
        break;
      }
      case web::PageOutcome::failed: {
        if (!says_gone(page)) result_.alive.insert(page.url);
        // With --prune a stored page the site says is gone is a removal (prune_pages counts it),
        // whoever still links to it; a failure only when it was never stored (a broken link).
        if (in_.prune && says_gone(page) && sink_.stored(crawl_spelling(page.url))) break;
        // The fetcher's messages name the URL first: the failure's source says it already.
        const std::string named = page.url + ": ";
        sink_.fail(net::redact_url(page.url), page.reason.starts_with(named) ? page.reason.substr(named.size()) : page.reason, 0);
        break;
      }
      case web::PageOutcome::would_fetch:
        result_.alive.insert(page.url);  // a dry run's --prune lists only what the site lacks
        result_.would_fetch.push_back(page.url);
        break;
      case web::PageOutcome::fetched:  // told to the sink by page()
      case web::PageOutcome::robots_disallowed:
      case web::PageOutcome::out_of_scope:
      case web::PageOutcome::duplicate:
        break;
    }
  }

 private:
  std::optional<LoaderKind> loader_of(const web::FetchResponse& response, const std::string& url) const {
    return in_.forced_loader ? in_.forced_loader : loader_for_content_type(response.content_type, url);
  }

  // The first k_max_kept_links of `links` on the page's own origin, as text.
  static std::vector<std::string> same_origin(const std::vector<web::Url>& links, const std::string& url) {
    std::vector<std::string> out;
    const std::optional<web::Url> base = web::parse_http_url(url);
    if (!base) return out;
    for (const web::Url& link : links) {
      if (out.size() == k_max_kept_links) break;
      if (link.origin() == base->origin()) out.push_back(link.to_string());
    }
    return out;
  }

  const CrawlInputs& in_;
  JobSink& sink_;
  CrawlResult& result_;
  struct Asked {
    std::uint64_t size = 0;
    std::string hash;
  };
  std::map<std::string, Asked> asked_;  // the stored versions of the pages asked for conditionally
  // Each origin's stored pages by source, read at once (stored_page); nullopt: looked up one by one.
  std::map<std::string, std::optional<std::unordered_map<std::string, store::StoredDocument>>> site_read_;
  std::map<std::string, std::string> taken_by_hash_;   // content hash -> the source it was stored as
  std::set<std::string> sources_;
};

}  // namespace

std::string crawled_page_metadata(const web::FetchResponse& response, const std::vector<std::string>& links) {
  nlohmann::json meta = nlohmann::json::parse(web_metadata(response));
  if (!links.empty()) meta["web"]["links"] = links;
  return meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> recorded_links(const std::string& metadata_json) {
  return recorded_link_texts(stored_metadata(metadata_json));
}

CrawlResult crawl_into(const std::string& start_url, const CrawlInputs& in, const web::FetchFn& fetch, JobSink& sink,
                       const web::CrawlClock& clock) {
  // What the fetcher refuses in the start URL (a scheme, credentials) is refused before any
  // request: robots.txt of such an origin would be "unreachable", which reads as disallow-all.
  const web::CheckedUrl checked = web::check_url(start_url);
  const std::optional<web::Url> start = web::parse_http_url(checked.url);
  if (!start) usage("not an http or https URL: " + net::redact_url(start_url));
  CrawlResult result;
  result.start = start->to_string();
  result.include = in.options->include;
  result.exclude = in.options->exclude;
  web::CrawlOptions options = *in.options;
  options.dry_run = in.dry_run;
  CrawlSink hooks_state(in, sink, result);
  web::CrawlHooks hooks;
  hooks.on_page = [&](const web::FetchResponse& response, int depth, const std::vector<web::Url>* links, std::any read) {
    hooks_state.page(response, depth, links, read);
  };
  hooks.read = [&](const web::FetchResponse& response, const web::Url& base) { return hooks_state.read(response, base); };
  hooks.previous = [&](const std::string& url) { return hooks_state.previous(url); };
  hooks.on_report = [&](const web::PageReport& page) { hooks_state.report(page); };
  if (options.resume) hooks_state.resume(options.resume->contents);
  if (options.on_state) {
    // The state names the pages decided: their documents are stored before it is told.
    options.on_state = [&sink, &hooks_state, told = std::move(options.on_state)](web::CrawlState state) {
      sink.settle();
      state.contents = hooks_state.contents();
      told(std::move(state));
    };
  }
  const web::CrawlReport report = web::crawl(result.start, options, fetch, hooks, clock);
  // robots.txt without an answer (a refused address, a timeout) disallows everything (RFC 9309):
  // nothing was crawled, which is the start URL's failure, not a quiet empty run.
  if (!report.discovery.empty() && report.discovery.front().status == 0) {
    sink.fail(net::redact_url(result.start),
              report.discovery.front().reason + " (robots.txt could not be read, so nothing was crawled)", 0);
  }
  result.urls_left_out = report.urls_left_out;
  result.cancelled = report.cancelled;
  if (report.urls_left_out > 0) {
    result.notes.push_back("the crawl from " + result.start + " left out " + std::to_string(report.urls_left_out) +
                           " URLs (links and sitemap entries) past its frontier's bound of " +
                           std::to_string(report.frontier_urls) + " URLs or " +
                           std::to_string(options.max_frontier_bytes >> 20) + " MiB");
  }
  // A limit that stopped the crawl is said, in the text, the JSON and a dry run's summary alike:
  // the pages it did not fetch may be most of the site.
  if (report.page_limit_reached) {
    result.notes.push_back("the crawl from " + result.start + " stopped at its page limit (" + mention(Setting::max_pages) +
                           " " + std::to_string(options.max_pages) + ") with " + std::to_string(report.urls_not_fetched) +
                           " more URLs found and not fetched: raise " + mention(Setting::max_pages) + " to take them");
  }
  if (report.time_limit_reached) {
    result.notes.push_back("the crawl from " + result.start + " stopped at its time limit with " +
                           std::to_string(report.urls_not_fetched) + " more URLs found and not fetched");
  }
  if (report.cancelled) result.notes.push_back("the crawl from " + result.start + " was cancelled");
  // A resumed crawl saw only the pages it had left: what it did not see may have been crawled
  // before, so it prunes nothing.
  if (report.resumed) {
    result.notes.push_back("the crawl from " + result.start + " went on from the state it saved before it stopped");
  }
  result.complete = !report.page_limit_reached && !report.time_limit_reached && report.urls_left_out == 0 &&
                    !report.cancelled && !report.resumed;
  return result;
}

}  // namespace strata::ingest
