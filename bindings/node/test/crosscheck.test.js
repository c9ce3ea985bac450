'use strict'
// Cross-check with the oauth-1.0a package (an independent implementation), on
// generated requests with unicode, reserved characters, duplicate keys and
// empty values: same headers for the same nonce and timestamp, and its signed
// requests are accepted by the sandbox.
//
// oauth-1.0a's contract is narrower than RFC 5849, so requests outside it are
// left out of the comparison (and counted): it does not decode query *keys*
// (`a%20b` gets encoded twice), drops empty duplicates of a query key, lets a
// form key that is also a query key replace the query's value, and sorts
// duplicate values raw, not encoded.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const OAuth = require('oauth-1.0a')
const x = require('..')
const { startSandbox } = require('./helpers')

const CONSUMER = { key: 'sandbox-consumer-key', secret: 'sandbox-consumer-secret' }
const TOKEN = { key: '1001-sandboxownertoken', secret: 'sandbox-owner-token-secret' }
const ALPHABET = [...'abcXYZ019-._~ +%&=/!*\'()@:,;?#[]$', 'é', '☃', '🦀']
const KEYS = ['a', 'ab', 'a_b', 'abc', 'status', 'q', 'é', 'a b']

function rng(seed) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

function generated(count, seed) {
  const random = rng(seed)
  const pick = (list) => list[Math.floor(random() * list.length)]
  const text = () => Array.from({ length: Math.floor(random() * 8) }, () => pick(ALPHABET)).join('')
  const pairs = () => Array.from({ length: Math.floor(random() * 5) }, () => [pick(KEYS), text()])
  return Array.from({ length: count }, () => ({ method: pick(['GET', 'POST', 'DELETE']), query: pairs(), form: pairs() }))
}

function peer() {
  const oauth = OAuth({
    consumer: CONSUMER,
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => crypto.createHmac('sha1', key).update(base).digest('base64'),
  })
  return oauth
}

/** oauth-1.0a takes duplicates as arrays and sorts their raw values. */
function asData(pairs) {
  const data = {}
  for (const [k, v] of pairs) {
    if (k in data) data[k] = [].concat(data[k], v)
    else data[k] = v
  }
  return data
}

const encode = (s) => x.percentEncode(s)
const queryString = (pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')
const withinPeerContract = (query, form) =>
  query.every(([k]) => encode(k) === k) &&
  new Set(query.map(([k]) => k)).size === query.length &&
  !form.some(([k]) => query.some(([q]) => q === k)) && rawOrderIsEncodedOrder([...query, ...form])
const rawOrderIsEncodedOrder = (pairs) => {
  const values = new Map()
  for (const [k, v] of pairs) values.set(k, [...(values.get(k) || []), v])
  return [...values.values()].every((vs) => {
    const raw = [...vs].sort()
    const enc = [...vs].sort((a, b) => (encode(a) < encode(b) ? -1 : encode(a) > encode(b) ? 1 : 0))
    return raw.every((v, i) => v === enc[i])
  })
}

test('headers equal those of oauth-1.0a for the same nonce and timestamp', () => {
  const signer = new x.OAuth1({ consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret, token: TOKEN.key, tokenSecret: TOKEN.secret })
  let compared = 0
  for (const { method, query, form } of generated(400, 5849)) {
    if (!withinPeerContract(query, form)) continue
    const url = `https://api.x.com/2/echo${query.length ? `?${queryString(query)}` : ''}`
    const oauth = peer()
    oauth.getNonce = () => 'fixednonce0123456789'
    oauth.getTimeStamp = () => 1318622958
    const theirs = oauth.toHeader(oauth.authorize({ url, method, data: asData(form) }, TOKEN)).Authorization
    const ours = signer.authorizationHeader({ method, url, form, nonce: 'fixednonce0123456789', timestamp: 1318622958 })
    assert.equal(ours, theirs, JSON.stringify({ method, query, form }))
    compared += 1
  }
  assert.ok(compared >= 150, `only ${compared} of 400 compared`)
})

test('oauth-1.0a-signed requests are accepted by the sandbox', async () => {
  const world = startSandbox()
  try {
    let sent = 0
    for (const { method, query, form } of generated(200, 7636)) {
      if (!withinPeerContract(query, method === 'GET' ? [] : form)) continue
      const url = `${world.baseUrl}/2/echo${query.length ? `?${queryString(query)}` : ''}`
      const body = method === 'GET' ? [] : form
      const oauth = peer()
      const header = oauth.toHeader(oauth.authorize({ url, method, data: asData(body) }, TOKEN)).Authorization
      const init = { method, headers: { authorization: header } }
      if (body.length) {
        init.body = queryString(body)
        init.headers['content-type'] = 'application/x-www-form-urlencoded'
      }
      const response = await fetch(url, init)
      const text = await response.text()
      assert.equal(response.status, 200, `${text} ${JSON.stringify({ method, query, body })}`)
      const echo = JSON.parse(text)
      assert.equal(echo.auth, 'oauth1')
      assert.deepEqual(echo.form ?? [], body)
      sent += 1
    }
    assert.ok(sent >= 60, `only ${sent} of 200 sent`)
  } finally {
    world.stop()
  }
})
