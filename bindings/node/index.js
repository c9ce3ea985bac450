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
    for (const [key, value] of Object.entries(details)) {
      if (key !== 'message' && key !== 'code' && value !== undefined && value !== null) this[key] = value
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
      return { ...describe.call(this), secrets: '[redacted: keep credentials with TokenManager#saveLogin, move them with TokenStore#exportRecord]' }
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
const TokenStore = facade(native.TokenStore, ['location'])
const TokenManager = facade(native.TokenManager, ['profile'])

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

for (const Class of [XAuth, TokenManager]) {
  const nativeSend = Class.prototype.send
  Object.defineProperty(Class.prototype, 'send', {
    /** Sends an authorised request; `form` is signed with OAuth 1.0a, `json` never is. */
    value(who, method, path, options) {
      return nativeSend.call(this, who, method, path, withEncodedForm(options))
    },
    writable: true,
    configurable: true,
  })
}

const { accessToken, saveLogin, setAppKeys } = TokenManager.prototype
Object.defineProperties(TokenManager.prototype, {
  accessToken: {
    /** An access token for `user` (an id, a screen name, or none for the default user), refreshed first when due. */
    value(user) {
      const fresh = this.freshToken(user)
      return fresh ? Promise.resolve(fresh) : accessToken.call(this, user)
    },
    writable: true,
    configurable: true,
  },
  saveLogin: {
    /** Stores a user's login: `{ oauth2, oauth1, screenName, accessLevel }`; resolves to its generation. */
    value(userId, login = {}) {
      const { oauth2, oauth1, screenName, accessLevel } = login ?? {}
      return saveLogin.call(this, userId, oauth2, oauth1, screenName, accessLevel)
    },
    writable: true,
    configurable: true,
  },
  setAppKeys: {
    /** Replaces the app's keys and/or client (`{ consumer, client }`), keeping its users. */
    value(keys = {}) {
      return setAppKeys.call(this, keys?.consumer, keys?.client)
    },
    writable: true,
    configurable: true,
  },
})

/** The error an X error response (any shape) maps to. */
function parseError(status, body) {
  return toXAuthError(new Error(native.parseError(status, Buffer.from(body))))
}

const functions = Object.fromEntries(
  ['authorize', 'openStore', 'customStore', 'checkStore', 'crcResponseToken', 'verifyWebhookSignature', 'percentEncode', 'basicAuthorization', 'pkceChallenge'].map((name) => [name, guarded(native[name])]),
)

/**
 * A `fetch` that authorises every request with `auth`: an OAuth1 signer (form
 * bodies are signed, JSON bodies never), a BearerToken, or a TokenManager,
 * whose token for `user` (none: the default user) is refreshed by the manager
 * before it expires; after a 401 the manager is asked once for a fresh token
 * and the request is sent again.
 */
function authorizedFetch(auth, options = {}) {
  const { user } = options
  const fetchImpl = options.fetch || globalThis.fetch
  const managed = auth instanceof native.TokenManager
  if (!(managed || auth instanceof native.OAuth1 || auth instanceof native.BearerToken)) {
    throw new XAuthError('invalid auth: expected OAuth1, BearerToken or TokenManager', { code: 'X_INVALID_INPUT', field: 'auth' })
  }
  const send = (input, init, method, url, credential) => {
    const headers = new Headers(init.headers)
    let body = init.body
    if (body instanceof URLSearchParams) {
      // what fetch itself would send for URLSearchParams
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
      body = body.toString()
    }
    const contentType = headers.get('content-type') ?? undefined
    const textBody = typeof body === 'string' ? body : undefined
    headers.set('authorization', functions.authorize(credential, { method, url, contentType, body: textBody }))
    return fetchImpl(input, { ...init, headers, body })
  }
  return async function authorized(input, init = {}) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase()
    if (!managed) return send(input, init, method, url, auth)
    const token = await auth.accessToken(user)
    const response = await send(input, init, method, url, token)
    if (response.status !== 401) return response
    return send(input, init, method, url, await auth.refreshAfterUnauthorized(user, token))
  }
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
  TokenManager,
  TokenStore,
  XAuth,
  XAuthError,
  authorizedFetch,
  parseError,
  ...functions,
}
