'use strict'
// authorizedFetch against the sandbox: OAuth 1.0a (form signed, JSON not),
// bearer, and an OAuth 2.0 token that expires (or is revoked) mid-test.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { oauth2Authorize, startSandbox } = require('./helpers')

let world
test.before(() => {
  world = startSandbox()
})
test.after(() => world.stop())

test('OAuth 1.0a: form bodies signed, JSON bodies not', async () => {
  const fetchX = x.authorizedFetch(world.owner())
  const form = await fetchX(`${world.baseUrl}/2/echo?q=caf%C3%A9`, {
    method: 'POST',
    body: new URLSearchParams({ status: 'a+b & c', e: '' }),
  })
  assert.equal(form.status, 200, await form.clone().text())
  assert.deepEqual((await form.json()).form, [['status', 'a+b & c'], ['e', '']])
  const json = await fetchX(`${world.baseUrl}/2/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'not signed' }),
  })
  assert.deepEqual((await json.json()).json, { text: 'not signed' })
})

test('bearer', async () => {
  const bearer = await world.xauth().obtainBearer(world.consumer())
  const response = await x.authorizedFetch(bearer)(`${world.baseUrl}/2/users/by/username/X`)
  assert.equal((await response.json()).data.id, '783214')
})

test('OAuth 2.0: refreshed before expiry and once after a 401', async () => {
  const client = world.client()
  const token = await oauth2Authorize(world, client, ['tweet.read', 'users.read', 'offline.access'])
  const expiring = new x.OAuth2UserToken({
    accessToken: token.accessToken(),
    refreshToken: token.refreshToken(),
    expiresAt: Date.now() / 1000 + 5,
    scopes: token.scopes,
  })
  const stored = []
  const xa = world.xauth()
  const fetchX = x.authorizedFetch(expiring, { xauth: xa, client, onRefresh: (t) => stored.push(t) })
  assert.equal((await fetchX(`${world.baseUrl}/2/users/me`)).status, 200)
  assert.equal(stored.length, 1, 'refreshed before the request')
  await xa.revoke(client, fetchX.currentToken().accessToken())
  assert.equal((await fetchX(`${world.baseUrl}/2/users/me`)).status, 200)
  assert.equal(stored.length, 2, 'refreshed after the 401')
  assert.notEqual(stored[1].refreshToken(), stored[0].refreshToken())
})

test('OAuth 2.0: a token that expires at X mid-test is refreshed after the 401', async () => {
  const client = world.client()
  const token = await oauth2Authorize(world, client, ['tweet.read', 'users.read', 'offline.access'])
  const stored = []
  const fetchX = x.authorizedFetch(token, { xauth: world.xauth(), client, onRefresh: (t) => stored.push(t) })
  assert.equal((await fetchX(`${world.baseUrl}/2/users/me`)).status, 200)
  assert.equal(stored.length, 0)
  world.sandbox.advanceClock(7201) // the access token expires at X while the client still trusts it
  assert.equal((await fetchX(`${world.baseUrl}/2/users/me`)).status, 200)
  assert.equal(stored.length, 1)
})

test('a wrong auth is a typed error', () => {
  assert.throws(() => x.authorizedFetch({ token: 'plain object' }), (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT')
})
