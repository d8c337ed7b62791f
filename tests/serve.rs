//! `feedsmith serve` over real HTTP on loopback: media types, validators and
//! 304s, HEAD, gzip, path escapes, graceful shutdown, `--watch`, and a
//! bounded load check while `--watch` rebuilds.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A response as read off the wire.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad status line"))?;
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        body = dechunk(&body)?;
    } else if let Some(length) = headers.get("content-length") {
        if method != "HEAD" && body.len().to_string() != *length {
            return Err(std::io::Error::other(format!(
                "body of {} bytes, Content-Length {length}",
                body.len()
            )));
        }
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| std::io::Error::other("truncated chunk"))?;
        let size = usize::from_str_radix(
            std::str::from_utf8(&data[..line_end]).unwrap_or("").trim(),
            16,
        )
        .map_err(|_| std::io::Error::other("bad chunk size"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err(std::io::Error::other("truncated chunk body"));
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A running `feedsmith serve`, stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap()
        };
        let addr_arg = addr.to_string();
        let mut args = vec!["serve", "--addr", addr_arg.as_str(), "-q"];
        args.extend_from_slice(extra);
        let child = Command::new(env!("CARGO_BIN_EXE_feedsmith"))
            .current_dir(dir)
            .args(&args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, addr }
    }

    fn get(&self, path: &str, extra: &[(&str, &str)]) -> Response {
        request(self.addr, "GET", path, extra).unwrap()
    }

    /// SIGTERM, and the exit status of a graceful shutdown.
    fn stop(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no shutdown after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn built_site(args: &[&str]) -> tempfile::TempDir {
    let dir = fixture("basic");
    let mut all = vec!["build", "--now", NOW, "-q"];
    all.extend_from_slice(args);
    assert_eq!(feedsmith(dir.path(), &all).status, 0);
    dir
}

#[test]
fn serves_feeds_with_their_media_types_and_validators() {
    let dir = built_site(&[]);
    let mut server = Server::start(dir.path(), &[]);
    for (path, media_type, file) in [
        ("/rss.xml", "application/rss+xml; charset=utf-8", "rss.xml"),
        (
            "/topics/shared/atom.xml",
            "application/atom+xml; charset=utf-8",
            "topics/shared/atom.xml",
        ),
        (
            "/topics/cpp/feed.json",
            "application/feed+json",
            "topics/cpp/feed.json",
        ),
        ("/index.opml", "text/x-opml; charset=utf-8", "index.opml"),
        ("/", "text/html; charset=utf-8", "index.html"),
        ("/index.html", "text/html; charset=utf-8", "index.html"),
    ] {
        let response = server.get(path, &[]);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(media_type), "{path}");
        assert_eq!(
            response.body,
            std::fs::read(dir.path().join("feeds").join(file)).unwrap(),
            "{path}"
        );
        assert_eq!(
            response.header("cache-control"),
            Some("public, max-age=300")
        );
        let etag = response.header("etag").unwrap().to_owned();
        let modified = response.header("last-modified").unwrap().to_owned();
        let again = server.get(path, &[("If-None-Match", &etag)]);
        assert_eq!((again.status, again.body.len()), (304, 0), "{path}");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let again = server.get(path, &[("If-Modified-Since", &modified)]);
        assert_eq!(again.status, 304, "{path}");
        // A stale ETag wins over a matching date: the client's copy is old.
        let again = server.get(
            path,
            &[
                ("If-None-Match", "W/\"0-0\""),
                ("If-Modified-Since", &modified),
            ],
        );
        assert_eq!(again.status, 200, "{path}");
    }
    let head = request(server.addr, "HEAD", "/atom.xml", &[]).unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(server.stop().success(), "graceful shutdown exits 0");
}

#[test]
fn etag_changes_when_a_rebuild_rewrites_the_feed() {
    let dir = built_site(&[]);
    let server = Server::start(dir.path(), &[]);
    let before = server
        .get("/rss.xml", &[])
        .header("etag")
        .unwrap()
        .to_owned();
    feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    assert_eq!(
        server.get("/rss.xml", &[]).header("etag"),
        Some(before.as_str()),
        "unchanged rebuild keeps the ETag"
    );
    write(
        dir.path(),
        "content/news/a4.md",
        &article(
            "Delta 2",
            "2024-01-04T10:00:00Z",
            "https://e.example/delta",
            &["Shared"],
        ),
    );
    feedsmith(dir.path(), &["build", "--now", NOW, "-q"]);
    let after = server.get("/rss.xml", &[("If-None-Match", &before)]);
    assert_eq!(after.status, 200);
    assert_ne!(after.header("etag"), Some(before.as_str()));
}

