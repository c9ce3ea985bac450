//! The 3-legged OAuth 1.0a flow: request token, consent, access token, and
//! invalidating an access token.

use super::XAuth;
use crate::credentials::{AccessToken, ConsumerKeys};
use crate::error::{Error, Result};
use crate::oauth1::{self, AccessTokenResponse, OAuth1, RequestToken, SignableRequest};
use crate::oauth2::parse_invalidate_response;
use crate::secret::OAuthVerifier;
use crate::transport::HttpResponse;
use zeroize::Zeroizing;

impl XAuth {
    /// Step 1: obtains a request token. `callback` is a URL of the app's
    /// allow-list, or `oob` for PIN mode; `access_type` is `read` or `write`.
    pub async fn request_token(
        &self,
        consumer: &ConsumerKeys,
        callback: &str,
        access_type: Option<&str>,
    ) -> Result<RequestToken> {
        let mut url = self.api_url("/oauth/request_token");
        if let Some(access) = access_type {
            if !matches!(access, "read" | "write") {
                return Err(Error::invalid_input(
                    "x_auth_access_type",
                    "must be read or write",
                ));
            }
            url = format!("{url}?x_auth_access_type={access}");
        }
        let signer = OAuth1::new(consumer.clone());
        let request = SignableRequest::new("POST", url.as_str()).callback(callback);
        let response = self.post_oauth1(&signer, &url, request, &[]).await?;
        RequestToken::parse(response.status, &String::from_utf8_lossy(&response.body))
    }

    /// Step 2: the consent page (always prompts).
    pub fn authorize_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        oauth1::authorize_url(
            &self.api_base,
            &request_token.token,
            force_login,
            screen_name,
        )
    }

    /// Step 2, "Sign in with X": skips the prompt for users who approved
    /// the app before.
    pub fn authenticate_url(
        &self,
        request_token: &RequestToken,
        force_login: bool,
        screen_name: Option<&str>,
    ) -> String {
        oauth1::authenticate_url(
            &self.api_base,
            &request_token.token,
            force_login,
            screen_name,
        )
    }

    /// Step 3: exchanges the verifier (from [`oauth1::parse_callback`], or
    /// the PIN) for the user's access token.
    pub async fn access_token(
        &self,
        consumer: &ConsumerKeys,
        request_token: &RequestToken,
        verifier: &OAuthVerifier,
    ) -> Result<AccessTokenResponse> {
        let url = self.api_url("/oauth/access_token");
        let signer = OAuth1::new(consumer.clone()).with_token(request_token.as_access_token()?);
        let form = [("oauth_verifier", verifier.secret())];
        let request = SignableRequest::new("POST", url.as_str()).form(form);
        let response = self.post_oauth1(&signer, &url, request, &form).await?;
        let mut parsed = AccessTokenResponse::parse(response.status, &body_text(&response))?;
        parsed.access_level = response.header("x-access-level").map(str::to_owned);
        Ok(parsed)
    }

    /// Revokes an OAuth 1.0a access token.
    pub async fn invalidate_access_token(
        &self,
        consumer: &ConsumerKeys,
        token: &AccessToken,
    ) -> Result<()> {
        let url = self.api_url("/1.1/oauth/invalidate_token");
        let signer = OAuth1::new(consumer.clone()).with_token(token.clone());
        let request = SignableRequest::new("POST", url.as_str());
        let response = self.post_oauth1(&signer, &url, request, &[]).await?;
        parse_invalidate_response(response.status, &response.body)
    }
}

/// The body as text, in a buffer wiped when dropped (it holds tokens).
fn body_text(response: &HttpResponse) -> Zeroizing<String> {
    Zeroizing::new(String::from_utf8_lossy(&response.body).into_owned())
}
