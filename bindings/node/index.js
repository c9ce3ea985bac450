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
const ARGUMENT_STATUSES = new Set([
  'InvalidArg',
  'ObjectExpected',
  'StringExpected',
  'NameExpected',
  'FunctionExpected',
  'NumberExpected',
  'BooleanExpected',
  'ArrayExpected',
  'BigintExpected',
  'DateExpected',
  'ArrayBufferExpected',
  'DetachableArraybufferExpected',
])

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
  if ((error && ARGUMENT_STATUSES.has(error.code)) || error instanceof TypeError) {
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

/** `{ status: 'x' }` or `[['status', 'x']]` → `[['status', 'x']]`. */
function formPairs(form) {
  if (form === undefined || form === null) return undefined
  if (form instanceof URLSearchParams) return [...form.entries()]
  if (Array.isArray(form)) return form
  if (typeof form === 'object') return Object.entries(form)
  return form
}

function signOptions(args) {
  const [options] = args
  if (options && typeof options === 'object' && options.form != null && !Array.isArray(options.form)) {
    return [{ ...options, form: formPairs(options.form) }]
  }
  return args
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
const Sandbox = facade(native.Sandbox, [])

const plainSign = OAuth1.prototype.sign
const headerFor = guarded(native.OAuth1.prototype.headerFor)
Object.defineProperties(OAuth1.prototype, {
  sign: {
    /** Signs a request: the header, the base string, the nonce and the timestamp. */
    value(...args) {
      return plainSign.apply(this, signOptions(args))
    },
    writable: true,
    configurable: true,
  },
  authorizationHeader: {
    /** Signs a request and returns the `Authorization` header value. */
    value(request) {
      if (request === null || typeof request !== 'object') {
        throw new XAuthError('invalid request: expected { method, url, form?, formBody?, nonce?, timestamp? }', {
          code: 'X_INVALID_INPUT',
          field: 'request',
        })
      }
      if (request.callback != null || request.verifier != null) return this.sign(request).authorization
      const { method, url, form, formBody, nonce, timestamp } = request
      for (const [field, value, type] of [
        ['method', method, 'string'],
        ['url', url, 'string'],
        ['formBody', formBody, 'string'],
        ['nonce', nonce, 'string'],
        ['timestamp', timestamp, 'number'],
      ]) {
        if (typeof value !== type && !(value == null && field !== 'method' && field !== 'url')) {
          throw new XAuthError(`invalid ${field}: expected a ${type}, got ${value === null ? 'null' : typeof value}`, { code: 'X_INVALID_INPUT', field })
        }
      }
      const pairs = formPairs(form)
      let flat
      if (pairs !== undefined) {
        if (!Array.isArray(pairs)) throw new XAuthError('invalid form: expected an object or [key, value] pairs', { code: 'X_INVALID_INPUT', field: 'form' })
        flat = []
        for (const pair of pairs) {
          if (!Array.isArray(pair) || pair.length !== 2) throw new XAuthError('invalid form: each entry must be a [key, value] pair', { code: 'X_INVALID_INPUT', field: 'form' })
          flat.push(pair[0], pair[1])
        }
      }
      return headerFor.call(this, method, url, flat, formBody, nonce, timestamp)
    },
    writable: true,
    configurable: true,
  },
})

const nativeSend = XAuth.prototype.send
Object.defineProperties(XAuth.prototype, {
  send: {
    /** Sends an authorised request; `form` is signed with OAuth 1.0a, `json` never is. */
    value(credential, method, path, options = {}) {
      const { form, json } = options || {}
      const body = { form: formPairs(form), jsonText: json === undefined ? undefined : JSON.stringify(json) }
      return nativeSend.call(this, credential, method, path, body).then((response) => ({
        ...response,
        json: () => JSON.parse(response.body),
      }))
    },
    writable: true,
    configurable: true,
  },
  usersMe: {
    /** `GET /2/users/me`: checks a user credential; resolves to the decoded body. */
    value(credential) {
      return this.send(credential, 'GET', '/2/users/me').then((r) => r.json())
    },
    writable: true,
    configurable: true,
  },
  userByUsername: {
    /** `GET /2/users/by/username/{username}`: a public lookup that works with a bearer token. */
    value(credential, username) {
      if (typeof username !== 'string' || !/^\w+$/.test(username)) {
        return Promise.reject(new XAuthError('invalid username: must be 1 or more of A-Z a-z 0-9 _', { code: 'X_INVALID_INPUT', field: 'username' }))
      }
      return this.send(credential, 'GET', `/2/users/by/username/${username}`).then((r) => r.json())
    },
    writable: true,
    configurable: true,
  },
})

const nativeAdvanceClock = Sandbox.prototype.advanceClock
Object.defineProperties(Sandbox.prototype, {
  /** Moves the sandbox's clock forward by `seconds` (codes live 30 s, access tokens 7200 s). */
  advanceClock: {
    value(seconds) {
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
        throw new XAuthError('invalid seconds: expected a non-negative integer', { code: 'X_INVALID_INPUT', field: 'seconds' })
      }
      return nativeAdvanceClock.call(this, seconds)
    },
    writable: true,
    configurable: true,
  },
  /** `{ base_url, apps: [...], users: [...] }`: where the sandbox listens and its credentials. */
  info: {
    get() {
      return JSON.parse(this.describe())
    },
    configurable: true,
  },
  /** `http://127.0.0.1:PORT`. */
  baseUrl: {
    get() {
      return this.info.base_url
    },
    configurable: true,
  },
})

/** The error an X error response (any shape) maps to. */
function parseError(status, body) {
  return toXAuthError(new Error(native.parseError(status, Buffer.from(body))))
}

const functions = Object.fromEntries(
  ['crcResponseToken', 'verifyWebhookSignature', 'percentEncode', 'basicAuthorization', 'pkceChallenge'].map((name) => [name, guarded(native[name])]),
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
  const header = (method, url, init) => {
    if (auth instanceof native.OAuth1) {
      const body = init.body
      const headers = new Headers(init.headers)
      const isForm =
        body instanceof URLSearchParams ||
        (typeof body === 'string' && (headers.get('content-type') || '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
      return auth.authorizationHeader({ method, url, formBody: isForm ? body.toString() : undefined })
    }
    if (auth instanceof native.BearerToken) return auth.authorizationHeader()
    return `Bearer ${token.accessToken()}`
  }
  const send = (input, init, method, url) => {
    const headers = new Headers(init.headers)
    headers.set('authorization', header(method, url, init))
    return fetchImpl(input, { ...init, headers })
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

/** Every error code, for `switch (err.code)`. */
const ErrorCodes = Object.freeze({
  CONFIG: 'X_CONFIG',
  INVALID_INPUT: 'X_INVALID_INPUT',
  STATE_MISMATCH: 'X_STATE_MISMATCH',
  ACCESS_DENIED: 'X_ACCESS_DENIED',
  TRANSPORT: 'X_TRANSPORT',
  UNEXPECTED_RESPONSE: 'X_UNEXPECTED_RESPONSE',
  AUTHENTICATION: 'X_AUTHENTICATION',
  CLOCK_SKEW: 'X_CLOCK_SKEW',
  INVALID_TOKEN: 'X_INVALID_TOKEN',
  REAUTHORIZE: 'X_REAUTHORIZE',
  RATE_LIMITED: 'X_RATE_LIMITED',
  FORBIDDEN: 'X_FORBIDDEN',
  UNAUTHORIZED_CLIENT: 'X_UNAUTHORIZED_CLIENT',
  INVALID_REQUEST: 'X_INVALID_REQUEST',
  API_ERROR: 'X_API_ERROR',
  INTERNAL: 'X_INTERNAL',
})

module.exports = {
  AccessToken,
  AccessTokenResponse,
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
