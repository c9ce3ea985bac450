//! OAuth 2.0 Authorization Code with PKCE: start, finish, refresh (X
//! rotates refresh tokens) and revoke.

use super::XAuth;
use crate::credentials::{OAuth2Client, OAuth2UserToken};
use crate::error::{Error, Result};
use crate::oauth2::{
    AuthorizeUrl, PendingAuthorization, PkceMethod, Scope, TokenRequest, TokenTypeHint,
    parse_authorization_callback, parse_revoke_response, parse_token_response,
};
use crate::secret::{PkceCodeVerifier, State};

impl XAuth {
    /// Starts an Authorization Code with PKCE (S256) authorization.
    pub fn start_authorization(
        &self,
        client: &OAuth2Client,
        redirect_uri: &str,
        scopes: &[Scope],
    ) -> Result<PendingAuthorization> {
        let state = State::random()?;
        let verifier = PkceCodeVerifier::random()?;
        let endpoint = format!("{}/i/oauth2/authorize", self.web_base);
        let url = AuthorizeUrl {
            endpoint: &endpoint,
            client_id: client.client_id(),
            redirect_uri,
            scopes,
            state: &state,
            challenge: &verifier.challenge(PkceMethod::S256),
        }
        .to_url()?;
        Ok(PendingAuthorization {
            url,
            state,
            verifier,
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// Finishes it: checks the callback's state, exchanges the code.
    pub async fn finish_authorization(
        &self,
        client: &OAuth2Client,
        pending: PendingAuthorization,
        callback: &str,
    ) -> Result<OAuth2UserToken> {
        let code = parse_authorization_callback(callback, &pending.state)?;
        let request = TokenRequest::authorization_code(
            client,
            &code,
            &pending.redirect_uri,
            pending.verifier,
        )?;
        let response = self
            .post_token(&self.api_url("/2/oauth2/token"), &request)
            .await?;
        parse_token_response(response.status, &response.body, self.clock.now())
    }

    /// Refreshes a user token. X rotates refresh tokens: the result carries
    /// the new one and the old one is dead, so store the result at once.
    pub async fn refresh(
        &self,
        client: &OAuth2Client,
        token: &OAuth2UserToken,
    ) -> Result<OAuth2UserToken> {
        let refresh_token = token.refresh_token.as_ref().ok_or_else(|| {
            Error::invalid_input(
                "token",
                "has no refresh token (authorize with the offline.access scope)",
            )
        })?;
        let request = TokenRequest::refresh(client, refresh_token)?;
        let response = self
            .post_token(&self.api_url("/2/oauth2/token"), &request)
            .await?;
        parse_token_response(response.status, &response.body, self.clock.now())
    }

    /// Revokes an OAuth 2.0 access or refresh token.
    pub async fn revoke(
        &self,
        client: &OAuth2Client,
        token: &str,
        hint: TokenTypeHint,
    ) -> Result<()> {
        let request = TokenRequest::revoke(client, token, hint)?;
        let response = self
            .post_token(&self.api_url("/2/oauth2/revoke"), &request)
            .await?;
        parse_revoke_response(response.status, &response.body)
    }
}
