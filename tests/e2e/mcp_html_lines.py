"""`strata mcp` on an HTML page: one line model for search, read_document and resources/read
(tests/e2e/mcp.sh). The page is shaped as DocBook writes the PostgreSQL manual (a section's
heading and paragraphs on one source line), so its text has more lines than its file.

Usage: python3 mcp_html_lines.py STRATA WORKDIR
Prints one line per check, "ok NAME" or "FAIL NAME: why".
"""
import os
import subprocess
import sys
import urllib.parse

import mcp_session
from mcp_session import Session, check

STRATA, WORK = sys.argv[1], sys.argv[2]
STORE = os.path.join(WORK, "pages.db")
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE

html = ['<!DOCTYPE html>\n<html><head><title>9.1. Widgets</title></head>\n<body>'
        '<div class="navheader"><table><tr><th>9.1. Widgets</th></tr></table></div>\n'
        '<div class="sect1"><div class="titlepage"><div><div><h2 class="title">9.1. Widgets</h2></div></div></div>\n']
for s in range(1, 9):
    html.append('<div class="sect2"><div class="titlepage"><div><div><h3 class="title">9.1.%d. Widget part %d</h3>'
                '</div></div></div>' % (s, s))
    for p in range(1, 4):
        html.append('<p>Paragraph %d of part %d says how the widget turns its gears, part%dword%d included, and why '
                    'the gears never slip.</p>' % (p, s, s, p))
    html.append('<pre class="programlisting">SELECT widget%d\n  FROM parts;\n</pre></div>\n' % s)
html.append('</div></body></html>\n')
os.makedirs(os.path.join(WORK, "pages"), exist_ok=True)
with open(os.path.join(WORK, "pages", "widgets.html"), "w") as f:
    f.write("".join(html))
subprocess.run([STRATA, "ingest", "-q", "--store", STORE, "--size", "300", "widgets.html"],
               cwd=os.path.join(WORK, "pages"), check=True)

s = Session()
for query in ["part2word2", "part5word3", "part8word1"]:
    r = s.request(1, "tools/call", {"name": "search", "arguments": {"query": query, "k": 1, "mode": "keyword"}})
    hit = r["result"]["structuredContent"]["hits"][0]
    first, last = hit["lines"]
    r = s.request(2, "tools/call", {"name": "read_document",
                                    "arguments": {"source": hit["source"], "start_line": first, "end_line": last}})
    read = r["result"]["structuredContent"]
    check("html: reading %s's lines %d-%d returns the hit" % (query, first, last),
          hit["text"] in read["text"] and read["first_line"] <= first and read["last_line"] >= last,
          "hit %r, read %r" % (hit["text"][:200], read["text"][:400]))
whole = s.request(3, "tools/call", {"name": "read_document", "arguments": {"source": "widgets.html"}})
text = whole["result"]["structuredContent"]["text"]
glued = [n for n in range(1, 9) if "\n\n### 9.1.%d. Widget part %d\n" % (n, n) not in text]
check("html: every heading is a paragraph of its own in read_document's text", not glued, "glued: %s\n%s" % (glued, text[:600]))
r = s.request(4, "resources/read", {"uri": "strata://default/" + urllib.parse.quote("widgets.html")})
check("html: resources/read returns read_document's text", r["result"]["contents"][0]["text"] == text, r)
s.close()
sys.exit(1 if mcp_session.failed else 0)
