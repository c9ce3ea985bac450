"""Type stubs of the native module (the Rust core)."""

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union, final

from typing_extensions import disjoint_base

__version__: str

__all__ = [
    "__version__",
    "ERROR_CODES",
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
    "Sandbox",
    "SignedRequest",
    "TokenManager",
    "TokenStore",
    "XAuth",
    "authorize",
    "basic_authorization",
    "check_store",
    "cli_main",
    "crc_response_token",
    "custom_store",
    "open_store",
    "parse_error",
    "percent_encode",
    "rate_limit_wait",
    "pkce_challenge",
    "verify_webhook_signature",
]

_FormScalar = str | int | float | bytes
_FormValue = _FormScalar | list[_FormScalar] | tuple[_FormScalar, ...]
# A mapping (values: str, int, float, bytes as UTF-8, or a list/tuple of those for a
# repeated key), an iterable of (key, value) pairs, or an encoded form (str).
_Form = Mapping[str, _FormValue] | Iterable[Sequence[Any]] | str
# X's scope names (custom:NAME for one X added after this release): a list or one
# space-separated string.
_Scopes = str | Iterable[str]
_Credential = Union["OAuth1", "BearerToken", "OAuth2UserToken"]

ERROR_CODES: list[str]

@disjoint_base
class ConsumerKeys:
    def __new__(cls, key: str, secret: str) -> ConsumerKeys: ...
    @staticmethod
    def from_env() -> ConsumerKeys: ...
    @property
    def key(self) -> str: ...
    def secret(self) -> str: ...

@disjoint_base
class AccessToken:
    def __new__(cls, token: str, secret: str) -> AccessToken: ...
    @staticmethod
    def from_env() -> AccessToken: ...
    @property
    def token(self) -> str: ...
    @property
    def user_id(self) -> str | None: ...
    def secret(self) -> str: ...

@disjoint_base
class OAuth2Client:
    def __new__(cls, client_id: str, client_secret: str | None = None) -> OAuth2Client: ...
    @staticmethod
    def from_env() -> OAuth2Client: ...
    @property
    def client_id(self) -> str: ...
    @property
    def is_confidential(self) -> bool: ...

