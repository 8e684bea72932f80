#pragma once
// Traces (OpenTelemetry's model: a trace of spans, each with a parent) of what a server does for
// a request: the request itself, then retrieval, reranking, each model call, each tool call and
// each job's run under it. The seam every area uses: a span is started here and handed, when it
// ends, to the process's sink (net/otlp_exporter.h sends them to a collector); without a sink
// (every command but a traced `strata serve`) a span is an inactive value that costs a check of
// one atomic flag.
//
// The parent of a new span is the calling thread's current context (Scope sets it), so a stage
// deep in core needs nothing passed down to it; work handed to another thread takes the context
// with it (current(), then a Scope on that thread). A remote parent comes in W3C Trace Context's
// `traceparent` header and goes out in it (parse_traceparent, traceparent).
//
// What a span records is the caller's choice, and the callers keep to names and numbers: a
// route, a status, a model, token counts, a caller's name; never a token or a key, and what
// people asked (a search's query, and so an answer's question) only when the operator says so
// (records_content).
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace strata::trace {

struct SpanContext {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> span_id{};
  bool sampled = true;
  bool valid() const;  // a trace id and a span id not all zero
};

// "00-<trace id>-<span id>-<flags>", lower-case hex (W3C Trace Context, version 00).
std::string traceparent(const SpanContext& context);
// The context of a `traceparent` value; nullopt for one that is malformed, of an unknown form
// of version 00, or all zeros (the header is then ignored: a new trace starts).
std::optional<SpanContext> parse_traceparent(std::string_view value);

enum class Kind { internal = 1, server = 2, client = 3 };

using Value = std::variant<std::string, std::int64_t, double, bool>;

struct SpanData {
  SpanContext context;
  std::optional<std::array<std::uint8_t, 8>> parent;  // unset: a root span
  std::string name;
  Kind kind = Kind::internal;
  std::chrono::system_clock::time_point start, end;
  std::vector<std::pair<std::string, Value>> attributes;
  std::optional<std::string> error;  // set: the span's status is an error, with this message
};

// Where ended spans go. record() is called on the thread that ends the span and must not block.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void record(SpanData span) = 0;
};

// The process's sink (none: tracing off). Set once at start, before any span.
void set_sink(std::shared_ptr<Sink> sink);
bool enabled();

// Whether spans may carry the words people ask (strata serve --otlp-content): a collector is
// often read by more people than the questions' askers, so off unless the operator turns it on.
// Set once at start.
void set_record_content(bool on);
bool records_content();

// The calling thread's current context (invalid when there is none).
SpanContext current();

// Makes `context` the calling thread's current one until it is destroyed (the one before is
// restored then). An invalid context clears it.
class Scope {
 public:
  explicit Scope(const SpanContext& context);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  SpanContext previous_;
};

class Span {
 public:
  Span() = default;  // inactive
  // A span under the thread's current context; inactive when tracing is off, or when there is no
  // current context and `root` is false (a stage outside any traced request records nothing).
  static Span start(std::string name, Kind kind = Kind::internal, bool root = false);
  // A root span of this process, under `remote` when given (a request's traceparent), whose
  // sampled flag it keeps (an unsampled trace records nothing, yet passes its ids on).
  static Span start_from(std::string name, Kind kind, const std::optional<SpanContext>& remote);

  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span();  // end()

  bool active() const { return data_ != nullptr; }
  // The span's context (invalid when inactive): what a Scope and a traceparent take.
  SpanContext context() const;
  Span& set(std::string key, Value value);
  Span& fail(std::string message);
  // Ends it now and hands it to the sink; later calls do nothing.
  void end();

 private:
  std::unique_ptr<SpanData> data_;
  SpanContext context_;  // kept when inactive but passing on a remote parent's ids
};

// A span under the current context that is itself current while it lives: a stage of work on
// one thread (`Stage s("retrieval");`).
class Stage {
 public:
  explicit Stage(std::string name, Kind kind = Kind::internal) : span_(Span::start(std::move(name), kind)), scope_(span_.context()) {}
  Span& span() { return span_; }

 private:
  Span span_;
  Scope scope_;
};

}  // namespace strata::trace
