// strata's page: collections, search, a conversation whose answers stream in with their sources,
// a cited passage opened beside the answer, over the server's own API. Everything the store, the
// model or the server sends is data: it becomes text nodes and elements made here (the Markdown
// below builds its subset with createElement and textContent), never HTML parsed from a string.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const el = {
    keyForm: $('key-form'), key: $('key'), keyStatus: $('key-status'),
    form: $('ask-form'), collection: $('collection'), q: $('q'), ask: $('ask'), search: $('search'), newChat: $('new-chat'),
    status: $('status'), theme: $('theme'),
    answerSection: $('answer-section'), turns: $('turns'),
    resultsSection: $('results-section'), results: $('results'),
    passageSection: $('passage-section'), passageClose: $('passage-close'), passageTitle: $('passage-title'),
    passageCitation: $('passage-citation'), passage: $('passage'),
  };
  // The question box's hint before a conversation starts (a follow-up gets its own), given back
  // by New conversation.
  const firstPlaceholder = el.q.placeholder;
  const KEY = 'strata.key';
  const THEME = 'strata.theme';
  const HISTORY_TURNS = 20;  // earlier turns sent with a follow-up (the server allows 200)
  let retry = null;  // what to run again once the user gave a key
  let current = null;  // the turn whose answer streams: {controller, ...}
  const conversation = [];  // the turns: {question, collection, answer, state, li}

  const make = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

  // --- dark and light: the system's, unless the toggle chose (kept in localStorage) ---------
  const systemDark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function storedTheme() {
    try { return localStorage.getItem(THEME) || ''; } catch (e) { return ''; }
  }
  function applyTheme() {
    const chosen = storedTheme();
    const dark = chosen ? chosen === 'dark' : Boolean(systemDark && systemDark.matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    el.theme.setAttribute('aria-pressed', String(dark));
  }
  el.theme.addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme !== 'dark';
    try { localStorage.setItem(THEME, dark ? 'dark' : 'light'); } catch (e) { /* storage off: this page only */ }
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    el.theme.setAttribute('aria-pressed', String(dark));
  });
  if (systemDark && systemDark.addEventListener) systemDark.addEventListener('change', applyTheme);
  applyTheme();
  el.theme.hidden = false;

  // --- the API key: kept in this tab's sessionStorage, sent as a bearer token ---------------
  const storedKey = () => {
    try { return sessionStorage.getItem(KEY) || ''; } catch (e) { return ''; }
  };
  const withKey = (headers) => {
    const h = Object.assign({}, headers);
    const k = storedKey();
    if (k) h.Authorization = 'Bearer ' + k;
    return h;
  };
  class NeedKey extends Error {}

  function askForKey(again) {
    retry = again;
    el.keyForm.hidden = false;
    el.keyStatus.textContent = storedKey() ? 'The server refused this key. Enter another.' : 'This server needs an API key.';
    el.key.focus();
  }

  el.keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    try { sessionStorage.setItem(KEY, el.key.value.trim()); } catch (e) { /* storage off: the key lasts until reload */ }
    el.key.value = '';
    el.keyForm.hidden = true;
    const again = retry;
    retry = null;
    if (again) again();
  });

  // fetch with the key; a 401 asks for one and runs `again` once it is given.
  async function call(path, options, again) {
    const response = await fetch(path, Object.assign({}, options, {
      headers: withKey(options && options.headers), credentials: 'omit', cache: 'no-store',
    }));
    if (response.status === 401) {
      askForKey(again);
      throw new NeedKey('key');
    }
    return response;
  }

  // The message of an error body: FastAPI's {"detail"} (text or [{loc, msg}]) or OpenAI's {"error"}.
  // OpenAI's API calls a collection a model: a missing one is said as what it is here.
  async function problem(response, collection) {
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (body && typeof body.detail === 'string') return body.detail;
    if (body && Array.isArray(body.detail) && body.detail.length) {
      const d = body.detail[0];
      return (Array.isArray(d.loc) ? d.loc.join('.') + ': ' : '') + String(d.msg);
    }
    if (body && body.error && body.error.code === 'model_not_found' && collection !== undefined) {
      return 'There is no collection "' + collection + '" (or this key may not read it).';
    }
    if (body && body.error && body.error.message) return String(body.error.message);
    return 'The server answered ' + response.status + '.';
  }

  const say = (text) => { el.status.textContent = text; };
  const failed = (e) => { if (!(e instanceof NeedKey)) say(e && e.message ? e.message : String(e)); };

  // --- collections ----------------------------------------------------------------------------
  async function loadCollections() {
    try {
      const response = await call('/api/v1/collections', {}, loadCollections);
      if (!response.ok) { say(await problem(response)); return; }
      const body = await response.json();
      const chosen = el.collection.value;
      el.collection.replaceChildren();
      for (const c of body.collections || []) {
        const option = make('option', '', String(c.name) + ' (' + plural(Number(c.documents), 'document', 'documents') + ')');
        option.value = String(c.name);
        el.collection.append(option);
      }
      if ([...el.collection.options].some((o) => o.value === chosen)) el.collection.value = chosen;
      if (!el.collection.options.length) say('The store has no collections yet: ingest some documents first.');
      document.documentElement.dataset.collections = 'loaded';
    } catch (e) { failed(e); }
  }

  // --- Markdown: a safe subset, built as elements -----------------------------------------------
  // Blocks: paragraphs, headings, lists (nested by indentation), fenced code (with Copy), tables,
  // quotes, rules. Inline: code, strong, emphasis, strikethrough, links to http(s) only (any
  // other link stays text), bare http(s) addresses, and citations [n] as links to source n.
  const SAFE_URL = /^https?:\/\/[^\s<>"]+$/i;

  function safeLink(url, label) {
    const a = make('a', 'external');
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.append(...label);
    return a;
  }

  function inline(text, ctx) {
    const out = [];
    let plain = '';
    const flush = () => { if (plain) { out.push(document.createTextNode(plain)); plain = ''; } };
    const push = (node) => { flush(); out.push(node); };
    let i = 0;
    while (i < text.length) {
      const rest = text.slice(i);
      const c = text[i];
      let m;
      if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!~|>]/.test(text[i + 1])) {
        plain += text[i + 1];
        i += 2;
      } else if (c === '`' && (m = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest))) {
        push(make('code', '', m[2].replace(/^ (.*) $/, '$1')));
        i += m[0].length;
      } else if ((m = /^\[(\d+(?:\s*,\s*\d+)*)\](?!\()/.exec(rest)) && ctx && ctx.cite) {
        flush();
        // Each number a badge that links to its source (its label says "Source n: title").
        for (const n of m[1].split(',').map((x) => Number(x.trim()))) out.push(ctx.cite(n));
        i += m[0].length;
      } else if (c === '[' && (m = /^\[([^\]\n]*)\]\(\s*<?([^\s)<>]*)>?(?:\s+"[^"\n]*")?\s*\)/.exec(rest))) {
        if (SAFE_URL.test(m[2])) push(safeLink(m[2], inline(m[1], ctx)));
        else plain += m[0];
        i += m[0].length;
      } else if ((c === 'h' || c === 'H') && !/[\w/]$/.test(plain) && (m = /^https?:\/\/[^\s<>"]+/i.exec(rest))) {
        const url = m[0].replace(/[.,;:!?'")\]]+$/, '');
        push(safeLink(url, [document.createTextNode(url)]));
        i += url.length;
      } else if ((c === '*' || c === '_') && text[i + 1] === c && (m = new RegExp('^\\' + c + '\\' + c + '(?=\\S)([\\s\\S]*?\\S)\\' + c + '\\' + c).exec(rest))) {
        const strong = make('strong');
        strong.append(...inline(m[1], ctx));
        push(strong);
        i += m[0].length;
      } else if (c === '~' && (m = /^~~(?=\S)([\s\S]*?\S)~~/.exec(rest))) {
        const del = make('del');
        del.append(...inline(m[1], ctx));
        push(del);
        i += m[0].length;
      } else if ((c === '*' || (c === '_' && !/\w$/.test(plain))) && (m = new RegExp('^\\' + c + '(?=[^\\s' + c + '])([^' + c + '\\n]*?[^\\s' + c + '])\\' + c + (c === '_' ? '(?!\\w)' : '')).exec(rest))) {
        const em = make('em');
        em.append(...inline(m[1], ctx));
        push(em);
        i += m[0].length;
      } else {
        plain += c;
        i += 1;
      }
    }
    flush();
    return out;
  }

  // A paragraph's lines: one text, its line breaks kept (answers often break lines on purpose).
  function lines(parts, ctx) {
    const nodes = [];
    parts.forEach((line, k) => {
      if (k) nodes.push(make('br'));
      nodes.push(...inline(line.trim(), ctx));
    });
    return nodes;
  }

  function codeBlock(code, language) {
    const wrap = make('div', 'code-block');
    const bar = make('div', 'code-bar');
    bar.append(make('span', 'code-lang', language || 'code'));
    const copy = make('button', 'copy ghost', 'Copy');
    copy.type = 'button';
    copy.setAttribute('aria-label', 'Copy the code' + (language ? ' (' + language + ')' : ''));
    bar.append(copy);
    const pre = make('pre');
    const codeEl = make('code', '', code);
    pre.append(codeEl);
    pre.tabIndex = 0;  // scrollable with the keyboard
    wrap.append(bar, pre);
    return wrap;
  }

  const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
  const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
  const cells = (line) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((s) => s.trim().replace(/\\\|/g, '|'));

  function blocks(source, ctx) {
    const all = source.replace(/\r\n?/g, '\n').split('\n');
    const out = [];
    let i = 0;
    const isBlank = (line) => /^\s*$/.test(line);
    const startsBlock = (line, next) => /^\s*(```|~~~)/.test(line) || /^\s{0,3}#{1,6}\s/.test(line) || /^\s{0,3}>/.test(line)
      || LIST_ITEM.test(line) || /^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line) || (line.includes('|') && next !== undefined && TABLE_RULE.test(next));
    while (i < all.length) {
      const line = all[i];
      let m;
      if (isBlank(line)) { i++; continue; }
      if ((m = /^\s*(```+|~~~+)\s*([\w+#.-]*)/.exec(line))) {
        const fence = m[1];
        const body = [];
        i++;
        while (i < all.length && !all[i].trim().startsWith(fence)) body.push(all[i++]);
        i++;  // the closing fence (or the end: a stream not finished yet)
        out.push(codeBlock(body.join('\n'), m[2]));
      } else if ((m = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
        // In a passage's snippet a heading is bold text, not one of the page's headings.
        const h = ctx && ctx.cite ? make(m[1].length <= 2 ? 'h4' : 'h5', 'md-heading') : make('p', 'md-heading');
        if (h.tagName === 'P') h.append(make('strong', '', ''));
        (h.firstChild || h).append(...inline(m[2], ctx));
        out.push(h);
        i++;
      } else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
        out.push(make('hr'));
        i++;
      } else if (/^\s{0,3}>/.test(line)) {
        const quoted = [];
        while (i < all.length && /^\s{0,3}>/.test(all[i])) quoted.push(all[i++].replace(/^\s{0,3}>\s?/, ''));
        const q = make('blockquote');
        q.append(...blocks(quoted.join('\n'), ctx));
        out.push(q);
      } else if (line.includes('|') && i + 1 < all.length && TABLE_RULE.test(all[i + 1])) {
        const head = cells(line);
        const aligns = cells(all[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : ''));
        i += 2;
        const wrap = make('div', 'table-wrap');
        wrap.tabIndex = 0;
        const table = make('table');
        const thead = make('thead');
        const tr = make('tr');
        head.forEach((text, k) => {
          const th = make('th');
          th.scope = 'col';
          if (aligns[k]) th.style.textAlign = aligns[k];
          th.append(...inline(text, ctx));
          tr.append(th);
        });
        thead.append(tr);
        const tbody = make('tbody');
        while (i < all.length && all[i].includes('|') && !isBlank(all[i])) {
          const row = make('tr');
          const values = cells(all[i++]);
          head.forEach((_, k) => {
            const td = make('td');
            if (aligns[k]) td.style.textAlign = aligns[k];
            td.append(...inline(values[k] || '', ctx));
            row.append(td);
          });
          tbody.append(row);
        }
        table.append(thead, tbody);
        wrap.append(table);
        out.push(wrap);
      } else if (LIST_ITEM.test(line)) {
        const [node, next] = list(all, i, ctx);
        out.push(node);
        i = next;
      } else {
        const para = [];
        while (i < all.length && !isBlank(all[i]) && (para.length === 0 || !startsBlock(all[i], all[i + 1]))) para.push(all[i++]);
        const p = make('p');
        p.append(...lines(para, ctx));
        out.push(p);
      }
    }
    return out;
  }

  // A list from all[start]: its items, an item's own lines, and lists indented under it.
  function list(all, start, ctx) {
    const first = LIST_ITEM.exec(all[start]);
    const indent = first[1].length;
    const ordered = /\d/.test(first[2]);
    const node = make(ordered ? 'ol' : 'ul');
    if (ordered && parseInt(first[2], 10) !== 1) node.start = parseInt(first[2], 10);
    let i = start;
    while (i < all.length) {
      const m = LIST_ITEM.exec(all[i]);
      if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) break;
      const li = make('li');
      const text = [m[3]];
      i++;
      const children = [];
      while (i < all.length && !/^\s*$/.test(all[i])) {
        const sub = LIST_ITEM.exec(all[i]);
        if (sub && sub[1].length > indent) {
          const [child, next] = list(all, i, ctx);
          children.push(child);
          i = next;
        } else if (!sub && /^\s/.test(all[i])) {
          text.push(all[i++]);
        } else break;
      }
      li.append(...lines(text, ctx), ...children);
      node.append(li);
      // One blank line between items keeps the list going.
      if (i + 1 < all.length && /^\s*$/.test(all[i]) && LIST_ITEM.test(all[i + 1]) && LIST_ITEM.exec(all[i + 1])[1].length >= indent) i++;
    }
    return [node, i];
  }

  function renderMarkdown(container, text, ctx) {
    container.replaceChildren(...blocks(text, ctx));
  }

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    if (!button) return;
    const code = button.closest('.code-block').querySelector('code').textContent;
    const done = (label) => {
      button.textContent = label;
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code).then(() => done('Copied'), () => done('Copy failed'));
    } else done('Copy failed');
  });

  // --- citations and passages ------------------------------------------------------------------
  const citationText = (source, first, last) => source + ':L' + first + (last !== first ? '-L' + last : '');

  function citationLink(collection, source, first, last, label, title) {
    const a = make('a', 'cite', label);
    const params = new URLSearchParams({ q: el.q.value, collection, source, start_line: String(first), end_line: String(last) });
    a.href = '/?' + params.toString();
    a.dataset.collection = collection;
    a.dataset.source = source;
    a.dataset.start = String(first);
    a.dataset.end = String(last);
    if (title) a.dataset.title = title;
    return a;
  }

  const documentPath = (collection, source) =>
    '/api/v1/collections/' + encodeURIComponent(collection) + '/documents/' + source.split('/').map(encodeURIComponent).join('/');

  let opener = null;  // what opened the passage: the focus goes back there when it closes

  async function openPassage(link) {
    const { collection, source } = link.dataset;
    const first = Number(link.dataset.start);
    const last = Number(link.dataset.end);
    const again = () => openPassage(link);
    try {
      const query = new URLSearchParams({ start_line: String(first), end_line: String(last) });
      const response = await call(documentPath(collection, source) + '?' + query.toString(), {}, again);
      if (!response.ok) { say(await problem(response)); return; }
      const body = await response.json();
      el.passageTitle.textContent = String(body.title || link.dataset.title || '');
      el.passageCitation.textContent = body.citation ? String(body.citation) : citationText(source, first, last);
      el.passage.textContent = String(body.text || '');
      for (const a of document.querySelectorAll('a.cite[aria-current]')) a.removeAttribute('aria-current');
      link.setAttribute('aria-current', 'true');
      opener = link;
      document.body.classList.add('with-passage');
      el.passageSection.hidden = false;
      el.passageSection.focus();
      el.passageSection.scrollIntoView({ block: 'nearest' });
    } catch (e) { failed(e); }
  }

  function closePassage() {
    el.passageSection.hidden = true;
    document.body.classList.remove('with-passage');
    for (const a of document.querySelectorAll('a.cite[aria-current]')) a.removeAttribute('aria-current');
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  }
  el.passageClose.addEventListener('click', closePassage);
  el.passageClose.hidden = false;
  if (!el.passageSection.hidden) document.body.classList.add('with-passage');

  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a.cite') : null;
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openPassage(a);
  });

  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    if (current) { current.controller.abort(); return; }
    if (!el.passageSection.hidden) closePassage();
  });

  // --- search: its results replace the conversation on screen ----------------------------------
  function remember() {
    const params = new URLSearchParams({ q: el.q.value, collection: el.collection.value });
    history.replaceState(null, '', '/?' + params.toString());
  }

  function resultItem(collection, hit) {
    const li = make('li', 'card result');
    const [first, last] = hit.lines;
    const head = make('div', 'card-head');
    const title = String(hit.title || '') || String(hit.source);
    head.append(citationLink(collection, String(hit.source), first, last, title, String(hit.title || '')));
    li.append(head);
    if (hit.section) li.append(make('p', 'section', String(hit.section)));
    li.append(make('p', 'citation', String(hit.citation)));
    const snippet = make('div', 'snippet md');
    renderMarkdown(snippet, String(hit.text), null);
    li.append(snippet);
    return li;
  }

  async function search() {
    const query = el.q.value.trim();
    const collection = el.collection.value;
    if (!query) { say('Type some words to search for.'); el.q.focus(); return; }
    if (current) current.controller.abort();
    say('Searching…');
    remember();
    try {
      const response = await call('/api/v1/search', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query, collection, k: 10 }),
      }, search);
      if (!response.ok) { say(await problem(response)); return; }
      const body = await response.json();
      const hits = body.hits || [];
      el.results.replaceChildren(...hits.map((hit) => resultItem(collection, hit)));
      el.answerSection.hidden = true;
      el.resultsSection.hidden = false;
      el.resultsSection.scrollIntoView({ block: 'nearest' });
      say(hits.length ? plural(hits.length, 'passage', 'passages') + ' found.' : 'Nothing found.');
    } catch (e) { failed(e); }
  }

  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });

  // --- the conversation: ask, stream, stop, regenerate, follow up -------------------------------
  const citedNumbers = (text) => {
    const cited = new Set();
    for (const m of text.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\](?!\()/g)) for (const n of m[1].split(',')) cited.add(Number(n));
    return cited;
  };

  function sourceCard(turn, s, cited) {
    const li = make('li', 'card source' + (cited ? ' cited' : ''));
    const [first, last] = s.lines;
    const head = make('div', 'card-head');
    head.append(make('span', 'badge', String(Number(s.n))));
    const title = String(s.title || '') || String(s.source);
    const link = citationLink(turn.collection, String(s.source), first, last, title, String(s.title || ''));
    link.id = turn.id + '-source-' + Number(s.n);
    head.append(link);
    li.append(head);
    if (s.section) li.append(make('p', 'section', String(s.section)));
    li.append(make('p', 'citation', citationText(String(s.source), first, last)));
    return li;
  }

  // The sources as cards, the cited ones first (in the order of their numbers), the others folded.
  function showSources(turn) {
    const cited = citedNumbers(turn.answer);
    const sources = turn.sources || [];
    const first = sources.filter((s) => cited.has(Number(s.n)));
    const rest = sources.filter((s) => !cited.has(Number(s.n)));
    const block = turn.li.querySelector('.sources-block');
    block.replaceChildren();
    if (!sources.length) { block.hidden = true; return; }
    block.append(make('h4', 'sources-heading', first.length ? 'Sources' : 'Passages searched'));
    const list = make('ol', 'cards sources');
    list.append(...(first.length ? first : rest).map((s) => sourceCard(turn, s, first.length > 0)));
    block.append(list);
    if (first.length && rest.length) {
      const more = make('details', 'more-sources');
      more.append(make('summary', '', plural(rest.length, 'more passage', 'more passages') + ' searched, not cited'));
      const others = make('ol', 'cards sources uncited');
      others.append(...rest.map((s) => sourceCard(turn, s, false)));
      more.append(others);
      block.append(more);
    }
    block.hidden = false;
  }

  // A citation [n] in the answer: a link to source n's passage (text until the sources arrive).
  function citeFor(turn) {
    return (n) => {
      const s = (turn.sources || []).find((x) => Number(x.n) === n);
      if (!s) return make('span', 'cite-pending', '[' + n + ']');
      const [first, last] = s.lines;
      const a = citationLink(turn.collection, String(s.source), first, last, String(n), String(s.title || ''));
      a.classList.add('cite-n');
      a.setAttribute('aria-label', 'Source ' + n + ': ' + (String(s.title || '') || String(s.source)));
      return a;
    };
  }

  function paint(turn) {
    renderMarkdown(turn.answerEl, turn.answer, { cite: citeFor(turn) });
  }

  function setTurnState(turn, state, note) {
    turn.state = state;
    turn.li.dataset.state = state;
    turn.answerEl.dataset.state = state;
    turn.answerEl.setAttribute('aria-busy', String(state === 'streaming'));
    turn.noteEl.textContent = note || '';
    turn.noteEl.hidden = !note;
    turn.stop.hidden = state !== 'streaming';
    refreshActions();
  }

  // Regenerate on the last turn only, once it is not streaming; New conversation when there is one.
  function refreshActions() {
    conversation.forEach((t, k) => { t.regenerate.hidden = k !== conversation.length - 1 || t.state === 'streaming'; });
    el.newChat.hidden = conversation.length === 0;
  }

  function newTurn(question, collection) {
    const turn = { id: 'turn-' + (conversation.length + 1) + '-' + Date.now().toString(36), question, collection, answer: '', sources: [], state: 'new' };
    const li = make('li', 'turn');
    li.id = turn.id;
    const q = make('h3', 'question');
    q.append(make('span', 'visually-hidden', 'Question: '), document.createTextNode(question));
    const meta = make('p', 'turn-meta', collection);
    const answerEl = make('div', 'answer md');
    answerEl.setAttribute('aria-live', 'polite');
    const noteEl = make('p', 'turn-note');
    noteEl.hidden = true;
    const actions = make('div', 'row turn-actions');
    const stop = make('button', 'stop secondary', 'Stop');
    stop.type = 'button';
    stop.addEventListener('click', () => { if (current && current.turn === turn) current.controller.abort(); });
    const regenerate = make('button', 'regenerate secondary', 'Regenerate');
    regenerate.type = 'button';
    regenerate.addEventListener('click', () => streamAnswer(turn, true));
    actions.append(stop, regenerate);
    const sourcesBlock = make('div', 'sources-block');
    sourcesBlock.hidden = true;
    li.append(q, meta, answerEl, noteEl, actions, sourcesBlock);
    Object.assign(turn, { li, answerEl, noteEl, stop, regenerate });
    return turn;
  }

  // The messages for `turn`: the earlier turns that answered (a stopped one with what it said),
  // then its question.
  function messagesFor(turn) {
    const messages = [];
    const earlier = conversation.slice(0, conversation.indexOf(turn))
      .filter((t) => (t.state === 'done' || t.state === 'stopped') && t.answer.trim() && t.collection === turn.collection)
      .slice(-HISTORY_TURNS);
    for (const t of earlier) messages.push({ role: 'user', content: t.question }, { role: 'assistant', content: t.answer });
    messages.push({ role: 'user', content: turn.question });
    return messages;
  }

  // One event's data: false when the stream ended ([DONE] or an error).
  function onEvent(turn, data) {
    if (data === '[DONE]') return false;
    const chunk = JSON.parse(data);
    if (chunk.error) throw new Error(String(chunk.error.message || 'The answer was cut off.'));
    const choice = chunk.choices && chunk.choices[0];
    const piece = choice && choice.delta && choice.delta.content;
    let changed = false;
    if (typeof piece === 'string' && piece) { turn.answer += piece; changed = true; }
    if (Array.isArray(chunk.sources)) { turn.sources = chunk.sources; changed = true; }
    if (changed) {
      paint(turn);
      if (turn.sources.length) showSources(turn);
    }
    return true;
  }

  async function streamAnswer(turn, fresh) {
    if (current) return;
    const controller = new AbortController();
    current = { turn, controller };
    turn.answer = '';
    turn.sources = [];
    turn.answerEl.replaceChildren();
    showSources(turn);
    setTurnState(turn, 'streaming');
    el.ask.setAttribute('aria-disabled', 'true');
    say(fresh ? 'Asking again…' : 'Asking…');
    try {
      const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
      // Regenerate: a new answer from the model, never the server's answer cache.
      if (fresh) headers['Cache-Control'] = 'no-cache';
      const response = await call('/v1/chat/completions', {
        method: 'POST', headers, signal: controller.signal,
        body: JSON.stringify({ model: 'strata/' + turn.collection, stream: true, messages: messagesFor(turn) }),
      }, () => streamAnswer(turn, fresh));
      if (!response.ok) throw new Error(await problem(response, turn.collection));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let going = true;
      while (going) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, '\n');
        let end;
        while (going && (end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
          if (data) going = onEvent(turn, data);
        }
      }
      if (going) reader.cancel().catch(() => {});
      setTurnState(turn, 'done');
      say('');
    } catch (e) {
      if (controller.signal.aborted) {
        paint(turn);
        setTurnState(turn, 'stopped', turn.answer ? 'Stopped: the answer is incomplete.' : 'Stopped before any answer.');
        say('Stopped.');
      } else if (e instanceof NeedKey) {
        setTurnState(turn, 'error', 'This server needs an API key.');
      } else {
        setTurnState(turn, 'error', e && e.message ? e.message : String(e));
        failed(e);
      }
    } finally {
      current = null;
      el.ask.removeAttribute('aria-disabled');
      refreshActions();
      const focused = document.activeElement;
      if (!focused || focused === document.body || focused.hidden) turn.regenerate.focus();
    }
  }

  function ask() {
    const question = el.q.value.trim();
    const collection = el.collection.value;
    if (!question) { say('Type a question first.'); el.q.focus(); return; }
    if (current) return;
    remember();
    const turn = newTurn(question, collection);
    conversation.push(turn);
    el.turns.append(turn.li);
    el.resultsSection.hidden = true;
    el.answerSection.hidden = false;
    el.q.value = '';
    el.q.placeholder = 'Ask a follow-up, or search';
    turn.li.scrollIntoView({ block: 'nearest' });
    streamAnswer(turn, false);
  }

  el.newChat.addEventListener('click', () => {
    if (current) current.controller.abort();
    conversation.length = 0;
    el.turns.replaceChildren();
    el.answerSection.hidden = true;
    el.q.placeholder = firstPlaceholder;
    refreshActions();
    say('A new conversation.');
    el.q.focus();
  });

  el.ask.addEventListener('click', ask);
  el.ask.hidden = false;
  loadCollections();
})();
