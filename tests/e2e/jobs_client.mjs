// A client of strata serve's background jobs written with Node's own fetch (no SDK): POST the
// request, expect 202 and a Location, follow it until the job ends, then read the job's events
// and resume them after the last id. Prints "ok ..." lines; exits 1 at the first failure.
// Usage: node jobs_client.mjs URL JSON_BODY
const [url, body] = process.argv.slice(2);
const origin = new URL(url).origin;
const fail = (why) => {
  console.log(`FAIL ${why}`);
  process.exit(1);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const posted = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
if (posted.status !== 202) fail(`POST answered ${posted.status}: ${await posted.text()}`);
const location = posted.headers.get('location');
if (!location || !location.startsWith('/api/v1/jobs/')) fail(`no Location: ${location}`);
const queued = await posted.json();
if (!location.endsWith(queued.id)) fail(`the Location ${location} is not the job ${queued.id}`);
console.log(`ok 202 with Location ${location}`);

let job;
for (let i = 0; i < 300; i++) {
  job = await (await fetch(origin + location)).json();
  if (['succeeded', 'failed', 'cancelled'].includes(job.status)) break;
  await sleep(100);
}
if (job.status !== 'succeeded') fail(`the job ended ${job.status}: ${JSON.stringify(job)}`);
console.log(`ok succeeded with result ${JSON.stringify(job.result)}`);

const events = await (await fetch(`${origin}${location}/events`)).text();
const ids = [...events.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
if (ids.length === 0 || !events.includes('event: job')) fail(`no job event: ${events}`);
const last = ids[ids.length - 1];
const data = events.split('\n').filter((l) => l.startsWith('data: ')).pop().slice(6);
if (JSON.parse(data).status !== 'succeeded') fail(`the last event is not the ended job: ${data}`);
console.log(`ok events up to id ${last}`);
const resumed = await (await fetch(`${origin}${location}/events`, { headers: { 'Last-Event-ID': String(last) } })).text();
if (resumed.includes('event: job')) fail(`a resume after the last id sent it again: ${resumed}`);
console.log('ok a resume after the last id gets nothing more');
