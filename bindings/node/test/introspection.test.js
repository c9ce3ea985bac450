'use strict'
// Introspection (issue 15): every export has a JSDoc comment that editors show
// on hover, read from the .d.ts text: index.d.ts's own declarations, and
// native.d.ts's (generated from the Rust `///` comments) for what index.d.ts
// re-exports from './native'.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const x = require('..')

const root = path.join(__dirname, '..')
const read = (name) => fs.readFileSync(path.join(root, name), 'utf8')

/** Whether the text before `index` ends with a `/** ... *\/` comment (blank space between). */
function jsdocBefore(text, index) {
  const before = text.slice(0, index).trimEnd()
  return before.endsWith('*/') && before.lastIndexOf('/**') > before.lastIndexOf('*/', before.length - 3)
}

/** name -> whether its `export` declaration has a JSDoc comment. */
function declarations(text) {
  const found = new Map()
  const pattern = /^export (?:declare )?(?:abstract )?(?:class|function|const|let|type|interface|enum) (\w+)/gm
  for (const m of text.matchAll(pattern)) found.set(m[1], jsdocBefore(text, m.index))
  return found
}

/** The names index.d.ts re-exports from './native'. */
function reexports(text) {
  const names = []
  for (const m of text.matchAll(/^export (?:type )?\{([^}]*)\} from '\.\/native'/gm)) {
    names.push(...m[1].split(',').map((n) => n.trim()).filter(Boolean))
  }
  return names
}

const index = read('index.d.ts')
const own = declarations(index)
const nativeDeclarations = declarations(read('native.d.ts'))
const reexported = new Set(reexports(index))

test('every export of index.js has a JSDoc comment in the .d.ts files', () => {
  const names = Object.keys(x)
  assert.ok(names.length >= 29, names.join(' '))
  for (const name of names) {
    if (own.has(name)) {
      assert.ok(own.get(name), `${name}: no JSDoc comment in index.d.ts`)
    } else {
      assert.ok(reexported.has(name), `${name}: exported by index.js but not declared in index.d.ts`)
      assert.ok(nativeDeclarations.get(name), `${name}: re-exported from native.d.ts, which has no JSDoc for it`)
    }
  }
})

test('every declaration and re-export of index.d.ts has a JSDoc comment', () => {
  for (const [name, documented] of own) assert.ok(documented, `${name}: no JSDoc comment in index.d.ts`)
  for (const name of reexported) {
    assert.ok(nativeDeclarations.has(name), `${name}: re-exported but not in native.d.ts`)
    assert.ok(nativeDeclarations.get(name), `${name}: no JSDoc comment in native.d.ts`)
  }
})

test("the members of index.d.ts's classes have JSDoc comments", () => {
  let members = 0
  for (const m of index.matchAll(/^export declare class (\w+)[^{]*\{\n([\s\S]*?)^\}/gm)) {
    const body = m[2]
    for (const member of body.matchAll(/^ {2}(?:static |get |readonly )*(\w+)\??[(:]/gm)) {
      members += 1
      assert.ok(jsdocBefore(body, member.index), `${m[1]}.${member[1]}: no JSDoc comment in index.d.ts`)
    }
  }
  assert.ok(members >= 20, `only ${members} members found: the pattern no longer matches index.d.ts`)
})
