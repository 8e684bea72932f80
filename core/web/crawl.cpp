#include "web/crawl.h"

#include <algorithm>
#include <deque>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "common/error.h"
#include "common/thread_pool.h"
#include "web/llms_txt.h"
#include "web/robots.h"
#include "web/scope.h"
#include "web/sitemap.h"

namespace strata::web {
namespace {

using std::chrono::milliseconds;

bool crawl_is_html(const FetchResponse& response) {
  return response.content_type == "text/html" || response.content_type == "application/xhtml+xml";
}

// One crawl's state; crawl() builds it and runs it.
class Crawler {
 public:
  Crawler(const Url& start, const CrawlOptions& options, const FetchFn& fetch, const CrawlHooks& hooks,
          const CrawlClock& clock)
      : start_(start),
        options_(options),
        fetch_(fetch),
        hooks_(hooks),
        clock_(clock),
        scope_(start, options.include, options.exclude),
        started_(clock.now()),
        deadline_(started_ + options.time_limit),
        frontier_urls_(frontier_urls(options)),
        frontier_(FrontierLimits{frontier_urls_, options.max_frontier_bytes}) {}

  CrawlReport run() {
    read_robots();
    if (!resume()) {
      frontier_.add(start_, 0);
      if (options_.max_depth >= 1) {
        if (options_.sitemaps) read_sitemaps();
        if (options_.llms_txt) read_llms_txt();
      }
      if (options_.llms_full) read_llms_full();
    }
    crawl_pages();
    report_.urls_left_out = frontier_.left_out();
    report_.frontier_urls = frontier_urls_;
    return std::move(report_);
  }

 private:
  // ---- Fetching, politely ------------------------------------------------------------------

  milliseconds delay() const {
    const auto crawl_delay = std::min(robots_.crawl_delay().value_or(milliseconds(0)), options_.max_crawl_delay);
    milliseconds own = options_.request_delay;
    // To the nearest millisecond: a server answering in a tenth of one (a re-crawl's 304s from a
    // local site) is not made to wait a whole one each time (ceil made a 1,168-page re-crawl 12x slower).
    if (options_.adaptive_delay) own = std::max(own, std::chrono::round<milliseconds>(adapted_));
    return std::max(own, crawl_delay);
  }

  // The adapted delay, Scrapy's AutoThrottle rule for one connection at a time: after each
  // answer the delay moves halfway to that answer's latency, so that the server spends at most
  // about half its time on this crawl (a fast site is crawled at its pace, a slow one gently);
  // a 429 or 503 doubles it (1 s at least); an error answer, or none, never shortens it.
  void adapt(std::chrono::microseconds latency, long status) {
    if (!options_.adaptive_delay) return;
    constexpr std::chrono::microseconds k_backoff_floor = std::chrono::seconds(1);
    std::chrono::microseconds next = (adapted_ + latency) / 2;
    if (status == 429 || status == 503) {
      next = std::max(adapted_ * 2, k_backoff_floor);
    } else if (status == 0 || status >= 400) {
      next = std::max(next, adapted_);
    }
    adapted_ = std::min(next, std::chrono::duration_cast<std::chrono::microseconds>(options_.max_adaptive_delay));
  }

  // ---- Stopping ----------------------------------------------------------------------------

  // Whether CrawlOptions::stop asks the crawl to end (remembered: once is enough).
  bool stopped() {
    if (!report_.cancelled && options_.stop && options_.stop()) report_.cancelled = true;
    return report_.cancelled;
  }

  // Sleeps `wait`, in slices when the crawl may be stopped, so that a stop is seen within one.
  void sleep(milliseconds wait) {
    constexpr milliseconds k_slice{200};
    if (!options_.stop) {
      clock_.sleep(wait);
      return;
    }
    while (wait.count() > 0 && !stopped()) {
      const milliseconds step = std::min(wait, k_slice);
      clock_.sleep(step);
      wait -= step;
    }
  }

  // ---- Fetching, politely ------------------------------------------------------------------

  // A request the crawl sends: the fetcher's extra headers (credentials) go to the start URL's
  // origin alone, whatever the URL or its redirects name.
  FetchRequest request_for(const Url& url) const {
    FetchRequest request;
    request.url = url.to_string();
    request.headers_for = start_.to_string();
    return request;
  }

