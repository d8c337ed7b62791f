#!/usr/bin/env bash
# All of feedsmith's tests, as CI runs them. Needs Python 3 with feedparser
# and html5lib; the interop step also wants nginx, newsboat, sfeed, sqlite3
# and chromium, the Jekyll parity step jekyll and ruby-jekyll-feed (each
# skipped, saying so, where they are missing outside CI).
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
if [ "${CI:-}" = true ]; then
    # As the README's Install section says, on this clean clone: the
    # installed binary (not target/) builds a copy of the sample, and the
    # crate packages and builds from its package alone.
    echo "== cargo install --locked --path . builds a binary that builds the sample"
    install_work=$(mktemp -d)
    cargo install --locked --quiet --path . --root "$install_work/root"
    mkdir "$install_work/sample"
    cp -R content feedsmith.yaml "$install_work/sample/"
    (cd "$install_work/sample" && "$install_work/root/bin/feedsmith" build --quiet)
    diff -r -x '.feedsmith*' feeds "$install_work/sample/feeds"
    # and, in a copy of the Jekyll fixture site, `init` then `build`.
    cp -R tests/fixtures/jekyll-site "$install_work/site"
    (cd "$install_work/site" && "$install_work/root/bin/feedsmith" init &&
        "$install_work/root/bin/feedsmith" build --quiet)
    test -s "$install_work/site/feedsmith.yaml" && test -s "$install_work/site/feeds/feed.xml"
    ls -l "$install_work/root/bin/feedsmith"
    rm -rf "$install_work"
    echo "== cargo package --locked (and it builds from the package)"
    cargo package --locked --quiet
fi
echo "== feedparser reads every feed"
table=$(mktemp)
trap 'rm -f "$table"' EXIT
cargo run --release --locked --quiet -- build --quiet --dry-run --report json > "$table"
python3 scripts/check_feeds.py feeds "$table"
echo "== every page: strict HTML5 (html5lib), no script, no external style, links resolve"
python3 scripts/check_pages.py feeds --every-feed
echo "== W3C Feed Validator: zero errors and warnings on every committed feed"
scripts/w3c.sh feeds "$(sed -n 's/^base_url:[[:space:]]*//p' feedsmith.yaml)"
echo "== W3C Feed Validator: the feeds a config describes (tests/fixtures/feeds)"
fixture_work=$(mktemp -d)
trap 'rm -f "$table"; rm -rf "$fixture_work"' EXIT
# As written, with full content, and with the built-in feeds off.
for variant in "" "content: full" "overall_feed: false"; do
    name=${variant%%:*}
    printf '%s\n' "$variant" | cat - tests/fixtures/feeds/feedsmith.yaml > "$fixture_work/${name:-plain}.yaml"
    "${CARGO_TARGET_DIR:-target}/release/feedsmith" build --quiet --now 2024-06-01T00:00:00Z \
        --content tests/fixtures/feeds/content --config "$fixture_work/${name:-plain}.yaml" \
        --out "$fixture_work/${name:-plain}"
    scripts/w3c.sh "$fixture_work/${name:-plain}" https://fixture.example/feeds/
done
echo "== W3C Feed Validator: content: full feeds built from ../shared/corpus/powerapps"
FEEDSMITH="${CARGO_TARGET_DIR:-target}/release/feedsmith" scripts/w3c_full_content.sh
echo "== Jekyll parity: tests/fixtures/jekyll-site by the real Jekyll + jekyll-feed and by feedsmith"
# Skipped, loudly, where jekyll is missing outside CI; .ci/run installs it.
jekyll_started=$SECONDS
python3 scripts/jekyll_parity.py run "${CARGO_TARGET_DIR:-target}/release/feedsmith"
echo "== Jekyll parity took $((SECONDS - jekyll_started)) s"
echo "== real consumers: nginx, feedsmith serve, feedparser over HTTP, newsboat, sfeed, Chromium"
scripts/interop.sh
