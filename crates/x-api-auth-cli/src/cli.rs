//! The command line: every command, its flags and its help.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Keep X API credentials, log in, sign and send requests, run the auth
/// sandbox.
#[derive(Debug, Parser)]
#[command(
    name = "x-api-auth",
    version,
    after_help = "Examples:\n  x-api-auth tour                      every credential type against the offline sandbox\n  x-api-auth apps add --consumer-key KEY   (the secret is asked for, without echo)\n  x-api-auth login oauth2 --scopes tweet.read,users.read,offline.access\n  x-api-auth request GET /2/users/me\n  x-api-auth exec -- python bot.py\n\nExit codes: 0 ok, 1 X refused, 2 usage, 3 login needed, 4 store error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Where credentials are kept: file:, file:/dir, keyring:, redis://host:port/db.
    #[arg(long, global = true, env = "X_API_AUTH_STORE")]
    pub store: Option<String>,
    /// The app profile (default: the one `apps use` chose, else "default").
    #[arg(long, global = true, env = "X_API_AUTH_PROFILE")]
    pub profile: Option<String>,
    /// The user (numeric id or @username; default: the profile's default user).
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// X's API base URL.
    #[arg(
        long,
        global = true,
        env = "X_API_AUTH_API_BASE",
        default_value = "https://api.x.com"
    )]
    pub api_base: String,
    /// X's web base URL (the OAuth 2.0 consent page).
    #[arg(
        long,
        global = true,
        env = "X_API_AUTH_WEB_BASE",
        default_value = "https://x.com"
    )]
    pub web_base: String,
    /// Show secrets in clear (they are redacted otherwise).
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Seconds added to this machine's clock (to rehearse clock-skew
    /// trouble against the sandbox).
    #[arg(long, global = true, hide = true, allow_hyphen_values = true)]
    pub simulated_clock_skew: Option<i64>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register apps (their keys) under profiles.
    #[command(subcommand)]
    Apps(AppsCommand),
    /// Log in: the app's bearer token, a user by OAuth 1.0a or OAuth 2.0.
    #[command(subcommand)]
    Login(LoginCommand),
    /// Show, refresh, revoke or invalidate stored tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Who the stored credential belongs to (GET /2/users/me).
    #[command(after_help = "Example:\n  x-api-auth whoami --user @jack --auth oauth1")]
    Whoami(WhoamiArgs),
    /// Print the OAuth 1.0a Authorization header of a request.
    #[command(
        after_help = "Example:\n  x-api-auth sign --method POST --url https://api.x.com/1.1/statuses/update.json --form status=hi\n\nCredentials not given as flags come from X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and\nX_ACCESS_TOKEN_SECRET, then from the profile."
    )]
    Sign(SignArgs),
    /// Send an authorised request to X and print the body.
    #[command(
        after_help = "Examples:\n  x-api-auth request GET /2/users/me -H 'Accept-Language: en'\n  x-api-auth request POST /2/tweets --json-body '{\"text\":\"hello\"}'"
    )]
    Request(RequestArgs),
    /// Run a command with the profile's credentials in X_* variables.
    #[command(after_help = "Example:\n  x-api-auth exec --profile bot -- python bot.py")]
    Exec(ExecArgs),
    /// Answer webhook CRC challenges, check event signatures.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Run the X-compatible auth sandbox on loopback.
    #[command(after_help = "Example:\n  x-api-auth sandbox --port 8080")]
    Sandbox(SandboxArgs),
    /// Walk through every credential type against the sandbox, offline.
    #[command(after_help = "Example:\n  x-api-auth tour")]
    Tour,
    /// Why does X refuse me? One call per stored credential, one line each
    /// with what to do.
    #[command(after_help = "Example:\n  x-api-auth doctor --profile bot")]
    Doctor,
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  x-api-auth completions bash > /etc/bash_completion.d/x-api-auth"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `apps …`
#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Register an app's keys under the profile (secrets asked for without echo).
    #[command(
        after_help = "Examples:\n  x-api-auth apps add --consumer-key KEY\n  x-api-auth apps add --from-env --profile bot"
    )]
    Add(KeysArgs),
    /// Replace an app's keys (regenerated in the portal), keeping its users.
    #[command(
        name = "set-keys",
        after_help = "Example:\n  x-api-auth apps set-keys --consumer-key NEWKEY"
    )]
    SetKeys(KeysArgs),
    /// List the profiles of the store.
    #[command(after_help = "Example:\n  x-api-auth apps list --json")]
    List,
    /// Show the profile's app and users (secrets redacted unless --show-secrets).
    #[command(after_help = "Example:\n  x-api-auth apps show --profile bot")]
    Show,
    /// Remove the profile: its app and every user.
    #[command(after_help = "Example:\n  x-api-auth apps remove --profile old-bot")]
    Remove,
    /// Bring credentials in from twurl, xurl or a .env file.
    #[command(
        after_help = "Examples:\n  x-api-auth apps import --from twurl            (~/.twurlrc)\n  x-api-auth apps import --from xurl             (~/.xurl)\n  x-api-auth apps import --from dotenv .env --profile bot"
    )]
    Import {
        /// The tool the credentials come from.
        #[arg(long, value_enum)]
        from: ImportSource,
        /// The file (default: ~/.twurlrc, ~/.xurl, or ./.env).
        file: Option<std::path::PathBuf>,
    },
    /// Make a profile the default one of later commands.
    #[command(after_help = "Example:\n  x-api-auth apps use bot")]
    Use {
        /// The profile.
        profile: String,
    },
}

