// Logs a user in with OAuth 2.0 PKCE against the sandbox, refreshes the token,
// and calls /2/users/me, from Node.   node examples/sandbox_login.mjs
import { OAuth2Client, Sandbox, XAuth } from '../bindings/node/index.mjs'

const sandbox = Sandbox.start()
try {
  const x = new XAuth({ apiBase: sandbox.baseUrl, webBase: sandbox.baseUrl })
  const client = new OAuth2Client({ clientId: 'sandbox-public-client' })
  const pending = x.startAuthorization(client, 'https://app.example/callback', ['tweet.read', 'users.read', 'offline.access'])
  // A browser would show the consent page; the sandbox approves at once.
  const consent = await fetch(`${pending.url}&sandbox_decision=approve`, { redirect: 'manual' })
  const token = await x.finishAuthorization(client, pending, consent.headers.get('location'))
  const refreshed = await x.refresh(client, token)
  const me = await x.usersMe(refreshed)
  console.log(`logged in as @${me.data.username} (id ${me.data.id}); scopes: ${refreshed.scopes.join(' ')}`)
} finally {
  sandbox.stop()
}
