'use strict'
/**
 * x-api-auth: authentication for the X (Twitter) API v2, on a Rust core.
 *
 * This facade adapts the generated native module (native.js) to JavaScript:
 * every error is an XAuthError with a stable `code` (an exception the caller's
 * own getters or Proxy traps throw passes through unchanged), results are instances of
 * the exported classes, and secrets never show in util.inspect, console.log,
 * JSON.stringify or toString.
 */
const { inspect } = require('node:util')
const native = require('./binding.js').loadNative()

const MARKER = '\u0000x-api-auth:'
/** napi-rs's statuses for an argument of the wrong type (`StringExpected`, `InvalidArg`, ...). */
const ARGUMENT_STATUS = /^(InvalidArg|\w+Expected)$/
/** napi-rs's other statuses: a failure inside the native module. */
const NATIVE_STATUS = /^(GenericFailure|PendingException|Cancelled|EscapeCalledTwice|\w+ScopeMismatch|QueueFull|Closing|WouldDeadlock|NoExternalBuffersAllowed|Unknown)$/

/** The parameters of the native calls (as in native.d.ts), to name the argument napi could not convert. */
const PARAMETERS = {
  'new AccessToken': 'options',
  'new BearerToken': 'token',
  'BearerToken#equals': 'other',
  'new ConsumerKeys': 'options',
  'new OAuth1': 'options',
  'OAuth1.fromCredentials': 'consumer token',
  'OAuth1#sign': 'request',
  'OAuth1#authorizationHeader': 'request',
  'new OAuth2Client': 'options',
  'new OAuth2UserToken': 'options',
  'OAuth2UserToken#expiresWithin': 'seconds',
  'PendingAuthorization.fromCompact': 'compact',
  'Sandbox.start': 'configJson',
  'Sandbox#advanceClock': 'seconds',
  'Sandbox.approve': 'authorizeUrl user',
  'Sandbox.deny': 'authorizeUrl',
  'new TokenManager': 'xauth options',
  'TokenManager.withStore': 'xauth store options',
  'TokenManager#freshToken': 'user',
  'TokenManager#accessToken': 'user',
  'TokenManager#refreshAfterUnauthorized': 'user rejected',
  'TokenManager#send': 'user method path options',
  'TokenManager#saveLogin': 'userId oauth2 oauth1 screenName accessLevel',
  'TokenManager#setAppKeys': 'consumer client',
  'CallbackServer.bind': 'redirectUri',
  'CallbackServer#wait': 'pending timeout',
  'CallbackServer#waitForRequestToken': 'requestToken timeout',
  'TokenStore#list': 'profile',
  'TokenStore#exportRecord': 'profile userId includeSecrets',
  'TokenStore#importRecord': 'profile document',
  'TokenStore#delete': 'profile userId',
  'new XAuth': 'options',
  'XAuth#requestToken': 'consumer callback accessType',
  'XAuth#authorizeUrl': 'requestToken forceLogin screenName',
  'XAuth#authenticateUrl': 'requestToken forceLogin screenName',
  'XAuth#parseCallback': 'callback requestToken',
  'XAuth#accessToken': 'consumer requestToken verifier',
  'XAuth#invalidateAccessToken': 'consumer token',
  'XAuth#obtainBearer': 'consumer',
  'XAuth#invalidateBearer': 'consumer bearer',
  'XAuth#startAuthorization': 'client redirectUri scopes',
  'XAuth#finishAuthorization': 'client pending callback',
  'XAuth#refresh': 'client token',
  'XAuth#revoke': 'client token tokenTypeHint',
  'XAuth#send': 'credential method path options',
  'XAuth#usersMe': 'credential',
  'XAuth#userByUsername': 'credential username',
  authorize: 'credential request',
  basicAuthorization: 'id secret',
  checkStore: 'store profile',
  cliMain: 'argv',
  crcResponseToken: 'consumerSecret crcToken',
  customStore: 'functions',
  forwardLogs: 'handler level',
  rateLimitWait: 'status headers',
  openStore: 'url',
  parseError: 'status body',
  percentEncode: 'value',
  pkceChallenge: 'verifier method',
  verifyWebhookSignature: 'consumerSecret body signature',
}