/// Where `apps import` reads credentials.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportSource {
    /// twurl's ~/.twurlrc (YAML).
    Twurl,
    /// xurl's ~/.xurl (JSON).
    Xurl,
    /// A .env file with X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, … (the
    /// names the libraries read).
    Dotenv,
}

/// An app's keys, from flags, the environment or a prompt.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// The API Key (consumer key).
    #[arg(long)]
    pub consumer_key: Option<String>,
    /// The API Key Secret ("-": read a line from stdin; absent: asked for).
    #[arg(long)]
    pub consumer_secret: Option<String>,
    /// The OAuth 2.0 Client ID.
    #[arg(long)]
    pub client_id: Option<String>,
    /// The OAuth 2.0 Client Secret of a confidential client ("-": stdin;
    /// absent with --confidential: asked for).
    #[arg(long)]
    pub client_secret: Option<String>,
    /// The client is confidential (Web App, Automated App or bot).
    #[arg(long)]
    pub confidential: bool,
    /// A callback URL registered for the app (repeat for several).
    #[arg(long = "callback-url")]
    pub callback_urls: Vec<String>,
    /// Read X_API_KEY, X_API_SECRET, X_CLIENT_ID and X_CLIENT_SECRET.
    #[arg(long)]
    pub from_env: bool,
}

/// `login …`
#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Obtain and keep the app's bearer token (app-only).
    #[command(after_help = "Example:\n  x-api-auth login app --profile bot")]
    App,
    /// Log a user in with OAuth 1.0a (3-legged; --pin for the PIN flow).
    #[command(after_help = "Examples:\n  x-api-auth login oauth1\n  x-api-auth login oauth1 --pin")]
    Oauth1(BrowserArgs),
    /// Log a user in with OAuth 2.0 (PKCE) through the browser.
    #[command(
        after_help = "Example:\n  x-api-auth login oauth2 --scopes tweet.read,users.read,offline.access"
    )]
    Oauth2(Oauth2Args),
}

