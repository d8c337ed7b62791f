#!/usr/bin/env bash
# All of feedsmith's tests, as CI runs them. Needs Python 3 with feedparser
# and html5lib; the interop step also wants nginx, newsboat, sfeed, sqlite3
# and chromium (skipped, saying so, where they are missing outside CI).
# .ci/run installs everything.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --locked
echo "== benches and examples still build"
cargo bench --locked --no-run --quiet
cargo build --release --locked --quiet --examples
echo "== feeds/ is what the sample content builds"
cargo run --release --locked --quiet -- build --quiet
if ! git diff --exit-code -- feeds/ || [ -n "$(git status --porcelain -- feeds/)" ]; then
    echo "feeds/ is out of date: run 'cargo run --release -- build' and commit feeds/" >&2
    git status --short -- feeds/ >&2
    exit 1
fi
echo "== feedparser reads every feed"
table=$(mktemp)
trap 'rm -f "$table"' EXIT
cargo run --release --locked --quiet -- topics --quiet > "$table"
limit=$(sed -n 's/^limit:[[:space:]]*\([0-9]*\).*/\1/p' feedsmith.yaml)
python3 scripts/check_feeds.py feeds "${limit:-50}" "$table"
echo "== every page: strict HTML5 (html5lib), no script, no external style, links resolve"
python3 scripts/check_pages.py feeds --every-feed
echo "== W3C Feed Validator: zero errors and warnings on every committed feed"
scripts/w3c.sh feeds "$(sed -n 's/^base_url:[[:space:]]*//p' feedsmith.yaml)"
echo "== W3C Feed Validator: content: full feeds built from ../shared/corpus/powerapps"
FEEDSMITH="${CARGO_TARGET_DIR:-target}/release/feedsmith" scripts/w3c_full_content.sh
echo "== real consumers: nginx, feedsmith serve, feedparser over HTTP, newsboat, sfeed, Chromium"
scripts/interop.sh
