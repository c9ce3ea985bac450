// Compiled with `tsc --noEmit` by the tests: the public types must accept real usage.
import { ConsumerKeys, ErrorCodes, OAuth1, XAuth, XAuthError, authorizedFetch } from '../index'

const signer = new OAuth1({ consumerKey: 'k', consumerSecret: 's' })
const header: string = signer.authorizationHeader({ method: 'POST', url: 'https://api.x.com/2/tweets', form: { a: 'b' } })
const x = new XAuth({ apiBase: 'http://127.0.0.1:1' })
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
