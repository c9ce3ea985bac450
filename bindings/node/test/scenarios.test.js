'use strict'
// Every scenario of tests/scenarios.json, against the sandbox started in-process.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { CALLBACK, consent, oauth2Authorize, startSandbox } = require('./helpers')

let world
test.before(() => {
  world = startSandbox()
})
test.after(() => world.stop())

const rejectsWith = (promise, check) => assert.rejects(promise, (e) => e instanceof x.XAuthError && check(e))

test('scenario_signed_echo_query_form_json', async () => {
  const xa = world.xauth()
  const owner = world.owner()
  const r = await xa.send(owner, 'GET', '/2/echo?q=a%20b&emoji=%F0%9F%A6%80')
  assert.deepEqual(r.json().query[1], ['emoji', '🦀'])
  assert.equal(r.rateLimit.limit, 900)
  const form = { status: 'Hello Ladies + Gentlemen, a signed OAuth request!', e: '' }
  const echo = (await xa.send(owner, 'POST', '/2/echo?include_entities=true', { form })).json()
  assert.deepEqual(echo.form, Object.entries(form))
  const json = (await xa.send(owner, 'POST', '/2/echo', { json: { text: 'not signed & fine' } })).json()
  assert.deepEqual(json.json, { text: 'not signed & fine' })
})

test('scenario_three_legged_callback', async () => {
  const xa = world.xauth()
  const consumer = world.consumer()
  const requestToken = await xa.requestToken(consumer, CALLBACK, 'write')
  assert.ok(requestToken instanceof x.RequestToken)
  const { location } = await consent(xa.authorizeUrl(requestToken, true, 'sandbox_user'))
  assert.ok(location.startsWith(CALLBACK))
  const verifier = xa.parseCallback(location, requestToken)
  const granted = await xa.accessToken(consumer, requestToken, verifier)
  assert.equal(granted.userId, '1001')
  assert.equal(granted.screenName, 'sandbox_user')
  const user = x.OAuth1.fromCredentials(consumer, granted.accessToken)
  assert.equal((await xa.usersMe(user)).data.username, 'sandbox_user')
  await rejectsWith(xa.accessToken(consumer, requestToken, verifier), (e) => e.code === 'X_INVALID_TOKEN')
  await xa.invalidateAccessToken(consumer, granted.accessToken)
  await rejectsWith(xa.usersMe(user), (e) => e.xCode === 89 && e.code === x.ErrorCodes.INVALID_TOKEN)
})

test('scenario_pin_oob', async () => {
  const xa = world.xauth()
  const consumer = world.consumer()
  const requestToken = await xa.requestToken(consumer, 'oob')
  const { location, text } = await consent(xa.authorizeUrl(requestToken))
  assert.equal(location, null)
  const pin = text.split('<code id="pin">')[1].split('<')[0]
  assert.equal(pin.length, 7)
  await rejectsWith(xa.accessToken(consumer, requestToken, '0000000x'), (e) => e.code === 'X_REAUTHORIZE')
  assert.equal((await xa.accessToken(consumer, requestToken, pin)).userId, '1001')
})

test('scenario_user_denies', async () => {
  const xa = world.xauth()
  const requestToken = await xa.requestToken(world.consumer(), CALLBACK)
  const { location } = await consent(xa.authorizeUrl(requestToken), 'deny')
  assert.throws(() => xa.parseCallback(location, requestToken), (e) => e.code === 'X_ACCESS_DENIED')
  await rejectsWith(oauth2Authorize(world, world.client(), ['tweet.read'], 'deny'), (e) => e.code === 'X_ACCESS_DENIED')
})

test('scenario_authenticate_sign_in_with_x', async () => {
  const xa = world.xauth()
  const consumer = world.consumer()
  const requestToken = await xa.requestToken(consumer, CALLBACK)
  const url = xa.authenticateUrl(requestToken)
  assert.ok(url.includes('/oauth/authenticate?oauth_token='))
  const { location } = await consent(url)
  const granted = await xa.accessToken(consumer, requestToken, xa.parseCallback(location, requestToken))
  assert.ok(granted.accessToken.token.startsWith('1001-'))
})

test('scenario_bearer_obtain_use_invalidate', async () => {
  const xa = world.xauth()
  const consumer = world.consumer()
  const bearer = await xa.obtainBearer(consumer)
  assert.ok(bearer instanceof x.BearerToken)
  assert.ok((await xa.obtainBearer(consumer)).equals(bearer))
  assert.equal((await xa.userByUsername(bearer, 'X')).data.id, '783214')
  await xa.invalidateBearer(consumer, bearer)
  await rejectsWith(xa.userByUsername(bearer, 'X'), (e) => e.status === 401)
  await rejectsWith(xa.invalidateBearer(consumer, bearer), (e) => e.xCode === 99)
})

