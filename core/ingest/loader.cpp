#include "ingest/loader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "common/error.h"
#include "common/text.h"
#include "ingest/html_loader.h"
#include "ingest/office_loader.h"
#include "ingest/pdf_loader.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

using namespace std::string_view_literals;

enum class Kind { text, markdown, html, pdf, code, docx, odt, pptx, epub };

constexpr std::array<std::pair<std::string_view, Kind>, 9> kKindNames = {{
    {"text", Kind::text},
    {"markdown", Kind::markdown},
    {"html", Kind::html},
    {"pdf", Kind::pdf},
    {"code", Kind::code},
    {"docx", Kind::docx},
    {"odt", Kind::odt},
    {"pptx", Kind::pptx},
    {"epub", Kind::epub},
}};

std::optional<OfficeFormat> office_format_of(Kind kind) {
  switch (kind) {
    case Kind::docx: return OfficeFormat::docx;
    case Kind::odt: return OfficeFormat::odt;
    case Kind::pptx: return OfficeFormat::pptx;
    case Kind::epub: return OfficeFormat::epub;
    default: return std::nullopt;
  }
}

Kind kind_of(OfficeFormat format) {
  switch (format) {
    case OfficeFormat::docx: return Kind::docx;
    case OfficeFormat::odt: return Kind::odt;
    case OfficeFormat::pptx: return Kind::pptx;
    case OfficeFormat::epub: return Kind::epub;
  }
  return Kind::docx;
}

