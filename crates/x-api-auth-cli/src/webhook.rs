//! `webhook crc|serve`: CRC answers and signed events, with the app's API
//! Key Secret (from X_API_SECRET or the profile).

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use x_api_auth::webhook::{crc_response_json, crc_response_token, verify_signature};
use x_api_auth::{ConsumerSecret, Error, env_vars};

use crate::cli::WebhookCommand;
use crate::context::Context;

/// The largest event body accepted (X's are a few KB).
const MAX_EVENT: usize = 1024 * 1024;

fn consumer_secret(ctx: &Context) -> Result<ConsumerSecret, Error> {
    if let Some(secret) = std::env::var(env_vars::API_SECRET)
        .ok()
        .filter(|s| !s.is_empty())
    {
        return Ok(ConsumerSecret::new(secret));
    }
    let consumer = ctx.app()?.consumer.ok_or_else(|| {
        ctx.needs_app(
            "API Key Secret",
            "x-api-auth apps add --consumer-key KEY, or set X_API_SECRET",
        )
    })?;
    Ok(consumer.secret().clone())
}

pub async fn run(ctx: &Context, command: WebhookCommand) -> Result<(), Error> {
    let secret = consumer_secret(ctx)?;
    match command {
        WebhookCommand::Crc { token } => {
            let response = crc_response_token(&secret, &token);
            ctx.print(&json!({ "response_token": response }), &response);
            Ok(())
        }
        WebhookCommand::Serve { port } => serve(&secret, port).await,
    }
}

async fn serve(secret: &ConsumerSecret, port: u16) -> Result<(), Error> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| Error::Transport {
            timeout: false,
            reason: format!(
                "cannot listen on 127.0.0.1:{port} ({}): pick another --port",
                e.kind()
            ),
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::invalid_input("--port", e.to_string()))?;
    err!("answering CRC challenges and checking event signatures on http://{addr}");
    out!("{}", json!({ "url": format!("http://{addr}") }));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let secret = secret.clone();
        tokio::spawn(async move {
            let _ = handle(stream, &secret).await;
        });
    }
}

/// One request: a CRC challenge (GET ?crc_token=), or an event (POST with
/// `x-twitter-webhooks-signature`), printed when its signature is right.
async fn handle(mut stream: TcpStream, secret: &ConsumerSecret) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 || buffer.len() > MAX_EVENT {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if length > MAX_EVENT {
        return reply(
            &mut stream,
            "413 Payload Too Large",
            "{\"error\":\"event too large\"}",
        )
        .await;
    }
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = &buffer[head_end..head_end + length];
    let request_line = head.lines().next().unwrap_or_default();
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    if request_line.starts_with("GET ") {
        let token = target
            .split_once('?')
            .and_then(|(_, q)| x_api_auth::parse_form(q, "query").ok())
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == "crc_token")
                    .map(|(_, v)| v)
            })
            .unwrap_or_default();
        return match crc_response_json(secret, &token) {
            Ok(answer) => reply(&mut stream, "200 OK", &answer).await,
            Err(e) => {
                reply(
                    &mut stream,
                    "400 Bad Request",
                    &json!({ "error": e.to_string() }).to_string(),
                )
                .await
            }
        };
    }
    let signature = header("x-twitter-webhooks-signature").unwrap_or_default();
    match verify_signature(secret, body, &signature) {
        Ok(()) => {
            out!("{}", String::from_utf8_lossy(body));
            reply(&mut stream, "200 OK", "{}").await
        }
        Err(e) => {
            err!("refused an event: {e}");
            reply(
                &mut stream,
                "401 Unauthorized",
                &json!({ "error": e.to_string() }).to_string(),
            )
            .await
        }
    }
}

async fn reply(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
