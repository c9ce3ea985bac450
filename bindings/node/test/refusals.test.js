'use strict'
// Issue 15: the refusals a user meets, each with its own code and a hint that says what to
// do: enrollment and billing (rehearsed with the sandbox's api_access, sandbox-wide or per
// app), credential types and scopes X's endpoint table says an endpoint needs (refused
// before the request leaves), and invalid or revoked tokens.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { oauth2Authorize, startSandbox } = require('./helpers')

const USER_SCOPES = ['tweet.read', 'users.read', 'offline.access']
const rejectsWith = (promise, check) => assert.rejects(promise, (e) => e instanceof x.XAuthError && check(e))

const CASES = [
  ['client-not-enrolled', 'CLIENT_NOT_ENROLLED', 403, 'add the app to a Project'],
  ['user-not-enrolled', 'USER_NOT_ENROLLED', 403, 'billed to the authenticated user'],
  ['payment-required', 'PAYMENT_REQUIRED', 402, 'add credits under Billing'],
  ['oauth1-permissions', 'OAUTH1_PERMISSIONS', 403, 'regenerate the Access Token'],
  ['unsupported-authentication', 'UNSUPPORTED_AUTHENTICATION', 403, "one of the types X's message lists"],
]

for (const [apiAccess, name, status, hint] of CASES) {
  test(`api_access ${apiAccess}: ErrorCodes.${name} with a hint`, async () => {
    const world = startSandbox({ api_access: apiAccess })
    try {
      await rejectsWith(world.xauth().usersMe(world.owner()), (e) => {
        assert.equal(e.code, x.ErrorCodes[name])
        assert.equal(e.code, `X_${name}`)
        assert.equal(e.status, status)
        assert.ok(e.hint.includes(hint), e.hint)
        assert.ok(!e.message.includes('Rate limit') && !e.message.includes('..'), e.message)
        return true
      })
    } finally {
      world.stop()
    }
  })
}

test('api_access per app overrides the sandbox-wide one', async () => {
  const plain = startSandbox()
  const app = plain.app
  plain.stop()
  const second = {
    consumer_key: 'second-consumer-key',
    consumer_secret: 'second-consumer-secret',
    access_token: '1001-secondownertoken',
    access_token_secret: 'second-owner-token-secret',
  }
  const world = startSandbox({ apps: [{ ...app, api_access: 'client-not-enrolled' }, second] })
  try {
    const xa = world.xauth()
    await rejectsWith(xa.usersMe(world.owner()), (e) => e.code === 'X_CLIENT_NOT_ENROLLED' && e.reason === 'client-not-enrolled')
    const other = new x.OAuth1({ consumerKey: second.consumer_key, consumerSecret: second.consumer_secret, token: second.access_token, tokenSecret: second.access_token_secret })
    assert.equal((await xa.usersMe(other)).data.id, '1001')
  } finally {
    world.stop()
  }
})

test('a bearer on a user endpoint and a token without a scope never leave', async () => {
  const world = startSandbox()
  try {
    const xa = world.xauth()
    const bearer = await xa.obtainBearer(world.consumer())
    await rejectsWith(xa.send(bearer, 'POST', '/2/tweets', { json: { text: 'hi' } }), (e) =>
      e.code === x.ErrorCodes.UNSUPPORTED_AUTHENTICATION && e.status === undefined && e.hint.includes('accepts OAuth 1.0a User Context or OAuth 2.0 User Context'))
    const token = await oauth2Authorize(world, world.client(), USER_SCOPES)
    await rejectsWith(xa.send(token, 'POST', '/2/users/1001/likes', { json: { tweet_id: '1' } }), (e) =>
      e.code === x.ErrorCodes.MISSING_SCOPE && e.scope === 'like.write' && e.hint.includes('needs a new consent'))
    assert.equal(world.sandbox.counters.api_requests, 0)
  } finally {
    world.stop()
  }
})

test('an invalid bearer and a revoked OAuth 2.0 token say what to do', async () => {
  const world = startSandbox()
  try {
    const xa = world.xauth()
    await rejectsWith(xa.userByUsername(new x.BearerToken('AAAA-not-a-bearer'), 'sandbox_user'), (e) =>
      e.code === 'X_AUTHENTICATION' && e.hint.includes('obtain a new one with obtain_bearer'))
    const token = await oauth2Authorize(world, world.client(), USER_SCOPES)
    await xa.revoke(world.client(), token.accessToken(), 'access_token')
    await rejectsWith(xa.usersMe(token), (e) =>
      e.message.startsWith('X API error (HTTP 401, about:blank): Unauthorized. Hint: ') && e.hint.includes('log the user in again'))
  } finally {
    world.stop()
  }
})
