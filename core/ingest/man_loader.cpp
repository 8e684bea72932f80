// A small reading of roff rather than running groff: ingest must not depend on an external
// command, and search needs the words of a page, not its layout. Lines are kept as the source
// has them (no filling) so that a chunk's lines are the page's lines.
#include "ingest/man_loader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/text.h"
#include "common/utf8.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
// A namespace of this file's own: unity builds put files together (scripts/check-unity.sh).
namespace roff {
namespace {

struct Named {
  std::string_view name;
  std::string_view text;
};

// Special characters (\(xx, \[name]) most pages use, groff_char(7).
constexpr auto k_glyphs = std::to_array<Named>({
    {"hy", "-"},  {"-", "-"},    {"em", "\u2014"}, {"en", "\u2013"}, {"bu", "\u2022"}, {"lq", "\u201C"},
    {"rq", "\u201D"}, {"oq", "\u2018"}, {"cq", "\u2019"}, {"aq", "'"}, {"dq", "\""}, {"co", "\u00A9"},
    {"rg", "\u00AE"}, {"tm", "\u2122"}, {"->", "\u2192"}, {"<-", "\u2190"}, {"<=", "\u2264"}, {">=", "\u2265"},
    {"!=", "\u2260"}, {"==", "\u2261"}, {"mu", "\u00D7"}, {"di", "\u00F7"}, {"de", "\u00B0"}, {"sc", "\u00A7"},
    {"pc", "\u00B7"}, {"ga", "`"},  {"ti", "~"},      {"ha", "^"},      {"bv", "|"},      {"ba", "|"},
    {"rs", "\\"}, {"sl", "/"},   {"ua", "\u2191"}, {"da", "\u2193"}, {"Fo", "\u00AB"}, {"Fc", "\u00BB"},
    {"fo", "\u2039"}, {"fc", "\u203A"}, {"+-", "\u00B1"}, {"12", "\u00BD"}, {"14", "\u00BC"}, {"34", "\u00BE"},
    {"Eu", "\u20AC"}, {"eu", "\u20AC"}, {"Po", "\u00A3"}, {"ss", "\u00DF"}, {":a", "\u00E4"}, {":o", "\u00F6"},
    {":u", "\u00FC"}, {":A", "\u00C4"}, {":O", "\u00D6"}, {":U", "\u00DC"}, {"'e", "\u00E9"}, {"`e", "\u00E8"},
    {"'a", "\u00E1"}, {"`a", "\u00E0"}, {"~n", "\u00F1"}, {",c", "\u00E7"}, {"at", "@"},     {"sh", "#"},
    {"Do", "$"},  {"lB", "["},   {"rB", "]"},      {"lC", "{"},      {"rC", "}"},      {"la", "\u27E8"},
    {"ra", "\u27E9"}, {"or", "|"}, {"ct", "\u00A2"}, {"dg", "\u2020"}, {"pl", "+"},      {"mi", "-"},
    {"eq", "="},  {"ap", "~"},   {"OK", "\u2713"},
});

// Predefined strings (\*x, \*(xx, \*[name]) of man(7), mdoc(7) and pod2man's preamble.
constexpr auto k_strings = std::to_array<Named>({
    {"R", "\u00AE"}, {"Tm", "\u2122"}, {"lq", "\u201C"}, {"rq", "\u201D"}, {"Lq", "\u201C"}, {"Rq", "\u201D"},
    {"Aq", "'"},     {"q", "\""},      {"C+", "C++"},    {"L\"", "\u201C"}, {"R\"", "\u201D"}, {"C`", "\u2018"},
    {"C'", "\u2019"}, {"--", "\u2014"}, {"Ba", "|"},     {"Ne", "\u2260"}, {"Le", "\u2264"}, {"Ge", "\u2265"},
    {"Pi", "\u03C0"}, {"If", "\u221E"}, {"Na", "NaN"},   {"Lt", "<"},      {"Gt", ">"},      {"Am", "&"},
});

std::string_view find(std::span<const Named> table, std::string_view name) {
  const auto it = std::find_if(table.begin(), table.end(), [name](const Named& n) { return n.name == name; });
  return it != table.end() ? it->text : std::string_view{};
}

// Reads an escape's name at s[i]: "(xx", "[name]" or one character; i moves past it.
std::string_view escape_name(std::string_view s, std::size_t& i) {
  if (i >= s.size()) return {};
  if (s[i] == '(') {
    const std::string_view name = s.substr(i + 1, 2);
    i = std::min(s.size(), i + 3);
    return name;
  }
  if (s[i] == '[') {
    const std::size_t close = s.find(']', i + 1);
    const std::size_t end = close == std::string_view::npos ? s.size() : close;
    const std::string_view name = s.substr(i + 1, end - i - 1);
    i = std::min(s.size(), end + 1);
    return name;
  }
  return s.substr(i++, 1);
}

// Skips a delimited argument at s[i] ('…' or any delimiter): \w'…', \h'…', \X'…'.
std::string_view delimited(std::string_view s, std::size_t& i) {
  if (i >= s.size()) return {};
  const char delimiter = s[i];
  const std::size_t close = s.find(delimiter, i + 1);
  const std::size_t end = close == std::string_view::npos ? s.size() : close;
  const std::string_view inside = s.substr(i + 1, end - i - 1);
  i = std::min(s.size(), end + 1);
  return inside;
}

// \[u00E9] and \[u0065_0301]: the code points.
bool append_unicode_name(std::string& out, std::string_view name) {
  if (name.size() < 5 || name[0] != 'u') return false;
  for (const std::string& part : split(name.substr(1), '_')) {
    if (part.empty() || part.size() > 6) return false;
    char32_t cp = 0;
    for (const char c : part) {
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) return false;
      cp = cp * 16 + static_cast<char32_t>(digit);
    }
    append_utf8(out, cp);
  }
  return true;
}

void append_glyph(std::string& out, std::string_view name) {
  if (const std::string_view text = find(k_glyphs, name); !text.empty()) {
    out += text;
  } else if (name.size() == 1) {
    out += name;  // \[x]
  } else {
    append_unicode_name(out, name);  // else a glyph this table lacks: left out
  }
}

// The text of one line of roff with its escapes resolved and fonts, sizes, motions and
// comments dropped.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i++];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= s.size()) break;  // a line that continues on the next: the newline follows anyway
    const char e = s[i++];
    switch (e) {
      case '"':
      case '#': return out;  // comment to the end of the line
      case 'f':
      case 'F':
      case 'm':
      case 'M':
      case 'g':
      case 'k':
      case 'V':
      case 'Y':
      case 'n':
        if (e == 'n' && i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        escape_name(s, i);
        break;
      case 's':
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (i < s.size() && (s[i] == '(' || s[i] == '[')) {
          escape_name(s, i);
        } else if (i < s.size() && s[i] == '\'') {
          delimited(s, i);
        } else if (i < s.size()) {
          ++i;
        }
        break;
      case '(':
      case '[':
        --i;
        append_glyph(out, escape_name(s, i));
        break;
      case 'C': append_glyph(out, delimited(s, i)); break;
      case 'N': {
        const std::string_view digits = delimited(s, i);
        char32_t cp = 0;
        for (const char d : digits) cp = d >= '0' && d <= '9' ? cp * 10 + static_cast<char32_t>(d - '0') : cp;
        if (cp >= 0x20 && cp < 0x110000) append_utf8(out, cp);
        break;
      }
      case '*': out += find(k_strings, escape_name(s, i)); break;
      case 'w':
      case 'h':
      case 'v':
      case 'l':
      case 'L':
      case 'o':
      case 'b':
      case 'x':
      case 'X':
      case 'D':
      case 'Z':
      case 'A':
      case 'B':
      case 'R':
      case 'S':
      case 'H': delimited(s, i); break;
      case 'O':
      case 'z':
        if (i < s.size()) ++i;
        break;
      case 'e':
      case '\\':
      case 'E': out += '\\'; break;
      case 't': out += '\t'; break;
      case '~':
      case ' ':
      case '0': out += ' '; break;
      case '&':
      case '|':
      case '^':
      case '%':
      case ':':
      case ',':
      case '/':
      case ')':
      case 'c':
      case 'a':
      case 'd':
      case 'u':
      case 'p':
      case 'r':
      case '{':
      case '}':
      case '\n': break;
      default: out += e; break;  // \- \. \' \` and the rest: the character itself
    }
  }
  return out;
}

