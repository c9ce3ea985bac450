'use strict'
// Leak canaries over the shared list of output paths
// (tests/leaks/output-paths.json): a canary secret in every credential,
// searched for in everything each path shows. Rust
// (crates/x-api-auth/tests/it/leak_canaries.rs) and Python walk the same list.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const { Console } = require('node:console')
const { once } = require('node:events')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { Writable } = require('node:stream')
const { format, inspect } = require('node:util')
const x = require('..')
const { CALLBACK, consent, oauth2Authorize, startSandbox } = require('./helpers')

const ROOT = path.join(__dirname, '..', '..', '..')
const LIST = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'leaks', 'output-paths.json'), 'utf8'))
const MARKER = LIST.canary

/** A secret holding the canary, distinct per use so that a leak names its source. */
const canary = (what) => `CANARY${what}${MARKER}CANARY`

const SCOPES = ['tweet.read', 'users.read', 'offline.access']

/** What console.log and its kin print, captured. */
function printed(print) {
  let out = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out += chunk
      done()
    },
  })
  print(new Console({ stdout: sink, stderr: sink, colorMode: false }))
  return out
}

/** The text forms of a value, as Node shows it to a person or a program. */
const VALUE_FORMS = [
  ['util.inspect', (v) => inspect(v)],
  ['util.inspect {depth: Infinity, showHidden: true}', (v) => inspect(v, { depth: Infinity, showHidden: true })],
  ['JSON.stringify', (v) => JSON.stringify(v)],
  ['String()', (v) => String(v)],
  ['.toString()', (v) => (v == null ? String(v) : v.toString())],
  ['template literal', (v) => `${v}`],
  ['util.format', (v) => format(v)],
  ['util.format %s %o %O %j', (v) => format('%s %o %O %j', v, v, v, v)],
  ['console.log', (v) => printed((c) => c.log(v))],
  ['console.error %o', (v) => printed((c) => c.error('%o', v))],
]
// Not checked: console.dir, console.table and util.inspect with customInspect: false
// dump an object's own fields raw; a SignedRequest is a plain object whose
// `authorization` field is the header itself.

/** What one path showed: each text, with the call that made it and the form it took. */
class Shown {
  constructor(walk) {
    this.walk = walk
    this.texts = []
    this.errors = 0
    this.succeeded = []
  }

  add(call, form, text) {
    this.texts.push({ call, form, text: typeof text === 'string' ? text : String(text) })
  }

  /** Every text form of `value`. */
  value(call, value) {
    for (const [form, show] of VALUE_FORMS) {
      let text
      try {
        text = show(value)
      } catch (e) {
        text = `${form} threw ${inspect(e)}`
      }
      this.add(call, form, text)
    }
  }

  /** An error: message, stack, every own and inherited property, its text forms, its causes. */
  error(call, e, depth = 0) {
    if (!(e instanceof Error)) {
      this.value(`${call} (thrown non-Error)`, e)
      this.walk.escaped.push(`${call}: ${inspect(e).slice(0, 200)}`)
      return
    }
    this.errors++
    if (!(e instanceof x.XAuthError)) this.walk.escaped.push(`${call}: ${e.name}: ${String(e.message).slice(0, 200)}`)
    if (e.code === 'X_INTERNAL' || /panick|internal error/i.test(e.message)) this.walk.panics.push([call, e])
    this.add(call, 'error .message', e.message)
    this.add(call, 'error .stack', e.stack)
    this.add(call, 'error .name', e.name)
    for (const key in e) this.add(call, `error [${key}] (enumerable)`, typeof e[key] === 'string' ? e[key] : inspect(e[key], { depth: Infinity }))
    for (const key of Reflect.ownKeys(e)) {
      const value = Reflect.get(e, key)
      this.add(call, `error [${String(key)}] (own)`, typeof value === 'string' ? value : inspect(value, { depth: Infinity, showHidden: true }))
    }
    this.value(call, e)
    if (e.cause !== undefined && depth < 10) this.error(`${call} .cause`, e.cause, depth + 1)
    if (Array.isArray(e.errors)) e.errors.forEach((inner, i) => this.error(`${call} .errors[${i}]`, inner, depth + 1))
  }

  /** Runs `call` (sync or async): its value's text forms, or its error's. */
  async result(call, run) {
    try {
      const value = await run()
      this.succeeded.push(call)
      this.value(call, value)
      return value
    } catch (e) {
      this.error(call, e)
      return undefined
    }
  }

  /** The texts that contain the canary marker or a secret the sandbox issued, by call: its forms and one excerpt. */
  leaks(secrets) {
    const found = (text) => [MARKER, ...secrets].filter((s) => s && text.includes(s))
    const byCall = new Map()
    for (const { call, form, text } of this.texts) {
      const hits = found(text)
      if (hits.length === 0) continue
      if (!byCall.has(call)) {
        const at = Math.max(0, text.indexOf(hits[0]) - 100)
        byCall.set(call, { forms: [], excerpt: JSON.stringify(text.slice(at, at + 240)) })
      }
      byCall.get(call).forms.push(form)
    }
    return [...byCall].map(([call, { forms, excerpt }]) => `${call}: in ${forms.length} texts (${forms.slice(0, 4).join('; ')}${forms.length > 4 ? '; …' : ''}): ${excerpt}`)
  }
}

/** The PKCE verifier and the compact form of a pending authorization: secrets. */
function pendingSecrets(pending) {
  const compact = pending.toCompact()
  const secrets = [compact]
  if (compact.startsWith('xpa2.')) {
    const parts = Buffer.from(compact.slice(5), 'base64url').toString('utf8').split('\n')
    secrets.push(...parts.filter((p) => p.length >= 16 && !pending.url.includes(p) && !pending.url.includes(encodeURIComponent(p))))
  }
  return secrets
}