  // Discovery files (robots.txt, sitemaps, llms.txt) stay on the start URL's origin: a redirect
  // elsewhere is not requested, and comes back as the 3xx it is.
  FetchRequest discovery_request(const Url& url) const {
    FetchRequest request = request_for(url);
    request.follow_redirect = [origin = start_.origin()](const std::string& next) {
      const auto target = parse_http_url(next);
      return target && target->origin() == origin;
    };
    return request;
  }

  // A redirect the discovery request did not follow: its target is another origin.
  bool redirected_away(const FetchResponse& response) const {
    if (response.status < 300 || response.status >= 400 || response.url.empty()) return false;
    const auto target = parse_http_url(response.url);
    return !target || target->origin() != start_.origin();
  }

  // Waits for the host's turn, then fetches. Throws what the fetcher throws, and Error
  // (unavailable) when the crawl was stopped while it waited.
  FetchResponse polite_fetch(const FetchRequest& request, const Url& url) {
    const std::string origin = url.origin();
    if (const auto wait = pacer_.wait(origin, clock_.now()); wait.count() > 0) sleep(wait);
    if (stopped()) throw Error(ExitCode::unavailable, request.url + ": cancelled");
    const CrawlTime sent = clock_.now();
    try {
      FetchResponse response = fetch_(request);
      answered(origin, sent, clock_.now(), response.status, true);
      return response;
    } catch (...) {
      answered(origin, sent, clock_.now(), 0, true);
      throw;
    }
  }

  // A request to `origin` sent at `sent` was answered (status 0: it failed) at `at`: the delay
  // adapts to it, and with `one_at_a_time` the host's next request waits that delay after it.
  void answered(const std::string& origin, CrawlTime sent, CrawlTime at, long status, bool one_at_a_time) {
    adapt(std::chrono::duration_cast<std::chrono::microseconds>(at - sent), status);
    if (one_at_a_time) pacer_.done(origin, at, delay());
  }

  // A discovery file (robots.txt excepted): fetched when robots.txt allows it; nullopt otherwise.
  std::optional<FetchResponse> discover(const Url& url, const std::string& kind) {
    DiscoveryReport entry{url.to_string(), kind, 0, 0, {}};
    std::optional<FetchResponse> response;
    if (!robots_.allowed(url.path_and_query())) {
      entry.reason = "disallowed by robots.txt";
    } else {
      try {
        response = polite_fetch(discovery_request(url), url);
        entry.status = response->status;
        if (redirected_away(*response)) entry.reason = "redirected to another origin: not followed";
        if (response->status < 200 || response->status >= 300) response.reset();
      } catch (const Error& e) {
        entry.reason = e.what();
      }
    }
    report_.discovery.push_back(std::move(entry));
    return response;
  }

  // ---- Discovery -------------------------------------------------------------------------

  void read_robots() {
    Url url = start_;
    url.path = "/robots.txt";
    url.query.reset();
    DiscoveryReport entry{url.to_string(), "robots.txt", 0, 0, {}};
    try {
      const FetchResponse response = polite_fetch(discovery_request(url), url);
      entry.status = response.status;
      if (redirected_away(response)) {
        // Not followed to another origin: as RFC 9309 section 2.3.1.2 lets a crawler read a
        // robots.txt past its redirect limit, unavailable (a 4xx: everything allowed).
        entry.reason = "redirected to another origin: not followed (read as unavailable)";
        robots_ = Robots::allow_all();
      } else {
        robots_ = Robots::from_status(response.status, response.body);
      }
      entry.urls = robots_.sitemaps().size();
      pacer_.done(url.origin(), clock_.now(), delay());  // now that Crawl-delay is known
    } catch (const Error& e) {
      // RFC 9309 section 2.3.1.4: unreachable means complete disallow.
      entry.reason = e.what();
      robots_ = Robots::disallow_all();
    }
    report_.discovery.push_back(std::move(entry));
  }

  // A URL a sitemap or llms.txt listed: queued at depth 1 when in scope (silently skipped
  // otherwise: a site's sitemap lists the whole site, most of it outside a narrower scope).
  void queue_listed(const Url& url) {
    if (scope_.contains(url)) frontier_.add(url, 1);
  }

