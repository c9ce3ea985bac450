'use strict'
// Inputs as JavaScript users write them: forms (a plain object with numbers and
// arrays, URLSearchParams, a Map, [key, value] pairs), scopes (an array or one
// string), conflicting options, options objects, and a login in progress that
// survives toCompact/fromCompact. Every accepted form signs as the same form
// written as [key, value] string pairs (a fixed nonce and timestamp); every
// refused one is an XAuthError naming the argument, the key and the expected type.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const x = require('..')
const { CALLBACK, consent, managerWithLogin, startSandbox } = require('./helpers')

const URL_ = 'https://api.x.com/1.1/statuses/update.json'
const FIXED = { nonce: 'n0nce', timestamp: 1700000000 }
const PAIRS = [['a', 'b'], ['count', '200'], ['id', '1'], ['id', '2'], ['q', 'café']]
const X_SCOPES = ('tweet.read tweet.write tweet.moderate.write users.email users.read follows.read follows.write offline.access ' +
  'space.read mute.read mute.write like.read like.write list.read list.write block.read block.write bookmark.read ' +
  'bookmark.write dm.read dm.write media.write').split(' ')

/** Every accepted shape of the form PAIRS. */
const ACCEPTED = {
  'pairs from JSON.parse': () => JSON.parse(JSON.stringify(PAIRS)),
  'a plain object with a number and an array': () => ({ a: 'b', count: 200, id: ['1', '2'], q: 'café' }),
  'a plain object with a bigint, Buffers and an empty array': () => ({ a: Buffer.from('b'), none: [], count: 200n, id: [1, new TextEncoder().encode('2')], q: 'café' }),
  'an object without a prototype': () => Object.assign(Object.create(null), { a: 'b', count: 200, id: ['1', '2'], q: 'café' }),
  URLSearchParams: () => new URLSearchParams(PAIRS),
  'URLSearchParams from an object': () => { const p = new URLSearchParams({ a: 'b', count: '200' }); p.append('id', '1'); p.append('id', '2'); p.append('q', 'café'); return p },
  Map: () => new Map([['a', 'b'], ['count', 200], ['id', ['1', '2']], ['q', 'café']]),
  'pairs with numbers': () => [['a', 'b'], ['count', 200], ['id', 1], ['id', 2], ['q', 'café']],
  'an encoded form': () => 'a=b&count=200&id=1&id=2&q=caf%C3%A9',
}

const signer = () => new x.OAuth1({ consumerKey: 'consumer-key', consumerSecret: 'consumer-secret', token: '1-token', tokenSecret: 'token-secret' })

test('every accepted form signs as its [key, value] string pairs', () => {
  const expected = signer().sign({ method: 'POST', url: URL_, form: PAIRS, ...FIXED })
  for (const [shape, make] of Object.entries(ACCEPTED)) {
    const signed = signer().sign({ method: 'POST', url: URL_, form: make(), ...FIXED })
    assert.equal(signed.baseString, expected.baseString, shape)
    assert.equal(signed.authorization, expected.authorization, shape)
    assert.equal(signer().authorizationHeader({ method: 'POST', url: URL_, form: make(), ...FIXED }), expected.authorization, shape)
  }
})

