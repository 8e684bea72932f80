#pragma once
// GET /v1/models: each collection the caller may read is a model, "strata/<collection>".
#include <nlohmann/json.hpp>
#include <vector>

#include "openai/chat.h"
#include "store/collections.h"

namespace strata::openai {

// {"id": "strata/<name>", "object": "model", "created", "owned_by": "strata"}; created is the
// collection's creation time in Unix seconds (0 when the store's text is not a UTC time).
nlohmann::json model_json(const store::CollectionInfo& collection);
// {"object": "list", "data": [model_json...]} of `collections`, in order: those the caller may
// read, as its session lists them (service::Session::collections).
nlohmann::json models_json(const std::vector<store::CollectionInfo>& collections);

}  // namespace strata::openai