const compactOf = (state, verifier, redirect, url = 'https://x.com/i/oauth2/authorize?response_type=code') =>
  `xpa2.${Buffer.from(`${state}\n${verifier}\n${url}\n${redirect}`).toString('base64url')}`

/** A loopback port where nothing listens. */
async function deadPort() {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  await once(server, 'close')
  return port
}

/** A look-alike of X that issues canary secrets: the flows' results then hold them. */
async function canaryIssuer() {
  const server = http.createServer((request, response) => {
    request.resume()
    const answers = {
      '/oauth/request_token': ['application/x-www-form-urlencoded', `oauth_token=t&oauth_token_secret=${canary('rts')}&oauth_callback_confirmed=true`],
      '/oauth/access_token': ['application/x-www-form-urlencoded', `oauth_token=1-t&oauth_token_secret=${canary('ats')}&user_id=1&screen_name=someone`],
      '/oauth2/token': ['application/json', JSON.stringify({ token_type: 'bearer', access_token: canary('issuedbearer') })],
      '/2/oauth2/token': [
        'application/json',
        JSON.stringify({ token_type: 'bearer', access_token: canary('issuedaccess'), refresh_token: canary('issuedrefresh'), expires_in: 7200, scope: 'tweet.read offline.access' }),
      ],
    }
    const [type, body] = answers[new URL(request.url, 'http://x').pathname] ?? ['text/plain', 'not found']
    response.writeHead(type === 'text/plain' ? 404 : 200, { 'content-type': type })
    response.end(body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }
}

/** Sets environment variables around `fn` (the store reads them when it opens). */
function withEnv(vars, fn) {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const set = (values) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  set(vars)
  try {
    return fn()
  } finally {
    set(old)
  }
}

const tempDir = (tag) => fs.mkdtempSync(path.join(os.tmpdir(), `x-api-auth-canary-${tag}-`))

// ---------------------------------------------------------------- the paths

async function credentialText(walk, shown) {
  const keys = new x.ConsumerKeys({ key: 'public-key', secret: canary('cs') })
  shown.value('ConsumerKeys', keys)
  const token = new x.AccessToken({ token: '1-public', secret: canary('ts') })
  shown.value('AccessToken', token)
  shown.value('OAuth2Client', new x.OAuth2Client({ clientId: 'id', clientSecret: canary('client') }))
  shown.value('BearerToken', new x.BearerToken(canary('bearer')))
  shown.value('OAuth2UserToken', new x.OAuth2UserToken({ accessToken: canary('access'), refreshToken: canary('refresh'), expiresAt: 2e9, scopes: ['tweet.read'] }))
  for (const signatureMethod of ['HMAC-SHA1', 'HMAC-SHA256', 'PLAINTEXT']) {
    const signer = new x.OAuth1({ consumerKey: 'public-key', consumerSecret: canary('cs'), token: '1-public', tokenSecret: canary('ts'), signatureMethod })
    shown.value(`OAuth1 ${signatureMethod}`, signer)
    shown.value(`OAuth1.fromCredentials ${signatureMethod}`, x.OAuth1.fromCredentials(keys, token))
    shown.value(`SignedRequest ${signatureMethod}`, signer.sign({ method: 'GET', url: 'https://api.x.com/2/users/me' }))
    shown.value(
      `SignedRequest ${signatureMethod} with a form and a verifier`,
      signer.sign({ method: 'POST', url: 'https://api.x.com/oauth/access_token', form: { a: 'b' }, verifier: canary('verifier') }),
    )
  }
  const xauth = new x.XAuth()
  const pending = xauth.startAuthorization(new x.OAuth2Client({ clientId: 'id' }), 'https://app.example/cb', ['tweet.read'])
  walk.secrets.push(...pendingSecrets(pending))
  shown.value('PendingAuthorization', pending)
  const restored = x.PendingAuthorization.fromCompact(compactOf(canary('state'), `${canary('verifier')}${'v'.repeat(30)}`, 'https://app.example/cb'))
  shown.value('PendingAuthorization.fromCompact', restored)
  // RequestToken and AccessTokenResponse come only from flows: from a server issuing canaries.
  const issuer = await canaryIssuer()
  try {
    const fake = new x.XAuth({ apiBase: issuer.base, webBase: issuer.base, timeout: 10 })
    const requestToken = await fake.requestToken(keys, 'oob')
    shown.value('RequestToken', requestToken)
    shown.value('AccessTokenResponse', await fake.accessToken(keys, requestToken, '1234567'))
    shown.value('BearerToken (issued)', await fake.obtainBearer(keys))
    shown.value('OAuth2UserToken (refreshed)', await fake.refresh(new x.OAuth2Client({ clientId: 'id', clientSecret: canary('client') }), new x.OAuth2UserToken({ accessToken: canary('access'), refreshToken: canary('refresh') })))
  } finally {
    issuer.close()
  }
}

async function flowResults(walk, shown) {
  const { world } = walk
  const xauth = world.xauth()
  const consumer = world.consumer()
  const bearer = await xauth.obtainBearer(consumer)
  walk.secrets.push(bearer.secret())
  shown.value('obtained BearerToken', bearer)
  const requestToken = await xauth.requestToken(consumer, 'oob')
  walk.secrets.push(requestToken.secret())
  shown.value('RequestToken', requestToken)
  const { text } = await consent(xauth.authorizeUrl(requestToken))
  const pin = text.split('<code id="pin">')[1].split('<')[0]
  const granted = await xauth.accessToken(consumer, requestToken, pin)
  walk.secrets.push(granted.accessToken.secret())
  shown.value('AccessTokenResponse', granted)
  shown.value('AccessTokenResponse.accessToken', granted.accessToken)
  const client = world.client()
  const pending = xauth.startAuthorization(client, CALLBACK, SCOPES)
  walk.secrets.push(...pendingSecrets(pending))
  shown.value('PendingAuthorization', pending)
  const { location } = await consent(pending.url)
  const user = await xauth.finishAuthorization(client, pending, location)
  walk.secrets.push(user.accessToken(), user.refreshToken())
  shown.value('OAuth2UserToken', user)
  const refreshed = await xauth.refresh(client, user)
  walk.secrets.push(refreshed.accessToken(), refreshed.refreshToken())
  shown.value('refreshed OAuth2UserToken', refreshed)
  const confidential = await oauth2Authorize(world, world.client(true), SCOPES)
  walk.secrets.push(confidential.accessToken(), confidential.refreshToken())
  shown.value('OAuth2UserToken (confidential client)', confidential)
}

async function invalidInputs(walk, shown) {
  const pkce = `${canary('pkce')}${'p'.repeat(30)}`
  await shown.result('pkceChallenge (short)', () => x.pkceChallenge(`${canary('pkce')}+`))
  await shown.result('pkceChallenge (bad character)', () => x.pkceChallenge(`${pkce}+`))
  await shown.result('pkceChallenge (bad method)', () => x.pkceChallenge(pkce, `S512${canary('method')}`))
  await shown.result('PendingAuthorization.fromCompact (bad verifier)', () => x.PendingAuthorization.fromCompact(compactOf('state', `${pkce}+`, 'https://app.example/cb')))
  await shown.result('PendingAuthorization.fromCompact (not compact)', () => x.PendingAuthorization.fromCompact(`xpa2.${canary('compact')}!`))
  await shown.result('BearerToken (CRLF)', () => new x.BearerToken(`${canary('bearer')}\r\n`).authorizationHeader())
  await shown.result('BearerToken (NUL)', () => x.authorize(new x.BearerToken(`${canary('bearer')}\0`), { method: 'GET', url: 'https://api.x.com/2/users/me' }))
  await shown.result('OAuth2Client', () => new x.OAuth2Client({ clientId: 'id\n', clientSecret: `${canary('client')}\0` }))
  await shown.result('OAuth2Client (secret with NUL)', () => new x.OAuth2Client({ clientId: 'id', clientSecret: `${canary('client')}\0` }))
  await shown.result('ConsumerKeys', () => new x.ConsumerKeys({ key: `k${canary('ck')}\n`, secret: `${canary('cs')}\n` }))
  await shown.result('ConsumerKeys (secret with newline)', () => new x.ConsumerKeys({ key: 'k', secret: `${canary('cs')}\n` }))
  await shown.result('AccessToken', () => new x.AccessToken({ token: `1-${canary('at')}\n`, secret: `\0${canary('ts')}` }))
  await shown.result('AccessToken (secret with NUL)', () => new x.AccessToken({ token: '1-t', secret: `\0${canary('ts')}` }))
  await shown.result('OAuth2UserToken (newline)', () => new x.OAuth2UserToken({ accessToken: `${canary('access')}\n`, refreshToken: `${canary('refresh')}\0` }).authorizationHeader())
  await shown.result('OAuth1 (newline)', () => new x.OAuth1({ consumerKey: 'k', consumerSecret: `${canary('cs')}\n`, token: '1-t', tokenSecret: `${canary('ts')}\0` }))
  await shown.result('OAuth1 (bad signature method)', () => new x.OAuth1({ consumerKey: 'k', consumerSecret: canary('cs'), tokenSecret: canary('ts'), token: '1-t', signatureMethod: `RSA-${canary('sm')}` }))
  const signer = new x.OAuth1({ consumerKey: 'k', consumerSecret: canary('cs') })
  await shown.result('OAuth1 sign (bad percent-encoding)', () => signer.sign({ method: 'GET', url: `https://api.x.com/?a=%${canary('query')}` }))
  await shown.result('OAuth1 authorizationHeader (bad percent-encoding)', () => signer.authorizationHeader({ method: 'GET', url: `https://api.x.com/?a=${canary('query')}%zz` }))
  await shown.result('OAuth1 sign (form body with bad percent-encoding)', () => signer.sign({ method: 'POST', url: 'https://api.x.com/', formBody: `a=%${canary('form')}` }))
  await shown.result('OAuth1 sign (verifier with CRLF)', () => signer.sign({ method: 'POST', url: 'https://api.x.com/oauth/access_token', verifier: `${canary('verifier')}\r\n` }))
  await shown.result('authorize (bad percent-encoding)', () => x.authorize(signer, { method: 'GET', url: `https://api.x.com/?a=%${canary('query')}` }))
  await shown.result('basicAuthorization (newline)', () => x.basicAuthorization('id', `${canary('basic')}\n`))
  await shown.result('verifyWebhookSignature (mismatch)', () => x.verifyWebhookSignature(canary('webhook'), Buffer.from('{}'), 'sha256=AAAA'))
  await shown.result('crcResponseToken (NUL)', () => x.crcResponseToken(`${canary('crc')}\0`, 'crc'))
  // arguments of the wrong type that carry the canary: napi's conversion errors
  await shown.result('ConsumerKeys (secret not a string)', () => new x.ConsumerKeys({ key: canary('ck'), secret: 5 }))
  await shown.result('ConsumerKeys (a string for the options)', () => new x.ConsumerKeys(canary('options')))
  await shown.result('OAuth2Client (secret in an array)', () => new x.OAuth2Client({ clientId: 'id', clientSecret: [canary('client')] }))
  await shown.result('BearerToken (an object)', () => new x.BearerToken({ token: canary('bearer') }))
  await shown.result('basicAuthorization (id not a string)', () => x.basicAuthorization({ id: canary('id') }, canary('basic')))
  await shown.result('usersMe (a plain object for the credential)', () => new x.XAuth().usersMe({ token: canary('bearer') }))
  await shown.result('authorize (a plain object for the credential)', () => x.authorize({ secret: canary('cs') }, { method: 'GET', url: 'https://api.x.com/' }))
  await shown.result('revoke (an object for the token)', () => new x.XAuth().revoke(new x.OAuth2Client({ clientId: 'id' }), { token: canary('access') }))
  await shown.result('OAuth1 sign (an object for the verifier)', () => signer.sign({ method: 'POST', url: 'https://api.x.com/oauth/access_token', verifier: { pin: canary('verifier') } }))
  const pending = new x.XAuth().startAuthorization(new x.OAuth2Client({ clientId: 'id' }), CALLBACK, ['tweet.read'])
  walk.secrets.push(...pendingSecrets(pending))
  await shown.result('finishAuthorization (state mismatch)', () =>
    new x.XAuth({ apiBase: 'http://127.0.0.1:9', webBase: 'http://127.0.0.1:9' }).finishAuthorization(new x.OAuth2Client({ clientId: 'id', clientSecret: canary('client') }), pending, `${CALLBACK}?state=${canary('state')}&code=${canary('code')}`),
  )
  const issuer = await canaryIssuer()
  try {
    const fake = new x.XAuth({ apiBase: issuer.base, webBase: issuer.base, timeout: 10 })
    const requestToken = await fake.requestToken(new x.ConsumerKeys({ key: 'k', secret: canary('cs') }), 'oob')
    await shown.result('parseCallback (token mismatch)', () => fake.parseCallback(`https://app.example/cb?oauth_token=other&oauth_verifier=${canary('verifier')}`, requestToken))
    await shown.result('parseCallback (no verifier)', () => fake.parseCallback(`https://app.example/cb?oauth_token=t&x=${canary('verifier')}`, requestToken))
  } finally {
    issuer.close()
  }
}

async function transportErrors(walk, shown) {
  const dead = `http://127.0.0.1:${await deadPort()}`
  const xauth = new x.XAuth({ apiBase: dead, webBase: dead, timeout: 2 })
  const consumer = new x.ConsumerKeys({ key: 'ck', secret: canary('cs') })
  const client = new x.OAuth2Client({ clientId: 'id', clientSecret: canary('client') })
  const user = new x.OAuth2UserToken({ accessToken: canary('access'), refreshToken: canary('refresh') })
  const bearer = new x.BearerToken(canary('bearer'))
  const oauth1 = new x.OAuth1({ consumerKey: 'ck', consumerSecret: canary('cs'), token: '1-t', tokenSecret: canary('ts') })
  await shown.result('obtainBearer', () => xauth.obtainBearer(consumer))
  await shown.result('invalidateBearer', () => xauth.invalidateBearer(consumer, bearer))
  await shown.result('requestToken', () => xauth.requestToken(consumer, 'oob'))
  await shown.result('invalidateAccessToken', () => xauth.invalidateAccessToken(consumer, new x.AccessToken({ token: '1-t', secret: canary('ts') })))
  await shown.result('refresh', () => xauth.refresh(client, user))
  await shown.result('revoke', () => xauth.revoke(client, canary('access'), 'access_token'))
  const pending = xauth.startAuthorization(client, CALLBACK, ['tweet.read'])
  walk.secrets.push(...pendingSecrets(pending))
  const state = new URL(pending.url).searchParams.get('state')
  await shown.result('finishAuthorization', () => xauth.finishAuthorization(client, pending, `${CALLBACK}?state=${state}&code=${canary('code')}`))
  for (const [name, credential] of [['bearer', bearer], ['OAuth1', oauth1], ['user token', user]]) {
    await shown.result(`send ${name}`, () => xauth.send(credential, 'POST', '/2/tweets', { json: { text: 'hello' } }))
    await shown.result(`send ${name} form`, () => xauth.send(credential, 'POST', '/1.1/statuses/update.json', { form: { status: 'hello' } }))
    await shown.result(`usersMe ${name}`, () => xauth.usersMe(credential))
    await shown.result(`userByUsername ${name}`, () => xauth.userByUsername(credential, 'X'))
  }
  const issuer = await canaryIssuer()
  let requestToken
  try {
    requestToken = await new x.XAuth({ apiBase: issuer.base, webBase: issuer.base }).requestToken(consumer, 'oob')
  } finally {
    issuer.close()
  }
  await shown.result('accessToken', () => xauth.accessToken(consumer, requestToken, canary('pin')))
  const dir = tempDir('transport')
  try {
    const manager = new x.TokenManager(xauth, { store: `file:${dir}/store`, profile: 'dead' })
    await manager.setAppKeys({ consumer, client })
    await manager.saveLogin('1', { oauth2: new x.OAuth2UserToken({ accessToken: canary('maccess'), refreshToken: canary('mrefresh'), expiresAt: 1 }) })
    await shown.result('TokenManager#bearer', () => manager.bearer())
    await shown.result('TokenManager#accessToken (refresh due)', () => manager.accessToken('1'))
    await shown.result('TokenManager#send', () => manager.send('1', 'GET', '/2/users/me'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function refusedLogins(walk, shown) {
  const { world } = walk
  const xauth = world.xauth()
  const { app } = world
  const wrong = new x.ConsumerKeys({ key: app.consumer_key, secret: canary('cs') })
  await shown.result('obtainBearer (wrong consumer secret)', () => xauth.obtainBearer(wrong))
  await shown.result('requestToken (wrong consumer secret)', () => xauth.requestToken(wrong, 'oob'))
  await shown.result('invalidateBearer (canary bearer)', () => xauth.invalidateBearer(world.consumer(), new x.BearerToken(canary('bearer'))))
  const requestToken = await xauth.requestToken(world.consumer(), 'oob')
  walk.secrets.push(requestToken.secret())
  await shown.result('accessToken (wrong PIN)', () => xauth.accessToken(world.consumer(), requestToken, canary('pin')))
  const another = await xauth.requestToken(world.consumer(), 'oob')
  walk.secrets.push(another.secret())
  await shown.result('accessToken (wrong consumer secret)', () => xauth.accessToken(wrong, another, '1234567'))
  const wrongToken = new x.OAuth1({ consumerKey: app.consumer_key, consumerSecret: app.consumer_secret, token: app.access_token, tokenSecret: canary('ts') })
  await shown.result('usersMe OAuth1 (wrong token secret)', () => xauth.usersMe(wrongToken))
  const wrongBoth = new x.OAuth1({ consumerKey: app.consumer_key, consumerSecret: canary('cs'), token: app.access_token, tokenSecret: canary('ts') })
  await shown.result('usersMe OAuth1 (wrong consumer secret)', () => xauth.usersMe(wrongBoth))
  // a form is signed, so its values are in the base string X's refusal explains: content, not secrets
  await shown.result('send OAuth1 form (wrong token secret)', () => xauth.send(wrongToken, 'POST', '/2/echo', { form: { status: 'hello' } }))
  await shown.result('invalidateAccessToken (canary secret)', () => xauth.invalidateAccessToken(world.consumer(), new x.AccessToken({ token: app.access_token, secret: canary('ts') })))
  await shown.result('usersMe (canary bearer)', () => xauth.usersMe(new x.BearerToken(canary('bearer'))))
  await shown.result('userByUsername (canary bearer)', () => xauth.userByUsername(new x.BearerToken(canary('bearer')), 'X'))
  const stale = new x.OAuth2UserToken({ accessToken: canary('access'), refreshToken: canary('refresh') })
  await shown.result('usersMe (canary user token)', () => xauth.usersMe(stale))
  await shown.result('refresh (canary refresh token)', () => xauth.refresh(world.client(), stale))
  const confidential = new x.OAuth2Client({ clientId: 'sandbox-confidential-client', clientSecret: canary('client') })
  await shown.result('refresh (wrong client secret)', () => xauth.refresh(confidential, stale))
  await shown.result('revoke (wrong client secret)', () => xauth.revoke(confidential, canary('access'), 'access_token'))
  const pending = xauth.startAuthorization(world.client(), CALLBACK, SCOPES)
  walk.secrets.push(...pendingSecrets(pending))
  const state = new URL(pending.url).searchParams.get('state')
  await shown.result('finishAuthorization (canary code)', () => xauth.finishAuthorization(world.client(), pending, `${CALLBACK}?state=${state}&code=${canary('code')}`))
  const dir = tempDir('refused')
  try {
    const manager = new x.TokenManager(xauth, { store: `file:${dir}/store`, profile: 'refused' })
    await manager.setAppKeys({ consumer: wrong, client: world.client() })
    await manager.saveLogin('1001', { oauth2: new x.OAuth2UserToken({ accessToken: canary('maccess'), refreshToken: canary('mrefresh'), expiresAt: 1 }) })
    await shown.result('TokenManager#bearer (wrong consumer secret)', () => manager.bearer())
    await shown.result('TokenManager#accessToken (refresh refused)', () => manager.accessToken('1001'))
    await shown.result('TokenManager#send (must log in again)', () => manager.send('1001', 'GET', '/2/users/me'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Record files that are corrupt and hold the canary. */
function corruptRecords() {
  const user = (fields) => JSON.stringify({ format: 1, record: { type: 'user', user_id: '1', generation: 1, ...fields } })
  return {
    truncated: `{"format":1,"record":{"type":"user","user_id":"1","oauth2":{"access_token":"${canary('stored')}"`,
    'oauth2 is a string': user({ oauth2: canary('stored') }),
    'oauth1 is a string': user({ oauth1: canary('stored') }),
    'access token with a newline': user({ oauth2: { access_token: `${canary('stored')}\n` } }),
    'expires_at is a string': user({ oauth2: { access_token: 'a', expires_at: canary('stored') } }),
    'format is a string': JSON.stringify({ format: canary('stored') }),
    'sealed is a string': JSON.stringify({ format: 1, sealed: canary('stored') }),
  }
}

async function storeErrors(walk, shown) {
  const dir = tempDir('store')
  try {
    const url = `file:${dir}`
    x.openStore(url).list()
    const file = path.join(dir, 'default', 'users', '1.json')
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    for (const [name, content] of Object.entries(corruptRecords())) {
      fs.writeFileSync(file, content, { mode: 0o600 })
      await shown.result(`corrupt record (${name}): exportRecord`, () => x.openStore(url).exportRecord('default', '1'))
      await shown.result(`corrupt record (${name}): TokenManager#accessToken`, () => new x.TokenManager(walk.world.xauth(), { store: url, profile: 'default' }).accessToken('1'))
    }
    fs.rmSync(file)
    for (const [name, content] of Object.entries(corruptRecords())) {
      await shown.result(`importRecord (${name})`, () => x.openStore(url).importRecord('imported', content))
      const store = x.customStore({
        location: 'app:canary',
        load: () => content,
        save: () => true,
        lock: () => 1,
        unlock: () => {},
        list: () => ['app/users/1'],
        delete: () => {},
      })
      await shown.result(`customStore corrupt document (${name})`, () => x.TokenManager.withStore(walk.world.xauth(), store, { profile: 'app' }).accessToken('1'))
    }
    // store URLs holding a secret: in an option, in a typo of one, in the password of an unknown scheme
    await shown.result('openStore unknown scheme with a password', () => x.openStore(`rediss+tls://:${canary('password')}@host:1/0`))
    await shown.result('openStore postgres URL with a password', () => x.openStore(`postgres://user:${canary('password')}@db.example/tokens`))
    await shown.result('openStore ?key:hex: (typo: no =)', () => x.openStore(`file:${dir}?key:hex:${canary('key')}`))
    await shown.result('openStore redis ?password: (typo: no =)', () => x.openStore(`redis://127.0.0.1:1/0?password:${canary('redis')}`))
    await shown.result('openStore ?key=hex:', () => x.openStore(`file:${dir}?key=hex:${canary('key')}`))
    await shown.result('openStore ?key=base64:', () => x.openStore(`file:${dir}?key=base64:${canary('key')}`))
    await shown.result('openStore ?passphrase=', () => x.openStore(`file:${dir}?passphrase=${canary('pass')}`))
    await shown.result('openStore ?a=b&key=', () => x.openStore(`file:${dir}?a=b&key=${canary('key')}`))
    await shown.result('openStore redis ?password=', () => x.openStore(`redis://127.0.0.1:1/0?password=${canary('redis')}`))
    await shown.result('openStore redis bad URL with a password', () => x.openStore(`redis://:${canary('redis')}@[::1/0`))
    const port = await deadPort()
    await shown.result('redis store with a password, nothing listening: list', () => x.openStore(`redis://user:${canary('redis')}@127.0.0.1:${port}/0`).list())
    await shown.result('redis store with a password: TokenManager', () => new x.TokenManager(walk.world.xauth(), { store: `redis://:${canary('redis')}@127.0.0.1:${port}/0` }).accessToken())
    // a sealed store with a wrong key
    const sealedDir = tempDir('sealed')
    try {
      const sealed = `file:${sealedDir}`
      const manager = withEnv({ X_API_AUTH_STORE_PASSPHRASE: canary('pass'), X_API_AUTH_STORE_KEY: undefined }, () => new x.TokenManager(walk.world.xauth(), { store: sealed, profile: 'p' }))
      await manager.saveLogin('7', { oauth1: new x.AccessToken({ token: '7-t', secret: canary('sealedts') }) })
      const wrongPassphrase = withEnv({ X_API_AUTH_STORE_PASSPHRASE: canary('wrongpass'), X_API_AUTH_STORE_KEY: undefined }, () => x.openStore(sealed))
      await shown.result('sealed store, wrong passphrase: exportRecord', () => wrongPassphrase.exportRecord('p', '7'))
      await shown.result('sealed store, wrong passphrase: TokenManager', () =>
        withEnv({ X_API_AUTH_STORE_PASSPHRASE: canary('wrongpass'), X_API_AUTH_STORE_KEY: undefined }, () => new x.TokenManager(walk.world.xauth(), { store: sealed, profile: 'p' })).accessToken('7'),
      )
      const wrongKey = Buffer.alloc(32, 7).toString('base64')
      await shown.result('sealed store, wrong key: exportRecord', () => withEnv({ X_API_AUTH_STORE_KEY: wrongKey, X_API_AUTH_STORE_PASSPHRASE: undefined }, () => x.openStore(sealed)).exportRecord('p', '7'))
      await shown.result('sealed store, a key that is not base64', () => withEnv({ X_API_AUTH_STORE_KEY: canary('key'), X_API_AUTH_STORE_PASSPHRASE: undefined }, () => x.openStore(sealed)).exportRecord('p', '7'))
      await shown.result('sealed store, no key', () => withEnv({ X_API_AUTH_STORE_KEY: undefined, X_API_AUTH_STORE_PASSPHRASE: undefined }, () => x.openStore(sealed)).exportRecord('p', '7'))
    } finally {
      fs.rmSync(sealedDir, { recursive: true, force: true })
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function managerText(walk, shown) {
  const { world } = walk
  const dir = tempDir('manager')
  try {
    const url = `file:${dir}/store`
    const events = []
    const manager = new x.TokenManager(world.xauth(), { store: url, profile: 'canary', onChange: (e) => events.push(e) })
    await manager.setAppKeys({
      consumer: new x.ConsumerKeys({ key: 'ck', secret: canary('mcs') }),
      client: new x.OAuth2Client({ clientId: 'id', clientSecret: canary('mclient') }),
    })
    const user = await oauth2Authorize(world, world.client(), SCOPES)
    walk.secrets.push(user.accessToken(), user.refreshToken())
    await manager.saveLogin('1001', { oauth2: user, oauth1: new x.AccessToken({ token: '1001-t', secret: canary('mts') }), screenName: 'sandbox_user', accessLevel: 'read-write' })
    await manager.saveLogin('2002', {
      oauth2: new x.OAuth2UserToken({ accessToken: canary('maccess'), refreshToken: canary('mrefresh'), expiresAt: Math.floor(Date.now() / 1000) + 3600, scopes: ['tweet.read'] }),
      oauth1: new x.AccessToken({ token: '2002-t', secret: canary('mts2') }),
    })
    shown.value('TokenManager', manager)
    shown.value('TokenManager#store', manager.store)
    shown.value('TokenManager#accessToken', await manager.accessToken('1001'))
    shown.value('TokenManager#accessToken (canary tokens)', await manager.accessToken('2002'))
    shown.value('TokenManager#freshToken', manager.freshToken('2002'))
    const store = x.openStore(url)
    shown.value('TokenStore', store)
    shown.value('TokenManager.withStore', x.TokenManager.withStore(world.xauth(), store, { profile: 'canary' }))
    shown.value('TokenStore#list()', store.list())
    shown.value('TokenStore#list(profile)', store.list('canary'))
    for (const { profile, userId } of store.list()) {
      const document = store.exportRecord(profile, userId)
      shown.add(`exportRecord ${profile}/${userId ?? 'app'}`, 'document', document)
      shown.value(`exportRecord ${profile}/${userId ?? 'app'} parsed`, JSON.parse(document))
      shown.add(`exportRecord ${profile}/${userId ?? 'app'}`, 'document (includeSecrets false)', store.exportRecord(profile, userId, false))
    }
    await new Promise((resolve) => setTimeout(resolve, 50)) // the change hook runs on the event loop
    shown.value('TokenChangeEvents', events)
    const custom = x.customStore({ location: 'app:canary', load: () => null, save: () => true, lock: () => 1, unlock: () => {}, list: () => [], delete: () => {} })
    shown.value('customStore', custom)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Requests carrying canary secrets, sent raw to a sandbox at `base`. */
async function canaryRequests(walk, shown, base, where) {
  const form = 'application/x-www-form-urlencoded'
  const basic = (id, secret) => {
    const encoded = Buffer.from(`${id}:${secret}`).toString('base64')
    walk.secrets.push(encoded)
    return `Basic ${encoded}`
  }
  const now = Math.floor(Date.now() / 1000)
  const requests = [
    ['canary bearer', 'GET', '/2/users/me', { authorization: `Bearer ${canary('bearer')}` }],
    ['canary bearer', 'GET', '/2/users/by/username/X', { authorization: `Bearer ${canary('bearer')}` }],
    ['canary refresh token', 'POST', '/2/oauth2/token', { 'content-type': form }, `grant_type=refresh_token&refresh_token=${canary('refresh')}&client_id=sandbox-public-client`],
    ['canary client secret (Basic), canary refresh token', 'POST', '/2/oauth2/token', { 'content-type': form, authorization: basic('sandbox-confidential-client', canary('client')) }, `grant_type=refresh_token&refresh_token=${canary('refresh')}`],
    ['canary code and verifier', 'POST', '/2/oauth2/token', { 'content-type': form }, `grant_type=authorization_code&code=${canary('code')}&code_verifier=${canary('verifier')}&client_id=sandbox-public-client&redirect_uri=${encodeURIComponent(CALLBACK)}`],
    ['canary client secret in the body', 'POST', '/2/oauth2/token', { 'content-type': form }, `grant_type=refresh_token&refresh_token=${canary('refresh')}&client_id=sandbox-confidential-client&client_secret=${canary('client')}`],
    ['canary client secret (Basic), canary token', 'POST', '/2/oauth2/revoke', { 'content-type': form, authorization: basic('sandbox-confidential-client', canary('client')) }, `token=${canary('access')}&token_type_hint=access_token`],
    ['canary Basic', 'POST', '/oauth2/token', { 'content-type': form, authorization: `Basic ${canary('basic')}` }, 'grant_type=client_credentials'],
    ['canary consumer secret (Basic)', 'POST', '/oauth2/token', { 'content-type': form, authorization: basic('sandbox-consumer-key', canary('cs')) }, 'grant_type=client_credentials'],
    ['canary consumer secret (Basic), canary bearer', 'POST', '/oauth2/invalidate_token', { 'content-type': form, authorization: basic('sandbox-consumer-key', canary('cs')) }, `access_token=${canary('bearer')}`],
    ['canary OAuth header', 'POST', '/oauth/request_token', { authorization: `OAuth oauth_consumer_key="${canary('ck')}", oauth_signature="${canary('sig')}"` }],
    [
      'canary request token, PIN and signature',
      'POST',
      '/oauth/access_token',
      { authorization: `OAuth oauth_consumer_key="sandbox-consumer-key", oauth_token="${canary('rt')}", oauth_verifier="${canary('pin')}", oauth_signature="${canary('sig')}", oauth_signature_method="HMAC-SHA1", oauth_nonce="n", oauth_timestamp="${now}"` },
    ],
    [
      'canary PLAINTEXT signature',
      'GET',
      '/2/users/me',
      { authorization: `OAuth oauth_consumer_key="sandbox-consumer-key", oauth_token="1001-sandboxownertoken", oauth_signature="${canary('sig')}", oauth_signature_method="PLAINTEXT", oauth_nonce="n2", oauth_timestamp="${now}"` },
    ],
    ['canary OAuth header', 'GET', '/1.1/account/verify_credentials.json', { authorization: `OAuth oauth_consumer_key="${canary('ck')}", oauth_token="${canary('at')}", oauth_signature="${canary('sig')}"` }],
  ]
  for (const [label, method, route, headers, body] of requests) {
    const what = `${where} ${method} ${route} (${label})`
    const response = await fetch(`${base}${route}`, { method, headers, body, redirect: 'manual' })
    shown.add(what, 'status', `${response.status} ${response.statusText}`)
    shown.value(`${what} headers`, Object.fromEntries(response.headers))
    shown.add(what, 'raw headers', [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n'))
    shown.add(what, 'body', await response.text())
  }
}

/** The sandbox binary: $X_API_AUTH_SANDBOX_BIN, or the workspace's debug build (as test/hostile_server.test.js finds it). */
function sandboxBinary() {
  if (process.env.X_API_AUTH_SANDBOX_BIN) return process.env.X_API_AUTH_SANDBOX_BIN
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
  const triples = fs.existsSync(target) ? fs.readdirSync(target) : []
  for (const dir of [process.env.CARGO_BUILD_TARGET || '', ...triples]) {
    const candidate = path.join(target, dir, 'debug', 'x-api-auth-sandbox')
    if (fs.existsSync(candidate)) return candidate
  }
  return undefined
}

async function sandboxOutput(walk, shown) {
  await canaryRequests(walk, shown, walk.world.baseUrl, 'in-process sandbox')
  const config = { ...walk.world.sandbox.info }
  delete config.base_url
  config.apps = config.apps.map((app) => ({ ...app, consumer_secret: canary('sbxcs'), access_token_secret: canary('sbxts'), clients: app.clients.map((c) => ({ ...c, client_secret: c.client_secret && canary('sbxclient') })) }))
  const configured = await shown.result('Sandbox.start with canary secrets', () => x.Sandbox.start(JSON.stringify(config)))
  configured?.stop()
  const binary = sandboxBinary()
  if (!binary) {
    walk.notes.push('sandbox.output: no sandbox binary (cargo build -p x-api-auth-sandbox): its stdout and stderr were not checked')
    return
  }
  const child = spawn(binary, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  const exited = once(child, 'exit')
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the sandbox binary printed no info line within 10 s')), 10_000)
      const check = () => stdout.includes('\n') && (clearTimeout(timer), resolve())
      child.stdout.on('data', check)
      child.once('error', (e) => (clearTimeout(timer), reject(e)))
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the sandbox binary exited (${code}): ${stderr.slice(0, 300)}`))))
      check()
    })
    const info = JSON.parse(stdout.slice(0, stdout.indexOf('\n')))
    await canaryRequests(walk, shown, info.base_url, 'sandbox binary')
  } finally {
    child.kill('SIGINT')
    await exited
  }
  shown.add('sandbox binary', 'stdout after its info line', stdout.slice(stdout.indexOf('\n') + 1))
  shown.add('sandbox binary', 'stderr', stderr)
}

function panicMessages(walk, shown) {
  for (const [what, e] of walk.panics) shown.error(`X_INTERNAL in ${what}`, e)
}

/** One check per path of the shared list. */
const CHECKS = {
  'credential.text': credentialText,
  'flow_result.text': flowResults,
  'error.invalid_input': invalidInputs,
  'error.transport': transportErrors,
  'error.refused_login': refusedLogins,
  'error.store': storeErrors,
  'manager.text': managerText,
  'sandbox.output': sandboxOutput,
  'panic.message': panicMessages, // last: the X_INTERNAL errors the other walks saw
}

/** Paths that show errors: each must have raised at least one. */
const ERROR_PATHS = new Set(['error.invalid_input', 'error.transport', 'error.refused_login', 'error.store'])

const walk = { world: undefined, secrets: [], panics: [], escaped: [], notes: [], shown: new Map(), broken: new Map() }

test('every output path of tests/leaks/output-paths.json has a check, and no other', () => {
  assert.deepEqual(Object.keys(CHECKS).sort(), Object.keys(LIST.paths).sort())
})

test('the walk over every output path', async (t) => {
  walk.world = startSandbox()
  const { app } = walk.world
  walk.secrets.push(app.consumer_secret, app.access_token_secret, ...app.clients.map((c) => c.client_secret).filter(Boolean))
  try {
    for (const [id, check] of Object.entries(CHECKS)) {
      const shown = new Shown(walk)
      walk.shown.set(id, shown)
      try {
        await check(walk, shown)
      } catch (e) {
        walk.broken.set(id, e)
      }
    }
  } finally {
    walk.world.stop()
  }
  for (const note of walk.notes) t.diagnostic(note)
  t.diagnostic(`${walk.secrets.length} secrets issued or generated while walking`)
})

for (const id of Object.keys(LIST.paths)) {
  test(`output path ${id} shows no canary and no issued secret`, (t) => {
    const shown = walk.shown.get(id)
    assert.ok(shown, `${id} has no check`)
    const broken = walk.broken.get(id)
    if (broken) {
      const detail = `${broken.code ?? broken.name}: ${broken.message}`.replaceAll(MARKER, '[marker]')
      assert.fail(`${id}: the walk is broken: ${detail}`)
    }
    if (id !== 'panic.message') {
      assert.ok(shown.texts.some(({ text }) => text.length > 0), `${id} showed nothing: the walk is broken`)
    }
    if (ERROR_PATHS.has(id)) assert.ok(shown.errors > 0, `${id} raised no error: the walk is broken`)
    for (const what of shown.succeeded) if (ERROR_PATHS.has(id)) t.diagnostic(`${id}: ${what} did not fail`)
    t.diagnostic(`${id}: ${shown.texts.length} texts checked`)
    const leaks = shown.leaks(walk.secrets.filter((s) => typeof s === 'string' && s.length >= 8))
    if (leaks.length > 0) assert.fail(`${id} leaks (${leaks.length} calls):\n${leaks.join('\n')}`)
  })
}

test('no error escaped as something else than an XAuthError while walking', () => {
  assert.deepEqual(walk.escaped.map((e) => e.replaceAll(MARKER, '[marker]')), [])
})
