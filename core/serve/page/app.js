// strata's page: collections, search, a streamed answer and its citations, over the server's own
// API. Everything the store or the server sends is shown with textContent or as a property of an
// element made here, never parsed as HTML: a document is data, whatever it holds.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const el = {
    keyForm: $('key-form'), key: $('key'), keyStatus: $('key-status'),
    form: $('ask-form'), collection: $('collection'), q: $('q'), ask: $('ask'), search: $('search'),
    status: $('status'),
    answerSection: $('answer-section'), answer: $('answer'), sourcesHeading: $('sources-heading'), sources: $('sources'),
    resultsSection: $('results-section'), results: $('results'),
    passageSection: $('passage-section'), passageCitation: $('passage-citation'), passage: $('passage'),
  };
  const KEY = 'strata.key';
  let retry = null;  // what to run again once the user gave a key
  let asking = false;  // an answer is streaming: Ask waits (not disabled, so that it keeps the focus)

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
  async function problem(response) {
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (body && typeof body.detail === 'string') return body.detail;
    if (body && Array.isArray(body.detail) && body.detail.length) {
      const d = body.detail[0];
      return (Array.isArray(d.loc) ? d.loc.join('.') + ': ' : '') + String(d.msg);
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
        const option = document.createElement('option');
        option.value = String(c.name);
        option.textContent = String(c.name) + ' (' + Number(c.documents) + ' documents)';
        el.collection.append(option);
      }
      if ([...el.collection.options].some((o) => o.value === chosen)) el.collection.value = chosen;
      if (!el.collection.options.length) say('The store has no collections yet: ingest some documents first.');
      document.documentElement.dataset.collections = 'loaded';
    } catch (e) { failed(e); }
  }

  // --- citations: a link that opens the cited lines -------------------------------------------
  const citationText = (source, first, last) => source + ':L' + first + (last !== first ? '-L' + last : '');

  function citationLink(collection, source, first, last, label) {
    const a = document.createElement('a');
    a.className = 'cite citation';
    const params = new URLSearchParams({ q: el.q.value, collection, source, start_line: String(first), end_line: String(last) });
    a.href = '/?' + params.toString();
    a.dataset.collection = collection;
    a.dataset.source = source;
    a.dataset.start = String(first);
    a.dataset.end = String(last);
    a.textContent = label;
    return a;
  }

  const documentPath = (collection, source) =>
    '/api/v1/collections/' + encodeURIComponent(collection) + '/documents/' + source.split('/').map(encodeURIComponent).join('/');

  async function openPassage(collection, source, first, last) {
    const again = () => openPassage(collection, source, first, last);
    try {
      const query = new URLSearchParams({ start_line: String(first), end_line: String(last) });
      const response = await call(documentPath(collection, source) + '?' + query.toString(), {}, again);
      if (!response.ok) { say(await problem(response)); return; }
      const body = await response.json();
      el.passageCitation.textContent = body.citation ? String(body.citation) : citationText(source, first, last);
      el.passage.textContent = String(body.text || '');
      el.passageSection.hidden = false;
      el.passageSection.focus();
      el.passageSection.scrollIntoView({ block: 'nearest' });
    } catch (e) { failed(e); }
  }

  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a.cite') : null;
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openPassage(a.dataset.collection, a.dataset.source, Number(a.dataset.start), Number(a.dataset.end));
  });

  // --- search ---------------------------------------------------------------------------------
  function remember() {
    const params = new URLSearchParams({ q: el.q.value, collection: el.collection.value });
    history.replaceState(null, '', '/?' + params.toString());
  }

  async function search() {
    const query = el.q.value.trim();
    const collection = el.collection.value;
    if (!query) { say('Type some words to search for.'); el.q.focus(); return; }
    say('Searching…');
    remember();
    try {
      const response = await call('/api/v1/search', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query, collection, k: 10 }),
      }, search);
      if (!response.ok) { say(await problem(response)); return; }
      const body = await response.json();
      el.results.replaceChildren();
      for (const hit of body.hits || []) {
        const li = document.createElement('li');
        const [first, last] = hit.lines;
        li.append(citationLink(collection, String(hit.source), first, last, String(hit.citation)));
        if (hit.title) {
          const title = document.createElement('span');
          title.className = 'title';
          title.textContent = String(hit.title);
          li.append(title);
        }
        const snippet = document.createElement('p');
        snippet.className = 'snippet';
        snippet.textContent = String(hit.text);
        li.append(snippet);
        el.results.append(li);
      }
      el.resultsSection.hidden = false;
      say(body.hits && body.hits.length ? body.hits.length + ' passages found.' : 'Nothing found.');
    } catch (e) { failed(e); }
  }

  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });

  // --- ask: POST /v1/chat/completions, streamed (server-sent events) --------------------------
  function showSources(collection, sources) {
    el.sources.replaceChildren();
    for (const s of sources) {
      const li = document.createElement('li');
      const [first, last] = s.lines;
      li.append(citationLink(collection, String(s.source), first, last, '[' + Number(s.n) + '] ' + citationText(String(s.source), first, last)));
      el.sources.append(li);
    }
    el.sourcesHeading.hidden = sources.length === 0;
  }

  // One event's data: false when the stream ended ([DONE] or an error).
  function onEvent(data, collection) {
    if (data === '[DONE]') return false;
    const chunk = JSON.parse(data);
    if (chunk.error) throw new Error(String(chunk.error.message || 'The answer was cut off.'));
    const choice = chunk.choices && chunk.choices[0];
    const piece = choice && choice.delta && choice.delta.content;
    if (typeof piece === 'string' && piece) el.answer.append(document.createTextNode(piece));
    if (Array.isArray(chunk.sources)) showSources(collection, chunk.sources);
    return true;
  }

  async function ask() {
    const question = el.q.value.trim();
    const collection = el.collection.value;
    if (!question) { say('Type a question first.'); el.q.focus(); return; }
    if (asking) return;
    asking = true;
    remember();
    el.answer.replaceChildren();
    el.sources.replaceChildren();
    el.sourcesHeading.hidden = true;
    el.answerSection.hidden = false;
    el.answer.dataset.state = 'streaming';
    el.ask.setAttribute('aria-disabled', 'true');
    say('Asking…');
    try {
      const response = await call('/v1/chat/completions', {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify({ model: 'strata/' + collection, stream: true, messages: [{ role: 'user', content: question }] }),
      }, ask);
      if (!response.ok) throw new Error(await problem(response));
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
          if (data) going = onEvent(data, collection);
        }
      }
      if (going) reader.cancel().catch(() => {});
      el.answer.dataset.state = 'done';
      say('');
    } catch (e) {
      el.answer.dataset.state = 'error';
      failed(e);
    } finally {
      asking = false;
      el.ask.removeAttribute('aria-disabled');
    }
  }

  el.ask.addEventListener('click', ask);
  el.ask.hidden = false;
  loadCollections();
})();
