'use strict'
// Waiting on rate limits (tweepy's wait_on_rate_limit) through the core, against
// the sandbox's configured limit; the 24-hour headers parsed beside the 15-minute ones.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startSandbox } = require('./helpers.js')

test('a 429 is waited out only when asked', async () => {
  const world = startSandbox({ rate_limit: { limit: 2, window_secs: 1, daily_limit: 100 } })
  try {
    const patient = world.xauth({ waitOnRateLimit: true })
    const started = Date.now()
    let response
    for (let i = 0; i < 4; i++) response = await patient.send(world.owner(), 'GET', '/2/users/me')
    assert.ok(Date.now() - started >= 500)
    assert.equal(response.rateLimit.limit, 2)
    assert.equal(response.rateLimit.app24h.limit, 100)
    assert.equal(response.rateLimit.user24h, undefined)

    const impatient = world.xauth()
    await assert.rejects(async () => {
      for (let i = 0; i < 3; i++) await impatient.send(world.owner(), 'GET', '/2/users/me')
    }, (e) => e.code === 'X_RATE_LIMITED')
  } finally {
    world.stop()
  }
})

test('authorizedFetch waits on rate limits when asked; the policy is the core\'s', async () => {
  const x = require('..')
  const headers = { 'x-rate-limit-limit': '900', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1' }
  assert.equal(x.rateLimitWait(429, headers), 1)
  assert.equal(x.rateLimitWait(200, new Headers(headers)), null)
  assert.throws(() => x.rateLimitWait(429, [['only-a-name']]), (e) => e.code === 'X_INVALID_INPUT' && /headers/.test(e.message))
  const world = startSandbox({ rate_limit: { limit: 2, window_secs: 1 } })
  try {
    const url = `${world.baseUrl}/2/users/me`
    const patient = x.authorizedFetch(world.owner(), { waitOnRateLimit: true })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await patient(url)).status)
    assert.deepEqual(statuses, [200, 200, 200, 200])
    const impatient = x.authorizedFetch(world.owner())
    const seen = []
    for (let i = 0; i < 3; i++) seen.push((await impatient(url)).status)
    assert.ok(seen.includes(429), seen.join(','))
  } finally {
    world.stop()
  }
})
