//! The browser login's loopback server (feature `callback-server`): it
//! listens where the app's registered callback URL points (X matches
//! callback URLs exactly), catches the one request the browser makes after
//! consent, checks it, and answers a page that says the tab can be closed.
//!
//! The same server serves the Rust, Python and Node desktop apps and the
//! CLI: they open the browser, the core waits for it.
//!
//! ```no_run
//! # async fn demo() -> x_api_auth::Result<()> {
//! use std::time::Duration;
//! use x_api_auth::callback_server::{CallbackCheck, CallbackServer};
//! use x_api_auth::oauth2::Scope;
//! use x_api_auth::{OAuth2Client, XAuth};
//!
//! let x = XAuth::new()?;
//! let client = OAuth2Client::public("your-client-id")?;
//! let server = CallbackServer::bind("http://127.0.0.1:8976/callback").await?;
//! let pending = x.start_authorization(&client, server.redirect_uri(), &[Scope::TWEET_READ])?;
//! println!("open {}", pending.url);
//! let callback = server
//!     .wait(CallbackCheck::State(&pending.state), Duration::from_secs(300))
//!     .await?;
//! let token = x.finish_authorization(&client, pending, &callback).await?;
//! # Ok(()) }
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::oauth1::parse_callback;
use crate::oauth2::parse_authorization_callback;
use crate::secret::State;

