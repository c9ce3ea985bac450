'use strict'
// The sandbox's consent helper (the core's browser, not a JavaScript copy): a
// PKCE or 3-legged login against the sandbox in three lines, an oob PIN, a denial.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { startSandbox } = require('./helpers.js')

const CALLBACK = 'http://127.0.0.1:8976/callback'

test('a PKCE login in three lines', async () => {
  const world = startSandbox()
  try {
    const xauth = world.xauth()
    const pending = xauth.startAuthorization(world.client(), CALLBACK, ['tweet.read', 'users.read', 'offline.access'])
    const token = await xauth.finishAuthorization(world.client(), pending, await x.Sandbox.approve(pending.url, 'sandbox_user'))
    assert.equal((await xauth.usersMe(token)).data.username, 'sandbox_user')
  } finally {
    world.stop()
  }
})

test('3-legged OAuth 1.0a with a callback and with a PIN', async () => {
  const world = startSandbox()
  try {
    const xauth = world.xauth()
    const requestToken = await xauth.requestToken(world.consumer(), CALLBACK)
    const callback = await x.Sandbox.approve(xauth.authorizeUrl(requestToken))
    const verifier = xauth.parseCallback(callback, requestToken)
    assert.ok((await xauth.accessToken(world.consumer(), requestToken, verifier)).screenName)

    const oob = await xauth.requestToken(world.consumer(), 'oob')
    const pin = await x.Sandbox.approve(xauth.authenticateUrl(oob))
    assert.match(pin, /^\d+$/)
    assert.ok((await xauth.accessToken(world.consumer(), oob, pin)).screenName)
  } finally {
    world.stop()
  }
})

test('a denial comes back as X_ACCESS_DENIED; a URL off the sandbox is a typed error', async () => {
  const world = startSandbox()
  try {
    const xauth = world.xauth()
    const pending = xauth.startAuthorization(world.client(), CALLBACK, ['tweet.read'])
    const denied = await x.Sandbox.deny(pending.url)
    assert.match(denied, /error=access_denied/)
    await assert.rejects(xauth.finishAuthorization(world.client(), pending, denied), (e) => e instanceof x.XAuthError && e.code === 'X_ACCESS_DENIED')
    await assert.rejects(x.Sandbox.approve('http://127.0.0.1:1/i/oauth2/authorize?x=1'), (e) => e instanceof x.XAuthError)
  } finally {
    world.stop()
  }
})
