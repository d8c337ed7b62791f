#!/usr/bin/env bash
# Real consumers of the sample feeds: nginx running the README's server
# block, `feedsmith serve`, Python feedparser over HTTP, newsboat, sfeed,
# and headless Chromium on the index page and a feed page. .ci/run installs them all; on a
# machine without them this script says what it skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in nginx newsboat sfeed sfeed_opml_import chromium sqlite3; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "interop: missing ${missing[*]} (.ci/run should have installed them)" >&2
        exit 1
    fi
    echo "interop: skipped: ${missing[*]} not installed (apt-get install nginx newsboat sfeed chromium sqlite3)"
    exit 0
fi

work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as an unprivileged user
pids=()
# The servers are stopped and waited for before their folder goes: one
# still writing there would make rm fail, and a failing EXIT trap turns a
# passing run into exit 1.
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    local nginx_pid=
    [ -f "$work/nginx.pid" ] && nginx_pid=$(cat "$work/nginx.pid" 2>/dev/null || true)
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
        [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -rf "$work" || true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "interop: $1 did not come up" >&2
    return 1
}

feedsmith=${CARGO_TARGET_DIR:-target}/release/feedsmith
cargo build --release --locked --quiet
feeds="$work/feeds"
"$feedsmith" build --quiet --out "$feeds" --precompress 2>/dev/null

echo "== nginx with the README's server block"
nginx_port=$(free_port)
mkdir -p "$work/nginx-temp"
{
    echo "worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log;"
    echo "events {}"
    echo "http { include /etc/nginx/mime.types; default_type application/octet-stream; access_log off;"
    echo "client_body_temp_path $work/nginx-temp; proxy_temp_path $work/nginx-temp; fastcgi_temp_path $work/nginx-temp;"
    echo "uwsgi_temp_path $work/nginx-temp; scgi_temp_path $work/nginx-temp;"
    sed -n '/<!-- nginx-server-block -->/,/<!-- \/nginx-server-block -->/p' README.md | sed '1,2d;$d' | sed '$d' |
        sed "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$nginx_port;|; s|root /srv/site/feeds;|root $feeds;|"
    echo "}"
} > "$work/nginx.conf"
nginx -t -q -c "$work/nginx.conf" -p "$work"
nginx -c "$work/nginx.conf" -p "$work"
wait_for "http://127.0.0.1:$nginx_port/"
python3 scripts/check_http.py "http://127.0.0.1:$nginx_port" "$feeds"

echo "== nginx redirects a renamed feed with the README's map include"
moved="$work/moved"
sed 's|^  - path: videos$|  - path: clips\n    aliases: [videos]|' tests/fixtures/feeds/feedsmith.yaml > "$work/moved.yaml"
"$feedsmith" build --quiet --now 2024-06-01T00:00:00Z --content tests/fixtures/feeds/content \
    --config "$work/moved.yaml" --out "$moved/feeds"
redirect_port=$(free_port)
{
    echo "worker_processes 1; pid $work/nginx-moved.pid; error_log $work/nginx-moved-error.log;"
    echo "events {}"
    echo "http { include /etc/nginx/mime.types; access_log off;"
    echo "client_body_temp_path $work/nginx-temp; proxy_temp_path $work/nginx-temp; fastcgi_temp_path $work/nginx-temp;"
    echo "uwsgi_temp_path $work/nginx-temp; scgi_temp_path $work/nginx-temp;"
    echo "include $moved/feeds/.feedsmith-redirects.conf;"
    echo "server { listen 127.0.0.1:$redirect_port; root $moved; location ~ /\\. { return 404; }"
    echo "  if (\$feedsmith_redirect) { return 301 \$feedsmith_redirect; } }"
    echo "}"
} > "$work/nginx-moved.conf"
nginx -t -q -c "$work/nginx-moved.conf" -p "$work"
nginx -c "$work/nginx-moved.conf" -p "$work"
pids+=("$(sleep 0.2; cat "$work/nginx-moved.pid")")
wait_for "http://127.0.0.1:$redirect_port/feeds/clips/rss.xml"
for old in /feeds/videos/rss.xml /feeds/videos/atom.xml /feeds/videos/ /feeds/videos/index.html; do
    new=${old/videos/clips}
    got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$redirect_port$old")
    if [ "$got" != "301 http://127.0.0.1:$redirect_port$new" ]; then
        echo "nginx redirect: $old gave '$got', expected 301 to $new" >&2
        exit 1
    fi
