// OpenAI's official `openai` npm SDK and LangChain's `@langchain/openai` against `strata serve`'s
// OpenAI-compatible API (tests/e2e/serve_openai.sh), unchanged but for baseURL: models, chat
// completions whole and streamed (the answer, its sources on the response and on the last chunk,
// usage), embeddings (one answer arriving gzipped), and the SDK's own error classes for strata's errors.
// Usage: node serve_openai_client.mjs CLIENTS_DIR BASE_URL MODE
//   MODE offline: strata answers extractively; upstream: the fake model server answers
//   (its answer "Strata reads your documents [1]." streamed through); ratelimit: a key limited
//   to 2 requests a minute (STRATA_TEST_KEY), the SDK's RateLimitError.
// Prints one line per check, "ok NAME" or "FAIL NAME: why", and exits 1 if any failed.
import { createRequire } from 'node:module';
import path from 'node:path';

const [clientsDir, baseURL, mode] = process.argv.slice(2);
const require = createRequire(path.join(clientsDir, 'package.json'));
const OpenAI = require('openai');
const { ChatOpenAI, OpenAIEmbeddings } = require('@langchain/openai');

let failed = false;
function check(name, ok, detail) {
  if (ok) {
    console.log(`ok ${name}`);
  } else {
    failed = true;
    console.log(`FAIL ${name}: ${String(detail ?? '').slice(0, 400).replace(/\n/g, ' ')}`);
  }
}
async function attempt(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name, false, `${e?.constructor?.name}: ${e?.message}`);
  }
}

const client = new OpenAI({ baseURL, apiKey: 'unused-without-keys', maxRetries: 0, timeout: 20000 });
const question = 'How do I roll back a migration?';
// What each mode's answer holds: the offline answer quotes the passage; the fake model says its line.
const expected = mode === 'upstream' ? 'Strata reads your documents' : 'strata migrate down';

if (mode === 'ratelimit') {
  // The SDK's own reading of strata's 429 (a key of --rate 2/min, STRATA_TEST_KEY): with its
  // retries off, a RateLimitError carrying what a client backs off by. (With retries on, the SDK
  // waits Retry-After, which is up to a minute here: not a test's wait.)
  const limited = new OpenAI({ baseURL, apiKey: process.env.STRATA_TEST_KEY, maxRetries: 0, timeout: 20000 });
  await attempt('openai: two requests within the key\'s rate', async () => {
    const first = await limited.models.retrieve('strata/docs');
    const second = await limited.models.retrieve('strata/docs');
    check('openai: two requests within the key\'s rate', first.id === 'strata/docs' && second.id === 'strata/docs', second.id);
  });
  try {
    await limited.models.retrieve('strata/docs');
    check('openai: the third is RateLimitError', false, 'no error');
  } catch (e) {
    check('openai: the third is RateLimitError', e instanceof OpenAI.RateLimitError && e.status === 429,
          `${e?.constructor?.name} ${e?.status} ${e?.message}`);
    check('openai: its error is OpenAI\'s rate_limit_exceeded', e.code === 'rate_limit_exceeded' && e.type === 'rate_limit_error',
          `${e?.code} ${e?.type} ${e?.message}`);
    const h = e.headers ?? {};
    check('openai: it carries Retry-After and the x-ratelimit headers',
          Number(h['retry-after']) > 0 && h['x-ratelimit-limit-requests'] === '2' && h['x-ratelimit-remaining-requests'] === '0'
          && /^[0-9]+(ms|s|m[0-9]+s)$/.test(h['x-ratelimit-reset-requests'] ?? ''), JSON.stringify(h));
  }
  process.exit(failed ? 1 : 0);
}

if (mode !== 'upstream') {
  await attempt('openai: models.list', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    check('openai: models.list has strata/docs and strata/notes', ids.includes('strata/docs') && ids.includes('strata/notes'), ids);
  });
  await attempt('openai: models.retrieve', async () => {
    const model = await client.models.retrieve('strata/docs');
    check('openai: models.retrieve', model.id === 'strata/docs' && model.object === 'model', JSON.stringify(model));
  });
}

await attempt('openai: chat', async () => {
  const c = await client.chat.completions.create({
    model: 'strata/docs',
    messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: question }],
  });
  const answer = c.choices[0].message.content;
  check('openai: chat answers from the collection', answer.includes(expected), answer);
  check('openai: chat has sources', Array.isArray(c.sources) && c.sources[0]?.source === 'docs/rollback.md', JSON.stringify(c.sources));
  check('openai: chat usage', c.usage.total_tokens === c.usage.prompt_tokens + c.usage.completion_tokens && c.usage.prompt_tokens > 0,
        JSON.stringify(c.usage));
});

