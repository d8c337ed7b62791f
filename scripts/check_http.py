#!/usr/bin/env python3
"""Fetch every file of a feedsmith out folder from a web server, the way
feed readers do, and check what they get: status 200, the media type, no
bozo from feedparser, the same entries as the file on disk, 304 for a
conditional GET with the returned ETag and with Last-Modified, and gzip
(the .gz twin where one exists).

Usage: scripts/check_http.py BASE_URL FEEDS_DIR
"""
import gzip
import json
import os
import sys
import urllib.error
import urllib.request

import feedparser

TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json",
    "index.opml": "text/x-opml; charset=utf-8",
    "index.html": "text/html; charset=utf-8",
}


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def main():
    base, feeds_dir = sys.argv[1].rstrip("/"), sys.argv[2]
    problems, checked = [], 0
    files = []
    for folder, _, names in os.walk(feeds_dir):
        for name in names:
            if name in TYPES:
                files.append(os.path.relpath(os.path.join(folder, name), feeds_dir))
    for rel in sorted(files):
        url = f"{base}/{rel}"
        name = os.path.basename(rel)
        local = open(os.path.join(feeds_dir, rel), "rb").read()
        status, headers, body = fetch(url)
        checked += 1
        if status != 200:
            problems.append(f"{url}: status {status}")
            continue
        if header(headers, "content-type") != TYPES[name]:
            problems.append(f"{url}: Content-Type {header(headers, 'content-type')!r}, expected {TYPES[name]!r}")
        if body != local:
            problems.append(f"{url}: body differs from the file")
        if name in ("rss.xml", "atom.xml"):
            remote = feedparser.parse(url)
            if remote.bozo:
                problems.append(f"{url}: feedparser bozo: {remote.bozo_exception}")
            expected = [e.get("id") for e in feedparser.parse(local).entries]
            if [e.get("id") for e in remote.entries] != expected:
                problems.append(f"{url}: entries differ from the file's ({len(remote.entries)} vs {len(expected)})")
            again = feedparser.parse(url, etag=remote.get("etag"), modified=remote.get("modified"))
            if again.get("status") != 304:
                problems.append(f"{url}: conditional GET with ETag/Last-Modified gave {again.get('status')}, not 304")
        if name == "feed.json":
            json.loads(body)
        for validator, request_header in (("etag", "If-None-Match"), ("last-modified", "If-Modified-Since")):
            value = header(headers, validator)
            if value is None:
                problems.append(f"{url}: no {validator}")
                continue
            status, _, body = fetch(url, {request_header: value})
            if status != 304 or body:
                problems.append(f"{url}: {request_header} gave {status}, not an empty 304")
        status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
        if header(headers, "content-encoding") != "gzip":
            problems.append(f"{url}: not gzipped for Accept-Encoding: gzip")
        else:
            if gzip.decompress(body) != local:
                problems.append(f"{url}: gzip body does not decompress to the file")
            twin = os.path.join(feeds_dir, rel + ".gz")
            if os.path.exists(twin) and body != open(twin, "rb").read():
                problems.append(f"{url}: gzip body is not the precompressed twin")
        if "accept-encoding" not in (header(headers, "vary") or "").lower():
            problems.append(f"{url}: no Vary: Accept-Encoding")
    for path in ("/.feedsmith-manifest.json", "/topics/", "/%2e%2e/feedsmith.yaml"):
        status, _, _ = fetch(base + path)
        if status not in (400, 403, 404):
            problems.append(f"{base}{path}: status {status}, expected it refused")
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = len({p.split(": ")[0] for p in problems})
    print(f"{base}: {checked} files fetched, {len(problems)} problems")
    print(f"http: {checked - failed} passed, {failed} failed")
    sys.exit(1 if problems or checked == 0 else 0)


if __name__ == "__main__":
    main()