// A request's arguments: blank-separated words, "…" quoted with "" for a quote.
std::vector<std::string_view> raw_arguments(std::string_view rest) {
  std::vector<std::string_view> args;
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size()) break;
    if (rest.substr(i, 2) == "\\\"") break;  // comment
    if (rest[i] == '"') {
      std::size_t end = i + 1;
      while (end < rest.size()) {
        if (rest[end] == '"') {
          if (rest.substr(end, 2) != "\"\"") break;
          ++end;  // "" is a quote inside the argument
        }
        ++end;
      }
      args.push_back(rest.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    std::size_t end = i;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t') end += rest[end] == '\\' ? 2U : 1U;
    end = std::min(end, rest.size());
    args.push_back(rest.substr(i, end - i));
    i = end;
  }
  return args;
}

std::vector<std::string> arguments(std::string_view rest) {
  std::vector<std::string> out;
  for (const std::string_view a : raw_arguments(rest)) {
    std::string text = unescape(a);
    std::string single;  // "" inside a quoted argument is one quote
    for (std::size_t i = 0; i < text.size(); ++i) {
      single += text[i];
      if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') ++i;
    }
    out.push_back(std::move(single));
  }
  return out;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += separator;
    out += words[i];
  }
  return out;
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// mdoc's callable macros: inside a line they format the words that follow.
bool is_mdoc_macro(std::string_view word) {
  return one_of(word, {"Ad", "An", "Ar", "Cd", "Cm", "Dv", "Er", "Ev", "Fa", "Fl", "Fn", "Ft", "Ic", "Li", "Nm",
                       "Ns", "Op", "Oo", "Oc", "Pa", "Pf", "Sy", "Em", "Va", "Vt", "Xr", "Dq", "Sq", "Qq", "Ql",
                       "Pq", "Aq", "Bq", "Brq", "No", "Tn", "Lk", "Mt", "Ms", "St", "Ux", "Bx", "At", "Fx",
                       "Nx", "Ox", "Dx", "Ta", "Ot", "Ao", "Ac", "Bo", "Bc", "Do", "Dc", "Po", "Pc", "Qo",
                       "Qc", "So", "Sc", "Eo", "Ec", "Sx", "Ev", "Xo", "Xc", "Li", "Tg"});
}