await attempt('openai: chat stream', async () => {
  const stream = await client.chat.completions.create({
    model: 'strata/docs', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: question }],
  });
  let text = '';
  let chunks = 0;
  let sources = null;
  let usage = null;
  for await (const chunk of stream) {
    ++chunks;
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.sources) sources = chunk.sources;
    if (chunk.usage) usage = chunk.usage;
  }
  check('openai: stream answers', text.includes(expected), text);
  if (mode === 'upstream') check('openai: stream in pieces', chunks >= 5, chunks);
  check('openai: stream ends with sources', sources?.[0]?.source === 'docs/rollback.md', JSON.stringify(sources));
  check('openai: stream usage chunk', usage?.total_tokens > 0, JSON.stringify(usage));
});

if (mode !== 'upstream') {
  await attempt('openai: follow-up', async () => {
    const c = await client.chat.completions.create({
      model: 'strata/docs',
      messages: [{ role: 'user', content: question }, { role: 'assistant', content: 'Run strata migrate down [1].' },
                 { role: 'user', content: 'And which migration does it undo?' }],
    });
    check('openai: follow-up answers', typeof c.choices[0].message.content === 'string' && c.sources.length > 0, JSON.stringify(c));
  });

  await attempt('openai: embeddings', async () => {
    const e = await client.embeddings.create({ model: 'hash-ngram-v2', input: ['roll back', 'search'] });
    check('openai: embeddings, built-in model', e.data.length === 2 && e.data[0].embedding.length > 0 && e.data[1].index === 1,
          JSON.stringify(e).slice(0, 200));
    // The SDK asks for gzip (Accept-Encoding) and inflates it: an answer over 1 KiB comes so.
    const { data: g, response } = await client.embeddings
      .create({ model: 'hash-ngram-v2', input: ['roll back', 'search', 'ranking'] })
      .withResponse();
    check('openai: a large answer arrives gzipped, read as the same vectors',
          response.headers.get('content-encoding') === 'gzip' && g.data.length === 3 &&
            JSON.stringify(g.data[0].embedding) === JSON.stringify(e.data[0].embedding),
          `content-encoding ${response.headers.get('content-encoding')}`);
    const c = await client.embeddings.create({ model: 'strata/docs', input: 'roll back' });
    check('openai: embeddings, a collection\'s embedder', c.data.length === 1 && c.data[0].embedding.length === e.data[0].embedding.length,
          JSON.stringify(c).slice(0, 200));
  });

  await attempt('openai: errors', async () => {
    try {
      await client.chat.completions.create({ model: 'strata/nope', messages: [{ role: 'user', content: 'hi' }] });
      check('openai: an unknown model is NotFoundError', false, 'no error');
    } catch (e) {
      check('openai: an unknown model is NotFoundError', e instanceof OpenAI.NotFoundError && e.status === 404 && e.code === 'model_not_found'
            && e.message.includes("The model 'strata/nope' does not exist"), `${e?.constructor?.name} ${e?.status} ${e?.message}`);
    }
    try {
      await client.chat.completions.create({ model: 'strata/docs', messages: [{ role: 'user', content: 'hi' }], n: 3 });
      check('openai: n=3 is BadRequestError', false, 'no error');
    } catch (e) {
      check('openai: n=3 is BadRequestError', e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === 'n'
            && e.message.includes("'n' must be 1"), `${e?.constructor?.name} ${e?.status} ${e?.message}`);
    }
    try {
      await client.chat.completions.create({ model: 'strata/docs', messages: [{ role: 'assistant', content: 'hi' }], stream: true });
      check('openai: a stream refused before it starts is BadRequestError', false, 'no error');
    } catch (e) {
      check('openai: a stream refused before it starts is BadRequestError', e instanceof OpenAI.BadRequestError
            && e.message.includes("the last message must be the user's question"), `${e?.constructor?.name} ${e?.message}`);
    }
    try {
      await client.models.retrieve('strata/nope');
      check('openai: models.retrieve of an unknown model is NotFoundError', false, 'no error');
    } catch (e) {
      check('openai: models.retrieve of an unknown model is NotFoundError', e instanceof OpenAI.NotFoundError, `${e?.constructor?.name}`);
    }
  });
}

// LangChain: ChatOpenAI and OpenAIEmbeddings with configuration.baseURL.
const chat = new ChatOpenAI({ model: 'strata/docs', apiKey: 'unused-without-keys', maxRetries: 0, configuration: { baseURL } });
await attempt('langchain: ChatOpenAI.invoke', async () => {
  const m = await chat.invoke([['system', 'Be brief.'], ['human', question]]);
  check('langchain: ChatOpenAI.invoke answers', String(m.content).includes(expected), m.content);
});
await attempt('langchain: ChatOpenAI.stream', async () => {
  let text = '';
  for await (const piece of await chat.stream(question)) text += piece.content;
  check('langchain: ChatOpenAI.stream answers', text.includes(expected), text);
});
if (mode !== 'upstream') {
  await attempt('langchain: OpenAIEmbeddings.embedQuery', async () => {
    const embeddings = new OpenAIEmbeddings({ model: 'strata/docs', apiKey: 'unused-without-keys', maxRetries: 0, configuration: { baseURL } });
    const v = await embeddings.embedQuery('roll back a migration');
    check('langchain: OpenAIEmbeddings.embedQuery', Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'), v?.length);
  });
}

process.exit(failed ? 1 : 0);
