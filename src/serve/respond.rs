//! One request, one response: which file a path names (never a folder
//! listing, a dot file, or anything outside the out folder), its media
//! type, gzip (the `.gz` twin, else compressed on the fly), ETag and
//! Last-Modified with 304s, and HEAD with exactly the headers of GET.

use super::files::{Content, Files, Lookup, NeedsIo, Version};
use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::{Either, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// How long readers and caches may keep a feed before revalidating.
const CACHE_CONTROL: HeaderValue = HeaderValue::from_static("public, max-age=300");
/// Longest request path served, and longest segment (a file name on Linux).
pub const MAX_PATH: usize = 1024;
pub const MAX_SEGMENT: usize = 255;

type FileStream = futures_util::stream::MapOk<
    tokio_util::io::ReaderStream<tokio::io::Take<tokio::fs::File>>,
    fn(Bytes) -> Frame<Bytes>,
>;
/// A body from memory, or streamed from an open file too large to hold.
pub type Body = Either<Full<Bytes>, StreamBody<FileStream>>;

/// The media type of a served file, by name.
pub fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if let Some(format) = crate::model::Format::of_file_name(name) {
        return format.served_media_type();
    }
    match (name, ext) {
        (_, "json") => "application/feed+json",
        (_, "opml") => "text/x-opml; charset=utf-8",
        (_, "html") => "text/html; charset=utf-8",
        (_, "xml") => "application/xml; charset=utf-8",
        (_, "xsl" | "xslt") => "application/xslt+xml; charset=utf-8",
        (_, "css") => "text/css; charset=utf-8",
        (_, "js") => "text/javascript; charset=utf-8",
        (_, "txt") => "text/plain; charset=utf-8",
        (_, "svg") => "image/svg+xml",
        (_, "png") => "image/png",
        (_, "jpg" | "jpeg") => "image/jpeg",
        (_, "gif") => "image/gif",
        (_, "webp") => "image/webp",
        (_, "ico") => "image/vnd.microsoft.icon",
        (_, "gz") => "application/gzip",
        _ => "application/octet-stream",
    }
}

/// Text worth compressing (and so varying by Accept-Encoding).
fn compressible(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || media_type.starts_with("application/rss+xml")
        || media_type.starts_with("application/atom+xml")
        || media_type.starts_with("application/xml")
        || media_type.starts_with("application/xslt+xml")
        || media_type == "application/feed+json"
        || media_type == "image/svg+xml"
}

/// What a request path names: checked, percent-decoded segments.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// `topics/a b/rss.xml`; `""` for the out folder.
    rel: String,
    /// The path ends with `/` (or is `/`): a folder's `index.html`.
    dir: bool,
}

impl Target {
    /// `None` (404) unless every segment is non-empty (so never `//x`),
    /// valid UTF-8 once decoded, not a dot name, without `/`, `\` or a
    /// control character (NUL, CR, LF...), and at most 255 bytes, and the
    /// path at most 1,024 bytes.
    pub fn parse(path: &str) -> Option<Target> {
        if path == "/" {
            return Some(Target {
                rel: String::new(),
                dir: true,
            });
        }
        let inner = path.strip_prefix('/')?;
        let (inner, dir) = match inner.strip_suffix('/') {
            Some(inner) => (inner, true),
            None => (inner, false),
        };
        if inner.len() > MAX_PATH {
            return None;
        }
        let mut rel = String::with_capacity(inner.len());
        for segment in inner.split('/') {
            let decoded = percent_decoded(segment)?;
            let bad = decoded.is_empty()
                || decoded.starts_with('.')
                || decoded.len() > MAX_SEGMENT
                || decoded.contains(['/', '\\'])
                || decoded.contains(char::is_control);
            if bad {
                return None;
            }
            if !rel.is_empty() {
                rel.push('/');
            }
            rel.push_str(&decoded);
        }
        Some(Target { rel, dir })
    }
}

fn percent_decoded(segment: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !segment.contains('%') {
        return Some(segment.into());
    }
    let raw = segment.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).ok().map(Into::into)
}

