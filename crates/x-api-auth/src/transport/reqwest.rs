//! [`Transport`] over reqwest, on rustls with ring (the `reqwest` feature).

use std::time::Duration;

use super::{HttpRequest, HttpResponse, Transport, TransportFuture};
use crate::error::{Error, Result};
use zeroize::Zeroize;

/// reqwest on rustls (ring): redirects never followed, one timeout for the
/// whole exchange (body included) and a shorter one to connect, response
/// bodies read up to [`HttpRequest::response_limit`].
///
/// Proxies come from `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` (and
/// `NO_PROXY`), or from [`Network::proxy`]. Certificate authorities are the
/// system's, plus the PEM files named by [`Network::ca_certs`] and by the
/// variables of [`CA_CERT_VARIABLES`] (a TLS-inspecting corporate proxy's CA).
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeout: Duration,
    network: Network,
}

/// Where requests go out and which certificate authorities are trusted
/// beyond the system's.
///
/// ```
/// use x_api_auth::transport::{Network, ReqwestTransport};
/// let network = Network { proxy: Some("http://proxy.corp:3128".into()), ca_certs: vec![] };
/// let transport = ReqwestTransport::with_network(std::time::Duration::from_secs(30), &network)?;
/// # Ok::<(), x_api_auth::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Network {
    /// The proxy for every request (`http://host:port`, with
    /// `user:password@` when it asks for credentials), instead of the
    /// environment's. `NO_PROXY` still applies.
    pub proxy: Option<String>,
    /// PEM files of certificate authorities to trust besides the system's.
    pub ca_certs: Vec<std::path::PathBuf>,
}

impl std::fmt::Debug for Network {
    // The proxy URL may carry a password: only whether there is one shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("proxy", &self.proxy.as_ref().map(|_| "[set]"))
            .field("ca_certs", &self.ca_certs)
            .finish()
    }
}

impl std::fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("timeout", &self.timeout)
            .field("network", &self.network)
            .finish()
    }
}

/// The environment variables whose PEM file of certificate authorities is
/// trusted besides the system's: OpenSSL's, requests', Node's.
pub const CA_CERT_VARIABLES: [&str; 3] =
    ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"];

impl ReqwestTransport {
    /// A client whose every request times out after `timeout`, and gives up
    /// connecting after [`CONNECT_TIMEOUT`] (or `timeout`, if shorter); the
    /// proxy and extra certificate authorities from the environment.
    pub fn new(timeout: Duration) -> Result<Self> {
        Self::with_network(timeout, &Network::default())
    }

    /// [`ReqwestTransport::new`] with a proxy or extra certificate
    /// authorities of the caller's.
    pub fn with_network(timeout: Duration, network: &Network) -> Result<Self> {
        // rustls runs on ring; the provider is installed once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(CONNECT_TIMEOUT))
            .tls_certs_merge(extra_roots(network)?);
        if let Some(url) = &network.proxy {
            let proxy = reqwest::Proxy::all(url.as_str())
                .map_err(|_| {
                    Error::invalid_input("proxy", "must be a URL such as http://proxy.example:3128")
                })?
                .no_proxy(reqwest::NoProxy::from_env());
            builder = builder.proxy(proxy);
        }
        let client = builder.build().map_err(transport_error)?;
        Ok(Self {
            client,
            timeout,
            network: network.clone(),
        })
    }
}

/// The certificates of `network.ca_certs` and of the files the variables of
/// [`CA_CERT_VARIABLES`] name (each file read once).
fn extra_roots(network: &Network) -> Result<Vec<reqwest::Certificate>> {
    let mut files: Vec<(String, std::path::PathBuf)> = network
        .ca_certs
        .iter()
        .map(|path| ("ca_certs".to_owned(), path.clone()))
        .collect();
    for variable in CA_CERT_VARIABLES {
        if let Some(path) = std::env::var_os(variable).filter(|p| !p.is_empty()) {
            let path = std::path::PathBuf::from(path);
            if !files.iter().any(|(_, known)| *known == path) {
                files.push((variable.to_owned(), path));
            }
        }
    }
    let mut roots = Vec::new();
    for (source, path) in files {
        let unreadable = |why: String| {
            Error::invalid_input(
                "ca_certs",
                format!("{source} names {}, which {why}", path.display()),
            )
        };
        let pem = std::fs::read(&path).map_err(|e| unreadable(format!("cannot be read ({e})")))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|_| unreadable("is not a PEM file of certificates".to_owned()))?;
        if certs.is_empty() {
            return Err(unreadable("holds no PEM certificate".to_owned()));
        }
        roots.extend(certs);
    }
    Ok(roots)
}

/// How long to wait for a connection (10 s): a host that does not answer
/// fails fast instead of using the whole request timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn transport_error(e: reqwest::Error) -> Error {
    Error::Transport {
        timeout: e.is_timeout(),
        reason: if e.is_timeout() {
            "the request timed out".to_owned()
        } else if untrusted_certificate(&e) {
            "the server's TLS certificate is not trusted: behind a TLS-inspecting proxy, \
             trust its CA with the ca_certs option or SSL_CERT_FILE"
                .to_owned()
        } else if e.is_connect() {
            "could not connect".to_owned()
        } else {
            "the HTTP exchange failed".to_owned()
        },
    }
}

/// Whether rustls refused the server's certificate somewhere down the chain.
fn untrusted_certificate(e: &reqwest::Error) -> bool {
    fn refused(error: &(dyn std::error::Error + 'static)) -> bool {
        if let Some(rustls::Error::InvalidCertificate(_)) = error.downcast_ref::<rustls::Error>() {
            return true;
        }
        // An io::Error's source() skips the error it wraps: look inside.
        let wrapped = error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        wrapped.is_some_and(|inner| refused(inner)) || error.source().is_some_and(refused)
    }
    refused(e)
}

impl Transport for ReqwestTransport {
    fn sleep(&self, duration: Duration) -> Option<super::SleepFuture> {
        Some(Box::pin(tokio::time::sleep(duration)))
    }

    fn for_child(&self) -> Option<std::sync::Arc<dyn Transport>> {
        Self::with_network(self.timeout, &self.network)
            .ok()
            .map(|t| std::sync::Arc::new(t) as std::sync::Arc<dyn Transport>)
    }

    fn send(&self, mut request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                Error::invalid_input("method", "must be an HTTP method such as GET or POST")
            })?;
            let mut builder = self.client.request(method, request.url.as_str());
            for (name, value) in &request.headers {
                builder = builder.header(name.as_ref(), value.as_str());
            }
            let mut response = builder
                .body(std::mem::take(&mut request.body))
                .send()
                .await
                .map_err(transport_error)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect();
            let limit = request.response_limit_for(status);
            let announced = response.content_length().unwrap_or(0);
            if announced > limit as u64 {
                return Err(Error::response_too_large(status, limit));
            }
            // Sized up front when announced, so that no reallocation leaves
            // an unwiped copy of a token behind.
            let mut body = Vec::with_capacity(announced as usize);
            while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
                if body.len() + chunk.len() > limit {
                    body.zeroize();
                    return Err(Error::response_too_large(status, limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}
