// Single sign-on in strata serve (JWT bearer tokens) against an identity provider nobody here
// wrote: `oidc-provider` issuing client-credentials access tokens as JWTs, and tokens minted with
// `jose` for the edge cases. Prints "ok NAME", "FAIL NAME: why" and "note TEXT" lines
// (tests/e2e/lib.sh's report_checks); exits 0 only when no check failed.
//
// Usage: node serve_sso.mjs CLIENTS_DIR MODE ARGS...
//   provider DIR AUD     an OpenID provider on 127.0.0.1:0 (client credentials, JWT access tokens
//                        for the resource AUD signed ES256); writes DIR/issuer once it listens and
//                        a line per request to DIR/provider.log; runs until killed.
//   keys DIR             RSA, EC P-256 and Ed25519 keys (private JWKs in DIR/private.json); the
//                        public ones in DIR/jwks.json (what --jwks FILE reads) and DIR/served.json,
//                        the set after a rotation (a new RSA key too) in DIR/rotated.json.
//   jwks-server DIR      serves DIR/served.json (read at every request) at /jwks.json on
//                        127.0.0.1:0; writes DIR/jwks-port, a line per GET to DIR/jwks-hits.
//   oidc BASE DIR AUD    tokens from the provider (DIR/issuer) against a strata serve started with
//                        --jwt-issuer ISSUER --jwt-audience AUD (OpenID discovery).
//   edge BASE DIR AUD ISS   tokens minted with jose against a strata serve started with
//                        --jwks DIR/jwks.json: the algorithms, expiry, nbf, iat, audience, issuer,
//                        sub, alg none, HS256 keyed with the public key, scopes, collections.
//   rotation BASE DIR AUD ISS   against a strata serve started with --jwks the jwks-server's URL,
//                        --jwks-refresh 2, --jwt-rate 2, --jwt-scope-claim perms and
//                        --jwt-collections-claim groups: an unknown kid, the IdP's rotation, the
//                        re-reads' bound, the rate per subject, the claims named by the operator.
//   jobs BASE DIR AUD ISS COLLECTION WAITING   against a strata serve started with --jwks
//                        DIR/jwks.json whose COLLECTION has WAITING chunks without a vector, to be
//                        embedded slowly: a signed-in caller's embed job runs to its end, and no
//                        other subject sees it (its id in DIR/job-id).
//   tokens BASE DIR AUD ISS LIMIT   against a strata serve started with --jwks DIR/jwks.json,
//                        --jwt-tokens LIMIT/min and an upstream model (--base-url) that reports
//                        usage: a subject's chat completions until its tokens are spent, then 429.
// The check modes append every token they send to DIR/tokens (one a line), so that the caller
// can look for them in the server's log.
import { createRequire } from 'node:module';
import { createHmac, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [clients, mode, ...args] = process.argv.slice(2);
const require = createRequire(path.join(clients, 'package.json'));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);