/// Whether the client takes gzip (`gzip` or `x-gzip`, else `*`, with q > 0).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let (mut gzip, mut any) = (None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=").or_else(|| p.strip_prefix("Q="))
                })
                .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(q > 0.0);
            } else if coding == "*" {
                any = Some(q > 0.0);
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// How the chosen file is sent.
enum Encoding {
    Identity,
    /// The `.gz` twin, with its own validators.
    Twin(Arc<Version>),
    /// Compressed on the fly (once per version).
    Fly,
}

enum Outcome {
    File {
        plain: Arc<Version>,
        encoding: Encoding,
        media_type: &'static str,
    },
    /// A folder named without its trailing slash that has an index page.
    Redirect,
    /// A feed's old URL (`aliases:`): where it is now, relative to the root.
    Moved(String),
    NotFound,
    Busy,
}

fn resolve(files: &Files, target: &Target, gzip: bool, may_load: bool) -> Result<Outcome, NeedsIo> {
    match resolve_file(files, target, gzip, may_load)? {
        Outcome::NotFound => Ok(moved(files, target, may_load)?.unwrap_or(Outcome::NotFound)),
        outcome => Ok(outcome),
    }
}

/// Where the redirect map feedsmith wrote sends `target`, if anywhere.
fn moved(files: &Files, target: &Target, may_load: bool) -> Result<Option<Outcome>, NeedsIo> {
    let Lookup::File(map) = files.get(crate::render::REDIRECTS_FILE, may_load)? else {
        return Ok(None);
    };
    let Content::Memory(bytes) = &map.content else {
        return Ok(None);
    };
    let wanted = if target.dir && !target.rel.is_empty() {
        format!("{}/", target.rel)
    } else {
        target.rel.clone()
    };
    let text = String::from_utf8_lossy(bytes);
    Ok(crate::render::read_redirect_map(&text)
        .into_iter()
        .find(|(from, _)| *from == wanted)
        .map(|(_, to)| Outcome::Moved(format!("/{to}"))))
}

fn resolve_file(
    files: &Files,
    target: &Target,
    gzip: bool,
    may_load: bool,
) -> Result<Outcome, NeedsIo> {
    let joined;
    let rel = if target.dir {
        joined = join(&target.rel, "index.html");
        joined.as_str()
    } else {
        target.rel.as_str()
    };
    let plain = match files.get(rel, may_load)? {
        Lookup::File(version) => version,
        Lookup::Dir if !target.dir => {
            return Ok(match files.get(&join(rel, "index.html"), may_load)? {
                Lookup::File(_) => Outcome::Redirect,
                Lookup::Busy => Outcome::Busy,
                Lookup::Dir | Lookup::Missing => Outcome::NotFound,
            });
        }
        Lookup::Busy => return Ok(Outcome::Busy),
        Lookup::Dir | Lookup::Missing => return Ok(Outcome::NotFound),
    };
    let media_type = media_type(rel.rsplit('/').next().unwrap_or(rel));
    let mut encoding = Encoding::Identity;
    if gzip && compressible(media_type) {
        encoding = match files.get(&format!("{rel}.gz"), may_load)? {
            Lookup::File(twin) => Encoding::Twin(twin),
            _ if plain.gzipped(may_load)?.is_some() => Encoding::Fly,
            _ => Encoding::Identity,
        };
    }
    Ok(Outcome::File {
        plain,
        encoding,
        media_type,
    })
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// The service: GET and HEAD of the out folder's files.
pub async fn handle(
    files: Arc<Files>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let head = match *request.method() {
        Method::GET => false,
        Method::HEAD => true,
        _ => {
            let mut response = status(StatusCode::METHOD_NOT_ALLOWED);
            let allow = HeaderValue::from_static("GET, HEAD");
            response.headers_mut().insert(header::ALLOW, allow);
            return Ok(response);
        }
    };
    let Some(target) = Target::parse(request.uri().path()) else {
        return Ok(status(StatusCode::NOT_FOUND));
    };
    let gzip = accepts_gzip(request.headers());
    let outcome = match resolve(&files, &target, gzip, false) {
        Ok(outcome) => outcome,
        // Opening and reading files blocks: off the async workers.
        Err(NeedsIo) => tokio::task::spawn_blocking(move || resolve(&files, &target, gzip, true))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(Outcome::Busy),
    };
    Ok(match outcome {
        Outcome::File {
            plain,
            encoding,
            media_type,
        } => file_response(&plain, &encoding, media_type, request.headers(), head),
        Outcome::Redirect => {
            let mut response = status(StatusCode::MOVED_PERMANENTLY);
            // The path was checked: it starts with one `/` and has no
            // empty segment, so this is never `//host`-relative.
            let location = format!("{}/", request.uri().path());
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Outcome::Moved(location) => {
            let mut response = status(StatusCode::MOVED_PERMANENTLY);
            // Built from feedsmith's own map: slugs and fixed file names.
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Outcome::NotFound => status(StatusCode::NOT_FOUND),
        Outcome::Busy => {
            let mut response = status(StatusCode::SERVICE_UNAVAILABLE);
            let retry = HeaderValue::from_static("1");
            response.headers_mut().insert(header::RETRY_AFTER, retry);
            response
        }
    })
}

fn file_response(
    plain: &Version,
    encoding: &Encoding,
    media_type: &'static str,
    request: &HeaderMap,
    head: bool,
) -> Response<Body> {
    let (version, fly) = match encoding {
        Encoding::Identity => (plain, None),
        Encoding::Twin(twin) => (twin.as_ref(), None),
        Encoding::Fly => (plain, plain.gzipped(false).ok().flatten()),
    };
    let etag = fly.map_or(&version.etag, |gzipped| &gzipped.etag);
    let mut headers = HeaderMap::with_capacity(10);
    headers.insert(header::ETAG, etag.clone());
    headers.insert(header::LAST_MODIFIED, version.last_modified.clone());
    headers.insert(header::CACHE_CONTROL, CACHE_CONTROL);
    if compressible(media_type) {
        let vary = HeaderValue::from_static("accept-encoding");
        headers.insert(header::VARY, vary);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if not_modified(request, etag, version.modified) {
        let mut response = Response::new(empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        *response.headers_mut() = headers;
        return response;
    }
    let length = fly.map_or(version.len(), |gzipped| gzipped.body.len() as u64);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if !matches!(encoding, Encoding::Identity) {
        let gzip = HeaderValue::from_static("gzip");
        headers.insert(header::CONTENT_ENCODING, gzip);
    }
    let body = match (head, fly, &version.content) {
        (true, _, _) => empty(),
        (false, Some(gzipped), _) => Either::Left(Full::new(gzipped.body.clone())),
        (false, None, Content::Memory(bytes)) => Either::Left(Full::new(bytes.clone())),
        (false, None, Content::Stream(file)) => match file.try_clone() {
            Ok(file) => {
                let reader = tokio::fs::File::from_std(file).take(length);
                let frames: FileStream = tokio_util::io::ReaderStream::new(reader)
                    .map_ok(Frame::data as fn(Bytes) -> Frame<Bytes>);
                Either::Right(StreamBody::new(frames))
            }
            Err(_) => return status(StatusCode::SERVICE_UNAVAILABLE),
        },
    };
    let mut response = Response::new(body);
    *response.headers_mut() = headers;
    response
}

/// RFC 9110 13.2.2: If-None-Match (weak comparison, lists, `*`) when
/// present, else If-Modified-Since at one-second precision.
fn not_modified(request: &HeaderMap, etag: &HeaderValue, modified: u64) -> bool {
    let mut wanted = request.get_all(header::IF_NONE_MATCH).iter().peekable();
    if wanted.peek().is_some() {
        let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
        let etag = etag.to_str().map(bare).unwrap_or_default();
        return wanted.any(|list| {
            list.to_str().is_ok_and(|list| {
                list.split(',')
                    .any(|tag| tag.trim() == "*" || bare(tag) == etag)
            })
        });
    }
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|since| httpdate::parse_http_date(since.to_str().ok()?).ok())
        .and_then(|since| since.duration_since(std::time::UNIX_EPOCH).ok())
        .is_some_and(|since| modified <= since.as_secs())
}

fn empty() -> Body {
    Either::Left(Full::new(Bytes::new()))
}

/// A short plain-text answer for a status without a file.
fn status(code: StatusCode) -> Response<Body> {
    let text = format!("{}\n", code.canonical_reason().unwrap_or("error"));
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(text))));
    *response.status_mut() = code;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(rel: &str, dir: bool) -> Option<Target> {
        Some(Target {
            rel: rel.to_owned(),
            dir,
        })
    }

    #[test]
    fn media_types_by_name() {
        assert_eq!(media_type("rss.xml"), "application/rss+xml; charset=utf-8");
        assert_eq!(
            media_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(media_type("feed.json"), "application/feed+json");
        assert_eq!(media_type("index.opml"), "text/x-opml; charset=utf-8");
        assert_eq!(media_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(media_type("rss.xml.gz"), "application/gzip");
        assert_eq!(media_type("README"), "application/octet-stream");
    }

    #[test]
    fn parses_and_refuses_paths() {
        assert_eq!(
            Target::parse("/topics/a%20b/rss.xml"),
            target("topics/a b/rss.xml", false)
        );
        assert_eq!(Target::parse("/"), target("", true));
        assert_eq!(Target::parse("/topics/"), target("topics", true));
        assert_eq!(Target::parse("/feed.json/"), target("feed.json", true));
        for bad in [
            "/%2e%2e/etc/passwd",
            "/../x",
            "/.feedsmith-manifest.json",
            "/a/%2E%2e/b",
            "/bad%zz",
            "/bad%",
            "//topics",
            "//",
            "/topics//rss.xml",
            "/a%2fb",
            "/a%5cb",
            "/a%00b",
            "/a%0d%0ab",
            "/a%7fb",
            "/%ff",
            "",
            "topics",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
        let long = format!("/{}", "a".repeat(256));
        assert_eq!(Target::parse(&long), None);
        let fits = format!("/{}", "a".repeat(255));
        assert!(Target::parse(&fits).is_some());
    }

    #[test]
    fn accept_encoding() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepts_gzip(&headers)
        };
        assert!(with("gzip"));
        assert!(with("br, gzip;q=0.5"));
        assert!(with("*"));
        assert!(with("x-gzip"));
        assert!(!with("gzip;q=0"));
        assert!(!with("gzip;q=0, *"));
        assert!(!with("br"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let etag = HeaderValue::from_static("\"12-abc\"");
        let check = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(value));
            not_modified(&headers, &etag, 0)
        };
        assert!(check("\"12-abc\""));
        assert!(check("W/\"12-abc\""));
        assert!(check("\"x\", W/\"12-abc\""));
        assert!(check("*"));
        assert!(!check("W/\"13-abc\""));
    }
}
