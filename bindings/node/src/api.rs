//! API requests: credentials, forms and JSON from JavaScript values, the
//! `Authorization` header for any HTTP client, and responses.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use x_api_auth::{Credential, FORM_CONTENT_TYPE, FormEntry, FormError, FormValue, RequestParts};

use crate::credentials::{BearerToken, OAuth2UserToken};
use crate::errors::{core, invalid, js_error};
use crate::oauth1::OAuth1;

/// A JSON value handed to JavaScript as plain objects and arrays.
pub struct Json(pub Value);

impl TypeName for Json {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        // SAFETY: forwards to serde_json::Value's conversion with the same env.
        unsafe { Value::to_napi_value(env, val.0) }
    }
}

/// What a form argument may be, in JavaScript's terms.
const JS_FORM: &str = "an object, URLSearchParams, a Map or an array of [key, value] pairs (or an encoded form string)";

/// The name of a value's type, as `typeof` says it (`array` for arrays).
pub fn js_type(value: &Unknown<'_>) -> String {
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "boolean",
        Ok(ValueType::Number) => "number",
        Ok(ValueType::String) => "string",
        Ok(ValueType::Symbol) => "symbol",
        Ok(ValueType::Function) => "function",
        Ok(ValueType::BigInt) => "bigint",
        Ok(ValueType::Object) if value.is_array().unwrap_or(false) => "array",
        _ => "object",
    }
    .to_owned()
}

/// A key or value as the core's [`FormValue`]; `nested` for the items of
/// an array (which hold no further arrays: the core refuses those unread).
fn form_value(value: &Unknown<'_>, nested: bool) -> Result<FormValue> {
    Ok(match value.get_type()? {
        // SAFETY: the type was checked just before.
        ValueType::String => FormValue::Text(unsafe { value.cast::<String>() }?),
        // As String() writes it: what URLSearchParams and fetch would send.
        ValueType::Number | ValueType::BigInt => {
            FormValue::Number(value.coerce_to_string()?.into_utf8()?.into_owned()?)
        }
        ValueType::Object if value.is_typedarray()? => {
            // SAFETY: a typed array; the conversion checks it holds bytes.
            match unsafe { value.cast::<Uint8Array>() } {
                Ok(bytes) => FormValue::Bytes(bytes.to_vec()),
                Err(_) => FormValue::Other("typed array other than Uint8Array".to_owned()),
            }
        }
        ValueType::Object if !nested && value.is_array()? => {
            // SAFETY: an array.
            let items = unsafe { value.cast::<Array>() }?;
            let mut values = Vec::with_capacity(items.len() as usize);
            for i in 0..items.len() {
                let item: Unknown<'_> = items
                    .get(i)?
                    .ok_or_else(|| invalid("form", "changed while read"))?;
                values.push(form_value(&item, true)?);
            }
            FormValue::List(values)
        }
        _ => FormValue::Other(js_type(value)),
    })
}

/// Whether `object` is a plain object (`{...}`, or one without a prototype),
/// whose own properties are its entries.
fn is_plain(object: &Object<'_>) -> Result<bool> {
    let prototype = object.get_prototype()?;
    if prototype.get_type()? == ValueType::Null {
        return Ok(true);
    }
    let env = Env::from_raw(object.value().env);
    // `Object` is a function: read as an object, unchecked, for its `prototype`.
    let constructor: Object<'_> = env.get_global()?.get_named_property_unchecked("Object")?;
    let object_prototype: Unknown<'_> = constructor.get_named_property("prototype")?;
    env.strict_equals(prototype, object_prototype)
}

/// One item of an array of pairs as the core's [`FormEntry`].
fn form_entry(item: &Unknown<'_>) -> Result<FormEntry> {
    if item.get_type()? != ValueType::Object || !item.is_array()? {
        return Ok(FormEntry::NotAPair {
            got: js_type(item),
            items: None,
        });
    }
    // SAFETY: an array.
    let pair = unsafe { item.cast::<Array>() }?;
    let (Some(key), Some(value), 2) = (
        pair.get::<Unknown<'_>>(0)?,
        pair.get::<Unknown<'_>>(1)?,
        pair.len(),
    ) else {
        return Ok(FormEntry::NotAPair {
            got: "array".to_owned(),
            items: Some(pair.len() as usize),
        });
    };
    Ok(FormEntry::Pair(
        form_value(&key, false)?,
        form_value(&value, false)?,
    ))
}

