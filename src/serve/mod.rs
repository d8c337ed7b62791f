//! `feedsmith serve`: serve the out folder over HTTP with the right media
//! types, validators (ETag, Last-Modified) and 304s, gzip, and nothing
//! outside the folder; optionally rebuild when the content changes.

mod headers;
mod watch;

use axum::Router;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

pub use watch::Rebuild;

/// What `serve` needs.
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub out_dir: PathBuf,
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
    #[error("server error: {0}")]
    Server(std::io::Error),
}

/// The HTTP service over `out_dir`, without the listener (tests use it too).
pub fn router(out_dir: &Path) -> Result<Router, ServeError> {
    let root = std::fs::canonicalize(out_dir).map_err(|source| ServeError::OutDir {
        path: out_dir.display().to_string(),
        source,
    })?;
    let files = ServeDir::new(&root)
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    Ok(Router::new()
        .fallback_service(files)
        // Inner to outer: compress what is not precompressed, then set
        // types and validators, then refuse paths that leave the folder.
        .layer(CompressionLayer::new().gzip(true))
        .layer(axum::middleware::from_fn_with_state(
            root.clone(),
            headers::feed_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            root,
            headers::guard_path,
        )))
}

/// Run the server until Ctrl-C or SIGTERM.
pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let app = router(&options.out_dir)?;
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: options.addr,
                source,
            })?;
        let local = listener.local_addr().map_err(ServeError::Server)?;
        eprintln!(
            "feedsmith: serving {} on http://{local}/ (Ctrl-C to stop)",
            options.out_dir.display()
        );
        let _watcher = match options.watch {
            Some((paths, rebuild)) => {
                Some(watch::start(&paths, rebuild).map_err(ServeError::Watch)?)
            }
            None => None,
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(ServeError::Server)
    })
}

/// Ctrl-C or SIGTERM: stop accepting, finish the requests under way.
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
