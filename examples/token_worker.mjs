// A worker of the fleet test (tests/fleet/run): for SECONDS, sends rounds of
// CONCURRENCY concurrent `GET /2/users/me` (authorizedFetch over a TokenManager
// sharing the store with the other workers) and prints {"ok", "failed", "errors"}.
// It goes on past SECONDS until every user was asked for once.
//
//   node examples/token_worker.mjs BASE_URL STORE_URL PROFILE SECONDS CONCURRENCY [USERS]
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { TokenManager, XAuth, authorizedFetch } = require('../bindings/node')

const [base, store, profile, seconds, concurrency, users] = process.argv.slice(2)
const manager = new TokenManager(new XAuth({ apiBase: base, webBase: base, timeout: 30 }), { store, profile, refreshMargin: 1 })
const fetches = (users ? users.split(',') : [undefined]).map((user) => authorizedFetch(manager, { user }))
const deadline = Date.now() + Number(seconds) * 1000
let ok = 0
let sent = 0
let lastRoundFailed = 0
const errors = []
while (Date.now() < deadline || sent < fetches.length) {
  const round = Array.from({ length: Number(concurrency) }, () => fetches[sent++ % fetches.length](`${base}/2/users/me`))
  const before = errors.length
  for (const outcome of await Promise.allSettled(round)) {
    if (outcome.status === 'fulfilled' && outcome.value.status === 200) ok++
    else errors.push(outcome.status === 'fulfilled' ? `HTTP ${outcome.value.status}: ${await outcome.value.text()}` : String(outcome.reason))
  }
  lastRoundFailed = errors.length - before
  if (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200)) // paced rounds
}
console.log(JSON.stringify({ ok, failed: errors.length, last_round_failed: lastRoundFailed, errors: errors.slice(0, 5) }))
process.exit(errors.length ? 1 : 0)
