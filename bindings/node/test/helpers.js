'use strict'
const fs = require('node:fs')
const path = require('node:path')
const x = require('..')

const VECTORS = path.join(__dirname, '..', '..', '..', 'tests', 'vectors')
const CALLBACK = 'https://app.example/callback'

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'))
}

/** A sandbox with helpers; call stop() when done. */
function startSandbox(config) {
  const sandbox = x.Sandbox.start(config === undefined ? undefined : JSON.stringify(config))
  const app = sandbox.info.apps[0]
  const baseUrl = sandbox.baseUrl
  return {
    sandbox,
    baseUrl,
    app,
    xauth: (options = {}) => new x.XAuth({ apiBase: baseUrl, webBase: baseUrl, timeout: 10, ...options }),
    consumer: () => new x.ConsumerKeys({ key: app.consumer_key, secret: app.consumer_secret }),
    owner: () =>
      new x.OAuth1({
        consumerKey: app.consumer_key,
        consumerSecret: app.consumer_secret,
        token: app.access_token,
        tokenSecret: app.access_token_secret,
      }),
    client: (confidential = false) => {
      const c = app.clients.find((c) => (c.client_secret != null) === confidential)
      return new x.OAuth2Client({ clientId: c.client_id, clientSecret: c.client_secret ?? undefined })
    },
    stop: () => sandbox.stop(),
  }
}

/** Follows a consent URL like a browser, without following the redirect back. */
async function consent(url, decision = 'approve') {
  const response = await fetch(`${url}&sandbox_decision=${decision}`, { redirect: 'manual' })
  return { location: response.headers.get('location'), text: await response.text() }
}

async function oauth2Authorize(world, client, scopes, decision = 'approve') {
  const x1 = world.xauth()
  const pending = x1.startAuthorization(client, CALLBACK, scopes)
  const { location } = await consent(pending.url, decision)
  return x1.finishAuthorization(client, pending, location)
}

/** A manager on a fresh file store whose user 1001 is logged in (PKCE). */
async function managerWithLogin(world, options = {}) {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'x-api-auth-node-'))
  const store = `file:${dir}/store`
  const manager = new x.TokenManager(world.xauth(), { store, profile: 'node', ...options })
  const client = world.client()
  await manager.setAppKeys({ consumer: world.consumer(), client })
  const token = await oauth2Authorize(world, client, ['tweet.read', 'users.read', 'offline.access'])
  await manager.saveLogin('1001', { oauth2: token, screenName: 'sandbox_user' })
  return { manager, store }
}

module.exports = { CALLBACK, consent, managerWithLogin, oauth2Authorize, startSandbox, vectors }