test('the common call (a form of strings, no other option) signs as the general one', () => {
  // authorizationHeader({ method, url, form }) takes a faster native path when the form is a
  // plain object of strings; re-signed with its nonce and timestamp through the general path
  // (a fixed nonce), the header must be the same.
  const forms = {
    'no form': undefined,
    'an empty object': {},
    'reserved characters and unicode': { status: 'Hello Ladies + Gentlemen, a signed OAuth request!', 'k&=+ %': 'café ☕ 🐦 a=b&c', '': '' },
    'a NUL in a value (the general path)': { a: 'x\0y' },
    'a NUL in a key (the general path)': { 'a\0b': 'c' },
    'a number (the general path)': { n: 5 },
    '[key, value] pairs': [['status', 'a b'], ['status', 'c'], ['k&=', '☕']],
    '[key, value] pairs with a number (the general path)': [['a', 1]],
  }
  for (const [shape, form] of Object.entries(forms)) {
    for (const method of ['POST', 'post']) {
      const header = signer().authorizationHeader({ method, url: `${URL_}?include_entities=true`, form })
      const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2])]))
      const again = signer().authorizationHeader({
        method, url: `${URL_}?include_entities=true`, form, nonce: params.oauth_nonce, timestamp: Number(params.oauth_timestamp),
      })
      assert.equal(header, again, `${shape} (${method})`)
    }
  }
  const refused = (request, field) => assert.throws(() => signer().authorizationHeader(request), (e) => e instanceof x.XAuthError && e.field === field)
  refused({ method: 'POST', url: 'relative', form: { a: 'b' } }, 'url')
  refused({ method: 'PO ST', url: URL_, form: { a: 'b' } }, 'method')
  refused({ method: 'POST', url: URL_, form: Object.assign(Object.create({ hidden: 'x' }), { a: 'b' }) }, 'form')
  refused({ method: 'POST', url: URL_, form: [['only-key']] }, 'form')
})

