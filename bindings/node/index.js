'use strict'
/**
 * x-api-auth: authentication for the X (Twitter) API v2, on a Rust core.
 *
 * This facade adapts the generated native module (native.js) to JavaScript:
 * every error is an XAuthError with a stable `code`, results are instances of
 * the exported classes, and secrets never show in util.inspect, console.log,
 * JSON.stringify or toString.
 */
const { inspect } = require('node:util')
const native = require('./native.js')

const MARKER = '\u0000x-api-auth:'
/** napi-rs's statuses for an argument of the wrong type (`StringExpected`, `InvalidArg`, ...). */
const ARGUMENT_STATUS = /^(InvalidArg|\w+Expected)$/

/** Every error thrown by x-api-auth. Switch on `err.code`. */
class XAuthError extends Error {
  constructor(message, details = {}) {
    super(message)
    this.name = 'XAuthError'
    this.code = details.code || 'X_ERROR'
    for (const key of ['status', 'xCode', 'error', 'problemType', 'apiMessage', 'kind', 'hint', 'baseString', 'resetAt', 'field', 'timeout']) {
      if (details[key] !== undefined && details[key] !== null) this[key] = details[key]
    }
  }
}

function fieldOf(message) {
  const on = /on \w+\.(\w+)/.exec(message)
  if (on) return on[1]
  const missing = /Missing field `(\w+)`/.exec(message)
  return missing ? missing[1] : undefined
}

/** Turns anything the native module throws into an XAuthError. */
function toXAuthError(error) {
  if (error instanceof XAuthError) return error
  const message = error && typeof error.message === 'string' ? error.message : String(error)
  const at = message.indexOf(MARKER)
  if (at >= 0) {
    const details = JSON.parse(message.slice(at + MARKER.length))
    return new XAuthError(details.message, details)
  }
  if (ARGUMENT_STATUS.test(error?.code) || error instanceof TypeError) {
    const field = fieldOf(message)
    const text = field ? `invalid ${field}: ${message}` : `invalid argument: ${message}`
    return new XAuthError(text, { code: 'X_INVALID_INPUT', field })
  }
  return new XAuthError(`internal error in x-api-auth: ${message}`, { code: 'X_INTERNAL' })
}

const facades = new Map()

function adopt(value) {
  if (value !== null && typeof value === 'object') {
    const facade = facades.get(value.constructor)
    if (facade) Object.setPrototypeOf(value, facade.prototype)
  }
  return value
}

function guarded(fn) {
  return function guardedCall(...args) {
    let result
    try {
      result = fn.apply(this, args)
    } catch (error) {
      throw toXAuthError(error)
    }
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      return result.then(adopt, (error) => {
        throw toXAuthError(error)
      })
    }
    return adopt(result)
  }
}

/**
 * A subclass of a native class whose methods throw only XAuthErrors and
 * whose instances print without secrets. `show` lists the public getters.
 */
function facade(NativeClass, show, adaptConstructor = (args) => args) {
  const Facade = {
    [NativeClass.name]: class extends NativeClass {
      constructor(...args) {
        try {
          super(...adaptConstructor(args))
        } catch (error) {
          throw toXAuthError(error)
        }
      }
    },
  }[NativeClass.name]
  for (const name of Object.getOwnPropertyNames(NativeClass.prototype)) {
    if (name === 'constructor') continue
    const descriptor = Object.getOwnPropertyDescriptor(NativeClass.prototype, name)
    if (typeof descriptor.value === 'function') {
      Object.defineProperty(Facade.prototype, name, { value: guarded(descriptor.value), writable: true, configurable: true })
    } else if (descriptor.get) {
      Object.defineProperty(Facade.prototype, name, { get: guarded(descriptor.get), configurable: true })
    }
  }
  for (const name of Object.getOwnPropertyNames(NativeClass)) {
    if (typeof NativeClass[name] === 'function' && !['length', 'name', 'prototype'].includes(name)) {
      Object.defineProperty(Facade, name, { value: guarded(NativeClass[name].bind(NativeClass)), writable: true, configurable: true })
    }
  }
  const describe = function describe() {
    const fields = {}
    for (const key of show) fields[key] = this[key]
    return fields
  }
  Object.defineProperty(Facade.prototype, inspect.custom, {
    value(depth, options) {
      return `${NativeClass.name} ${inspect({ ...describe.call(this), secrets: '[redacted]' }, options)}`
    },
  })
  Object.defineProperty(Facade.prototype, 'toJSON', {
    value() {
      return { ...describe.call(this), secrets: '[redacted]' }
    },
  })
  Object.defineProperty(Facade.prototype, 'toString', {
    value() {
      return `${NativeClass.name}(${JSON.stringify(describe.call(this))}, secrets=[redacted])`
    },
  })
  facades.set(NativeClass, Facade)
  return Facade
}

