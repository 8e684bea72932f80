#!/usr/bin/env python3
"""Checks a store's HTML documents against their files (standard library only).

    html_check.py citations  STORE [--show N]   every chunk's cited lines hold its words
    html_check.py paragraphs STORE [--min-words N] [--show N]
                                                 every paragraph of the page is in its text

`citations`: for each chunk of each HTML document (documents.loader = 'html', read from the
file at documents.path), the lines line_start..line_end of the file, with tags removed (alt
text kept) and entities decoded, must contain every word of the chunk (a word: a run of
letters and digits with at least one letter). A chunk's words out of its cited lines mean the
citation does not point at the text.

`paragraphs`: every <p> of the page with at least N words (default 8) must be in the document's
stored text (chunks joined at their offsets), compared without whitespace. A paragraph that
is not there is content the loader lost. Paragraphs inside page chrome that the generators
repeat on every page are not content: <nav>, page-level <header>/<footer>, and the containers
the loader documents as chrome are skipped (ARIA role navigation/banner/contentinfo/
complementary/search, hidden elements).

Prints one line per failure (up to --show) and a summary line; exits 1 when anything failed.
"""
import argparse
import html
import html.parser
import re
import sqlite3
import sys

WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")  # letters and digits, at least one letter
TAG = re.compile(r"<[^>]*>")
IMG = re.compile(r"<img\b[^>]*>", re.I)
ALT = re.compile(r"""\balt\s*=\s*("([^"]*)"|'([^']*)')""", re.I)


def alt_text(img):
    """An <img> tag as the text the loader writes for it: its alt text."""
    m = ALT.search(img.group(0))
    return " " + ((m.group(2) or m.group(3) or "") if m else "") + " "


def html_documents(db):
    return db.execute("SELECT id, source, path FROM documents WHERE loader = 'html' AND path IS NOT NULL "
                      "ORDER BY source").fetchall()


def chunks_of(db, doc_id):
    return db.execute("SELECT ordinal, text, start_byte, end_byte, line_start, line_end FROM chunks "
                      "WHERE document_id = ? ORDER BY ordinal", (doc_id,)).fetchall()


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    # Lines as gumbo and editors count them: LF, CRLF or a lone CR ends one.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class Visible:
    """What a reader could see in a piece of HTML source, alt text included: its words (tags
    as spaces), and its text with tags removed (`<code>UPDATE</code>s` is the word UPDATEs)."""

    def __init__(self, source):
        source = IMG.sub(alt_text, source)
        self.words = set(WORD.findall(html.unescape(TAG.sub(" ", source))))
        self.joined = html.unescape(TAG.sub("", source))

    def __contains__(self, word):
        return word in self.words or word in self.joined


def check_citations(db, show):
    chunks = failures = 0
    for doc_id, source, path in html_documents(db):
        lines = read_lines(path)
        for ordinal, text, _, _, first, last in chunks_of(db, doc_id):
            chunks += 1
            if not 1 <= first <= last <= len(lines):
                failures += 1
                if failures <= show:
                    print(f"{source} #{ordinal}: lines {first}-{last} outside the file ({len(lines)} lines)")
                continue
            cited = Visible("\n".join(lines[first - 1:last]))
            missing = [w for w in WORD.findall(text) if w not in cited]
            if missing:
                failures += 1
                if failures <= show:
                    print(f"{source} #{ordinal}: lines {first}-{last} lack {missing[:5]}")
    print(f"citations: {chunks} chunks, {failures} citing lines without their words")
    return failures == 0


CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
SECTIONING = {"article", "aside", "nav", "section", "main"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Paragraphs(html.parser.HTMLParser):
    """The text of each <p> outside chrome, with <br> as a space and images as their alt text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, is_chrome, is_section) of open elements
        self.chrome = 0
        self.sections = 0
        self.current = None
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        role = (a.get("role") or "").split()
        is_chrome = (tag in ("nav", "script", "style", "noscript", "template") or "hidden" in a or
                     (role and role[0] in CHROME_ROLES) or
                     (tag in ("header", "footer") and self.sections == 0))
        if tag == "img" and self.current is not None:
            self.current.append(" " + (a.get("alt") or "") + " ")
        if tag == "br" and self.current is not None:
            self.current.append(" ")
        if tag in VOID:
            return
        if tag == "p" and self.current is not None:
            self.close_paragraph()
        is_section = tag in SECTIONING or role[:1] == ["main"]
        self.stack.append((tag, is_chrome, is_section))
        self.chrome += is_chrome
        self.sections += is_section
        if tag == "p" and self.chrome == 0:
            self.current = []

    def handle_endtag(self, tag):
        if tag in VOID or not any(t == tag for t, _, _ in self.stack):
            return
        while self.stack:
            t, is_chrome, is_section = self.stack.pop()
            self.chrome -= is_chrome
            self.sections -= is_section
            if t == "p" and self.current is not None:
                self.close_paragraph()
            if t == tag:
                break

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)

    def close_paragraph(self):
        self.found.append("".join(self.current))
        self.current = None


def stored_text(db, doc_id):
    out, end = [], 0
    for _, text, start, stop, _, _ in chunks_of(db, doc_id):
        if stop <= end:
            continue
        out.append(text[len(text.encode()[:max(0, end - start)].decode(errors="ignore")):] if start < end else text)
        end = stop
    return "".join(out)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def check_paragraphs(db, min_words, show):
    pages = paragraphs = failures = 0
    for doc_id, source, path in html_documents(db):
        pages += 1
        with open(path, "rb") as f:
            parser = Paragraphs()
            parser.feed(f.read().decode("utf-8", errors="replace"))
            parser.close()
        text = squeeze(stored_text(db, doc_id))
        for p in parser.found:
            if len(p.split()) < min_words:
                continue
            paragraphs += 1
            if squeeze(p) not in text:
                failures += 1
                if failures <= show:
                    print(f"{source}: paragraph not in the text: {' '.join(p.split())[:100]}")
    print(f"paragraphs: {pages} pages, {paragraphs} paragraphs of {min_words}+ words, {failures} lost")
    return failures == 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("check", choices=["citations", "paragraphs"])
    p.add_argument("store")
    p.add_argument("--min-words", type=int, default=8)
    p.add_argument("--show", type=int, default=20)
    a = p.parse_args()
    db = sqlite3.connect(f"file:{a.store}?mode=ro", uri=True)
    ok = check_citations(db, a.show) if a.check == "citations" else check_paragraphs(db, a.min_words, a.show)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
