// Smoke test of an installed x-api-auth npm package (ES modules): named imports, X's reference signature.
import assert from 'node:assert/strict'
import { OAuth1, Sandbox, XAuthError } from 'x-api-auth'
import xApiAuth from 'x-api-auth'

assert.equal(typeof XAuthError, 'function')
assert.equal(xApiAuth.OAuth1, OAuth1)
const header = new OAuth1({
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
}).authorizationHeader({
  method: 'POST',
  url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
  form: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']],
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  timestamp: 1318622958,
})
assert.ok(header.includes('oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"'), header)
const sandbox = Sandbox.start()
assert.match(sandbox.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
sandbox.stop()
console.log('node (ES modules): x-api-auth imported by name and by default, signed')
