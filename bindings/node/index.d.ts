/**
 * x-api-auth: authentication for the X (Twitter) API v2, on a Rust core.
 * The classes are those of the generated `native.d.ts`, with the facade's
 * conveniences: forms as objects, JSON responses decoded, typed errors.
 */
import type * as native from './native'

export {
  TokenStore,
  checkStore,
  customStore,
  openStore,
  AccessToken,
  AccessTokenResponse,
  ApiResponse,
  BearerToken,
  CallbackServer,
  ConsumerKeys,
  OAuth2Client,
  OAuth2UserToken,
  PendingAuthorization,
  RequestToken,
} from './native'
export type {
  AccessTokenOptions,
  ConsumerKeysOptions,
  OAuth1Options,
  OAuth2ClientOptions,
  OAuth2UserTokenOptions,
  RateLimit,
  SignedRequest,
  CustomStoreOptions,
  StoreCall,
  TokenChangeEvent,
  TokenManagerOptions,
  XAuthOptions,
} from './native'

/** One value of a form: text, a number (as `String()` writes it), or UTF-8 bytes. */
export type FormScalar = string | number | bigint | Uint8Array
/** A form's value: a scalar, or an array of them (the key repeats, once per item). */
export type FormValue = FormScalar | readonly FormScalar[]
/**
 * Form body parameters: a plain object, URLSearchParams, a Map, `[key, value]`
 * pairs (as `JSON.parse` gives them), or an encoded form string. A boolean,
 * null, undefined or a nested object is refused with X_INVALID_INPUT.
 */
export type Form =
  | { readonly [key: string]: FormValue }
  | URLSearchParams
  | ReadonlyMap<string, FormValue>
  | ReadonlyArray<readonly [string, FormValue]>
  | string[][]
  | string

/** A request to sign (`form` and `formBody` exclude each other). */
export interface SignRequest extends Omit<native.SignOptions, 'form'> {
  form?: Form
}

/** An outgoing request for `authorize`: `body` as sent (text or bytes), or a form. */
export interface AuthorizeRequest extends Omit<native.AuthorizeOptions, 'body'> {
  body?: string | ArrayBufferView | ArrayBuffer | Form
}

/** An OAuth 1.0a signer. */
export declare class OAuth1 extends native.OAuth1 {
  /** Signs a request: the header, with the base string, nonce and timestamp it used. */
  sign(request: SignRequest): native.SignedRequest
  /** The `Authorization: OAuth ...` header of a request (a form body signed, JSON never). */
  authorizationHeader(request: SignRequest): string
}

/** What authorises a request: an OAuth 1.0a signer, the app's bearer token, or a user's OAuth 2.0 token. */
export type Credential = native.OAuth1 | native.BearerToken | native.OAuth2UserToken

/** Every flow over HTTP. */
export declare class XAuth extends native.XAuth {
  /** Sends an authorised request; `form` is signed with OAuth 1.0a, `json` never is. */
  send(credential: Credential, method: string, path: string, options?: { form?: Form; json?: unknown } | null): Promise<native.ApiResponse>
}

/** The stable error codes, the same in Rust, Python and Node. */
export type ErrorCode =
  | 'X_CONFIG'
  | 'X_INVALID_INPUT'
  | 'X_STATE_MISMATCH'
  | 'X_ACCESS_DENIED'
  | 'X_TRANSPORT'
  | 'X_UNEXPECTED_RESPONSE'
  | 'X_AUTHENTICATION'
  | 'X_CLOCK_SKEW'
  | 'X_INVALID_TOKEN'
  | 'X_REAUTHORIZE'
  | 'X_RATE_LIMITED'
  | 'X_FORBIDDEN'
  | 'X_UNSUPPORTED_AUTHENTICATION'
  | 'X_MISSING_SCOPE'
  | 'X_OAUTH1_PERMISSIONS'
  | 'X_CLIENT_NOT_ENROLLED'
  | 'X_USER_NOT_ENROLLED'
  | 'X_PAYMENT_REQUIRED'
  | 'X_UNAUTHORIZED_CLIENT'
  | 'X_INVALID_REQUEST'
  | 'X_API_ERROR'
  | 'X_STORE'
  | 'X_INSECURE_TRANSPORT'
  | 'X_INTERNAL'

/** Every error code by its name without the `X_` prefix: `ErrorCodes.INVALID_TOKEN === 'X_INVALID_TOKEN'`. */
export declare const ErrorCodes: Readonly<{ [C in ErrorCode as C extends `X_${infer Name}` ? Name : never]: C }>

/**
 * Every error thrown by x-api-auth. An exception the caller's own code throws
 * while x-api-auth reads an argument (a getter, a Proxy trap) passes through unchanged.
 */
export declare class XAuthError extends Error {
  /** The stable error code (`X_INVALID_TOKEN`, ...): `switch` on it, or compare with `ErrorCodes`. */
  code: ErrorCode
  /** HTTP status, for errors X answered. */
  status?: number
  /** X's numeric error code (32, 89, 135, ...). */
  xCode?: number
  /** The OAuth 2.0 `error` value. */
  error?: string
  /** The v2 problem type (its last path segment). */
  problemType?: string
  /** The problem's reason (`client-not-enrolled`, `user-not-enrolled`, ...). */
  reason?: string
  /** X's own message. */
  apiMessage?: string
  /** The core's error kind (`invalid_token`, `rate_limited`, ...); for X_STORE, what failed. */
  kind?: string
  /** What to do about it. */
  hint?: string
  /** For X_MISSING_SCOPE: the scopes the token lacks, space-separated. */
  scope?: string
  /** For a rejected OAuth 1.0a request: the base string that was signed. */
  baseString?: string
  /** When the rate limit resets (Unix seconds). */
  resetAt?: number
  /** The argument at fault. */
  field?: string
  /** Whether a transport error was a timeout. */
  timeout?: boolean
  /** For X_INSECURE_TRANSPORT: the plain-http base URL refused. */
  url?: string
  /** For X_STORE: the file or store URL at fault (`kind` says what failed). */
  location?: string
  /** For X_REAUTHORIZE from a token manager: the profile and the user who must log in again. */
  profile?: string
  /** For X_REAUTHORIZE from a token manager: the user (id or screen name) who must log in again. */
  user?: string
}

