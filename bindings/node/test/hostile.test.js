'use strict'
/**
 * Hostile input. A seeded generator of JavaScript values (undefined, symbols,
 * BigInt, NaN, -0, 2**64, lone surrogates, NUL, 10 MB strings, 5000-deep
 * arrays, cycles, Proxies whose traps throw, throwing getters, typed arrays,
 * functions, Dates, Maps, instances of the wrong x-api-auth class, options
 * with the right keys and wrong values, ...) is fed to every public
 * constructor, function, static and method of `require('..')`, found by
 * walking the exports, and to the methods of the objects those calls return.
 *
 * The promise: a call returns, or fails (throws or rejects) with an XAuthError
 * whose `code` is one of ErrorCodes other than X_INTERNAL. An exception the
 * caller's own code throws (a getter, a Proxy trap: always a `Sentinel` here)
 * may pass through unchanged. Never a bare TypeError or RangeError, a raw
 * napi conversion error, an internal error, a crash or a hang.
 *
 * The calls run in a child process, so that a crash (a Rust panic aborts the
 * process) is reported with the call that caused it; the run then resumes
 * after that call. First every target gets each edge value in each of its
 * places (argument, option, `this`), then random spoilings; the seed is fixed,
 * so every run makes the same calls (X_API_AUTH_HOSTILE_SEED explores others).
 */
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const SEED = Number(process.env.X_API_AUTH_HOSTILE_SEED ?? 20240612)
const RANDOM_CALLS = 5000
const CALL_TIMEOUT_MS = 10_000
const CHILD = 'X_API_AUTH_HOSTILE_CHILD'

if (process.env[CHILD]) {
  runCalls(JSON.parse(process.env[CHILD])).catch((error) => {
    console.error(error)
    process.exit(2)
  })
} else {
  test('hostile input: every failure is a typed XAuthError, never a crash or a hang', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'x-api-auth-hostile-'))
    const report = runChildren(home)
    fs.rmSync(home, { recursive: true, force: true })
    const unique = new Map()
    for (const e of report.escapes) {
      const key = `${e.target}: ${e.error}`
      unique.set(key, { ...e, count: (unique.get(key)?.count ?? 0) + 1 })
    }
    const listing = [...unique.values()].map((e) => `${e.target}(${e.args}) [${e.count}x, first at call ${e.call}]\n    -> ${e.error}`)
    const summary = `${report.calls} calls, ${report.escapes.length} escapes (${unique.size} distinct)`
    console.log(`hostile input: ${summary}`)
    assert.ok(report.calls >= 5000, `only ${report.calls} calls`)
    assert.deepEqual(report.untested, [], 'public callables the run never reached')
    assert.equal(report.escapes.length, 0, `${summary}:\n${listing.join('\n')}`)
  })
}

/** Runs the calls in child processes (their HOME and files in `home`), starting again after the call that crashed one. */
function runChildren(home) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('X_') || k.startsWith('X_API_AUTH_HOSTILE_')))
  Object.assign(env, { HOME: home, X_API_AUTH_STORE: `file:${home}/default-store` })
  const report = { calls: 0, escapes: [], untested: [] }
  let from = 0
  for (let attempt = 0; attempt < 20; attempt++) {
    // The child writes a line before each call and one per escape to this file: a crash loses none.
    const log = path.join(home, `calls-${attempt}.log`)
    const child = spawnSync(process.execPath, [__filename], {
      env: { ...env, [CHILD]: JSON.stringify({ from, log }) },
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    })
    let last = null
    let done = null
    for (const line of fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n') : []) {
      if (line.startsWith('> ')) last = JSON.parse(line.slice(2))
      else if (line.startsWith('! ')) report.escapes.push(JSON.parse(line.slice(2)))
      else if (line.startsWith('= ')) done = JSON.parse(line.slice(2))
    }
    if (done) {
      report.calls += done.calls
      report.untested = done.untested
      break
    }
    const why = child.error ? `hang or timeout (${child.error.code})` : `crash (exit ${child.status}, signal ${child.signal})`
    const stderr = child.stderr.split('\n').filter((l) => l && !/^\s+(\d+:|at )/.test(l)).slice(-6).join(' | ')
    if (!last) throw new Error(`the hostile-input child failed before its first call: ${why}\n${child.stderr}`)
    report.calls += last.done + 1
    report.escapes.push({ ...last, error: `${why}: ${stderr}` })
    from = last.call + 1
  }
  return report
}

