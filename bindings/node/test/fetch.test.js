'use strict'
// authorizedFetch against the sandbox: OAuth 1.0a (form signed, JSON not),
// bearer, and an OAuth 2.0 token that expires (or is revoked) mid-test.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { managerWithLogin, startSandbox } = require('./helpers')

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

test('OAuth 2.0 through a TokenManager: refreshed before expiry and once after a 401', async () => {
  const short = startSandbox({ access_token_lifetime_secs: 2 })
  try {
    const { manager } = await managerWithLogin(short, { refreshMargin: 1 })
    const fetchX = x.authorizedFetch(manager)
    assert.equal((await fetchX(`${short.baseUrl}/2/users/me`)).status, 200)
    assert.equal(short.sandbox.counters.refreshes, 0)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    assert.equal((await fetchX(`${short.baseUrl}/2/users/me`)).status, 200)
    assert.equal(short.sandbox.counters.refreshes, 1, 'refreshed before the request')
    await short.xauth().revoke(short.client(), (await manager.accessToken()).accessToken())
    assert.equal((await fetchX(`${short.baseUrl}/2/users/me`)).status, 200)
    assert.equal(short.sandbox.counters.refreshes, 2, 'refreshed after the 401')
    assert.equal(short.sandbox.counters.refresh_reuse_detected, 0)
  } finally {
    short.stop()
  }
})

test('OAuth 2.0: a token that expires at X mid-test is refreshed after the 401', async () => {
  const { manager } = await managerWithLogin(world)
  const fetchX = x.authorizedFetch(manager, { user: 'sandbox_user' })
  assert.equal((await fetchX(`${world.baseUrl}/2/users/me`)).status, 200)
  const before = world.sandbox.counters.refreshes
  world.sandbox.advanceClock(7201) // the access token expires at X while the client still trusts it
  assert.equal((await fetchX(`${world.baseUrl}/2/users/me`)).status, 200)
  assert.equal(world.sandbox.counters.refreshes, before + 1)
})

test('a wrong auth is a typed error', () => {
  assert.throws(() => x.authorizedFetch({ token: 'plain object' }), (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT')
})