#[test]
fn gzip_precompressed_or_on_the_fly() {
    let dir = built_site(&["--precompress"]);
    let server = Server::start(dir.path(), &[]);
    let feeds = dir.path().join("feeds");
    let response = server.get("/atom.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(response.header("content-encoding"), Some("gzip"));
    assert_eq!(
        response.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_eq!(
        response.body,
        std::fs::read(feeds.join("atom.xml.gz")).unwrap(),
        "the precompressed file"
    );
    assert!(response
        .header("vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    let etag = response.header("etag").unwrap().to_owned();
    assert_eq!(
        server
            .get(
                "/atom.xml",
                &[("Accept-Encoding", "gzip"), ("If-None-Match", &etag)]
            )
            .status,
        304
    );
    let plain = server.get("/atom.xml", &[]);
    assert_eq!(plain.header("content-encoding"), None);
    assert_ne!(
        plain.header("etag"),
        Some(etag.as_str()),
        "each encoding has its own ETag"
    );

    std::fs::remove_file(feeds.join("rss.xml.gz")).unwrap();
    let response = server.get("/rss.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(
        response.header("content-encoding"),
        Some("gzip"),
        "compressed on the fly"
    );
    assert_eq!(
        gunzip(&response.body),
        std::fs::read(feeds.join("rss.xml")).unwrap()
    );
}

#[test]
fn refuses_everything_outside_the_out_folder() {
    let dir = built_site(&[]);
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.txt", "secret");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("feeds/leak.txt"),
    )
    .unwrap();
    let server = Server::start(dir.path(), &[]);
    for path in [
        "/../feedsmith.yaml",
        "/%2e%2e/feedsmith.yaml",
        "/topics/%2E%2E/%2e%2e/feedsmith.yaml",
        "/..%2ffeedsmith.yaml",
        "/leak.txt",
        "/.feedsmith-manifest.json",
        "/.feedsmith.lock",
        "/topics/",
        "/missing.xml",
    ] {
        let response = server.get(path, &[]);
        assert!(
            matches!(response.status, 404 | 400),
            "{path}: {}",
            response.status
        );
        assert!(
            !String::from_utf8_lossy(&response.body).contains("secret"),
            "{path}"
        );
        assert!(
            !String::from_utf8_lossy(&response.body).contains("base_url"),
            "{path}"
        );
    }
    // A folder without a slash redirects to the slash form, which lists nothing.
    let redirect = server.get("/topics", &[]);
    assert_eq!(
        (redirect.status, redirect.header("location")),
        (307, Some("/topics/"))
    );
    assert_eq!(
        request(server.addr, "POST", "/rss.xml", &[])
            .unwrap()
            .status,
        405
    );
}

#[test]
fn watch_rebuilds_on_changes() {
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--watch", "--now", NOW]);
    let first = server.get("/rss.xml", &[]);
    assert_eq!(first.status, 200, "the initial build ran");
    write(
        dir.path(),
        "content/news/new.md",
        &article(
            "Brand new",
            "2024-02-01T00:00:00Z",
            "https://e.example/new",
            &["Shared"],
        ),
    );
    let started = Instant::now();
    loop {
        let body = String::from_utf8(server.get("/rss.xml", &[]).body).unwrap();
        if body.contains("Brand new") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no rebuild after a change"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether a full response body is a complete, well-formed document.
fn well_formed(path: &str, body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    if path.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(text).is_ok()
    } else if path.ends_with(".html") || path.ends_with('/') {
        text.trim_end().ends_with("</html>")
    } else {
        roxmltree::Document::parse(text).is_ok()
    }
}

#[test]
fn load_check_while_watch_rebuilds() {
    const CLIENTS: usize = 50;
    const DURATION: Duration = Duration::from_secs(10);
    let dir = fixture("basic");
    let server = Server::start(dir.path(), &["--watch", "--now", NOW, "--precompress"]);
    let paths = [
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/topics/shared/rss.xml",
        "/topics/cpp/atom.xml",
        "/index.opml",
        "/",
    ];
    let addr = server.addr;
    let started = Instant::now();
    let rebuilder = {
        let root = dir.path().to_path_buf();
        std::thread::spawn(move || {
            for round in 0..2 {
                std::thread::sleep(Duration::from_secs(3));
                let title = format!("Rebuild {round}");
                write(
                    &root,
                    &format!("content/news/rebuild-{round}.md"),
                    &article(
                        &title,
                        "2024-03-01T00:00:00Z",
                        &format!("https://e.example/r{round}"),
                        &["Shared"],
                    ),
                );
            }
        })
    };
    let workers: Vec<_> = (0..CLIENTS)
        .map(|client| {
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                let mut etags: BTreeMap<&str, String> = BTreeMap::new();
                let mut i = client;
                while started.elapsed() < DURATION {
                    let path = paths[i % paths.len()];
                    i += 1;
                    let conditional = i % 2 == 0 && etags.contains_key(path);
                    let mut headers = vec![];
                    if conditional {
                        headers.push(("If-None-Match", etags[path].as_str()));
                    }
                    if i % 3 == 0 {
                        headers.push(("Accept-Encoding", "gzip"));
                    }
                    let sent = Instant::now();
                    match request(addr, "GET", path, &headers) {
                        Ok(response) => {
                            latencies.push(sent.elapsed());
                            match response.status {
                                304 if conditional => {}
                                200 => {
                                    let gzip = response.header("content-encoding") == Some("gzip");
                                    let body = if gzip {
                                        gunzip(&response.body)
                                    } else {
                                        response.body.clone()
                                    };
                                    if !well_formed(path, &body) {
                                        failures
                                            .push(format!("{path}: incomplete or malformed body"));
                                    }
                                    if let Some(etag) = response.header("etag") {
                                        etags.insert(path, etag.to_owned());
                                    }
                                }
                                status => failures.push(format!("{path}: status {status}")),
                            }
                        }
                        Err(e) => failures.push(format!("{path}: {e}")),
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for worker in workers {
        let (l, f) = worker.join().unwrap();
        latencies.extend(l);
        failures.extend(f);
    }
    rebuilder.join().unwrap();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    eprintln!(
        "load check: {} requests from {CLIENTS} clients in {:?}, {} failed; latency p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        DURATION,
        failures.len(),
        pick(0.5),
        pick(0.99),
        pick(1.0)
    );
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(latencies.len() > 1000, "only {} requests", latencies.len());
    let body = String::from_utf8(server.get("/rss.xml", &[]).body).unwrap();
    assert!(
        body.contains("Rebuild 0") && body.contains("Rebuild 1"),
        "both rebuilds happened"
    );
}
