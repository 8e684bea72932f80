#pragma once
// The HTML the office module hands to core's HTML loader (ingest/html_loader.h), which renders it
// as the markdown-like text every format ends up as. Word processing and slide formats all come
// down to the same few things: paragraphs, headings, list items, line breaks, tables.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ingest::office {

enum class Block { paragraph, heading, list_item };
enum class TablePart { table, row, cell };

// WordprocessingML and DrawingML (slides) name them alike: tbl, tr, tc.
std::optional<TablePart> ooxml_table_part(std::string_view local_name);

class HtmlWriter {
 public:
  // A paragraph, a heading (level 1–9; above 6 written as 6) or a list item. Blocks may nest (a
  // text box inside a paragraph): the inner one interrupts the outer, which goes on after it as
  // a plain paragraph. Inside a table cell, blocks are separated by a space only.
  void begin(Block block, int level = 0);
  void end();

  void text(std::string_view text);  // escaped; runs of whitespace collapse when rendered
  void line_break();

  // Tables, possibly nested; a cell outside a row, or a row outside a table, is still written
  // (the HTML parser repairs it) and never unbalances what follows.
  void begin(TablePart part);
  void end(TablePart part);

  // The document so far; the writer is empty afterwards.
  std::string take();
  bool empty() const { return html_.empty(); }

 private:
  void open(Block block, int level);
  void close(Block block, int level);
  void close_list();

  std::string html_;
  struct Open {
    Block block;
    int level;
  };
  std::vector<Open> blocks_;
  int cells_ = 0;          // open table cells
  bool list_open_ = false;  // a <ul> waits for more items
  bool cell_has_text_ = false;
};

// Footnotes and endnotes. The mark stays where the reference is ("…as shown[1]."), and the
// note's text follows the paragraph, or the table, that holds the reference, as a paragraph of
// its own ("[1] The note."): a chunk that finds the sentence holds its note, and a search that
// finds the note finds it beside what it annotates (at the end of the document it would sit
// under the last heading, far from its context).
class PendingNotes {
 public:
  // A note referenced in the block being written; `text` is trimmed, a note without text kept
  // out.
  void add(std::string mark, std::string_view text);
  // Writes the notes held, each as a paragraph, and forgets them.
  // REQUIRES: no block of `writer` is open (the referencing paragraph or table has ended).
  void flush(HtmlWriter& writer);

 private:
  std::vector<std::pair<std::string, std::string>> notes_;
};

// An image's alternative text as the document's text: "[image: Title. Description]", either
// part alone when the other is empty or the same; "" when both are empty.
std::string image_text(std::string_view title, std::string_view description);

}  // namespace strata::ingest::office
