'use strict'
// X's published vectors, RFC 5849, RFC 7636 and the webhook vectors: the same files the Rust and Python tests read.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')
const { vectors } = require('./helpers')

test('OAuth 1.0a signature vectors', () => {
  const cases = vectors('oauth1_signatures.json').cases
  assert.ok(cases.length >= 9)
  for (const c of cases) {
    const signer = new x.OAuth1({
      consumerKey: c.consumer_key,
      consumerSecret: c.consumer_secret,
      token: c.token,
      tokenSecret: c.token_secret,
      signatureMethod: c.signature_method,
      realm: c.realm,
      includeVersion: c.include_version,
    })
    const signed = signer.sign({
      method: c.method,
      url: c.url,
      form: c.form,
      formBody: c.form_body,
      nonce: c.nonce,
      timestamp: c.timestamp,
      callback: c.callback,
    })
    if (c.base_string) assert.equal(signed.baseString, c.base_string, c.name)
    assert.ok(signed.authorization.includes(`oauth_signature="${x.percentEncode(c.signature)}"`), c.name)
    if (c.authorization) assert.equal(signed.authorization, c.authorization, c.name)
    if (c.realm) assert.ok(signed.authorization.startsWith(`OAuth realm="${c.realm}", `), c.name)
  }
})

test('the stable signing surface takes a form object', () => {
  const c = vectors('oauth1_signatures.json').cases[0]
  const signer = new x.OAuth1({ consumerKey: c.consumer_key, consumerSecret: c.consumer_secret, token: c.token, tokenSecret: c.token_secret })
  const header = signer.authorizationHeader({ method: 'POST', url: c.url, form: Object.fromEntries(c.form), nonce: c.nonce, timestamp: c.timestamp })
  assert.equal(header, c.authorization)
})

test('OAuth 2.0 vectors: Basic and PKCE', () => {
  const file = vectors('oauth2.json')
  for (const c of file.basic) assert.equal(x.basicAuthorization(c.id, c.secret), c.authorization, c.name)
  for (const c of file.pkce) assert.equal(x.pkceChallenge(c.verifier, c.method), c.challenge, c.name)
  for (const c of file.invalid_verifiers) {
    assert.throws(() => x.pkceChallenge(c.verifier), (e) => e instanceof x.XAuthError && e.code === 'X_INVALID_INPUT', c.name)
  }
})

test('webhook vectors', () => {
  const file = vectors('webhooks.json')
  for (const c of file.signatures) {
    x.verifyWebhookSignature(c.consumer_secret, Buffer.from(c.body), c.signature)
    assert.throws(() => x.verifyWebhookSignature(c.consumer_secret, Buffer.from(`${c.body} `), c.signature), x.XAuthError)
  }
  for (const c of file.crc) assert.equal(x.crcResponseToken(c.consumer_secret, c.crc_token), c.response_token)
})

test('percent-encoding vectors', () => {
  for (const c of vectors('percent_encoding.json').cases) assert.equal(x.percentEncode(c.input), c.encoded)
})

test('error vectors', () => {
  for (const c of vectors('errors.json').cases) {
    const e = x.parseError(c.status, c.body)
    assert.ok(e instanceof x.XAuthError, c.name)
    assert.equal(e.status, c.status, c.name)
    assert.equal(e.xCode ?? null, c.code, c.name)
    assert.equal(e.kind, c.kind, c.name)
    assert.equal(e.apiMessage, c.message, c.name)
    assert.equal(e.problemType, c.problem_type, c.name)
  }
})