  void read_sitemaps() {
    std::vector<std::pair<Url, int>> pending;
    for (const auto& text : robots_.sitemaps()) {
      auto url = parse_http_url(text);
      if (url && url->origin() == start_.origin()) pending.emplace_back(*url, 0);
    }
    if (pending.empty()) {
      Url url = start_;
      url.path = "/sitemap.xml";
      url.query.reset();
      pending.emplace_back(url, 0);
    }
    std::set<std::string> read;
    for (std::size_t i = 0; i < pending.size() && read.size() < options_.max_sitemaps; ++i) {
      if (stopped()) return;
      if (clock_.now() >= deadline_) {
        report_.time_limit_reached = true;
        return;
      }
      const auto [url, depth] = pending[i];
      if (!read.insert(url.to_string()).second) continue;
      const auto response = discover(url, "sitemap");
      if (!response) continue;
      const Sitemap sitemap = parse_sitemap(response->body);
      auto& entry = report_.discovery.back();
      entry.urls = sitemap.locs.size();
      if (sitemap.kind == SitemapKind::index) entry.kind = "sitemap index";
      if (sitemap.kind == SitemapKind::other) entry.reason = "not a sitemap";
      for (const auto& loc : sitemap.locs) {
        auto target = resolve_http(url, loc);
        if (!target) continue;
        if (sitemap.kind == SitemapKind::urlset) {
          queue_listed(*target);
        } else if (depth + 1 < options_.max_sitemap_depth && target->origin() == start_.origin()) {
          pending.emplace_back(*target, depth + 1);
        }
      }
    }
  }

  void read_llms_txt() {
    std::vector<Url> candidates;
    Url url = start_;
    url.query.reset();
    url.path = scope_.prefix() + "llms.txt";
    candidates.push_back(url);
    if (scope_.prefix() != "/") {
      url.path = "/llms.txt";
      candidates.push_back(url);
    }
    for (const auto& candidate : candidates) {
      if (stopped()) return;
      const auto response = discover(candidate, "llms.txt");
      if (!response) continue;
      const auto links = extract_markdown_links(response->body, candidate);
      report_.discovery.back().urls = links.size();
      for (const auto& link : links) queue_listed(link);
    }
  }

  // llms-full.txt under the start URL's directory, as one page of depth 0 (when in scope).
  void read_llms_full() {
    Url url = start_;
    url.query.reset();
    url.path = scope_.prefix() + "llms-full.txt";
    if (scope_.contains(url)) frontier_.add(url, 0);
  }

  // ---- A saved state (CrawlState) ------------------------------------------------------------

  // Takes up CrawlOptions::resume, as crawl.h says; false when there is none to take up (none, or
  // another crawl's): the crawl starts over.
  bool resume() {
    if (!options_.resume || options_.resume->start != start_.to_string()) return false;
    const CrawlState& state = *options_.resume;
    // Taken URLs are not bounded by the frontier's room (max_pages bounds them): here they are.
    for (const std::string& text : state.done) {
      if (frontier_.urls() >= frontier_urls_ || frontier_.bytes() >= options_.max_frontier_bytes) break;
      if (const auto url = resumable(text)) frontier_.take(*url);
    }
    for (const auto& [text, depth] : state.pending) {
      if (depth < 0 || depth > options_.max_depth) continue;
      if (const auto url = resumable(text)) frontier_.add(*url, depth);
    }
    pages_ = std::min(state.pages, options_.max_pages);
    elapsed_before_ = std::clamp(state.elapsed, milliseconds(0), options_.time_limit);
    deadline_ = started_ + (options_.time_limit - elapsed_before_);
    report_.resumed = true;
    return true;
  }

  // A saved state's URL, taken as a link found on a page would be: http(s), without user
  // information, in the crawl's own spelling and in its scope (the start URL always).
  std::optional<Url> resumable(const std::string& text) const {
    const auto written = parse_url(text);
    if (!written || written->userinfo) return std::nullopt;
    auto url = parse_http_url(text);
    if (!url || url->to_string() != text) return std::nullopt;
    if (*url != start_ && !scope_.contains(*url)) return std::nullopt;
    return url;
  }