/** Options whose `form` is URLSearchParams get it as the encoded form the native module takes. */
function withEncodedForm(options) {
  return options?.form instanceof URLSearchParams ? { ...options, form: options.form.toString() } : options
}

const ConsumerKeys = facade(native.ConsumerKeys, ['key'])
const AccessToken = facade(native.AccessToken, ['token', 'userId'])
const OAuth2Client = facade(native.OAuth2Client, ['clientId', 'isConfidential'])
const BearerToken = facade(native.BearerToken, [])
const OAuth2UserToken = facade(native.OAuth2UserToken, ['expiresAt', 'scopes'])
const OAuth1 = facade(native.OAuth1, ['consumerKey', 'token'])
const RequestToken = facade(native.RequestToken, ['token'])
const AccessTokenResponse = facade(native.AccessTokenResponse, ['accessToken', 'userId', 'screenName'])
const PendingAuthorization = facade(native.PendingAuthorization, ['url'])
const XAuth = facade(native.XAuth, ['clockOffset'])
const ApiResponse = facade(native.ApiResponse, ['status', 'rateLimit'])
const Sandbox = facade(native.Sandbox, ['baseUrl'])

for (const name of ['sign', 'authorizationHeader']) {
  const signWith = OAuth1.prototype[name]
  Object.defineProperty(OAuth1.prototype, name, {
    value(request) {
      return signWith.call(this, withEncodedForm(request))
    },
    writable: true,
    configurable: true,
  })
}

const nativeSend = XAuth.prototype.send
Object.defineProperty(XAuth.prototype, 'send', {
  /** Sends an authorised request; `form` is signed with OAuth 1.0a, `json` never is. */
  value(credential, method, path, options) {
    return nativeSend.call(this, credential, method, path, withEncodedForm(options))
  },
  writable: true,
  configurable: true,
})

/** The error an X error response (any shape) maps to. */
function parseError(status, body) {
  return toXAuthError(new Error(native.parseError(status, Buffer.from(body))))
}

const functions = Object.fromEntries(
  ['authorize', 'crcResponseToken', 'verifyWebhookSignature', 'percentEncode', 'basicAuthorization', 'pkceChallenge'].map((name) => [name, guarded(native[name])]),
)

/**
 * A `fetch` that authorises every request with `auth`: an OAuth1 signer
 * (form bodies are signed, JSON bodies never), a BearerToken, or an
 * OAuth2UserToken, refreshed before it expires and once after a 401 when
 * `xauth` and `client` are given (`onRefresh` receives every new token: store
 * it at once, X has already invalidated the old refresh token).
 */
function authorizedFetch(auth, options = {}) {
  const { xauth, client, onRefresh, marginSeconds = 30 } = options
  const fetchImpl = options.fetch || globalThis.fetch
  if (!(auth instanceof native.OAuth1 || auth instanceof native.BearerToken || auth instanceof native.OAuth2UserToken)) {
    throw new XAuthError('invalid auth: expected OAuth1, BearerToken or OAuth2UserToken', { code: 'X_INVALID_INPUT', field: 'auth' })
  }
  let token = auth
  const canRefresh = () => auth instanceof native.OAuth2UserToken && xauth && client && token.refreshToken() !== null
  const refresh = async () => {
    token = await xauth.refresh(client, token)
    if (onRefresh) await onRefresh(token)
  }
  const send = (input, init, method, url) => {
    const headers = new Headers(init.headers)
    let body = init.body
    if (body instanceof URLSearchParams) {
      // what fetch itself would send for URLSearchParams
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
      body = body.toString()
    }
    const contentType = headers.get('content-type') ?? undefined
    const textBody = typeof body === 'string' ? body : undefined
    headers.set('authorization', functions.authorize(token, { method, url, contentType, body: textBody }))
    return fetchImpl(input, { ...init, headers, body })
  }
  const authorized = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase()
    if (canRefresh() && token.expiresWithin(marginSeconds)) await refresh()
    const response = await send(input, init, method, url)
    if (response.status === 401 && canRefresh()) {
      await refresh()
      return send(input, init, method, url)
    }
    return response
  }
  authorized.currentToken = () => token
  return authorized
}

/** Every error code, for `switch (err.code)`: `ErrorCodes.INVALID_TOKEN === 'X_INVALID_TOKEN'`. */
const ErrorCodes = Object.freeze(Object.fromEntries(native.errorCodes().map((code) => [code.slice(2), code])))

module.exports = {
  AccessToken,
  AccessTokenResponse,
  ApiResponse,
  BearerToken,
  ConsumerKeys,
  ErrorCodes,
  OAuth1,
  OAuth2Client,
  OAuth2UserToken,
  PendingAuthorization,
  RequestToken,
  Sandbox,
  XAuth,
  XAuthError,
  authorizedFetch,
  parseError,
  ...functions,
}
