#include "embed/text_embed.h"

#include <map>

#include "common/error.h"
#include "common/setting.h"
#include "embed/model_prefixes.h"
#include <variant>

namespace strata::embed {
namespace {

// Results arrive in completion order; this holds them until everything before is out.
class OrderedSink final : public VectorSink {
 public:
  explicit OrderedSink(TextOutput& out) : out_(out) {}

  std::optional<Vector> cached(const std::string&) override { return std::nullopt; }

  void store(std::span<const Embedded> done) override {
    for (const Embedded& e : done) {
      for (const std::int64_t key : e.keys) ready_.emplace(key, e.vector);
    }
    flush();
  }

  void refused(const FailedInput& f) override {
    ready_.emplace(f.key, Failure{f.label, f.message});
    flush();
  }

 private:
  struct Failure {
    std::string label;
    std::string message;
  };

  void flush() {
    while (!ready_.empty() && ready_.begin()->first == next_) {
      auto node = ready_.extract(ready_.begin());
      if (const auto* v = std::get_if<Vector>(&node.mapped())) {
        out_.vector(next_, *v);
      } else {
        const auto& f = std::get<Failure>(node.mapped());
        out_.failed(next_, f.label, f.message);
      }
      ++next_;
    }
  }

  TextOutput& out_;
  std::map<std::int64_t, std::variant<Vector, Failure>> ready_;
  std::int64_t next_ = 0;
};

}  // namespace

TextEmbedResult embed_texts(InputSource& source, const EmbedSettings& settings, EmbedObserver& observer, TextOutput& out) {
  if (settings.switch_model) throw Error(ExitCode::usage, mention(Setting::switch_model) + " applies to a collection, not to " + mention(Setting::text) + ", - or " + mention(Setting::jsonl));
  ResolvedEmbedder r = resolve_embedder(settings, std::nullopt);
  // Texts are not a collection's: they get the prefix the user gives (as a document or as a
  // query), never a model's own unasked, so a text's vector is what it always was.
  if (settings.query_prefix && settings.document_prefix) {
    throw Error(ExitCode::usage,
                mention(Setting::query_prefix) + " and " + mention(Setting::document_prefix) + " both given: a text is embedded with one",
                "give the one the texts are: queries or documents");
  }
  PrefixedSource prefixed(source, settings.query_prefix ? r.prefixes.query : settings.document_prefix ? r.prefixes.document : "");
  OrderedSink sink(out);
  TextEmbedResult result;
  result.report = run_pipeline(*r.provider, r.pipeline, prefixed, sink, observer);
  result.provider = r.provider->name();
  result.model = r.provider->model();
  result.dimensions = r.provider->dimensions();
  return result;
}

}  // namespace strata::embed
