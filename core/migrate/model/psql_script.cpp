// psql's meta-commands and variables done as psql does them (psql_script.h). The rules are
// psql's own (src/bin/psql/psqlscan.l, psqlscanslash.l, command.c), kept to what a migration
// script uses; where psql would run something (a shell command, a query for \gset) strata
// refuses instead.
#include "migrate/model/psql_script.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "common/project_root.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

bool is_alpha(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
// psql's variable_char: a variable's name may start with a digit.
bool variable_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return is_alpha(u) || is_digit(u) || u == '_' || u >= 0x80;
}
bool identifier_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return is_alpha(u) || u == '_' || u >= 0x80;
}
bool identifier_char(char c) { return identifier_start(c) || is_digit(static_cast<unsigned char>(c)) || c == '$'; }
bool psql_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Where the SQL text is: a ':' or a backslash means something to psql only in code.
class SqlLexer {
 public:
  bool in_code() const { return state_ == State::code; }

  // The length of what starts at text[at] in the current state, the state moved past it.
  std::size_t step(std::string_view text, std::size_t at) {
    const char c = text[at];
    const char next = at + 1 < text.size() ? text[at + 1] : '\0';
    switch (state_) {
      case State::code: return step_code(text, at, c, next);
      case State::literal:
      case State::escaped_literal:
        if (c == '\\' && state_ == State::escaped_literal) return std::min<std::size_t>(2, text.size() - at);
        if (c == '\'') {
          if (next == '\'') return 2;
          state_ = State::code;
        }
        return 1;
      case State::identifier:
        if (c == '"') {
          if (next == '"') return 2;
          state_ = State::code;
        }
        return 1;
      case State::dollar:
        if (text.substr(at).starts_with(tag_)) {
          state_ = State::code;
          return tag_.size();
        }
        return 1;
      case State::line_comment:
        if (c == '\n') state_ = State::code;
        return 1;
      case State::block_comment:
        if (c == '/' && next == '*') {
          ++depth_;
          return 2;
        }
        if (c == '*' && next == '/') {
          if (--depth_ == 0) state_ = State::code;
          return 2;
        }
        return 1;
    }
    return 1;
  }

  // Text that is code already (a value interpolated, an escaped literal): moves the state.
  void feed(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) at += step(text, at);
  }

 private:
  enum class State { code, literal, escaped_literal, identifier, dollar, line_comment, block_comment };

  std::size_t step_code(std::string_view text, std::size_t at, char c, char next) {
    const char before = last_;
    const char before_that = last_but_one_;
    last_but_one_ = last_;
    last_ = c;
    if (c == '\'') {
      // E'...' takes backslash escapes; the E must begin its word (`name'` is not one).
      const bool escaped = (before == 'E' || before == 'e') && !identifier_char(before_that);
      state_ = escaped ? State::escaped_literal : State::literal;
    } else if (c == '"') {
      state_ = State::identifier;
    } else if (c == '-' && next == '-') {
      state_ = State::line_comment;
      return 2;
    } else if (c == '/' && next == '*') {
      state_ = State::block_comment;
      depth_ = 1;
      return 2;
    } else if (c == '$' && !identifier_char(before)) {
      // $tag$ or $$; $1 is a parameter and `a$b` part of a name.
      std::size_t end = at + 1;
      if (end < text.size() && identifier_start(text[end])) {
        while (end < text.size() && identifier_char(text[end]) && text[end] != '$') ++end;
      }
      if (end < text.size() && text[end] == '$') {
        tag_ = std::string(text.substr(at, end - at + 1));
        state_ = State::dollar;
        return tag_.size();
      }
    }
    return 1;
  }

  State state_ = State::code;
  std::string tag_;
  int depth_ = 0;
  char last_ = '\0';
  char last_but_one_ = '\0';
};

// PQescapeLiteral's and PQescapeIdentifier's quoting, as psql's :'name' and :"name" write it.
std::string quote_literal(std::string_view value) {
  std::string out;
  const bool backslash = value.find('\\') != std::string_view::npos;
  if (backslash) out += " E";
  out += '\'';
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + '\'';
}

std::string quote_identifier(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"') out += c;
    out += c;
  }
  return out + '"';
}

