'use strict'
// Benchmark (not a test): the token manager's hot path from Node, a valid
// token served from memory with no refresh due (target: under 5 µs).
//
//   npm run build:release && node bench/tokens.js    (in bindings/node)
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { OAuth2UserToken, TokenManager, XAuth } = require('..')

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-api-auth-bench-'))
  const manager = new TokenManager(new XAuth({ apiBase: 'http://127.0.0.1:9', webBase: 'http://127.0.0.1:9' }), {
    store: `file:${dir}/store`,
    profile: 'bench',
  })
  const token = new OAuth2UserToken({ accessToken: 'a'.repeat(90), refreshToken: 'r'.repeat(90), expiresAt: Date.now() / 1000 + 7200 })
  await manager.saveLogin('1001', { oauth2: token })
  await manager.accessToken('1001') // the first call reads the store
  for (const [label, call] of [
    ['TokenManager#freshToken (valid token, sync)', () => manager.freshToken('1001')],
    ['TokenManager#accessToken (valid token, awaited)', () => manager.accessToken('1001')],
  ]) {
    const n = 200_000
    let best = Infinity
    for (let round = 0; round < 5; round++) {
      const start = process.hrtime.bigint()
      for (let i = 0; i < n; i++) await call()
      best = Math.min(best, Number(process.hrtime.bigint() - start) / n / 1000)
    }
    console.log(`${label}: ${best.toFixed(2)} µs`)
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

main()
