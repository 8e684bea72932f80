#pragma once
// Text and source code as they are (the "text" and "code" loaders): the file's own lines are the
// document's, so chunks cite them directly.
#include <string_view>

#include "ingest/document.h"

namespace strata::ingest {

// The bytes decoded to UTF-8 (text_decoding.h: UTF-8, UTF-16 with a BOM, else Windows-1252);
// `encoding` and `repaired_bytes` say how. No title. `progress` is not called: one step.
LoadedDocument load_text(std::string_view bytes, const LoadProgress& progress = {});

}  // namespace strata::ingest
