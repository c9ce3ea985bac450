'use strict'
// The public surface: error codes from the core, the core's fields in
// camelCase, and the core's header logic behind `authorize`.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const x = require('..')
const native = require('../native.js')

test('ErrorCodes lists every code of the core, by its name without X_', () => {
  assert.deepEqual(Object.values(x.ErrorCodes).sort(), native.errorCodes().sort())
  assert.equal(x.ErrorCodes.UNAUTHORIZED_CLIENT, 'X_UNAUTHORIZED_CLIENT')
  assert.ok(Object.isFrozen(x.ErrorCodes))
})

test("errors carry the core's fields in camelCase", () => {
  const e = x.parseError(401, '{"errors":[{"code":89,"message":"Invalid or expired token."}]}')
  assert.ok(e instanceof x.XAuthError)
  assert.deepEqual([e.code, e.xCode, e.status, e.apiMessage, e.kind], ['X_INVALID_TOKEN', 89, 401, 'Invalid or expired token.', 'invalid_token'])
  const client = x.parseError(401, '{"error":"unauthorized_client","error_description":"Missing valid authorization header"}')
  assert.equal(client.code, 'X_UNAUTHORIZED_CLIENT')
  assert.ok(client.hint)
})

test('authorize signs form bodies only, by content type', () => {
  const oauth1 = new x.OAuth1({ consumerKey: 'ck', consumerSecret: 'cs', token: '1-t', tokenSecret: 'ts' })
  const url = 'https://api.x.com/1.1/statuses/update.json'
  const cases = [
    ['application/x-www-form-urlencoded', 'status=hi', true],
    ['Application/X-WWW-Form-Urlencoded;charset=UTF-8', 'status=hi', true],
    ['application/json', '{"status":"hi"}', false],
    [undefined, 'status=hi', false],
  ]
  for (const [contentType, body, signed] of cases) {
    const header = x.authorize(oauth1, { method: 'POST', url, contentType, body })
    const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
    const expected = oauth1.authorizationHeader({
      method: 'POST',
      url,
      form: signed ? { status: 'hi' } : undefined,
      nonce: params.oauth_nonce,
      timestamp: Number(params.oauth_timestamp),
    })
    assert.equal(header, expected, `${contentType} ${body}`)
  }
  const token = new x.OAuth2UserToken({ accessToken: 'user-token' })
  assert.equal(x.authorize(token, { method: 'GET', url }), 'Bearer user-token')
  assert.equal(token.authorizationHeader(), 'Bearer user-token')
  assert.throws(() => x.authorize(new x.BearerToken('a\r\nb'), { method: 'GET', url }), (e) => e.code === 'X_INVALID_INPUT')
})

test('sandbox info and base URL', () => {
  const sandbox = x.Sandbox.start()
  try {
    assert.equal(sandbox.info.base_url, sandbox.baseUrl)
    assert.ok(sandbox.info.apps[0].consumer_key)
  } finally {
    sandbox.stop()
  }
})

test('plain http to a remote host is refused', () => {
  assert.throws(() => new x.XAuth({ apiBase: 'http://api.x.com' }), (e) => e.code === 'X_INSECURE_TRANSPORT' && e.url === 'http://api.x.com')
  new x.XAuth({ apiBase: 'http://127.0.0.1:9', webBase: 'http://localhost:9' })
  new x.XAuth({ apiBase: 'http://proxy.internal', webBase: 'http://proxy.internal', insecureAllowHttp: true })
})

