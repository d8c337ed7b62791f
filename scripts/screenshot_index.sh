#!/usr/bin/env bash
# Screenshot feedsmith pages (the index page, feed pages) with headless
# Chromium at phone and desktop width, and fail if a page logs anything to
# the console or its screenshot is suspiciously small (a blank page).
# Usage: scripts/screenshot_index.sh OUT_DIR URL [URL...]
# Each screenshot is OUT_DIR/<name>-<width>.png, the name from the URL's
# path (`/` → index, `/topics/rust/` → topics-rust).
set -euo pipefail
out=$1
shift
mkdir -p "$out"
for url in "$@"; do
    path=$(printf '%s' "$url" | sed -E 's|^[a-z]+://[^/]*||; s|index\.html$||; s|^/||; s|/$||; s|/|-|g')
    name=${path:-index}
    for width in 390 1280; do
        log="$out/chromium-$name-$width.log"
        shot="$out/$name-$width.png"
        timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$out/profile-$name-$width" --enable-logging=stderr --v=0 \
            --window-size="$width,1600" --screenshot="$shot" "$url" >"$log" 2>&1 || {
            cat "$log" >&2
            exit 1
        }
        if grep -q "CONSOLE" "$log"; then
            echo "$url logs to the console at width $width:" >&2
            grep "CONSOLE" "$log" >&2
            exit 1
        fi
        size=$(stat -c %s "$shot")
        if [ "$size" -lt 10000 ]; then
            echo "screenshot of $url at width $width is suspiciously small ($size bytes)" >&2
            exit 1
        fi
        echo "screenshot: $shot ($size bytes), no console messages"
    done
done
