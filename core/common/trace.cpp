#include "common/trace.h"

#include <atomic>
#include <mutex>
#include <random>

namespace strata::trace {

namespace {

std::atomic<bool> g_enabled{false};
std::atomic<bool> g_content{false};  // records_content()
std::mutex g_sink_mutex;
std::shared_ptr<Sink> g_sink;  // guarded by g_sink_mutex; read once per ended span

thread_local SpanContext t_current;

// Ids need to be unique, not secret: a generator per thread, seeded once from the system.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 g{[] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }()};
  return g;
}

template <std::size_t N>
std::array<std::uint8_t, N> random_id() {
  std::array<std::uint8_t, N> id{};
  while (true) {
    for (std::size_t i = 0; i < N; i += 8) {
      std::uint64_t v = generator()();
      for (std::size_t j = 0; j < 8 && i + j < N; ++j, v >>= 8) id[i + j] = static_cast<std::uint8_t>(v & 0xFF);
    }
    for (const std::uint8_t b : id) {
      if (b != 0) return id;
    }
  }
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& id) {
  for (const std::uint8_t b : id) {
    if (b != 0) return false;
  }
  return true;
}

template <std::size_t N>
void put_hex(std::string& out, const std::array<std::uint8_t, N>& id) {
  static constexpr char k_hex[] = "0123456789abcdef";
  for (const std::uint8_t b : id) {
    out += k_hex[b >> 4];
    out += k_hex[b & 0xF];
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is not valid in version 00
}

template <std::size_t N>
bool read_hex(std::string_view text, std::array<std::uint8_t, N>& id) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_digit(text[2 * i]);
    const int lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    id[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

bool SpanContext::valid() const { return !all_zero(trace_id) && !all_zero(span_id); }

std::string traceparent(const SpanContext& context) {
  std::string out = "00-";
  put_hex(out, context.trace_id);
  out += '-';
  put_hex(out, context.span_id);
  out += context.sampled ? "-01" : "-00";
  return out;
}

std::optional<SpanContext> parse_traceparent(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  // 00-<32 hex>-<16 hex>-<2 hex>: 55 characters.
  if (value.size() != 55 || value[2] != '-' || value[35] != '-' || value[52] != '-' || value.substr(0, 2) != "00") {
    return std::nullopt;
  }
  SpanContext c;
  std::array<std::uint8_t, 1> flags{};
  if (!read_hex(value.substr(3, 32), c.trace_id) || !read_hex(value.substr(36, 16), c.span_id) ||
      !read_hex(value.substr(53, 2), flags) || !c.valid()) {
    return std::nullopt;
  }
  c.sampled = (flags[0] & 0x01) != 0;
  return c;
}

void set_sink(std::shared_ptr<Sink> sink) {
  const std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
  g_enabled = g_sink != nullptr;
}

bool enabled() { return g_enabled.load(std::memory_order_relaxed); }

void set_record_content(bool on) { g_content.store(on, std::memory_order_relaxed); }
bool records_content() { return g_content.load(std::memory_order_relaxed); }

SpanContext current() { return t_current; }

Scope::Scope(const SpanContext& context) : previous_(t_current) { t_current = context; }
Scope::~Scope() { t_current = previous_; }

Span Span::start(std::string name, Kind kind, bool root) {
  if (!enabled()) return {};
  const SpanContext parent = t_current;
  if (!parent.valid() && !root) return {};
  return start_from(std::move(name), kind, parent.valid() ? std::optional<SpanContext>(parent) : std::nullopt);
}

Span Span::start_from(std::string name, Kind kind, const std::optional<SpanContext>& remote) {
  Span s;
  if (!enabled()) return s;
  s.context_.trace_id = remote ? remote->trace_id : random_id<16>();
  s.context_.span_id = random_id<8>();
  s.context_.sampled = remote ? remote->sampled : true;
  if (!s.context_.sampled) return s;  // passes the ids on, records nothing
  s.data_ = std::make_unique<SpanData>();
  s.data_->context = s.context_;
  if (remote) s.data_->parent = remote->span_id;
  s.data_->name = std::move(name);
  s.data_->kind = kind;
  s.data_->start = std::chrono::system_clock::now();
  return s;
}

Span::Span(Span&& other) noexcept : data_(std::move(other.data_)), context_(other.context_) { other.context_ = {}; }

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    data_ = std::move(other.data_);
    context_ = other.context_;
    other.context_ = {};
  }
  return *this;
}

Span::~Span() { end(); }

SpanContext Span::context() const { return context_; }

Span& Span::set(std::string key, Value value) {
  if (data_) data_->attributes.emplace_back(std::move(key), std::move(value));
  return *this;
}

Span& Span::fail(std::string message) {
  if (data_) data_->error = std::move(message);
  return *this;
}

void Span::end() {
  if (!data_) return;
  data_->end = std::chrono::system_clock::now();
  std::shared_ptr<Sink> sink;
  {
    const std::lock_guard lock(g_sink_mutex);
    sink = g_sink;
  }
  if (sink) sink->record(std::move(*data_));
  data_.reset();
}

}  // namespace strata::trace