// mdoc's enclosures: "Op a" is "[a]" to the end of the line, "Oo a Oc" the same in two macros
// (an empty `open` closes).
struct Enclosure {
  std::string_view macro;
  std::string_view open;
  std::string_view close;
  bool to_line_end;
};
constexpr auto k_enclosures = std::to_array<Enclosure>({
    {"Op", "[", "]", true},      {"Bq", "[", "]", true},           {"Oo", "[", "", false},
    {"Bo", "[", "", false},      {"Oc", "", "]", false},           {"Bc", "", "]", false},
    {"Dq", "\u201C", "\u201D", true}, {"Qq", "\u201C", "\u201D", true}, {"Do", "\u201C", "", false},
    {"Dc", "", "\u201D", false}, {"Sq", "\u2018", "\u2019", true}, {"Ql", "\u2018", "\u2019", true},
    {"So", "\u2018", "", false}, {"Sc", "", "\u2019", false},    {"Pq", "(", ")", true},
    {"Aq", "<", ">", true},
});

const Enclosure* enclosure(std::string_view macro) {
  const auto it = std::find_if(k_enclosures.begin(), k_enclosures.end(),
                               [macro](const Enclosure& e) { return e.macro == macro; });
  return it != k_enclosures.end() ? &*it : nullptr;
}