// psql's ParseVariableBool: a prefix of true, false, yes, no (on and off need two letters), 1 or 0.
std::optional<bool> psql_bool(std::string_view value) {
  const std::string v = to_lower(std::string(value));
  auto prefix_of = [&](std::string_view word, std::size_t least) {
    return v.size() >= least && word.starts_with(v);
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || v == "1") return true;
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || v == "0") return false;
  return std::nullopt;
}

// Commands that only change how psql prints results, which strata does not print: done as nothing.
bool formats_output(const std::string& name) {
  return name == "pset" || name == "timing" || name == "a" || name == "t" || name == "x";
}

// What a meta-command's argument is made of, as psqlscanslash.l reads it.
struct Piece {
  enum class Kind { text, quoted, backquoted, variable, variable_literal, variable_identifier, variable_test };
  Kind kind;
  std::string text;  // the text, the decoded quoted text, the command, or the variable's name
};
using Argument = std::vector<Piece>;

struct MetaCommand {
  std::string name;
  std::vector<Argument> arguments;
  std::size_t end = 0;  // where the text after it starts
};

// One \if ... \endif of a file.
struct Branch {
  std::size_t line;
  bool outer_active;  // the \if itself is in an active branch
  bool taken;         // a branch of it was (or is being) taken
  bool active;
  bool after_else = false;
};

// What a script asks that psql would refuse or strata does not do; caught in expand_psql.
struct Refusal {
  std::string file;
  std::size_t line;
  std::string message;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return normalise_line_endings(out.str());
}

constexpr int k_max_include_depth = 16;

class Expander {
 public:
  explicit Expander(const PsqlRun& run) : run_(run), variables_(run.variables) {}

  std::string sql() && { return std::move(out_); }

  void run_file(std::string_view text, const fs::path& file, int depth) {
    SqlLexer lexer;
    std::vector<Branch> branches;
    std::size_t line = 1;
    for (std::size_t at = 0; at < text.size() && !quit_;) {
      const bool active = branches.empty() || branches.back().active;
      if (lexer.in_code() && text[at] == '\\') {
        at = meta_command(text, at, Place{file, line, depth}, branches, active);
        continue;
      }
      if (lexer.in_code() && text[at] == ':' && active) {
        if (const std::size_t used = interpolate(text, at, lexer)) {
          at += used;
          continue;
        }
      }
      const std::size_t used = lexer.step(text, at);
      for (const char c : text.substr(at, used)) {
        if (active || c == '\n') out_ += c;
        if (c == '\n') ++line;
      }
      at += used;
    }
    if (!branches.empty() && !quit_) {
      throw Refusal{file.string(), branches.back().line, "\\if without \\endif before the end of the file"};
    }
  }

 private:
  struct Place {
    const fs::path& file;
    std::size_t line;
    int depth;
  };

  [[noreturn]] static void refuse(const Place& p, std::string message) {
    throw Refusal{p.file.string(), p.line, std::move(message)};
  }

  // A variable at text[at] (a ':'), written out; 0 when it is none (or not set: then psql
  // leaves the text as it is, which the caller does).
  std::size_t interpolate(std::string_view text, std::size_t at, SqlLexer& lexer) {
    const std::size_t start = at + 1;
    if (start >= text.size()) return 0;
    if (text[start] == ':') {  // a cast, ::type
      out_ += "::";
      lexer.feed("::");
      return 2;
    }
    if (text[start] == '\'' || text[start] == '"' || text[start] == '{') {
      const char close = text[start] == '{' ? '}' : text[start];
      std::size_t end = start + 1 + (text[start] == '{' ? 1 : 0);
      if (text[start] == '{' && (start + 1 >= text.size() || text[start + 1] != '?')) return 0;
      const std::size_t name_at = end;
      while (end < text.size() && variable_char(text[end])) ++end;
      if (end == name_at || end >= text.size() || text[end] != close) return 0;
      const std::string name(text.substr(name_at, end - name_at));
      const auto it = variables_.find(name);
      std::string value;
      if (close == '}') {
        value = it != variables_.end() ? "TRUE" : "FALSE";
      } else if (it == variables_.end()) {
        value = std::string(text.substr(at, end + 1 - at));  // not set: as written
      } else {
        value = close == '\'' ? quote_literal(it->second) : quote_identifier(it->second);
        lexer.feed(value);
      }
      out_ += value;
      return end + 1 - at;
    }
    std::size_t end = start;
    while (end < text.size() && variable_char(text[end])) ++end;
    if (end == start) return 0;
    const auto it = variables_.find(std::string(text.substr(start, end - start)));
    if (it == variables_.end()) {
      out_ += text.substr(at, end - at);
      return end - at;
    }
    // psql reads the value as if it were typed there: it may open a quote or a comment.
    out_ += it->second;
    lexer.feed(it->second);
    return end - at;
  }

