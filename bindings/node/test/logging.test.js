'use strict'
// The core's debug events reach a JavaScript handler (forwardLogs): a refused
// request shows its base string, never a secret; DEBUG=x-api-auth prints them.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const x = require('..')
const { startSandbox } = require('./helpers.js')

test('a refused request logs its base string and no secret', async () => {
  const world = startSandbox()
  const events = []
  x.forwardLogs((event) => events.push(event), 'debug')
  try {
    const secret = 'WRONG-consumer-secret-canary'
    const signer = new x.OAuth1({ consumerKey: world.app.consumer_key, consumerSecret: secret, token: world.app.access_token, tokenSecret: world.app.access_token_secret })
    await assert.rejects(world.xauth().usersMe(signer), (e) => e.code === 'X_AUTHENTICATION')
    await new Promise((resolve) => setImmediate(resolve))
    const text = events.map((e) => e.message).join('\n')
    const url = `${world.baseUrl}/2/users/me`
    assert.ok(text.includes(`request method=GET url=${url}`), text)
    assert.ok(text.includes('OAuth 1.0a base string base_string=GET&'), text)
    assert.ok(text.includes(`response method=GET url=${url} status=401`), text)
    assert.ok(text.includes('X refused the request status=401') && text.includes('x_code=Some(32)'), text)
    for (const leaked of [secret, world.app.access_token_secret, 'oauth_signature=', 'oauth_signature%3D']) {
      assert.ok(!text.includes(leaked), leaked)
    }
    assert.ok(events.every((e) => e.level === 'debug'))
    assert.throws(() => x.forwardLogs(() => {}, 'loud'), (e) => e.code === 'X_INVALID_INPUT' && /level/.test(e.message))
  } finally {
    x.forwardLogs(null)
    world.stop()
  }
})

test('DEBUG=x-api-auth prints the debug events to stderr', () => {
  const script = `
    const x = require(${JSON.stringify(path.join(__dirname, '..'))})
    const sandbox = x.Sandbox.start()
    const app = sandbox.info.apps[0]
    new x.XAuth({ apiBase: sandbox.baseUrl, webBase: sandbox.baseUrl })
      .obtainBearer(new x.ConsumerKeys({ key: app.consumer_key, secret: app.consumer_secret }))
      .then(() => setTimeout(() => sandbox.stop(), 50))`
  const { stderr, status } = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, DEBUG: 'x-api-auth' }, encoding: 'utf8' })
  assert.equal(status, 0, stderr)
  assert.match(stderr, /^x-api-auth debug request method=POST url=http:\/\/127\.0\.0\.1:\d+\/oauth2\/token$/m)
  assert.match(stderr, /^x-api-auth debug response method=POST .* status=200 /m)
})