let failed = 0;
const ok = (name) => console.log(`ok ${name}`);
const fail = (name, why) => { failed++; console.log(`FAIL ${name}: ${String(why).replace(/\s+/g, ' ').slice(0, 400)}`); };
const check = (name, cond, why) => (cond ? ok(name) : fail(name, why));
const note = (text) => console.log(`note ${text}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Math.floor(Date.now() / 1000);
const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
// Writes FILE whole or not at all (the shell polls for it).
const writeAtomic = (file, text) => { fs.writeFileSync(`${file}.tmp`, text); fs.renameSync(`${file}.tmp`, file); };

// ---------------------------------------------------------------------------------------------
// Requests to strata serve

let base = '';
let dir = '';
const sent = [];

async function call(token, method, route, body, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
    sent.push(token);
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(base + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json };
  } catch (e) {
    return { status: -1, headers: new Headers(), text: `fetch failed: ${e.cause?.message ?? e.message}`, json: null };
  }
}
const search = (token, collection = 'docs') => call(token, 'POST', '/api/v1/search', { query: 'roll back', collection });
let writes = 0;
const write = (token) => call(token, 'POST', '/api/v1/collections/docs/documents',
  { source: `sso-${++writes}.md`, text: `# Written\n\nA document written with a bearer token (${writes}).\n` });
const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;

// expectStatus NAME R STATUS: R's status is STATUS.
const expectStatus = (name, r, status) => check(name, r.status === status, `expected ${status}, got ${show(r)}`);

// refused NAME R TOKEN [RE]: a 401 in FastAPI's shape whose detail matches RE, with
// WWW-Authenticate: Bearer error="invalid_token", that does not echo the token.
function refused(name, r, token, re) {
  expectStatus(`${name}: 401`, r, 401);
  if (r.status !== 401) return;
  const detail = r.json && typeof r.json.detail === 'string' ? r.json.detail : null;
  check(`${name}: {"detail": ...}`, detail !== null && Object.keys(r.json).length === 1, r.text.slice(0, 300));
  if (re) check(`${name}: the detail says why (${re})`, detail !== null && re.test(detail), r.text.slice(0, 300));
  const www = r.headers.get('www-authenticate') || '';
  check(`${name}: WWW-Authenticate`, /^Bearer\b.*error="invalid_token"/.test(www), `got [${www}], body ${r.text.slice(0, 200)}`);
  const sig = token.split('.')[2] || '';
  check(`${name}: the token is not echoed`, !r.text.includes(token) && (sig.length < 8 || !r.text.includes(sig))
    && !www.includes(token), r.text.slice(0, 300));
}

// forbidden NAME R: a 403 in FastAPI's shape.
function forbidden(name, r) {
  expectStatus(`${name}: 403`, r, 403);
  if (r.status === 403) check(`${name}: {"detail": ...}`, r.json && typeof r.json.detail === 'string' && r.json.detail.length > 0, r.text.slice(0, 300));
}

function finish() {
  if (dir && sent.length) fs.appendFileSync(path.join(dir, 'tokens'), `${[...new Set(sent)].join('\n')}\n`);
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// The keys of the minted tokens

// Every private key of DIR/private.json, imported: { name: { key, alg, kid, jwk } }.
async function loadKeys() {
  const { importJWK } = await load('jose');
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'private.json'), 'utf8'));
  const keys = {};
  for (const [name, k] of Object.entries(stored)) keys[name] = { ...k, key: await importJWK(k.jwk, k.alg) };
  return keys;
}

// mint KEYS NAME PAYLOAD [HEADER]: a JWT signed with the key NAME (its alg and kid unless HEADER
// says otherwise).
async function mint(keys, name, payload, header = {}) {
  const { SignJWT } = await load('jose');
  const k = keys[name];
  return new SignJWT(payload).setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'JWT', ...header }).sign(k.key);
}

async function makeKeys() {
  const { exportJWK, generateKeyPair } = await load('jose');
  const made = {
    rsa: { alg: 'RS256', kid: 'rsa-1', publish: true },
    ec: { alg: 'ES256', kid: 'ec-1', publish: true },
    okp: { alg: 'EdDSA', kid: 'ed-1', publish: true, options: { crv: 'Ed25519' } },
    rotated: { alg: 'RS256', kid: 'rsa-2', publish: false },  // the IdP's next key
    stranger: { alg: 'RS256', kid: 'rsa-1', publish: false }, // someone else's key, under a known kid
  };
  const priv = {};
  const pub = [];
  for (const [name, m] of Object.entries(made)) {
    const { publicKey, privateKey } = await generateKeyPair(m.alg, { extractable: true, ...(m.options || {}) });
    priv[name] = { alg: m.alg, kid: m.kid, jwk: await exportJWK(privateKey) };
    const p = { ...(await exportJWK(publicKey)), kid: m.kid, alg: m.alg, use: 'sig' };
    if (m.publish) pub.push(p);
    if (name === 'rotated') priv[name].public = p;
  }
  writeAtomic(path.join(dir, 'private.json'), JSON.stringify(priv));
  writeAtomic(path.join(dir, 'jwks.json'), JSON.stringify({ keys: pub }, null, 1));
  writeAtomic(path.join(dir, 'served.json'), JSON.stringify({ keys: pub }, null, 1));
  // A rotation as IdPs make it: the new key first, the old ones kept for the tokens still out.
  writeAtomic(path.join(dir, 'rotated.json'), JSON.stringify({ keys: [priv.rotated.public, ...pub] }, null, 1));
}

// ---------------------------------------------------------------------------------------------
// Servers: the OpenID provider, the JWKS of the rotation

