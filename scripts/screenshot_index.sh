#!/usr/bin/env bash
# Screenshot a feedsmith index page with headless Chromium at phone and
# desktop width, and fail if the page logs anything to the console.
# Usage: scripts/screenshot_index.sh URL OUT_DIR
set -euo pipefail
url=$1
out=$2
mkdir -p "$out"
for width in 390 1280; do
    log="$out/chromium-$width.log"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$out/profile-$width" --enable-logging=stderr --v=0 \
        --window-size="$width,1600" --screenshot="$out/index-$width.png" "$url" >"$log" 2>&1 || {
        cat "$log" >&2
        exit 1
    }
    if grep -q "CONSOLE" "$log"; then
        echo "index page logs to the console at width $width:" >&2
        grep "CONSOLE" "$log" >&2
        exit 1
    fi
    size=$(stat -c %s "$out/index-$width.png")
    if [ "$size" -lt 10000 ]; then
        echo "screenshot at width $width is suspiciously small ($size bytes)" >&2
        exit 1
    fi
    echo "screenshot: $out/index-$width.png ($size bytes), no console messages"
done
