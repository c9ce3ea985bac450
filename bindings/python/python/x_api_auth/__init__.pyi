"""Type stubs of x_api_auth: the native classes, with XAuth's Python conveniences."""

from typing import Any, Callable, TypeVar

from x_api_auth import errors as errors
from x_api_auth._native import AccessToken as AccessToken
from x_api_auth._native import AccessTokenResponse as AccessTokenResponse
from x_api_auth._native import ApiResponse as ApiResponse
from x_api_auth._native import BearerToken as BearerToken
from x_api_auth._native import CallbackServer as _NativeCallbackServer
from x_api_auth._native import ConsumerKeys as ConsumerKeys
from x_api_auth._native import OAuth1 as OAuth1
from x_api_auth._native import OAuth2Client as OAuth2Client
from x_api_auth._native import OAuth2UserToken as OAuth2UserToken
from x_api_auth._native import PendingAuthorization as PendingAuthorization
from x_api_auth._native import RateLimit as RateLimit
from x_api_auth._native import RequestToken as RequestToken
from x_api_auth._native import SignedRequest as SignedRequest
from x_api_auth._native import TokenManager as _NativeTokenManager
from x_api_auth._native import TokenStore as TokenStore
from x_api_auth._native import XAuth as _NativeXAuth
from x_api_auth._native import _Credential, _Form
from x_api_auth._native import authorize as authorize
from x_api_auth._native import basic_authorization as basic_authorization
from x_api_auth._native import check_store as check_store
from x_api_auth._native import crc_response_token as crc_response_token
from x_api_auth._native import custom_store as custom_store
from x_api_auth._native import open_store as open_store
from x_api_auth._native import parse_error as parse_error
from x_api_auth._native import percent_encode as percent_encode
from x_api_auth._native import pkce_challenge as pkce_challenge
from x_api_auth._native import rate_limit_wait as rate_limit_wait
from x_api_auth._native import verify_webhook_signature as verify_webhook_signature
from x_api_auth.errors import XAuthError as XAuthError

__version__: str

__all__ = [
    "AccessToken",
    "AccessTokenResponse",
    "ApiResponse",
    "BearerToken",
    "CallbackServer",
    "ConsumerKeys",
    "OAuth1",
    "OAuth2Client",
    "OAuth2UserToken",
    "PendingAuthorization",
    "RateLimit",
    "RequestToken",
    "SignedRequest",
    "TokenManager",
    "TokenStore",
    "XAuth",
    "XAuthError",
    "authorize",
    "basic_authorization",
    "check_store",
    "crc_response_token",
    "custom_store",
    "open_store",
    "parse_error",
    "percent_encode",
    "rate_limit_wait",
    "pkce_challenge",
    "verify_webhook_signature",
]

_F = TypeVar("_F", bound=Callable[..., Any])

def _typed(function: _F) -> _F: ...  # x_api_auth.testing types its own methods with it

class XAuth(_NativeXAuth):
    async def request_token_async(
        self, consumer: ConsumerKeys, callback: str, access_type: str | None = None
    ) -> RequestToken: ...
    async def access_token_async(
        self, consumer: ConsumerKeys, request_token: RequestToken, verifier: str
    ) -> AccessTokenResponse: ...
    async def invalidate_access_token_async(self, consumer: ConsumerKeys, token: AccessToken) -> None: ...
    async def obtain_bearer_async(self, consumer: ConsumerKeys) -> BearerToken: ...
    async def invalidate_bearer_async(self, consumer: ConsumerKeys, bearer: BearerToken) -> None: ...
    async def finish_authorization_async(
        self, client: OAuth2Client, pending: PendingAuthorization, callback: str
    ) -> OAuth2UserToken: ...
    async def refresh_async(self, client: OAuth2Client, token: OAuth2UserToken) -> OAuth2UserToken: ...
    async def revoke_async(
        self, client: OAuth2Client, token: str, token_type_hint: str = "access_token"
    ) -> None: ...
    async def send_async(
        self,
        credential: _Credential,
        method: str,
        path: str,
        *,
        form: _Form | None = None,
        json_body: Any = None,
    ) -> ApiResponse: ...
    async def users_me_async(self, credential: _Credential) -> Any: ...
    async def user_by_username_async(self, credential: _Credential, username: str) -> Any: ...

class TokenManager(_NativeTokenManager):
    async def access_token_async(self, user: str | None = None) -> OAuth2UserToken: ...
    async def refresh_after_unauthorized_async(
        self, user: str | None, rejected: OAuth2UserToken
    ) -> OAuth2UserToken: ...
    async def bearer_async(self) -> BearerToken: ...
    async def send_async(
        self,
        user: str | None,
        method: str,
        path: str,
        *,
        form: _Form | None = None,
        json_body: Any = None,
    ) -> ApiResponse: ...
    async def save_login_async(
        self,
        user_id: str,
        *,
        oauth2: OAuth2UserToken | None = None,
        oauth1: AccessToken | None = None,
        screen_name: str | None = None,
        access_level: str | None = None,
    ) -> int: ...
    async def set_app_keys_async(
        self, *, consumer: ConsumerKeys | None = None, client: OAuth2Client | None = None
    ) -> int: ...

class CallbackServer(_NativeCallbackServer):
    async def wait_async(self, pending: PendingAuthorization, timeout: float = 300.0) -> str: ...
    async def wait_for_request_token_async(
        self, request_token: RequestToken, timeout: float = 300.0
    ) -> str: ...