bool is_closing_punctuation(std::string_view word) {
  return word.size() == 1 && std::string_view(".,;:)]?!").find(word[0]) != std::string_view::npos;
}

class ManReader {
 public:
  LoadedDocument read(std::string_view bytes) {
    DecodedText decoded = decode_text(bytes);
    doc_.encoding = std::move(decoded.encoding);
    doc_.repaired_bytes = decoded.repaired;
    const std::string_view text = decoded.text;
    std::size_t line_number = 0;
    for (std::size_t at = 0; at <= text.size();) {
      const std::size_t nl = std::min(text.find('\n', at), text.size());
      std::string_view line = text.substr(at, nl - at);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_number;
      if (nl == text.size() && line.empty()) break;
      read_line(line, line_number);
      at = nl + 1;
    }
    const std::string name = collapse(name_line_);
    doc_.title = !name.empty() ? name : replace_invalid_utf8(title_, Utf8Repair::per_subpart);
    if (doc_.source_lines.empty()) doc_.source_lines.push_back(SourceLine{0, 1});
    return std::move(doc_);
  }

 private:
  void read_line(std::string_view line, std::size_t n) {
    if (skipping_) {  // .de, .ig: up to their end
      if (trim(line) == end_marker_) skipping_ = false;
      return;
    }
    if (brace_depth_ > 0) {  // the rest of a conditional's \{ … \} block
      brace_depth_ += count(line, "\\{") - count(line, "\\}");
      return;
    }
    if (line.empty()) return paragraph();
    if (line[0] == '.' || line[0] == '\'') return request(line.substr(1), n);
    emit(unescape(line), n);
  }

  static int count(std::string_view s, std::string_view what) {
    int n = 0;
    for (std::size_t at = s.find(what); at != std::string_view::npos; at = s.find(what, at + what.size())) ++n;
    return n;
  }

  void request(std::string_view line, std::size_t n) {
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    const std::string_view name = line.substr(i, end - i);
    const std::string_view rest = line.substr(end);
    if (name.empty() || name.starts_with("\\\"") || name.starts_with("\\#")) return;  // comment
    if (one_of(name, {"TH", "Dt"})) {
      const std::vector<std::string> a = arguments(rest);
      if (!a.empty()) title_ = a[0] + (a.size() > 1 ? "(" + a[1] + ")" : "");
      return;
    }
    if (one_of(name, {"SH", "Sh"})) return heading(1, rest, n);
    if (one_of(name, {"SS", "Ss"})) return heading(2, rest, n);
    if (one_of(name, {"PP", "LP", "P", "Pp", "Lp", "sp", "TP", "TQ", "HP", "PD", "Bl", "El", "Bd", "Ed", "Dl"})) {
      paragraph();
      if (name == "Dl") emit(mdoc_line(rest), n);
      return;
    }
    if (name == "IP") {
      paragraph();
      const std::vector<std::string> a = arguments(rest);
      if (!a.empty()) emit(a[0], n);
      return;
    }
    if (one_of(name, {"B", "I", "SM", "SB", "R"})) return emit(joined(arguments(rest), " "), n);
    if (one_of(name, {"BR", "BI", "IB", "IR", "RB", "RI"})) return emit(joined(arguments(rest), ""), n);
    if (one_of(name, {"UR", "MT"})) {
      const std::vector<std::string> a = arguments(rest);
      link_ = a.empty() ? "" : a[0];
      return;
    }
    if (one_of(name, {"UE", "ME"})) {
      if (!link_.empty()) emit("<" + link_ + ">" + joined(arguments(rest), " "), n);
      link_.clear();
      return;
    }
    if (name == "so") {
      const std::vector<std::string> a = arguments(rest);
      if (!a.empty()) emit("See " + a[0].substr(a[0].rfind('/') + 1) + ".", n);
      return;
    }
    if (one_of(name, {"de", "de1", "am", "ig"})) {
      const std::vector<std::string> a = arguments(rest);
      end_marker_ = "." + (name == "ig" ? (a.empty() ? "" : a[0]) : (a.size() > 1 ? a[1] : ""));
      if (end_marker_ == ".") end_marker_ = "..";
      skipping_ = true;
      return;
    }
    if (one_of(name, {"if", "ie", "el"})) return conditional(name, rest, n);
    if (name == "while") {
      brace_depth_ += count(rest, "\\{") - count(rest, "\\}");
      return;
    }
    if (name == "It") {
      paragraph();
      return emit(mdoc_line(rest), n);
    }
    if (name == "Nd") return emit("- " + std::string(trim(unescape(rest))), n);
    if (name == "Nm" && mdoc_name_.empty()) {
      const std::vector<std::string> a = arguments(rest);
      if (!a.empty()) mdoc_name_ = a[0];
    }
    if (is_mdoc_macro(name)) return emit(mdoc_line(line.substr(i)), n);
    // Everything else formats (.nf, .RS, .in, .ft, .ad, .hy, .ds, .nr, .PD …) or is a page's own
    // macro (pod2man's .IX index entries): no words for a reader.
  }

