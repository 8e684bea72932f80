// strata serve's web page in Debian's Chromium, driven by playwright-core (tests/e2e/serve_page.sh):
// pick a collection, search, open a citation; ask and watch the answer stream in as Markdown (a
// safe subset: a model's markup and javascript: links stay text), its citations links that open
// the passage beside it, its sources titled cards with the cited first; Stop, Regenerate (the
// model asked again), a follow-up (the history sent), search replacing the answer, dark and light,
// the icon, the keyboard alone, axe-core's audit, a phone's viewport, JavaScript off, and a
// document whose text holds markup shown as text. Screenshots at 1280 and 375 px go to OUT_DIR.
// Prints "ok NAME", "FAIL NAME: why" or "note TEXT" per check (report_checks).
//
// Usage: node serve_page.mjs CLIENTS_DIR BASE_URL MODEL_SERVER_URL OUT_DIR
import { createRequire } from 'node:module';
import path from 'node:path';

const [clientsDir, base, modelServer, outDir] = process.argv.slice(2);
const require = createRequire(path.join(clientsDir, 'package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

let failures = 0;
function check(name, cond, why) {
  if (cond) console.log(`ok ${name}`);
  else { failures++; console.log(`FAIL ${name}: ${why ?? ''}`); }
}

// The OpenAI-compatible test server's control API (tests/servers/openai_server.py).
async function ctl(method, route, body) {
  const r = await fetch(modelServer + route, {
    method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${route}: ${r.status}`);
  return r.json().catch(() => ({}));
}
const model = async (behaviour) => { await ctl('POST', '/_control/reset', {}); await ctl('POST', '/_control/config', { chat_always: behaviour }); };
const chatCalls = async () => (await ctl('GET', '/_control/log')).requests.filter((r) => r.path.endsWith('/chat/completions'));

// A model's answer in Markdown, with what must stay text: a javascript: link, markup.
const MARKDOWN = [
  'To roll back, run **strata migrate down** and it _undoes_ the newest [2].',
  '',
  '- the first step, with `inline code`',
  '- the second step',
  '',
  '```sh',
  'strata migrate down',
  '```',
  '',
  '| Command | Effect |',
  '|---|---|',
  '| down | undoes the newest |',
  '',
  'A [bad link](javascript:alert(1)) and a [good link](https://example.com/docs).',
  '<img src=x onerror="window.pwned=1"> <script>window.pwned=1</script>',
].join('\n');

// Playwright starts Chromium with a fresh --user-data-dir of its own in os.tmpdir() (the test's
// scratch folder: serve_page.sh sets TMPDIR), removed when the browser closes.
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const pageErrors = [];
const failedResponses = [];

async function fresh(options = {}) {
  const ctx = options.context ?? (options.viewport ? await browser.newContext({ viewport: options.viewport }) : context);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // What a page loads by itself (the page, its files, its icon): a GET. (An ask of a missing
  // collection below is a POST answered 404 on purpose.)
  page.on('response', (r) => { if (r.status() >= 400 && r.request().method() === 'GET') failedResponses.push(`${r.status()} ${r.url()}`); });
  return page;
}

async function loaded(page) {
  await page.waitForFunction(() => document.documentElement.dataset.collections === 'loaded', null, { timeout: 10000 });
}

// Counts the last turn's answer's DOM updates from now on (each streamed piece is at least one).
async function countPaints(page) {
  await page.evaluate(() => {
    window.__paints = 0;
    new MutationObserver((records) => { window.__paints += records.length; })
      .observe(document.getElementById('turns'), { childList: true, characterData: true, subtree: true });
  });
}

const lastAnswer = '#turns > li:last-child .answer';
async function answered(page, why, states = ['done']) {
  await page.waitForFunction(() => {
    const a = document.querySelector('#turns > li:last-child .answer');
    return a && ['done', 'error', 'stopped'].includes(a.dataset.state);
  }, null, { timeout: 30000 });
  const state = await page.getAttribute(lastAnswer, 'data-state');
  check(`${why}: the answer ended (${states.join('/')})`, states.includes(state),
    `${state}: ${await page.textContent('#turns > li:last-child .turn-note')} ${await page.textContent('#status')}`);
}

async function ask(page, question) {
  await page.fill('#q', question);
  await page.click('#ask');
}

async function screenshot(page, name) {
  const file = path.join(outDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`note screenshot: ${file}`);
}

try {
  // --- the headers and the icon -------------------------------------------------------------
  {
    const page = await fresh();
    const response = await page.goto(base + '/');
    const h = response.headers();
    check('CSP header on /', (h['content-security-policy'] ?? '').includes("default-src 'self'")
      && (h['content-security-policy'] ?? '').includes("frame-ancestors 'none'"), JSON.stringify(h));
    check('nosniff and no-referrer on /', h['x-content-type-options'] === 'nosniff' && h['referrer-policy'] === 'no-referrer', JSON.stringify(h));
    const js = await page.request.get(base + '/static/app.js');
    check('app.js served with the headers', js.status() === 200 && (js.headers()['content-security-policy'] ?? '') !== ''
      && js.headers()['content-type'].startsWith('text/javascript'), `${js.status()} ${JSON.stringify(js.headers())}`);
    await loaded(page);
    const icon = await page.getAttribute('link[rel="icon"]', 'href');
    const served = await page.request.get(new URL(icon, base).href);
    check('the icon is served (image/svg+xml, the page\'s cache headers)', served.status() === 200
      && served.headers()['content-type'] === 'image/svg+xml' && served.headers()['cache-control'] === 'no-cache'
      && (served.headers()['content-security-policy'] ?? '') !== '' && (await served.text()).startsWith('<svg'),
    `${icon}: ${served.status()} ${JSON.stringify(served.headers())}`);
    const options = await page.$$eval('#collection option', (os) => os.map((o) => o.textContent));
    check('one document is "1 document"', options.includes('notes (1 document)') && options.some((o) => /^docs \(\d+ documents\)$/.test(o)),
      JSON.stringify(options));
    await page.close();
  }

  // --- pick a collection, search, open a citation (mouse) -----------------------------------
  {
    const page = await fresh();
    await page.goto(base + '/');
    await loaded(page);
    const names = await page.$$eval('#collection option', (os) => os.map((o) => o.value));
    check('collections listed', names.includes('docs') && names.includes('notes'), JSON.stringify(names));
    await page.selectOption('#collection', 'notes');
    await page.fill('#q', 'kettle descaling');
    await page.click('#search');
    await page.waitForSelector('#results li a.cite');
    const notes = await page.$$eval('#results .citation', (ps) => ps.map((p) => p.textContent));
    check('search in the picked collection', notes.length > 0 && notes.every((t) => t.startsWith('notes/kettle.md:')), JSON.stringify(notes));
    await page.selectOption('#collection', 'docs');
    await page.fill('#q', 'roll back a migration');
    await page.click('#search');
    await page.waitForFunction(() => [...document.querySelectorAll('#results .citation')].some((p) => p.textContent.startsWith('docs/rollback.md:')));
    const hits = await page.$$eval('#results li', (ls) => ls.map((l) => ({
      title: l.querySelector('a.cite').textContent, section: l.querySelector('.section')?.textContent ?? '', text: l.textContent,
    })));
    check('search hits as cards: title, section, passage', hits.length > 0 && hits[0].title === 'Rollback'
      && hits[0].section === 'Undoing a migration' && hits[0].text.includes('docs/rollback.md:L') && hits[0].text.includes('roll back'),
    JSON.stringify(hits));
    await page.click('#results li:first-child a.cite');
    await page.waitForSelector('#passage-section:not([hidden])');
    const cited = await page.textContent('#passage');
    const citation = await page.textContent('#passage-citation');
    check('a citation opens the cited lines', citation.startsWith('docs/rollback.md:L') && cited.includes('To roll back a migration')
      && (await page.textContent('#passage-title')) === 'Rollback', `${citation}: ${cited}`);
    check('the URL keeps the search', new URL(page.url()).searchParams.get('q') === 'roll back a migration', page.url());
    await page.click('#passage-close');
    check('Close hides the passage', await page.isHidden('#passage-section'), 'still shown');

    // The default answer: "Strata reads your documents [1]." a word every 60 ms.
    await model({ delay_ms: 60 });
    await countPaints(page);
    await ask(page, 'How do I roll back a migration?');
    check('Ask replaces the search results with the conversation', await page.isHidden('#results-section'), 'results still shown');
    await answered(page, 'ask');
    const answer = await page.textContent(lastAnswer);
    const paints = await page.evaluate(() => window.__paints);
    check('the answer streamed in (more than one paint)', paints > 1 && answer.length > 0, `${paints} paints: ${answer}`);
    check('the answer is the model\'s', answer.includes('Strata reads your documents'), answer);
    const cards = await page.$$eval('#turns > li:last-child .sources-block li.card', (ls) => ls.map((l) => ({
      n: l.querySelector('.badge').textContent, title: l.querySelector('a.cite').textContent, cited: l.classList.contains('cited'),
      section: l.querySelector('.section')?.textContent ?? '', citation: l.querySelector('.citation').textContent,
    })));
    check('the answer\'s sources are cards with titles', cards.length > 0 && cards.every((c) => c.title.length > 0)
      && cards.some((c) => c.title === 'Rollback' && c.section === 'Undoing a migration'), JSON.stringify(cards));
    check('the cited source is the first card', cards[0].n === '1' && cards[0].cited && cards.slice(1).every((c) => !c.cited), JSON.stringify(cards));
    await page.click('#turns > li:last-child .sources-block li:first-child a.cite');
    await page.waitForSelector('#passage-section:not([hidden])');
    const opened = await page.textContent('#passage-citation');
    check('a source card opens its passage', opened === cards[0].citation, `${opened} vs ${cards[0].citation}`);

    // Search after Ask: the results replace the answer, at the top.
    await page.fill('#q', 'roll back a migration');
    await page.click('#search');
    await page.waitForSelector('#results-section:not([hidden])');
    const top = await page.evaluate(() => document.getElementById('results-section').getBoundingClientRect().top);
    check('Search replaces the answer (results shown, conversation hidden, in view)',
      (await page.isHidden('#answer-section')) && top >= 0 && top < 900, `answer hidden: ${await page.isHidden('#answer-section')}, top ${top}`);
    await page.close();
  }

  // --- Markdown, citations beside the answer, cited first, follow-up, regenerate, stop ------------
  {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await fresh();
    await page.goto(base + '/');
    await loaded(page);
    await page.selectOption('#collection', 'docs');
    await model({ delay_ms: 10, answer: MARKDOWN });
    await ask(page, 'How do I roll back a migration?');
    await answered(page, 'markdown');
    const md = await page.evaluate(() => {
      const a = document.querySelector('#turns > li:last-child .answer');
      return {
        text: a.textContent,
        strong: [...a.querySelectorAll('strong')].map((e) => e.textContent),
        em: [...a.querySelectorAll('em')].map((e) => e.textContent),
        items: [...a.querySelectorAll('ul > li')].map((e) => e.textContent),
        inlineCode: [...a.querySelectorAll('li code')].map((e) => e.textContent),
        code: [...a.querySelectorAll('pre code')].map((e) => e.textContent),
        copy: a.querySelectorAll('.code-block button.copy').length,
        th: [...a.querySelectorAll('table th')].map((e) => e.textContent),
        td: [...a.querySelectorAll('table td')].map((e) => e.textContent),
        links: [...a.querySelectorAll('a')].map((e) => ({ href: e.getAttribute('href'), text: e.textContent, rel: e.rel, target: e.target })),
        elements: a.querySelectorAll('img, script, iframe').length,
      };
    });
    check('markdown: bold and emphasis', md.strong.includes('strata migrate down') && md.em.includes('undoes') && !md.text.includes('**'), JSON.stringify(md));
    check('markdown: a list', md.items.length === 2 && md.items[0].includes('the first step') && md.inlineCode.includes('inline code'), JSON.stringify(md.items));
    check('markdown: a fenced code block with Copy', md.code.length === 1 && md.code[0] === 'strata migrate down' && md.copy === 1
      && !md.text.includes('```'), JSON.stringify(md.code));
    check('markdown: a table', JSON.stringify(md.th) === '["Command","Effect"]' && JSON.stringify(md.td) === '["down","undoes the newest"]',
      JSON.stringify([md.th, md.td]));
    check('markdown: an http(s) link is a link (new tab, no opener)',
      md.links.some((l) => l.href === 'https://example.com/docs' && l.text === 'good link' && l.target === '_blank' && l.rel.includes('noopener')),
      JSON.stringify(md.links));
    check('markdown: a javascript: link stays text', md.links.every((l) => !/^\s*javascript:/i.test(l.href ?? ''))
      && md.text.includes('[bad link](javascript:alert(1))'), JSON.stringify(md.links));
    check('markdown: markup in an answer is text', md.elements === 0 && md.text.includes('<img src=x onerror="window.pwned=1">')
      && md.text.includes('<script>window.pwned=1</script>'), md.text);
    await page.click('#turns > li:last-child .code-block button.copy');
    await page.waitForFunction(() => document.querySelector('#turns > li:last-child button.copy').textContent !== 'Copy');
    const copied = await page.evaluate(async () => ({
      label: document.querySelector('#turns > li:last-child button.copy').textContent,
      clip: await navigator.clipboard.readText().catch((e) => 'unreadable: ' + e),
    }));
    check('Copy puts the code on the clipboard', copied.label === 'Copied' && copied.clip === 'strata migrate down', JSON.stringify(copied));

    const cards = await page.$$eval('#turns > li:last-child .sources-block li.card', (ls) => ls.map((l) => ({
      n: l.querySelector('.badge').textContent, cited: l.classList.contains('cited'), folded: Boolean(l.closest('details')),
      citation: l.querySelector('.citation').textContent,
    })));
    check('the cited source (2) comes first, the others folded below it', cards.length >= 2 && cards[0].n === '2' && cards[0].cited
      && !cards[0].folded && cards.slice(1).every((c) => !c.cited && c.folded) && cards.some((c) => c.n === '1'), JSON.stringify(cards));
    const cite = page.locator('#turns > li:last-child .answer a.cite-n');
    check('the citation [2] in the text is a link', (await cite.count()) === 1 && (await cite.textContent()) === '2'
      && (await cite.getAttribute('aria-label')).startsWith('Source 2: ') && !(await page.textContent(lastAnswer)).includes('[2]'),
    `${await cite.count()}: ${await page.textContent(lastAnswer)}`);
    await cite.click();
    await page.waitForSelector('#passage-section:not([hidden])');
    const panel = await page.locator('#passage-section').boundingBox();
    const answerBox = await page.locator(lastAnswer).boundingBox();
    check('the citation opens its passage beside the answer', (await page.textContent('#passage-citation')) === cards[0].citation
      && panel.x >= answerBox.x + answerBox.width && panel.y < answerBox.y + answerBox.height,
    `${await page.textContent('#passage-citation')} vs ${cards[0].citation}; panel ${JSON.stringify(panel)} answer ${JSON.stringify(answerBox)}`);
    check('the opened citation is marked', (await cite.getAttribute('aria-current')) === 'true', 'no aria-current');
    check('nothing from the answer ran (window.pwned unset)', (await page.evaluate(() => window.pwned)) === undefined, 'window.pwned was set');
    await screenshot(page, 'page-1280.png');
    await page.click('#theme');
    await screenshot(page, 'page-1280-dark.png');
    await page.click('#theme');

    // A follow-up: the earlier question and answer go with it as the history.
    await model({ delay_ms: 10, answer: 'It applies them again with **strata migrate up** [1].' });
    await ask(page, 'And how do I apply it again?');
    await answered(page, 'follow-up');
    const calls = await chatCalls();
    const sent = JSON.stringify(calls.map((c) => c.messages));
    check('a follow-up sends the conversation (the first question and answer reach the model)',
      sent.includes('How do I roll back a migration?') && sent.includes('strata migrate down') && sent.includes('And how do I apply it again?'),
      sent.slice(0, 2000));
    check('the conversation shows both turns', (await page.$$('#turns > li')).length === 2, String((await page.$$('#turns > li')).length));
    check('Regenerate is on the last turn only', (await page.isVisible('#turns > li:last-child button.regenerate'))
      && !(await page.isVisible('#turns > li:first-child button.regenerate')), 'buttons');

    // Regenerate: the model is asked again (never the answer cache), the answer replaced.
    // (model() forgets the log: what it holds next is Regenerate's.)
    await model({ delay_ms: 10, answer: 'A second sample: run `strata migrate up` [1].' });
    await page.click('#turns > li:last-child button.regenerate');
    await answered(page, 'regenerate');
    const regenerated = await chatCalls();
    check('Regenerate calls the model again', regenerated.length >= 1
      && JSON.stringify(regenerated.at(-1).messages).includes('And how do I apply it again?'), JSON.stringify(regenerated).slice(0, 800));
    check('Regenerate replaces the last answer', (await page.textContent(lastAnswer)).includes('A second sample')
      && (await page.$$('#turns > li')).length === 2, await page.textContent(lastAnswer));

    // Stop: mid-stream, the partial answer stays, marked stopped; nothing more arrives.
    await model({ delay_ms: 300, answer: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen' });
    await ask(page, 'Count slowly');
    await page.waitForFunction(() => document.querySelector('#turns > li:last-child .answer').textContent.includes('two'), null, { timeout: 10000 });
    check('Stop is offered while the answer streams', await page.isVisible('#turns > li:last-child button.stop'), 'no Stop button');
    await page.click('#turns > li:last-child button.stop');
    await answered(page, 'stop', ['stopped']);
    const partial = await page.textContent(lastAnswer);
    await page.waitForTimeout(1200);
    const later = await page.textContent(lastAnswer);
    check('Stop keeps the partial answer, marked stopped', partial.includes('one two') && !partial.includes('fifteen') && later === partial
      && (await page.textContent('#turns > li:last-child .turn-note')).startsWith('Stopped'), `${partial} | ${later}`);
    check('Stop: the focus moves to Regenerate', await page.evaluate(() => document.activeElement?.classList.contains('regenerate')),
      await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80)));

    // New conversation: the turns go.
    await page.click('#new-chat');
    check('New conversation clears the turns', (await page.$$('#turns > li')).length === 0 && (await page.isHidden('#answer-section')), 'turns left');

    // A collection that does not exist is called a collection, not a model.
    await page.evaluate(() => { const o = document.createElement('option'); o.value = 'nosuch'; o.textContent = 'nosuch'; document.getElementById('collection').append(o); });
    await page.selectOption('#collection', 'nosuch');
    await ask(page, 'anything');
    await answered(page, 'a missing collection', ['error']);
    const note = await page.textContent('#turns > li:last-child .turn-note');
    check('a missing collection is said as one', note.includes('no collection "nosuch"') && !/model/i.test(note), note);
    await page.close();
  }

  // --- dark and light -------------------------------------------------------------------------
  {
    const page = await fresh();
    await page.goto(base + '/');
    await loaded(page);
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.click('#theme');
    const dark = await bg();
    check('the toggle turns the page dark', (await page.getAttribute('html', 'data-theme')) === 'dark'
      && (await page.getAttribute('#theme', 'aria-pressed')) === 'true' && dark !== light && dark === 'rgb(20, 22, 26)', `${light} -> ${dark}`);
    await page.reload();
    await loaded(page);
    check('the theme is kept (localStorage)', (await page.getAttribute('html', 'data-theme')) === 'dark' && (await bg()) === dark, await bg());
    await page.click('#theme');
    check('the toggle turns it light again', (await page.getAttribute('html', 'data-theme')) === 'light' && (await bg()) === light, await bg());
    await page.close();
    const darkSystem = await browser.newContext({ colorScheme: 'dark' });
    const page2 = await fresh({ context: darkSystem });
    await page2.goto(base + '/');
    await loaded(page2);
    check('the system\'s dark scheme is followed', (await page2.getAttribute('html', 'data-theme')) === 'dark', await page2.getAttribute('html', 'data-theme'));
    await darkSystem.close();
  }

  // --- axe-core: no serious or critical violation, light and dark, wide and phone -----------------
  // The page's CSP admits no script but its own: this context bypasses it to inject axe-core.
  for (const [label, options] of [['1280 light', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
    ['1280 dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }],
    ['375 light', { viewport: { width: 375, height: 740 }, colorScheme: 'light', isMobile: true, hasTouch: true }]]) {
    const audit = await browser.newContext({ ...options, bypassCSP: true });
    const page = await fresh({ context: audit });
    await page.goto(base + '/');
    await loaded(page);
    await page.selectOption('#collection', 'docs');
    await model({ delay_ms: 0, answer: MARKDOWN.replace('[2]', '[1]') });
    await ask(page, 'How do I roll back a migration?');
    await answered(page, `axe ${label}`);
    if (label.startsWith('375')) await screenshot(page, 'page-375.png');
    await page.click('#turns > li:last-child .answer a.cite-n');
    await page.waitForSelector('#passage-section:not([hidden])');
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target }));
    });
    const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    check(`axe-core ${label}: no serious or critical violation`, serious.length === 0, JSON.stringify(serious));
    if (result.length) console.log(`note axe-core ${label}, minor: ${JSON.stringify(result)}`);
    if (label.startsWith('375')) {
      const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      check('phone: no horizontal scroll after an answer with code and a table (375 px)', width.scroll <= width.client && width.client <= 375,
        JSON.stringify(width));
      const box = await page.locator('#passage-section').boundingBox();
      check('phone: the passage opens as a sheet within the screen', box && box.x >= 0 && box.x + box.width <= 375 && box.y + box.height <= 741,
        JSON.stringify(box));
      const file = path.join(outDir, 'page-375-passage.png');
      await page.screenshot({ path: file });
      console.log(`note screenshot: ${file}`);
    }
    await audit.close();
  }

  // --- the keyboard alone (Tab, Enter, arrows in the select) ---------------------------------
  {
    const page = await fresh();
    await page.goto(base + '/');
    await loaded(page);
    await model({ delay_ms: 60 });
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      if (!a) return '';
      if (a.classList.contains('cite')) return 'cite:' + (a.closest('.sources-block') ? 'sources' : a.closest('#results') ? 'results' : 'answer');
      return a.id || (a.classList.contains('regenerate') ? 'regenerate' : a.tagName);
    });
    async function tabTo(target, limit = 40) {
      for (let i = 0; i < limit; i++) {
        if ((await focused()) === target) return true;
        await page.keyboard.press('Tab');
      }
      return (await focused()) === target;
    }
    check('keyboard: Tab reaches the collection', await tabTo('collection'), await focused());
    // docs is first (sorted); the arrow picks notes, and back.
    await page.keyboard.press('ArrowDown');
    check('keyboard: the arrow picks a collection', (await page.inputValue('#collection')) === 'notes', await page.inputValue('#collection'));
    await page.keyboard.press('ArrowUp');
    check('keyboard: Tab reaches the question', await tabTo('q'), await focused());
    await page.keyboard.type('roll back a migration');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results li a.cite');
    check('keyboard: Enter searches', (await page.textContent('#results')).includes('docs/rollback.md'), await page.textContent('#results'));
    check('keyboard: Tab reaches Ask', await tabTo('ask'), await focused());
    await countPaints(page);
    await page.keyboard.press('Enter');
    await answered(page, 'keyboard');
    check('keyboard: Enter asks, the answer streams', (await page.evaluate(() => window.__paints)) > 1, String(await page.evaluate(() => window.__paints)));
    check('keyboard: Ask keeps the focus', (await focused()) === 'ask', await focused());
    check('keyboard: Tab reaches the citation in the answer', await tabTo('cite:answer'), await focused());
    check('keyboard: Tab reaches Regenerate', await tabTo('regenerate'), await focused());
    check('keyboard: Tab reaches a source', await tabTo('cite:sources'), await focused());
    await page.keyboard.press('Enter');
    await page.waitForSelector('#passage-section:not([hidden])');
    check('keyboard: Enter opens the passage, which takes the focus',
      (await focused()) === 'passage-section' && (await page.textContent('#passage')).length > 0, await focused());
    await page.keyboard.press('Escape');
    check('keyboard: Escape closes the passage, the focus back on the source', (await page.isHidden('#passage-section'))
      && (await focused()) === 'cite:sources', await focused());
    await page.close();
  }

  // --- a phone's viewport: no horizontal scroll ---------------------------------------------
  {
    const page = await fresh({ viewport: { width: 375, height: 667 } });
    await page.goto(base + '/?q=' + encodeURIComponent('unbroken') + '&collection=docs&source=docs/long.md&start_line=1&end_line=5');
    await loaded(page);
    await page.click('#search');
    await page.waitForSelector('#results li a.cite');
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    check('phone: no horizontal scroll (375x667)', width.scroll <= width.client && width.client <= 375, JSON.stringify(width));
    const box = await page.locator('#q').boundingBox();
    check('phone: the question box fits', box && box.x >= 0 && box.x + box.width <= 375, JSON.stringify(box));
    await page.close();
  }

  // --- a document's markup is text --------------------------------------------------------------
  {
    const page = await fresh();
    await page.goto(base + '/?q=payload&collection=docs');
    await loaded(page);
    await page.click('#search');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('found'));
    const text = await page.textContent('#results');
    check('markup in a document is shown as text', text.includes('<script>window.pwned=1</script>') && text.includes('<img src=x onerror='), text);
    check('the results hold no element from the document', (await page.$$('#results script, #results img')).length === 0, 'elements found');
    await page.click('#results li:first-child a.cite');
    await page.waitForSelector('#passage-section:not([hidden])');
    check('the passage shows the markup as text', (await page.textContent('#passage')).includes('<img src=x onerror='), await page.textContent('#passage'));
    await model({ delay_ms: 0 });
    await ask(page, 'payload');
    await answered(page, 'ask about the payload');
    check('nothing from the document ran (window.pwned unset)', (await page.evaluate(() => window.pwned)) === undefined, 'window.pwned was set');
    await page.close();
  }

  // --- JavaScript off: the form still searches, a citation still opens -----------------------
  {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    {
      const page = await plain.newPage();
      await page.goto(base + '/');
      check('no JavaScript: Ask is hidden, Search shown', !(await page.isVisible('#ask')) && (await page.isVisible('#search')), 'buttons');
      await page.selectOption('#collection', 'docs');
      await page.fill('#q', 'roll back a migration');
      await Promise.all([page.waitForNavigation(), page.click('#search')]);
      const hits = await page.$$eval('#results li', (ls) => ls.map((l) => l.textContent));
      check('no JavaScript: the form gives search results', hits.length > 0 && hits[0].includes('docs/rollback.md:L') && hits[0].includes('Undoing a migration'),
        JSON.stringify(hits));
      await Promise.all([page.waitForNavigation(), page.click('#results li:first-child a.cite')]);
      check('no JavaScript: a citation opens its lines', (await page.textContent('#passage')).includes('To roll back a migration')
        && (await page.textContent('#passage-title')) === 'Rollback', await page.textContent('#passage'));
      await plain.close();
    }
  }
  check('no script error on any page', pageErrors.length === 0, pageErrors.join(' | '));
  check('no request of any page failed (no 404 for an icon)', failedResponses.length === 0, failedResponses.join(' | '));
} catch (e) {
  check('the page checks ran to the end', false, e && e.stack ? e.stack : String(e));
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
