#include "ingest/loader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "common/text.h"
#include "ingest/gzip.h"
#include "ingest/html_loader.h"

namespace strata::ingest {
namespace {

using namespace std::string_view_literals;

// ---- Picking the loader ---------------------------------------------------------------------

// Skipped without reading further. Not "pdf": PDFs have their own loader.
constexpr auto k_binary_extensions = std::to_array<std::string_view>(
    {"png", "jpg", "jpeg", "gif", "webp", "ico",   "zip", "gz",    "tgz",    "bz2",
     "xz",  "zst", "7z",   "tar", "jar",  "class", "o",   "a",     "so",     "dylib",
     "exe", "dll", "bin",  "wasm", "woff", "woff2", "ttf", "otf",  "mp3",    "mp4",
     "mov", "avi", "sqlite", "db", "pyc"});

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

bool listed_in(std::span<const std::string_view> list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Whole file names first: "CMakeLists.txt" is code, not text by its extension.
std::optional<LoaderKind> loader_for_file_name(std::string_view lower_name) {
  for (const Loader& l : loaders()) {
    if (listed_in(l.file_names, lower_name)) return l.kind;
  }
  const std::string_view ext = extension_of(lower_name);
  if (ext.empty()) return std::nullopt;
  for (const Loader& l : loaders()) {
    if (listed_in(l.extensions, ext)) return l.kind;
  }
  return std::nullopt;
}

// For names that say nothing: README, LICENSE, a document id (standard input), an unknown
// extension.
LoaderKind sniff_loader(std::string_view bytes) {
  for (const Loader& l : loaders()) {
    if (l.sniff != nullptr && l.sniff(bytes)) return l.kind;
  }
  return LoaderKind::text;
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

LoadResult skipped(std::string reason) { return LoadResult{std::nullopt, std::move(reason)}; }

}  // namespace

std::optional<LoaderKind> pick_loader(std::string_view bytes, std::string_view name) {
  const std::string file_name = to_lower(file_name_of(name));
  if (const auto kind = loader_for_file_name(file_name)) return kind;
  if (listed_in(k_binary_extensions, extension_of(file_name))) return std::nullopt;
  return sniff_loader(bytes);
}

LoadResult load_document(std::string_view bytes, std::string_view name, std::optional<LoaderKind> forced,
                         const LoadProgress& progress) {
  // NAME.gz holding gzip data is read as NAME. An inner name that is itself binary (x.tar.gz,
  // x.gz.gz) is skipped before anything is inflated, as its plain form would be.
  if (const std::string_view inner_name = without_gz(name); !inner_name.empty() && is_gzip(bytes)) {
    const std::string inner_ext(extension_of(to_lower(file_name_of(inner_name))));
    if (!forced && listed_in(k_binary_extensions, inner_ext)) {
      return skipped("binary file type (." + inner_ext + ".gz)");
    }
    const std::string inner = gunzip(bytes);
    return load_document(inner, inner_name, forced, progress);
  }
  const std::optional<LoaderKind> kind = forced ? forced : pick_loader(bytes, name);
  if (!kind) return skipped("binary file type (." + std::string(extension_of(to_lower(file_name_of(name)))) + ")");
  const Loader& row = loader(*kind);
  // PDFs and zip packages are binary by nature: they go to their readers before any binary test.
  if (!row.binary) {
    if (auto reason = binary_reason(bytes)) return skipped(std::move(*reason));
  }
  LoadResult result{row.load(bytes, progress), {}};
  result.document->loader = row.kind;
  return result;
}

LoadResult load_html_document(std::string_view bytes, const std::function<void(const GumboNode& root)>& tree) {
  if (auto reason = binary_reason(bytes)) return skipped(std::move(*reason));
  LoadResult result{load_html(bytes, tree), {}};
  result.document->loader = LoaderKind::html;
  return result;
}

}  // namespace strata::ingest
