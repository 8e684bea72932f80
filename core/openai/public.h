#pragma once
// The public face of core/openai: the only header of the area that programs include.
//
// OpenAI's API over the service operations, as pure functions an HTTP server's routes call:
// POST /v1/chat/completions (chat.h: the request read into an ask, the answer as an object or
// SSE chunks), GET /v1/models (models.h), POST /v1/embeddings (embeddings.h), and errors in
// OpenAI's shape (api_error.h); their shapes for an OpenAPI document (shapes.h).
#include "openai/api_error.h"  // IWYU pragma: export
#include "openai/chat.h"  // IWYU pragma: export
#include "openai/embeddings.h"  // IWYU pragma: export
#include "openai/models.h"  // IWYU pragma: export
#include "openai/shapes.h"  // IWYU pragma: export
