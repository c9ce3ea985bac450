'use strict'
// Benchmark (not a test): signs two requests with x-api-auth, oauth-1.0a
// (node:crypto) and twitter-api-v2's OAuth 1.0a helper in one run; prints
// microseconds per signature, ratios, the binding's overhead over the Rust
// core (from the last `cargo bench -p x-api-auth --bench sign`, when there is
// one), and require times.
//   - X's reference request (POST, one form parameter, one query parameter);
//   - a GET with 30 query parameters, unicode values and reserved characters
//     (the same as the Rust and Python benchmarks).
//   npm install && npm run build:release && node bench/sign.js
const { execFileSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

const KEY = 'xvz1evFS4wEEPTGEFPHBog'
const SECRET = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw'
const TOKEN = '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'
const TOKEN_SECRET = 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'
const VALUES = ['café ☕', 'a+b=c&d', '日本語のテキスト', '50% off!', 'hello world', '~tilde_-.', 'emoji 🐦 bird', '/path?x=1#frag', 'Ladies + Gentlemen', 'ünïcödé']
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const MANY = Array.from({ length: 30 }, (_, i) => [`p${String(i).padStart(2, '0')}`, VALUES[i % VALUES.length]])
const REQUESTS = {
  "X's reference request": {
    method: 'POST',
    url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
    form: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
  },
  '30-parameter GET': {
    method: 'GET',
    url: `https://api.x.com/2/tweets/search/recent?${MANY.map(([k, v]) => `${k}=${rfc3986(v)}`).join('&')}`,
    form: {},
  },
}
const OURS = 'x-api-auth (fresh nonce+clock)'

function signers({ method, url, form }) {
  const x = require('..')
  const ours = new x.OAuth1({ consumerKey: KEY, consumerSecret: SECRET, token: TOKEN, tokenSecret: TOKEN_SECRET })
  // The form as the peers take it (an object), and none when it is empty.
  const signed = Object.keys(form).length > 0 ? { method, url, form } : { method, url }
  // Built once: an object spread in the timed call costs V8 more than signing.
  const fixed = { ...signed, nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 }
  const out = {
    [OURS]: () => ours.authorizationHeader(signed),
    'x-api-auth (fixed nonce+timestamp)': () => ours.authorizationHeader(fixed),
  }
  const OAuth = require('oauth-1.0a')
  const peer = OAuth({
    consumer: { key: KEY, secret: SECRET },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => crypto.createHmac('sha1', key).update(base).digest('base64'),
  })
  const token = { key: TOKEN, secret: TOKEN_SECRET }
  out['oauth-1.0a'] = () => peer.toHeader(peer.authorize({ url, method, data: form }, token))
  try {
    const helper = require(path.join(path.dirname(require.resolve('twitter-api-v2')), 'client-mixins', 'oauth1.helper.js')).default
    const twitter = new helper({ consumerKeys: { key: KEY, secret: SECRET } })
    out['twitter-api-v2 (OAuth1Helper)'] = () => twitter.toHeader(twitter.authorize({ url, method, data: form }, token))
  } catch (error) {
    console.log(`twitter-api-v2 helper not found: skipped (${error.message})`)
  }
  return out
}

/**
 * The Rust core's time for the same request, from the last `cargo bench -p x-api-auth --bench sign`:
 * its fastest sample with the fork hook relied on (as this package signs), to compare with the
 * fastest round here.
 */
function coreMicros(group) {
  const sample = path.join(__dirname, '..', '..', '..', 'target', 'criterion', group, 'x-api-auth (fresh nonce, fork hook relied on)', 'new', 'sample.json')
  try {
    const { times, iters } = JSON.parse(fs.readFileSync(sample, 'utf8'))
    return Math.min(...times.map((t, i) => t / iters[i])) / 1000
  } catch {
    return undefined
  }
}

function perCallMicros(fn) {
  for (let i = 0; i < 2000; i++) fn()
  let best = Infinity
  for (let round = 0; round < 5; round++) {
    const n = 20000
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / n / 1000)
  }
  return best
}

function requireMillis(module) {
  const code = `const t = process.hrtime.bigint(); require(${JSON.stringify(module)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`
  const samples = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e', code], { cwd: path.join(__dirname, '..') })))
  return samples.sort((a, b) => a - b)[2]
}

for (const [group, request] of Object.entries(REQUESTS)) {
  const results = Object.entries(signers(request)).map(([name, fn]) => [name, perCallMicros(fn)])
  const ours = results.find(([name]) => name === OURS)[1]
  console.log(`\n${group}\n${'signer'.padEnd(36)} ${'µs/signature'.padStart(13)} ${'x slower than x-api-auth'.padStart(26)}`)
  for (const [name, us] of results.sort((a, b) => a[1] - b[1])) {
    console.log(`${name.padEnd(36)} ${us.toFixed(2).padStart(13)} ${(us / ours).toFixed(1).padStart(25)}x`)
  }
  const core = coreMicros(group)
  if (core !== undefined) {
    console.log(`${'binding overhead (x-api-auth - core)'.padEnd(36)} ${(ours - core).toFixed(2).padStart(13)}   (core ${core.toFixed(2)} µs)`)
  }
}
console.log(`\n${'require'.padEnd(36)} ${'ms (median of 5)'.padStart(17)}`)
for (const module of ['./index.js', 'oauth-1.0a', 'twitter-api-v2']) {
  console.log(`${module.padEnd(36)} ${requireMillis(module).toFixed(1).padStart(17)}`)
}
