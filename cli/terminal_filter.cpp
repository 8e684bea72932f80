#include "terminal_filter.h"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <vector>

namespace strata::cli {
namespace {

// How a colour code relates to the bytes at an ESC: all of it there, only its start (the
// piece ended), or neither.
enum class Match { none, prefix, whole };

Match colour_at(std::string_view rest, std::size_t& length) {
  Match best = Match::none;
  for (std::string_view code : k_colours) {
    if (rest.starts_with(code)) {
      length = code.size();
      return Match::whole;
    }
    if (rest.size() < code.size() && code.starts_with(rest)) best = Match::prefix;
  }
  return best;
}

}  // namespace

// Text between colour codes, line by line: each newline is written by the filter itself after
// the sanitiser has ended whatever the line left open, so no sequence outlives its line.
std::string TerminalText::plain(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      out += sanitizer_.feed(text);
      break;
    }
    out += sanitizer_.feed(text.substr(0, newline));
    out += sanitizer_.finish();
    out += '\n';
    text.remove_prefix(newline + 1);
  }
  return out;
}

std::string TerminalText::feed(std::string_view piece) {
  std::string joined;
  if (!carry_.empty()) {
    joined = carry_;
    joined.append(piece);
    carry_.clear();
    piece = joined;
  }
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = piece.find('\x1b'); at != std::string_view::npos; at = piece.find('\x1b', at)) {
    std::size_t length = 0;
    const Match m = colour_at(piece.substr(at), length);
    if (m == Match::none) {
      ++at;
      continue;
    }
    out += plain(piece.substr(from, at - from));
    if (m == Match::prefix) {  // the rest of the code may come with the next piece
      carry_.assign(piece.substr(at));
      return out;
    }
    out += sanitizer_.finish();  // a colour code ends any sequence the text before it left open
    out.append(piece.substr(at, length));
    at += length;
    from = at;
  }
  out += plain(piece.substr(from));
  return out;
}

std::string TerminalText::finish() {
  std::string out = plain(carry_);
  carry_.clear();
  out += sanitizer_.finish();
  return out;
}

TerminalFilterBuf::~TerminalFilterBuf() {
  const std::string rest = text_.finish();
  if (!rest.empty()) to_->sputn(rest.data(), static_cast<std::streamsize>(rest.size()));
  to_->pubsync();
}

bool TerminalFilterBuf::send(const std::string& bytes) {
  if (bytes.empty()) return true;
  const auto n = static_cast<std::streamsize>(bytes.size());
  return to_->sputn(bytes.data(), n) == n;
}

void TerminalFilterBuf::write_control(std::string_view sequence) {
  const std::lock_guard lock(mutex_);
  send(text_.finish() + std::string(sequence));
}

void TerminalFilterBuf::set_filtering(bool on) {
  const std::lock_guard lock(mutex_);
  send(text_.finish());
  filtering_ = on;
}

TerminalFilterBuf::int_type TerminalFilterBuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  const char c = traits_type::to_char_type(ch);
  return xsputn(&c, 1) == 1 ? ch : traits_type::eof();
}

std::streamsize TerminalFilterBuf::xsputn(const char* s, std::streamsize n) {
  const std::lock_guard lock(mutex_);
  const std::string_view piece(s, static_cast<std::size_t>(n));
  if (!filtering_) return to_->sputn(s, n);
  return send(text_.feed(piece)) ? n : 0;
}

int TerminalFilterBuf::sync() {
  const std::lock_guard lock(mutex_);
  return to_->pubsync();
}

namespace {

// The installed filters; destroyed at exit (before the standard streams' own final flush),
// putting the streams' buffers back first.
struct Installed {
  struct One {
    std::ostream* stream;
    std::unique_ptr<TerminalFilterBuf> filter;
  };
  std::vector<One> filters;
  ~Installed() {
    for (One& o : filters) {
      o.stream->flush();
      o.stream->rdbuf(o.filter->target());
      o.filter.reset();
    }
  }
};

Installed& installed() {
  static Installed i;
  return i;
}

TerminalFilterBuf* filter_of(std::ostream& out) {
  for (Installed::One& o : installed().filters) {
    if (o.stream == &out) return o.filter.get();
  }
  return nullptr;
}

}  // namespace

void install_terminal_filters() {
  static const bool done = [] {
    const struct {
      std::ostream* stream;
      int fd;
    } streams[] = {{&std::cout, STDOUT_FILENO}, {&std::cerr, STDERR_FILENO}, {&std::clog, STDERR_FILENO}};
    for (const auto& s : streams) {
      if (::isatty(s.fd) != 1) continue;
      auto filter = std::make_unique<TerminalFilterBuf>(s.stream->rdbuf());
      s.stream->rdbuf(filter.get());
      installed().filters.push_back({s.stream, std::move(filter)});
    }
    return true;
  }();
  (void)done;
}

void erase_line(std::ostream& out) {
  constexpr std::string_view k_erase = "\r\x1b[K";
  if (TerminalFilterBuf* f = filter_of(out)) {
    out.flush();
    f->write_control(k_erase);
  } else {
    out << k_erase;
  }
  out.flush();
}

void filter_stdout(bool on) {
  if (TerminalFilterBuf* f = filter_of(std::cout)) f->set_filtering(on);
}

}  // namespace strata::cli
