#include "openai/embeddings.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>

#include "common/error.h"
#include "embed/input_fit.h"
#include "embed/model_registry.h"
#include "embed/pipeline.h"
#include "openai/refusal.h"
#include "store/collections.h"

namespace strata::openai {

using nlohmann::json;

namespace {

std::vector<std::string> inputs_of(const json& body) {
  const auto it = body.find("input");
  if (it == body.end() || it->is_null()) refuse("'input' is required", "input");
  if (it->is_string()) {
    if (it->get_ref<const std::string&>().empty()) refuse("'input' is empty", "input");
    if (it->get_ref<const std::string&>().size() > k_embedding_input_bytes_max) {
      refuse("'input' is longer than " + std::to_string(k_embedding_input_bytes_max >> 10) + " KiB", "input");
    }
    return {it->get<std::string>()};
  }
  if (!it->is_array() || it->empty()) refuse("'input' must be a string or a non-empty array of strings", "input");
  if (it->size() > k_embedding_inputs_max) {
    refuse("'input' holds " + std::to_string(it->size()) + " texts; at most " + std::to_string(k_embedding_inputs_max) + " are embedded at once",
           "input");
  }
  std::vector<std::string> inputs;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    const std::string at = "input[" + std::to_string(i) + "]";
    if (item.is_number_integer() || item.is_array()) {
      refuse("token arrays are not supported: strata embeds text, give 'input' as strings", at, "unsupported_parameter");
    }
    if (!item.is_string()) refuse("'" + at + "' must be a string", at);
    const std::string& text = item.get_ref<const std::string&>();
    if (text.empty()) refuse("'" + at + "' is empty", at);
    if (text.size() > k_embedding_input_bytes_max) refuse("'" + at + "' is longer than " + std::to_string(k_embedding_input_bytes_max >> 10) + " KiB", at);
    bytes += text.size();
    if (bytes > k_embedding_bytes_max) refuse("'input' holds more than " + std::to_string(k_embedding_bytes_max >> 20) + " MiB of text", "input");
    inputs.push_back(text);
  }
  return inputs;
}

bool is_local_model(const std::string& name) {
  const std::optional<embed::ModelInfo> info = embed::find_model(name);
  return info && info->local;
}

EmbeddingsRequest read_embeddings(const json& body, const CollectionAllowed& allowed) {
  if (!body.is_object()) refuse("the request body must be a JSON object", "");
  for (const auto& [key, value] : body.items()) {
    if (key != "input" && key != "model" && key != "encoding_format" && key != "dimensions" && key != "user") {
      refuse("Unrecognized request argument supplied: " + key, key, "unknown_parameter");
    }
  }
  const auto model = body.find("model");
  if (model == body.end() || model->is_null()) refuse("you must provide a model parameter", "model");
  if (!model->is_string()) refuse("'model' must be a string: strata/<collection> or a built-in model", "model");
  EmbeddingsRequest request;
  request.model = model->get<std::string>();
  request.collection = collection_of(request.model);
  if (request.collection ? (!allowed || !allowed(*request.collection)) : !is_local_model(request.model)) {
    throw Refusal{model_not_found(request.model)};
  }
  request.inputs = inputs_of(body);
  if (const auto f = body.find("encoding_format"); f != body.end() && !f->is_null()) {
    if (*f == "float") {
      request.format = EncodingFormat::float_list;
    } else if (*f == "base64") {
      request.format = EncodingFormat::base64;
    } else {
      refuse("'encoding_format' must be float or base64", "encoding_format");
    }
  }
  if (const auto d = body.find("dimensions"); d != body.end() && !d->is_null()) {
    if (!d->is_number_integer() || d->get<std::int64_t>() < 1 || d->get<std::int64_t>() > 65536) {
      refuse("'dimensions' must be an integer from 1 to 65536", "dimensions");
    }
    request.dimensions = static_cast<std::size_t>(d->get<std::int64_t>());
  }
  if (const auto u = body.find("user"); u != body.end() && !u->is_null() && !u->is_string()) refuse("'user' must be a string", "user");
  return request;
}

class Inputs final : public embed::InputSource {
 public:
  explicit Inputs(const std::vector<std::string>& texts) : texts_(texts) {}
  bool next(std::vector<embed::EmbedInput>& page) override {
    if (done_) return false;
    done_ = true;
    for (std::size_t i = 0; i < texts_.size(); ++i) {
      page.push_back({static_cast<std::int64_t>(i), texts_[i], "input[" + std::to_string(i) + "]"});
    }
    return !page.empty();
  }

