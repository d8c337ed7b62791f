//! `feedsmith serve` over real HTTP on loopback: media types, validators and
//! 304s, HEAD, gzip, path escapes, graceful shutdown, `--watch`, a bounded
//! load check while `--watch` rebuilds, and the hardening of issue 10:
//! symlinks and trailing slashes, body and validators from the same bytes,
//! header timeout, connection cap, shutdown deadline, and 1,000 clients
//! served while 1,000 slowloris connections are held open.

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

/// What a server wrote to stderr so far.
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<String>>);

impl Log {
    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }

    /// Wait (bounded) until the log contains `expected`.
    fn wait_for(&self, expected: &str, within: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < within {
            if self.text().contains(expected) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

/// A running `feedsmith serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        Server::serve(dir, "127.0.0.1", extra, Stdio::null)
    }

    /// Like `start`, with stderr collected into the returned buffer.
    fn start_logged(dir: &Path, listen: &str, extra: &[&str]) -> (Server, Log) {
        let mut server = Server::serve(dir, listen, extra, Stdio::piped);
        let log = Log::default();
        let mut stderr = server.child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.0
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        (server, log)
    }

    /// `feedsmith serve -q` in `dir` on `listen` and a free port.
    fn serve(dir: &Path, listen: &str, extra: &[&str], stderr: fn() -> Stdio) -> Server {
        Server::spawn(|addr| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_feedsmith"));
            command
                .current_dir(dir)
                .args(["serve", "--addr", &format!("{listen}:{}", addr.port())])
                .arg("-q")
                .args(extra)
                .stderr(stderr());
            command
        })
    }

    /// Starts the server `command` makes for a free local port. The port
    /// is free when picked but can be taken before the server binds it
    /// (other tests open thousands of connections), so a server that
    /// exits before it answers is started again on another port.
    fn spawn(command: impl Fn(SocketAddr) -> Command) -> Server {
        for _ in 0..3 {
            let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let mut child = command(addr).spawn().unwrap();
            let started = Instant::now();
            loop {
                if TcpStream::connect(addr).is_ok() {
                    return Server { child, addr };
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "server did not start"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("the server exited before it answered, on three ports");
    }

    fn get(&self, path: &str, extra: &[(&str, &str)]) -> Response {
        request(self.addr, "GET", path, extra).unwrap()
    }

    /// Wait (20 s at most) until `path` serves a body holding `text`; on
    /// time out, fail with `why()`.
    fn wait_for(&self, path: &str, text: &str, why: impl Fn() -> String) {
        let started = Instant::now();
        loop {
            let body = String::from_utf8(self.get(path, &[]).body).unwrap();
            if body.contains(text) {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "{}", why());
            std::thread::sleep(Duration::from_millis(100));
        }
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
    let run = build(dir.path(), &["-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
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
    let run = build(dir.path(), &["-q"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
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
    symlink(
        outside.path().join("secret.txt"),
        &dir.path().join("feeds/leak.txt"),
    );
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
    // A folder without an index page is 404 at once, with or without its slash.
    assert_eq!(server.get("/topics", &[]).status, 404);
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
    server.wait_for("/rss.xml", "Brand new", || {
        "no rebuild after a change".into()
    });
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

// ---- Hardening (issue 10) ----

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A response read off a kept-alive connection (`Content-Length` bodies).
fn read_response(
    reader: &mut std::io::BufReader<TcpStream>,
    head_only: bool,
) -> std::io::Result<Response> {
    use std::io::BufRead;
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = BTreeMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let length: usize = match headers.get("content-length") {
        _ if head_only || status == 304 => 0,
        Some(length) => length
            .parse()
            .map_err(|_| std::io::Error::other("bad Content-Length"))?,
        None => return Err(std::io::Error::other("no Content-Length")),
    };
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A well-behaved HTTP/1.1 client: one kept-alive connection, requests one
/// after the other, a new connection when the server closed an idle one.
struct KeepAlive {
    addr: SocketAddr,
    timeout: Duration,
    conn: Option<std::io::BufReader<TcpStream>>,
}

impl KeepAlive {
    fn new(addr: SocketAddr, timeout: Duration) -> KeepAlive {
        KeepAlive {
            addr,
            timeout,
            conn: None,
        }
    }

    fn get(&mut self, path: &str, extra: &[(&str, &str)]) -> std::io::Result<Response> {
        let reused = self.conn.is_some();
        match self.try_get(path, extra) {
            Err(_) if reused => self.try_get(path, extra),
            other => other,
        }
    }

    fn try_get(&mut self, path: &str, extra: &[(&str, &str)]) -> std::io::Result<Response> {
        let result = self.exchange(path, extra);
        match &result {
            Ok(r) if r.header("connection") != Some("close") => {}
            _ => self.conn = None,
        }
        result
    }

    fn exchange(&mut self, path: &str, extra: &[(&str, &str)]) -> std::io::Result<Response> {
        if self.conn.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, self.timeout)?;
            stream.set_read_timeout(Some(self.timeout))?;
            stream.set_nodelay(true)?;
            self.conn = Some(std::io::BufReader::new(stream));
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(std::io::ErrorKind::NotConnected.into());
        };
        let mut head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for (name, value) in extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        conn.get_mut().write_all(head.as_bytes())?;
        read_response(conn, false)
    }
}

#[test]
fn a_file_path_with_a_trailing_slash_is_404() {
    let dir = built_site(&["--precompress"]);
    let server = Server::start(dir.path(), &[]);
    for path in [
        "/feed.json/",
        "/rss.xml/",
        "/topics/shared/atom.xml/",
        "/index.html/",
    ] {
        for headers in [&[][..], &[("Accept-Encoding", "gzip")][..]] {
            let response = server.get(path, headers);
            assert_eq!(
                response.status,
                404,
                "{path} {headers:?}: {:?}",
                response.header("content-type")
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn never_follows_a_symlinked_index_page_folder_or_gzip_twin() {
    let dir = built_site(&["--precompress"]);
    let feeds = dir.path().join("feeds");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "index.html", "<p>SECRET page</p>");
    std::fs::write(outside.path().join("rss.xml.gz"), gzip(b"SECRET twin")).unwrap();
    symlink(
        outside.path().join("index.html"),
        &feeds.join("topics/linked/index.html"),
    );
    std::fs::remove_file(feeds.join("rss.xml.gz")).unwrap();
    symlink(outside.path().join("rss.xml.gz"), &feeds.join("rss.xml.gz"));
    symlink(outside.path(), &feeds.join("topics/outside"));
    let server = Server::start(dir.path(), &[]);
    for path in [
        "/topics/linked/",
        "/topics/linked",
        "/topics/linked/index.html",
        "/topics/outside/",
        "/topics/outside/index.html",
        "/rss.xml.gz",
    ] {
        for headers in [&[][..], &[("Accept-Encoding", "gzip")][..]] {
            let response = server.get(path, headers);
            assert_eq!(response.status, 404, "{path} {headers:?}");
        }
    }
    let response = server.get("/rss.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(response.status, 200);
    let body = if response.header("content-encoding") == Some("gzip") {
        gunzip(&response.body)
    } else {
        response.body
    };
    assert_eq!(
        body,
        std::fs::read(feeds.join("rss.xml")).unwrap(),
        "not the symlinked twin"
    );
}

#[test]
fn body_and_validators_always_belong_to_the_same_bytes() {
    let dir = built_site(&[]);
    let feeds = dir.path().join("feeds");
    let versions: Vec<Vec<u8>> = (0..2)
        .map(|i| {
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title></channel></rss>",
                "v".repeat(100 + 400 * i)
            )
            .into_bytes()
        })
        .collect();
    let server = Server::start(dir.path(), &[]);
    let addr = server.addr;
    let duration = Duration::from_secs(3);
    let started = Instant::now();
    let writer = {
        let versions = versions.clone();
        let feeds = feeds.clone();
        std::thread::spawn(move || {
            let mut i = 0;
            while started.elapsed() < duration {
                // Atomic replace, as feedsmith writes.
                std::fs::write(feeds.join(".swap"), &versions[i % 2]).unwrap();
                std::fs::rename(feeds.join(".swap"), feeds.join("rss.xml")).unwrap();
                i += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let versions = versions.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut client = KeepAlive::new(addr, Duration::from_secs(5));
                while started.elapsed() < duration {
                    let response = client.get("/rss.xml", &[]).unwrap();
                    assert_eq!(response.status, 200);
                    let Some(which) = versions.iter().position(|v| *v == response.body) else {
                        // The fixture's own feed before the first swap.
                        continue;
                    };
                    let validators = (
                        response.header("etag").unwrap().to_owned(),
                        response.header("last-modified").unwrap().to_owned(),
                    );
                    seen.push((validators, which));
                }
                seen
            })
        })
        .collect();
    writer.join().unwrap();
    let mut body_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut responses = 0;
    for reader in readers {
        for ((etag, _modified), which) in reader.join().unwrap() {
            responses += 1;
            let first = *body_of.entry(etag.clone()).or_insert(which);
            assert_eq!(
                first, which,
                "ETag {etag} sent with two different bodies ({responses} responses)"
            );
        }
    }
    assert!(responses > 100, "only {responses} responses");
}

#[test]
fn slow_or_idle_clients_are_closed_by_the_header_timeout() {
    let dir = built_site(&[]);
    let server = Server::start(dir.path(), &["--header-timeout", "1"]);
    let idle = TcpStream::connect(server.addr).unwrap();
    let mut partial = TcpStream::connect(server.addr).unwrap();
    partial
        .write_all(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut kept = KeepAlive::new(server.addr, Duration::from_secs(5));
    assert_eq!(kept.get("/rss.xml", &[]).unwrap().status, 200);
    let kept = kept.conn.take().unwrap().into_inner();
    let started = Instant::now();
    for (name, mut stream) in [
        ("idle", idle),
        ("partial headers", partial),
        ("kept alive", kept),
    ] {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut rest = Vec::new();
        let closed = stream.read_to_end(&mut rest);
        // Closed (cleanly or by a reset) in time; a read that timed out
        // took the full 5 s and fails here.
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{name} still open after {:?}: {closed:?}",
            started.elapsed()
        );
    }
}

#[test]
fn beyond_the_connection_cap_new_clients_get_503_never_500() {
    let dir = built_site(&[]);
    // A soft limit of 300 open files gives a cap of 150 connections, also
    // when more are asked for.
    let server = Server::spawn(|addr| {
        let mut command = Command::new("sh");
        command
            .current_dir(dir.path())
            .args(["-c", "ulimit -Sn 300 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_feedsmith"))
            .args(["serve", "--addr", &addr.to_string(), "-q"])
            .args(["--max-connections", "100000"])
            .stderr(Stdio::null());
        command
    });
    let mut held = Vec::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    // More connections than open files allowed.
    for _ in 0..400 {
        let mut client = KeepAlive::new(server.addr, Duration::from_secs(2));
        match client.get("/rss.xml", &[]) {
            Ok(response) => *statuses.entry(response.status).or_default() += 1,
            Err(e) => failures.push(e.to_string()),
        }
        held.push(client);
    }
    assert!(
        failures.is_empty(),
        "{} unanswered: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(
        statuses.keys().all(|s| [200, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.get(&200).is_some_and(|n| (140..=150).contains(n)),
        "{statuses:?}"
    );
    assert!(
        statuses.get(&503).is_some_and(|n| *n >= 100),
        "{statuses:?}"
    );
    drop(held);
    let started = Instant::now();
    loop {
        let status = request(server.addr, "GET", "/rss.xml", &[]).unwrap().status;
        if status == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "still {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_closes_lingering_connections_after_the_shutdown_deadline() {
    let dir = built_site(&[]);
    let mut server = Server::start(dir.path(), &["--shutdown-timeout", "1"]);
    let mut partial = TcpStream::connect(server.addr).unwrap();
    partial
        .write_all(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut kept = KeepAlive::new(server.addr, Duration::from_secs(5));
    assert_eq!(kept.get("/rss.xml", &[]).unwrap().status, 200);
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    assert!(server.stop().success(), "exits 0");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn odd_paths_are_404_and_never_a_protocol_relative_redirect() {
    let dir = built_site(&[]);
    write(
        dir.path(),
        "feeds/sub/index.html",
        "<!doctype html><title>sub</title></html>",
    );
    let server = Server::start(dir.path(), &[]);
    let long = "a".repeat(255);
    let paths = [
        "//topics".to_owned(),
        "//topics/".to_owned(),
        "//e.example/x".to_owned(),
        "/topics".to_owned(),
        "/topics/".to_owned(),
        "/topics//shared/rss.xml".to_owned(),
        format!("/{long}"),
        format!("/{long}/"),
        format!("/topics/{long}/rss.xml"),
        format!("/{long}a"),
        format!("/topics/{}", "%41".repeat(256)),
    ];
    for path in &paths {
        for headers in [&[][..], &[("Accept-Encoding", "gzip")][..]] {
            let response = server.get(path, headers);
            assert_eq!(response.status, 404, "{path} {headers:?}");
            assert_eq!(response.header("location"), None, "{path}");
        }
    }
    // A feed's folder holds its page.
    let redirect = server.get("/topics/shared", &[]);
    assert_eq!(
        (redirect.status, redirect.header("location")),
        (301, Some("/topics/shared/"))
    );
    assert_eq!(server.get("/topics/shared/", &[]).status, 200);
    let redirect = server.get("/sub", &[]);
    assert_eq!(
        (redirect.status, redirect.header("location")),
        (301, Some("/sub/"))
    );
    assert_eq!(server.get("/sub/", &[]).status, 200);
}

#[test]
fn head_sends_exactly_the_headers_of_get() {
    let dir = built_site(&["--precompress"]);
    // One file without a twin: compressed on the fly.
    std::fs::remove_file(dir.path().join("feeds/atom.xml.gz")).unwrap();
    let server = Server::start(dir.path(), &[]);
    for path in [
        "/rss.xml",
        "/atom.xml",
        "/",
        "/feed.json",
        "/index.opml",
        "/missing.xml",
    ] {
        for headers in [&[][..], &[("Accept-Encoding", "gzip")][..]] {
            let get = request(server.addr, "GET", path, headers).unwrap();
            let head = request(server.addr, "HEAD", path, headers).unwrap();
            let without_date = |r: &Response| {
                let mut h = r.headers.clone();
                h.remove("date");
                h
            };
            assert_eq!(head.status, get.status, "{path} {headers:?}");
            assert_eq!(
                without_date(&head),
                without_date(&get),
                "{path} {headers:?}"
            );
            assert!(head.body.is_empty());
        }
    }
}

#[test]
fn binding_a_non_loopback_address_prints_one_notice() {
    let dir = built_site(&[]);
    let (server, log) = Server::start_logged(dir.path(), "0.0.0.0", &[]);
    assert_eq!(server.get("/rss.xml", &[]).status, 200);
    assert!(log.wait_for("serving", Duration::from_secs(5)));
    std::thread::sleep(Duration::from_millis(200));
    let text = log.text();
    let notices: Vec<&str> = text.lines().filter(|l| l.contains("notice")).collect();
    assert_eq!(notices.len(), 1, "{text}");
    assert!(notices[0].contains("0.0.0.0") && notices[0].contains("other machines"));
    drop(server);
    let (server, log) = Server::start_logged(dir.path(), "127.0.0.1", &[]);
    assert_eq!(server.get("/rss.xml", &[]).status, 200);
    assert!(log.wait_for("serving", Duration::from_secs(5)));
    assert!(!log.text().contains("notice"), "{}", log.text());
}

// ---- `serve --watch` survives a failed rebuild (issue 9) ----

#[test]
fn watch_keeps_serving_after_a_failed_rebuild_and_retries() {
    let dir = fixture("basic");
    let (server, log) = Server::start_logged(dir.path(), "127.0.0.1", &["--watch", "--now", NOW]);
    let before = server.get("/rss.xml", &[]);
    assert_eq!(before.status, 200);
    // A config the rebuild cannot use: reported, nothing written, the
    // last good feeds still served.
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    write(dir.path(), "feedsmith.yaml", "base_url: [unclosed\n");
    assert!(
        log.wait_for("rebuild failed", Duration::from_secs(20)),
        "{}",
        log.text()
    );
    let during = server.get("/rss.xml", &[]);
    assert_eq!((during.status, &during.body), (200, &before.body));
    // An article that made the renderer panic (a year-0 date): the
    // rebuild thread must survive it.
    write(dir.path(), "feedsmith.yaml", &config);
    write(
        dir.path(),
        "content/news/year0.md",
        &article(
            "Year zero",
            "0000-01-01T00:00:00+01:00",
            "https://e.example/y0",
            &["Shared"],
        ),
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(server.get("/rss.xml", &[]).status, 200);
    // The next change is rebuilt.
    std::fs::remove_file(dir.path().join("content/news/year0.md")).unwrap();
    write(
        dir.path(),
        "content/news/after.md",
        &article(
            "After the failure",
            "2024-02-01T00:00:00Z",
            "https://e.example/after",
            &["Shared"],
        ),
    );
    server.wait_for("/rss.xml", "After the failure", || {
        format!("no rebuild after the failed one:\n{}", log.text())
    });
}

// ---- 1,000 clients while 1,000 slowloris connections are held ----

/// Raise this process's soft limit on open files (servers it starts
/// inherit it) to `wanted`; false when the hard limit does not allow it.
fn raise_fd_limit(wanted: u64) -> bool {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_none_or(|soft| soft >= wanted) {
        return true;
    }
    if limit.maximum.is_some_and(|hard| hard < wanted) {
        return false;
    }
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(wanted),
            maximum: limit.maximum,
        },
    )
    .is_ok()
}

/// Hold `count` slowloris connections (a request head sent a header line
/// every 250 ms, never finished) until `until`, replacing each one the
/// server closes. Returns how many were closed and every problem: one
/// closed sooner than `timeout` - 0.5 s or later than `timeout` + 3 s.
fn hold_slowloris(
    addr: SocketAddr,
    count: usize,
    timeout: Duration,
    until: Instant,
) -> (usize, Vec<String>) {
    let open_one = || -> Option<(TcpStream, Instant)> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
        stream
            .write_all(b"GET /rss.xml HTTP/1.1\r\nHost: slow\r\n")
            .ok()?;
        stream.set_nonblocking(true).ok()?;
        Some((stream, Instant::now()))
    };
    let mut problems = Vec::new();
    let mut held: Vec<(TcpStream, Instant)> = (0..count).filter_map(|_| open_one()).collect();
    if held.len() < count {
        problems.push(format!(
            "only {} of {count} slowloris connected",
            held.len()
        ));
    }
    let mut closed = 0;
    let mut buffer = [0u8; 1024];
    while Instant::now() < until {
        let mut still = Vec::with_capacity(held.len());
        for (mut stream, opened) in held {
            let _ = stream.write_all(b"X-Slow: 1\r\n");
            let gone = match stream.read(&mut buffer) {
                Ok(_) => true,
                Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
            };
            let age = opened.elapsed();
            if gone {
                closed += 1;
                if age + Duration::from_millis(500) < timeout {
                    problems.push(format!("slowloris closed after only {age:?}"));
                }
                if let Some(fresh) = open_one() {
                    still.push(fresh);
                }
            } else {
                if age > timeout + Duration::from_secs(3) {
                    problems.push(format!("slowloris still open after {age:?}"));
                }
                still.push((stream, opened));
            }
        }
        held = still;
        std::thread::sleep(Duration::from_millis(250));
    }
    problems.truncate(20);
    (closed, problems)
}

#[test]
fn thousand_clients_served_while_thousand_slowloris_connections_are_held() {
    const CLIENTS: usize = 1000;
    const SLOWLORIS: usize = 1000;
    const DURATION: Duration = Duration::from_secs(10);
    const TIMEOUT: Duration = Duration::from_secs(2);
    if !raise_fd_limit(4096) {
        eprintln!("skipped: the hard limit on open files is below 4,096 (ulimit -Hn)");
        return;
    }
    let dir = built_site(&["--precompress"]);
    let server = Server::start(dir.path(), &["--header-timeout", "2"]);
    let addr = server.addr;
    let started = Instant::now();
    let until = started + DURATION;
    let slowloris = std::thread::spawn(move || hold_slowloris(addr, SLOWLORIS, TIMEOUT, until));
    let paths = [
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/topics/shared/rss.xml",
        "/",
    ];
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let mut client_ = KeepAlive::new(addr, Duration::from_secs(10));
                    let mut etags: BTreeMap<&str, String> = BTreeMap::new();
                    let (mut answered, mut failures) = (0usize, Vec::new());
                    let mut i = client;
                    while Instant::now() < until {
                        let path = paths[i % paths.len()];
                        i += 1;
                        let mut headers = vec![];
                        let conditional = i % 2 == 0 && etags.contains_key(path);
                        if conditional {
                            headers.push(("If-None-Match", etags[path].as_str()));
                        }
                        if i % 3 == 0 {
                            headers.push(("Accept-Encoding", "gzip"));
                        }
                        match client_.get(path, &headers) {
                            Ok(response) => match response.status {
                                200 => {
                                    answered += 1;
                                    if let Some(etag) = response.header("etag") {
                                        etags.insert(path, etag.to_owned());
                                    }
                                }
                                304 if conditional => answered += 1,
                                status => failures.push(format!("{path}: status {status}")),
                            },
                            Err(e) => failures.push(format!("{path}: {e}")),
                        }
                    }
                    (answered, failures)
                })
                .unwrap()
        })
        .collect();
    let (mut answered, mut failures) = (0, Vec::new());
    for client in clients {
        let (a, f) = client.join().unwrap();
        answered += a;
        failures.extend(f);
    }
    let (closed, problems) = slowloris.join().unwrap();
    eprintln!(
        "load check: {answered} requests answered to {CLIENTS} clients in {:?}, {} failed; {closed} slowloris connections closed by the timeout",
        started.elapsed(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(answered >= CLIENTS * 2, "only {answered} requests answered");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        closed >= SLOWLORIS,
        "only {closed} slowloris connections closed"
    );
}

#[test]
fn redirects_the_old_urls_of_a_renamed_feed() {
    let dir = fixture("feeds");
    let config = std::fs::read_to_string(dir.path().join("feedsmith.yaml")).unwrap();
    let config = config.replace(
        "  - path: videos\n",
        "  - path: clips\n    aliases: [videos]\n",
    );
    common::write(dir.path(), "feedsmith.yaml", &config);
    assert_eq!(
        feedsmith(dir.path(), &["build", "--now", NOW, "-q"]).status,
        0
    );
    let server = Server::start(dir.path(), &[]);
    for (old, new) in [
        ("/videos/rss.xml", "/clips/rss.xml"),
        ("/videos/atom.xml", "/clips/atom.xml"),
        ("/videos/", "/clips/"),
    ] {
        let response = server.get(old, &[]);
        assert_eq!(response.status, 301, "{old}");
        assert_eq!(response.header("location"), Some(new), "{old}");
        if !new.ends_with('/') {
            assert_eq!(server.get(new, &[]).status, 200, "{new}");
        }
    }
    // Only the map's own entries move; the map itself is never served.
    assert_eq!(server.get("/videos/other.xml", &[]).status, 404);
    assert_eq!(server.get("/.feedsmith-redirects.conf", &[]).status, 404);
}