// ---------------------------------------------------------------- the child

/** The caller's own exception: it may pass through unchanged. */
class Sentinel extends Error {}
const thrower = () => {
  throw new Sentinel('thrown by the caller')
}

/** mulberry32: small, seeded, the same on every platform. */
function random(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] }
}

/** Every key of every options object of the API: for throwing getters and wrong-typed values. */
const OPTION_KEYS = [
  'consumerKey', 'consumerSecret', 'token', 'tokenSecret', 'signatureMethod', 'realm', 'includeVersion', 'key', 'secret',
  'clientId', 'clientSecret', 'accessToken', 'refreshToken', 'expiresAt', 'scopes', 'method', 'url', 'form', 'formBody',
  'nonce', 'timestamp', 'callback', 'verifier', 'contentType', 'body', 'apiBase', 'webBase', 'timeout', 'simulatedClockSkew',
  'insecureAllowHttp', 'userAgent', 'store', 'profile', 'refreshMargin', 'onChange', 'location', 'load', 'save', 'lock',
  'unlock', 'stillHeld', 'list', 'delete', 'json', 'user', 'fetch', 'oauth1', 'oauth2', 'screenName', 'accessLevel',
  'consumer', 'client', 'headers', 'code', 'status',
]

/** Builds once what is costly (deep arrays, 10 MB strings); `instances` are x-api-auth objects of every class. */
function hostileValues(tmp, instances) {
  let deepArray = 'bottom'
  let deepObject = { end: 'bottom' }
  for (let i = 0; i < 5000; i++) {
    deepArray = [deepArray]
    deepObject = { a: deepObject }
  }
  const cyclic = { name: 'cyclic' }
  cyclic.self = cyclic
  const cyclicArray = ['a']
  cyclicArray.push(cyclicArray)
  const detached = new ArrayBuffer(8)
  structuredClone(detached, { transfer: [detached] })
  const huge = ['x'.repeat(10_000_000), '\u00e9\ud800'.repeat(5_000_000)]
  let hugeUses = 0
  const throwingProxy = new Proxy({}, Object.fromEntries(['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'apply'].map((t) => [t, thrower])))
  const primitives = [
    undefined, null, true, false, 0, -0, -1, 1.5, NaN, Infinity, -Infinity, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53 + 2,
    2 ** 64, -(2 ** 63), Number.MIN_VALUE, 0n, 1n, -1n, 2n ** 64n, Symbol('hostile'), Symbol.iterator, '', ' ', 'a', '\ud800',
    'a\udc00b', 'a\u0000b', '\u0000', '\r\n', 'caf\u00e9 \u{1f44d}', '%zz', '=&=&', 'https://example.invalid/',
    'http://127.0.0.1:9/x', `file:${tmp}/hostile-store`, 'file:', '/relative', 'javascript:alert(1)', 'S256', 'plain',
    'PLAINTEXT', 'GET', 'POST', 'access_token', 'x'.repeat(70_000), '{}', '[]', 'null', '{"apps":[]}',
    '{"access_token_lifetime_secs":18446744073709551615}', '{"timestamp_window_secs":18446744073709551615}',
    '{"profile":"p","user_id":"1","generation":-1}',
  ]
  const made = [
    ['10 MB string', () => (hugeUses < 4 ? huge[hugeUses++ % 2] : 'y'.repeat(70_000))],
    ['{}', () => ({})],
    ['Object.create(null)', () => Object.create(null)],
    ['[]', () => []],
    ['[[]]', () => [[]]],
    ["[['a']]", () => [['a']]],
    ["[['a','b','c']]", () => [['a', 'b', 'c']]],
    ["['a','b']", () => ['a', 'b']],
    ['[1,2]', () => [1, 2]],
    ['sparse array', () => new Array(5)],
    ['5000-deep array', () => deepArray],
    ['5000-deep object', () => deepObject],
    ['cyclic object', () => cyclic],
    ['cyclic array', () => cyclicArray],
    ['Proxy with throwing traps', () => throwingProxy],
    ['object with throwing getters', () => Object.defineProperties({}, Object.fromEntries(OPTION_KEYS.map((k) => [k, { get: thrower, enumerable: true }])))],
    ['object with throwing toString/valueOf/toJSON', () => ({ toString: thrower, valueOf: thrower, toJSON: thrower, [Symbol.toPrimitive]: thrower })],
    ['frozen {}', () => Object.freeze({})],
    ['Buffer', () => Buffer.from('hostile')],
    ['empty Buffer', () => Buffer.alloc(0)],
    ['Uint8Array', () => new Uint8Array([1, 2, 3])],
    ['Float64Array', () => new Float64Array([NaN])],
    ['ArrayBuffer', () => new ArrayBuffer(8)],
    ['detached ArrayBuffer', () => detached],
    ['DataView', () => new DataView(new ArrayBuffer(2))],
    ['function', () => function hostile() {}],
    ['async function', () => async () => 'x'],
    ['function that throws', () => thrower],
    ['function returning a wrong type', () => () => ({ wrong: 1n })],
    ['class', () => class Hostile {}],
    ['native function', () => Math.max],
    ['Date', () => new Date(0)],
    ['invalid Date', () => new Date(NaN)],
    ['Map', () => new Map([['key', 'value']])],
    ['Set', () => new Set(['a'])],
    ['WeakMap', () => new WeakMap()],
    ['RegExp', () => /hostile/g],
    ['Promise', () => Promise.resolve('x')],
    ['Error', () => new Error('not ours')],
    ['URL', () => new URL('https://example.invalid/?a=b')],
    ['URLSearchParams', () => new URLSearchParams('a=b&c=%zz')],
    ['Headers', () => new Headers({ a: 'b' })],
  ]
  return (rng) => {
    const r = rng.next()
    if (r < 0.4) {
      const value = rng.pick(primitives)
      return { value, label: describe(value) }
    }
    if (r < 0.55) {
      const [name, instance] = rng.pick(instances)
      return { value: instance, label: `a ${name}` }
    }
    if (r < 0.65) {
      const value = Object.fromEntries(OPTION_KEYS.map((k) => [k, rng.pick(primitives)]))
      return { value, label: 'every option key, wrong-typed values' }
    }
    const [name, make] = rng.pick(made)
    return { value: make(), label: name }
  }
}

/** A short description of a value, for the list of escapes. */
function describe(value, depth = 0) {
  try {
    if (typeof value === 'string') return value.length > 48 ? `<string of ${value.length} chars>` : JSON.stringify(value)
    if (typeof value === 'bigint') return `${value}n`
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
    if (typeof value === 'function') return `function ${value.name}`
    if (value === null || typeof value !== 'object') return String(value)
    if (depth > 1) return Array.isArray(value) ? '[...]' : '{...}'
    if (Array.isArray(value)) return `[${value.slice(0, 3).map((v) => describe(v, depth + 1)).join(', ')}${value.length > 3 ? ', ...' : ''}]`
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) return `a ${value.constructor.name}`
    const fields = Object.entries(Object.getOwnPropertyDescriptors(value)).map(([k, d]) => `${k}: ${'value' in d ? describe(d.value, depth + 1) : 'getter'}`)
    return `{${fields.slice(0, 8).join(', ')}${fields.length > 8 ? ', ...' : ''}}`
  } catch {
    return '<unprintable>'
  }
}

/** An application's store in memory; its locks expire after 2 s. */
function memoryStore(location = 'memory:hostile') {
  const records = new Map()
  const locks = new Map()
  let fences = 0
  const held = (key, fence) => locks.get(key)?.fence === fence && locks.get(key).until > Date.now()
  return {
    location,
    load: ({ key }) => records.get(key)?.document ?? null,
    save: ({ key, document, expected, generation, fence }) => {
      if ((fence != null && !held(key, fence)) || (records.get(key)?.generation ?? 0) !== expected) return false
      records.set(key, { generation, document })
      return true
    },
    lock: ({ key }) => {
      if (locks.get(key)?.until > Date.now()) return null
      locks.set(key, { fence: ++fences, until: Date.now() + 2000 })
      return fences
    },
    unlock: ({ key, fence }) => {
      if (locks.get(key)?.fence === fence) locks.delete(key)
    },
    stillHeld: ({ key, fence }) => held(key, fence),
    list: ({ key: profile }) => [...records.keys()].filter((k) => profile == null || k.startsWith(`${profile}/`)),
    delete: ({ key }) => {
      records.delete(key)
    },
  }
}

/**
 * An application's store that answers each call with the next hostile value
 * (or throws a Sentinel); `lock` hands out a fence every few calls, so that
 * the core's waiting ends.
 */
function hostileStore() {
  const cycle = (answers) => {
    let i = 0
    return () => {
      const answer = answers[i++ % answers.length]
      if (answer === thrower) thrower()
      return answer
    }
  }
  const answer = cycle([thrower, null, undefined, true, 2 ** 64, -1, NaN, '\ud800', '{', '['.repeat(10_000), '{"generation":-1}', Buffer.from('{}'), ['\ud800'], 1n, {}])
  return {
    location: 'hostile:\ud800',
    load: answer,
    save: answer,
    lock: cycle([thrower, null, 2 ** 64, -1, NaN, 1.5, 'fence', 7]),
    unlock: answer,
    stillHeld: answer,
    list: answer,
    delete: answer,
  }
}

/** `Class#method`, `Class#getter`, `Class.static`, `new Class` and `function` for everything exported. */
function publicSurface(x) {
  const names = []
  for (const [name, value] of Object.entries(x)) {
    if (typeof value !== 'function') continue
    if (!/^[A-Z]/.test(name)) {
      names.push(name)
      continue
    }
    names.push(`new ${name}`)
    for (const key of Object.getOwnPropertyNames(value)) {
      if (!['length', 'name', 'prototype'].includes(key) && typeof value[key] === 'function') names.push(`${name}.${key}`)
    }
    for (const key of Object.getOwnPropertyNames(value.prototype)) if (key !== 'constructor') names.push(`${name}#${key}`)
  }
  return names
}

/** How to call a public name on `self` with `args`. */
function invoker(x, name) {
  let m = /^new (\w+)$/.exec(name)
  if (m) return (self, args) => new x[m[1]](...args)
  m = /^(\w+)\.(\w+)$/.exec(name)
  if (m) return (self, args) => x[m[1]][m[2]](...args)
  m = /^(\w+)#(\w+)$/.exec(name)
  if (m) {
    const d = Object.getOwnPropertyDescriptor(x[m[1]].prototype, m[2])
    return d.get ? (self) => d.get.call(self) : (self, args) => d.value.apply(self, args)
  }
  return (self, args) => x[name](...args)
}

/** The objects the calls need: a sandbox, credentials of every kind, stores and managers. */
async function setUp(x, tmp) {
  const { CALLBACK, consent, oauth2Authorize, startSandbox } = require('./helpers')
  const world = startSandbox()
  const base = world.baseUrl
  const xauth = world.xauth({ timeout: 5 })
  const consumer = world.consumer()
  const owner = world.owner()
  const client = world.client()
  const accessToken = new x.AccessToken({ token: world.app.access_token, secret: world.app.access_token_secret })
  const bearer = await xauth.obtainBearer(consumer)
  const userToken = await oauth2Authorize(world, client, ['tweet.read', 'users.read', 'offline.access'])
  const requestToken = await xauth.requestToken(consumer, CALLBACK)
  const { location } = await consent(xauth.authorizeUrl(requestToken))
  const accessTokenResponse = await xauth.accessToken(consumer, requestToken, xauth.parseCallback(location, requestToken))
  const pending = xauth.startAuthorization(client, CALLBACK, ['tweet.read'])
  const storeUrl = `file:${tmp}/store`
  const manager = new x.TokenManager(xauth, { store: storeUrl, profile: 'fuzz' })
  await manager.setAppKeys({ consumer, client })
  await manager.saveLogin('1001', { oauth2: userToken, oauth1: accessToken, screenName: 'sandbox_user' })
  const store = x.openStore(storeUrl)
  const appStore = x.customStore(memoryStore())
  const badStore = x.customStore(hostileStore())
  const badManager = x.TokenManager.withStore(xauth, badStore, { profile: 'fuzz' })
  const apiResponse = await xauth.send(owner, 'POST', '/2/echo', { json: { a: 1 } })
  const sandbox = x.Sandbox.start()
  const stubFetch = async () => new Response('{}', { status: 200 })
  // A callback server that caught its login already (a silent one, after 1 s):
  // later calls convert their arguments, then refuse, instead of waiting.
  const callbackServer = await x.CallbackServer.bind('http://127.0.0.1:0/callback')
  await callbackServer.wait(xauth.startAuthorization(client, CALLBACK, ['tweet.read']), 1).catch(() => {})
  const receivers = {
    AccessToken: accessToken,
    AccessTokenResponse: accessTokenResponse,
    ApiResponse: apiResponse,
    BearerToken: bearer,
    CallbackServer: callbackServer,
    ConsumerKeys: consumer,
    OAuth1: owner,
    OAuth2Client: client,
    OAuth2UserToken: userToken,
    PendingAuthorization: pending,
    RequestToken: requestToken,
    Sandbox: sandbox,
    TokenManager: manager,
    TokenStore: store,
    XAuth: xauth,
    XAuthError: new x.XAuthError('hostile', { code: 'X_CONFIG' }),
  }
  const signRequest = { method: 'POST', url: 'https://api.x.com/1.1/x.json?a=b', form: { status: 'hi' }, nonce: 'n', timestamp: 1, callback: 'oob', verifier: 'v' }
  /** Arguments that work, which the calls spoil one at a time. */
  const valid = {
    'new AccessToken': () => [{ token: '1-t', secret: 's' }],
    'new ConsumerKeys': () => [{ key: 'k', secret: 's' }],
    'new OAuth2Client': () => [{ clientId: 'id', clientSecret: 'cs' }],
    'new BearerToken': () => ['token'],
    'BearerToken#equals': () => [bearer],
    'new OAuth2UserToken': () => [{ accessToken: 'a', refreshToken: 'r', expiresAt: 2e9, scopes: ['tweet.read'] }],
    'OAuth2UserToken#expiresWithin': () => [60],
    'new OAuth1': () => [{ consumerKey: 'k', consumerSecret: 's', token: '1-t', tokenSecret: 'ts', signatureMethod: 'HMAC-SHA256', realm: 'r', includeVersion: false }],
    'OAuth1.fromCredentials': () => [consumer, accessToken],
    'OAuth1#sign': () => [{ ...signRequest }],
    'OAuth1#authorizationHeader': () => [{ method: 'POST', url: 'https://api.x.com/2/x', formBody: 'a=b&c=d' }],
    'new XAuth': () => [{ apiBase: base, webBase: base, timeout: 5, simulatedClockSkew: 0, insecureAllowHttp: false, userAgent: 'hostile/1' }],
    'XAuth#requestToken': () => [consumer, CALLBACK, 'read'],
    'XAuth#authorizeUrl': () => [requestToken, true, 'sandbox_user'],
    'XAuth#authenticateUrl': () => [requestToken, false, 'sandbox_user'],
    'XAuth#parseCallback': () => [location, requestToken],
    'XAuth#accessToken': () => [consumer, requestToken, 'verifier'],
    'XAuth#invalidateAccessToken': () => [consumer, new x.AccessToken({ token: '1-other', secret: 's' })],
    'XAuth#obtainBearer': () => [consumer],
    'XAuth#invalidateBearer': () => [consumer, new x.BearerToken('other')],
    'XAuth#startAuthorization': () => [client, CALLBACK, ['tweet.read', 'offline.access']],
    'XAuth#finishAuthorization': () => [client, xauth.startAuthorization(client, CALLBACK, ['tweet.read']), `${CALLBACK}?state=s&code=c`],
    'XAuth#refresh': () => [client, userToken],
    'XAuth#revoke': () => [client, 'not-a-token', 'refresh_token'],
    'XAuth#send': () => [owner, 'POST', '/2/echo', { form: { a: 'b' } }],
    'XAuth#usersMe': () => [bearer],
    'XAuth#userByUsername': () => [bearer, 'X'],
    'PendingAuthorization.fromCompact': () => [pending.toCompact()],
    'CallbackServer.bind': () => ['http://127.0.0.1:0/callback'],
    'CallbackServer#wait': () => [pending, 1],
    'CallbackServer#waitForRequestToken': () => [requestToken, 1],
    'Sandbox.start': () => [JSON.stringify({ access_token_lifetime_secs: 60 })],
    'Sandbox#advanceClock': () => [1],
    'TokenStore#list': () => ['fuzz'],
    'TokenStore#exportRecord': () => ['fuzz', '1001', true],
    'TokenStore#importRecord': () => ['copy', store.exportRecord('fuzz', '1001', true)],
    'TokenStore#delete': () => ['copy', '1001'],
    'new TokenManager': () => [xauth, { store: storeUrl, profile: 'fuzz', refreshMargin: 30, onChange: () => {} }],
    'TokenManager.withStore': () => [xauth, appStore, { profile: 'app', refreshMargin: 30 }],
    'TokenManager#freshToken': () => ['1001'],
    'TokenManager#accessToken': () => ['1001'],
    'TokenManager#refreshAfterUnauthorized': () => ['1001', userToken],
    'TokenManager#send': () => ['1001', 'POST', '/2/echo', { json: { a: [1, 'b', null] } }],
    'TokenManager#saveLogin': () => ['2002', { oauth1: accessToken, screenName: 'n', accessLevel: 'read' }],
    'TokenManager#setAppKeys': () => [{ consumer, client }],
    authorize: () => [owner, { method: 'POST', url: 'https://api.x.com/2/x', contentType: 'application/x-www-form-urlencoded', body: 'a=b' }],
    openStore: () => [`file:${tmp}/other`],
    customStore: () => [memoryStore()],
    checkStore: () => [x.customStore(memoryStore()), 'conformance'],
    crcResponseToken: () => ['secret', 'token'],
    verifyWebhookSignature: () => ['secret', Buffer.from('{}'), 'sha256=AAAA'],
    percentEncode: () => ['a b'],
    rateLimitWait: () => [429, { 'x-rate-limit-reset': '1' }],
    basicAuthorization: () => ['id', 'secret'],
    pkceChallenge: () => ['a'.repeat(43), 'S256'],
    parseError: () => [429, '{"errors":[{"code":88,"message":"Rate limit exceeded"}]}'],
    authorizedFetch: () => [owner, { fetch: stubFetch, user: '1001' }],
    'new XAuthError': () => ['message', { code: 'X_CONFIG', status: 400 }],
  }
  /** The functions authorizedFetch returns: called like fetch. */
  const fetchers = {
    'authorizedFetch(OAuth1)': x.authorizedFetch(owner, { fetch: stubFetch }),
    'authorizedFetch(TokenManager)': x.authorizedFetch(manager, { fetch: stubFetch, user: '1001' }),
  }
  for (const name of Object.keys(fetchers)) valid[name] = () => [`${base}/2/users/me`, { method: 'POST', body: new URLSearchParams({ a: 'b' }), headers: { 'x-a': 'b' } }]
  /** The same calls on other receivers: a manager and a store over the hostile store. */
  const elsewhere = { TokenManager: ['over a hostile store', badManager], TokenStore: ['a hostile store', badStore] }
  const instances = Object.entries(receivers).concat([['custom TokenStore', appStore], ['hostile custom TokenStore', badStore]])
  return { world, receivers, valid, fetchers, elsewhere, instances, stop: () => [world, { stop: () => sandbox.stop() }].forEach((w) => w.stop()) }
}

/** The edge values each argument, each option and `this` of every target gets in turn. */
function edgeValues(instances) {
  let deep = 'bottom'
  for (let i = 0; i < 5000; i++) deep = [deep]
  const values = [undefined, null, NaN, Infinity, -1, 1.5, 2 ** 64, 1n, Symbol('edge'), '\ud800', 'a\u0000b', '[]', deep]
  const shown = values.map((v) => (v === deep ? '5000-deep array' : describe(v)))
  const made = [
    ['Proxy with throwing traps', () => new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower })],
    ['object with throwing getters', () => Object.defineProperties({}, Object.fromEntries(OPTION_KEYS.map((k) => [k, { get: thrower, enumerable: true }])))],
    [`a ${instances[0][0]}`, () => instances[0][1]],
  ]
  return values.map((v, i) => ({ value: v, label: shown[i] })).concat(made.map(([label, make]) => ({ get value() { return make() }, label })))
}

