'use strict'
// The ES module entry exports every name of the CommonJS one, the same objects.
const test = require('node:test')
const assert = require('node:assert/strict')
const x = require('..')

test('index.mjs exports what index.js exports', async () => {
  const esm = await import('../index.mjs')
  const named = Object.keys(esm).filter((name) => name !== 'default')
  assert.deepEqual(named.sort(), Object.keys(x).sort())
  for (const name of named) assert.equal(esm[name], x[name], name)
  assert.equal(esm.default, x)
})
