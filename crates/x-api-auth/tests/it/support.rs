//! Shared helpers: reading the cross-language vectors in `tests/vectors`.

use std::path::PathBuf;

use serde::de::DeserializeOwned;

/// Reads `tests/vectors/<name>` at the workspace root.
pub fn vectors<T: DeserializeOwned>(name: &str) -> T {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}