/** Configuration and credentials of a running sandbox. */
export interface SandboxInfo {
  base_url: string
  apps: Array<{
    consumer_key: string
    consumer_secret: string
    access_token: string
    access_token_secret: string
    clients: Array<{ client_id: string; client_secret?: string | null }>
    callback_urls: string[]
  }>
  users: Array<{ id: string; username: string; name: string }>
}

/** The X-compatible auth sandbox, in-process on a loopback port, for tests. */
export declare class Sandbox extends native.Sandbox {
  /** Starts the sandbox on a loopback port (`configJson`: a configuration document; the built-in app and users when absent). */
  static start(configJson?: string | undefined | null): Sandbox
  /** Where the sandbox listens and its credentials. */
  get info(): SandboxInfo
}

/** A user's login to store: an OAuth 2.0 token and/or an OAuth 1.0a access token. */
export interface Login {
  oauth2?: native.OAuth2UserToken | null
  oauth1?: native.AccessToken | null
  screenName?: string | null
  accessLevel?: string | null
}

declare const TokenManagerBase: new (
  xauth: native.XAuth,
  options?: native.TokenManagerOptions | null,
) => Omit<native.TokenManager, 'saveLogin' | 'setAppKeys' | 'send'>

/** Serves OAuth 2.0 user tokens and the app's bearer token from a store, refreshing each once. */
export declare class TokenManager extends TokenManagerBase {
  /** A manager over a store object (`customStore`, or one from `openStore`). */
  static withStore(xauth: native.XAuth, store: native.TokenStore, options?: native.TokenManagerOptions | null): TokenManager
  /** Sends an authorised request as `user` (none: the default user), refreshing the token first when due and once after a 401. */
  send(user: string | undefined | null, method: string, path: string, options?: { form?: Form; json?: unknown } | null): Promise<native.ApiResponse>
  /** Stores a user's login (an OAuth 2.0 token and/or an OAuth 1.0a access token); resolves to the record's generation. */
  saveLogin(userId: string, login?: Login | null): Promise<number>
  /** Replaces the app's keys (regenerated in the developer portal) and/or its OAuth 2.0 client, keeping its users. */
  setAppKeys(keys?: { consumer?: native.ConsumerKeys | null; client?: native.OAuth2Client | null } | null): Promise<number>
}

/** The error an X error response (any shape) maps to; `body` as received (text or bytes). */
export declare function parseError(status: number, body: string | ArrayBufferView | ArrayBuffer): XAuthError

/** Options of `authorizedFetch`. */
export interface AuthorizedFetchOptions {
  /** With a TokenManager: the user (an id or a screen name; none for the default user). */
  user?: string | null
  /** The fetch to wrap (globalThis.fetch); its own errors pass through unchanged. */
  fetch?: typeof globalThis.fetch | null
  /** After a 429, wait for X's window to reset (at most 15 minutes, three times) and send again. */
  waitOnRateLimit?: boolean | null
}

/** A `fetch` (same arguments, same `Response`) that adds the `Authorization` header. */
export type AuthorizedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** A `fetch` that authorises every request with `auth`. */
export declare function authorizedFetch(auth: native.OAuth1 | native.BearerToken | TokenManager, options?: AuthorizedFetchOptions | null): AuthorizedFetch

/** The `Authorization` header for a request any HTTP client is about to send (form bodies signed, JSON never). */
export declare function authorize(credential: Credential, request: AuthorizeRequest): string
/** `sha256=…`: the answer to a webhook CRC challenge (`crc_token`), for the `response_token` field. */
export declare function crcResponseToken(consumerSecret: string, crcToken: string): string
/** Verifies `x-twitter-webhooks-signature` over the raw body; throws an XAuthError on a mismatch. */
export declare function verifyWebhookSignature(consumerSecret: string, body: Buffer, signature: string): void
/** RFC 3986 percent-encoding as OAuth 1.0a requires it (`~` kept, space as `%20`). */
export declare function percentEncode(value: string): string
/** The `Basic …` header for an id and a secret (RFC 6749 §2.3.1: each form-encoded first). */
export declare function basicAuthorization(id: string, secret: string): string
/** The PKCE code challenge of a verifier (`method`: `S256`, the default, or `plain`). */
export declare function pkceChallenge(verifier: string, method?: string | undefined | null): string
/**
 * Calls `handler` with each event of the core at `level` (`debug` unless given) or above, on the event loop:
 * each request, OAuth 1.0a base string (no key, secret or signature) and response at `debug`, refreshes at
 * `info`, a refused refresh at `warn`. `null` stops it. `DEBUG=x-api-auth` prints them to stderr.
 */
export declare function forwardLogs(handler: ((event: native.LogEvent) => void) | null, level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | null): void
/** One event of the core: `level` and `message` (its fields as `name=value`). */
export type LogEvent = native.LogEvent
/**
 * After a response with `status` and `headers`, how many seconds to wait before sending it again when waiting
 * on rate limits: a number only for a 429 whose reset is within 15 minutes, else null (the core's policy).
 */
export declare function rateLimitWait(status: number, headers: Headers | Record<string, string> | Array<[string, string]>): number | null
