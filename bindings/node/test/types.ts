// Compiled with `tsc --noEmit` by the tests: the public types must accept real usage.
import { ConsumerKeys, ErrorCodes, OAuth1, OAuth2Client, OAuth2UserToken, XAuth, XAuthError, authorize, authorizedFetch } from '../index'
import type { Form, FormValue } from '../index'

const signer = new OAuth1({ consumerKey: 'k', consumerSecret: 's' })
const header: string = signer.authorizationHeader({ method: 'POST', url: 'https://api.x.com/2/tweets', form: { a: 'b' } })
const forms: Form[] = [
  { count: 200, id: ['1', '2'], big: 2n, bytes: Buffer.from('b') },
  new URLSearchParams({ a: 'b' }),
  new Map<string, FormValue>([['a', 'b'], ['id', [1, 2]]]),
  [['a', 'b'], ['count', 200]],
  JSON.parse('[["a","b"]]') as string[][],
  'a=b',
]
for (const form of forms) signer.sign({ method: 'POST', url: 'https://api.x.com/1.1/statuses/update.json', form })
authorize(signer, { method: 'POST', url: 'https://api.x.com/2/tweets', body: { a: 'b' } })
authorize(signer, { method: 'POST', url: 'https://api.x.com/2/tweets', contentType: 'application/x-www-form-urlencoded', body: new Uint8Array(1) })
const x = new XAuth({ apiBase: 'http://127.0.0.1:1' })
x.startAuthorization(new OAuth2Client({ clientId: 'id' }), 'https://app.example/cb', 'tweet.read users.read custom:tweet.summarize')
x.startAuthorization(new OAuth2Client({ clientId: 'id' }), 'https://app.example/cb', ['tweet.read', 'users.read'])
void new OAuth2UserToken({ accessToken: 'at', scopes: 'tweet.read users.read' })
async function main(): Promise<void> {
  try {
    const bearer = await x.obtainBearer(new ConsumerKeys({ key: 'k', secret: 's' }))
    const me = await x.usersMe(bearer)
    const response = await x.send(signer, 'POST', '/2/tweets', { json: { text: header } })
    const status: number = response.status
    const fetchWithAuth = authorizedFetch(bearer)
    await fetchWithAuth('https://api.x.com/2/users/me')
    void [me, status]
  } catch (error) {
    if (error instanceof XAuthError && error.code === ErrorCodes.RATE_LIMITED) {
      const reset: number | undefined = error.resetAt
      void reset
    }
  }
}
void main
