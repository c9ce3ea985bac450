'use strict'
/**
 * npm runs this after installing x-api-auth. When a native binary loads (the prebuilt one of the platform package
 * npm installed, or one shipped in the tarball or built before), it does nothing. Otherwise, in a checkout of the
 * repository (`npm install <clone>/bindings/node`), it builds the binary from the Rust sources with cargo; without
 * cargo, or without the sources, it says in one line what to do and fails.
 *
 * X_API_AUTH_NODE_PROFILE=debug builds the debug profile (the project's own tests, sharing their build).
 */
const { spawnSync } = require('node:child_process')
const { copyFileSync } = require('node:fs')
const { hasSources, loadNative, localBinary, missingMessage, platformName } = require('./binding.js')

function loads() {
  try {
    loadNative()
    return true
  } catch {
    return false
  }
}

function fail(line) {
  console.error(line)
  process.exit(1)
}

function build() {
  const cargoVersion = spawnSync('cargo', ['--version'], { encoding: 'utf8' })
  if (cargoVersion.error || cargoVersion.status !== 0) {
    fail(
      `x-api-auth has no prebuilt binary for ${platformName()} and building it from source needs Rust's cargo, which is not on PATH: install Rust from https://rustup.rs, then run npm rebuild x-api-auth`,
    )
  }
  const release = process.env.X_API_AUTH_NODE_PROFILE !== 'debug'
  const args = ['build', '--locked', '--lib', '-p', 'x-api-auth-node', '--message-format=json-render-diagnostics']
  if (release) args.push('--release')
  console.error(`x-api-auth: building the native module for ${platformName()} with ${cargoVersion.stdout.trim()} (${release ? 'release' : 'debug'}; a few minutes)`)
  const started = Date.now()
  const cargo = spawnSync('cargo', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 })
  if (cargo.error || cargo.status !== 0) fail(`x-api-auth: cargo build failed (exit ${cargo.status}); the compiler's messages are above`)
  const artifact = cargo.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((m) => m.reason === 'compiler-artifact' && m.target && m.target.name === 'x_api_auth_node')
  const library = artifact && artifact.filenames.find((f) => /\.(so|dylib|dll)$/.test(f))
  if (!library) fail('x-api-auth: cargo built no x_api_auth_node library; report this at https://github.com/x-api-auth/x-api-auth/issues')
  copyFileSync(library, localBinary())
  if (!loads()) fail(missingMessage())
  console.error(`x-api-auth: built ${localBinary()} in ${Math.round((Date.now() - started) / 1000)} s`)
}

if (!loads()) {
  if (!hasSources()) fail(missingMessage())
  build()
}
