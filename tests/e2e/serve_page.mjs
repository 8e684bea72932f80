// strata serve's web page in Debian's Chromium, driven by playwright-core (tests/e2e/serve_page.sh):
// pick a collection, search, open a citation, ask and watch the answer stream in, all of it with
// the keyboard alone, on a phone's viewport, with JavaScript off, and a document whose text holds
// markup shown as text. Prints "ok NAME", "FAIL NAME: why" or "note TEXT" per check (report_checks).
//
// Usage: node serve_page.mjs CLIENTS_DIR BASE_URL
import { createRequire } from 'node:module';
import path from 'node:path';

const [clientsDir, base] = process.argv.slice(2);
const require = createRequire(path.join(clientsDir, 'package.json'));
const { chromium } = require('playwright-core');

let failures = 0;
function check(name, cond, why) {
  if (cond) console.log(`ok ${name}`);
  else { failures++; console.log(`FAIL ${name}: ${why ?? ''}`); }
}

// Playwright starts Chromium with a fresh --user-data-dir of its own in os.tmpdir() (the test's
// scratch folder: serve_page.sh sets TMPDIR), removed when the browser closes.
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext();
const pageErrors = [];

async function fresh(options = {}) {
  const page = await (options.viewport ? await browser.newContext({ viewport: options.viewport }) : context).newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

async function loaded(page) {
  await page.waitForFunction(() => document.documentElement.dataset.collections === 'loaded', null, { timeout: 10000 });
}

// Counts the answer's DOM updates from now on (each streamed piece is one).
async function countPaints(page) {
  await page.evaluate(() => {
    window.__paints = 0;
    new MutationObserver((records) => { window.__paints += records.length; })
      .observe(document.getElementById('answer'), { childList: true, characterData: true, subtree: true });
  });
}

async function askAndWait(page, why) {
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('answer').dataset.state), null, { timeout: 20000 });
  const state = await page.getAttribute('#answer', 'data-state');
  check(`${why}: the answer ended`, state === 'done', `${state}: ${await page.textContent('#status')}`);
}

try {
  // --- the headers -------------------------------------------------------------------------
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
    const notes = await page.$$eval('#results a.cite', (as) => as.map((a) => a.textContent));
    check('search in the picked collection', notes.length > 0 && notes.every((t) => t.startsWith('notes/kettle.md:')), JSON.stringify(notes));
    await page.selectOption('#collection', 'docs');
    await page.fill('#q', 'roll back a migration');
    await page.click('#search');
    await page.waitForFunction(() => [...document.querySelectorAll('#results a.cite')].some((a) => a.textContent.startsWith('docs/rollback.md:')));
    const hits = await page.$$eval('#results li', (ls) => ls.map((l) => l.textContent));
    check('search hits shown', hits.length > 0 && hits[0].includes('docs/rollback.md:L') && hits[0].includes('roll back'), JSON.stringify(hits));
    await page.click('#results li:first-child a.cite');
    await page.waitForSelector('#passage-section:not([hidden])');
    const cited = await page.textContent('#passage');
    const citation = await page.textContent('#passage-citation');
    check('a citation opens the cited lines', citation.startsWith('docs/rollback.md:L') && cited.includes('To roll back a migration'),
      `${citation}: ${cited}`);
    check('the URL keeps the search', new URL(page.url()).searchParams.get('q') === 'roll back a migration', page.url());

    await page.fill('#q', 'How do I roll back a migration?');
    await countPaints(page);
    await page.click('#ask');
    await askAndWait(page, 'ask');
    const answer = await page.textContent('#answer');
    const paints = await page.evaluate(() => window.__paints);
    check('the answer streamed in (more than one paint)', paints > 1 && answer.length > 0, `${paints} paints: ${answer}`);
    check('the answer is the model\'s', answer.includes('Strata reads your documents'), answer);
    const sources = await page.$$eval('#sources a.cite', (as) => as.map((a) => a.textContent));
    check('the answer\'s sources listed', sources.length > 0 && sources[0].startsWith('[1] '), JSON.stringify(sources));
    await page.evaluate(() => { document.getElementById('passage').textContent = ''; });
    await page.click('#sources li:first-child a.cite');
    await page.waitForFunction(() => document.getElementById('passage').textContent.length > 0);
    const opened = `${await page.textContent('#passage-citation')}: ${await page.textContent('#passage')}`;
    check('a source opens its lines', opened.startsWith(sources[0].replace(/^\[1\] /, '').split(':')[0] + ':L')
      && opened.includes('To roll back a migration'), opened);
    await page.close();
  }

  // --- the keyboard alone (Tab, Enter, arrows in the select) ---------------------------------
  {
    const page = await fresh();
    await page.goto(base + '/');
    await loaded(page);
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      return a ? (a.id || (a.classList.contains('cite') ? 'cite:' + a.closest('ol').id : a.tagName)) : '';
    });
    async function tabTo(target, limit = 30) {
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
    await askAndWait(page, 'keyboard');
    check('keyboard: Enter asks, the answer streams', (await page.evaluate(() => window.__paints)) > 1, String(await page.evaluate(() => window.__paints)));
    check('keyboard: Ask keeps the focus', (await focused()) === 'ask', await focused());
    check('keyboard: Tab reaches a source', await tabTo('cite:sources'), await focused());
    await page.keyboard.press('Enter');
    await page.waitForSelector('#passage-section:not([hidden])');
    check('keyboard: Enter opens the passage, which takes the focus',
      (await focused()) === 'passage-section' && (await page.textContent('#passage')).length > 0, await focused());
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
    await page.fill('#q', 'payload');
    await page.click('#ask');
    await askAndWait(page, 'ask about the payload');
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
      check('no JavaScript: the form gives search results', hits.length > 0 && hits[0].includes('docs/rollback.md:L'), JSON.stringify(hits));
      await Promise.all([page.waitForNavigation(), page.click('#results li:first-child a.cite')]);
      check('no JavaScript: a citation opens its lines', (await page.textContent('#passage')).includes('To roll back a migration'),
        await page.textContent('#passage'));
      await plain.close();
    }
  }
  check('no script error on any page', pageErrors.length === 0, pageErrors.join(' | '));
} catch (e) {
  check('the page checks ran to the end', false, e && e.stack ? e.stack : String(e));
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