 private:
  const std::vector<std::string>& texts_;
  bool done_ = false;
};

class Collect final : public embed::VectorSink {
 public:
  explicit Collect(std::size_t n) : vectors(n) {}
  std::optional<embed::Vector> cached(const std::string&) override { return std::nullopt; }
  void store(std::span<const embed::Embedded> done) override {
    for (const embed::Embedded& e : done) {
      for (const std::int64_t key : e.keys) {
        if (key >= 0 && static_cast<std::size_t>(key) < vectors.size()) vectors[static_cast<std::size_t>(key)] = e.vector;
      }
    }
  }
  void refused(const embed::FailedInput& f) override {
    if (!failure) failure = f;
  }
  std::vector<embed::Vector> vectors;
  std::optional<embed::FailedInput> failure;
};

Embeddings embed(store::Store& store, const EmbeddingsRequest& request, embed::EmbedSettings settings) {
  std::optional<store::EmbeddingModel> recorded;
  if (request.collection) {
    const std::optional<store::CollectionInfo> c = store::find_collection(store, *request.collection);
    if (!c) throw Refusal{model_not_found(request.model)};
    if (!c->embedding_model) {
      refuse("collection '" + *request.collection + "' has no vectors, so no embedding model: embed it first, or name a built-in model (" +
                 embed::known_models().front().name + ")",
             "model");
    }
    recorded = c->embedding_model;
    settings.provider = recorded->provider;
    settings.model = recorded->model;
    settings.collection = c->name;
  } else {
    settings.provider = "local";
    settings.model = request.model;
  }
  settings.switch_model = false;
  settings.strict = true;  // an input longer than the model reads is refused, not cut
  const std::size_t known = recorded ? static_cast<std::size_t>(std::max<std::int64_t>(0, recorded->dimensions)) : 0;
  embed::ResolvedEmbedder r = embed::resolve_embedder(settings, recorded, known);
  if (recorded && (r.provider->name() != recorded->provider || r.provider->model() != recorded->model)) {
    throw Error(ExitCode::unavailable, "the embedder resolved for collection '" + *request.collection + "' is not its recorded model");
  }
  r.pipeline.strict = true;
  r.pipeline.use_cache = false;
  Inputs source(request.inputs);
  Collect sink(request.inputs.size());
  embed::EmbedObserver quiet;
  const embed::EmbedReport report = embed::run_pipeline(*r.provider, r.pipeline, source, sink, quiet);
  if (sink.failure) refuse(sink.failure->label + ": " + sink.failure->message, sink.failure->label);
  if (report.fatal) throw Error(ExitCode::unavailable, "embedding with " + r.provider->name() + " " + r.provider->model() + ": " + report.fatal->message);
  Embeddings out;
  out.vectors = std::move(sink.vectors);
  for (std::size_t i = 0; i < out.vectors.size(); ++i) {
    if (out.vectors[i].empty()) throw Error(ExitCode::unavailable, "input[" + std::to_string(i) + "] got no vector");
    if (request.dimensions && out.vectors[i].size() != *request.dimensions) {
      refuse("'dimensions' must be the model's own, " + std::to_string(out.vectors[i].size()) + ": strata shortens no vector",
             "dimensions", "unsupported_parameter");
    }
  }
  for (const std::string& text : request.inputs) out.prompt_tokens += embed::count_tokens(text);
  return out;
}

std::string base64(const embed::Vector& v) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  bytes.reserve(v.size() * 4);
  for (const float f : v) {
    const auto u = std::bit_cast<std::uint32_t>(f);
    for (int b = 0; b < 4; ++b) bytes += static_cast<char>((u >> (8 * b)) & 0xFF);  // little-endian
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? k_alphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
  }
  return out;
}

}  // namespace

Read<EmbeddingsRequest> read_embeddings_request(const json& body, const CollectionAllowed& allowed) {
  try {
    return {.value = read_embeddings(body, allowed), .error = std::nullopt};
  } catch (Refusal& r) {
    return {.value = std::nullopt, .error = std::move(r.error)};
  }
}

Read<Embeddings> embed_inputs(store::Store& store, const EmbeddingsRequest& request, embed::EmbedSettings base) {
  try {
    return {.value = embed(store, request, std::move(base)), .error = std::nullopt};
  } catch (Refusal& r) {
    return {.value = std::nullopt, .error = std::move(r.error)};
  }
}

json embeddings_json(const Embeddings& embeddings, const EmbeddingsRequest& request) {
  json data = json::array();
  for (std::size_t i = 0; i < embeddings.vectors.size(); ++i) {
    const embed::Vector& v = embeddings.vectors[i];
    data.push_back({{"object", "embedding"},
                    {"index", i},
                    {"embedding", request.format == EncodingFormat::base64 ? json(base64(v)) : json(v)}});
  }
  return json{{"object", "list"},
              {"data", std::move(data)},
              {"model", request.model},
              {"usage", {{"prompt_tokens", embeddings.prompt_tokens}, {"total_tokens", embeddings.prompt_tokens}}}};
}

}  // namespace strata::openai
