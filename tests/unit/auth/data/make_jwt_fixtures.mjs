// Makes the fixtures of tests/unit/auth/jwt_test.cpp: signing keys, the JWKS documents that
// publish them and tokens signed with them. Keys are new on every run, so the documents and
// tokens are remade together; the test reads them and names only the claims written here.
// Node's own crypto signs, so strata's verifier is checked against another implementation.
//
// Usage: node tests/unit/auth/data/make_jwt_fixtures.mjs    (writes beside this script)
//   jwks.json          rsa-1 (RS256), ec-1 (ES256), ed-1 (EdDSA)
//   jwks_rotated.json  rsa-2 instead of rsa-1: the IdP rotated its RSA key
//   jwks_mixed.json    rsa-1 and keys the verifier skips (HMAC, encryption, P-384, Ed448,
//                      RSA-1024, an alg it does not take, key_ops without verify)
//   tokens.json        {"issued_at": ..., "tokens": {NAME: compact JWS}}
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// The test's clock: every token is issued at 2026-01-01T00:00:00Z; most expire in 2100.
const issuedAt = 1767225600;
const farFuture = 4102444800;
const issuer = 'https://idp.example.com';
const audience = 'strata';

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const part = (object) => b64url(JSON.stringify(object));

function rsa() { return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }); }
const keys = {
  'rsa-1': { alg: 'RS256', ...rsa() },
  'rsa-2': { alg: 'RS256', ...rsa() },
  'rsa-stranger': { alg: 'RS256', ...rsa() },
  'ec-1': { alg: 'ES256', ...crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) },
  'ed-1': { alg: 'EdDSA', ...crypto.generateKeyPairSync('ed25519') },
};

function jwk(kid, extra = {}) {
  const k = keys[kid];
  return { ...k.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: k.alg, ...extra };
}

// The signature JWS (RFC 7515) asks of each algorithm: PKCS#1 v1.5 for RS256, r||s (not DER) for
// ES256 (RFC 7518 3.4), plain Ed25519 for EdDSA (RFC 8037).
function signature(alg, key, input) {
  if (alg === 'RS256') return crypto.sign('sha256', input, key);
  if (alg === 'ES256') return crypto.sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
  if (alg === 'EdDSA') return crypto.sign(null, input, key);
  throw new Error(`no signer for ${alg}`);
}

// A token signed by key `kid` (its own alg unless the header says otherwise).
function token({ kid, header = {}, claims = {}, omit = [], noKid = false }) {
  const k = keys[kid];
  const h = { alg: k.alg, typ: 'JWT', ...(noKid ? {} : { kid }), ...header };
  const c = { iss: issuer, aud: audience, sub: 'alice', iat: issuedAt, exp: farFuture, ...claims };
  for (const name of omit) delete c[name];
  const input = `${part(h)}.${part(c)}`;
  return `${input}.${b64url(signature(k.alg, k.privateKey, Buffer.from(input)))}`;
}