std::optional<Kind> kind_from_name(std::string_view name) {
  for (const auto& [n, kind] : kKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

std::string name_of(Kind kind) {
  for (const auto& [n, k] : kKindNames) {
    if (k == kind) return std::string(n);
  }
  return "text";
}

// ---- Picking the loader from the name -------------------------------------------------------

constexpr auto kMarkdownExtensions = std::to_array<std::string_view>({"md", "markdown", "mdx", "mkd"});
constexpr auto kHtmlExtensions = std::to_array<std::string_view>({"html", "htm", "xhtml"});
constexpr auto kTextExtensions = std::to_array<std::string_view>(
    {"txt", "rst", "adoc", "org", "csv", "tsv", "json", "yaml", "yml", "toml", "xml", "ini", "log"});
constexpr auto kCodeExtensions = std::to_array<std::string_view>(
    {"c",    "cc",    "cpp",  "cxx", "h",      "hh",   "hpp", "hxx",   "py",    "js",
     "mjs",  "cjs",   "ts",   "tsx", "jsx",    "go",   "rs",  "java",  "kt",    "kts",
     "swift", "rb",   "php",  "cs",  "scala",  "sh",   "bash", "zsh",  "fish",  "sql",
     "lua",  "pl",    "r",    "m",   "mm",     "hs",   "ml",  "ex",    "exs",   "erl",
     "clj",  "dart",  "vue",  "svelte", "css", "scss", "less", "cmake"});
// Zip packages, with their macro-enabled and template variants (the same formats).
constexpr auto kDocxExtensions = std::to_array<std::string_view>({"docx", "docm", "dotx", "dotm"});
constexpr auto kPptxExtensions = std::to_array<std::string_view>({"pptx", "pptm", "potx", "potm", "ppsx", "ppsm"});
constexpr auto kOdtExtensions = std::to_array<std::string_view>({"odt", "ott"});
// Build files known by their whole name, compared lower-case.
constexpr auto kCodeFileNames = std::to_array<std::string_view>(
    {"makefile", "gnumakefile", "dockerfile", "cmakelists.txt"});
// Skipped without reading further. Not "pdf": PDFs have their own loader.
constexpr auto kBinaryExtensions = std::to_array<std::string_view>(
    {"png", "jpg", "jpeg", "gif", "webp", "ico",   "zip", "gz",    "tgz",    "bz2",
     "xz",  "zst", "7z",   "tar", "jar",  "class", "o",   "a",     "so",     "dylib",
     "exe", "dll", "bin",  "wasm", "woff", "woff2", "ttf", "otf",  "mp3",    "mp4",
     "mov", "avi", "sqlite", "db", "pyc"});

template <std::size_t N>
bool listed_in(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The last path component: `name` may be a path (either separator) or a document id.
std::string_view file_name_of(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// "md" for "notes.MD" (lower-cased by the caller); "" for "Makefile" and for ".gitignore",
// whose dot starts a name rather than an extension.
std::string_view extension_of(std::string_view file_name) {
  const std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return file_name.substr(dot + 1);
}

std::optional<Kind> kind_from_file_name(std::string_view lower_name) {
  if (listed_in(kCodeFileNames, lower_name)) return Kind::code;
  const std::string_view ext = extension_of(lower_name);
  if (ext == "pdf") return Kind::pdf;
  if (listed_in(kMarkdownExtensions, ext)) return Kind::markdown;
  if (listed_in(kHtmlExtensions, ext)) return Kind::html;
  if (listed_in(kCodeExtensions, ext)) return Kind::code;
  if (listed_in(kTextExtensions, ext)) return Kind::text;
  if (listed_in(kDocxExtensions, ext)) return Kind::docx;
  if (listed_in(kPptxExtensions, ext)) return Kind::pptx;
  if (listed_in(kOdtExtensions, ext)) return Kind::odt;
  if (ext == "epub") return Kind::epub;
  return std::nullopt;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix) {
  return text.size() >= lower_prefix.size() &&
         to_lower(text.substr(0, lower_prefix.size())) == lower_prefix;
}

// The start of an HTML document or fragment, after leading whitespace: WHATWG MIME Sniffing's
// HTML patterns (section 7.1), then the other headings and the block elements a converter's
// fragment starts with (pandoc writes "<h2 id=…>" for a document that starts with "## "), each
// followed by a space or '>'. Compared ignoring case.
constexpr auto kHtmlStarts = std::to_array<std::string_view>(
    {"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table", "<a",
     "<style", "<title", "<b", "<body", "<br", "<p",
     "<h2", "<h3", "<h4", "<h5", "<h6", "<meta", "<section", "<article", "<main", "<header", "<nav",
     "<ul", "<ol", "<pre"});

bool is_tag_terminator(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '>'; }

std::string_view skip_html_space(std::string_view bytes) {
  const std::size_t start = bytes.find_first_not_of(" \t\r\n\f");
  return start == std::string_view::npos ? std::string_view{} : bytes.substr(start);
}

// `bytes` past what may come before the first tag of an HTML or XHTML page: whitespace, an XML
// declaration (<?xml …?>) and comments. Bounded: this is a sniff, not a parse.
std::string_view skip_prolog(std::string_view bytes) {
  for (int i = 0; i < 16; ++i) {
    bytes = skip_html_space(bytes);
    std::string_view close;
    if (bytes.substr(0, 5) == "<?xml") {
      close = "?>";
    } else if (bytes.substr(0, 4) == "<!--") {
      close = "-->";
    } else {
      return bytes;
    }
    const std::size_t end = bytes.find(close, 2);
    if (end == std::string_view::npos) return {};
    bytes.remove_prefix(end + close.size());
  }
  return bytes;
}

bool starts_as_html(std::string_view bytes) {
  return std::any_of(kHtmlStarts.begin(), kHtmlStarts.end(), [bytes](std::string_view start) {
    return bytes.size() > start.size() && starts_with_ignoring_case(bytes, start) &&
           is_tag_terminator(bytes[start.size()]);
  });
}

// For names that say nothing: README, LICENSE, a document id (standard input), an unknown
// extension. XHTML counts as HTML: an XML declaration and comments before the first tag are
// skipped.
Kind sniff_kind(std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-") return Kind::pdf;
  if (const auto format = sniff_office_format(bytes)) return kind_of(*format);
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return starts_as_html(skip_prolog(bytes)) ? Kind::html : Kind::text;
}

// ---- Binary content -------------------------------------------------------------------------

struct Magic {
  std::size_t offset;
  std::string_view bytes;
  std::string_view what;
};

// Signatures of the binary formats most likely to sit in a documentation or source tree. Formats
// whose headers contain a NUL early are caught by the NUL rule anyway; they are listed when the
// name makes a better warning. Each must be unlikely as the start of a text file.
constexpr auto kMagics = std::to_array<Magic>({
    {0, "\x89PNG\r\n\x1A\n"sv, "PNG image"},
    {0, "\xFF\xD8\xFF"sv, "JPEG image"},
    {0, "GIF87a"sv, "GIF image"},
    {0, "GIF89a"sv, "GIF image"},
    {0, "II*\0"sv, "TIFF image"},
    {0, "MM\0*"sv, "TIFF image"},
    {0, "\0\0\1\0"sv, "ICO image"},
    {0, "PK\3\4"sv, "ZIP archive"},
    {0, "PK\5\6"sv, "ZIP archive"},
    {0, "PK\7\x08"sv, "ZIP archive"},
    {0, "\x1F\x8B"sv, "gzip data"},
    {4, "1AY&SY"sv, "bzip2 data"},
    {0, "\xFD" "7zXZ\0"sv, "xz data"},
    {0, "\x28\xB5\x2F\xFD"sv, "zstd data"},
    {0, "7z\xBC\xAF\x27\x1C"sv, "7-Zip archive"},
    {0, "Rar!\x1A\x07"sv, "RAR archive"},
    {257, "ustar"sv, "tar archive"},
    {0, "!<arch>\n"sv, "ar archive (static library)"},
    {0, "\x7F" "ELF"sv, "ELF binary"},
    {0, "\xFE\xED\xFA\xCE"sv, "Mach-O binary"},
    {0, "\xFE\xED\xFA\xCF"sv, "Mach-O binary"},
    {0, "\xCE\xFA\xED\xFE"sv, "Mach-O binary"},
    {0, "\xCF\xFA\xED\xFE"sv, "Mach-O binary"},
    {0, "\xCA\xFE\xBA\xBE"sv, "Java class file or Mach-O universal binary"},
    {0, "SQLite format 3\0"sv, "SQLite database"},
    {0, "\0asm"sv, "WebAssembly module"},
    {0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv, "OLE2 document (old Microsoft Office)"},
    {0, "wOFF"sv, "WOFF font"},
    {0, "wOF2"sv, "WOFF2 font"},
    {0, "\0\1\0\0\0"sv, "TrueType font"},
    {0, "OTTO\0"sv, "OpenType font"},
    {0, "ID3\2"sv, "MP3 audio"},
    {0, "ID3\3"sv, "MP3 audio"},
    {0, "ID3\4"sv, "MP3 audio"},
    {0, "\xFF\xFB"sv, "MP3 audio"},
    {4, "ftyp"sv, "MP4/QuickTime media"},
    {0, "\x1A\x45\xDF\xA3"sv, "Matroska/WebM media"},
    {0, "OggS\0"sv, "Ogg media"},
    {0, "fLaC"sv, "FLAC audio"},
});

bool has_at(std::string_view bytes, std::size_t offset, std::string_view magic) {
  return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

// Windows executables start with "MZ", as does plenty of text; the PE header that the DOS header
// points to at 0x3C is what makes it a PE file.
bool is_pe_executable(std::string_view bytes) {
  if (!has_at(bytes, 0, "MZ") || bytes.size() < 0x40) return false;
  std::uint32_t pe_offset = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    pe_offset |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[0x3C + i])) << (8 * i);
  }
  return has_at(bytes, pe_offset, "PE\0\0"sv);
}

std::optional<std::string_view> binary_format_of(std::string_view bytes) {
  for (const Magic& m : kMagics) {
    if (has_at(bytes, m.offset, m.bytes)) return m.what;
  }
  if (is_pe_executable(bytes)) return "Windows executable (PE)";
  return std::nullopt;
}

bool has_utf16_bom(std::string_view bytes) {
  return bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF";
}

// Text never contains NUL, binary almost always does early on: git's heuristic, on the same
// 8 KiB. UTF-16 text is full of NULs, hence the BOM exception.
constexpr std::size_t kNulScanBytes = 8 * 1024;

std::optional<std::string> binary_reason(std::string_view bytes) {
  if (const auto format = binary_format_of(bytes)) return "binary file (" + std::string(*format) + ")";
  if (has_utf16_bom(bytes)) return std::nullopt;
  const std::string_view head = bytes.substr(0, kNulScanBytes);
  const std::size_t nul = head.find('\0');
  if (nul != std::string_view::npos) return "binary file (NUL byte at offset " + std::to_string(nul) + ")";
  return std::nullopt;
}

// ---- Markdown title -------------------------------------------------------------------------

// Splits text into lines (without "\n" or a trailing "\r"), one at a time.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  std::optional<std::string_view> next() {
    if (position_ > text_.size()) return std::nullopt;
    const std::size_t nl = std::min(text_.find('\n', position_), text_.size());
    std::string_view line = text_.substr(position_, nl - position_);
    position_ = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  // Byte offset of the next line.
  std::size_t position() const { return std::min(position_, text_.size()); }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

// `line` without up to three leading spaces; nullopt when indented four or more (code).
std::optional<std::string_view> unindented(std::string_view line) {
  std::size_t spaces = 0;
  while (spaces < line.size() && line[spaces] == ' ') ++spaces;
  if (spaces > 3) return std::nullopt;
  return line.substr(spaces);
}

std::string unquote_yaml(std::string_view value) {
  const bool quoted = value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
                      value.back() == value.front();
  if (!quoted) return std::string(trim(value.substr(0, value.find(" #"))));  // drop a comment
  const char quote = value.front();
  value = value.substr(1, value.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(value[i]);
    // '' is the only escape of a single-quoted YAML scalar.
    if (quote == '\'' && value[i] == '\'' && i + 1 < value.size() && value[i + 1] == '\'') ++i;
  }
  return out;
}

// YAML front matter: "---" on the first line, closed by "---" or "...".
struct FrontMatter {
  std::string title;            // the `title:` value; may be empty
  std::size_t body_start = 0;   // where the markdown after the front matter starts
};

FrontMatter read_front_matter(std::string_view text) {
  LineReader lines(text);
  const auto first = lines.next();
  if (!first || trim(*first) != "---") return {};
  FrontMatter fm;
  while (const auto line = lines.next()) {
    if (*line == "---" || *line == "...") {
      fm.body_start = lines.position();
      return fm;
    }
    if (fm.title.empty() && starts_with_ignoring_case(*line, "title:")) {
      fm.title = unquote_yaml(trim(line->substr(6)));
    }
  }
  return {};  // never closed: not front matter after all
}

// A fenced code block line: ``` or ~~~ (three or more) and what follows them.
struct Fence {
  char marker = 0;
  std::size_t length = 0;
  std::string_view info;
};

std::optional<Fence> fence_of(std::string_view line) {
  const auto body = unindented(line);
  if (!body || body->size() < 3 || (body->front() != '`' && body->front() != '~')) return std::nullopt;
  const char marker = body->front();
  const std::size_t length = std::min(body->find_first_not_of(marker), body->size());
  if (length < 3) return std::nullopt;
  return Fence{marker, length, body->substr(length)};
}

bool closes(const Fence& open, const Fence& line) {
  return line.marker == open.marker && line.length >= open.length && trim(line.info).empty();
}

// The text of an ATX level-1 heading ("# Title #"), or nullopt.
std::optional<std::string_view> atx_h1_of(std::string_view line) {
  const auto body = unindented(line);
  if (!body || body->empty() || body->front() != '#') return std::nullopt;
  if (body->size() > 1 && (*body)[1] != ' ' && (*body)[1] != '\t') return std::nullopt;
  std::string_view content = trim(body->substr(1));
  // An optional closing run of #s, after a space, is not part of the heading.
  const std::size_t last = content.find_last_not_of('#');
  if (last == std::string_view::npos) return std::string_view{};
  if (last + 1 < content.size() && (content[last] == ' ' || content[last] == '\t')) {
    content = trim(content.substr(0, last));
  }
  return content;
}

bool is_setext_h1_underline(std::string_view line) {
  const auto body = unindented(line);
  if (!body || body->empty() || body->front() != '=') return false;
  const std::size_t end = body->find_first_not_of('=');
  return end == std::string_view::npos || trim(body->substr(end)).empty();
}

// The first level-1 heading outside fenced code; an ATX heading anywhere wins over a Setext one.
std::string markdown_heading_title(std::string_view body) {
  LineReader lines(body);
  std::optional<Fence> open_fence;
  std::string_view previous;  // the line before, when it may be a Setext heading's text
  std::string setext;
  while (const auto line = lines.next()) {
    if (const auto fence = fence_of(*line)) {
      if (!open_fence) {
        open_fence = fence;
      } else if (closes(*open_fence, *fence)) {
        open_fence.reset();
      }
      previous = {};
      continue;
    }
    if (open_fence) continue;
    if (const auto h1 = atx_h1_of(*line)) {
      if (!h1->empty()) return std::string(*h1);
      previous = {};
      continue;
    }
    if (setext.empty() && !trim(previous).empty() && is_setext_h1_underline(*line)) {
      setext = std::string(trim(previous));
    }
    previous = *line;
  }
  return setext;
}

// Title of a markdown document: front matter `title:`, else the first "# " heading, else the
// first Setext (===) heading.
std::string markdown_title(std::string_view text) {
  FrontMatter fm = read_front_matter(text);
  if (!fm.title.empty()) return std::move(fm.title);
  // Past the front matter, so that its closing "---" is not read as a heading underline.
  return markdown_heading_title(text.substr(fm.body_start));
}

// ---- Loading --------------------------------------------------------------------------------

LoadedDocument load_as_is(std::string_view bytes, Kind kind) {
  DecodedText decoded = decode_text(bytes);
  LoadedDocument doc;
  doc.text = std::move(decoded.text);
  doc.encoding = std::move(decoded.encoding);
  doc.repaired_bytes = decoded.repaired;
  doc.loader = name_of(kind);
  if (kind == Kind::markdown) doc.title = markdown_title(doc.text);
  return doc;
}

LoadResult skipped(std::string reason) { return LoadResult{std::nullopt, std::move(reason)}; }

Kind forced_kind(std::string_view forced) {
  const auto kind = kind_from_name(forced);
  if (!kind) {
    throw Error(ExitCode::usage,
                "unknown loader '" + std::string(forced) + "' (expected " + loader_names() + ")");
  }
  return *kind;
}

}  // namespace

bool is_loader_name(std::string_view name) { return kind_from_name(name).has_value(); }

std::string loader_names() {
  std::string out;
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    out += i == 0 ? "" : i + 1 == kKindNames.size() ? " or " : ", ";
    out += kKindNames[i].first;
  }
  return out;
}