  // .if/.ie/.el: strata reads a page as nroff would, so the "n" branch (a terminal) is taken and
  // the "t" one (a typesetter) left out; any other condition (registers, strings, comparisons)
  // is taken as false. A branch's body is the rest of the line, or a \{ … \} block.
  void conditional(std::string_view name, std::string_view rest, std::size_t n) {
    std::string_view body = trim(rest);
    bool taken = false;
    if (name == "el") {
      taken = !last_ie_taken_;
    } else {
      taken = body.starts_with("n ") || body.starts_with("n\t") || body.starts_with("n\\{");
      if (name == "ie") last_ie_taken_ = taken;
      const std::size_t blank = body.find_first_of(" \t");
      const std::size_t brace = body.find("\\{");
      const std::size_t end = std::min(blank, brace);
      body = end == std::string_view::npos ? std::string_view{} : trim(body.substr(end));
    }
    if (!taken) {
      brace_depth_ += count(rest, "\\{") - count(rest, "\\}");
      return;
    }
    if (body.starts_with("\\{")) body = trim(body.substr(2));
    if (body.starts_with("\\")) body = trim(body.substr(1));  // \{\ : the block starts on the next line
    if (body.empty()) return;
    read_line(body, n);
  }

  // A line of mdoc: words as written, its callable macros applied (Fl a → -a, Xr ls 1 →
  // ls(1), Op … → […]).
  std::string mdoc_line(std::string_view rest) {
    const std::vector<std::string> words = arguments(rest);
    std::string out;
    std::vector<std::string_view> closers;  // for Op, Dq, …: what ends the line's enclosure
    bool no_space = false;
    bool flag = false;
    auto add = [&](std::string_view word) {
      if (!out.empty() && !no_space && !is_closing_punctuation(word) && out.back() != '[' && out.back() != '(' &&
          !out.ends_with("\u201C") && !out.ends_with("\u2018") && out.back() != '<') {
        out += ' ';
      }
      out += word;
      no_space = false;
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (!is_mdoc_macro(w)) {
        if (flag) {
          add("-" + w);
          flag = false;
        } else {
          add(w);
        }
        continue;
      }
      if (flag) add("-");
      flag = false;
      if (w == "Fl") flag = true;
      else if (w == "Ux") add("UNIX");
      else if (w == "Ns") no_space = true;
      else if (w == "Xr" && i + 1 < words.size()) {
        const bool has_section = i + 2 < words.size() && !is_mdoc_macro(words[i + 2]);
        add(words[i + 1] + (has_section ? "(" + words[i + 2] + ")" : ""));
        i += has_section ? 2 : 1;
      } else if (w == "Nm" && (i + 1 >= words.size() || is_mdoc_macro(words[i + 1]) || is_closing_punctuation(words[i + 1]))) {
        add(mdoc_name_);
      } else if (const Enclosure* e = enclosure(w)) {
        if (e->open.empty()) {  // a closing macro: attached to the word before
          no_space = true;
          add(e->close);
        } else {
          add(e->open);
          no_space = true;
          if (e->to_line_end) closers.push_back(e->close);
        }
      }
    }
    if (flag) add("-");
    for (auto it = closers.rbegin(); it != closers.rend(); ++it) out += *it;
    return out;
  }