test("requests name the package, the binding and the caller's product", () => {
  const client = new x.XAuth({ userAgent: 'mybot/1.2' })
  assert.match(client.userAgent, /^x-api-auth\/\d+\.\d+\.\d+\S* \(node\) mybot\/1\.2$/)
  assert.throws(() => new x.XAuth({ userAgent: 'bot\r\nX-Evil: 1' }), (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT')
})

/** The names of a parameter list (`a: T, b?: U | null`), split at its top-level commas. */
function parameterNames(list, where) {
  const names = []
  let depth = 0
  let current = ''
  for (let i = 0; i < list.length; i++) {
    const c = list[i]
    if ('([{<'.includes(c)) depth++
    else if (')]}'.includes(c) || (c === '>' && list[i - 1] !== '=')) depth--
    if (c === ',' && depth === 0) {
      names.push(current)
      current = ''
    } else {
      current += c
    }
  }
  if (current.trim()) names.push(current)
  return names.map((p) => {
    const name = /^\s*(?:\.\.\.)?(\w+)\??\s*:/.exec(p)?.[1]
    if (!name) throw new Error(`native.d.ts: cannot read the parameter ${JSON.stringify(p)} of ${where}`)
    return name
  })
}

/** The text between the parenthesis at `open` and the one that closes it. */
function inParentheses(text, open, where) {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i)
  }
  throw new Error(`native.d.ts: unbalanced parentheses in ${where}`)
}

/**
 * Every native callable of a native.d.ts with its parameter names, keyed as
 * the facade's PARAMETERS table keys them: `new Class`, `Class#method`,
 * `Class.staticMethod`, `function`. A line it cannot read is an error, so
 * that a change of napi's output cannot make callables silently disappear.
 */