  // The meta-command at text[at] (a backslash) done; returns where the text after it starts.
  std::size_t meta_command(std::string_view text, std::size_t at, const Place& p, std::vector<Branch>& branches,
                           bool active) {
    const char next = at + 1 < text.size() ? text[at + 1] : '\0';
    if (next == ';' || next == ':') {  // \; and \: put the character itself in the query
      if (active) out_ += next;
      return at + 2;
    }
    const MetaCommand m = read_meta_command(text, at, p);
    const std::string& n = m.name;
    if (n == "if") {
      const bool outer = active;
      const bool value = outer && condition(m, p);
      branches.push_back(Branch{p.line, outer, value, value});
    } else if (n == "elif" || n == "else") {
      if (branches.empty()) refuse(p, "\\" + n + ": no matching \\if");
      Branch& b = branches.back();
      if (b.after_else) refuse(p, "\\" + n + ": cannot occur after \\else");
      const bool open = b.outer_active && !b.taken;
      b.active = open && (n == "else" || condition(m, p));
      b.taken = b.taken || b.active;
      b.after_else = n == "else";
    } else if (n == "endif") {
      if (branches.empty()) refuse(p, "\\endif: no matching \\if");
      branches.pop_back();
    } else if (n == "set" || n == "unset" || n == "echo" || n == "qecho" || n == "warn" || n == "i" ||
               n == "include" || n == "ir" || n == "include_relative" || n == "q" || n == "quit" ||
               formats_output(n)) {
      if (active) run_command(m, p);
    } else if (n == "gset") {
      refuse(p, "\\gset is not supported: it sets variables from a query's result while the script runs, "
                "and strata expands a whole script before any of it runs");
    } else {
      refuse(p, "\\" + escape_control_characters(n) +
                    " is not supported (of psql's meta-commands strata does \\set, \\unset, \\i, \\ir, \\if, \\elif, "
                    "\\else, \\endif, \\echo, \\q, and \\pset, \\timing, \\a, \\t, \\x as nothing)");
    }
    return m.end;
  }

  void run_command(const MetaCommand& m, const Place& p) {
    const std::string& n = m.name;
    std::vector<std::string> args;
    for (const Argument& a : m.arguments) args.push_back(evaluate(a, p));
    if (n == "set") {
      if (args.empty()) return;  // psql lists the variables
      for (const char c : args[0]) {
        if (!variable_char(c)) refuse(p, "\\set: invalid variable name: \"" + escape_control_characters(args[0]) + "\"");
      }
      std::string value;
      for (std::size_t i = 1; i < args.size(); ++i) value += args[i];
      variables_[args[0]] = value;
    } else if (n == "unset") {
      if (args.empty()) refuse(p, "\\unset: missing required argument");
      variables_.erase(args[0]);
    } else if (n == "i" || n == "include" || n == "ir" || n == "include_relative") {
      if (args.empty()) refuse(p, "\\" + n + ": missing required argument");
      const bool relative = n == "ir" || n == "include_relative";
      const fs::path from = relative ? p.file.parent_path() : run_.work_dir;
      include((from / args[0]).lexically_normal(), args[0], n, p);
    } else if (n == "q" || n == "quit") {
      quit_ = true;
    }
    // \echo, \qecho, \warn and the output formats: their arguments are evaluated (a backquote in
    // them is refused as anywhere), and nothing is printed.
  }

  bool condition(const MetaCommand& m, const Place& p) {
    std::string expression;
    for (const Argument& a : m.arguments) {
      if (!expression.empty()) expression += ' ';
      expression += evaluate(a, p);
    }
    const std::optional<bool> value = psql_bool(expression);
    if (!value) {
      refuse(p, "\\" + m.name + ": unrecognized value \"" + escape_control_characters(expression) +
                    "\": Boolean expected (true, false, on, off, yes, no, 1, 0)");
    }
    return *value;
  }

