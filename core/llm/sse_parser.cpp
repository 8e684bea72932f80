#include "llm/sse_parser.h"

#include <string>

#include "common/error.h"
#include "common/utf8.h"

namespace strata::llm {
namespace {

std::string mib(std::size_t bytes) {
  if (bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

void SseParser::grow_line(std::size_t extra) const {
  if (line_.size() + extra > limits_.max_line) {
    throw Error(ExitCode::unavailable,
                "the server's event stream has a line longer than " + mib(limits_.max_line) +
                    "; stopped reading it");
  }
}

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  std::size_t i = 0;
  if (skip_lf_ && !bytes.empty()) {
    skip_lf_ = false;
    if (bytes[0] == '\n') i = 1;
  }
  while (i < bytes.size()) {
    const std::size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      grow_line(bytes.size() - i);
      line_.append(bytes.substr(i));
      return;
    }
    grow_line(end - i);
    if (line_.empty()) {
      line(bytes.substr(i, end - i), out);  // the whole line is in this read: no copy
    } else {
      line_.append(bytes.substr(i, end - i));
      const std::string whole = std::move(line_);
      line_.clear();
      line(whole, out);
    }
    i = end + 1;
    if (bytes[end] == '\r') {
      if (i < bytes.size()) {
        if (bytes[i] == '\n') ++i;
      } else {
        skip_lf_ = true;
      }
    }
  }
}

void SseParser::line(std::string_view raw, std::vector<SseEvent>& out) {
  if (first_line_) {
    first_line_ = false;
    if (raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
  }
  const std::string decoded = replace_invalid_utf8(raw, Utf8Repair::per_subpart);
  const std::string_view text = decoded;
  if (text.empty()) {
    dispatch(out);
    return;
  }
  if (text[0] == ':') {
    ++comments_;
    return;
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    field(text, {});
    return;
  }
  std::string_view value = text.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  field(text.substr(0, colon), value);
}

void SseParser::field(std::string_view name, std::string_view value) {
  if (name == "data") {
    if (data_.size() + value.size() + 1 > limits_.max_event) {
      throw Error(ExitCode::unavailable, "the server's event stream has an event larger than " +
                                             mib(limits_.max_event) + "; stopped reading it");
    }
    data_.append(value);
    data_.push_back('\n');
    has_data_ = true;
  } else if (name == "event") {
    type_ = value;
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = value;
  } else if (name == "retry") {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) return;
    std::uint64_t ms = 0;
    for (char c : value) {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (ms > (UINT64_MAX - digit) / 10) return;  // out of range: ignored like any bad value
      ms = ms * 10 + digit;
    }
    retry_ms_ = ms;
  }
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (has_data_) {
    data_.pop_back();  // the "\n" after the last data line
    SseEvent event;
    event.type = type_.empty() ? "message" : std::move(type_);
    event.data = std::move(data_);
    event.id = last_id_;
    out.push_back(std::move(event));
  }
  data_.clear();
  has_data_ = false;
  type_.clear();
}

}  // namespace strata::llm