/** `target`'s call with `args` (its valid ones), one of them, one option or `this` replaced by the hostile `h`. */
function spoiled(target, args, h, where) {
  const shown = args.map(describe)
  let self = target.self
  if (where === 'this') {
    self = h.value
    shown.unshift(`this=<${h.label}>`)
  } else if (where.key !== undefined) {
    args[where.at] = { ...args[where.at], [where.key]: h.value }
    shown[where.at] = `{...valid, ${where.key}: <${h.label}>}`
  } else {
    args[where.at] = h.value
    shown[where.at] = `<${h.label}>`
  }
  return { target, self, args, shown: shown.join(', ') }
}

/** Every call, in order: each edge value in each place of each target, then random spoilings. */
function* everyCall(targets, edges, hostile, rng) {
  for (const target of targets) {
    const valid = target.valid()
    const places = valid.flatMap((arg, at) => [{ at }, ...(isPlain(arg) ? Object.keys(arg).map((key) => ({ at, key })) : [])])
    places.push({ at: valid.length }, ...(target.self === undefined ? [] : ['this']))
    for (const where of places) for (const h of edges) yield spoiled(target, target.valid(), h, where)
  }
  for (let i = 0; i < RANDOM_CALLS; i++) {
    const target = rng.pick(targets)
    const args = target.valid()
    const r = rng.next()
    const plainAt = args.findIndex(isPlain)
    if (r < 0.5) yield spoiled(target, args, hostile(rng), { at: rng.int(args.length + 1) })
    else if (r < 0.75 && plainAt >= 0) {
      const keys = Object.keys(args[plainAt])
      const key = rng.next() < 0.7 && keys.length > 0 ? rng.pick(keys) : rng.pick(OPTION_KEYS)
      yield spoiled(target, args, hostile(rng), { at: plainAt, key })
    } else if (r < 0.9 || target.self === undefined) {
      const all = Array.from({ length: rng.int(5) }, () => hostile(rng))
      yield { target, self: target.self, args: all.map((h) => h.value), shown: all.map((h) => `<${h.label}>`).join(', ') }
    } else yield spoiled(target, args, hostile(rng), 'this')
  }
}