  // Every state_every, or twenty times as long as telling the state took (a frontier of a
  // million URLs): telling it costs the crawl a twentieth of its time at most.
  void maybe_save_state(const std::optional<FrontierEntry>& waiting) {
    if (!options_.on_state) return;
    const auto every = std::max<CrawlTime::duration>(options_.state_every, 20 * state_cost_);
    if (clock_.now() - last_state_ >= every) save_state(waiting);
  }

  // Tells CrawlOptions::on_state where the crawl is. Pages taken but not decided (stopped
  // mid-way, in flight, `waiting`, waiting on a retry) are pending again, and no longer counted.
  void save_state(const std::optional<FrontierEntry>& waiting) {
    last_state_ = clock_.now();
    std::vector<FrontierEntry> pending = interrupted_;
    pending.insert(pending.end(), in_flight_entries_.begin(), in_flight_entries_.end());
    if (waiting) pending.push_back(*waiting);
    std::size_t counted = pending.size();
    for (FrontierEntry& entry : frontier_.pending()) {
      if (entry.attempts > 0) ++counted;  // a retry: counted when first taken
      pending.push_back(std::move(entry));
    }
    CrawlState state;
    state.start = start_.to_string();
    std::set<std::string> undecided;
    for (const FrontierEntry& entry : pending) {
      std::string text = entry.url.to_string();
      undecided.insert(text);
      state.pending.emplace_back(std::move(text), entry.depth);
    }
    for (const std::string& text : frontier_.taken()) {
      if (undecided.count(text) == 0) state.done.push_back(text);
    }
    std::sort(state.done.begin(), state.done.end());
    state.pages = pages_ - std::min(pages_, counted);
    state.elapsed = elapsed_before_ + std::chrono::duration_cast<milliseconds>(clock_.now() - started_);
    options_.on_state(std::move(state));
    state_cost_ = clock_.now() - last_state_;
  }

  // ---- Pages -----------------------------------------------------------------------------

  void decide(const FrontierEntry& entry, PageOutcome outcome, long status = 0, std::string reason = {}) {
    PageReport page{entry.url.to_string(), entry.depth, outcome, status, std::move(reason)};
    if (hooks_.on_report) hooks_.on_report(page);
    report_.pages.push_back(std::move(page));
  }

  // Requests to one host at once: several only when the delay is adapted and robots.txt sets
  // none (a Crawl-delay, or --delay, means one request after another).
  std::size_t connections() const {
    if (!options_.adaptive_delay || robots_.crawl_delay().value_or(milliseconds(0)).count() > 0) return 1;
    return std::max<std::size_t>(options_.concurrency, 1);
  }

  // A page's request and what came of it: what a connection's thread does (fetch the page, read
  // an HTML page's links), handed back to the crawl's thread to decide.
  struct Fetched {
    FrontierEntry entry;
    std::optional<PreviousFetch> previous;
    FetchResponse response;
    std::optional<std::string> error;  // the fetcher's refusal
    std::optional<PageLinks> links;    // an HTML page's (2xx), against its final URL
    std::any read;                     // CrawlHooks::read's
    CrawlTime sent{};
    CrawlTime answered{};
  };

  // On a connection's thread: touches nothing of the crawl's but what is const (scope, clock).
  Fetched fetch_and_read(Fetched f, const FetchRequest& request) const {
    f.sent = clock_.now();
    try {
      f.response = fetch_(request);
    } catch (const Error& e) {
      f.error = e.what();
    }
    f.answered = clock_.now();
    if (!f.error && f.response.status >= 200 && f.response.status < 300 && crawl_is_html(f.response)) {
      const auto final_url = f.response.url.empty() ? std::nullopt : parse_http_url(f.response.url);
      const Url& base = final_url ? *final_url : f.entry.url;
      if (hooks_.read && !options_.dry_run) {
        PageRead read = hooks_.read(f.response, base);
        f.links = std::move(read.links);
        f.read = std::move(read.read);
      }
      if (!f.links) f.links = extract_links(f.response.body, base);
    }
    return f;
  }