std::int64_t loader_version(std::string_view loader) {
  if (loader == "html" || loader == "pdf") return 2;
  return 1;
}

bool has_markdown_structure(std::string_view loader) {
  return loader == "markdown" || loader == "html" || loader == "converter" || office_format_of(kind_from_name(loader).value_or(Kind::text));
}

LoadResult load_document(std::string_view bytes, std::string_view name,
                         std::optional<std::string_view> forced, const LoadProgress& progress) {
  Kind kind = Kind::text;
  if (forced) {
    kind = forced_kind(*forced);
  } else {
    const std::string file_name = to_lower(file_name_of(name));
    if (const auto k = kind_from_file_name(file_name)) {
      kind = *k;
    } else if (const std::string_view ext = extension_of(file_name); listed_in(kBinaryExtensions, ext)) {
      return skipped("binary file type (." + std::string(ext) + ")");
    } else {
      kind = sniff_kind(bytes);
    }
  }
  // PDFs and zip packages are binary by nature: they go to their readers before any binary test.
  if (kind == Kind::pdf) return LoadResult{load_pdf(bytes, progress), {}};
  if (const auto format = office_format_of(kind)) return LoadResult{load_office(*format, bytes), {}};
  if (auto reason = binary_reason(bytes)) return skipped(std::move(*reason));
  if (kind == Kind::html) return LoadResult{load_html(bytes), {}};
  return LoadResult{load_as_is(bytes, kind), {}};
}

std::size_t page_of(const std::vector<std::size_t>& page_starts, std::size_t offset) {
  if (page_starts.empty()) return 0;
  // The last page starting at or before `offset`; with equal starts (empty pages) the later one,
  // since an empty page holds no byte.
  const auto after = std::upper_bound(page_starts.begin(), page_starts.end(), offset);
  const auto index = static_cast<std::size_t>(after - page_starts.begin());
  return index == 0 ? 1 : index;
}

}  // namespace strata::ingest
