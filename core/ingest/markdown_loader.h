#pragma once
// Markdown as it is (the "markdown" loader, and an external converter's output): the text is the
// file's, headings already "# " lines for the markdown chunking strategy.
#include <string_view>

#include "ingest/document.h"

namespace strata::ingest {

// load_text (text_loader.h), with a title: YAML front matter's `title:`, else the first level-1
// heading outside fenced code (an ATX "# " heading anywhere wins over a Setext "===" one); empty
// when none.
LoadedDocument load_markdown(std::string_view bytes, const LoadProgress& progress = {});

}  // namespace strata::ingest