  // The next page to fetch, its host's turn aside: entries the crawl decides without a request
  // (robots.txt, taken already, a dry run's last depth) are decided on the way. nullopt when
  // none may go now: `more` false when none ever will (the frontier is empty and nothing is in
  // flight, a limit was reached, the crawl was stopped); while requests are in flight (`idle`
  // false) a frontier that is empty or waiting on a retry is not final, so this returns at once.
  std::optional<FrontierEntry> next_page(std::size_t& pages, bool idle, bool& more) {
    while (true) {
      if (stopped()) {
        more = false;
        return std::nullopt;
      }
      const CrawlTime now = clock_.now();
      if (now >= deadline_) {
        report_.time_limit_reached = true;
        more = false;
        return std::nullopt;
      }
      auto entry = frontier_.pop(now);
      if (!entry) {
        if (!idle) return std::nullopt;
        const auto ready = frontier_.next_ready();
        if (!ready) {
          more = false;
          return std::nullopt;
        }
        sleep(std::chrono::ceil<milliseconds>(std::min(*ready, deadline_) - now));
        continue;
      }
      if (!robots_.allowed(entry->url.path_and_query())) {
        decide(*entry, PageOutcome::robots_disallowed);
        continue;
      }
      if (entry->attempts == 0) {
        if (!frontier_.take(entry->url)) {
          decide(*entry, PageOutcome::duplicate, 0, "fetched already (a redirect's target or a canonical URL)");
          continue;
        }
        if (pages == options_.max_pages) {
          report_.page_limit_reached = true;
          more = false;
          return std::nullopt;
        }
        ++pages;
      }
      if (options_.dry_run && entry->depth >= options_.max_depth) {
        decide(*entry, PageOutcome::would_fetch);
        continue;
      }
      return entry;
    }
  }

  void crawl_pages() {
    last_state_ = clock_.now();
    bool more = true;
    std::optional<FrontierEntry> waiting;  // taken from the frontier, waiting for its host's turn
    while (true) {
      if (stopped()) {
        more = false;
        // Never sent: it is not reported, and a resumed crawl fetches it.
        if (waiting) interrupted_.push_back(std::move(*waiting));
        waiting.reset();
      }
      // Taken from the frontier only when it can be sent: a redirect an answer in flight reports
      // takes its target first (one connection's crawl never asks for that target itself).
      if (more && !waiting && in_flight_.size() < connections()) waiting = next_page(pages_, in_flight_.empty(), more);
      if (waiting && in_flight_.size() < connections()) {
        const auto wait = pacer_.wait(waiting->url.origin(), clock_.now());
        if (wait.count() == 0) {
          send(std::move(*waiting));
          waiting.reset();
          continue;
        }
        if (in_flight_.empty()) {
          sleep(wait);
          continue;
        }
        // Requests in flight: the oldest is decided if it answers within the wait; else the
        // waiting page is sent when its turn comes (in slices, so that a stop is seen).
        constexpr milliseconds k_slice{200};
        if (in_flight_.front().wait_for(std::min(wait, k_slice)) != std::future_status::ready) continue;
      }
      if (in_flight_.empty()) {
        if (!more && !waiting) break;
        continue;
      }
      // The oldest request first, whichever answered first: the same pages decided in the same order.
      Fetched fetched = in_flight_.front().get();
      in_flight_.pop_front();
      in_flight_entries_.pop_front();
      decide_fetched(std::move(fetched));
      maybe_save_state(waiting);
    }
    if (report_.cancelled && options_.on_state) save_state(std::nullopt);
    // Counted once the requests in flight are decided: their links are in the frontier now.
    if (report_.page_limit_reached) report_.urls_not_fetched = frontier_.size() + 1;  // the one the limit stopped
    if (report_.time_limit_reached) report_.urls_not_fetched = frontier_.size();
  }

  // Sends a page's request: on a connection's thread when several may run, else here and now.
  void send(FrontierEntry entry) {
    const std::string url = entry.url.to_string();
    FetchRequest request = request_for(entry.url);
    // A redirect out of the scope is never requested (accept_final_url then says why).
    request.follow_redirect = [this](const std::string& next) {
      const auto target = parse_http_url(next);
      return target && scope_.check(*target) == ScopeVerdict::in_scope;
    };
    Fetched f;
    if (hooks_.previous && !options_.dry_run) f.previous = hooks_.previous(url);
    if (f.previous) {
      request.if_none_match = f.previous->etag;
      request.if_modified_since = f.previous->last_modified;
    }
    ++entry.attempts;
    in_flight_entries_.push_back(entry);
    f.entry = std::move(entry);
    const std::size_t limit = connections();
    if (limit == 1) {
      std::promise<Fetched> done;
      done.set_value(fetch_and_read(std::move(f), request));
      in_flight_.push_back(done.get_future());
      return;
    }
    // Several at once: each starts the delay after the one before (AutoThrottle's slot).
    pacer_.done(f.entry.url.origin(), clock_.now(), delay());
    if (!pool_) pool_ = std::make_unique<ThreadPool>(static_cast<unsigned>(limit));
    in_flight_.push_back(pool_->submit([this, f = std::move(f), request = std::move(request)]() mutable {
      return fetch_and_read(std::move(f), request);
    }));
  }

