//! Targets for the sandbox's parsers of what clients send, cross-checked
//! against the core's where both parse the same thing.

use x_api_auth::{parse_form, percent_encode};
use x_api_auth_sandbox::oauth1_verify::{
    ReceivedRequest, base_string, collect, form_decode, parse_pairs, rfc3986, signature_matches,
};

use crate::fields::Fields;

/// `oauth1_verify::collect` and what follows it in the sandbox: a request
/// (method, base URL, query, form body, `Authorization` header, then the
/// consumer and token secrets) collected, its base string built and its
/// signature checked.
pub fn sandbox_authorization(data: &[u8]) {
    let mut fields = Fields::new(data);
    let request = ReceivedRequest {
        method: fields.text(),
        base_url: fields.text(),
        query: fields.text(),
        form_body: Some(fields.text()).filter(|b| !b.is_empty()),
        authorization: Some(fields.text()),
    };
    let Ok(params) = collect(&request) else {
        return;
    };
    let base = base_string(&request.method, &request.base_url, &params.signed);
    assert!(base.starts_with(&request.method.to_ascii_uppercase()));
    let _ = signature_matches(&base, &fields.text(), &fields.text(), &params.signature);
}

/// The sandbox's form parsing (`parse_pairs`, `form_decode`), which must
/// agree with the core's `parse_form` on every input, and its RFC 3986
/// encoder, which must agree with the core's `percent_encode`.
pub fn sandbox_form(data: &[u8]) {
    let mut fields = Fields::new(data);
    let form = fields.text();
    let sandbox = parse_pairs(&form);
    let core = parse_form(&form, "form body").ok();
    assert_eq!(
        sandbox, core,
        "the sandbox and the core parse {form:?} differently"
    );
    let text = fields.text();
    let encoded = rfc3986(&text);
    assert_eq!(
        encoded,
        percent_encode(&text),
        "the encoders differ on {text:?}"
    );
    assert_eq!(form_decode(&encoded).as_deref(), Some(text.as_str()));
}