/// The form of argument `argument` as decoded pairs, through the core's one
/// conversion ([`x_api_auth::form_pairs`]): a plain object (values strings,
/// numbers, bigints, Buffers/Uint8Arrays, or arrays of those for a repeated
/// key), an array of [key, value] pairs (what the facade makes of a Map and
/// URLSearchParams), or an encoded form string. `None` for null/undefined.
pub fn form_pairs(
    argument: &'static str,
    form: Option<&Unknown<'_>>,
) -> Result<Option<Vec<(String, String)>>> {
    let Some(form) = form else {
        return Ok(None);
    };
    let refused = |e: FormError| js_error(e.error);
    let entries = match form.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok(None),
        ValueType::String => {
            // SAFETY: a string.
            let encoded = unsafe { form.cast::<String>() }?;
            return core(x_api_auth::parse_form(&encoded, argument)).map(Some);
        }
        ValueType::Object if form.is_array()? => {
            // SAFETY: an array.
            let items = unsafe { form.cast::<Array>() }?;
            let mut entries = Vec::with_capacity(items.len() as usize);
            for i in 0..items.len() {
                let item: Unknown<'_> = items
                    .get(i)?
                    .ok_or_else(|| invalid(argument, "changed while read"))?;
                entries.push(form_entry(&item)?);
            }
            entries
        }
        ValueType::Object => {
            // A plain object (the facade turns a Map and URLSearchParams into arrays).
            // SAFETY: an object.
            let object = unsafe { form.cast::<Object>() }?;
            if !is_plain(&object)? {
                let got = "an object that is not a plain one (a class instance, a Set, a Date…)";
                return Err(refused(FormError::not_a_form(argument, got, JS_FORM)));
            }
            let mut entries = Vec::new();
            let env = Env::from_raw(object.value().env);
            for key in Object::keys(&object)? {
                // By a JavaScript string key: a C string (`get_named_property`)
                // cannot hold the NUL a key may.
                let name = env.create_string(&key)?;
                let value: Unknown<'_> = object.get_property(name)?;
                entries.push(FormEntry::Pair(
                    FormValue::Text(key),
                    form_value(&value, false)?,
                ));
            }
            entries
        }
        _ => {
            return Err(refused(FormError::not_a_form(
                argument,
                &js_type(form),
                JS_FORM,
            )));
        }
    };
    x_api_auth::form_pairs(argument, entries)
        .map(Some)
        .map_err(refused)
}

/// The core's [`Credential`] of a credential object.
pub fn credential(credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>) -> Credential {
    match credential {
        Either3::A(c) => Credential::OAuth1(c.0.clone()),
        Either3::B(c) => Credential::Bearer(c.0.clone()),
        Either3::C(c) => Credential::OAuth2User(c.0.clone()),
    }
}

/// An outgoing request, as `authorize` needs it.
#[napi(object)]
pub struct AuthorizeOptions<'a> {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as it will be sent (a string or bytes), or a form (an
    /// object, URLSearchParams, a Map, [key, value] pairs: encoded as the
    /// core encodes forms, with a form's content type).
    #[napi(ts_type = "unknown")]
    pub body: Option<Unknown<'a>>,
}

