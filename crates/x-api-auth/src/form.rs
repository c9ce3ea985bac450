//! Forms as callers write them in Python and JavaScript: values of several
//! types, keys that repeat. A binding describes each key and value of the
//! caller's form as a [`FormValue`] (and each entry as a [`FormEntry`]);
//! [`form_pairs`] decides what is accepted and what it reads as, so that a
//! form means the same in every language.

use crate::error::Error;

/// What a form's values may be, as the messages of [`form_pairs`] say it.
pub const FORM_VALUE_TYPES: &str =
    "a string, a number, UTF-8 bytes, or a list of those (the key repeats, once per item)";

/// A key or a value of a form, as the caller's language holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum FormValue {
    /// A string.
    Text(String),
    /// Bytes (Python `bytes`, a Node `Buffer`): read as UTF-8.
    Bytes(Vec<u8>),
    /// A number, written as the caller's language writes it (Python
    /// `str(200.0)` is `200.0`, JavaScript `String(200)` is `200`), so the
    /// form holds what the caller's own HTTP client would send for it.
    Number(String),
    /// Several values for one key (a Python list or tuple, a JavaScript
    /// array): the key repeats, once per item, in order.
    List(Vec<FormValue>),
    /// Any other value, by the name of its type in the caller's language
    /// (`bool`, `NoneType`, `dict`; `boolean`, `null`, `object`): refused.
    Other(String),
}

/// One entry of a form given as a sequence of pairs.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEntry {
    /// A key and its value.
    Pair(FormValue, FormValue),
    /// An entry that is not a key and a value: `got` names its type in the
    /// caller's language; `items` is its length when it is a sequence.
    NotAPair {
        /// The entry's type.
        got: String,
        /// How many items it holds, when it is a sequence.
        items: Option<usize>,
    },
}

/// Why [`form_pairs`] refused a form.
#[derive(Debug)]
#[non_exhaustive]
pub struct FormError {
    /// The error (`X_INVALID_INPUT`, naming the argument and the key).
    pub error: Error,
    /// Whether a type is at fault rather than a value, for the languages
    /// that raise the two differently (Python's `TypeError` and
    /// `ValueError`).
    pub wrong_type: bool,
}

impl FormError {
    fn new(argument: &'static str, wrong_type: bool, reason: String) -> Self {
        Self {
            error: Error::invalid_input(argument, reason),
            wrong_type,
        }
    }

    /// A form argument that holds no form at all: `got` is its type and
    /// `expected` what the caller's language accepts, in its own terms.
    ///
    /// ```
    /// let e = x_api_auth::FormError::not_a_form("form", "int", "a mapping or (key, value) pairs");
    /// assert_eq!(e.error.to_string(), "invalid form: expected a mapping or (key, value) pairs, got int");
    /// ```
    pub fn not_a_form(argument: &'static str, got: &str, expected: &str) -> Self {
        Self::new(argument, true, format!("expected {expected}, got {got}"))
    }
}