const tokens = {
  rs256: token({ kid: 'rsa-1', claims: { scope: 'openid read write', strata_collections: ['docs', 'wiki'] } }),
  es256: token({
    kid: 'ec-1', header: { typ: 'at+jwt' },
    claims: { sub: 'bob', aud: ['other', 'strata'], scope: ['read'], strata_collections: 'docs  notes' },
  }),
  eddsa: token({ kid: 'ed-1', header: { typ: 'application/AT+JWT' }, claims: { sub: 'carol' } }),
  es256_no_kid: token({ kid: 'ec-1', noKid: true, claims: { sub: 'dave', scope: 'write' } }),
  rs256_admin: token({ kid: 'rsa-1', claims: { scope: 'admin read' } }),
  scope_unknown_words: token({ kid: 'rsa-1', claims: { scope: 'openid profile READ' } }),
  collections_empty: token({ kid: 'rsa-1', claims: { strata_collections: [] } }),
  collections_not_strings: token({ kid: 'rsa-1', claims: { strata_collections: ['docs', 7] } }),
  short_lived: token({ kid: 'rsa-1', claims: { exp: issuedAt + 3600 } }),
  short_lived_read: token({ kid: 'rsa-1', claims: { exp: issuedAt + 3600, scope: 'read' } }),
  nbf_future: token({ kid: 'rsa-1', claims: { nbf: issuedAt + 3600 } }),
  iat_future: token({ kid: 'rsa-1', claims: { iat: issuedAt + 3600 } }),
  wrong_issuer: token({ kid: 'rsa-1', claims: { iss: 'https://idp.example.com/other' } }),
  wrong_audience: token({ kid: 'rsa-1', claims: { aud: 'strata-staging' } }),
  wrong_audience_array: token({ kid: 'rsa-1', claims: { aud: ['other', 'strata-staging'] } }),
  no_sub: token({ kid: 'rsa-1', omit: ['sub'] }),
  no_exp: token({ kid: 'rsa-1', omit: ['exp'] }),
  exp_text: token({ kid: 'rsa-1', claims: { exp: '4102444800' } }),
  crit: token({ kid: 'rsa-1', header: { crit: ['exp'] } }),
  typ_jwe: token({ kid: 'rsa-1', header: { typ: 'JWE' } }),
  rs256_on_ec_key: token({ kid: 'rsa-1', header: { kid: 'ec-1' } }),
  unknown_kid: token({ kid: 'rsa-stranger' }),
  rotated: token({ kid: 'rsa-2', claims: { sub: 'erin' } }),
};

// alg "none": no signature at all.
tokens.alg_none = `${part({ alg: 'none', typ: 'JWT' })}.${part({
  iss: issuer, aud: audience, sub: 'alice', iat: issuedAt, exp: farFuture,
})}.`;

// The classic confusion attack: HS256 keyed with the RSA public key's bytes (its PEM, and its
// JWK's n), as a verifier that lets the token choose the algorithm would check it.
for (const [name, secret] of [
  ['hs256_rsa_pem', keys['rsa-1'].publicKey.export({ type: 'spki', format: 'pem' })],
  ['hs256_rsa_n', Buffer.from(jwk('rsa-1').n, 'base64url')],
]) {
  const input = `${part({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${part({
    iss: issuer, aud: audience, sub: 'alice', iat: issuedAt, exp: farFuture,
  })}`;
  tokens[name] = `${input}.${b64url(crypto.createHmac('sha256', secret).update(input).digest())}`;
}

// rs256's signature over a payload that names another subject.
{
  const [h, , s] = tokens.rs256.split('.');
  tokens.tampered = `${h}.${part({
    iss: issuer, aud: audience, sub: 'mallory', iat: issuedAt, exp: farFuture,
    scope: 'admin', strata_collections: ['docs', 'wiki'],
  })}.${s}`;
}

const small = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
const p384 = crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'jwk' });
const ed448 = crypto.generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
const mixed = [
  jwk('rsa-1'),
  { kty: 'oct', kid: 'hmac', k: b64url(crypto.randomBytes(32)), alg: 'HS256' },
  jwk('rsa-2', { kid: 'rsa-enc', use: 'enc', alg: 'RSA-OAEP' }),
  jwk('rsa-2', { kid: 'rsa-512', alg: 'RS512' }),
  jwk('rsa-2', { kid: 'rsa-ops', use: undefined, key_ops: ['encrypt'] }),
  { ...small, kid: 'rsa-1024', use: 'sig', alg: 'RS256' },
  { ...p384, kid: 'ec-384', use: 'sig' },
  { ...ed448, kid: 'ed-448', use: 'sig' },
];

const write = (name, value) => fs.writeFileSync(path.join(here, name), `${JSON.stringify(value, null, 2)}\n`);
write('jwks.json', { keys: [jwk('rsa-1'), jwk('ec-1'), jwk('ed-1')] });
write('jwks_rotated.json', { keys: [jwk('rsa-2'), jwk('ec-1'), jwk('ed-1')] });
write('jwks_mixed.json', { keys: mixed });
write('tokens.json', { issued_at: issuedAt, tokens });
