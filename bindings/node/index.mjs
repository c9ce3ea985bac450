import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const xApiAuth = require('./index.js')

export const {
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
  authorize,
  authorizedFetch,
  basicAuthorization,
  checkStore,
  crcResponseToken,
  customStore,
  forwardLogs,
  openStore,
  parseError,
  percentEncode,
  pkceChallenge,
  rateLimitWait,
  verifyWebhookSignature,
} = xApiAuth
export default xApiAuth
