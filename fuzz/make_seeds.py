#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the repository's own files and the
examples of its unit tests. Rerun after changing a target's parameter bytes (see each target's
LLVMFuzzerTestOneInput): the seeds start with the bytes the target reads first.

    python3 fuzz/make_seeds.py                 every target
    python3 fuzz/make_seeds.py TARGET...       only these targets' seeds"""
import json, os, pathlib, struct, sys

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"

only = set(sys.argv[1:])

def put(target, name, data):
    if only and target not in only:
        return
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)

def be16(v):
    return struct.pack(">H", v)

# -- migrate_file: the store's own migrations and a few shapes from the parser tests.
for p in sorted((root / "migrations").glob("*.sql")):
    put("migrate_file", p.name, p.read_bytes())
put("migrate_file", "notx.sql", "-- migrate:up transaction:false\nCREATE TABLE a(x);\nCREATE INDEX i ON a(x);\n-- migrate:down\nDROP TABLE a;\n")
put("migrate_file", "trigger.sql", "-- migrate:up\nCREATE TABLE t(a);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 'x;y' WHERE a IS NULL;\nEND;\nINSERT INTO t VALUES (NULL);\n-- migrate:down\nDROP TABLE t;\n")
put("migrate_file", "crlf_bom.sql", b"\xef\xbb\xbf-- migrate:up\r\nCREATE TABLE b(y);\r\n-- migrate:down\r\nDROP TABLE b;\r\n")
put("migrate_file", "pair.sql", b"CREATE TABLE p(z);\nINSERT INTO p VALUES (1);\n\x00DROP TABLE p;\n")
put("migrate_file", "error.sql", "-- migrate:up\nCREATE TABLE c(x);\nINSERT INTO nope VALUES (1);\n-- migrate:down\n")
put("migrate_file", "fk.sql", "-- migrate:up foreign_keys:off\nCREATE TABLE d(x);\n-- migrate:down transaction:false\nDROP TABLE d;\n")
# -- migrate_lint: first byte = engine (0 PostgreSQL, 1 SQLite, 2 MySQL; +0x80: strata sets a
# lock timeout), then the file. The deep inputs that once crashed are in fuzz/regressions/.
lint_pg = ("BEGIN;\nCREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\n"
           "ALTER TABLE users ADD COLUMN v BOOLEAN DEFAULT random() > 0.5;\nALTER TABLE users ALTER COLUMN e SET NOT NULL;\n"
           "CREATE INDEX ix ON users (e);\nCOMMIT;\n")
put("migrate_lint", "alembic_pg.sql", b"\x00" + lint_pg.encode())
put("migrate_lint", "roles_pg.sql", b"\x80-- migrate:up\nCREATE ROLE admin SUPERUSER PASSWORD 'x';\n"
    b"ALTER ROLE app PASSWORD '${APP_PASSWORD}';\nGRANT pg_read_server_files TO app;\n-- migrate:down\nDROP ROLE admin;\n")
put("migrate_lint", "nested_pg.sql", b"\x80SELECT " + b"(" * 300 + b"1" + b")" * 300 + b";\nSELECT 1" + b"+1" * 2000 +
    b";\nSELECT " + b"NOT " * 500 + b"true;\n")
put("migrate_lint", "rule_pg.sql", b"\x80CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n"
    b"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n\\connect other\n")
put("migrate_lint", "lite.sql", b"\x01DROP TABLE old;\nBEGIN;\nPRAGMA foreign_keys = OFF;\nCOMMIT;\nATTACH '/etc/x' AS x;\n")
put("migrate_lint", "mysql.sql", b"\x02ALTER TABLE t ADD INDEX i (a), MODIFY b INT NOT NULL;\nCREATE USER 'u'@'%' IDENTIFIED BY 'pw';\n"
    b"SELECT 1 INTO OUTFILE '/tmp/x';\n")