  void include(const fs::path& path, const std::string& written, const std::string& command, const Place& p) {
    const fs::path& file = path;
    std::error_code ec;
    if (!really_inside(file, run_.project)) {
      refuse(p, "\\" + command + " " + escape_control_characters(written) + ": outside the project, not read");
    }
    if (!fs::is_regular_file(file, ec)) {
      refuse(p, "\\" + command + " " + escape_control_characters(written) + ": no such file in the project");
    }
    if (p.depth + 1 > k_max_include_depth) {
      refuse(p, "\\" + command + " " + escape_control_characters(written) + ": files included more than " +
                    std::to_string(k_max_include_depth) + " deep (does a file include itself?)");
    }
    run_file(read_file(*resolve_links(file)), file, p.depth + 1);
  }

  // `cat FILE`, and nothing else: the file's text, one trailing newline left out (as psql
  // leaves out the command output's).
  std::string backquoted(const std::string& command, const Place& p) {
    const std::string_view c = trim(command);
    auto refuse_command = [&]() {
      refuse(p, "`" + escape_control_characters(std::string(c)) +
                    "`: backquoted shell command not run (only `cat FILE` of a file in the project is read)");
    };
    if (!c.starts_with("cat") || c.size() < 5 || !psql_blank(c[3])) refuse_command();
    std::string_view name = trim(c.substr(4));
    if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') && name.back() == name.front()) {
      name = name.substr(1, name.size() - 2);
      if (name.find_first_of(name.front() == '"' ? "\"$`\\" : "'") != std::string_view::npos) refuse_command();
    } else {
      for (const char ch : name) {
        const auto u = static_cast<unsigned char>(ch);
        if (!(is_alpha(u) || is_digit(u) || u >= 0x80 || std::string_view("._/-+,=@%").find(ch) != std::string_view::npos)) {
          refuse_command();
        }
      }
    }
    if (name.empty() || name.starts_with("-")) refuse_command();
    const fs::path path = fs::path(name).is_absolute() ? fs::path(name) : (run_.work_dir / name).lexically_normal();
    std::error_code ec;
    if (!really_inside(path, run_.project)) refuse(p, "`cat " + escape_control_characters(std::string(name)) + "`: outside the project, not read");
    if (!fs::is_regular_file(path, ec)) {
      refuse(p, "`cat " + escape_control_characters(std::string(name)) + "`: no such file in the project");
    }
    std::ifstream in(*resolve_links(path), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    std::string text = out.str();
    if (text.ends_with('\n')) text.pop_back();
    return text;
  }

  std::string evaluate(const Argument& a, const Place& p) {
    std::string out;
    for (const Piece& piece : a) {
      const auto it = variables_.find(piece.text);
      const bool set = it != variables_.end();
      switch (piece.kind) {
        case Piece::Kind::text:
        case Piece::Kind::quoted: out += piece.text; break;
        case Piece::Kind::backquoted: out += backquoted(piece.text, p); break;
        case Piece::Kind::variable: out += set ? it->second : ":" + piece.text; break;
        case Piece::Kind::variable_literal: out += set ? quote_literal(it->second) : ":'" + piece.text + "'"; break;
        case Piece::Kind::variable_identifier: out += set ? quote_identifier(it->second) : ":\"" + piece.text + "\""; break;
        case Piece::Kind::variable_test: out += set ? "TRUE" : "FALSE"; break;
      }
    }
    return out;
  }

  // psqlscanslash.l: the name runs to a blank or a backslash; then arguments, each blank-separated
  // and made of plain text, 'quoted' text, "double-quoted" text (kept with its quotes),
  // `backquoted` text and variables, until the end of the line, a \\ (eaten) or another backslash.
  static MetaCommand read_meta_command(std::string_view text, std::size_t at, const Place& p) {
    MetaCommand m;
    std::size_t i = at + 1;
    while (i < text.size() && !psql_blank(text[i]) && text[i] != '\n' && text[i] != '\\') m.name += text[i++];
    if (m.name.empty()) refuse(p, "invalid command \\");
    while (true) {
      while (i < text.size() && psql_blank(text[i])) ++i;
      if (i >= text.size() || text[i] == '\n') break;
      if (text[i] == '\\') {
        if (i + 1 < text.size() && text[i + 1] == '\\') i += 2;
        break;
      }
      Argument a;
      while (i < text.size() && !psql_blank(text[i]) && text[i] != '\n' && text[i] != '\\') i = read_piece(text, i, a, p);
      m.arguments.push_back(std::move(a));
    }
    m.end = i;
    return m;
  }

