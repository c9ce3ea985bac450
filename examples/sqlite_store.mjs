// A token store the application supplies: x-api-auth's records in a SQLite
// database (sql.js: SQLite compiled to WebAssembly, kept in memory and written
// to the file after each change; one process), handed to `customStore`. The
// token manager's policy stays in the Rust core; these functions only read
// and write rows. Run it to check it against the core's conformance checks:
//
//   node examples/sqlite_store.mjs /tmp/tokens.sqlite
import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../bindings/node/package.json', import.meta.url))
const { checkStore, customStore } = require('x-api-auth')
const initSqlJs = require('sql.js')

const LOCK_SECONDS = 30

/** A TokenStore over a SQLite file. */
export async function sqliteStore(path) {
  const SQL = await initSqlJs()
  const db = fs.existsSync(path) ? new SQL.Database(fs.readFileSync(path)) : new SQL.Database()
  db.run('CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, generation INT, document TEXT)')
  db.run('CREATE TABLE IF NOT EXISTS locks (key TEXT PRIMARY KEY, fence INT, expires REAL)')
  db.run('CREATE TABLE IF NOT EXISTS fences (key TEXT PRIMARY KEY, last INT)')
  const persist = () => fs.writeFileSync(path, db.export(), { mode: 0o600 })
  const one = (sql, params) => {
    const statement = db.prepare(sql, params)
    const row = statement.step() ? statement.get() : null
    statement.free()
    return row
  }
  const now = () => Date.now() / 1000
  const holds = (key, fence) => {
    const row = one('SELECT fence, expires FROM locks WHERE key = ?', [key])
    return row !== null && row[0] === fence && row[1] >= now()
  }
  return customStore({
    location: `sqlite:${path}`,
    load: ({ key }) => one('SELECT document FROM records WHERE key = ?', [key])?.[0] ?? null,
    save: ({ key, document, expected, generation, fence }) => {
      if (fence != null && !holds(key, fence)) return false
      if ((one('SELECT generation FROM records WHERE key = ?', [key])?.[0] ?? 0) !== expected) return false
      db.run('INSERT OR REPLACE INTO records (key, generation, document) VALUES (?, ?, ?)', [key, generation, document])
      persist()
      return true
    },
    lock: ({ key }) => {
      const row = one('SELECT expires FROM locks WHERE key = ?', [key])
      if (row !== null && row[0] >= now()) return null
      db.run('INSERT INTO fences (key, last) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET last = last + 1', [key])
      const fence = one('SELECT last FROM fences WHERE key = ?', [key])[0]
      db.run('INSERT OR REPLACE INTO locks (key, fence, expires) VALUES (?, ?, ?)', [key, fence, now() + LOCK_SECONDS])
      return fence
    },
    unlock: ({ key, fence }) => {
      db.run('DELETE FROM locks WHERE key = ? AND fence = ?', [key, fence])
    },
    stillHeld: ({ key, fence }) => holds(key, fence),
    list: ({ key: profile }) => {
      const rows = db.exec('SELECT key FROM records WHERE key LIKE ?', [profile == null ? '%' : `${profile}/%`])
      return rows.length ? rows[0].values.map((r) => r[0]) : []
    },
    delete: ({ key }) => {
      db.run('DELETE FROM records WHERE key = ?', [key])
      persist()
    },
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const failure = await checkStore(await sqliteStore(process.argv[2]))
  console.log(failure ?? 'the SQLite store passes the core\'s store conformance checks')
  process.exit(failure ? 1 : 0)
}
