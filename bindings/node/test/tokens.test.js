'use strict'
// The token layer from Node: many concurrent requests at expiry refresh once,
// the change hook, records that leave only when asked, typed store errors.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const x = require('..')
const { managerWithLogin, startSandbox } = require('./helpers')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

test('regression: 100 concurrent requests at each expiry refresh once per expiry', async () => {
  const world = startSandbox({ access_token_lifetime_secs: 2 })
  try {
    const changes = []
    const { manager } = await managerWithLogin(world, { refreshMargin: 1, onChange: (e) => changes.push(e) })
    await sleep(50) // the hook runs on the event loop: let the login's changes arrive
    assert.deepEqual(changes.map((c) => c.userId ?? 'app'), ['app', '1001', 'app'])
    changes.length = 0
    const fetchX = x.authorizedFetch(manager)
    for (let round = 1; round <= 3; round++) {
      await sleep(1100)
      const responses = await Promise.all(Array.from({ length: 100 }, () => fetchX(`${world.baseUrl}/2/users/me`)))
      assert.deepEqual([...new Set(responses.map((r) => r.status))], [200])
      assert.equal(world.sandbox.counters.refreshes, round)
    }
    assert.equal(world.sandbox.counters.refresh_reuse_detected, 0)
    await sleep(50) // the hook runs on the event loop
    assert.deepEqual(changes.map((c) => [c.profile, c.userId, c.needsLogin]), [['node', '1001', false], ['node', '1001', false], ['node', '1001', false]])
  } finally {
    world.stop()
  }
})

test('the manager sends as a stored user', async () => {
  const world = startSandbox()
  try {
    const { manager } = await managerWithLogin(world)
    assert.equal((await manager.send(null, 'GET', '/2/users/me')).json().data.id, '1001')
    const echo = await manager.send('sandbox_user', 'POST', '/2/echo', { form: new URLSearchParams({ a: 'b' }) })
    assert.deepEqual(echo.json().form, [['a', 'b']])
  } finally {
    world.stop()
  }
})

test('records leave the store only when asked, with their secrets only by name', async () => {
  const world = startSandbox()
  try {
    const { manager, store: url } = await managerWithLogin(world)
    const token = await manager.accessToken()
    const serialised = JSON.stringify(token)
    assert.ok(!serialised.includes(token.accessToken()) && serialised.includes('exportRecord'), serialised)
    const store = x.openStore(url)
    assert.ok(!store.exportRecord('node', '1001').includes(token.accessToken()))
    assert.throws(() => store.importRecord('copy', store.exportRecord('node', '1001')), (e) => e.code === 'X_INVALID_INPUT')
    store.importRecord('copy', store.exportRecord('node', '1001', true))
    assert.deepEqual(store.list('copy'), [{ profile: 'copy', userId: '1001' }])
    const copy = new x.TokenManager(world.xauth(), { store: url, profile: 'copy' })
    assert.equal((await copy.accessToken('1001')).accessToken(), token.accessToken())
  } finally {
    world.stop()
  }
})

test('store errors are typed and name the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-api-auth-node-'))
  const file = path.join(dir, 'store.json')
  fs.writeFileSync(file, '{"format": 7}', { mode: 0o600 })
  assert.throws(() => x.openStore(`file:${dir}`).list(), (e) => e.code === 'X_STORE' && e.kind === 'unsupported-version' && e.location === file)
  fs.chmodSync(file, 0o644)
  assert.throws(() => x.openStore(`file:${dir}`).list(), (e) => e.code === 'X_STORE' && e.kind === 'permissions' && /chmod 600/.test(e.message))
  assert.throws(() => x.openStore('ftp://x'), (e) => e.code === 'X_STORE' && e.kind === 'url')
})

test('the keychain store through its URL (a private Secret Service: scripts/with-keyring)', async () => {
  const world = startSandbox()
  try {
    const profile = `node-keychain-${process.pid}`
    const manager = new x.TokenManager(world.xauth(), { store: 'keyring:', profile })
    await manager.setAppKeys({ client: world.client() })
    const { oauth2Authorize } = require('./helpers')
    const token = await oauth2Authorize(world, world.client(), ['tweet.read', 'users.read', 'offline.access'])
    await manager.saveLogin('1001', { oauth2: token })
    assert.equal((await manager.send(null, 'GET', '/2/users/me')).json().data.id, '1001')
    for (const { userId } of manager.store.list(profile)) manager.store.delete(profile, userId)
  } finally {
    world.stop()
  }
})

test('a store the application supplies (SQLite) passes the core checks and serves the manager', async () => {
  const { sqliteStore } = await import('../../../examples/sqlite_store.mjs')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-api-auth-node-'))
  assert.equal(await x.checkStore(await sqliteStore(path.join(dir, 'conformance.sqlite'))), null)
  const world = startSandbox({ access_token_lifetime_secs: 4 })
  try {
    const store = await sqliteStore(path.join(dir, 'tokens.sqlite'))
    const managers = [0, 1].map(() => x.TokenManager.withStore(world.xauth(), store, { profile: 'app', refreshMargin: 1 }))
    await managers[0].setAppKeys({ client: world.client() })
    const { oauth2Authorize } = require('./helpers')
    await managers[0].saveLogin('1001', { oauth2: await oauth2Authorize(world, world.client(), ['tweet.read', 'users.read', 'offline.access']) })
    await sleep(3100) // due; the refreshed token then stays fresh for 3 s, even on a loaded machine
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => managers[i % 2].send(null, 'GET', '/2/users/me').then((r) => r.json().data.id)))
    assert.deepEqual([...new Set(ids)], ['1001'])
    assert.equal(world.sandbox.counters.refreshes, 1)
    assert.equal(world.sandbox.counters.refresh_reuse_detected, 0)
    assert.throws(() => store.list('app'), (e) => e.code === 'X_STORE' && /async/.test(e.message))
  } finally {
    world.stop()
  }
})