  static std::size_t read_piece(std::string_view text, std::size_t i, Argument& a, const Place& p) {
    const char c = text[i];
    auto until = [&](char close) {
      const std::size_t end = text.find(close, i + 1);
      const std::size_t eol = text.find('\n', i + 1);
      if (end == std::string_view::npos || (eol != std::string_view::npos && eol < end)) {
        refuse(p, "unterminated quoted string in a meta-command's argument");
      }
      return end;
    };
    if (c == '\'') return read_quoted(text, i, a, p);
    if (c == '"') {
      const std::size_t end = until('"');
      a.push_back(Piece{Piece::Kind::text, std::string(text.substr(i, end + 1 - i))});
      return end + 1;
    }
    if (c == '`') {
      const std::size_t end = until('`');
      a.push_back(Piece{Piece::Kind::backquoted, std::string(text.substr(i + 1, end - i - 1))});
      return end + 1;
    }
    if (c == ':' && i + 1 < text.size()) {
      const char open = text[i + 1];
      const bool quoted = open == '\'' || open == '"';
      const bool test = open == '{' && i + 2 < text.size() && text[i + 2] == '?';
      std::size_t end = i + 1 + (quoted ? 1 : test ? 2 : 0);
      const std::size_t name_at = end;
      while (end < text.size() && variable_char(text[end])) ++end;
      const char close = quoted ? open : test ? '}' : '\0';
      if (end > name_at && (close == '\0' || (end < text.size() && text[end] == close))) {
        const Piece::Kind kind = open == '\'' ? Piece::Kind::variable_literal
                                 : open == '"' ? Piece::Kind::variable_identifier
                                 : test        ? Piece::Kind::variable_test
                                               : Piece::Kind::variable;
        a.push_back(Piece{kind, std::string(text.substr(name_at, end - name_at))});
        return close == '\0' ? end : end + 1;
      }
    }
    if (a.empty() || a.back().kind != Piece::Kind::text) a.push_back(Piece{Piece::Kind::text, ""});
    a.back().text += c;
    return i + 1;
  }

  // '...' with '' for a quote and psql's escapes: \n \t \b \r \f, \digits (octal), \xHH.
  static std::size_t read_quoted(std::string_view text, std::size_t i, Argument& a, const Place& p) {
    std::string value;
    for (++i; i < text.size() && text[i] != '\n'; ++i) {
      const char c = text[i];
      if (c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          value += '\'';
          ++i;
          continue;
        }
        a.push_back(Piece{Piece::Kind::quoted, std::move(value)});
        return i + 1;
      }
      if (c != '\\' || i + 1 >= text.size()) {
        value += c;
        continue;
      }
      const char e = text[++i];
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'b': value += '\b'; break;
        case 'r': value += '\r'; break;
        case 'f': value += '\f'; break;
        case 'x': {
          int v = 0;
          std::size_t n = 0;
          while (n < 2 && i + 1 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
            const char h = static_cast<char>(std::tolower(static_cast<unsigned char>(text[++i])));
            v = v * 16 + (is_digit(static_cast<unsigned char>(h)) ? h - '0' : h - 'a' + 10);
            ++n;
          }
          value += n == 0 ? 'x' : static_cast<char>(v);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (std::size_t n = 1; n < 3 && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '7'; ++n) {
              v = v * 8 + (text[++i] - '0');
            }
            value += static_cast<char>(v);
          } else {
            value += e;
          }
      }
    }
    refuse(p, "unterminated quoted string in a meta-command's argument");
  }

  const PsqlRun& run_;
  std::map<std::string, std::string> variables_;
  std::string out_;
  bool quit_ = false;
};

}  // namespace

PsqlExpansion expand_psql(std::string_view text, const fs::path& file, const PsqlRun& run) {
  Expander e(run);
  try {
    e.run_file(text, file, 0);
  } catch (const Refusal& r) {
    return PsqlExpansion{"", Problem{"psql-script", r.file, r.line, r.message, std::nullopt}};
  }
  return PsqlExpansion{std::move(e).sql(), std::nullopt};
}

std::optional<std::size_t> find_psql_command(std::string_view text) {
  SqlLexer lexer;
  for (std::size_t at = 0; at < text.size();) {
    if (lexer.in_code() && text[at] == '\\') return at;
    at += lexer.step(text, at);
  }
  return std::nullopt;
}

}  // namespace strata::migrate
