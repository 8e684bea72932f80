#pragma once
// Incremental parser for Server-Sent Events (the WHATWG HTML "event stream" format), as chat
// APIs stream their answers. Bytes go in as they arrive, split anywhere; whole events come out.
//
// Follows the WHATWG rules: lines end with CR, LF or CRLF (a CR at the end of one read and the
// LF at the start of the next are one line end); a leading BOM is dropped; lines starting with
// ':' are comments (keep-alives); `field:value` with one optional space after the colon, or a
// bare `field` with an empty value; `data` lines accumulate, joined with "\n"; `event` names the
// event; `id` sets the last event id (kept for later events; ignored when it contains NUL);
// `retry` takes ASCII digits only; other fields are ignored; a blank line dispatches the event,
// unless it has no data line. Each line is decoded as UTF-8 with U+FFFD for invalid sequences;
// a character split across reads is whole again once its line is.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::llm {

struct SseEvent {
  std::string type = "message";  // the `event:` field; "message" when the event had none
  std::string data;              // the `data:` lines joined with "\n"
  std::string id;                // the last event id at dispatch ("" when none yet)

  // OpenAI-style end-of-stream marker.
  bool is_done() const { return data == "[DONE]"; }
  bool operator==(const SseEvent&) const = default;
};

struct SseLimits {
  std::size_t max_line = std::size_t{1} << 20;   // bytes in one line. Default: 1 MiB.
  std::size_t max_event = std::size_t{16} << 20; // bytes of data in one event. Default: 16 MiB.
};

class SseParser {
 public:
  SseParser() = default;
  explicit SseParser(SseLimits limits) : limits_(limits) {}

  // Parses the next piece of the stream and appends the events it completes to `out`, in order.
  // Throws strata::Error(unavailable) when a line or an event exceeds its limit (a runaway or
  // hostile server); the parser must not be used after that.
  void feed(std::string_view bytes, std::vector<SseEvent>& out);
  std::vector<SseEvent> feed(std::string_view bytes) {
    std::vector<SseEvent> out;
    feed(bytes, out);
    return out;
  }

  // True when nothing is pending: the stream so far ends at a line end with no undispatched
  // data. A stream that ends while this is false was cut (WHATWG: the partial event is dropped).
  bool at_event_boundary() const { return line_.empty() && data_.empty() && !has_data_; }

  // The last `retry:` value in milliseconds, if any.
  std::optional<std::uint64_t> retry_ms() const { return retry_ms_; }
  // Comment lines seen (keep-alives).
  std::size_t comments() const { return comments_; }

 private:
  void line(std::string_view raw, std::vector<SseEvent>& out);
  void field(std::string_view name, std::string_view value);
  void dispatch(std::vector<SseEvent>& out);
  void grow_line(std::size_t extra) const;

  SseLimits limits_;
  std::string line_;         // the partial line carried over between reads
  bool skip_lf_ = false;     // the last read ended with CR: an LF next is part of that line end
  bool first_line_ = true;   // a BOM may start the stream
  std::string data_;
  bool has_data_ = false;
  std::string type_;
  std::string last_id_;
  std::optional<std::uint64_t> retry_ms_;
  std::size_t comments_ = 0;
};

}  // namespace strata::llm