  // On the crawl's thread, in the order the requests were sent.
  void decide_fetched(Fetched f) {
    FrontierEntry& entry = f.entry;
    // Several at once started the delay after the one before (send); one at a time waits it after each answer.
    answered(entry.url.origin(), f.sent, f.answered, f.error ? 0 : f.response.status, connections() == 1);
    if (f.error) {
      // A request the crawl's stop broke off (the fetcher is told the same stop): a resumed crawl fetches it.
      if (stopped()) interrupted_.push_back(entry);
      decide(entry, PageOutcome::failed, 0, *f.error);
      return;
    }
    FetchResponse& response = f.response;
    if (response.status == 429 || response.status == 503) {
      retry_or_fail(std::move(entry), response);
      return;
    }
    if (response.status == 304) {
      decide(entry, PageOutcome::not_modified, 304);
      if (f.previous) {
        for (const std::string& link : f.previous->links) {
          if (entry.depth >= options_.max_depth || frontier_.seen(link)) continue;
          if (const auto written = parse_url(link); !written || written->userinfo) continue;  // parse_http_url would drop it
          if (auto target = parse_http_url(link)) follow(entry, *target);
        }
      }
      return;
    }
    // A redirect the fetcher did not follow because the crawl said no (its target is outside the
    // scope): reported out of scope, its target never requested.
    if (response.status >= 300 && response.status < 400 && !accept_final_url(entry, response)) return;
    if (response.status < 200 || response.status >= 300) {
      decide(entry, PageOutcome::failed, response.status, "HTTP " + std::to_string(response.status));
      return;
    }
    if (!accept_final_url(entry, response)) return;
    if (f.links) {
      if (f.links->canonical && *f.links->canonical != entry.url && scope_.contains(*f.links->canonical)) {
        frontier_.take(*f.links->canonical);
      }
      for (const auto& link : f.links->links) follow(entry, link);
    }
    if (options_.dry_run) {
      decide(entry, PageOutcome::would_fetch, response.status);
      return;
    }
    try {
      if (hooks_.on_page) hooks_.on_page(response, entry.depth, f.links ? &f.links->links : nullptr, std::move(f.read));
    } catch (const Error& e) {
      decide(entry, PageOutcome::failed, response.status, e.what());
      return;
    }
    decide(entry, PageOutcome::fetched, response.status);
  }

  // A redirect the fetcher followed: its target must be in scope and not taken already. The
  // entry then stands for the target (its links resolve against it).
  bool accept_final_url(FrontierEntry& entry, const FetchResponse& response) {
    if (response.url.empty()) return true;
    const auto final_url = parse_http_url(response.url);
    if (!final_url || *final_url == entry.url) return true;
    const auto verdict = scope_.check(*final_url);
    if (verdict != ScopeVerdict::in_scope) {
      decide(entry, PageOutcome::out_of_scope, response.status,
             "redirected to " + final_url->to_string() + " (" + describe(verdict, scope_.prefix()) + ")");
      return false;
    }
    if (!frontier_.take(*final_url)) {
      decide(entry, PageOutcome::duplicate, response.status, "redirected to " + final_url->to_string() + ", taken already");
      return false;
    }
    entry.url = *final_url;
    return true;
  }

  void follow(const FrontierEntry& from, const Url& link) {
    if (from.depth >= options_.max_depth || frontier_.seen(link)) return;
    const auto verdict = scope_.check(link);
    if (verdict == ScopeVerdict::in_scope) {
      frontier_.add(link, from.depth + 1);
    } else if (frontier_.mark_seen(link)) {  // reported once, and no more than the frontier holds
      decide({link, from.depth + 1, 0, {}}, PageOutcome::out_of_scope, 0, describe(verdict, scope_.prefix()));
    }
  }