async function runProvider(aud) {
  const { default: Provider } = await load('oidc-provider');
  const { exportJWK, generateKeyPair } = await load('jose');
  const log = path.join(dir, 'provider.log');
  const signing = [];
  for (const [alg, kid] of [['ES256', 'idp-ec'], ['RS256', 'idp-rsa']]) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    signing.push({ ...(await exportJWK(privateKey)), kid, alg, use: 'sig' });
  }
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const oidc = new Provider(issuer, {
    clients: [{
      client_id: 'strata-e2e',
      client_secret: 'strata-e2e-client-secret-0123456789',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'read write admin',
    }],
    jwks: { keys: signing },
    scopes: ['openid', 'read', 'write', 'admin'],
    cookies: { keys: ['strata-e2e-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // AUD is strata; any other resource is a server of the same IdP, not this one.
        getResourceServerInfo: (ctx, resource) => ({
          scope: resource === aud ? 'read write' : 'read write admin',
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const handler = oidc.callback();
  server.on('request', (req, res) => {
    fs.appendFileSync(log, `${req.method} ${req.url.split('?')[0]}\n`);
    handler(req, res);
  });
  writeAtomic(path.join(dir, 'issuer'), issuer);
  console.log(`provider ${issuer}`);
}

async function runJwksServer() {
  const served = path.join(dir, 'served.json');
  const hits = path.join(dir, 'jwks-hits');
  fs.writeFileSync(hits, '');
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') {
      fs.appendFileSync(hits, `${new Date().toISOString()}\n`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fs.readFileSync(served));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  writeAtomic(path.join(dir, 'jwks-port'), String(server.address().port));
}

// ---------------------------------------------------------------------------------------------
// The checks

async function oidcChecks(aud) {
  const issuer = fs.readFileSync(path.join(dir, 'issuer'), 'utf8').trim();
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const token = async (scope, resource = aud) => {
    const res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('strata-e2e:strata-e2e-client-secret-0123456789').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
    });
    const body = await res.json().catch(() => ({}));
    return { status: res.status, body };
  };

  const read = await token('read');
  check('the provider issues a client-credentials token (read)', read.status === 200 && typeof read.body.access_token === 'string', JSON.stringify(read));
  if (read.status !== 200) return;
  const t = read.body.access_token;
  const header = JSON.parse(Buffer.from(t.split('.')[0], 'base64url').toString());
  const claims = JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString());
  check('the access token is a JWT signed ES256 for the resource', header.alg === 'ES256' && claims.aud === aud && claims.iss === issuer,
    JSON.stringify({ header, claims }));
  note(`provider token: header ${JSON.stringify(header)}, claims ${Object.keys(claims).sort().join(',')}, scope '${claims.scope}', sub '${claims.sub}'`);

  const s = await search(t);
  expectStatus('a read token from the provider searches', s, 200);
  check('the search has hits', Array.isArray(s.json?.hits) && s.json.hits.length > 0, show(s));
  forbidden('a read token from the provider may not write', await write(t));
  forbidden('a read token from the provider reads no metrics', await call(t, 'GET', '/metrics'));

  const rw = await token('read write');
  check('the provider issues a read-write token', rw.status === 200 && rw.body.scope === 'read write', JSON.stringify(rw));
  if (rw.status === 200) {
    expectStatus('a read-write token from the provider writes', await write(rw.body.access_token), 200);
    expectStatus('and searches', await search(rw.body.access_token), 200);
  }

  // The same provider's token for another resource server: signed by the trusted issuer, but
  // not for this server.
  const other = await token('read write', 'https://other.strata-e2e.invalid/api');
  check('the provider issues a token for another resource', other.status === 200, JSON.stringify(other));
  if (other.status === 200) refused('a token for another audience', await search(other.body.access_token), other.body.access_token, /audience/i);

  // A token signed by the provider's key, one character of its signature changed.
  const sig = t.split('.')[2];
  const flipped = `${t.split('.').slice(0, 2).join('.')}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  refused('a provider token with its signature changed', await search(flipped), flipped);
}

async function edgeChecks(aud, iss) {
  const keys = await loadKeys();
  const claims = (sub, more = {}) => ({ iss, aud, sub, scope: 'read', iat: now(), exp: now() + 300, ...more });

  // The three algorithms.
  for (const [name, alg] of [['rsa', 'RS256'], ['ec', 'ES256'], ['okp', 'EdDSA']]) {
    const t = await mint(keys, name, claims(`edge-${alg.toLowerCase()}`));
    const r = await search(t);
    expectStatus(`a valid ${alg} token searches`, r, 200);
  }
  const noKid = await mint(keys, 'ec', claims('edge-nokid'), { kid: undefined });
  note(`a token without a kid (ES256, one EC key in the set): ${(await search(noKid)).status}`);

  // Time: exp, nbf, iat, each with 60 s of leeway.
  let t = await mint(keys, 'rsa', claims('edge-expired', { iat: now() - 3600, exp: now() - 600 }));
  refused('an expired token', await search(t), t, /expired/i);
  t = await mint(keys, 'rsa', claims('edge-leeway', { iat: now() - 600, exp: now() - 20 }));
  expectStatus('a token expired 20 s ago is within the leeway', await search(t), 200);
  t = await mint(keys, 'rsa', claims('edge-noexp', { exp: undefined }));
  refused('a token without exp', await search(t), t);
  t = await mint(keys, 'rsa', claims('edge-nbf', { nbf: now() + 600 }));
  refused('a token whose nbf is 10 minutes ahead', await search(t), t);
  t = await mint(keys, 'rsa', claims('edge-nbf-leeway', { nbf: now() + 20 }));
  expectStatus('a token whose nbf is 20 s ahead is within the leeway', await search(t), 200);
  t = await mint(keys, 'rsa', claims('edge-iat', { iat: now() + 600, exp: now() + 900 }));
  refused('a token issued 10 minutes in the future', await search(t), t);

  // Who it is from and for.
  t = await mint(keys, 'ec', claims('edge-aud', { aud: 'https://another.example/api' }));
  refused('a token for another audience', await search(t), t, /audience/i);
  t = await mint(keys, 'ec', claims('edge-aud-array', { aud: ['https://another.example/api', aud] }));
  expectStatus('an audience array holding this server', await search(t), 200);
  t = await mint(keys, 'ec', claims('edge-aud-array-not', { aud: ['https://another.example/api', `${aud}/x`] }));
  refused('an audience array without this server', await search(t), t, /audience/i);
  t = await mint(keys, 'okp', claims('edge-iss', { iss: 'https://evil.example' }));
  refused('a token from another issuer', await search(t), t, /issuer/i);
  t = await mint(keys, 'okp', claims('edge-iss-slash', { iss: `${iss}/` }));
  refused('an issuer with a trailing slash (not exactly equal)', await search(t), t, /issuer/i);
  t = await mint(keys, 'okp', claims(undefined));
  refused('a token without sub', await search(t), t);

  // How it is signed.
  const payload = claims('edge-none');
  t = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
  refused('alg none', await search(t), t);
  t = `${b64url({ alg: 'none', typ: 'JWT', kid: 'rsa-1' })}.${b64url(payload)}.`;
  refused('alg none naming a known kid', await search(t), t);
  t = `${b64url({ alg: 'none', typ: 'JWT', kid: 'rsa-1' })}.${b64url(payload)}.${b64url('not a signature')}`;
  refused('alg none with something in the signature\'s place', await search(t), t);
  const rsaPublic = JSON.parse(fs.readFileSync(path.join(dir, 'jwks.json'), 'utf8')).keys.find((k) => k.kid === 'rsa-1');
  const pem = createPublicKey({ key: rsaPublic, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const hs256 = (secret, sub) => {
    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${b64url(claims(sub))}`;
    return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
  };
  t = hs256(pem, 'edge-hs256-pem');
  refused('HS256 keyed with the RSA public key (PEM)', await search(t), t);
  t = hs256(JSON.stringify(rsaPublic), 'edge-hs256-jwk');
  refused('HS256 keyed with the RSA public key (its JWK)', await search(t), t);
  t = await mint(keys, 'rsa', claims('edge-rs384'), { alg: 'RS384' });
  refused('RS384 (not one of RS256, ES256, EdDSA)', await search(t), t);
  t = await mint(keys, 'rsa', claims('edge-alg-mismatch'), { kid: 'ec-1' });
  refused('an RS256 token naming the EC key\'s kid', await search(t), t);
  t = await mint(keys, 'stranger', claims('edge-stranger'));
  refused('a token signed by another key under a known kid', await search(t), t);
  t = await mint(keys, 'stranger', claims('edge-unknown-kid'), { kid: 'nobody' });
  refused('a kid the key set does not hold', await search(t), t);
  t = await mint(keys, 'stranger', claims('edge-embedded-jwk'), { kid: 'attacker', jwk: { ...keys.stranger.jwk, d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined } });
  refused('a token carrying its own key in the header (jwk)', await search(t), t);
  const good = await mint(keys, 'rsa', claims('edge-tampered'));
  const [h, p, s] = good.split('.');
  const raised = b64url({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), scope: 'admin' });
  t = `${h}.${raised}.${s}`;
  refused('a valid token whose claims were changed after signing', await search(t), t);
  // Not a JWT's form: taken for an API key, and refused as one.
  const junk = await search('not.a.jwt');
  check('a bearer that is no JWT at all: 401', junk.status === 401 && !junk.text.includes('not.a.jwt'), show(junk));

  // Scopes.
  t = await mint(keys, 'ec', claims('edge-noscope', { scope: 'openid profile email' }));
  forbidden('a token naming no strata scope: search', await search(t));
  forbidden('a token naming no strata scope: collections', await call(t, 'GET', '/api/v1/collections'));
  t = await mint(keys, 'ec', claims('edge-noscope-claim', { scope: undefined }));
  forbidden('a token without a scope claim', await search(t));
  t = await mint(keys, 'ec', claims('edge-reader'));
  forbidden('a read token may not write', await write(t));
  forbidden('a read token reads no metrics', await call(t, 'GET', '/metrics'));
  t = await mint(keys, 'ec', claims('edge-writer', { scope: 'openid write' }));
  expectStatus('a write token writes', await write(t), 200);
  forbidden('a write token reads no metrics', await call(t, 'GET', '/metrics'));
  t = await mint(keys, 'okp', claims('edge-array-scope', { scope: ['read', 'write'] }));
  expectStatus('a scope array naming write writes', await write(t), 200);
  t = await mint(keys, 'okp', claims('edge-admin', { scope: 'read admin' }));
  const m = await call(t, 'GET', '/metrics');
  expectStatus('an admin token reads the metrics', m, 200);
  check('the metrics are Prometheus text', /^# (HELP|TYPE) /m.test(m.text), m.text.slice(0, 200));

  // Collections.
  t = await mint(keys, 'rsa', claims('edge-notes', { strata_collections: ['notes'] }));
  forbidden('a token limited to notes searching docs', await search(t, 'docs'));
  expectStatus('a token limited to notes searching notes', await search(t, 'notes'), 200);
  const list = await call(t, 'GET', '/api/v1/collections');
  check('a token limited to notes lists notes alone', list.status === 200
    && JSON.stringify((list.json?.collections || []).map((c) => c.name)) === '["notes"]', show(list));
  t = await mint(keys, 'rsa', claims('edge-notes-string', { strata_collections: 'notes' }));
  forbidden('a collections claim as a string (notes) searching docs', await search(t, 'docs'));
  t = await mint(keys, 'rsa', claims('edge-all'));
  expectStatus('a token without the collections claim searches notes too', await search(t, 'notes'), 200);

  // No rate was set: no limit headers.
  const r = await search(await mint(keys, 'rsa', claims('edge-norate')));
  check('without --jwt-rate no x-ratelimit-limit-requests', r.status === 200 && r.headers.get('x-ratelimit-limit-requests') === null,
    `${r.status} ${r.headers.get('x-ratelimit-limit-requests')}`);
}

async function rotationChecks(aud, iss) {
  const keys = await loadKeys();
  const hits = () => fs.readFileSync(path.join(dir, 'jwks-hits'), 'utf8').split('\n').filter(Boolean).length;
  // The operator named the claims: perms and groups.
  const claims = (sub, more = {}) => ({ iss, aud, sub, perms: 'read', iat: now(), exp: now() + 300, ...more });

  const h0 = hits();
  check('the key set was read at start', h0 >= 1, `${h0} reads`);
  const known = await mint(keys, 'rsa', claims('rot-known'));
  expectStatus('a token of the served key set', await search(known), 200);
  check('a known kid reads the key set no more', hits() === h0, `${hits() - h0} more reads`);

  await sleep(2300); // past --jwks-refresh since start
  const next = await mint(keys, 'rotated', claims('rot-new'));
  refused('a kid the IdP does not publish yet', await search(next), next);
  check('an unknown kid re-reads the key set once', hits() === h0 + 1, `${hits() - h0} more reads`);
  refused('again at once', await search(next), next);
  const made = await mint(keys, 'stranger', claims('rot-made-up'), { kid: `made-up-${Date.now()}` });
  refused('another unknown kid at once', await search(made), made);
  check('no re-read within the minimum interval', hits() === h0 + 1, `${hits() - h0} more reads`);

  // The IdP rotates: the new key published, first.
  fs.copyFileSync(path.join(dir, 'rotated.json'), path.join(dir, 'served.json.tmp'));
  fs.renameSync(path.join(dir, 'served.json.tmp'), path.join(dir, 'served.json'));
  const early = await search(next);
  note(`the new kid within the interval after the rotation: ${early.status} (${hits() - h0} re-reads so far)`);
  check('still no second re-read within the interval', hits() === h0 + 1, `${hits() - h0} more reads`);
  await sleep(2300);
  expectStatus('after the rotation (past the interval) the new key\'s token is accepted at its first try', await search(next), 200);
  check('by one more read of the key set', hits() === h0 + 2, `${hits() - h0} more reads`);
  expectStatus('the old key, still published, too', await search(await mint(keys, 'rsa', claims('rot-old'))), 200);

  // --jwt-rate 2: each subject two requests a minute.
  const limited = await mint(keys, 'ec', claims('rate-limited'));
  const r1 = await search(limited);
  expectStatus('rate: first', r1, 200);
  check('rate: x-ratelimit-limit-requests on the answer', r1.headers.get('x-ratelimit-limit-requests') === '2',
    `[${r1.headers.get('x-ratelimit-limit-requests')}]`);
  check('rate: x-ratelimit-remaining-requests 1', r1.headers.get('x-ratelimit-remaining-requests') === '1',
    `[${r1.headers.get('x-ratelimit-remaining-requests')}]`);
  const r2 = await search(limited);
  expectStatus('rate: second', r2, 200);
  const r3 = await search(limited);
  expectStatus('rate: the third request in the minute', r3, 429);
  const retry = Number(r3.headers.get('retry-after'));
  check('rate: Retry-After in seconds', Number.isInteger(retry) && retry >= 1 && retry <= 60, `[${r3.headers.get('retry-after')}]`);
  check('rate: the 429 in FastAPI\'s shape', typeof r3.json?.detail === 'string', r3.text.slice(0, 300));
  const sameSub = await mint(keys, 'okp', claims('rate-limited'));
  expectStatus('rate: another token of the same subject is limited too', await search(sameSub), 429);
  expectStatus('rate: another subject is not', await search(await mint(keys, 'ec', claims('rate-other'))), 200);

  // The claims the operator named.
  let t = await mint(keys, 'ec', claims('claims-scope', { perms: undefined, scope: 'read write admin' }));
  forbidden('--jwt-scope-claim perms: a token with scope but no perms', await search(t));
  t = await mint(keys, 'ec', claims('claims-perms-array', { perms: ['read', 'write'] }));
  expectStatus('--jwt-scope-claim perms: perms [read, write] writes', await write(t), 200);
  t = await mint(keys, 'ec', claims('claims-groups', { groups: ['notes'] }));
  forbidden('--jwt-collections-claim groups: limited to notes, searching docs', await search(t, 'docs'));
  expectStatus('--jwt-collections-claim groups: searching notes', await search(t, 'notes'), 200);
  t = await mint(keys, 'ec', claims('claims-default-name', { strata_collections: ['notes'] }));
  expectStatus('--jwt-collections-claim groups: strata_collections is not read', await search(t, 'docs'), 200);
}

// A signed-in caller's background job (an embed of COLLECTION, WAITING chunks without a vector,
// against an embedding server slow enough that the job lives several seconds): queued with a
// write token, followed with the same token to its end (succeeded: a server that took the token's
// subject for a revoked key cancelled it within a second), and seen by no other subject (404, not
// in its list, not cancelled by it). The job's id goes to DIR/job-id.
async function jobsChecks(aud, iss, collection, waiting) {
  const keys = await loadKeys();
  const claims = (sub) => ({ iss, aud, sub, scope: 'read write', iat: now(), exp: now() + 300 });
  const owner = await mint(keys, 'ec', claims('job-owner'));
  const other = await mint(keys, 'rsa', claims('job-other'));
  const t0 = Date.now();
  const q = await call(owner, 'POST', `/api/v1/collections/${collection}/embed`, {});
  expectStatus('a write token queues an embed: 202', q, 202);
  const location = q.headers.get('location') || '';
  const id = q.json?.id;
  check('its Location is the job', typeof id === 'string' && location === `/api/v1/jobs/${id}`, `[${location}] ${show(q)}`);
  if (q.status !== 202 || typeof id !== 'string') return;
  writeAtomic(path.join(dir, 'job-id'), id);
  const listed = async (token) => {
    const r = await call(token, 'GET', '/api/v1/jobs');
    return { r, has: r.status === 200 && Array.isArray(r.json?.jobs) && r.json.jobs.some((j) => j.id === id) };
  };
  const hidden = async (when) => {
    expectStatus(`another subject reading it ${when}: 404`, await call(other, 'GET', location), 404);
    const l = await listed(other);
    check(`another subject's list ${when} does not hold it`, l.r.status === 200 && Array.isArray(l.r.json?.jobs) && !l.has, show(l.r));
  };
  const first = await call(owner, 'GET', location);
  check('the owner reads it, not ended yet', first.status === 200 && ['queued', 'running'].includes(first.json?.status), show(first));
  await hidden('while it runs');
  expectStatus('another subject reading its events: 404', await call(other, 'GET', `${location}/events`), 404);
  expectStatus('another subject cancelling it: 404', await call(other, 'DELETE', location), 404);
  const own = await listed(owner);
  check("the owner's list holds it", own.has, show(own.r));

  let job = null;
  while (Date.now() - t0 < 60000) {
    const r = await call(owner, 'GET', location);
    if (r.status !== 200) {
      fail('the owner reads its job to its end', show(r));
      return;
    }
    job = r.json;
    if (['succeeded', 'failed', 'cancelled'].includes(job?.status)) break;
    await sleep(200);
  }
  const lived = (Date.now() - t0) / 1000;
  check('the job lived past several of the server\'s heartbeats (over 2.5 s)', lived > 2.5, `ended after ${lived} s: ${JSON.stringify(job)}`);
  check('the signed-in caller\'s job succeeded (not cancelled)', job?.status === 'succeeded', JSON.stringify(job).slice(0, 400));
  check(`it embedded the ${waiting} chunks that waited`, job?.result?.embedded === waiting && job?.result?.failed === 0,
    JSON.stringify(job?.result));
  await hidden('once it ended');
}

// --jwt-tokens LIMIT/min against an upstream model that reports usage: one subject's chat
// completions pass, each one's x-ratelimit-remaining-tokens down by the answer's usage, until
// the tokens are spent; then 429 with OpenAI's token headers. Another subject is not limited.
async function tokensChecks(aud, iss, limit) {
  const keys = await loadKeys();
  const claims = (sub) => ({ iss, aud, sub, scope: 'read', iat: now(), exp: now() + 300 });
  const spender = await mint(keys, 'ec', claims('tokens-spender'));
  const chat = (token) => call(token, 'POST', '/v1/chat/completions',
    { model: 'strata/docs', messages: [{ role: 'user', content: 'How do I roll back a migration?' }] });
  const headers = (r) => ['limit', 'remaining', 'reset'].map((h) => r.headers.get(`x-ratelimit-${h}-tokens`));
  const resetForm = /^([0-9]+ms|[0-9]+s|[0-9]+m[0-9]+s)$/;
  let prev = null;
  let passed = 0;
  let refusal = null;
  for (let i = 1; i <= 30; i++) {
    const r = await chat(spender);
    const at = Date.now();
    if (r.status === 429) {
      refusal = r;
      break;
    }
    expectStatus(`answer ${i}, within the limit`, r, 200);
    if (r.status !== 200) return;
    passed++;
    const used = r.json?.usage?.total_tokens;
    const [lim, rem, reset] = headers(r);
    check(`answer ${i} reports the upstream's usage`, Number.isInteger(used) && used > 0, r.text.slice(0, 300));
    check(`answer ${i}: x-ratelimit-limit-tokens ${limit}`, lim === String(limit), `[${lim}]`);
    check(`answer ${i}: x-ratelimit-reset-tokens`, resetForm.test(reset || ''), `[${reset}]`);
    const remaining = Number(rem);
    if (prev === null) {
      check('the first answer leaves the limit less its usage', rem !== null && remaining === Math.max(0, limit - used),
        `remaining [${rem}], limit ${limit}, usage ${used}`);
    } else {
      // Earned back meanwhile: limit/60 a second since the last answer was charged.
      const earned = Math.ceil((limit / 60) * ((at - prev.at) / 1000)) + 1;
      const low = Math.max(0, prev.remaining - used);
      check(`answer ${i}: x-ratelimit-remaining-tokens down by its usage (${prev.remaining} - ${used})`,
        rem !== null && Number.isInteger(remaining) && remaining >= low && remaining <= Math.max(0, prev.remaining - used + earned),
        `remaining [${rem}], before ${prev.remaining}, usage ${used}, earned at most ${earned}`);
    }
    prev = { remaining, at };
  }
  check('several answers passed before the tokens were spent', passed >= 3, `${passed} passed`);
  check('once they are spent, a chat completion is 429', refusal !== null, `no 429 after ${passed} answers`);
  if (!refusal) return;
  check('the last answer that passed left nothing', prev?.remaining === 0, `remaining ${prev?.remaining}`);
  const [lim, rem, reset] = headers(refusal);
  check('429 with x-ratelimit-limit-tokens', lim === String(limit), `[${lim}]`);
  check('429 with x-ratelimit-remaining-tokens 0', rem === '0', `[${rem}]`);
  check('429 with x-ratelimit-reset-tokens', resetForm.test(reset || ''), `[${reset}]`);
  const retry = Number(refusal.headers.get('retry-after'));
  check('429 with Retry-After in seconds', Number.isInteger(retry) && retry >= 1 && retry <= 60, `[${refusal.headers.get('retry-after')}]`);
  check('the 429 in OpenAI\'s shape, naming the limit', refusal.json?.error?.code === 'rate_limit_exceeded'
    && String(refusal.json?.error?.message).includes(`token limit (${limit} tokens per minute)`), refusal.text.slice(0, 300));
  expectStatus('another token of the same subject: 429', await chat(await mint(keys, 'okp', claims('tokens-spender'))), 429);
  const fresh = await chat(await mint(keys, 'ec', claims('tokens-other')));
  expectStatus('another subject is answered', fresh, 200);
  const freshUsed = fresh.json?.usage?.total_tokens;
  check('with tokens of its own', fresh.headers.get('x-ratelimit-remaining-tokens') === String(Math.max(0, limit - freshUsed)),
    `[${fresh.headers.get('x-ratelimit-remaining-tokens')}], usage ${freshUsed}`);
}

// ---------------------------------------------------------------------------------------------

try {
  if (mode === 'provider') {
    [dir] = args;
    await runProvider(args[1]);
  } else if (mode === 'jwks-server') {
    [dir] = args;
    await runJwksServer();
  } else if (mode === 'keys') {
    [dir] = args;
    await makeKeys();
  } else if (['oidc', 'edge', 'rotation', 'jobs', 'tokens'].includes(mode)) {
    [base, dir] = args;
    if (mode === 'oidc') await oidcChecks(args[2]);
    if (mode === 'edge') await edgeChecks(args[2], args[3]);
    if (mode === 'rotation') await rotationChecks(args[2], args[3]);
    if (mode === 'jobs') await jobsChecks(args[2], args[3], args[4], Number(args[5]));
    if (mode === 'tokens') await tokensChecks(args[2], args[3], Number(args[4]));
    finish();
  } else {
    console.error(`unknown mode: ${mode}`);
    process.exit(2);
  }
} catch (e) {
  fail(`${mode} ran to its end`, e.stack || e);
  finish();
}
