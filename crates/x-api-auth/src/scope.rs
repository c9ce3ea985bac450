//! OAuth 2.0 scopes: an open type with X's known scopes as constants.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One OAuth 2.0 scope. X's scopes are constants; any other string is
/// accepted too (X adds scopes over time).
///
/// ```
/// use x_api_auth::oauth2::Scope;
/// let scopes = Scope::parse_list("tweet.read  users.read offline.access");
/// assert_eq!(scopes, vec![Scope::TWEET_READ, Scope::USERS_READ, Scope::OFFLINE_ACCESS]);
/// assert_eq!(Scope::join(&scopes), "tweet.read users.read offline.access");
/// assert_eq!(Scope::new("future.scope").as_str(), "future.scope");
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
    /// Any scope by name.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        match Scope::KNOWN.iter().find(|s| s.0 == name) {
            Some(known) => known.clone(),
            None => Scope(Cow::Owned(name)),
        }
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

impl From<&str> for Scope {
    fn from(name: &str) -> Self {
        Scope::new(name)
    }
}