done
echo "nginx redirects: 4 passed, 0 failed"

echo "== feedsmith serve"
serve_port=$(free_port)
"$feedsmith" serve --addr "127.0.0.1:$serve_port" --out "$feeds" 2>/dev/null &
pids+=($!)
wait_for "http://127.0.0.1:$serve_port/"
python3 scripts/check_http.py "http://127.0.0.1:$serve_port" "$feeds"

echo "== newsboat reloads every feed"
export HOME="$work/home"
mkdir -p "$HOME"
: > "$work/newsboat.conf"
newsboat_feeds=0
while read -r file; do
    url="http://127.0.0.1:$nginx_port/$file"
    expected=$(python3 -c 'import feedparser,sys; print(len(feedparser.parse(sys.argv[1]).entries))' "$feeds/$file")
    cache="$work/newsboat-$newsboat_feeds.db"
    echo "$url" > "$work/urls-$newsboat_feeds"
    newsboat -x reload -u "$work/urls-$newsboat_feeds" -c "$cache" -C "$work/newsboat.conf" >/dev/null 2>&1
    got=$(sqlite3 "$cache" "SELECT COUNT(*) FROM rss_item;")
    if [ "$got" != "$expected" ]; then
        echo "newsboat: $file: $got items, expected $expected" >&2
        exit 1
    fi
    newsboat_feeds=$((newsboat_feeds + 1))
done < <(cd "$feeds" && find . -name rss.xml -o -name atom.xml | sed 's|^\./||' | sort)
echo "newsboat: $newsboat_feeds passed, 0 failed"

echo "== sfeed parses every feed, sfeed_opml_import reads the OPML list"
sfeed_feeds=0
while read -r file; do
    expected=$(python3 -c 'import feedparser,sys; print(len(feedparser.parse(sys.argv[1]).entries))' "$feeds/$file")
    got=$(sfeed < "$feeds/$file" | wc -l)
    if [ "$got" != "$expected" ]; then
        echo "sfeed: $file: $got entries, expected $expected" >&2
        exit 1
    fi
    sfeed_feeds=$((sfeed_feeds + 1))
done < <(cd "$feeds" && find . -name rss.xml -o -name atom.xml | sed 's|^\./||' | sort)
outlines=$(grep -c 'xmlUrl=' "$feeds/index.opml")
imported=$(sfeed_opml_import < "$feeds/index.opml" | grep -c '^[[:space:]]*feed ')
if [ "$imported" != "$outlines" ]; then
    echo "sfeed_opml_import: $imported feeds, expected $outlines" >&2
    exit 1
fi
echo "sfeed: $((sfeed_feeds + 1)) passed, 0 failed"

echo "== Chromium renders the index page and a feed page"
python3 scripts/check_pages.py "$feeds" --every-feed
# A topic page with a parent and thumbnails: the first topic in the table
# that has both, else the first topic page.
topic=$(cd "$feeds" && grep -l 'class="thumb"' topics/*/index.html | xargs grep -l ' › ' | head -1 || true)
topic=${topic:-$(cd "$feeds" && ls topics/*/index.html | head -1 || true)}
topic=${topic%index.html}
# `feedsmith serve` and nginx both serve a feed's folder as its page.
# The page is read whole before it is searched: with `curl | grep -q`, grep
# exits at the first match, curl's next write fails (exit 23) and pipefail
# turned that into a failure about one run in fifty.
for port in "$nginx_port" "$serve_port"; do
    page=$(curl -fsS "http://127.0.0.1:$port/$topic")
    [[ $page == *'<h2>Subscribe</h2>'* ]] || {
        echo "chromium: /$topic is not the feed's page on port $port" >&2
        exit 1
    }
done
shots=${SCREENSHOTS_DIR:-$work/screenshots}
scripts/screenshot_index.sh "$shots" "http://127.0.0.1:$nginx_port/" "http://127.0.0.1:$nginx_port/$topic"
echo "chromium: 4 passed, 0 failed"