function nativeSignatures(dts) {
  const signatures = new Map()
  const lines = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').split('\n')
  let inClass = null
  let inInterface = false
  for (const raw of lines) {
    const line = raw.trim()
    if (!line) continue
    if (inInterface) {
      if (line === '}') inInterface = false
      continue
    }
    if (inClass === null) {
      const declared = /^export declare class (\w+)\b[^{]*\{\s*(\})?$/.exec(line)
      if (declared) {
        if (!declared[2]) inClass = declared[1]
        continue
      }
      if (/^export (declare )?interface \w+\b[^{]*\{$/.test(line)) {
        inInterface = true
        continue
      }
      const fn = /^export declare function (\w+)\s*(?:<[^(]*>)?\(/.exec(line)
      if (fn) {
        signatures.set(fn[1], parameterNames(inParentheses(line, fn[0].length - 1, fn[1]), fn[1]))
        continue
      }
      if (/^export (declare )?(const|type|enum|interface) /.test(line) || /^export \{/.test(line)) continue
      throw new Error(`native.d.ts: cannot read ${JSON.stringify(line)}`)
    }
    if (line === '}') {
      inClass = null
      continue
    }
    if (/^(static\s+)?(readonly\s+)?(get|set)\s+\w+\s*\(/.test(line) || /^(static\s+)?(readonly\s+)?\w+\??\s*:/.test(line)) continue
    const method = /^(static\s+)?(constructor|\w+)\s*(?:<[^(]*>)?\(/.exec(line)
    if (!method) throw new Error(`native.d.ts: cannot read ${JSON.stringify(line)} in class ${inClass}`)
    const key = method[2] === 'constructor' ? `new ${inClass}` : method[1] ? `${inClass}.${method[2]}` : `${inClass}#${method[2]}`
    signatures.set(key, parameterNames(inParentheses(line, method[0].length - 1, key), key))
  }
  return signatures
}

/** How `parameters` (the facade's table) differs from `signatures` (native.d.ts). */
function parameterDrift(parameters, signatures) {
  const problems = []
  for (const [key, names] of Object.entries(parameters)) {
    if (!signatures.has(key)) problems.push(`${key}: in PARAMETERS, not in native.d.ts`)
    else if (names !== signatures.get(key).join(' ')) problems.push(`${key}: PARAMETERS says '${names}', native.d.ts '${signatures.get(key).join(' ')}'`)
  }
  for (const [key, names] of signatures) {
    if (names.length > 0 && !Object.hasOwn(parameters, key)) problems.push(`${key}: takes '${names.join(' ')}' (native.d.ts), not in PARAMETERS`)
  }
  return problems
}

const NATIVE_DTS = path.join(__dirname, '..', 'native.d.ts')
const PARAMETERS = x[Symbol.for('x-api-auth.parameters')]

test("the facade's PARAMETERS table names the parameters native.d.ts declares, for every native call that takes any", () => {
  assert.ok(PARAMETERS && typeof PARAMETERS === 'object', 'index.js exposes PARAMETERS under Symbol.for("x-api-auth.parameters")')
  const signatures = nativeSignatures(fs.readFileSync(NATIVE_DTS, 'utf8'))
  // the parser saw the native module's callables: constructors, methods, static methods, functions
  for (const key of ['new XAuth', 'XAuth#send', 'OAuth1.fromCredentials', 'openStore', 'TokenManager#saveLogin']) assert.ok(signatures.has(key), key)
  for (const name of Object.keys(native)) {
    if (typeof native[name] === 'function' && !/^[A-Z]/.test(name)) assert.ok(signatures.has(name), `native.${name} is declared in native.d.ts`)
  }
  assert.deepEqual(parameterDrift(PARAMETERS, signatures), [])
})

test('the PARAMETERS drift check notices a renamed, an added and a removed parameter', () => {
  const dts = fs.readFileSync(NATIVE_DTS, 'utf8')
  const changed = dts
    .replace('crcResponseToken(consumerSecret: string, crcToken: string)', 'crcResponseToken(secret: string, crcToken: string)')
    .replace('obtainBearer(consumer: ConsumerKeys)', 'obtainBearer(consumer: ConsumerKeys, options?: XAuthOptions | undefined | null)')
    .replace('expiresWithin(seconds: number)', 'expiresWithin()')
    .replace('export declare function percentEncode(', 'export declare function percentEncodeAll(value: string): string\nexport declare function percentEncode(')
  assert.notEqual(changed, dts)
  assert.deepEqual(parameterDrift(PARAMETERS, nativeSignatures(changed)).sort(), [
    "OAuth2UserToken#expiresWithin: PARAMETERS says 'seconds', native.d.ts ''",
    "XAuth#obtainBearer: PARAMETERS says 'consumer', native.d.ts 'consumer options'",
    "crcResponseToken: PARAMETERS says 'consumerSecret crcToken', native.d.ts 'secret crcToken'",
    "percentEncodeAll: takes 'value' (native.d.ts), not in PARAMETERS",
  ])
})

test('PARAMETERS stays out of the public API: not enumerable, frozen', () => {
  assert.ok(!Object.keys(x).some((k) => /parameter/i.test(k)))
  assert.equal(Object.getOwnPropertyDescriptor(x, Symbol.for('x-api-auth.parameters')).enumerable, false)
  assert.ok(Object.isFrozen(PARAMETERS))
})

test('the command runs from the package and signs like it', () => {
  const { spawnSync } = require('node:child_process')
  const path = require('node:path')
  const bin = path.join(__dirname, '..', 'bin', 'x-api-auth.js')
  const r = {
    url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
    status: 'Hello Ladies + Gentlemen, a signed OAuth request!',
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
    nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
    timestamp: 1318622958,
  }
  const args = ['sign', '--method', 'POST', '--url', r.url, '--form', `status=${r.status}`, '--consumer-key', r.consumerKey,
    '--consumer-secret', r.consumerSecret, '--token', r.token, '--token-secret', r.tokenSecret, '--nonce', r.nonce, '--timestamp', String(r.timestamp)]
  const signed = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
  assert.equal(signed.status, 0, signed.stderr)
  const oauth1 = new x.OAuth1({ consumerKey: r.consumerKey, consumerSecret: r.consumerSecret, token: r.token, tokenSecret: r.tokenSecret })
  const expected = oauth1.authorizationHeader({ method: 'POST', url: r.url, form: { status: r.status }, nonce: r.nonce, timestamp: r.timestamp })
  assert.equal(signed.stdout.trim(), expected)
  assert.ok(expected.includes('oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"'))
  const store = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'x-api-auth-bin-'))
  const missing = spawnSync(process.execPath, [bin, 'apps', 'show'], { encoding: 'utf8', env: { X_API_AUTH_STORE: `file:${store}/s`, PATH: process.env.PATH } })
  assert.equal(missing.status, 3)
  assert.match(missing.stderr, /^error: .*apps add/)
})
