#!/usr/bin/env node
'use strict'
// The `x-api-auth` command (`npm install` links it): the same command as
// `cargo install x-api-auth-cli`, run from the native module.
const native = require('../binding.js').loadNative()

process.exitCode = native.cliMain(['x-api-auth', ...process.argv.slice(2)])
