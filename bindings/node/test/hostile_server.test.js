'use strict'
// Every flow against every case of the hostile look-alike of X
// (`x-api-auth-sandbox --hostile`): each ends as tests/hostile/cases.json says
// (shared with Rust and Python), with an XAuthError, within the timeout.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')
const x = require('..')

const ROOT = path.join(__dirname, '..', '..', '..')
const CASES = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'hostile', 'cases.json'), 'utf8'))

/** The sandbox binary: $X_API_AUTH_SANDBOX_BIN, or the workspace's debug build. */
function sandboxBinary() {
  if (process.env.X_API_AUTH_SANDBOX_BIN) return process.env.X_API_AUTH_SANDBOX_BIN
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
  const triples = fs.existsSync(target) ? fs.readdirSync(target) : []
  for (const dir of [process.env.CARGO_BUILD_TARGET || '', ...triples]) {
    const candidate = path.join(target, dir, 'debug', 'x-api-auth-sandbox')
    if (fs.existsSync(candidate)) return candidate
  }
  throw new Error('no sandbox binary: run `cargo build -p x-api-auth-sandbox` first')
}

async function startHostile() {
  const child = spawn(sandboxBinary(), ['--hostile', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = await readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value])
  return { child, info: JSON.parse(line) }
}

/** Each flow of cases.json, as a function of a client. */
async function flows(url) {
  const consumer = new x.ConsumerKeys({ key: 'ck', secret: 'cs' })
  const client = new x.OAuth2Client({ clientId: 'id', clientSecret: 'secret' })
  const token = new x.OAuth2UserToken({ accessToken: 'access', refreshToken: 'refresh' })
  const access = new x.AccessToken({ token: '1-t', secret: 's' })
  const good = `${url}/huge-expires-in`
  const requestToken = await new x.XAuth({ apiBase: good, webBase: good }).requestToken(consumer, 'oob')
  return {
    obtain_bearer: (c) => c.obtainBearer(consumer),
    invalidate_bearer: (c) => c.invalidateBearer(consumer, new x.BearerToken('AAAA')),
    request_token: (c) => c.requestToken(consumer, 'oob'),
    access_token: (c) => c.accessToken(consumer, requestToken, '1234567'),
    invalidate_access_token: (c) => c.invalidateAccessToken(consumer, access),
    finish_authorization: (c) => {
      const pending = c.startAuthorization(client, 'http://127.0.0.1/cb', ['tweet.read'])
      const state = new URL(pending.url).searchParams.get('state')
      return c.finishAuthorization(client, pending, `http://127.0.0.1/cb?state=${state}&code=c`)
    },
    refresh: (c) => c.refresh(client, token),
    revoke: (c) => c.revoke(client, 'access'),
    user_by_username_bearer: async (c) => (await c.send(new x.BearerToken('AAAA'), 'GET', '/2/users/by/username/XDevelopers')).json(),
    users_me_oauth1: (c) => c.usersMe(new x.OAuth1({ consumerKey: 'ck', consumerSecret: 'cs', token: '1-t', tokenSecret: 's' })),
  }
}

async function outcome(run, client) {
  const started = performance.now()
  try {
    await run(client)
    return { got: 'ok', took: performance.now() - started, message: '' }
  } catch (e) {
    const got = e instanceof x.XAuthError ? e.code : `escaped ${e && e.name}: ${String(e && e.message).slice(0, 200)}`
    return { got, took: performance.now() - started, message: String(e && e.message) }
  }
}

test('every flow meets every hostile case with the expected typed error', async () => {
  const { child, info } = await startHostile()
  try {
    assert.deepEqual([...info.cases].sort(), Object.keys(CASES.cases).sort(), 'cases.json lists every case of the server')
    const runs = await flows(info.url)
    assert.deepEqual(Object.keys(runs).sort(), [...CASES.flows].sort())
    const timeout = CASES.timeout_secs
    const mismatches = []
    for (const [name, expected] of Object.entries(CASES.cases)) {
      const base = `${info.url}/${name}`
      const client = new x.XAuth({ apiBase: base, webBase: base, timeout })
      // Four at a time: each pending call holds one of libuv's four pool threads.
      const entries = Object.entries(runs)
      const results = []
      for (let i = 0; i < entries.length; i += 4) {
        const batch = entries.slice(i, i + 4).map(async ([flow, run]) => [flow, await outcome(run, client)])
        results.push(...(await Promise.all(batch)))
      }
      for (const [flow, { got, took, message }] of results) {
        const want = expected[flow] ?? expected['*']
        if (got !== want) mismatches.push(`${name} / ${flow}: got ${got}, want ${want}`)
        assert.ok(message.length < 2000, `${name} / ${flow}: a message of ${message.length} characters`)
        assert.ok(took < (timeout + 2) * 1000, `${name} / ${flow} took ${Math.round(took)} ms`)
      }
    }
    assert.deepEqual(mismatches, [])
  } finally {
    child.kill()
  }
})
