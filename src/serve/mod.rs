//! `feedsmith serve`: serve the out folder over HTTP/1.1 with the right
//! media types, validators (ETag, Last-Modified) and 304s, gzip, and
//! nothing outside the folder; optionally rebuild when the content changes.
//!
//! - `files`: the in-memory snapshot of the folder (bytes and validators
//!   together, refreshed when a file's device, inode, size or mtime change),
//!   and the symlink-proof way files are opened;
//! - `respond`: one request to one response;
//! - `server`: connections, their limits, and shutdown;
//! - `watch`: `--watch` rebuilds.

mod files;
mod respond;
mod server;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use watch::Rebuild;

/// File descriptors kept for everything but connections: the listener,
/// files being read, `--watch` rebuilds, and the 503 answers.
pub const FD_RESERVE: u64 = 256;

/// The limits of `serve`, as command-line options.
#[derive(Debug, Clone, clap::Args)]
pub struct Limits {
    /// Seconds a client has to send a request's headers, counted from the connection's start or its previous response; then the connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Connections served at once; more get 503. Default and ceiling: the soft limit on open files (`ulimit -n`) minus 256, or half of it if that is more.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: Option<u64>,
    /// Seconds requests under way may take to finish after SIGTERM or Ctrl-C; then the open connections are closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub shutdown_timeout: u64,
}

/// What `serve` needs.
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub out_dir: PathBuf,
    pub limits: Limits,
    /// Folders and files whose changes trigger a rebuild (`--watch`).
    pub watch: Option<(Vec<PathBuf>, Rebuild)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{path}: cannot serve: {source}")]
    OutDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot watch for changes: {0}")]
    Watch(String),
}

/// The connection cap for a soft open-file limit (`None`: unlimited).
pub fn connection_cap(soft_limit: Option<u64>) -> usize {
    let soft = soft_limit.unwrap_or(1 << 20).min(1 << 20);
    let cap = soft.saturating_sub(FD_RESERVE).max(soft / 2).max(1);
    usize::try_from(cap).unwrap_or(usize::MAX)
}

/// Run the server until Ctrl-C or SIGTERM.
pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    let root = std::fs::canonicalize(&options.out_dir).map_err(|source| ServeError::OutDir {
        path: options.out_dir.display().to_string(),
        source,
    })?;
    let soft_limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
    let ceiling = connection_cap(soft_limit);
    let wanted = options
        .limits
        .max_connections
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    if let Some(n) = wanted.filter(|n| *n > ceiling) {
        eprintln!(
            "feedsmith: warning: --max-connections {n} is more than the open-file limit allows (ulimit -n); serving at most {ceiling}"
        );
    }
    let max_connections = wanted.map_or(ceiling, |n| n.min(ceiling));
    let config = server::Config {
        header_timeout: Duration::from_secs(options.limits.header_timeout),
        max_connections,
        shutdown_timeout: Duration::from_secs(options.limits.shutdown_timeout),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Threads that open and read files: few, so their descriptors
        // stay well inside FD_RESERVE.
        .max_blocking_threads(16)
        .build()
        .map_err(ServeError::Runtime)?;
    let files = Arc::new(files::Files::new(root));
    let result = runtime.block_on(async {
        let listener = listen(options.addr).map_err(|source| ServeError::Bind {
            addr: options.addr,
            source,
        })?;
        let local = listener.local_addr().map_err(|source| ServeError::Bind {
            addr: options.addr,
            source,
        })?;
        eprintln!(
            "feedsmith: serving {} on http://{local}/ (Ctrl-C to stop)",
            options.out_dir.display()
        );
        if !local.ip().is_loopback() {
            eprintln!(
                "feedsmith: notice: {local} is not a loopback address: other machines can reach this server (at most {max_connections} connections, {} s to send headers)",
                config.header_timeout.as_secs()
            );
        }
        let _watcher = match options.watch {
            Some((paths, rebuild)) => Some(
                watch::start(&paths, rebuild, Arc::clone(&files)).map_err(ServeError::Watch)?,
            ),
            None => None,
        };
        server::serve(listener, files, &config, shutdown_signal()).await;
        Ok(())
    });
    // Whatever is still open after the shutdown deadline is dropped here.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// A listener with a backlog long enough for bursts of connections.
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("feedsmith: shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_cap_from_the_open_file_limit() {
        assert_eq!(connection_cap(Some(1024)), 768);
        assert_eq!(connection_cap(Some(20_000)), 19_744);
        assert_eq!(connection_cap(Some(300)), 150);
        assert_eq!(connection_cap(Some(1)), 1);
        assert_eq!(connection_cap(None), (1 << 20) - 256);
    }
}
