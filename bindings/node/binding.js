'use strict'
/**
 * Loads the native module through the generated loader (native.js): the binary built next to this file (from
 * source, by install.js or `npm run build`) or the prebuilt one of the platform package npm installed as an
 * optional dependency (`x-api-auth-linux-x64-gnu`, ...). When neither loads, the error names this package, the
 * platform and the fix, instead of napi-rs's generic advice about npm's optional-dependency bug.
 */
const { existsSync } = require('node:fs')
const path = require('node:path')

/** The platform part of the binary's and the platform package's names, as napi-rs spells it. */
function platformName() {
  const { platform, arch } = process
  if (platform === 'win32') return `win32-${arch}-msvc`
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`
  return `${platform}-${arch}`
}

function isMusl() {
  const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null
  return Boolean(report && report.header && !report.header.glibcVersionRuntime)
}

/** The file name of the binary built from source, next to this file. */
function localBinary() {
  return path.join(__dirname, `x-api-auth.${platformName()}.node`)
}

/** Whether this package sits in a checkout of the repository, with the Rust sources to build from. */
function hasSources() {
  return existsSync(path.join(__dirname, 'Cargo.toml')) && existsSync(path.join(__dirname, '..', '..', 'Cargo.toml'))
}

/** Why the native module is missing and what to do, in one line. */
function missingMessage() {
  const where = `x-api-auth has no native binary for ${platformName()} (Node ${process.version})`
  if (hasSources()) {
    return `${where}: build it from this checkout with Rust installed (https://rustup.rs): npm rebuild x-api-auth`
  }
  return `${where}: reinstall x-api-auth from the npm registry (npm install x-api-auth), which brings the prebuilt binary, or install it from a checkout of https://github.com/x-api-auth/x-api-auth with Rust installed`
}

/** The native module; throws an Error with `missingMessage()` (the loader's errors as its cause) when none loads. */
function loadNative() {
  try {
    return require('./native.js')
  } catch (cause) {
    const error = new Error(missingMessage(), { cause })
    error.code = 'X_NATIVE_MISSING'
    throw error
  }
}

module.exports = { hasSources, loadNative, localBinary, missingMessage, platformName }