function isPlain(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
}

/** Null when the outcome keeps the promise, else what is wrong. */
function verdict(x, failure) {
  if (failure instanceof Sentinel) return null
  if (failure instanceof x.XAuthError) {
    if (failure.code === 'X_INTERNAL') return `XAuthError X_INTERNAL: ${failure.message}`
    if (!Object.values(x.ErrorCodes).includes(failure.code)) return `XAuthError with unknown code ${failure.code}: ${failure.message}`
    return null
  }
  const name = failure?.constructor?.name ?? typeof failure
  const code = failure?.code ? ` (${failure.code})` : ''
  return `${name}${code}: ${String(failure?.message ?? failure).slice(0, 200)}`
}

/** What is wrong with a value handed out: a native object that is not an instance of its public class. */
function foreign(x, value) {
  const native = require('../native.js')
  const name = Object.keys(native).find((n) => typeof native[n] === 'function' && value instanceof native[n])
  return name && !(value instanceof x[name]) ? `handed out a native ${name} that is not an instance of x-api-auth's ${name}` : null
}

/** Calls, awaiting a Promise for at most CALL_TIMEOUT_MS: `{ result }` or `{ failure }`. */
async function attempt(run) {
  let result
  try {
    result = run()
  } catch (failure) {
    return { failure }
  }
  if (result === null || typeof result !== 'object' || typeof result.then !== 'function') return { result }
  let timer
  const hang = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ failure: new Error(`hang: no answer in ${CALL_TIMEOUT_MS} ms`) }), CALL_TIMEOUT_MS)
  })
  const settled = result.then((value) => ({ result: value }), (failure) => ({ failure }))
  const outcome = await Promise.race([settled, hang])
  clearTimeout(timer)
  return outcome
}