  void heading(int level, std::string_view rest, std::size_t n) {
    std::string text = collapse(joined(arguments(rest), " "));
    section_ = text;
    paragraph();
    if (text.empty()) {  // .SH alone: the heading is the next line
      heading_next_ = level;
      return;
    }
    emit(std::string(level == 1 ? "#" : "##") + " " + text, n, true);
    paragraph();
  }

  void paragraph() { break_ = !doc_.text.empty(); }

  void emit(std::string line, std::size_t n, bool is_heading = false) {
    if (heading_next_ > 0 && !is_heading) {
      const int level = heading_next_;
      heading_next_ = 0;
      section_ = collapse(line);
      emit(std::string(level == 1 ? "#" : "##") + " " + section_, n, true);
      paragraph();
      return;
    }
    // An escape's name may cut a UTF-8 character (\f and one byte of "é"): repaired here.
    if (find_invalid_utf8(line)) line = replace_invalid_utf8(line, Utf8Repair::per_subpart);
    const std::string_view trimmed = trim(line);
    if (trimmed.empty()) return;
    if (!is_heading && to_lower(section_) == "name") name_line_ += " " + std::string(trimmed);
    if (break_) doc_.text += '\n';
    break_ = false;
    if (doc_.source_lines.empty() || doc_.source_lines.back().line != n) {
      doc_.source_lines.push_back(SourceLine{doc_.text.size(), n});
    }
    doc_.text += line;
    doc_.text += '\n';
  }

  static std::string collapse(std::string_view s) {
    std::string out;
    for (const char c : s) {
      if (c == ' ' || c == '\t') {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  LoadedDocument doc_;
  std::string title_;         // .TH / .Dt: "LS(1)"
  std::string name_line_;     // the NAME section's text
  std::string section_;       // the current .SH
  std::string mdoc_name_;     // the first .Nm
  std::string link_;          // .UR's address, written at .UE
  std::string end_marker_;    // what ends a .de or .ig block
  int heading_next_ = 0;      // .SH without words: the next line is the heading
  int brace_depth_ = 0;
  bool skipping_ = false;
  bool last_ie_taken_ = false;  // for the .el that follows an .ie
  bool break_ = false;        // a paragraph break before the next line
};

bool is_comment(std::string_view line) {
  return line == "." || line == "'" || line.starts_with(".\\\"") || line.starts_with("'\\\"") ||
         line.starts_with(".\\#") || line.starts_with("\\\"");
}

}  // namespace
}  // namespace roff

bool looks_like_man(std::string_view bytes) {
  using roff::is_comment;
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  std::size_t at = 0;
  bool in_definition = false;  // a macro's body (.de … ..) may hold any text
  for (int lines = 0; lines < 400 && at < bytes.size(); ++lines) {
    const std::size_t nl = std::min(bytes.find('\n', at), bytes.size());
    std::string_view line = bytes.substr(at, nl - at);
    at = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (in_definition) {
      in_definition = trim(line) != "..";
      continue;
    }
    // \{ and \} alone: a conditional's block continued from the line before (pod2man's preamble)
    if (line.empty() || is_comment(line) || line.starts_with("\\{") || line.starts_with("\\}")) continue;
    if (line[0] != '.' && line[0] != '\'') return false;  // text before any title: not a page
    std::string_view request = line.substr(1);
    while (!request.empty() && (request[0] == ' ' || request[0] == '\t')) request.remove_prefix(1);
    if (request.starts_with("de ") || request.starts_with("de1 ") || request.starts_with("am ") ||
        request.starts_with("ig")) {
      in_definition = true;
      continue;
    }
    for (const std::string_view title : {"TH ", "Dd ", "Dt ", "so "}) {
      if (request.starts_with(title)) return true;
    }
  }
  return false;
}

LoadedDocument load_man(std::string_view bytes, const LoadProgress& /*progress*/) { return roff::ManReader().read(bytes); }

}  // namespace strata::ingest