# -- chunk_*: [flags][size 2 bytes][overlap 2 bytes][separators...] text
texts = {
    "readme": (root / "README.md").read_text()[:6000],
    "man": (root / "man" / "strata.1").read_text()[:3000] if (root / "man" / "strata.1").exists() else "",
    "mixed": "# Title\n\nDr. Smith said: \"Quoted.\" e.g. this… 日本語。Привет, ß Ω.\n\n"
             "e\u0301 a\u0300\u0301 \U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F1EB\U0001F1F7 "
             "\U0001F44D\U0001F3FD\r\n\r\n```\ncode  block\n\n  indented\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n"
             "Setext\n===\n- item\n1. first\n<|endoftext|> can't 3.14 U.S. etc. ?! ...\n" * 3,
}
for strategy in ["fixed", "recursive", "paragraph", "sentence", "markdown", "token"]:
    for i, (name, text) in enumerate(texts.items()):
        if not text:
            continue
        for j, (flags, size, overlap) in enumerate([(0, 200, 0), (1 | 8 | 32, 64, 10), (2 | 4, 40, 0), (32, 17, 16)]):
            head = bytes([flags]) + be16(size - 1)
            if flags & 32:
                head += be16(overlap)
            if strategy == "recursive" and j == 3:
                head = bytes([flags | 64]) + be16(size - 1) + be16(overlap) + bytes([1]) + bytes([1]) + b". " + bytes([0]) + b"\n"
            put(f"chunk_{strategy}", f"{name}_{j}", head + text.encode()[:4000])
    put(f"chunk_{strategy}", "compat", bytes([16]) + be16(30) + texts["mixed"].encode()[:800])

# -- tokenizer
put("tokenizer", "readme", (root / "README.md").read_bytes()[:4000])
put("tokenizer", "mixed", texts["mixed"].encode())
put("tokenizer", "spaces", "  \n\n\t  x  \u00a0\u3000 123456789 'll 've 're 's HELLO hello Hello\n")
put("tokenizer", "invalid", b"abc\xff\xfe\xc3(\xe2\x82 def \xf0\x9f\x98")

# -- sse: [ncuts][cuts 2 bytes each][max_line 2][max_event 2] stream
openai = ('data: {"id":"c1","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n'
          'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}\n\n'
          ': keep-alive\n\n'
          'data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
          'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":812,"completion_tokens":9,"total_tokens":821}}\n\n'
          'data: [DONE]\n\n')
anthropic = ('event: message_start\n'
             'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":1200,"output_tokens":1}}}\n\n'
             'event: content_block_start\n'
             'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
             'event: ping\ndata: {"type": "ping"}\n\n'
             'event: content_block_delta\n'
             'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Strata "}}\n\n'
             'event: content_block_delta\n'
             'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"uses SQLite [2]."}}\n\n'
             'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
             'event: message_delta\n'
             'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}\n\n'
             'event: message_stop\ndata: {"type":"message_stop"}\n\n')
odd = "\ufeffid: 7\r\nretry: 1500\r\nevent: x\rdata\ndata:  two\r\n\r\n:c\nid: a\x00b\ndata: caf\xc3\n\n"
def sse_seed(stream, cuts):
    head = bytes([len(cuts)]) + b"".join(be16(c) for c in cuts) + be16(4095) + be16(8191)
    return head + (stream.encode("latin-1") if isinstance(stream, str) and stream is odd else stream.encode())
put("sse", "openai", sse_seed(openai, [5, 40, 41, 200]))
put("sse", "anthropic", sse_seed(anthropic, [13, 14, 300]))
put("sse", "odd", bytes([3]) + be16(1) + be16(2) + be16(27) + be16(4095) + be16(8191) + odd.encode("utf-8"))
put("sse", "crlf_split", bytes([2]) + be16(6) + be16(7) + be16(4095) + be16(8191) + b"data:a\r\n\r\ndata: b\r\n\r\n")

