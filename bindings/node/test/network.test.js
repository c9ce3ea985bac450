'use strict'
// Networks users live behind: a proxy on loopback (the `proxy` option and
// HTTP_PROXY / NO_PROXY) and a TLS-inspecting proxy's CA (the `caCerts` option
// and NODE_EXTRA_CA_CERTS, the variable Node users already set).
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawn } = require('node:child_process')
const x = require('..')
const { startSandbox } = require('./helpers.js')

/** A forward proxy on loopback recording each connection's request line (CONNECT is tunnelled). */
async function startProxy() {
  const seen = []
  const server = net.createServer((client) => {
    let head = Buffer.alloc(0)
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      client.off('data', onData)
      client.pause()
      const line = head.subarray(0, head.indexOf('\r\n')).toString()
      seen.push(line)
      const [method, target] = line.split(' ')
      const authority = method === 'CONNECT' ? target : target.split('://')[1].split('/')[0]
      const [host, port] = [authority.slice(0, authority.lastIndexOf(':')), Number(authority.slice(authority.lastIndexOf(':') + 1))]
      const upstream = net.connect(port, host, () => {
        if (method === 'CONNECT') client.write('HTTP/1.1 200 Connection established\r\n\r\n')
        else upstream.write(head)
        client.pipe(upstream).pipe(client)
        client.resume()
      })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    }
    client.on('data', onData)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => server.close() }
}

/** `openssl s_server -www` with a certificate for 127.0.0.1 from a test CA. */
async function startTlsServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-api-auth-tls-'))
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=test CA')
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
  fs.writeFileSync(path.join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n')
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-out', 'server.pem', '-extfile', 'ext')
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
  const child = spawn('openssl', ['s_server', '-www', '-quiet', '-accept', String(port), '-cert', 'server.pem', '-key', 'server.key'], { cwd: dir, stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket.end() && true)).on('error', () => resolve(false))
    })
    if (up) break
    await new Promise((r) => setTimeout(r, 50))
  }
  return { base: `https://127.0.0.1:${port}`, ca: path.join(dir, 'ca.pem'), stop: () => child.kill() }
}

const VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS']

/** Runs `body` with the proxy and CA variables cleared, then restores them. */
async function withCleanEnv(body) {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))
  for (const name of VARIABLES) delete process.env[name]
  try {
    await body()
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

test('the proxy option and HTTP_PROXY / NO_PROXY carry the flows', () =>
  withCleanEnv(async () => {
    const world = startSandbox()
    const proxy = await startProxy()
    try {
      await world.xauth({ proxy: proxy.url }).obtainBearer(world.consumer())
      assert.ok(proxy.seen.includes(`POST ${world.baseUrl}/oauth2/token HTTP/1.1`), proxy.seen.join('\n'))

      proxy.seen.length = 0
      process.env.HTTP_PROXY = proxy.url
      await world.xauth().obtainBearer(world.consumer())
      assert.equal(proxy.seen.length, 1)

      proxy.seen.length = 0
      process.env.NO_PROXY = '127.0.0.1'
      await world.xauth().obtainBearer(world.consumer())
      assert.deepEqual(proxy.seen, [])

      assert.throws(() => new x.XAuth({ proxy: 'http://user:hunter2@[not a host' }), (e) => e.code === 'X_INVALID_INPUT' && !e.message.includes('hunter2'))
    } finally {
      proxy.close()
      world.stop()
    }
  }))

test("a TLS-inspecting proxy's CA: refused with the fix, trusted through caCerts and NODE_EXTRA_CA_CERTS", () =>
  withCleanEnv(async () => {
    const server = await startTlsServer()
    const proxy = await startProxy()
    try {
      process.env.HTTPS_PROXY = proxy.url
      const user = new x.OAuth1({ consumerKey: 'ck', consumerSecret: 'cs', token: 't', tokenSecret: 'ts' })
      await assert.rejects(new x.XAuth({ apiBase: server.base, webBase: server.base, timeout: 5 }).usersMe(user), /certificate is not trusted.*ca_certs/)
      for (const how of ['option', 'NODE_EXTRA_CA_CERTS']) {
        const options = { apiBase: server.base, webBase: server.base, timeout: 5 }
        if (how === 'option') options.caCerts = [server.ca]
        else process.env.NODE_EXTRA_CA_CERTS = server.ca
        // The server is reached and answers its HTML page to the GET (not X's API): an API error,
        // neither a TLS one nor a timeout.
        await assert.rejects(new x.XAuth(options).usersMe(user), (e) => !/certificate|timed out/.test(e.message))
      }
      assert.ok(proxy.seen.length >= 3 && proxy.seen.every((line) => line.startsWith('CONNECT 127.0.0.1:')), proxy.seen.join('\n'))

      process.env.NODE_EXTRA_CA_CERTS = path.join(os.tmpdir(), 'missing-x-api-auth.pem')
      assert.throws(() => new x.XAuth(), (e) => e.code === 'X_INVALID_INPUT' && /NODE_EXTRA_CA_CERTS names .*missing-x-api-auth\.pem/.test(e.message))
    } finally {
      proxy.close()
      server.stop()
    }
  }))
