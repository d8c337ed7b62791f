//! What `serve` adds around the file service: feed media types, ETags and
//! 304s for `If-None-Match`, cache headers, and refusing paths that leave
//! the out folder or name feedsmith's own dot files.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};

/// How long readers and caches may keep a feed before revalidating.
const CACHE_CONTROL: &str = "public, max-age=300";

/// The media type of a served file, by name.
pub fn media_type(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    Some(match (name, ext) {
        ("rss.xml", _) => "application/rss+xml; charset=utf-8",
        ("atom.xml", _) => "application/atom+xml; charset=utf-8",
        (_, "json") => "application/feed+json",
        (_, "opml") => "text/x-opml; charset=utf-8",
        (_, "html") => "text/html; charset=utf-8",
        (_, "xml") => "application/xml; charset=utf-8",
        _ => return None,
    })
}

/// Refuse dot files and anything that resolves outside the out folder
/// (`..`, encoded `%2e%2e`, symlinks); only GET and HEAD.
pub async fn guard_path(State(root): State<PathBuf>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let Some(relative) = decoded_path(request.uri().path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !stays_inside(&root, &relative) {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

/// The percent-decoded request path without its leading `/`, or `None`
/// when a segment is `..`, `.`-prefixed, or not valid UTF-8.
fn decoded_path(path: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(bytes).ok()?;
    let relative = decoded.trim_start_matches('/').to_owned();
    let safe = relative.split('/').all(|segment| {
        !segment.starts_with('.') && !segment.contains('\\') && !segment.contains('\0')
    });
    safe.then_some(relative)
}

/// Whatever `relative` names (following symlinks) is inside `root`; a path
/// that does not exist is left to the file service's 404.
fn stays_inside(root: &Path, relative: &str) -> bool {
    match std::fs::canonicalize(root.join(relative)) {
        Ok(real) => real.starts_with(root),
        Err(_) => true,
    }
}

/// Feed media types, cache headers, and a weak ETag from the file's size
/// and mtime (so it changes exactly when feedsmith rewrites the file),
/// answering `If-None-Match` with 304.
pub async fn feed_headers(State(root): State<PathBuf>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut request = request;
    if if_none_match.is_some() {
        // If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
        request.headers_mut().remove(header::IF_MODIFIED_SINCE);
    }
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
        return response;
    }
    let served = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    let headers = response.headers_mut();
    if let Some(media_type) = media_type(&served) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    // The body depends on Accept-Encoding (precompressed or on-the-fly gzip).
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "gzip");
    let etag = decoded_path(&served).and_then(|relative| etag(&root.join(relative), gzip));
    if let Some(etag) = &etag {
        headers.insert(header::ETAG, etag.clone());
    }
    match (etag, if_none_match) {
        (Some(etag), Some(wanted)) if matches(&wanted, &etag) => {
            let mut not_modified = Response::new(Body::empty());
            *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
            for name in [
                header::ETAG,
                header::LAST_MODIFIED,
                header::CACHE_CONTROL,
                header::VARY,
            ] {
                if let Some(value) = response.headers().get(&name) {
                    not_modified.headers_mut().insert(name, value.clone());
                }
            }
            not_modified
        }
        _ => response,
    }
}

/// `W/"<size>-<mtime in ns>[-gz]"` of the file: it changes exactly when
/// feedsmith rewrites the file, and never otherwise.
fn etag(file: &Path, gzip: bool) -> Option<HeaderValue> {
    let meta = std::fs::metadata(file).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let value = format!(
        "W/\"{:x}-{:x}{}\"",
        meta.len(),
        modified.as_nanos(),
        if gzip { "-gz" } else { "" }
    );
    HeaderValue::from_str(&value).ok()
}

/// Whether an `If-None-Match` list names `etag` (weak comparison) or is `*`.
fn matches(wanted: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(wanted) = wanted.to_str() else {
        return false;
    };
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let etag = etag.to_str().map(bare).unwrap_or_default();
    wanted
        .split(',')
        .any(|tag| tag.trim() == "*" || bare(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_by_name() {
        assert_eq!(
            media_type("/topics/x/rss.xml"),
            Some("application/rss+xml; charset=utf-8")
        );
        assert_eq!(
            media_type("/atom.xml"),
            Some("application/atom+xml; charset=utf-8")
        );
        assert_eq!(media_type("/feed.json"), Some("application/feed+json"));
        assert_eq!(
            media_type("/index.opml"),
            Some("text/x-opml; charset=utf-8")
        );
        assert_eq!(media_type("/index.html"), Some("text/html; charset=utf-8"));
        assert_eq!(media_type("/rss.xml.gz"), None);
    }

    #[test]
    fn decodes_and_refuses_escapes() {
        assert_eq!(
            decoded_path("/topics/a%20b/rss.xml").as_deref(),
            Some("topics/a b/rss.xml")
        );
        assert_eq!(decoded_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(decoded_path("/../x"), None);
        assert_eq!(decoded_path("/.feedsmith-manifest.json"), None);
        assert_eq!(decoded_path("/a/%2E%2e/b"), None);
        assert_eq!(decoded_path("/bad%zz"), None);
        assert_eq!(decoded_path("/").as_deref(), Some(""));
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let etag = HeaderValue::from_static("W/\"12-abc\"");
        assert!(matches(&HeaderValue::from_static("\"12-abc\""), &etag));
        assert!(matches(
            &HeaderValue::from_static("\"x\", W/\"12-abc\""),
            &etag
        ));
        assert!(matches(&HeaderValue::from_static("*"), &etag));
        assert!(!matches(&HeaderValue::from_static("W/\"13-abc\""), &etag));
    }
}