/**
 * The options objects of the native calls: the parameter's position, whether
 * it may be left out, and the fields it holds (those of its interface in
 * native.d.ts, checked by test/surface.test.js), for the error when something
 * else is passed (`new OAuth1('key', 'secret')`).
 */
const OPTIONS = {
  'new AccessToken': [0, false, 'AccessTokenOptions', '{ token, secret }'],
  'new ConsumerKeys': [0, false, 'ConsumerKeysOptions', '{ key, secret }'],
  'new OAuth1': [0, false, 'OAuth1Options', '{ consumerKey, consumerSecret, token, tokenSecret, signatureMethod, realm, includeVersion }'],
  'new OAuth2Client': [0, false, 'OAuth2ClientOptions', '{ clientId, clientSecret }'],
  'new OAuth2UserToken': [0, false, 'OAuth2UserTokenOptions', '{ accessToken, refreshToken, expiresAt, scopes }'],
  'new XAuth': [0, true, 'XAuthOptions', '{ apiBase, webBase, timeout, userAgent, ... }'],
  'new TokenManager': [1, true, 'TokenManagerOptions', '{ store, profile, refreshMargin, onChange }'],
  'TokenManager.withStore': [2, true, 'TokenManagerOptions', '{ profile, refreshMargin, onChange }'],
  'OAuth1#sign': [0, false, 'SignOptions', '{ method, url, form, formBody, nonce, timestamp, callback, verifier }'],
  'OAuth1#authorizationHeader': [0, false, 'SignOptions', '{ method, url, form, formBody, nonce, timestamp, callback, verifier }'],
  'XAuth#send': [3, true, 'SendOptions', '{ form, json }'],
  'TokenManager#send': [3, true, 'SendOptions', '{ form, json }'],
  authorize: [1, false, 'AuthorizeOptions', '{ method, url, contentType, body }'],
}

/** An XAuthError when the options object of call `name` is something else (a string, a number, an array). */
function checkOptions(name, args) {
  const expected = OPTIONS[name]
  if (!expected) return
  const [index, optional, , shape] = expected
  const value = args[index]
  if (optional && (value === undefined || value === null)) return
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return
  const field = PARAMETERS[name]?.split(' ')[index]
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
  const what = name.startsWith('new ') ? name : `${name}()`
  throw new XAuthError(`invalid ${field}: ${what} expects an options object ${shape}, got ${got}`, { code: 'X_INVALID_INPUT', field })
}

/** Every error thrown by x-api-auth. Switch on `err.code`. */
class XAuthError extends Error {
  constructor(message, details) {
    super(message === undefined ? message : text(message))
    this.name = 'XAuthError'
    this.code = details?.code || 'X_ERROR'
    for (const [key, value] of Object.entries(details ?? {})) {
      if (key !== 'message' && key !== 'code' && value !== undefined && value !== null) this[key] = value
    }
  }
}

