// A client of strata serve's background jobs written with Node's own fetch (no SDK): POST the
// request, expect 202 and a Location, follow it until the job ends, then read the job's events
// and resume them after the last id. Prints "ok ..." lines; exits 1 at the first failure.
// Usage: node jobs_client.mjs URL JSON_BODY [events]
//   events: follow the job through GET /api/v1/jobs/{id}/events instead of its Location: read its
//   first event (the job not ended yet), leave, resume with Last-Event-ID, read to the job's end.
//   JOBS_CLIENT_KEY (environment), when set: sent as Authorization: Bearer on every request.
const [url, body, follow] = process.argv.slice(2);
const auth = process.env.JOBS_CLIENT_KEY ? { Authorization: `Bearer ${process.env.JOBS_CLIENT_KEY}` } : {};
const origin = new URL(url).origin;
const fail = (why) => {
  console.log(`FAIL ${why}`);
  process.exit(1);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const posted = await fetch(url, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body });
if (posted.status !== 202) fail(`POST answered ${posted.status}: ${await posted.text()}`);
const location = posted.headers.get('location');
if (!location || !location.startsWith('/api/v1/jobs/')) fail(`no Location: ${location}`);
const queued = await posted.json();
if (!location.endsWith(queued.id)) fail(`the Location ${location} is not the job ${queued.id}`);
console.log(`ok 202 with Location ${location}`);
if (follow === 'events') await followEvents();

let job;
for (let i = 0; i < 300; i++) {
  job = await (await fetch(origin + location, { headers: auth })).json();
  if (['succeeded', 'failed', 'cancelled'].includes(job.status)) break;
  await sleep(100);
}
if (job.status !== 'succeeded') fail(`the job ended ${job.status}: ${JSON.stringify(job)}`);
console.log(`ok succeeded with result ${JSON.stringify(job.result)}`);

const events = await (await fetch(`${origin}${location}/events`, { headers: auth })).text();
const ids = [...events.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
if (ids.length === 0 || !events.includes('event: job')) fail(`no job event: ${events}`);
const last = ids[ids.length - 1];
const data = events.split('\n').filter((l) => l.startsWith('data: ')).pop().slice(6);
if (JSON.parse(data).status !== 'succeeded') fail(`the last event is not the ended job: ${data}`);
console.log(`ok events up to id ${last}`);
const resumed = await (await fetch(`${origin}${location}/events`, { headers: { ...auth, 'Last-Event-ID': String(last) } })).text();
if (resumed.includes('event: job')) fail(`a resume after the last id sent it again: ${resumed}`);
console.log('ok a resume after the last id gets nothing more');

// The events of the job (server-sent events) read as they come: EACH(event) for every `event:
// job` ({id, job}) until it returns false (the stream then left) or the server ends the stream.
async function readJobEvents(headers, each) {
  const res = await fetch(`${origin}${location}/events`, { headers: { ...auth, ...headers }, signal: AbortSignal.timeout(60000) });
  if (res.status !== 200 || !(res.headers.get('content-type') || '').startsWith('text/event-stream')) {
    fail(`the events answered ${res.status} ${res.headers.get('content-type')}: ${await res.text()}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end).split('\n').filter((l) => !l.startsWith(':'));
      buffer = buffer.slice(end + 2);
      const field = (name) => block.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).replace(/^ /, ''));
      if (field('event')[0] !== 'job') continue;
      const ev = { id: Number(field('id')[0]), job: JSON.parse(field('data').join('\n')) };
      if (!Number.isInteger(ev.id)) fail(`an event without a numeric id: ${block.join(' | ')}`);
      if (each(ev) === false) {
        await reader.cancel();
        return;
      }
    }
  }
}

// events: the first event, then the rest resumed after its id, to the job's end (succeeded).
async function followEvents() {
  const ended = (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status);
  let first = null;
  await readJobEvents({}, (ev) => {
    first = ev;
    return false;
  });
  if (!first) fail('the events stream ended without an event');
  if (first.job.id !== location.split('/').pop() || ended(first.job)) fail(`the first event is not the job under way: ${JSON.stringify(first)}`);
  console.log(`ok the first event, id ${first.id}, the job ${first.job.status}`);
  const rest = [];
  await readJobEvents({ 'Last-Event-ID': String(first.id) }, (ev) => {
    rest.push(ev);
    return !ended(ev.job);
  });
  const ids = rest.map((e) => e.id);
  if (rest.length === 0 || ids.some((id, i) => id <= (i === 0 ? first.id : ids[i - 1]))) {
    fail(`the resumed events do not follow id ${first.id} in order: ${ids.join(', ')}`);
  }
  const last = rest[rest.length - 1].job;
  if (last.status !== 'succeeded') fail(`the job ended ${last.status}: ${JSON.stringify(last)}`);
  console.log(`ok resumed after id ${first.id}: ids ${ids.join(', ')}, the last one the job's end`);
  console.log(`ok succeeded with result ${JSON.stringify(last.result)}`);
  process.exit(0);
}
