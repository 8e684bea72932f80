#include "ingest/office/html_writer.h"

#include <algorithm>

#include "common/text.h"

namespace strata::ingest::office {
namespace {

std::string heading_tag(int level) { return "h" + std::to_string(std::clamp(level, 1, 6)); }

}  // namespace

void HtmlWriter::open(Block block, int level) {
  if (cells_ > 0) {
    if (cell_has_text_) html_ += ' ';
    return;
  }
  if (block != Block::list_item) close_list();
  switch (block) {
    case Block::paragraph: html_ += "<p>"; break;
    case Block::heading: html_ += "<" + heading_tag(level) + ">"; break;
    case Block::list_item:
      if (!list_open_) html_ += "<ul>";
      list_open_ = true;
      html_ += "<li>";
      break;
  }
}

void HtmlWriter::close(Block block, int level) {
  if (cells_ > 0) return;
  switch (block) {
    case Block::paragraph: html_ += "</p>\n"; break;
    case Block::heading: html_ += "</" + heading_tag(level) + ">\n"; break;
    case Block::list_item: html_ += "</li>\n"; break;
  }
}

void HtmlWriter::close_list() {
  if (list_open_) html_ += "</ul>\n";
  list_open_ = false;
}

void HtmlWriter::begin(Block block, int level) {
  if (!blocks_.empty()) close(blocks_.back().block, blocks_.back().level);
  blocks_.push_back({block, level});
  open(block, level);
}

void HtmlWriter::end() {
  if (blocks_.empty()) return;
  close(blocks_.back().block, blocks_.back().level);
  blocks_.pop_back();
  if (!blocks_.empty()) {
    // What follows belongs to the interrupted block: a plain paragraph from here on.
    blocks_.back() = {Block::paragraph, 0};
    open(Block::paragraph, 0);
  }
}

void HtmlWriter::text(std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': html_ += "&amp;"; break;
      case '<': html_ += "&lt;"; break;
      case '>': html_ += "&gt;"; break;
      case '\0': break;
      default: html_ += c;
    }
  }
  if (!text.empty()) cell_has_text_ = true;
}

void HtmlWriter::line_break() { html_ += cells_ > 0 ? " " : "<br>"; }

std::optional<TablePart> ooxml_table_part(std::string_view local_name) {
  if (local_name == "tbl") return TablePart::table;
  if (local_name == "tr") return TablePart::row;
  if (local_name == "tc") return TablePart::cell;
  return std::nullopt;
}

void HtmlWriter::begin(TablePart part) {
  switch (part) {
    case TablePart::table:
      close_list();
      html_ += "<table>\n";
      break;
    case TablePart::row: html_ += "<tr>"; break;
    case TablePart::cell:
      html_ += "<td>";
      ++cells_;
      cell_has_text_ = false;
      break;
  }
}

void HtmlWriter::end(TablePart part) {
  switch (part) {
    case TablePart::table: html_ += "</table>\n"; break;
    case TablePart::row: html_ += "</tr>\n"; break;
    case TablePart::cell:
      if (cells_ > 0) --cells_;
      html_ += "</td>";
      break;
  }
}

void PendingNotes::add(std::string mark, std::string_view text) {
  text = trim(text);
  if (!text.empty()) notes_.emplace_back(std::move(mark), std::string(text));
}

void PendingNotes::flush(HtmlWriter& writer) {
  for (const auto& [mark, text] : notes_) {
    writer.begin(Block::paragraph);
    writer.text("[" + mark + "] " + text);
    writer.end();
  }
  notes_.clear();
}

std::string image_text(std::string_view title, std::string_view description) {
  title = trim(title);
  description = trim(description);
  if (title == description) description = {};
  if (title.empty() && description.empty()) return {};
  std::string out = "[image: ";
  out += title;
  if (!title.empty() && !description.empty()) out += title.ends_with('.') ? " " : ". ";
  out += description;
  return out + "]";
}

std::string HtmlWriter::take() {
  close_list();
  std::string out = std::move(html_);
  html_.clear();
  blocks_.clear();
  cells_ = 0;
  cell_has_text_ = false;
  return out;
}

}  // namespace strata::ingest::office
