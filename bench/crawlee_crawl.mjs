// The Crawlee peer of bench/ingest_web.sh: CheerioCrawler from START_URL over the same origin,
// every HTML page fetched, parsed (cheerio) and its text taken, its links enqueued; nothing kept
// on disk (in-memory storage). Prints one JSON line: pages handled, pages failed, text bytes,
// seconds inside the crawl (the caller also times the whole process).
//
//   usage: node crawlee_crawl.mjs PEER_DIR START_URL     (PEER_DIR: where npm installed crawlee)
//   env:   CRAWLEE_CONCURRENCY: a fixed number of requests in flight (min = max concurrency);
//          unset: Crawlee's own autoscaling (from 1 up to 200, as the machine's load allows)
import { createRequire } from 'node:module';
import path from 'node:path';

const [peerDir, startUrl] = process.argv.slice(2);
if (!peerDir || !startUrl) {
  console.error('usage: node crawlee_crawl.mjs PEER_DIR START_URL');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(peerDir), 'package.json'));
const { CheerioCrawler, Configuration, log } = require('crawlee');

log.setLevel(log.LEVELS.WARNING);
const config = new Configuration({ persistStorage: false, purgeOnStart: true, availableMemoryRatio: 0.5 });
let pages = 0;
let failed = 0;
let textBytes = 0;
const options = {
  maxRequestsPerCrawl: 100000,
  maxRequestRetries: 0,
  async requestHandler({ $, enqueueLinks }) {
    pages += 1;
    textBytes += Buffer.byteLength($('body').text());
    await enqueueLinks({ strategy: 'same-origin' });
  },
  failedRequestHandler() {
    failed += 1;
  },
};
if (process.env.CRAWLEE_CONCURRENCY) {
  options.minConcurrency = Number(process.env.CRAWLEE_CONCURRENCY);
  options.maxConcurrency = options.minConcurrency;
}
const crawler = new CheerioCrawler(options, config);
const t0 = performance.now();
await crawler.run([startUrl]);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ tool: 'crawlee', pages, failed, text_bytes: textBytes, seconds: Number(seconds.toFixed(3)) }));
