// Target: the SSE stream parser. The first bytes pick up to 16 cut points; the stream is fed
// whole to one parser and in pieces to another (small limits so the limit errors are reached
// too). Checks: the same events in the same order, the same outcome (both throw
// strata::Error(unavailable) or neither), and the same boundary, retry and comment state.
#include <algorithm>
#include <vector>

#include "common/error.h"
#include "fuzz_util.h"
#include "llm/sse_parser.h"

using namespace strata;
using namespace strata::llm;

namespace {

struct Outcome {
  std::vector<SseEvent> events;
  bool threw = false;
  bool boundary = false;
  std::optional<std::uint64_t> retry;
  std::size_t comments = 0;
};

Outcome parse(std::string_view stream, const std::vector<std::size_t>& cuts, SseLimits limits) {
  Outcome o;
  SseParser p(limits);
  try {
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
      p.feed(stream.substr(from, cut - from), o.events);
      from = cut;
    }
    p.feed(stream.substr(from), o.events);
    o.boundary = p.at_event_boundary();
    o.retry = p.retry_ms();
    o.comments = p.comments();
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::unavailable, e.what());
    o.threw = true;
  }
  for (const auto& ev : o.events) {
    FUZZ_CHECK(fuzz::is_valid_utf8(ev.data) && fuzz::is_valid_utf8(ev.type) && fuzz::is_valid_utf8(ev.id),
               "event text is not UTF-8");
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::size_t ncuts = in.in_range(0, 16);
  std::vector<std::size_t> raw;
  for (std::size_t i = 0; i < ncuts; ++i) raw.push_back(in.in_range(0, 65535));
  SseLimits limits;
  limits.max_line = in.in_range(1, 4096);
  limits.max_event = in.in_range(1, 8192);
  const std::string_view stream = in.rest();
  std::vector<std::size_t> cuts;
  for (std::size_t r : raw) cuts.push_back(stream.empty() ? 0 : r % (stream.size() + 1));
  std::sort(cuts.begin(), cuts.end());

  const Outcome whole = parse(stream, {}, limits);
  const Outcome split = parse(stream, cuts, limits);
  FUZZ_CHECK(whole.threw == split.threw, "a limit error depends on how the stream was cut");
  FUZZ_CHECK(whole.events == split.events, "events depend on how the stream was cut");
  FUZZ_CHECK(whole.boundary == split.boundary && whole.retry == split.retry &&
                 whole.comments == split.comments,
             "parser state depends on how the stream was cut");
  // One byte at a time, the worst case for carried-over state.
  if (stream.size() <= 512) {
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    const Outcome bytes = parse(stream, every, limits);
    FUZZ_CHECK(whole.threw == bytes.threw && whole.events == bytes.events, "byte-at-a-time differs");
  }
  return 0;
}