/// The `Authorization` header for a request any HTTP client is about to
/// send: OAuth 1.0a signs the method, URL and a form body (by
/// `contentType`), never a JSON one.
#[napi(catch_unwind)]
pub fn authorize(
    credential: Either3<&OAuth1, &BearerToken, &OAuth2UserToken>,
    request: AuthorizeOptions<'_>,
) -> Result<String> {
    let mut content_type = request.content_type.as_deref().filter(|ct| !ct.is_empty());
    let body = match &request.body {
        None => Vec::new(),
        Some(body) => match body.get_type()? {
            ValueType::Undefined | ValueType::Null => Vec::new(),
            // SAFETY: the type was checked.
            ValueType::String => unsafe { body.cast::<String>() }?.into_bytes(),
            ValueType::Object if body.is_typedarray()? => {
                // SAFETY: a typed array; the conversion checks it holds bytes.
                unsafe { body.cast::<Uint8Array>() }
                    .map_err(|_| {
                        invalid(
                            "body",
                            "expected a string, a Buffer or a Uint8Array, or a form",
                        )
                    })?
                    .to_vec()
            }
            ValueType::Object => {
                let pairs = form_pairs("body", Some(body))?.unwrap_or_default();
                let form_type = content_type.get_or_insert(FORM_CONTENT_TYPE);
                let parts = RequestParts {
                    content_type: Some(form_type),
                    body: b"=",
                    ..RequestParts::default()
                };
                if !matches!(x_api_auth::form_body(&parts), Ok(Some(_))) {
                    return Err(invalid(
                        "body",
                        format!(
                            "is a form (an object, a Map, URLSearchParams or pairs), which cannot be \
                             sent with contentType {form_type:?}: pass that body as a string or bytes, \
                             or no contentType"
                        ),
                    ));
                }
                x_api_auth::encode_form(pairs).into_bytes()
            }
            _ => {
                return Err(invalid(
                    "body",
                    format!("expected a string, bytes or a form, got {}", js_type(body)),
                ));
            }
        },
    };
    let parts = RequestParts {
        method: &request.method,
        url: &request.url,
        content_type,
        body: &body,
        timestamp: None,
    };
    core(self::credential(credential).authorize(&parts)).map(|a| a.header)
}

/// X's rate-limit headers.
#[napi(object)]
pub struct RateLimit {
    /// `x-rate-limit-limit`.
    pub limit: i64,
    /// `x-rate-limit-remaining`.
    pub remaining: i64,
    /// `x-rate-limit-reset`: when the window resets, Unix seconds.
    pub reset_at: i64,
    /// The app's 24-hour window (`x-app-limit-24hour-*`), when sent.
    #[napi(js_name = "app24h")]
    pub app_24h: Option<RateWindow>,
    /// The user's 24-hour window (`x-user-limit-24hour-*`), when sent.
    #[napi(js_name = "user24h")]
    pub user_24h: Option<RateWindow>,
}

/// One 24-hour window of X's rate limits.
#[napi(object)]
pub struct RateWindow {
    /// Requests the window allows.
    pub limit: i64,
    /// Requests left in it.
    pub remaining: i64,
    /// When it resets, Unix seconds.
    pub reset_at: i64,
}

/// A successful API response.
#[napi]
pub struct ApiResponse(pub(crate) x_api_auth::ApiResponse);

#[napi]
impl ApiResponse {
    /// HTTP status.
    #[napi(getter, catch_unwind)]
    pub fn status(&self) -> u32 {
        u32::from(self.0.status)
    }

    /// Rate-limit headers, when sent.
    #[napi(getter, catch_unwind)]
    pub fn rate_limit(&self) -> Option<RateLimit> {
        let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let window = |w: x_api_auth::RateWindow| RateWindow {
            limit: int(w.limit),
            remaining: int(w.remaining),
            reset_at: int(w.reset_at),
        };
        self.0.rate_limit.map(|l| RateLimit {
            limit: int(l.limit),
            remaining: int(l.remaining),
            reset_at: int(l.reset_at),
            app_24h: l.app_24h.map(window),
            user_24h: l.user_24h.map(window),
        })
    }

    /// The body as text.
    #[napi(getter, catch_unwind)]
    pub fn body(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }

    /// The body decoded as JSON.
    #[napi(ts_return_type = "any", catch_unwind)]
    pub fn json(&self) -> Result<Json> {
        core(self.0.json()).map(Json)
    }
}

/// After a response with `status` and `headers` (`[name, value]` pairs),
/// how many seconds to wait before sending it again when waiting on rate
/// limits: a number only for a 429 whose reset is within 15 minutes, else
/// `null`.
#[napi(catch_unwind)]
pub fn rate_limit_wait(status: u32, headers: Vec<Vec<String>>) -> Result<Option<f64>> {
    let pairs = headers
        .into_iter()
        .map(|pair| match <[String; 2]>::try_from(pair) {
            Ok([name, value]) => Ok((name, value)),
            Err(_) => Err(invalid("headers", "expected [name, value] pairs")),
        })
        .collect::<Result<Vec<_>>>()?;
    let status = u16::try_from(status).map_err(|_| invalid("status", "expected an HTTP status"))?;
    let now = x_api_auth::Clock::unix_seconds(&x_api_auth::SystemClock);
    Ok(x_api_auth::rate_limit_wait(status, &pairs, now).map(|d| d.as_secs_f64()))
}