@disjoint_base
class BearerToken:
    def __new__(cls, token: str) -> BearerToken: ...
    @staticmethod
    def from_env() -> BearerToken: ...
    def secret(self) -> str: ...
    def authorization_header(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@disjoint_base
class OAuth2UserToken:
    def __new__(
        cls,
        access_token: str,
        refresh_token: str | None = None,
        expires_at: float | None = None,
        scopes: _Scopes | None = None,
    ) -> OAuth2UserToken: ...
    def access_token(self) -> str: ...
    def refresh_token(self) -> str | None: ...
    @property
    def expires_at(self) -> float | None: ...
    @property
    def scopes(self) -> list[str]: ...
    def expires_within(self, seconds: float) -> bool: ...
    def authorization_header(self) -> str: ...

@disjoint_base
class SignedRequest:
    @property
    def authorization(self) -> str: ...
    @property
    def base_string(self) -> str: ...
    @property
    def nonce(self) -> str: ...
    @property
    def timestamp(self) -> int: ...

@disjoint_base
class OAuth1:
    def __new__(
        cls,
        consumer_key: str,
        consumer_secret: str,
        token: str | None = None,
        token_secret: str | None = None,
        signature_method: str | None = None,
        *,
        realm: str | None = None,
        include_version: bool | None = None,
    ) -> OAuth1: ...
    @staticmethod
    def from_credentials(consumer: ConsumerKeys, token: AccessToken | None = None) -> OAuth1: ...
    def authorization_header(
        self,
        method: str,
        url: str,
        form: _Form | None = None,
        form_body: str | None = None,
        nonce: str | None = None,
        timestamp: int | None = None,
        callback: str | None = None,
        verifier: str | None = None,
    ) -> str: ...
    def sign(
        self,
        method: str,
        url: str,
        *,
        form: _Form | None = None,
        form_body: str | None = None,
        nonce: str | None = None,
        timestamp: int | None = None,
        callback: str | None = None,
        verifier: str | None = None,
    ) -> SignedRequest: ...

@disjoint_base
class RequestToken:
    @property
    def token(self) -> str: ...
    def secret(self) -> str: ...

@disjoint_base
class AccessTokenResponse:
    @property
    def access_token(self) -> AccessToken: ...
    @property
    def user_id(self) -> str | None: ...
    @property
    def screen_name(self) -> str | None: ...
    @property
    def access_level(self) -> str | None: ...

@disjoint_base
class PendingAuthorization:
    @property
    def url(self) -> str: ...
    def to_compact(self) -> str: ...
    @staticmethod
    def from_compact(compact: str) -> PendingAuthorization: ...

@disjoint_base
class RateLimit:
    @property
    def limit(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    @property
    def reset_at(self) -> int: ...
    @property
    def app_24h(self) -> tuple[int, int, int] | None: ...
    @property
    def user_24h(self) -> tuple[int, int, int] | None: ...

@disjoint_base
class ApiResponse:
    @property
    def status(self) -> int: ...
    @property
    def rate_limit(self) -> RateLimit | None: ...
    @property
    def body(self) -> bytes: ...
    def text(self) -> str: ...
    def json(self) -> Any: ...

@disjoint_base
class XAuth:
    def __new__(
        cls,
        api_base: str | None = None,
        web_base: str | None = None,
        timeout: float | None = None,
        simulated_clock_skew: int | None = None,
        *,
        insecure_allow_http: bool | None = None,
        user_agent: str | None = None,
        proxy: str | None = None,
        ca_certs: Sequence[str | os.PathLike[str]] | None = None,
        wait_on_rate_limit: bool | None = None,
    ) -> XAuth: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def clock_offset(self) -> int: ...
    def request_token(
        self, consumer: ConsumerKeys, callback: str, access_type: str | None = None
    ) -> RequestToken: ...
    def authorize_url(
        self, request_token: RequestToken, force_login: bool = False, screen_name: str | None = None
    ) -> str: ...
    def authenticate_url(
        self, request_token: RequestToken, force_login: bool = False, screen_name: str | None = None
    ) -> str: ...
    def parse_callback(self, callback: str, request_token: RequestToken) -> str: ...
    def access_token(
        self, consumer: ConsumerKeys, request_token: RequestToken, verifier: str
    ) -> AccessTokenResponse: ...
    def invalidate_access_token(self, consumer: ConsumerKeys, token: AccessToken) -> None: ...
    def obtain_bearer(self, consumer: ConsumerKeys) -> BearerToken: ...
    def invalidate_bearer(self, consumer: ConsumerKeys, bearer: BearerToken) -> None: ...
    def start_authorization(
        self, client: OAuth2Client, redirect_uri: str, scopes: _Scopes
    ) -> PendingAuthorization: ...
    def finish_authorization(
        self, client: OAuth2Client, pending: PendingAuthorization, callback: str
    ) -> OAuth2UserToken: ...
    def refresh(self, client: OAuth2Client, token: OAuth2UserToken) -> OAuth2UserToken: ...
    def revoke(self, client: OAuth2Client, token: str, token_type_hint: str = "access_token") -> None: ...
    def send(
        self,
        credential: _Credential,
        method: str,
        path: str,
        *,
        form: _Form | None = None,
        json_body: Any = None,
    ) -> ApiResponse: ...
    def users_me(self, credential: _Credential) -> Any: ...
    def user_by_username(self, credential: _Credential, username: str) -> Any: ...

@final
class Sandbox:
    def __new__(cls, config_json: str | None = None) -> Sandbox: ...
    @property
    def info(self) -> dict[str, Any]: ...
    @property
    def counters(self) -> dict[str, int] | None: ...
    def advance_clock(self, seconds: int) -> bool: ...
    @staticmethod
    def approve(authorize_url: str, user: str | None = None) -> str: ...
    @staticmethod
    def deny(authorize_url: str) -> str: ...
    def stop(self) -> None: ...

def authorize(
    credential: _Credential,
    method: str,
    url: str,
    *,
    content_type: str | bytes | None = None,
    body: str | bytes | bytearray | _Form | None = None,
) -> str: ...

@disjoint_base
class TokenStore:
    @property
    def location(self) -> str: ...
    def list(self, profile: str | None = None) -> list[tuple[str, str | None]]: ...
    def export_record(
        self, profile: str, user_id: str | None = None, *, include_secrets: bool = False
    ) -> str | None: ...
    def import_record(self, profile: str, document: str) -> None: ...
    def delete(self, profile: str, user_id: str | None = None) -> None: ...

def open_store(url: str | None = None) -> TokenStore: ...
def custom_store(store: object) -> TokenStore: ...
def check_store(store: TokenStore, profile: str = "conformance") -> str | None: ...

@disjoint_base
class TokenManager:
    def __new__(
        cls,
        xauth: XAuth,
        store: TokenStore | None = None,
        profile: str | None = None,
        *,
        refresh_margin: float | None = None,
        on_change: Callable[[dict[str, Any]], object] | None = None,
    ) -> TokenManager: ...
    @property
    def profile(self) -> str: ...
    @property
    def store(self) -> TokenStore: ...
    def access_token(self, user: str | None = None) -> OAuth2UserToken: ...
    def refresh_after_unauthorized(self, user: str | None, rejected: OAuth2UserToken) -> OAuth2UserToken: ...
    def send(
        self,
        user: str | None,
        method: str,
        path: str,
        *,
        form: _Form | None = None,
        json_body: Any = None,
    ) -> ApiResponse: ...
    def bearer(self) -> BearerToken: ...
    def save_login(
        self,
        user_id: str,
        *,
        oauth2: OAuth2UserToken | None = None,
        oauth1: AccessToken | None = None,
        screen_name: str | None = None,
        access_level: str | None = None,
    ) -> int: ...
    def set_app_keys(
        self, *, consumer: ConsumerKeys | None = None, client: OAuth2Client | None = None
    ) -> int: ...

def crc_response_token(consumer_secret: str, crc_token: str) -> str: ...
def verify_webhook_signature(consumer_secret: str, body: bytes, signature: str) -> None: ...
def parse_error(status: int, body: bytes) -> BaseException: ...
def percent_encode(value: str) -> str: ...
def rate_limit_wait(status: int, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> float | None: ...
def basic_authorization(id: str, secret: str) -> str: ...
def pkce_challenge(verifier: str, method: str = "S256") -> str: ...
def cli_main(argv: list[str]) -> int: ...

@disjoint_base
class CallbackServer:
    def __new__(cls, redirect_uri: str) -> CallbackServer: ...
    @property
    def redirect_uri(self) -> str: ...
    def wait(self, pending: PendingAuthorization, timeout: float = 300.0) -> str: ...
    def wait_for_request_token(self, request_token: RequestToken, timeout: float = 300.0) -> str: ...