test('each signer signs the common call with its own keys, and only on an OAuth1', () => {
  // The common call goes through a function made once per signer: it must never mix signers.
  const a = new x.OAuth1({ consumerKey: 'key-a', consumerSecret: 's' })
  const b = new x.OAuth1({ consumerKey: 'key-b', consumerSecret: 's', token: '1-t', tokenSecret: 't' })
  for (let i = 0; i < 3; i++) {
    assert.match(a.authorizationHeader({ method: 'GET', url: URL_ }), /oauth_consumer_key="key-a"/)
    const header = b.authorizationHeader({ method: 'GET', url: URL_, form: { q: 'x' } })
    assert.match(header, /oauth_consumer_key="key-b".*oauth_token="1-t"/)
  }
  assert.throws(
    () => x.OAuth1.prototype.authorizationHeader.call({}, { method: 'GET', url: URL_ }),
    (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT',
  )
})

test('numbers read as String() writes them', () => {
  for (const [value, text] of [[1.5, '1.5'], [200, '200'], [-0, '0'], [1e21, '1e+21'], [2n ** 70n, String(2n ** 70n)], [0.1 + 0.2, '0.30000000000000004']]) {
    const a = signer().sign({ method: 'POST', url: URL_, form: { n: value }, ...FIXED }).baseString
    const b = signer().sign({ method: 'POST', url: URL_, form: [['n', text]], ...FIXED }).baseString
    assert.equal(a, b, text)
  }
})

test('forms sent reach the server as their pairs; authorize and authorizedFetch sign forms the server verifies', async () => {
  const world = startSandbox()
  try {
    const xauth = world.xauth()
    for (const [shape, make] of Object.entries(ACCEPTED)) {
      const echoed = (await xauth.send(world.owner(), 'POST', '/2/echo', { form: make() })).json()
      assert.deepEqual(echoed.form, PAIRS, shape)
    }
    const { manager } = await managerWithLogin(world)
    const echoed = (await manager.send(null, 'POST', '/2/echo', { form: ACCEPTED.Map() })).json()
    assert.deepEqual(echoed.form, PAIRS)

    // The header authorize makes for a form verifies for the encoded form sent.
    const url = `${world.baseUrl}/2/echo`
    const encoded = 'a=b&count=200&id=1&id=2&q=caf%C3%A9'
    for (const shape of ['a plain object with a number and an array', 'URLSearchParams', 'Map', 'pairs from JSON.parse']) {
      const authorization = x.authorize(world.owner(), { method: 'POST', url, body: ACCEPTED[shape]() })
      const response = await fetch(url, { method: 'POST', body: encoded, headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' } })
      assert.equal(response.status, 200, `${shape}: ${await response.clone().text()}`)
      assert.deepEqual((await response.json()).form, PAIRS, shape)
    }
    const fetchX = x.authorizedFetch(world.owner())
    for (const body of [new URLSearchParams(PAIRS), Buffer.from(encoded), new TextEncoder().encode(encoded), new TextEncoder().encode(encoded).buffer]) {
      const init = body instanceof URLSearchParams ? { method: 'POST', body } : { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
      const response = await fetchX(url, init)
      assert.equal(response.status, 200, `${body.constructor.name}: ${await response.clone().text()}`)
      assert.deepEqual((await response.json()).form, PAIRS, body.constructor.name)
    }
  } finally {
    world.stop()
  }
})

/** Refused forms: the error's class of words in the message. */
const REFUSED = [
  [{ flag: true }, ["'flag'", 'boolean', 'expected a string, a number']],
  [{ n: null }, ["'n'", 'null']],
  [{ u: undefined }, ["'u'", 'undefined']],
  [{ nested: { x: 1 } }, ["'nested'", 'object']],
  [{ id: [['1']] }, ["'id'", 'list holding a value of type array']],
  [{ id: ['1', false] }, ["'id'", 'boolean']],
  [{ s: Symbol('s') }, ["'s'", 'symbol']],
  [{ f() {} }, ["'f'", 'function']],
  [{ k: Buffer.from([0xff]) }, ["'k'", 'not UTF-8']],
  [{ k: NaN }, ["'k'", 'not finite']],
  [{ k: Infinity }, ["'k'", 'not finite']],
  [{ k: new Float32Array(1) }, ["'k'", 'typed array']],
  [new Map([[1, 'a']]), ['key of entry #0', 'number', 'keys are strings']],
  [[['a', 'b', 'c']], ['entry #0', '3 items', 'a key and a value']],
  [[['a', 'b'], ['c']], ['entry #1', '1 items']],
  [['ab'], ['entry #0', 'string']],
  [[1], ['entry #0', 'number']],
  [5, ['expected an object, URLSearchParams, a Map or an array of [key, value] pairs', 'got number']],
  [true, ['got boolean']],
  [new Set(['a']), ['not a plain one']],
  [new Date(0), ['not a plain one']],
  ['a=%zz', ['percent-encoding']],
]

test('refused forms name the argument, the key and the expected type', async () => {
  const world = startSandbox()
  try {
    const { manager } = await managerWithLogin(world)
    const xauth = new x.XAuth()
    for (const [form, words] of REFUSED) {
      const calls = {
        'OAuth1#sign': () => signer().sign({ method: 'POST', url: URL_, form, ...FIXED }),
        'OAuth1#authorizationHeader': () => signer().authorizationHeader({ method: 'POST', url: URL_, form }),
        'XAuth#send': () => xauth.send(signer(), 'POST', '/2/echo', { form }),
        'TokenManager#send': () => manager.send(null, 'POST', '/2/echo', { form }),
      }
      if (typeof form !== 'string' && typeof form !== 'number' && typeof form !== 'boolean') {
        calls.authorize = () => x.authorize(signer(), { method: 'POST', url: URL_, body: form })
      }
      for (const [name, call] of Object.entries(calls)) {
        const argument = name === 'authorize' ? 'body' : 'form'
        await assert.rejects(async () => call(), (e) => {
          assert.ok(e instanceof x.XAuthError, `${name}: ${e}`)
          assert.equal(e.code, 'X_INVALID_INPUT', name)
          assert.equal(e.field, argument, name)
          assert.ok(e.message.startsWith(`invalid ${argument}: `), `${name}: ${e.message}`)
          for (const word of words) assert.ok(e.message.includes(word), `${name}: ${e.message} lacks ${word}`)
          return true
        })
      }
    }
  } finally {
    world.stop()
  }
})

test('conflicting options are refused naming both', async () => {
  const world = startSandbox()
  try {
    const { manager } = await managerWithLogin(world)
    const calls = [
      ['formBody', () => signer().sign({ method: 'POST', url: URL_, form: { a: 'b' }, formBody: 'a=b' })],
      ['formBody', () => signer().authorizationHeader({ method: 'POST', url: URL_, form: [['a', 'b']], formBody: 'a=b' })],
      ['formBody', () => signer().authorizationHeader({ method: 'POST', url: URL_, form: new URLSearchParams('a=b'), formBody: 'a=b' })],
      ['json', () => new x.XAuth().send(signer(), 'POST', '/2/x', { form: { a: 'b' }, json: {} })],
      ['json', () => manager.send(null, 'POST', '/2/echo', { form: new Map(), json: { a: 1 } })],
    ]
    for (const [other, call] of calls) {
      await assert.rejects(async () => call(), (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT' && e.field === 'form' && e.message.includes(other))
    }
    // An empty form is no form: nothing to conflict with.
    const onlyBody = signer().sign({ method: 'POST', url: URL_, formBody: 'a=b', ...FIXED }).baseString
    assert.equal(signer().sign({ method: 'POST', url: URL_, form: [], formBody: 'a=b', ...FIXED }).baseString, onlyBody)
    assert.throws(() => x.authorize(signer(), { method: 'POST', url: URL_, contentType: 'application/json', body: { a: 'b' } }), (e) => e.field === 'body' && /contentType "application\/json"/.test(e.message))
  } finally {
    world.stop()
  }
})

test('a value that is no options object says which options object is expected', () => {
  const cases = [
    [() => new x.OAuth1('ck', 'cs'), 'options', 'new OAuth1 expects an options object { consumerKey, consumerSecret, token, tokenSecret, signatureMethod, realm, includeVersion }, got string'],
    [() => new x.OAuth1(), 'options', 'got undefined'],
    [() => new x.ConsumerKeys('k', 's'), 'options', 'new ConsumerKeys expects an options object { key, secret }'],
    [() => new x.AccessToken(['t', 's']), 'options', 'got an array'],
    [() => new x.OAuth2Client('id'), 'options', '{ clientId, clientSecret }'],
    [() => new x.OAuth2UserToken('at'), 'options', '{ accessToken, refreshToken, expiresAt, scopes }'],
    [() => new x.XAuth('https://api.x.com'), 'options', 'new XAuth expects an options object'],
    [() => signer().sign('POST'), 'request', 'OAuth1#sign() expects an options object { method, url, form'],
    [() => signer().authorizationHeader(null), 'request', 'got null'],
    [() => x.authorize(signer(), 'POST'), 'request', 'authorize() expects an options object { method, url, contentType, body }'],
    [() => new x.XAuth().send(signer(), 'GET', '/2/users/me', 'form'), 'options', 'XAuth#send() expects an options object { form, json }'],
  ]
  for (const [call, field, words] of cases) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT', String(e))
      assert.equal(e.field, field, e.message)
      assert.ok(e.message.includes(words), e.message)
      return true
    })
  }
  // Left out where they are optional.
  assert.ok(new x.XAuth())
  assert.ok(new x.XAuth(null))
})

test('the options objects the facade describes hold the fields native.d.ts declares', () => {
  const options = x[Symbol.for('x-api-auth.options')]
  const dts = fs.readFileSync(path.join(__dirname, '..', 'native.d.ts'), 'utf8')
  for (const [name, [, , type, shape]] of Object.entries(options)) {
    const body = new RegExp(`export interface ${type} \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1]
    assert.ok(body, `${name}: no interface ${type} in native.d.ts`)
    for (const field of shape.replace(/[{}.,]/g, ' ').split(/\s+/).filter(Boolean)) {
      assert.match(body, new RegExp(`\\n  ${field}\\??:`), `${name}: ${type} has no ${field}`)
    }
  }
})

// Scopes

const start = (scopes) => new x.XAuth().startAuthorization(new x.OAuth2Client({ clientId: 'client-id' }), CALLBACK, scopes)
const scopeOf = (pending) => decodeURIComponent(new URL(pending.url).searchParams.get('scope'))

test('scopes as an array or one string', () => {
  for (const scopes of [
    ['tweet.read', 'users.read', 'offline.access'],
    'tweet.read users.read offline.access',
    '  tweet.read,users.read  offline.access ',
    ['tweet.read users.read', 'offline.access', 'users.read'],
  ]) {
    assert.equal(scopeOf(start(scopes)), 'tweet.read users.read offline.access', JSON.stringify(scopes))
  }
  assert.equal(scopeOf(start(X_SCOPES)), X_SCOPES.join(' '))
})

test('an unknown scope is refused with X\'s scopes listed; a newer one passes as custom:', () => {
  assert.throws(() => start('tweet.read tweet.reed'), (e) => {
    assert.ok(e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT' && e.field === 'scopes')
    assert.ok(e.message.includes('"tweet.reed" is not one of X\'s scopes (did you mean tweet.read?)'), e.message)
    for (const scope of X_SCOPES) assert.ok(e.message.includes(scope), `${e.message} lacks ${scope}`)
    assert.ok(e.message.includes('custom:'), e.message)
    return true
  })
  assert.equal(scopeOf(start(['tweet.read', 'custom:tweet.summarize'])), 'tweet.read tweet.summarize')
  assert.throws(() => start('custom:'), (e) => e.field === 'scopes' && /names no scope/.test(e.message))
})

test('scopes of the wrong type name the argument', () => {
  for (const [scopes, words] of [
    [5, 'expected an array of scope names or one space-separated string, got number'],
    [undefined, 'got undefined'],
    [{ 0: 'tweet.read' }, 'got object'],
    [['tweet.read', 5], 'item #1 is of type number'],
  ]) {
    assert.throws(() => start(scopes), (e) => e instanceof x.XAuthError && e.field === 'scopes' && e.message.includes(words), words)
  }
})

test('a token takes its granted scopes as an array or one string, kept as X names them', () => {
  const fromString = new x.OAuth2UserToken({ accessToken: 'at', scopes: 'tweet.read users.read' })
  const fromArray = new x.OAuth2UserToken({ accessToken: 'at', scopes: ['tweet.read', 'users.read'] })
  assert.deepEqual(fromString.scopes, ['tweet.read', 'users.read'])
  assert.deepEqual(fromArray.scopes, fromString.scopes)
  assert.deepEqual(new x.OAuth2UserToken({ accessToken: 'at', scopes: 'space.write custom:x' }).scopes, ['space.write', 'x'])
  assert.throws(() => new x.OAuth2UserToken({ accessToken: 'at', scopes: 5 }), (e) => e.field === 'scopes')
})

// A login in progress

test('the consent URL survives toCompact and fromCompact, and the restored login finishes', async () => {
  const pending = start('tweet.read')
  const restored = x.PendingAuthorization.fromCompact(pending.toCompact())
  assert.equal(restored.url, pending.url)
  assert.ok(restored.url.startsWith('https://x.com/i/oauth2/authorize?'))
  assert.throws(() => x.PendingAuthorization.fromCompact('xpa1.c3RhdGUKdmVyaWZpZXIKaHR0cHM6Ly9hcHAuZXhhbXBsZS9jYg'), (e) => e.code === 'X_INVALID_INPUT' && /earlier version/.test(e.message))

  const world = startSandbox()
  try {
    const xauth = world.xauth()
    const client = world.client()
    const kept = xauth.startAuthorization(client, CALLBACK, 'tweet.read users.read offline.access').toCompact()
    const again = x.PendingAuthorization.fromCompact(kept)
    const { location } = await consent(again.url)
    const token = await xauth.finishAuthorization(client, again, location)
    assert.deepEqual(token.scopes, ['tweet.read', 'users.read', 'offline.access'])
  } finally {
    world.stop()
  }
})