/** `String(value)`, or `[object Type]` for a value that has no string form (a cycle, too deep, no prototype). */
function text(value) {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

function invalid(field, reason) {
  return new XAuthError(`invalid ${field}: ${reason}`, { code: 'X_INVALID_INPUT', field })
}

function fieldOf(message) {
  const on = /on \w+\.(\w+)/.exec(message)
  if (on) return on[1]
  const missing = /Missing field `(\w+)`/.exec(message)
  return missing ? missing[1] : undefined
}

/**
 * napi-rs's conversion messages quote the value they could not convert
 * (`JavaScript value \`Object {"token":"…"}\` into rust type`): only its type
 * is kept, as the value may be a secret.
 */
function withoutValue(message) {
  return message.replace(/(JavaScript value `\w+)[\s\S]*(` into rust type `)/, '$1$2')
}

/** How napi-rs names a JavaScript value's type in its messages (`Undefined`, `Number 5`, `Object {}`). */
function napiType(value) {
  if (value === null) return 'Null'
  const type = typeof value
  const named = { bigint: 'BigInt', function: 'function', object: 'Object' }[type]
  return named ?? type[0].toUpperCase() + type.slice(1)
}

/** The parameter napi could not convert: the only one, or the only argument of the type its message names. */
function culprit(message, args, parameters) {
  if (parameters.length <= 1) return parameters[0]
  const type = /(?:napi value |JavaScript value `)(\w+)/.exec(message)?.[1]
  const suspects = parameters.filter((_, i) => napiType(args[i]) === type)
  return suspects.length === 1 ? suspects[0] : undefined
}

/**
 * Turns anything the native module throws into an XAuthError; `parameters`
 * (with `args`) names the argument a conversion error is about. An exception
 * that neither napi nor the engine made (one a getter or a Proxy trap of the
 * caller's threw) is the caller's own: it is returned unchanged.
 */
function toXAuthError(error, args = [], parameters = []) {
  if (error instanceof XAuthError) return error
  const raw = typeof error?.message === 'string' ? error.message : text(error)
  const at = raw.indexOf(MARKER)
  if (at >= 0) {
    const details = JSON.parse(raw.slice(at + MARKER.length))
    return new XAuthError(details.message, details)
  }
  const message = withoutValue(raw)
  if (/^Illegal invocation|reference of `\w+` type/.test(message)) {
    return new XAuthError(`invalid receiver (this): ${message}`, { code: 'X_INVALID_INPUT' })
  }
  const deep = error instanceof RangeError && /call stack/i.test(message)
  if (deep || ARGUMENT_STATUS.test(error?.code) || error instanceof TypeError) {
    const field = fieldOf(message) ?? culprit(message, args, parameters)
    const reason = deep ? 'nested too deeply' : message
    return new XAuthError(`invalid ${field ?? 'argument'}: ${reason}`, { code: 'X_INVALID_INPUT', field })
  }
  if (!NATIVE_STATUS.test(error?.code)) return error
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

/** `fn` throwing only XAuthErrors (or the caller's own exceptions); `name` is its key in PARAMETERS. */
function guarded(fn, name) {
  const parameters = PARAMETERS[name]?.split(' ') ?? []
  return function guardedCall(...args) {
    let result
    try {
      checkOptions(name, args)
      result = fn.apply(this, args)
    } catch (error) {
      throw toXAuthError(error, args, parameters)
    }
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      return result.then(adopt, (error) => {
        throw toXAuthError(error, args, parameters)
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
  const className = NativeClass.name
  const parameters = PARAMETERS[`new ${className}`]?.split(' ') ?? []
  const Facade = {
    [className]: class extends NativeClass {
      constructor(...args) {
        try {
          checkOptions(`new ${className}`, args)
          super(...adaptConstructor(args))
        } catch (error) {
          if (/contains no `constructor`/.test(error?.message)) {
            throw new XAuthError(`${className} objects come from x-api-auth's calls, not from new ${className}()`, { code: 'X_INVALID_INPUT' })
          }
          throw toXAuthError(error, args, parameters)
        }
      }
    },
  }[className]
  for (const name of Object.getOwnPropertyNames(NativeClass.prototype)) {
    if (name === 'constructor') continue
    const descriptor = Object.getOwnPropertyDescriptor(NativeClass.prototype, name)
    if (typeof descriptor.value === 'function') {
      Object.defineProperty(Facade.prototype, name, { value: guarded(descriptor.value, `${className}#${name}`), writable: true, configurable: true })
    } else if (descriptor.get) {
      Object.defineProperty(Facade.prototype, name, { get: guarded(descriptor.get), configurable: true })
    }
  }
  for (const name of Object.getOwnPropertyNames(NativeClass)) {
    if (typeof NativeClass[name] === 'function' && !['length', 'name', 'prototype'].includes(name)) {
      const method = guarded(NativeClass[name].bind(NativeClass), `${className}.${name}`)
      Object.defineProperty(Facade, name, { value: method, writable: true, configurable: true })
    }
  }
  const describe = function describe() {
    const fields = {}
    for (const key of show) fields[key] = this[key]
    return fields
  }
  Object.defineProperty(Facade.prototype, inspect.custom, {
    value(depth, options) {
      return `${className} ${inspect({ ...describe.call(this), secrets: '[redacted]' }, options)}`
    },
  })
  Object.defineProperty(Facade.prototype, 'toJSON', {
    value: guarded(function toJSON() {
      return { ...describe.call(this), secrets: '[redacted: keep credentials with TokenManager#saveLogin, move them with TokenStore#exportRecord]' }
    }),
  })
  Object.defineProperty(Facade.prototype, 'toString', {
    value: guarded(function toString() {
      return `${className}(${JSON.stringify(describe.call(this))}, secrets=[redacted])`
    }),
  })
  facades.set(NativeClass, Facade)
  return Facade
}

/**
 * A form as the native module reads it: URLSearchParams and a Map become
 * their [key, value] entries (a plain object, an array of pairs and anything
 * else go as they are: the core's one conversion accepts or refuses them).
 */
function formOf(form) {
  return form instanceof URLSearchParams || form instanceof Map ? Array.from(form) : form
}

/**
 * A form of strings (a plain object, or an array of [key, value] pairs) as its pairs joined
 * by NUL (`k\0v\0k\0v`), as `_joinedHeaderSigner`'s function reads them: one string crosses
 * N-API where walking the form across it costs more than signing. Null for any other form,
 * or when a key or value holds a NUL itself.
 */
function joinedForm(form) {
  let pairs
  if (Array.isArray(form)) {
    for (let i = 0; i < form.length; i++) {
      const pair = form[i]
      if (!Array.isArray(pair) || pair.length !== 2) return null
      const [key, value] = pair
      if (typeof key !== 'string' || typeof value !== 'string' || key.includes('\0') || value.includes('\0')) return null
      pairs = pairs === undefined ? `${key}\0${value}` : `${pairs}\0${key}\0${value}`
    }
    return pairs
  }
  if (typeof form !== 'object' || Object.getPrototypeOf(form) !== Object.prototype) return null
  for (const key in form) {
    if (!Object.hasOwn(form, key)) continue
    const value = form[key]
    if (typeof value !== 'string' || key.includes('\0') || value.includes('\0')) return null
    pairs = pairs === undefined ? `${key}\0${value}` : `${pairs}\0${key}\0${value}`
  }
  return pairs
}

/** `options` with its `key` (a form) as the native module reads it. */
function withForm(options, key = 'form') {
  if (options === null || typeof options !== 'object') return options
  const form = options[key]
  const read = formOf(form)
  return read === form ? options : { ...options, [key]: read }
}

/** A body for `authorize`: bytes of any ArrayBuffer view or an ArrayBuffer as a Buffer, a form as `formOf` makes it. */
function bodyOf(body) {
  if (body instanceof ArrayBuffer || (ArrayBuffer.isView(body) && !(body instanceof Uint8Array))) return bytes(body, 'body')
  return formOf(body)
}

/** JSON has no BigInt (JSON.stringify throws), and napi would send one as a number or as a string: refused. */
function refuseBigInt(json) {
  const pending = [json]
  const seen = new Set()
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value === 'bigint') throw invalid('json', 'a BigInt has no JSON form: convert it to a number or a string')
    if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !seen.has(value)) {
      seen.add(value)
      for (const item of Object.values(value)) pending.push(item)
    }
  }
}

/** Bytes from a string, a Buffer or any ArrayBuffer view, or an ArrayBuffer. */
function bytes(value, field) {
  try {
    if (typeof value === 'string') return Buffer.from(value)
    if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    if (value instanceof ArrayBuffer) return Buffer.from(value)
  } catch (error) {
    throw invalid(field, error.message) // a detached ArrayBuffer
  }
  throw invalid(field, 'expected a string, a Buffer, a Uint8Array or an ArrayBuffer')
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
const CallbackServer = facade(native.CallbackServer, ['redirectUri'])

/** `base` with the value of every `oauth_verifier` (the PIN) replaced by `[redacted]`, as the core masks it in errors. */
function withoutVerifier(base) {
  return typeof base === 'string' ? base.replace(/oauth_verifier%3D[\s\S]*?(?=%26|$)/g, 'oauth_verifier%3D%5Bredacted%5D') : base
}

/**
 * A SignedRequest prints (util.inspect, JSON.stringify, toString) without
 * its header, whose signature with PLAINTEXT is the secrets themselves, and
 * without the verifier in its base string; its properties keep their values.
 */
function redactedSigned(signed) {
  if (signed === null || typeof signed !== 'object') return signed
  const shown = () => ({ ...signed, authorization: '[redacted]', baseString: withoutVerifier(signed.baseString) })
  Object.defineProperties(signed, {
    [inspect.custom]: { value: (depth, options) => `SignedRequest ${inspect(shown(), options)}` },
    toJSON: { value: shown },
    toString: { value: () => `SignedRequest(${JSON.stringify(shown())})` },
  })
  return signed
}

{
  const signWith = OAuth1.prototype.sign
  Object.defineProperty(OAuth1.prototype, 'sign', {
    value: guarded(function sign(request) {
      checkOptions('OAuth1#sign', [request])
      return redactedSigned(signWith.call(this, withForm(request)))
    }),
    writable: true,
    configurable: true,
  })
  // The native method takes the options as arguments: reading them from an object
  // across N-API costs more than signing.
  const headerWith = native.OAuth1.prototype._authorizationHeader
  const joinedHeaderSigner = native.OAuth1.prototype._joinedHeaderSigner
  const signers = new WeakMap()
  const parameters = ['method', 'url', 'form', 'formBody', 'nonce', 'timestamp', 'callback', 'verifier']
  Object.defineProperty(OAuth1.prototype, 'authorizationHeader', {
    value: function authorizationHeader(request) {
      let args
      let call = headerWith
      try {
        // checkOptions throws for anything but an options object (tested inline: it is hot).
        if (request === null || typeof request !== 'object' || Array.isArray(request)) {
          checkOptions('OAuth1#authorizationHeader', [request])
        }
        const { method, url, form, formBody, nonce, timestamp, callback, verifier } = request
        const common = typeof method === 'string' && typeof url === 'string' && formBody == null &&
          nonce == null && timestamp == null && callback == null && verifier == null &&
          !method.includes('\0') && !url.includes('\0')
        const pairs = common ? (form == null ? undefined : joinedForm(form)) : null
        if (pairs !== null) {
          args = [pairs === undefined ? `${method}\0${url}` : `${method}\0${url}\0${pairs}`]
          call = signers.get(this)
          if (call === undefined) {
            call = joinedHeaderSigner.call(this)
            signers.set(this, call)
          }
        } else {
          args = [method, url, formOf(form), formBody, nonce, timestamp, callback, verifier]
          // N-API's conversion errors do not name an argument: the types are checked here.
          for (let i = 0; i < args.length; i++) {
            const value = args[i]
            const wanted = i === 5 ? 'number' : 'string'
            if (i === 2 || typeof value === wanted || ((value === undefined || value === null) && i > 1)) continue
            const got = value === null ? 'null' : typeof value
            throw new XAuthError(`invalid ${parameters[i]}: expected a ${wanted}, got ${got}`, { code: 'X_INVALID_INPUT', field: parameters[i] })
          }
        }
      } catch (error) {
        throw toXAuthError(error, [request], ['request'])
      }
      try {
        return call === headerWith ? headerWith.apply(this, args) : call(args[0])
      } catch (error) {
        throw toXAuthError(error, args, parameters)
      }
    },
    writable: true,
    configurable: true,
  })
}

for (const Class of [XAuth, TokenManager]) {
  const nativeSend = Class.prototype.send
  Object.defineProperty(Class.prototype, 'send', {
    /** Sends an authorised request; `form` is signed with OAuth 1.0a, `json` never is. */
    value: guarded(function send(who, method, path, options) {
      checkOptions(`${Class.name}#send`, [who, method, path, options])
      if (options?.json !== undefined) refuseBigInt(options.json)
      return nativeSend.call(this, who, method, path, withForm(options))
    }),
    writable: true,
    configurable: true,
  })
}

const { accessToken, freshToken, saveLogin, setAppKeys } = TokenManager.prototype
Object.defineProperties(TokenManager.prototype, {
  accessToken: {
    /** An access token for `user` (an id, a screen name, or none for the default user), refreshed first when due. */
    value: guarded(function accessTokenOf(user) {
      const fresh = freshToken.call(this, user)
      return fresh ? Promise.resolve(fresh) : accessToken.call(this, user)
    }),
    writable: true,
    configurable: true,
  },
  saveLogin: {
    /** Stores a user's login: `{ oauth2, oauth1, screenName, accessLevel }`; resolves to its generation. */
    value: guarded(function saveLoginOf(userId, login) {
      if (login != null && typeof login !== 'object') throw invalid('login', 'expected { oauth2, oauth1, screenName, accessLevel }')
      const { oauth2, oauth1, screenName, accessLevel } = login ?? {}
      return saveLogin.call(this, userId, oauth2, oauth1, screenName, accessLevel)
    }),
    writable: true,
    configurable: true,
  },
  setAppKeys: {
    /** Replaces the app's keys and/or client (`{ consumer, client }`), keeping its users. */
    value: guarded(function setAppKeysOf(keys) {
      if (keys != null && typeof keys !== 'object') throw invalid('keys', 'expected { consumer, client }')
      return setAppKeys.call(this, keys?.consumer, keys?.client)
    }),
    writable: true,
    configurable: true,
  },
})

const nativeParseError = guarded(native.parseError, 'parseError')

/** The error an X error response (any shape) maps to. */
function parseError(status, body) {
  return toXAuthError(new Error(nativeParseError(status, bytes(body, 'body'))))
}

const functions = Object.fromEntries(
  ['authorize', 'openStore', 'customStore', 'checkStore', 'crcResponseToken', 'verifyWebhookSignature', 'percentEncode', 'basicAuthorization', 'pkceChallenge', 'forwardLogs'].map((name) => [name, guarded(native[name], name)]),
)
const nativeRateLimitWait = guarded(native.rateLimitWait, 'rateLimitWait')
/**
 * After a response with `status` and `headers` (a Headers, a plain object or [name, value] pairs), how many
 * seconds to wait before sending it again when waiting on rate limits: a number only for a 429 whose reset is
 * within 15 minutes, else null. The policy is the core's, as in XAuth's `waitOnRateLimit`.
 */
functions.rateLimitWait = function rateLimitWait(status, headers) {
  const pairs = headers instanceof Headers || Array.isArray(headers) ? [...headers] : headers != null && typeof headers === 'object' ? Object.entries(headers) : headers
  return nativeRateLimitWait(status, pairs)
}
// DEBUG=x-api-auth (the `debug` package's convention) prints the core's debug events to stderr.
if (/(^|[\s,])x-api-auth(:\*)?($|[\s,])/.test(process.env.DEBUG ?? '')) {
  functions.forwardLogs((event) => process.stderr.write(`x-api-auth ${event.level} ${event.message}\n`), 'debug')
}
const nativeAuthorize = functions.authorize
/** The `Authorization` header for a request any HTTP client is about to send; `body` as sent (a string or bytes) or a form. */
functions.authorize = guarded(function authorize(credential, request) {
  checkOptions('authorize', [credential, request])
  return nativeAuthorize(credential, request?.body === undefined ? request : { ...request, body: bodyOf(request.body) })
})

/**
 * A `fetch` that authorises every request with `auth`: an OAuth1 signer (form
 * bodies are signed, JSON bodies never), a BearerToken, or a TokenManager,
 * whose token for `user` (none: the default user) is refreshed by the manager
 * before it expires; after a 401 the manager is asked once for a fresh token
 * and the request is sent again.
 */
function authorizedFetch(auth, options) {
  if (options != null && typeof options !== 'object') throw invalid('options', 'expected { user, fetch }')
  const user = options?.user ?? undefined
  const fetchImpl = options?.fetch ?? globalThis.fetch
  const waitOnRateLimit = options?.waitOnRateLimit ?? false
  if (typeof waitOnRateLimit !== 'boolean') throw invalid('waitOnRateLimit', 'expected a boolean')
  if (user !== undefined && typeof user !== 'string') throw invalid('user', 'expected a user id or a screen name')
  if (typeof fetchImpl !== 'function') throw invalid('fetch', 'expected a function like globalThis.fetch')
  const managed = auth instanceof native.TokenManager
  if (!(managed || auth instanceof native.OAuth1 || auth instanceof native.BearerToken)) {
    throw invalid('auth', 'expected OAuth1, BearerToken or TokenManager')
  }
  /** The request's URL and method, checked. */
  const target = (input, init) => {
    if (init != null && typeof init !== 'object') throw invalid('init', 'expected the options of fetch')
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input?.url
    if (typeof url !== 'string') throw invalid('input', 'expected a URL, a string or a Request')
    const method = init?.method || input?.method || 'GET'
    if (typeof method !== 'string') throw invalid('method', 'expected a string')
    return { url, method: method.toUpperCase() }
  }
  /** `init` with the Authorization header for `credential` (and what fetch sends for URLSearchParams). */
  const authorizedInit = guarded(function authorizedInit(init, { url, method }, credential) {
    let headers
    try {
      headers = new Headers(init?.headers)
    } catch (error) {
      throw error instanceof TypeError ? invalid('headers', error.message) : error
    }
    const body = init?.body
    if (body instanceof URLSearchParams && !headers.has('content-type')) {
      // what fetch itself sends with URLSearchParams
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
    }
    const contentType = headers.get('content-type') ?? undefined
    // What the signature may cover: text, bytes, or URLSearchParams (a form, encoded as fetch
    // encodes it); a Blob, FormData or a stream is never a form body that could be signed.
    const readable = typeof body === 'string' || body instanceof URLSearchParams || body instanceof ArrayBuffer || ArrayBuffer.isView(body)
    const authorization = functions.authorize(credential, { method, url, contentType, body: readable ? body : undefined })
    try {
      headers.set('authorization', authorization)
    } catch (error) {
      throw invalid('auth', `its Authorization header cannot be sent by fetch: ${error.message}`)
    }
    return { ...init, headers, body }
  })
  /** One authorised request, and with a TokenManager a second after a 401 with a refreshed token. */
  const once = async (input, init, request) => {
    if (!managed) return fetchImpl(input, authorizedInit(init, request, auth))
    const token = await auth.accessToken(user)
    const response = await fetchImpl(input, authorizedInit(init, request, token))
    if (response?.status !== 401) return response
    return fetchImpl(input, authorizedInit(init, request, await auth.refreshAfterUnauthorized(user, token)))
  }
  return async function authorized(input, init) {
    const request = target(input, init)
    let response = await once(input, init, request)
    // With waitOnRateLimit, a 429 is waited out (the core's policy, from X's rate-limit headers; never past
    // 15 minutes, at most three times) and the request signed and sent again.
    for (let waits = 0; waitOnRateLimit && waits < 3 && response?.headers instanceof Headers; waits++) {
      const wait = functions.rateLimitWait(response.status, response.headers)
      if (wait === null) break
      await response.arrayBuffer().catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, wait * 1000))
      response = await once(input, init, request)
    }
    return response
  }
}

/** Every error code, for `switch (err.code)`: `ErrorCodes.INVALID_TOKEN === 'X_INVALID_TOKEN'`. */
const ErrorCodes = Object.freeze(Object.fromEntries(native.errorCodes().map((code) => [code.slice(2), code])))

module.exports = {
  AccessToken,
  AccessTokenResponse,
  ApiResponse,
  BearerToken,
  CallbackServer,
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

// The parameter names and options objects of the native calls, for the tests
// that check them against native.d.ts (test/surface.test.js,
// test/inputs.test.js); not enumerable, not API.
Object.defineProperty(module.exports, Symbol.for('x-api-auth.parameters'), { value: Object.freeze(PARAMETERS) })
Object.defineProperty(module.exports, Symbol.for('x-api-auth.options'), { value: Object.freeze(OPTIONS) })
