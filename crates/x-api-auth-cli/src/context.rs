//! What every command needs: the store, the profile, the client for X, and
//! the way to print (text or JSON, secrets redacted or not).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Value, json};
use x_api_auth::tokens::{
    AppRecord, TokenManager, TokenStore, UserRecord, find_user, load_app, open_store,
};
use x_api_auth::{Error, ErrorField, XAuth, XAuthSettings};
use zeroize::Zeroizing;

use crate::cli::Global;

/// The shared state of one run.
pub struct Context {
    pub global: Global,
    pub profile: String,
    pub store: Arc<dyn TokenStore>,
    pub xauth: XAuth,
}

impl Context {
    pub fn new(global: Global) -> Result<Self, Error> {
        let store = open_store(global.store.as_deref())?;
        let profile = match &global.profile {
            Some(p) => p.clone(),
            None => {
                active_profile().unwrap_or_else(|| x_api_auth::tokens::DEFAULT_PROFILE.to_owned())
            }
        };
        let xauth = XAuthSettings {
            api_base: Some(global.api_base.clone()),
            web_base: Some(global.web_base.clone()),
            binding: Some("cli".to_owned()),
            simulated_clock_skew: global.simulated_clock_skew,
            ..Default::default()
        }
        .build()?;
        Ok(Self {
            global,
            profile,
            store,
            xauth,
        })
    }

    /// A token manager over the store, for the profile.
    pub fn manager(&self) -> Result<TokenManager, Error> {
        TokenManager::new(self.xauth.clone(), self.store.clone(), Some(&self.profile))
    }

    /// The profile's app record (empty when none is stored).
    pub fn app(&self) -> Result<AppRecord, Error> {
        load_app(self.store.as_ref(), &self.profile)
    }

    /// The chosen user's record.
    pub fn user(&self) -> Result<UserRecord, Error> {
        find_user(
            self.store.as_ref(),
            &self.profile,
            self.global.user.as_deref(),
        )
    }

    /// The user's record if one is stored.
    pub fn user_if_any(&self, id: &str) -> Result<Option<UserRecord>, Error> {
        match find_user(self.store.as_ref(), &self.profile, Some(id)) {
            Ok(user) => Ok(Some(user)),
            Err(Error::LoginRequired { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A secret for display: in clear with --show-secrets, else redacted.
    pub fn secret(&self, value: &str) -> Value {
        if self.global.show_secrets {
            Value::String(value.to_owned())
        } else {
            Value::String("[redacted]".to_owned())
        }
    }

    /// Prints a result: the JSON document with --json, else `text`.
    pub fn print(&self, document: &Value, text: &str) {
        if self.global.json {
            out!("{document}");
        } else if !text.is_empty() {
            out!("{text}");
        }
    }

    /// Something the profile does not hold: `X_CONFIG` (exit code 3), saying
    /// what to run.
    pub fn needs_app(&self, what: &str, remedy: &str) -> Error {
        Error::MissingConfig {
            name: format!("the {what} of profile {} (run: {remedy})", self.profile),
            reason: "is not stored",
        }
    }
}

/// Prints an error: one line on stderr, and a JSON document on stdout with
/// --json.
pub fn print_error(e: &Error, json: bool) {
    if json {
        let mut error = json!({ "code": e.code(), "message": e.to_string() });
        for (name, value) in e.fields() {
            error[name] = match value {
                ErrorField::Number(n) => n.into(),
                ErrorField::Text(t) => t.into(),
                ErrorField::Bool(b) => b.into(),
            };
        }
        out!("{}", json!({ "error": error }));
    }
    err!("error: {}", e.to_string().replace('\n', " "));
}

/// The CLI's own settings file: `$X_API_AUTH_CONFIG_DIR`, else
/// `$XDG_CONFIG_HOME/x-api-auth`, else `~/.config/x-api-auth`.
fn config_file() -> Option<PathBuf> {
    let dir = std::env::var_os("X_API_AUTH_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("x-api-auth"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/x-api-auth"))
        })?;
    Some(dir.join("cli.json"))
}

/// The profile `apps use` chose.
fn active_profile() -> Option<String> {
    let text = std::fs::read_to_string(config_file()?).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value["profile"].as_str().map(str::to_owned)
}

/// Makes `profile` the default of later commands.
pub fn set_active_profile(profile: &str) -> Result<PathBuf, Error> {
    x_api_auth::tokens::RecordKey::app(profile)?;
    let path = config_file().ok_or_else(|| {
        Error::invalid_input(
            "profile",
            "no HOME or XDG_CONFIG_HOME to keep the choice in: pass --profile",
        )
    })?;
    let io = |e: std::io::Error| {
        Error::invalid_input(
            "profile",
            format!("cannot write {}: {}", path.display(), e.kind()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&path, json!({ "profile": profile }).to_string()).map_err(io)?;
    Ok(path)
}

/// A secret given as a flag ("-": one line from stdin), or asked for at a
/// prompt without echo; refused when there is no terminal to ask on.
pub fn secret_input(
    flag: Option<&str>,
    what: &str,
    flag_name: &'static str,
) -> Result<Zeroizing<String>, Error> {
    match flag {
        Some("-") => read_line(what),
        Some(value) => Ok(Zeroizing::new(value.to_owned())),
        None if std::io::stdin().is_terminal() => rpassword::prompt_password(format!("{what}: "))
            .map(Zeroizing::new)
            .map_err(|e| {
                Error::invalid_input(flag_name, format!("could not read it: {}", e.kind()))
            }),
        None => Err(Error::invalid_input(
            flag_name,
            format!(
                "no terminal to ask for the {what} on: pass {flag_name} - and write it on stdin"
            ),
        )),
    }
}

/// One line of stdin, without its end of line.
pub fn read_line(what: &str) -> Result<Zeroizing<String>, Error> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Error::invalid_input("stdin", format!("could not read the {what}: {}", e.kind()))
    })?;
    let trimmed = Zeroizing::new(line.trim().to_owned());
    if trimmed.is_empty() {
        return Err(Error::invalid_input(
            "stdin",
            format!("no {what} was given"),
        ));
    }
    Ok(trimmed)
}
