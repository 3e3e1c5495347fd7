//! A tiny HTTP/1.1 static file server on 127.0.0.1 for tests (tokio + std only).
//!
//! `GET` (and `HEAD`) of files under a directory, `index.html` for directories, the query string
//! ignored, `Connection: close` on every answer, 404 for anything missing or containing `..`.
//! Dropping the [`StaticSite`] stops it.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// A running static server; stops when dropped.
#[derive(Debug)]
pub struct StaticSite {
    port: u16,
    accept: JoinHandle<()>,
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl StaticSite {
    /// Serves `dir` on 127.0.0.1:`port` (0: any free port). A fixed port can be bound again as
    /// soon as a previous server on it was dropped (`SO_REUSEADDR`).
    pub async fn serve_dir(dir: PathBuf, port: u16) -> std::io::Result<StaticSite> {
        // A dropped server's listener closes when its aborted task is next polled: retry a
        // fixed port for a moment instead of failing with "address in use".
        let started = Instant::now();
        let listener = loop {
            match listen(port) {
                Ok(listener) => break listener,
                Err(e)
                    if e.kind() == ErrorKind::AddrInUse
                        && port != 0
                        && started.elapsed() < Duration::from_secs(5) =>
                {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let port = listener.local_addr()?.port();
        let root = Arc::new(dir);
        let accept = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let root = Arc::clone(&root);
                        tokio::spawn(async move {
                            // A stuck client must not hold a task forever.
                            let _ = tokio::time::timeout(
                                Duration::from_secs(30),
                                serve_one(stream, &root),
                            )
                            .await;
                        });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        });
        Ok(StaticSite { port, accept })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port><path_and_query>` (a leading `/` is added when missing).
    pub fn url(&self, path_and_query: &str) -> String {
        let slash = if path_and_query.starts_with('/') {
            ""
        } else {
            "/"
        };
        format!("http://127.0.0.1:{}{slash}{path_and_query}", self.port)
    }
}

fn listen(port: u16) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    // SO_REUSEADDR: connections of a previous server in TIME_WAIT do not block the port.
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    socket.listen(64)
}

async fn serve_one(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    // Read the request head (the body of a GET is ignored).
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > 64 * 1024 {
            return respond(&mut stream, 431, "text/plain", b"header too large", true).await;
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let with_body = method != "HEAD";
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed",
            with_body,
        )
        .await;
    }
    match resolve(root, target) {
        Some(path) => match tokio::fs::read(&path).await {
            Ok(body) => respond(&mut stream, 200, content_type(&path), &body, with_body).await,
            Err(_) => respond(&mut stream, 404, "text/plain", b"not found", with_body).await,
        },
        None => respond(&mut stream, 404, "text/plain", b"not found", with_body).await,
    }
}

/// The file for a request target, or `None` when it is outside `root` or not a file.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode(path)?;
    if !path.starts_with('/') || path.contains('\0') || path.contains('\\') {
        return None;
    }
    let mut file = root.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty() && *s != ".") {
        if segment == ".." {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ogg" => "audio/ogg",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    if with_body {
        stream.write_all(body).await?;
    }
    stream.flush().await?;
    stream.shutdown().await
}
