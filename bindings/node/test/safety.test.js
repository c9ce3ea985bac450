'use strict'
// Bad input gets an XAuthError with code X_INVALID_INPUT naming the field; no
// secret shows in util.inspect, console.log, JSON.stringify or toString.
const test = require('node:test')
const assert = require('node:assert/strict')
const { inspect } = require('node:util')
const x = require('..')

const CANARY = 'CANARY0secret0c4n4ry0CANARY0secret0c4n4ry0x'
const invalid = (field) => (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT' && (field === undefined || e.field === field)

test('wrong types, missing fields, non-string secrets', () => {
  assert.throws(() => new x.OAuth1({ consumerKey: 1, consumerSecret: 's' }), invalid('consumerKey'))
  assert.throws(() => new x.OAuth1({ consumerSecret: 's' }), invalid('consumerKey'))
  assert.throws(() => new x.OAuth1({ consumerKey: 'k', consumerSecret: 42 }), invalid('consumerSecret'))
  assert.throws(() => new x.OAuth1(), invalid())
  assert.throws(() => new x.ConsumerKeys({ key: 'k', secret: null }), invalid('secret'))
  assert.throws(() => new x.OAuth2Client({ clientId: 7 }), invalid('clientId'))
  const signer = new x.OAuth1({ consumerKey: 'k', consumerSecret: 's' })
  assert.throws(() => signer.authorizationHeader({ method: 'GET', url: 5 }), invalid('url'))
  assert.throws(() => signer.authorizationHeader({ method: 'GET', url: '/relative' }), invalid('url'))
  assert.throws(() => signer.authorizationHeader({ method: 'POST', url: 'https://a.b/', formBody: 'a=%zz' }), invalid('form body'))
  assert.throws(() => signer.authorizationHeader({ method: 'POST', url: 'https://a.b/', form: [['only-key']] }), invalid('form'))
  assert.throws(() => new x.OAuth1({ consumerKey: '', consumerSecret: 's' }), invalid('consumer key'))
  assert.throws(() => new x.OAuth1({ consumerKey: 'k\r\n', consumerSecret: 's' }), invalid('consumer key'))
  assert.throws(() => new x.XAuth({ timeout: -1 }), invalid('timeout'))
  assert.throws(() => x.PendingAuthorization.fromCompact('garbage'), invalid('pending authorization'))
})

test('numbers out of range are typed errors', () => {
  const signer = new x.OAuth1({ consumerKey: 'k', consumerSecret: 's' })
  assert.throws(() => signer.authorizationHeader({ method: 'GET', url: 'https://a.b/', timestamp: -5 }), invalid('timestamp'))
  assert.throws(() => signer.authorizationHeader({ method: 'GET', url: 'https://a.b/', timestamp: '1' }), invalid('timestamp'))
  const sandbox = x.Sandbox.start()
  try {
    assert.throws(() => sandbox.advanceClock(-1), invalid('seconds'))
    assert.throws(() => sandbox.advanceClock(1.5), invalid('seconds'))
  } finally {
    sandbox.stop()
  }
})

test('a credential of the wrong class is refused, not a crash', async () => {
  const xa = new x.XAuth({ apiBase: 'http://127.0.0.1:9', webBase: 'http://127.0.0.1:9' })
  await assert.rejects(async () => xa.usersMe({ token: 'x' }), invalid())
})

test('regression (issue 12): napi conversions, BigInt JSON, deep input and fetch options are typed errors', async () => {
  assert.throws(() => x.parseError(undefined, Buffer.from('{}')), invalid('status'))
  assert.throws(() => x.parseError(401, 5), invalid('body'))
  assert.throws(() => x.percentEncode(42), invalid('value'))
  let deep = 'leaf'
  for (let i = 0; i < 5000; i++) deep = [deep]
  assert.throws(() => x.percentEncode(deep), (e) => invalid('value')(e) && /nested too deeply/.test(e.message))
  const xa = new x.XAuth({ apiBase: 'http://127.0.0.1:9', webBase: 'http://127.0.0.1:9', timeout: 1 })
  const bearer = new x.BearerToken('b')
  assert.throws(() => xa.send(bearer, 'POST', '/2/echo', { json: 1n }), invalid('json'))
  assert.throws(() => xa.send(bearer, 'POST', '/2/echo', { json: { a: [2n ** 70n] } }), invalid('json'))
  assert.equal(typeof x.authorizedFetch(bearer, null), 'function')
  assert.throws(() => x.authorizedFetch(bearer, 5), invalid('options'))
  assert.throws(() => x.authorizedFetch(bearer, { fetch: 'no' }), invalid('fetch'))
  await assert.rejects(x.authorizedFetch(bearer, { fetch: async () => new Response('') })(null), invalid('input'))
  await assert.rejects(x.authorizedFetch(bearer, { fetch: async () => new Response('') })('https://a.b/', { headers: 5 }), invalid('headers'))
  assert.throws(() => new x.RequestToken(), invalid())
  assert.throws(() => x.OAuth1.prototype.sign.call({}, { method: 'GET', url: 'https://a.b/' }), invalid())
})

test("the caller's own exception, from a getter or a Proxy trap, passes through unchanged", () => {
  class Mine extends Error {}
  const mine = new Mine('mine')
  const raise = () => {
    throw mine
  }
  assert.throws(() => new x.OAuth1({ get consumerKey() { return raise() }, consumerSecret: 's' }), (e) => e === mine)
  assert.throws(() => new x.XAuth(new Proxy({}, { get: raise })), (e) => e === mine)
})

test('transport errors are typed', async () => {
  const xa = new x.XAuth({ apiBase: 'http://127.0.0.1:9', webBase: 'http://127.0.0.1:9', timeout: 2 })
  await assert.rejects(xa.obtainBearer(new x.ConsumerKeys({ key: 'k', secret: 's' })), (e) => e.code === 'X_TRANSPORT')
})

test('no secret in inspect, console.log, JSON.stringify or toString', () => {
  const objects = [
    new x.ConsumerKeys({ key: 'public-key', secret: CANARY }),
    new x.AccessToken({ token: '1-public', secret: CANARY }),
    new x.OAuth2Client({ clientId: 'id', clientSecret: CANARY }),
    new x.BearerToken(CANARY),
    new x.OAuth2UserToken({ accessToken: CANARY, refreshToken: CANARY, expiresAt: 1e9, scopes: ['tweet.read'] }),
    new x.OAuth1({ consumerKey: 'k', consumerSecret: CANARY, token: '1-t', tokenSecret: CANARY }),
  ]
  for (const obj of objects) {
    for (const text of [inspect(obj), inspect(obj, { showHidden: true, depth: 5 }), JSON.stringify(obj), String(obj), `${obj}`]) {
      assert.ok(!text.includes('c4n4ry'), text)
    }
  }
  assert.equal(new x.BearerToken(CANARY).secret(), CANARY)
})

test('CommonJS and ESM both import', async () => {
  const esm = await import('../index.mjs')
  assert.equal(esm.OAuth1, x.OAuth1)
  assert.equal(esm.default.XAuthError, x.XAuthError)
})
