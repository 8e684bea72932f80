#pragma once
// llms.txt (llmstxt.org): a Markdown file at a site's root (or under a docs path) whose link
// lists point at the pages worth reading. A crawl reads its links as it reads a sitemap's.
//
// llms-full.txt, the same pages concatenated into one file, is not fetched by default: the
// pages it repeats are fetched one by one, each cited under its own URL and kept in step by its
// own ETag, which one large file would defeat. CrawlOptions::llms_full asks for it (then it is
// handed on as one page more).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "web/url.h"

namespace strata::web {

// The targets of the inline Markdown links ("[title](url)", "[title](url "title")",
// "[title](<url>)") in `markdown`, resolved against `base` and normalised, de-duplicated, in
// order; http(s) only; at most `max_links`. Links inside code (``` fences, `spans`) are skipped.
std::vector<Url> extract_markdown_links(std::string_view markdown, const Url& base, std::size_t max_links = 10000);

}  // namespace strata::web