# -- embed_openai_wire: [inputs][dims][inject] body
def emb(items):
    return json.dumps({"object": "list", "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in items], "model": "m"})
put("embed_openai_wire", "ok", bytes([2, 2, 0]) + emb([(0, [1, 2]), (1, [3, 4])]).encode())
put("embed_openai_wire", "reordered", bytes([2, 0, 0]) + emb([(1, [0.5, -4e-3]), (0, [1e10, 2])]).encode())
put("embed_openai_wire", "ragged", bytes([2, 0, 0]) + emb([(0, [1]), (1, [3, 4])]).encode())
put("embed_openai_wire", "noindex", bytes([2, 0, 0]) + b'{"data":[{"embedding":[1,2]},{"embedding":[3,4]}]}')
put("embed_openai_wire", "error", bytes([1, 0, 1]) + b'{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","code":"invalid_api_key"}}')
put("embed_openai_wire", "ollama", bytes([1, 0, 0]) + b'{"error":"model \\"nomic\\" not found, try pulling it first"}')
put("embed_openai_wire", "overflow", bytes([1, 1, 0]) + b'{"data":[{"index":0,"embedding":[1e39]}]}')

# -- chat_*: [pick] body
put("chat_openai", "stream", bytes([0]) + openai.encode())
put("chat_openai", "stream_error", bytes([0x89]) + b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}\n\n')
put("chat_openai", "whole", bytes([1]) + b'{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":1}}')
put("chat_openai", "context", bytes([0]) + b'{"error":{"message":"This model\'s maximum context length is 8192 tokens.","code":"context_length_exceeded"}}')
put("chat_openai", "llamacpp", bytes([0]) + b'{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}')
put("chat_anthropic", "stream", bytes([0]) + anthropic.encode())
put("chat_anthropic", "stream_error", bytes([0x80]) + b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')
put("chat_anthropic", "whole", bytes([2]) + b'{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi [1]."}],"stop_reason":"max_tokens","usage":{"input_tokens":10,"output_tokens":3}}')
put("chat_anthropic", "error", bytes([3]) + b'{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}')

# -- man_loader: roff pages (man and mdoc, pod2man's preamble), and one gzip-compressed
import gzip as _gzip
MAN_PAGE = (b'.\\" comment\n.de FN\n\\fI\\|\\\\$1\\|\\fP\n..\n.TH LS 1 "2022" "coreutils"\n.SH NAME\n'
            b'ls \\- list directory contents\n.SH DESCRIPTION\n.PP\nList \\fIFILE\\fRs \\(em sorted.\n.TP\n'
            b'\\fB\\-a\\fR, \\fB\\-\\-all\\fR\ndo not ignore entries\n.if n declare -n ref=$1\n.ie t \\{\\\n'
            b'typeset\n.\\}\n.el \\{\\\nterminal\n.\\}\n.SS "Exit status"\n.BR dircolors (1)\n'
            b'caf\\[u00E9] \\*(lqquoted\\*(rq \\N\'233\' \\s-1SMALL\\s0 \\w\'x\'\n.UR https://example.org\n.UE\n')
put("man_loader", "ls.1", MAN_PAGE)
put("man_loader", "ssh.1", ".Dd $Mdocdate$\n.Dt SSH 1\n.Os\n.Sh NAME\n.Nm ssh\n.Nd remote login\n.Sh SYNOPSIS\n"
    ".Nm\n.Op Fl 46\n.Op Fl B Ar bind_interface\n.Oo user @ Oc host\n.It Fl v Ns Ar x\n.Sh SEE ALSO\n"
    ".Xr scp 1 ,\n.Dq quoted Ql lit Pq paren Aq angle\n.Ux Ns -domain\n")
put("man_loader", "so.1", ".so man1/other.1\n")
put("man_loader", "ls.1.gz", _gzip.compress(MAN_PAGE, mtime=0))

# -- html_loader
put("html_loader", "page.html", """<!doctype html><html><head><title>Strata &amp; friends</title><meta charset="windows-1252">
<style>p{}</style><script>var x = "<p>";</script></head><body><h1>Heading</h1><p>Some <b>bold</b>   text&nbsp;here &eacute; &#x1F600;
<a href="x">link</a> <img alt="an image"></p><ul><li>one</li><li>two<ol><li>a</li></ol></li></ul>
<table><tr><th>h1</th><th>h2</th></tr><tr><td>c1</td><td>c2</td></tr></table><pre>  code
   here</pre>line<br>break<noscript>no</noscript><template>t</template><svg><text>s</text></svg></body></html>""")
put("html_loader", "cp1252.html", b"<html><body><p>caf\xe9 \x93quoted\x94 \x80</p></body></html>")
put("html_loader", "utf16.html", "\ufeff<html><body><h2>UTF-16</h2><p>text \u00e9</p></body></html>".encode("utf-16-le").replace(b"\xff\xfe", b"\xff\xfe", 1))
put("html_loader", "broken.html", "<html><body><p>unclosed <b>bold <i>italic</p><li>stray<td>cell</body>")
# Page chrome around content (Sphinx, DocBook), a page of chrome alone, XHTML with CRLF lines.
put("html_loader", "sphinx.html", """<!DOCTYPE html>\n<html><head><title>csv</title></head>\n<body>\n<div class="mobile-nav"><nav class="nav-content" role="navigation"><img src="py.svg" alt="Logo"/></nav></div>
<div class="related" role="navigation"><h3>Navigation</h3><ul><li><a href="genindex.html">index</a></li></ul></div>
<div class="document"><div class="body" role="main"><section id="m"><h1>csv<a class="headerlink" href="#m">\u00b6</a></h1>
<p>Text\nover lines.</p><div class="highlight"><pre><span></span><span class="kn">import</span> csv\nx = 1\n</pre></div>
<aside class="footnote brackets" id="f1" role="note"><p>Note.</p></aside></section></div>
<div class="sphinxsidebar" role="navigation"><h4>Previous topic</h4><p class="topless"><a href="a.html">A</a></p></div></div>
<div class="footer">&copy; Copyright.</div></body></html>""")
put("html_loader", "docbook.xhtml", """<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>CREATE INDEX</title></head><body><div class="navheader"><table><tr><td><a href="p.html">Prev</a></td><th>SQL Commands</th><td><a href="n.html">Next</a></td></tr></table><hr /></div><div class="refentry"><h2>CREATE INDEX</h2><div class="toc"><dl class="toc"><dt><a href="a.html">A</a></dt></dl></div><pre class="synopsis">\nCREATE INDEX <em>name</em>\n</pre><p>\n  Text.\n </p></div><div class="navfooter"><table><tr><td>Prev</td></tr></table></div></body></html>""".replace("\n", "\r\n"))
put("html_loader", "chrome_only.html", "<!doctype html><title>Index</title><header>Site</header><nav><a href=a.html>A</a></nav><footer>&copy;</footer>")

# -- pdf_loader: small PDFs written like tests/unit/ingest/loader_pdf_test.cpp's make_pdf
def pdf_string(t):
    return "(" + t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
def make_pdf(pages, title="", locked=False):
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = ""
    for text in pages:
        n = len(objects) + 1
        kids += f"{n} 0 R "
        page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
        if text:
            page += f" /Contents {n + 1} 0 R"
        objects.append(page + " >>")
        if text:
            content = "BT /F1 24 Tf 72 700 Td " + pdf_string(text) + " Tj ET"
            objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>"
    extra = ""
    if title:
        objects.append(f"<< /Title ({title}) >>")
        extra += f" /Info {len(objects)} 0 R"
    if locked:
        junk = "A" * 64
        objects.append(f"<< /Filter /Standard /V 1 /R 2 /P -4 /O <{junk}> /U <{junk}> >>")
        extra += f" /Encrypt {len(objects)} 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]"
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(pdf))
        pdf += f"{i + 1} 0 obj\n{o}\nendobj\n".encode("latin-1")
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        pdf += b"%010d 00000 n \n" % off
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return pdf
put("pdf_loader", "two_pages.pdf", make_pdf(["First page text", "Second (page) text"], title="A title"))
put("pdf_loader", "empty_page.pdf", make_pdf(["", "Only the second page"]))
put("pdf_loader", "no_text.pdf", make_pdf([""]))
put("pdf_loader", "locked.pdf", make_pdf(["secret"], locked=True))
put("pdf_loader", "garbage.pdf", b"%PDF-1.4 garbage")

# -- jsonl_reader
put("jsonl_reader", "docs.jsonl", '\n'.join([
    json.dumps({"id": "a", "text": "first document", "title": "A"}),
    json.dumps({"id": "b", "text": "caf\u00e9 \u65e5\u672c", "metadata": {"k": 1, "tags": ["x", "y"]}}),
    "",
    '{"id": 3, "text": "numeric id"}',
    '{"id": "c", "text": 5}',
    '{"id": "d"}',
    'not json',
    '[1,2]',
    '{"id": "e", "text": "x", "metadata": [1]}',
    '{"id": "f", "text": "\\ud800 lone surrogate"}',
    '{"id": "", "text": "empty id"}',
]) + "\n")
put("jsonl_reader", "crlf.jsonl", b'{"id":"a","text":"x"}\r\n{"id":"b","text":"y","title":null}\r\n\xff\xfe\n')

# Nested past the reader's 64 levels (100,000 once overflowed the stack), just under it, and
# left open across lines.
put("jsonl_reader", "deep_array_100000", '{"id":"a","text":"x","metadata":{"k":' + "[" * 100000 + "]" * 100000 + "}}\n")
put("jsonl_reader", "deep_object_70", '{"id":"a","text":"x","metadata":' + '{"k":' * 70 + "1" + "}" * 70 + "}\n")
put("jsonl_reader", "deep_object_63", '{"id":"a","text":"x","metadata":' + '{"k":' * 63 + "1" + "}" * 63 + "}\n")
put("jsonl_reader", "deep_unbalanced", '{"id":"a","text":"x","metadata":' + "[" * 5000 + "\n" + '{"id":"b","text":"y"}\n')

# -- gitignore: a pattern and a path, split at the first newline; the pathological star
# patterns once stalled the walk.
for name, seed in {
    "star_ext": "*.log\nbuild/debug.log",
    "double_star": "**/node_modules/**\na/b/node_modules/c/d.js",
    "anchored": "/build/*.o\nbuild/x.o",
    "bracket": "[a-c]?[!x]*.md\nbq-z.md",
    "escape": "\\*literal\n*literal",
    "pathological": "*a*a*a*a*a*a*a*a*a*a*a*b\n" + "a" * 200,
    "pathological_double": "**/*a*a*a*a*a*a*b\n" + "x/" * 20 + "a" * 100,
    "class": "[[:digit:]][[:alpha:]]*\n1abc",
    "question": "a?c/d?f\nabc/def",
}.items():
    put("gitignore", name, seed)

# -- web_discovery: the first byte picks the reader (0 URL, 1 robots.txt, 2 sitemap, 3 llms.txt,
# 4 HTML links), the rest is its input.
for name, seed in {
    "url_dots": "\x00../../%2E%2e/x/./y?%7e#frag",
    "url_authority": "\x00//User@Host.Example:443/a%2fb",
    "robots_groups": "\x01User-agent: strata\nDisallow: /*.pdf$\nAllow: /guide/\nCrawl-delay: 2\nSitemap: /s.xml\n",
    "sitemap_index": "\x02<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"x\">]><sitemapindex><sitemap>"
                     "<loc>https://d.example/s&amp;1.xml</loc></sitemap></sitemapindex>",
    "sitemap_urlset": "\x02<urlset><url><loc><![CDATA[/a?b=<1>]]></loc></url><url><loc>&#104;ttp://d.example/</loc></url></urlset>",
    "llms": "\x03# T\n- [a](a.md): x\n- [b](<b c.md> \"t\")\n```\n[no](n.md)\n```\n",
    "html_links": "\x04<base href=\"/docs/\"><link rel=canonical href=\"x.html\"><a href=\"../y#z\">y</a>"
                  "<a rel=nofollow href=\"n\">n</a><area href=\"mailto:a@b\">",
}.items():
    put("web_discovery", name, seed)

# -- pq_binary_copy: [params: fields - 1 in the low 2 bits, piece size above] then a binary COPY stream
def copy_stream(rows, extension=b""):
    out = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">I", 0) + struct.pack(">I", len(extension)) + extension
    for row in rows:
        out += struct.pack(">h", len(row))
        for f in row:
            out += struct.pack(">i", -1) if f is None else struct.pack(">i", len(f)) + f
    return out + struct.pack(">h", -1)
posting = struct.pack(">q", 7) + struct.pack(">iiii", 1, 0, 0, 5)
put("pq_binary_copy", "blocks", bytes([2 | (5 << 2)]) + copy_stream([[struct.pack(">q", 1), b"\x01" + posting, None],
                                                                  [struct.pack(">q", 2), b"\x01" + posting * 3, None]]))
put("pq_binary_copy", "empty", bytes([0]) + copy_stream([]))
put("pq_binary_copy", "extension", bytes([1 | (1 << 2)]) + copy_stream([[b"a", b""]], b"ext"))
put("pq_binary_copy", "cut", bytes([0]) + copy_stream([[b"abc"]])[:-5])

# -- copy_rows: [params: chunks in the low 3 bits, bit 3 a page count, bits 4-5 the JSON texts]
#    [size][chars][pages][dimensions] then per chunk [10 integers][nulls][length][text], the rest a vector
def le64(v):
    return struct.pack("<q", v)

def copy_chunk(ordinal, start, end, line_start, line_end, text, page=None, page_end=None, chars=None, tokens=4):
    cs, ce = chars if chars else (start, end)
    nulls = (1 if page is None else 0) | (2 if page_end is None else 0)
    return (b"".join(le64(v) for v in (ordinal, start, end, cs, ce, line_start, line_end, page or 0, page_end or 0, tokens))
            + bytes([nulls, len(text)]) + text)

def copy_rows(chunks, size=40, chars=40, pages=0, dims=2, json_texts=0, vector=b"\0" * 8):
    params = len(chunks) | (8 if pages else 0) | (json_texts << 4)
    return bytes([params]) + le64(size) + le64(chars) + le64(pages) + le64(dims) + b"".join(chunks) + vector

first, second = b"First chunk here.", b"Second chunk, longer."  # as strata writes: [0, 17) and [19, 40)
put("copy_rows", "as_written", copy_rows([copy_chunk(0, 0, 17, 1, 1, first), copy_chunk(1, 19, 40, 3, 3, second)]))
put("copy_rows", "pages", copy_rows([copy_chunk(0, 0, 17, 1, 1, first, 1, 1), copy_chunk(1, 19, 40, 3, 3, second, 1, 2)],
                                    pages=2, json_texts=1))
put("copy_rows", "overlap", copy_rows([copy_chunk(0, 0, 17, 1, 1, first), copy_chunk(1, 6, 17, 1, 1, b"chunk here.")]))
put("copy_rows", "no_chunks", copy_rows([], size=0, chars=0, dims=0, vector=b""))
# What a hostile server's rows held (tests/e2e/store_postgres.sh): a range backwards, one ending at
# 2^63-1, one 4 GB out, a negative start, lines past the text, a size no model has, a vector of
# another size, texts that disagree where they overlap, JSON that is not.
put("copy_rows", "backwards", copy_rows([copy_chunk(0, 100, 17, 1, 1, first)]))
put("copy_rows", "int64_max_end", copy_rows([copy_chunk(0, 0, 2**63 - 1, 1, 1, first)]))
put("copy_rows", "far_out", copy_rows([copy_chunk(0, 4000000000, 4000000017, 1, 1, first, chars=(0, 17))]))
put("copy_rows", "end_of_int64", copy_rows([copy_chunk(0, 2**63 - 18, 2**63 - 1, 1, 1, first, chars=(0, 17))]))
put("copy_rows", "negative", copy_rows([copy_chunk(0, -5, 12, 1, 1, first[:17])]))
put("copy_rows", "lines", copy_rows([copy_chunk(0, 0, 17, 1, 2**63 - 1, first)]))
put("copy_rows", "dims", copy_rows([copy_chunk(0, 0, 17, 1, 1, first)], dims=2**63 - 1))
put("copy_rows", "vector_size", copy_rows([copy_chunk(0, 0, 17, 1, 1, first)], vector=b"\0" * 12))
put("copy_rows", "disagree", copy_rows([copy_chunk(0, 0, 17, 1, 1, first), copy_chunk(1, 0, 17, 1, 1, b"Other chunk text.")]))
put("copy_rows", "bad_json", copy_rows([copy_chunk(0, 0, 17, 1, 1, first)], json_texts=3))
put("copy_rows", "ordinals", copy_rows([copy_chunk(5, 0, 17, 1, 1, first)]))

# -- fts_query
for i, q in enumerate(["C++ and SQLite", "don't \"panic\"", "NEAR(a b) OR x AND NOT y", "-foo:bar* ^baz (qux)",
                       "to be or not to be", "caf\u00e9 na\u00efve \u65e5\u672c\u8a9e", "a\x01b\x7fc \u2014 d\u00a0e",
                       "migrations rolled back", '"unterminated', "AND", "*", "x" * 300]):
    put("fts_query", f"q{i}", q)
put("fts_query", "invalid_utf8", b"abc \xff\xfe def \xc3")
put("fts_query", "many_terms", " ".join(f"w{i}" for i in range(100)))

# -- config_file: strata.toml as the man page shows it, and the shapes the parser refuses
put("config_file", "full.toml", """# strata.toml
[migrate]
dir = "db/migrations"
database = "sqlite:app.db"
table = "strata_migrations"

[store]
path = ".strata/store.db"
collection = "docs"

[chunk]
strategy = "markdown"
size = 800
overlap = 100
unit = "tokens"
tokenizer = "o200k_base"

[embed]
provider = "openai"
model = "text-embedding-3-small"
base_url = "http://127.0.0.1:11434/v1"
api_key_env = "OPENAI_API_KEY"

[llm]
provider = "anthropic"
model = "claude-sonnet"
api_key_env = "ANTHROPIC_API_KEY"
""")
put("config_file", "typos.toml", "[store]\ncolection = \"x\"\n[embedd]\nmodel = 1\n")
put("config_file", "secret.toml", "[llm]\napi_key = \"sk-not-here\"\n")
put("config_file", "types.toml", "[chunk]\nsize = \"800\"\noverlap = -1\n[store]\npath = 3\n")
put("config_file", "malformed.toml", "[store\npath = \"unterminated\n")
put("config_file", "quoted_keys.toml", "[\"store\"]\n\"path\" = 'x.db'\n[chunk]\nsize = 0x10\n")
put("config_file", "inline.toml", "store = { path = \"a.db\", collection = \"c\" }\nchunk.size = 5\n")
put("config_file", "loaders.toml", '[ingest]\nloader_timeout = 30\n\n[ingest.loaders]\n".rtf" = "pandoc -t gfm {path}"\n"doc" = \'antiword "{path}"\'\n')

# -- docx_loader, odt_loader, pptx_loader, epub_loader: [mode byte] then, for an even mode, a whole
# package (those of tests/fixtures/office_docs.py, stored and deflated, and the broken ones that are
# small: the zip bombs are not, a run must stay fast), for an odd one the format's main XML part.
sys.path.insert(0, str(root / "tests" / "fixtures"))
import io, zipfile
import office_docs
main_part = {"docx": "word/document.xml", "odt": "content.xml", "pptx": "ppt/slides/slide2.xml",
             "epub": "OEBPS/content.opf"}
for fmt in ["docx", "odt", "pptx", "epub"]:
    good = office_docs.KINDS[fmt]()
    put(f"{fmt}_loader", "deflated", b"\0" + good)
    put(f"{fmt}_loader", "stored", b"\0" + office_docs.as_stored(good))
    if fmt != "epub":
        put(f"{fmt}_loader", "main_part", b"\1" + zipfile.ZipFile(io.BytesIO(good)).read(main_part[fmt]))
# The target's epub holds OPS/c.xhtml beside the package document.
put("epub_loader", "main_part", b"\1" + zipfile.ZipFile(io.BytesIO(office_docs.KINDS["epub"]())).read(
    main_part["epub"]).replace(b'href="text/ch1.xhtml"', b'href="c.xhtml"'))
for kind in ["docx-truncated", "docx-not-xml", "docx-entity-bomb", "docx-xxe", "docx-deep", "docx-no-document"]:
    put("docx_loader", kind, b"\0" + office_docs.KINDS[kind]())
put("docx_loader", "entity-bomb_part", b"\1" + office_docs.ENTITY_BOMB.encode())
for kind in ["epub-drm", "epub-no-package"]:
    put("epub_loader", kind, b"\0" + office_docs.KINDS[kind]())
put("odt_loader", "odt-entity-bomb", b"\0" + office_docs.KINDS["odt-entity-bomb"]())

# -- mcp_client_response: a server's lines as the client reads them (one message a line).
def lines(*messages):
    return "\n".join(m if isinstance(m, str) else json.dumps(m) for m in messages) + "\n"
def rpc(result=None, error=None, id_=1):
    m = {"jsonrpc": "2.0", "id": id_}
    if error is not None:
        m["error"] = error
    else:
        m["result"] = result
    return m
put("mcp_client_response", "initialize", lines(rpc({"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                                                   "serverInfo": {"name": "s", "version": "1"}})))
put("mcp_client_response", "tools_list", lines(rpc({"tools": [
    {"name": "echo", "description": "Echoes \u001b[31mit\u001b[0m", "annotations": {"readOnlyHint": True},
     "inputSchema": {"type": "object", "properties": {"m": {"type": "string"}}, "required": ["m"]}},
    {"name": "bad name\u001b[2J", "inputSchema": {"type": "object"}}, {"name": 3}, "x",
    {"name": "w", "annotations": {"readOnlyHint": "yes"}, "inputSchema": []}], "nextCursor": "p2"})))
put("mcp_client_response", "tool_results", lines(
    rpc({"content": [{"type": "text", "text": "red: \u001b[31mred\u001b[0m\r\n"},
                     {"type": "image", "mimeType": "image/png", "data": "AAAA" * 10},
                     {"type": "resource", "resource": {"uri": "file:///x", "blob": "QUJD"}},
                     {"type": "resource_link", "uri": "file:///y"}, {"type": "audio"}], "structuredContent": {"n": 1}}),
    rpc({"content": [{"type": "text", "text": "it failed"}], "isError": True}),
    rpc(error={"code": -32602, "message": "unknown \u001b]0;title\u0007tool"}),
    rpc(error="a bare string"), rpc(error={"code": 1, "message": {"nested": [1, 2]}}),
    rpc({"content": "not a list"}), rpc([1, 2])))
put("mcp_client_response", "noise", lines("this is not json {", {"jsonrpc": "2.0", "method": "notifications/message"},
                                          {"jsonrpc": "2.0", "id": "s1", "method": "ping"}, rpc({"wrong": True}, id_=9),
                                          rpc({"protocolVersion": 2025}), rpc({"protocolVersion": "1999-01-01"})))
put("mcp_client_response", "limits", lines("[" * 128 + "]" * 128, "[" * 129 + "]" * 129,
                                           rpc({"protocolVersion": "2025-11-25", "x": "[[[[[[" * 50})))

# -- tool_arguments: what models send as a call's arguments (text).
for name, args in {
    "search": '{"query": "checksum mismatch", "k": 3}',
    "search_where": '{"query": "x", "collection": "notes", "mode": "keyword", "where": ["lang=en"], "k": 2.0}',
    "read_lines": '{"source": "docs/a.md", "start_line": 3, "end_line": 9, "max_bytes": 500}',
    "read_chunks": '{"source": "a.md", "first_chunk": 0, "last_chunk": 2}',
    "wrong_types": '{"query": ["x"], "k": "5", "where": {"a": 1}, "start_line": -1}',
    "unknown": '{"query": "x", "limit": 3, "\\u001b[2J": true}',
    "malformed": '{"query": ',
    "empty": "",
    "not_object": '[1, 2, 3]',
    "depth_128": '{"query": ' + "[" * 127 + "]" * 127 + "}",
    "depth_129": '{"query": ' + "[" * 128 + "]" * 128 + "}",
    "escapes": '{"query": "caf\\u00e9 \\ud83d\\ude00 \\u0000"}',
}.items():
    put("tool_arguments", name, args)

# -- rerank_response: [documents] then the body.
for name, (n, body) in {
    "cohere": (3, {"id": "x", "results": [{"index": 2, "relevance_score": 0.9}, {"index": 0, "relevance_score": 0.1}]}),
    "jina": (2, {"model": "jina-reranker-v2", "results": [{"index": 1, "relevance_score": 0.7, "document": {"text": "b"}}]}),
    "data": (2, {"data": [{"index": 0, "score": 1.5}, {"index": 1, "score": -2}]}),
    "bad_index": (1, {"results": [{"index": 5, "relevance_score": 0.1}]}),
    "no_score": (1, {"results": [{"index": 0}]}),
    "nan": (1, '{"results": [{"index": 0, "relevance_score": 1e999}]}'),
    "bare_list": (1, [{"index": 0, "score": 0.5}]),
}.items():
    put("rerank_response", name, bytes([n]) + (body if isinstance(body, str) else json.dumps(body)).encode())

# -- pg_definition_words: the schema's name, a newline, then a definition as a server prints it
for name, definition in {
    "view": " SELECT b.collection_id,\n    u.chunk_id\n   FROM ((strata.chunk_term_blocks b\n"
            "     CROSS JOIN LATERAL UNNEST(b.chunk_ids, b.document_ids) WITH ORDINALITY u(chunk_id, document_id, n))\n"
            "     CROSS JOIN LATERAL ( SELECT strata.strata_posting(b.postings, ((u.n - 1))::integer) AS posting) p)",
    "default": "to_char((clock_timestamp() AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'::text)",
    "hostile": "(query_to_xml('GRANT a TO b'::text, true, true, ''::text) IS NOT NULL)",
    "escape": "E'it''s \\\\' x'::text",
    "deep": "(" * 60000 + "0" + ")" * 60000 + "\n",
    "open_quote": '"unterminated',
}.items():
    put("pg_definition_words", name, ("strata\n" + definition).encode())