impl From<FormError> for Error {
    fn from(e: FormError) -> Self {
        e.error
    }
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

/// The error for two arguments given together that exclude each other.
///
/// ```
/// let e = x_api_auth::conflicting_arguments("form", "form_body");
/// assert_eq!(e.to_string(), "invalid form: cannot be given with form_body: pass one or the other");
/// assert_eq!(e.code(), "X_INVALID_INPUT");
/// ```
pub fn conflicting_arguments(first: &'static str, second: &str) -> Error {
    Error::invalid_input(
        first,
        format!("cannot be given with {second}: pass one or the other"),
    )
}

/// A key as a message shows it: quoted, escaped, at most 40 characters.
fn shown(key: &str) -> String {
    let mut out: String = key.chars().take(40).flat_map(char::escape_debug).collect();
    if key.chars().nth(40).is_some() {
        out.push('…');
    }
    format!("'{out}'")
}

/// One scalar as text, or why not (`Err((wrong_type, what it is))`).
fn scalar(value: FormValue) -> Result<String, (bool, String)> {
    match value {
        FormValue::Text(text) => Ok(text),
        FormValue::Bytes(bytes) => String::from_utf8(bytes).map_err(|e| {
            (
                false,
                format!(
                    "bytes that are not UTF-8 (at byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        }),
        FormValue::Number(text) => {
            if text.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                Ok(text)
            } else {
                Err((
                    false,
                    format!("the number {}, which is not finite", shown(&text)),
                ))
            }
        }
        FormValue::List(_) => Err((true, "a value of type list".to_owned())),
        FormValue::Other(type_name) => Err((true, format!("a value of type {type_name}"))),
    }
}

/// The `(key, value)` pairs of a form as the caller wrote it, in order: a
/// value that is a list repeats its key once per item (none for an empty
/// list); numbers stay as the caller's language writes them; bytes must be
/// UTF-8. Keys are strings (or UTF-8 bytes). `argument` names the argument
/// in errors, which also name the key and the expected type.
///
/// ```
/// use x_api_auth::{FormEntry, FormValue, form_pairs};
/// let text = |s: &str| FormValue::Text(s.to_owned());
/// let pairs = form_pairs("form", [
///     FormEntry::Pair(text("count"), FormValue::Number("200".into())),
///     FormEntry::Pair(text("id"), FormValue::List(vec![text("1"), text("2")])),
///     FormEntry::Pair(text("q"), FormValue::Bytes(b"caf\xc3\xa9".to_vec())),
/// ])?;
/// assert_eq!(pairs, [("count", "200"), ("id", "1"), ("id", "2"), ("q", "café")]
///     .map(|(k, v)| (k.to_owned(), v.to_owned())));
///
/// let refused = form_pairs("form", [FormEntry::Pair(text("flag"), FormValue::Other("bool".into()))]).unwrap_err();
/// assert!(refused.wrong_type);
/// assert_eq!(refused.error.to_string(), "invalid form: key 'flag' has a value of type bool; \
///     expected a string, a number, UTF-8 bytes, or a list of those (the key repeats, once per item)");
/// # Ok::<(), x_api_auth::FormError>(())
/// ```
pub fn form_pairs(
    argument: &'static str,
    entries: impl IntoIterator<Item = FormEntry>,
) -> Result<Vec<(String, String)>, FormError> {
    let mut pairs = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        let (key, value) = match entry {
            FormEntry::Pair(key, value) => (key, value),
            FormEntry::NotAPair { got, items } => {
                let (wrong_type, what) = match items {
                    Some(n) => (false, format!("has {n} items")),
                    None => (true, format!("is of type {got}")),
                };
                return Err(FormError::new(
                    argument,
                    wrong_type,
                    format!("entry #{index} {what}: each entry must be a key and a value"),
                ));
            }
        };
        let key = match key {
            FormValue::Text(_) | FormValue::Bytes(_) => {
                scalar(key).map_err(|(wrong_type, what)| {
                    FormError::new(
                        argument,
                        wrong_type,
                        format!("the key of entry #{index} is {what}"),
                    )
                })?
            }
            FormValue::Number(number) => {
                return Err(FormError::new(
                    argument,
                    true,
                    format!(
                        "the key of entry #{index} is the number {}: keys are strings",
                        shown(&number)
                    ),
                ));
            }
            FormValue::List(_) => {
                return Err(FormError::new(
                    argument,
                    true,
                    format!("the key of entry #{index} is a list: keys are strings"),
                ));
            }
            FormValue::Other(type_name) => {
                return Err(FormError::new(
                    argument,
                    true,
                    format!("the key of entry #{index} is of type {type_name}: keys are strings"),
                ));
            }
        };
        let refused = |key: &str, (wrong_type, what): (bool, String), inside: bool| {
            let within = if inside { "a list holding " } else { "" };
            let expected = if inside {
                "a string, a number or UTF-8 bytes in the list"
            } else {
                FORM_VALUE_TYPES
            };
            let reason = if wrong_type {
                format!("key {} has {within}{what}; expected {expected}", shown(key))
            } else {
                format!("key {} has {within}{what}", shown(key))
            };
            FormError::new(argument, wrong_type, reason)
        };
        match value {
            FormValue::List(items) => {
                for item in items {
                    let item = scalar(item).map_err(|why| refused(&key, why, true))?;
                    pairs.push((key.clone(), item));
                }
            }
            value => {
                let value = scalar(value).map_err(|why| refused(&key, why, false))?;
                pairs.push((key, value));
            }
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> FormValue {
        FormValue::Text(s.to_owned())
    }

    fn refused(entries: Vec<FormEntry>) -> FormError {
        form_pairs("form", entries).unwrap_err()
    }

    #[test]
    fn repeated_keys_and_scalars() {
        let pairs = form_pairs(
            "form",
            [
                FormEntry::Pair(text("a"), FormValue::List(vec![])),
                FormEntry::Pair(
                    FormValue::Bytes(b"b".to_vec()),
                    FormValue::List(vec![FormValue::Number("1.5".into()), text("x")]),
                ),
                FormEntry::Pair(text("c"), FormValue::Number("1e+21".into())),
            ],
        )
        .unwrap();
        let expected = [("b", "1.5"), ("b", "x"), ("c", "1e+21")];
        assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }

    #[test]
    fn refusals_name_the_argument_the_key_and_the_type() {
        let e = refused(vec![FormEntry::Pair(
            text("n"),
            FormValue::Other("NoneType".into()),
        )]);
        assert!(e.wrong_type);
        assert!(
            e.error.to_string().starts_with(
                "invalid form: key 'n' has a value of type NoneType; expected a string"
            )
        );

        let nested = FormValue::List(vec![text("1"), FormValue::List(vec![])]);
        let e = refused(vec![FormEntry::Pair(text("id"), nested)]);
        assert!(e.wrong_type);
        assert!(
            e.error
                .to_string()
                .contains("key 'id' has a list holding a value of type list")
        );

        let e = refused(vec![FormEntry::Pair(
            text("k"),
            FormValue::Bytes(vec![0xff]),
        )]);
        assert!(!e.wrong_type);
        assert_eq!(
            e.error.to_string(),
            "invalid form: key 'k' has bytes that are not UTF-8 (at byte 0)"
        );

        for number in ["nan", "NaN", "Infinity", "-inf", "1e999", ""] {
            let e = refused(vec![FormEntry::Pair(
                text("k"),
                FormValue::Number(number.into()),
            )]);
            assert!(!e.wrong_type, "{number}");
            assert!(
                e.error.to_string().contains("which is not finite"),
                "{number}"
            );
        }

        let e = refused(vec![FormEntry::Pair(
            FormValue::Other("int".into()),
            text("v"),
        )]);
        assert!(e.wrong_type);
        assert_eq!(
            e.error.to_string(),
            "invalid form: the key of entry #0 is of type int: keys are strings"
        );
        let e = refused(vec![FormEntry::Pair(
            FormValue::Number("1".into()),
            text("v"),
        )]);
        assert!(e.wrong_type);

        let e = refused(vec![
            FormEntry::Pair(text("a"), text("b")),
            FormEntry::NotAPair {
                got: "tuple".into(),
                items: Some(3),
            },
        ]);
        assert!(!e.wrong_type);
        assert_eq!(
            e.error.to_string(),
            "invalid form: entry #1 has 3 items: each entry must be a key and a value"
        );
        let e = refused(vec![FormEntry::NotAPair {
            got: "str".into(),
            items: None,
        }]);
        assert!(e.wrong_type);
        assert!(e.error.to_string().contains("entry #0 is of type str"));
    }

    #[test]
    fn long_keys_are_cut_in_messages() {
        let key = "k".repeat(1000);
        let e = refused(vec![FormEntry::Pair(
            text(&key),
            FormValue::Other("bool".into()),
        )]);
        assert!(
            e.error
                .to_string()
                .contains(&format!("'{}…'", "k".repeat(40)))
        );
    }
}