/// How a browser login runs.
#[derive(Debug, Args)]
pub struct BrowserArgs {
    /// The registered callback URL (default: the app's first one).
    #[arg(long)]
    pub callback: Option<String>,
    /// Print the URL instead of opening the browser; paste the page's
    /// redirect URL (or the PIN) back.
    #[arg(long)]
    pub no_browser: bool,
    /// OAuth 1.0a: the PIN flow (no callback server).
    #[arg(long)]
    pub pin: bool,
    /// Seconds to wait for the browser.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

/// `login oauth2`
#[derive(Debug, Args)]
pub struct Oauth2Args {
    /// Scopes, comma- or space-separated: X's names (a misspelt one is
    /// refused), or custom:NAME for a scope X added after this release.
    #[arg(long, default_value = "tweet.read,users.read,offline.access")]
    pub scopes: String,
    #[command(flatten)]
    pub browser: BrowserArgs,
}

/// `token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Show the stored tokens of the user (and the app's bearer).
    #[command(after_help = "Example:\n  x-api-auth token show --user @jack --json")]
    Show,
    /// Refresh the user's OAuth 2.0 token now (X rotates the refresh token).
    #[command(after_help = "Example:\n  x-api-auth token refresh --user @jack")]
    Refresh,
    /// Revoke the user's OAuth 2.0 token at X and forget it.
    #[command(after_help = "Example:\n  x-api-auth token revoke --user @jack")]
    Revoke,
    /// Invalidate the app's bearer token (--app) or the user's OAuth 1.0a token at X, and forget it.
    #[command(
        after_help = "Examples:\n  x-api-auth token invalidate --app\n  x-api-auth token invalidate --user @jack"
    )]
    Invalidate {
        /// The app's bearer token instead of the user's OAuth 1.0a token.
        #[arg(long)]
        app: bool,
    },
}

/// The credential to use.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Auth {
    /// The user's OAuth 1.0a access token.
    Oauth1,
    /// The user's OAuth 2.0 token (refreshed when due).
    Oauth2,
    /// The app's bearer token.
    App,
}

/// `whoami`
#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// The credential (default: the user's OAuth 2.0 token, else OAuth 1.0a).
    #[arg(long, value_enum)]
    pub auth: Option<Auth>,
}

/// `sign`
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The HTTP method.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// The URL, query included.
    #[arg(long)]
    pub url: String,
    /// A form body parameter k=v (repeat for several).
    #[arg(long = "form", value_name = "K=V")]
    pub form: Vec<String>,
    /// The API Key.
    #[arg(long)]
    pub consumer_key: Option<String>,
    /// The API Key Secret.
    #[arg(long)]
    pub consumer_secret: Option<String>,
    /// The access token.
    #[arg(long)]
    pub token: Option<String>,
    /// The access token secret.
    #[arg(long)]
    pub token_secret: Option<String>,
    /// HMAC-SHA1 (X's), HMAC-SHA256 or PLAINTEXT.
    #[arg(long, default_value = "HMAC-SHA1")]
    pub signature_method: String,
    /// oauth_callback (request token step).
    #[arg(long)]
    pub callback: Option<String>,
    /// oauth_verifier (access token step).
    #[arg(long)]
    pub verifier: Option<String>,
    /// A fixed nonce (tests).
    #[arg(long)]
    pub nonce: Option<String>,
    /// A fixed timestamp, Unix seconds (tests).
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Print a ready curl command.
    #[arg(long)]
    pub curl: bool,
    /// Print the base string and the signing key, secrets masked.
    #[arg(long)]
    pub explain: bool,
}

/// `request`
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The HTTP method.
    pub method: String,
    /// The path (/2/users/me) or a full URL.
    pub path: String,
    /// A form body: k=v&k2=v2 (repeat -d to add).
    #[arg(short = 'd', long = "data", conflicts_with = "json_body")]
    pub data: Vec<String>,
    /// A JSON body.
    #[arg(long = "json-body", value_name = "JSON")]
    pub json_body: Option<String>,
    /// An extra header, "Name: value" (repeat for several).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The credential (default: the user's OAuth 2.0 token, else OAuth 1.0a).
    #[arg(long, value_enum)]
    pub auth: Option<Auth>,
    /// Print the status, the rate limit and X's hint on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `exec`
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// `webhook …`
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Print the response token of a CRC challenge.
    #[command(after_help = "Example:\n  x-api-auth webhook crc --token CHALLENGE")]
    Crc {
        /// The crc_token X sent.
        #[arg(long)]
        token: String,
    },
    /// Answer CRC challenges and print the events whose signature is right.
    #[command(after_help = "Example:\n  x-api-auth webhook serve --port 8080")]
    Serve {
        /// The port on 127.0.0.1 (0: any free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
}

/// `sandbox`
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A JSON configuration (apps, users, lifetimes).
    #[arg(long)]
    pub config: Option<std::path::PathBuf>,
}
