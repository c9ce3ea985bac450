'use strict'
// The public surface: error codes from the core, the core's fields in
// camelCase, and the core's header logic behind `authorize`.
const test = require('node:test')
const assert = require('node:assert/strict')
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
