//! Connections: accept, cap, time out, shut down.
//!
//! - every socket gets `TCP_NODELAY` (a response is one write; without it
//!   Nagle and the client's delayed ACK add ~40 ms to each one);
//! - at most `max_connections` are served at once; beyond that a new
//!   connection is answered 503 and closed (from a small pool of
//!   `REJECT_SLOTS`, each held at most a second; past that, closed at once);
//! - a client has `header_timeout` to send a request's headers, counted from
//!   the connection's start or its previous response (so a kept-alive
//!   connection idle that long is closed too);
//! - on shutdown, new connections are refused, idle ones closed, requests
//!   under way given `shutdown_timeout` to finish; then all are closed.

use super::files::Files;
use super::respond;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Connections over the cap answered with a 503 at the same time.
pub const REJECT_SLOTS: usize = 64;
/// Largest request head (request line and headers) read, in bytes.
pub const MAX_HEAD: usize = 64 * 1024;

const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: text/plain; charset=utf-8\r\n\
content-length: 20\r\n\
retry-after: 1\r\n\
x-content-type-options: nosniff\r\n\
connection: close\r\n\r\n\
Service Unavailable\n";

pub struct Config {
    pub header_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_timeout: Duration,
}

/// Serve `listener` until `shutdown` completes, then shut down as above.
pub async fn serve(
    listener: TcpListener,
    files: Arc<Files>,
    config: &Config,
    shutdown: impl Future<Output = ()>,
) {
    let connections = Arc::new(Semaphore::new(config.max_connections));
    let rejecting = Arc::new(Semaphore::new(REJECT_SLOTS));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_buf_size(MAX_HEAD);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors, or the client gave up: wait a moment.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            reject(stream, &rejecting);
            continue;
        };
        let files = Arc::clone(&files);
        let service = service_fn(move |request| respond::handle(Arc::clone(&files), request));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let open = config.max_connections - connections.available_permits();
    if open > 0 {
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(config.shutdown_timeout) => {
                let open = config.max_connections - connections.available_permits();
                eprintln!(
                    "feedsmith: {open} connections still open after {} s: closing them",
                    config.shutdown_timeout.as_secs()
                );
            }
        }
    }
}

/// Answer 503 and close, reading what the client sends meanwhile so the
/// close is not a reset that would lose the answer.
fn reject(stream: TcpStream, slots: &Arc<Semaphore>) {
    let Ok(slot) = Arc::clone(slots).try_acquire_owned() else {
        return; // dropping the stream closes it
    };
    tokio::spawn(async move {
        let _slot = slot;
        let mut stream = stream;
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            stream.write_all(BUSY).await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 2048];
            while stream.read(&mut sink).await? > 0 {}
            Ok::<(), std::io::Error>(())
        })
        .await;
    });
}