test('scenario_pkce_public_client', async () => {
  const xa = world.xauth()
  const client = world.client()
  const pending = xa.startAuthorization(client, CALLBACK, ['tweet.read', 'users.read'])
  const { location } = await consent(pending.url)
  const kept = pending.toCompact()
  const restored = x.PendingAuthorization.fromCompact(kept)
  const token = await xa.finishAuthorization(client, restored, location)
  assert.ok(token instanceof x.OAuth2UserToken)
  assert.equal(token.refreshToken(), null)
  assert.ok(token.scopes.includes('users.read'))
  assert.equal((await xa.usersMe(token)).data.id, '1001')
})

test('scenario_pkce_confidential_client', async () => {
  const token = await oauth2Authorize(world, world.client(true), ['tweet.read', 'offline.access'])
  assert.notEqual(token.refreshToken(), null)
  const asPublic = new x.OAuth2Client({ clientId: 'sandbox-confidential-client' })
  await rejectsWith(
    oauth2Authorize(world, asPublic, ['tweet.read']),
    (e) => e.code === 'X_UNAUTHORIZED_CLIENT' && e.hint.includes('Type of App'),
  )
})

test('scenario_refresh_rotation_reuse_rejected', async () => {
  const xa = world.xauth()
  const client = world.client()
  const first = await oauth2Authorize(world, client, ['tweet.read', 'offline.access'])
  const second = await xa.refresh(client, first)
  assert.notEqual(second.refreshToken(), first.refreshToken())
  await rejectsWith(xa.refresh(client, first), (e) => e.code === 'X_REAUTHORIZE')
  await rejectsWith(xa.refresh(client, second), (e) => e.apiMessage === 'Value passed for the token was invalid.')
})

test('scenario_revoke', async () => {
  const xa = world.xauth()
  const client = world.client()
  const token = await oauth2Authorize(world, client, ['tweet.read', 'users.read'])
  await xa.usersMe(token)
  await xa.revoke(client, token.accessToken(), 'access_token')
  await rejectsWith(xa.usersMe(token), (e) => e.status === 401)
})

test('scenario_wrong_consumer_secret_code_32', async () => {
  const wrong = new x.OAuth1({
    consumerKey: world.app.consumer_key,
    consumerSecret: 'not-the-secret',
    token: world.app.access_token,
    tokenSecret: world.app.access_token_secret,
  })
  await rejectsWith(
    world.xauth().usersMe(wrong),
    (e) => e.status === 401 && e.xCode === 32 && e.code === 'X_AUTHENTICATION' && e.hint && e.baseString.startsWith('GET&http%3A%2F%2F127.0.0.1'),
  )
})

test('scenario_skewed_clock_self_heals', async () => {
  const owner = world.owner()
  const header = owner.authorizationHeader({ method: 'GET', url: `${world.baseUrl}/2/users/me`, timestamp: Math.floor(Date.now() / 1000) - 1000 })
  const response = await fetch(`${world.baseUrl}/2/users/me`, { headers: { authorization: header } })
  const error = x.parseError(response.status, await response.text())
  assert.equal(error.code, 'X_CLOCK_SKEW')
  const skewed = world.xauth({ simulatedClockSkew: -1000 })
  assert.equal((await skewed.usersMe(owner)).data.id, '1001')
  assert.ok(skewed.clockOffset >= 995 && skewed.clockOffset <= 1005, String(skewed.clockOffset))
})

test('scenario_expired_code', async () => {
  const xa = world.xauth()
  const client = world.client()
  const pending = xa.startAuthorization(client, CALLBACK, ['tweet.read'])
  const { location } = await consent(pending.url)
  world.sandbox.advanceClock(31) // codes live 30 s
  await rejectsWith(
    xa.finishAuthorization(client, pending, location),
    (e) => e.apiMessage === 'Value passed for the authorization code was invalid.' && e.hint.includes('30 seconds'),
  )
})

test('scenario_state_mismatch', async () => {
  const xa = world.xauth()
  const client = world.client()
  const first = xa.startAuthorization(client, CALLBACK, ['tweet.read'])
  const second = xa.startAuthorization(client, CALLBACK, ['tweet.read'])
  const { location } = await consent(first.url)
  await rejectsWith(xa.finishAuthorization(client, second, location), (e) => e.code === 'X_STATE_MISMATCH')
})

test('scenario_bearer_on_user_endpoint_403', async () => {
  const xa = world.xauth()
  const bearer = await xa.obtainBearer(world.consumer())
  const before = world.sandbox.counters.api_requests
  // Refused before it leaves: X's endpoint table says /2/users/me needs a user.
  await rejectsWith(xa.usersMe(bearer), (e) => e.code === x.ErrorCodes.UNSUPPORTED_AUTHENTICATION && e.status === undefined && e.hint.includes('OAuth 2.0 User Context'))
  assert.equal(world.sandbox.counters.api_requests, before)
  // Sent by another HTTP client, the sandbox answers as X does.
  const response = await fetch(`${world.baseUrl}/2/users/me`, { headers: { authorization: bearer.authorizationHeader() } })
  const e = x.parseError(response.status, Buffer.from(await response.arrayBuffer()))
  assert.equal(e.code, 'X_UNSUPPORTED_AUTHENTICATION')
  assert.equal(e.status, 403)
  assert.equal(e.problemType, 'unsupported-authentication')
})
