'use strict'
// The browser login from Node: the core's loopback callback server catches
// the redirect after consent (the test plays the browser on the sandbox).
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { startSandbox } = require('./helpers')

/** The browser: approves on the sandbox, then lands on the callback server. */
async function browse(url) {
  const consent = await fetch(`${url}&sandbox_decision=approve`, { redirect: 'manual' })
  const page = await fetch(consent.headers.get('location'))
  assert.match(await page.text(), /you can close this tab/)
}

test('a PKCE login through the loopback server', async () => {
  const world = startSandbox()
  try {
    const client = new x.OAuth2Client({ clientId: 'sandbox-public-client' })
    const xauth = world.xauth()
    const server = await x.CallbackServer.bind('http://127.0.0.1:0/callback')
    assert.ok(server instanceof x.CallbackServer)
    assert.match(server.redirectUri, /^http:\/\/127\.0\.0\.1:[1-9]\d*\/callback$/)
    const pending = xauth.startAuthorization(client, server.redirectUri, ['tweet.read', 'users.read'])
    const [callback] = await Promise.all([server.wait(pending, 10), browse(pending.url)])
    const token = await xauth.finishAuthorization(client, pending, callback)
    assert.ok((await xauth.usersMe(token)).data.username)
    const another = xauth.startAuthorization(client, server.redirectUri, ['tweet.read'])
    assert.throws(() => server.wait(another, 1), (e) => e instanceof x.XAuthError && /already caught its login/.test(e.message))
  } finally {
    world.sandbox.stop()
  }
})

test('an OAuth 1.0a login through the loopback server', async () => {
  const world = startSandbox()
  try {
    const xauth = world.xauth()
    const consumer = world.consumer()
    const server = await x.CallbackServer.bind('http://localhost:0/oauth1')
    const requestToken = await xauth.requestToken(consumer, server.redirectUri)
    const [callback] = await Promise.all([server.waitForRequestToken(requestToken, 10), browse(xauth.authorizeUrl(requestToken))])
    const verifier = xauth.parseCallback(callback, requestToken)
    assert.ok((await xauth.accessToken(consumer, requestToken, verifier)).userId)
  } finally {
    world.sandbox.stop()
  }
})

test('a taken port and a silent browser are typed errors', async () => {
  const first = await x.CallbackServer.bind('http://127.0.0.1:0/cb')
  await assert.rejects(x.CallbackServer.bind(first.redirectUri), (e) => e.code === 'X_TRANSPORT' && /cannot listen/.test(e.message))
  await assert.rejects(x.CallbackServer.bind('https://example.com/cb'), (e) => e.code === 'X_INVALID_INPUT')
  const client = new x.OAuth2Client({ clientId: 'id' })
  const pending = new x.XAuth().startAuthorization(client, first.redirectUri, ['tweet.read'])
  await assert.rejects(first.wait(pending, 0.5), (e) => e.code === 'X_INVALID_INPUT' && /timeout/.test(e.message))
  const silent = await x.CallbackServer.bind('http://127.0.0.1:0/cb')
  await assert.rejects(silent.wait(pending, 1), (e) => e.code === 'X_TRANSPORT' && /no browser came back/.test(e.message))
})
