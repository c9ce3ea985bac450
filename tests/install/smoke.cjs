'use strict'
// Smoke test of an installed x-api-auth npm package (CommonJS), run by tests/install/run in a fresh project:
// X's reference signature, then the app-only bearer flow and a signed call against the package's sandbox.
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const x = require('x-api-auth')

async function main() {
  const oauth1 = new x.OAuth1({
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  })
  const header = oauth1.authorizationHeader({
    method: 'POST',
    url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
    form: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']],
    nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
    timestamp: 1318622958,
  })
  assert.ok(header.includes('oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"'), header)

  const sandbox = x.Sandbox.start()
  try {
    const app = sandbox.info.apps[0]
    const xauth = new x.XAuth({ apiBase: sandbox.baseUrl, webBase: sandbox.baseUrl, timeout: 10 })
    const consumer = new x.ConsumerKeys({ key: app.consumer_key, secret: app.consumer_secret })
    const bearer = await xauth.obtainBearer(consumer)
    const owner = new x.OAuth1({
      consumerKey: app.consumer_key,
      consumerSecret: app.consumer_secret,
      token: app.access_token,
      tokenSecret: app.access_token_secret,
    })
    assert.ok((await xauth.usersMe(owner)).data.username)
    await xauth.invalidateBearer(consumer, bearer)
  } finally {
    sandbox.stop()
  }

  // The command npm linked from the package's `bin`.
  const bin = path.join(process.cwd(), 'node_modules', '.bin', 'x-api-auth')
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()
  assert.ok(version.includes(require('x-api-auth/package.json').version), version)
  console.log(`node (CommonJS): x-api-auth signed, talked to the sandbox; ${version}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