/// What the callback must carry to be the one this login waits for.
#[derive(Debug, Clone, Copy)]
pub enum CallbackCheck<'a> {
    /// OAuth 2.0: the `state` of the pending authorization.
    State(&'a State),
    /// OAuth 1.0a: the request token of step 1 (`oauth_token`).
    RequestToken(&'a str),
}

/// A loopback server waiting for the browser to come back from X's consent
/// page.
#[derive(Debug)]
pub struct CallbackServer {
    listeners: Vec<TcpListener>,
    redirect_uri: String,
    path: String,
}

/// The page the browser shows once the login is caught.
const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>x-api-auth</title>\
<body style=\"font-family:sans-serif;margin:3em\"><h1>Logged in</h1>\
<p>x-api-auth has what it needs: you can close this tab.</p>";

impl CallbackServer {
    /// Listens on the host and port of `redirect_uri`, which must be an
    /// `http://` URL on `127.0.0.1`, `[::1]` or `localhost` (both `127.0.0.1`
    /// and `::1` then, as a browser may pick either). Port 0 picks a free
    /// port ([`CallbackServer::redirect_uri`] then names it); X needs the
    /// exact URL registered for the app.
    pub async fn bind(redirect_uri: &str) -> Result<Self> {
        let bad = |reason: &str| Error::invalid_input("callback URL", reason.to_owned());
        let rest = redirect_uri
            .strip_prefix("http://")
            .ok_or_else(|| bad("must start with http:// (a loopback callback)"))?;
        let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        if path.contains(['?', '#']) {
            return Err(bad("must have no query or fragment"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') => (
                host,
                port.parse::<u16>()
                    .map_err(|_| bad("has a port that is not a number"))?,
            ),
            _ => (authority, 80),
        };
        let addresses: Vec<IpAddr> = match host {
            "127.0.0.1" => vec![Ipv4Addr::LOCALHOST.into()],
            "[::1]" => vec![Ipv6Addr::LOCALHOST.into()],
            h if h.eq_ignore_ascii_case("localhost") => {
                vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]
            }
            _ => {
                return Err(bad(
                    "must be on 127.0.0.1, [::1] or localhost: the login is caught on this machine",
                ));
            }
        };
        let mut listeners = Vec::new();
        let mut port = port;
        for (i, ip) in addresses.into_iter().enumerate() {
            match TcpListener::bind(SocketAddr::new(ip, port)).await {
                Ok(listener) => {
                    port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
                    listeners.push(listener);
                }
                // ::1 beside 127.0.0.1 is a bonus: a machine without IPv6 has none.
                Err(_) if i > 0 => {}
                Err(e) => {
                    return Err(Error::Transport {
                        timeout: false,
                        reason: format!(
                            "cannot listen on {host}:{port} for the login callback ({}): \
                             stop the program using that port, or register another callback URL",
                            e.kind()
                        ),
                    });
                }
            }
        }
        let path = if path.is_empty() { "/" } else { path };
        Ok(Self {
            listeners,
            redirect_uri: format!("http://{host}:{port}{path}"),
            path: path.to_owned(),
        })
    }

    /// The callback URL, its port filled in.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's request to the callback path and returns its
    /// full URL, to give to `finish_authorization` or `access_token`. The
    /// browser gets a page saying the tab can be closed, or what went wrong.
    /// Requests to other paths (a favicon) get a 404 and are not the login.
    /// A callback that fails `check` (another login's state, a denial) ends
    /// the wait with its error; no callback within `timeout` is a timeout
    /// (`X_TRANSPORT`).
    pub async fn wait(self, check: CallbackCheck<'_>, timeout: Duration) -> Result<String> {
        let serve = async {
            loop {
                let stream = accept_any(&self.listeners).await?;
                if let Some(outcome) = self.answer(stream, check).await {
                    return outcome;
                }
            }
        };
        tokio::time::timeout(timeout, serve)
            .await
            .unwrap_or_else(|_| {
                Err(Error::Transport {
                    timeout: true,
                    reason: format!(
                        "no browser came back to {} within {} s: finish the consent in the browser sooner, or start again",
                        self.redirect_uri,
                        timeout.as_secs()
                    ),
                })
            })
    }

    /// [`CallbackServer::wait`] with the timeout in seconds, as another
    /// language gives it: from 1 to 86,400, else `X_INVALID_INPUT`.
    pub async fn wait_secs(self, check: CallbackCheck<'_>, seconds: f64) -> Result<String> {
        if !(1.0..=86_400.0).contains(&seconds) {
            return Err(Error::invalid_input(
                "timeout",
                "must be 1 to 86400 seconds",
            ));
        }
        self.wait(check, Duration::from_secs_f64(seconds)).await
    }

    /// The error for waiting twice on one server (the bindings hold it in a
    /// slot that the first wait empties): it catches one login.
    ///
    /// ```
    /// let e = x_api_auth::callback_server::CallbackServer::already_used();
    /// assert_eq!(e.code(), "X_INVALID_INPUT");
    /// ```
    pub fn already_used() -> Error {
        Error::invalid_input(
            "callback server",
            "already caught its login: bind a new one for the next login",
        )
    }

    /// Answers one connection: `None` when it was not the callback.
    async fn answer(
        &self,
        mut stream: TcpStream,
        check: CallbackCheck<'_>,
    ) -> Option<Result<String>> {
        let target = read_target(&mut stream).await?;
        let path = target.split('?').next().unwrap_or_default();
        if path != self.path {
            let _ = respond(&mut stream, "404 Not Found", "<h1>Not found</h1>").await;
            return None;
        }
        let origin = self.redirect_uri.trim_end_matches(self.path.as_str());
        let callback = format!("{origin}{}", target.as_str());
        let checked = match check {
            CallbackCheck::State(state) => parse_authorization_callback(&callback, state).map(drop),
            CallbackCheck::RequestToken(token) => parse_callback(&callback, token).map(drop),
        };
        let page = match &checked {
            Ok(()) => DONE_PAGE.to_owned(),
            Err(e) => format!(
                "<!doctype html><meta charset=utf-8><title>x-api-auth</title><h1>Not logged in</h1><p>{}</p>",
                html_escape(&e.to_string())
            ),
        };
        let status = if checked.is_ok() {
            "200 OK"
        } else {
            "400 Bad Request"
        };
        let _ = respond(&mut stream, status, &page).await;
        Some(checked.map(|()| callback))
    }
}

async fn accept_any(listeners: &[TcpListener]) -> Result<TcpStream> {
    let accepted = first_of(listeners.iter().map(|l| Box::pin(l.accept())).collect()).await;
    accepted
        .map(|(stream, _)| stream)
        .map_err(|e| Error::Transport {
            timeout: false,
            reason: format!("the login callback server failed ({})", e.kind()),
        })
}

/// The output of the first of several futures to finish.
async fn first_of<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> F::Output {
    std::future::poll_fn(move |cx| {
        for future in &mut futures {
            if let std::task::Poll::Ready(out) = std::pin::Pin::new(future).poll(cx) {
                return std::task::Poll::Ready(out);
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// The request target (`/callback?code=…`) of one HTTP request, read up to
/// 16 KiB; `None` for anything that is not one. It holds the code or the
/// verifier: wiped when dropped.
async fn read_target(stream: &mut TcpStream) -> Option<Zeroizing<String>> {
    let mut head = Zeroizing::new(Vec::with_capacity(16 * 1024));
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 || head.len() + n > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    chunk.fill(0);
    let line = head.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => {
            Some(Zeroizing::new(target.to_owned()))
        }
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, page: &str) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