/** The child: makes every call (from call number `from`, to resume after a crash) and prints what escaped. */
async function runCalls({ from, log }) {
  const x = require('..')
  const tmp = fs.mkdtempSync(path.join(os.homedir(), 'files-'))
  const out = fs.openSync(log, 'a')
  const print = (prefix, value) => fs.writeSync(out, `${prefix} ${JSON.stringify(value)}\n`)
  const setup = await setUp(x, tmp)
  const hostile = hostileValues(tmp, setup.instances)
  const surface = publicSurface(x)
  const names = [...surface, ...Object.keys(setup.fetchers)]
  const targets = names.map((name) => {
    const cls = /^(\w+)#/.exec(name)?.[1]
    if (cls && !(cls in setup.receivers)) throw new Error(`no receiver for ${name}: add a ${cls} to setUp`)
    const run = setup.fetchers[name] ? (self, args) => setup.fetchers[name](...args) : invoker(x, name)
    return { name, run, self: cls ? setup.receivers[cls] : undefined, valid: setup.valid[name] ?? (() => []), calls: 0 }
  })
  for (const target of targets.filter((t) => t.self !== undefined)) {
    const [where, self] = setup.elsewhere[/^(\w+)#/.exec(target.name)[1]] ?? []
    if (self) targets.push({ ...target, name: `${target.name} [${where}]`, self })
  }
  targets.push({ ...targets.find((t) => t.name === 'checkStore'), name: 'checkStore [a hostile store]', valid: () => [x.customStore(hostileStore()), 'conformance'] })
  const counts = { calls: 0, escapes: 0 }
  let current = null
  const escape = (target, args, error) => {
    counts.escapes++
    print('!', { call: current?.call, target, args, error })
  }
  // A callback of the caller's that throws (onChange) may surface as an uncaught exception.
  process.on('uncaughtException', (error) => {
    const why = verdict(x, error)
    if (why) escape(`uncaught, during ${current?.target}`, current?.args, why)
  })
  process.on('unhandledRejection', (error) => {
    const why = verdict(x, error)
    if (why) escape(`unhandled rejection, during ${current?.target}`, current?.args, why)
  })

  /** Calls the methods of an object a call returned, with hostile arguments. */
  const probe = async (rng, value, origin) => {
    const cls = Object.keys(setup.receivers).find((c) => value instanceof x[c])
    if (!cls || value === setup.receivers[cls]) return
    for (const name of surface.filter((n) => n.startsWith(`${cls}#`))) {
      const args = Array.from({ length: rng.int(4) }, () => hostile(rng))
      const run = invoker(x, name)
      const { result, failure } = await attempt(() => run(value, args.map((a) => a.value)))
      counts.calls++
      const why = failure === undefined ? foreign(x, result) : verdict(x, failure)
      if (why) escape(`${name} (of the result of ${origin})`, args.map((a) => `<${a.label}>`).join(', '), why)
    }
  }

  const rng = random(SEED)
  const probes = new Map()
  let call = -1
  for (const { target, self, args, shown } of everyCall(targets, edgeValues(setup.instances), hostile, rng)) {
    call++
    if (call < from) continue
    target.calls++
    current = { call, done: counts.calls, target: target.name, args: shown }
    print('>', current)
    const { result, failure } = await attempt(() => target.run(self, args))
    counts.calls++
    if (failure !== undefined) {
      const why = verdict(x, failure)
      if (why) escape(target.name, shown, why)
    } else if (foreign(x, result)) {
      escape(target.name, shown, foreign(x, result))
    } else if (result !== null && typeof result === 'object' && (probes.get(target.name) ?? 0) < 5) {
      probes.set(target.name, (probes.get(target.name) ?? 0) + 1)
      await probe(random(call), result, target.name)
    }
    if (result instanceof x.Sandbox && result !== setup.receivers.Sandbox) result.stop()
  }
  setup.stop()
  const untested = from === 0 ? targets.filter((t) => t.calls < 10).map((t) => `${t.name} (${t.calls} calls)`) : []
  print('=', { calls: counts.calls, escapes: counts.escapes, untested })
  process.exit(0)
}