  void retry_or_fail(FrontierEntry entry, const FetchResponse& response) {
    const milliseconds wait = response.retry_after
                                  ? std::chrono::duration_cast<milliseconds>(*response.retry_after)
                                  : options_.default_retry_wait;
    const std::string status = "HTTP " + std::to_string(response.status);
    if (wait > options_.max_retry_wait) {
      decide(entry, PageOutcome::failed, response.status,
             status + ": Retry-After " + std::to_string(wait.count() / 1000) + " s is past the bound of " +
                 std::to_string(options_.max_retry_wait.count() / 1000) + " s");
      return;
    }
    if (entry.attempts >= options_.max_attempts) {
      decide(entry, PageOutcome::failed, response.status,
             status + " after " + std::to_string(entry.attempts) + " attempts");
      return;
    }
    const CrawlTime at = clock_.now() + wait;
    pacer_.hold(entry.url.origin(), at);
    frontier_.retry(std::move(entry), at);
  }

  Url start_;
  const CrawlOptions& options_;
  const FetchFn& fetch_;
  const CrawlHooks& hooks_;
  const CrawlClock& clock_;
  Scope scope_;
  CrawlTime started_;
  CrawlTime deadline_;
  std::size_t frontier_urls_;  // the frontier's URL bound
  Frontier frontier_;
  Robots robots_ = Robots::allow_all();
  HostPacer pacer_;
  std::chrono::microseconds adapted_{0};  // adapt()
  CrawlReport report_;
  std::deque<std::future<Fetched>> in_flight_;  // requests sent and not yet decided, oldest first
  std::deque<FrontierEntry> in_flight_entries_;  // their entries, for a saved state
  std::size_t pages_ = 0;                        // pages counted against max_pages
  // For a saved state: entries taken but never decided because the crawl was stopped, the time
  // a resumed crawl had spent before, and when the state was last told.
  std::vector<FrontierEntry> interrupted_;
  milliseconds elapsed_before_{0};
  CrawlTime last_state_{};
  CrawlTime::duration state_cost_{};  // how long telling the last state took
  // The connections' threads, made when several may run. Last: destroyed first, so its threads
  // are joined (their requests done) before what they use goes.
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace

std::string_view name_of(PageOutcome outcome) {
  switch (outcome) {
    case PageOutcome::fetched:
      return "fetched";
    case PageOutcome::not_modified:
      return "not modified";
    case PageOutcome::would_fetch:
      return "would fetch";
    case PageOutcome::failed:
      return "failed";
    case PageOutcome::robots_disallowed:
      return "disallowed by robots.txt";
    case PageOutcome::out_of_scope:
      return "out of scope";
    case PageOutcome::duplicate:
      return "duplicate";
  }
  return "failed";
}

std::size_t frontier_urls(std::size_t max_pages) {
  constexpr std::size_t k_most = 1'000'000;
  return max_pages >= (k_most - 1000) / 10 ? k_most : 10 * max_pages + 1000;
}

std::size_t frontier_urls(const CrawlOptions& options) {
  return options.max_frontier_urls != 0 ? options.max_frontier_urls : frontier_urls(options.max_pages);
}

std::size_t CrawlReport::count(PageOutcome outcome) const {
  return static_cast<std::size_t>(
      std::count_if(pages.begin(), pages.end(), [&](const PageReport& p) { return p.outcome == outcome; }));
}

CrawlClock system_crawl_clock() {
  return {[] { return std::chrono::steady_clock::now(); }, [](milliseconds wait) { std::this_thread::sleep_for(wait); }};
}

CrawlReport crawl(std::string_view start_url, const CrawlOptions& options, const FetchFn& fetch,
                  const CrawlHooks& hooks, const CrawlClock& clock) {
  const auto start = parse_http_url(start_url);
  if (!start) usage("not an http or https URL: " + std::string(start_url), "a crawl starts at an absolute URL, e.g. https://docs.example.com/guide/");
  return Crawler(*start, options, fetch, hooks, clock).run();
}

}  // namespace strata::web
