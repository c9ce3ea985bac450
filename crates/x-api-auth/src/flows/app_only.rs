//! App-only authentication: the app's bearer token from its API Key &
//! Secret (client credentials), and invalidating it.

use super::XAuth;
use crate::credentials::ConsumerKeys;
use crate::error::Result;
use crate::oauth2::{TokenRequest, parse_bearer_response, parse_invalidate_response};
use crate::secret::BearerToken;

impl XAuth {
    /// Obtains the app's bearer token (client credentials).
    pub async fn obtain_bearer(&self, consumer: &ConsumerKeys) -> Result<BearerToken> {
        let request = TokenRequest::client_credentials(consumer)?;
        let response = self
            .post_token(&self.api_url("/oauth2/token"), &request)
            .await?;
        parse_bearer_response(response.status, &response.body)
    }

    /// Invalidates the app's bearer token.
    pub async fn invalidate_bearer(
        &self,
        consumer: &ConsumerKeys,
        bearer: &BearerToken,
    ) -> Result<()> {
        let request = TokenRequest::invalidate_bearer(consumer, bearer)?;
        let response = self
            .post_token(&self.api_url("/oauth2/invalidate_token"), &request)
            .await?;
        parse_invalidate_response(response.status, &response.body)
    }
}
