#pragma once
// What the embedder is given for a chunk of a document. The document's title comes first, as a
// reader sees it above the text (a chunk from the middle of a page often never names what the
// page is about, and a JSONL record with only a title has no text at all), then the chunk's text.
// The vector cache is keyed by this input, so a chunk embedded again with the same title and text
// costs nothing.
//
// Vectors made before titles were part of the input (stores of schema 6 and older) are kept: they
// are still vectors of the chunk's text under the collection's model, comparable with the rest,
// and re-embedding a collection with a server model costs money the user did not ask to spend.
// Chunks written from then on are embedded with their titles; `strata ingest --rechunk` followed
// by `strata embed` re-embeds a whole collection with them.
#include <string>
#include <string_view>

namespace strata::embed {

// "TITLE\n\nTEXT", with the title's first store::k_indexed_title_chars characters (the keyword
// index's share of it: a long "title" must not crowd the text out of the model's input); the
// text alone when the title is empty (so an untitled chunk's input, and
// its cached vector, are what they were), the title alone when the text is empty.
std::string chunk_embed_input(std::string_view title, std::string_view text);

}  // namespace strata::embed
