//! OAuth 2.0 scopes: an open type with X's known scopes as constants.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One OAuth 2.0 scope. X's scopes are constants ([`Scope::KNOWN`]).
///
/// Scopes a caller writes as text (the bindings' `scopes`, the command's
/// `--scopes`) go through [`Scope::parse_requested`], which refuses a name X
/// does not document, so that `tweet.reed` fails before the consent page
/// does. A scope X added after this release is written `custom:NAME` there
/// (or [`Scope::custom`] in Rust): it is sent as `NAME`, unchecked.
/// Scopes X reports (a token response's `scope`) are kept as X sends them.
///
/// ```
/// use x_api_auth::oauth2::Scope;
/// let scopes = Scope::parse_list("tweet.read  users.read offline.access");
/// assert_eq!(scopes, vec![Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS]);
/// assert_eq!(Scope::join(&scopes), "tweet.read users.read offline.access");
/// assert_eq!(Scope::parse_requested(["tweet.read users.read", "custom:future.scope"])?,
///     vec![Scope::TWEET_READ, Scope::USERS_READ, Scope::custom("future.scope")]);
/// assert_eq!(Scope::custom("future.scope").as_str(), "future.scope");
/// assert!(Scope::parse_requested(["tweet.reed"]).unwrap_err().to_string().contains("did you mean tweet.read?"));
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scope(Cow<'static, str>);

macro_rules! scopes {
    ($($(#[$meta:meta])* $name:ident = $value:literal;)*) => {
        impl Scope {
            $($(#[$meta])* pub const $name: Scope = Scope(Cow::Borrowed($value));)*

            /// Every scope X documents.
            pub const KNOWN: &'static [Scope] = &[$(Scope::$name),*];
        }
    };
}

scopes! {
    /// `block.read`
    BLOCK_READ = "block.read";
    /// `block.write`
    BLOCK_WRITE = "block.write";
    /// `bookmark.read`
    BOOKMARK_READ = "bookmark.read";
    /// `bookmark.write`
    BOOKMARK_WRITE = "bookmark.write";
    /// `broadcast.read`
    BROADCAST_READ = "broadcast.read";
    /// `broadcast.write`
    BROADCAST_WRITE = "broadcast.write";
    /// `dm.read`
    DM_READ = "dm.read";
    /// `dm.write`
    DM_WRITE = "dm.write";
    /// `follows.read`
    FOLLOWS_READ = "follows.read";
    /// `follows.write`
    FOLLOWS_WRITE = "follows.write";
    /// `like.read`
    LIKE_READ = "like.read";
    /// `like.write`
    LIKE_WRITE = "like.write";
    /// `list.read`
    LIST_READ = "list.read";
    /// `list.write`
    LIST_WRITE = "list.write";
    /// `media.write`
    MEDIA_WRITE = "media.write";
    /// `mute.read`
    MUTE_READ = "mute.read";
    /// `mute.write`
    MUTE_WRITE = "mute.write";
    /// `offline.access`: without it X issues no refresh token.
    OFFLINE_ACCESS = "offline.access";
    /// `space.read`
    SPACE_READ = "space.read";
    /// `timeline.read`
    TIMELINE_READ = "timeline.read";
    /// `tweet.moderate.write`
    TWEET_MODERATE_WRITE = "tweet.moderate.write";
    /// `tweet.read`
    TWEET_READ = "tweet.read";
    /// `tweet.write`
    TWEET_WRITE = "tweet.write";
    /// `users.email`
    USERS_EMAIL = "users.email";
    /// `users.read`
    USERS_READ = "users.read";
}

impl Scope {
    /// The prefix that marks a scope X added after this release in text
    /// ([`Scope::parse_requested`]): `custom:NAME` is the scope `NAME`.
    pub const CUSTOM_PREFIX: &'static str = "custom:";

    /// Any scope by name, unchecked (a [`Scope::CUSTOM_PREFIX`] is
    /// dropped): for names X sends. Prefer the constants, and
    /// [`Scope::custom`] for a scope X added after this release.
    pub fn new(name: impl Into<String>) -> Self {
        let mut name = name.into();
        if name.starts_with(Scope::CUSTOM_PREFIX) {
            name.drain(..Scope::CUSTOM_PREFIX.len());
        }
        Scope::custom(name)
    }

    /// A scope X added after this release, which [`Scope::KNOWN`] does not
    /// list: sent as it is, unchecked. In text, write it `custom:NAME`.
    pub fn custom(name: impl Into<String>) -> Self {
        let name = name.into();
        match Scope::KNOWN.iter().find(|s| s.0 == name) {
            Some(known) => known.clone(),
            None => Scope(Cow::Owned(name)),
        }
    }

    /// One scope a caller wrote: one of X's ([`Scope::KNOWN`]), or
    /// `custom:NAME` for one X added after this release. Anything else is
    /// `X_INVALID_INPUT` for `scopes`, listing X's scopes.
    pub fn parse(name: &str) -> Result<Self> {
        let name = name.trim();
        if let Some(custom) = name.strip_prefix(Scope::CUSTOM_PREFIX) {
            if custom.is_empty() || custom.chars().any(|c| c.is_whitespace() || c == ',') {
                return Err(Error::invalid_input(
                    "scopes",
                    format!(
                        "{name:?} names no scope: write custom:NAME, NAME being the scope X documents"
                    ),
                ));
            }
            return Ok(Scope::custom(custom));
        }
        if let Some(known) = Scope::KNOWN.iter().find(|s| s.0 == name) {
            return Ok(known.clone());
        }
        let shown: String = name.chars().take(60).collect();
        let guess = Scope::KNOWN
            .iter()
            .map(|s| (edit_distance(name, s.as_str()), s))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map_or_else(String::new, |(_, s)| format!(" (did you mean {s}?)"));
        Err(Error::invalid_input(
            "scopes",
            format!(
                "{shown:?} is not one of X's scopes{guess}. X's scopes: {}. \
                 For a scope X added after this release, write custom:{shown}",
                Scope::join(Scope::KNOWN)
            ),
        ))
    }

    /// The scopes a caller asks for, written as they come: each item one
    /// scope or several separated by spaces or commas
    /// (`["tweet.read", "users.read"]`, `["tweet.read users.read"]`),
    /// each checked by [`Scope::parse`]. Repeats are dropped; none is an
    /// empty list (the authorization then refuses it).
    pub fn parse_requested<I>(items: I) -> Result<Vec<Scope>>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut scopes: Vec<Scope> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in items {
            for name in item
                .as_ref()
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|n| !n.is_empty())
            {
                let scope = Scope::parse(name)?;
                if seen.insert(scope.clone()) {
                    scopes.push(scope);
                }
            }
        }
        Ok(scopes)
    }

    /// The scope's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether X documents this scope.
    pub fn is_known(&self) -> bool {
        Scope::KNOWN.contains(self)
    }

    /// Parses a space-separated list (as in `scope=` of a token response).
    pub fn parse_list(list: &str) -> Vec<Scope> {
        list.split_ascii_whitespace().map(Scope::new).collect()
    }

    /// Joins scopes with single spaces.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(Scope::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;

    /// [`Scope::parse`].
    fn from_str(name: &str) -> Result<Self> {
        Scope::parse(name)
    }
}

/// The Levenshtein distance of two short names (a misspelt scope's
/// nearest known one).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().take(64).enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substituted.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

impl From<&str> for Scope {
    fn from(name: &str) -> Self {
        Scope::new(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_scopes_as_a_list_or_one_string() {
        let expected = vec![Scope::TWEET_READ, Scope::USERS_READ];
        assert_eq!(
            Scope::parse_requested(["tweet.read", "users.read"]).unwrap(),
            expected
        );
        assert_eq!(
            Scope::parse_requested(["tweet.read users.read"]).unwrap(),
            expected
        );
        assert_eq!(
            Scope::parse_requested([" tweet.read,users.read tweet.read "]).unwrap(),
            expected
        );
        assert_eq!(
            Scope::parse_requested(Vec::<String>::new()).unwrap(),
            vec![]
        );
        for known in Scope::KNOWN {
            assert_eq!(&known.as_str().parse::<Scope>().unwrap(), known);
        }
    }

    #[test]
    fn unknown_scopes_are_refused_with_the_list_and_a_guess() {
        let e = Scope::parse_requested(["tweet.read", "tweet.reed"]).unwrap_err();
        assert_eq!(e.code(), "X_INVALID_INPUT");
        assert!(matches!(
            &e,
            Error::InvalidInput {
                field: "scopes",
                ..
            }
        ));
        let message = e.to_string();
        assert!(
            message.contains("\"tweet.reed\" is not one of X's scopes (did you mean tweet.read?)"),
            "{message}"
        );
        for known in Scope::KNOWN {
            assert!(message.contains(known.as_str()), "{message}");
        }
        assert!(message.contains("custom:tweet.reed"), "{message}");
        let e = Scope::parse("zzzzzzzz").unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
        assert!(Scope::parse("custom:").is_err());
        assert!(Scope::parse("Tweet.Read").is_err());
    }

    #[test]
    fn custom_scopes_pass_unchecked_without_their_prefix() {
        let scopes = Scope::parse_requested(["custom:space.write offline.access"]).unwrap();
        assert_eq!(
            scopes,
            vec![Scope::custom("space.write"), Scope::OFFLINE_ACCESS]
        );
        assert_eq!(Scope::join(&scopes), "space.write offline.access");
        assert!(!scopes[0].is_known());
        assert_eq!(Scope::custom("tweet.read"), Scope::TWEET_READ);
        assert_eq!(Scope::new("custom:x").as_str(), "x");
        assert_eq!(Scope::new("custom:custom:x").as_str(), "custom:x");
        let long = "custom:".repeat(200_000);
        assert_eq!(Scope::new(long.as_str()).as_str().len(), long.len() - 7);
        assert!(Scope::parse_requested([long.as_str()]).is_ok());
    }
}
