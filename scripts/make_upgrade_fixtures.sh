#!/usr/bin/env bash
# Rebuild tests/fixtures/upgrade/<commit>/: the out folders older
# feedsmith versions wrote for the site in tests/fixtures/upgrade/
# (feedsmith.yaml + content/), so tests/upgrade.rs can check that today's
# binary takes them over (manifest migrated, cache rebuilt silently)
# without old compilers in CI.
#
#   scripts/make_upgrade_fixtures.sh [COMMIT...]   default: 1d295e9 06cdf9c
#
# Each commit is built (debug, --locked) in a temporary git worktree, with
# its target folder under ${OLD_TARGET_DIR:-/work/targets/upgrade-old};
# each writes two out folders: plain/ and gz/ (--precompress). The lock
# file is left out; everything else (manifest, cache, feeds) is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
site=$repo/tests/fixtures/upgrade
now=2024-06-01T00:00:00Z
target=${OLD_TARGET_DIR:-/work/targets/upgrade-old}
commits=("$@")
[ ${#commits[@]} -gt 0 ] || commits=(1d295e9 06cdf9c)

work=$(mktemp -d)
cleanup() {
    for c in "${commits[@]}"; do
        git -C "$repo" worktree remove --force "$work/src-$c" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

for commit in "${commits[@]}"; do
    src=$work/src-$commit
    git -C "$repo" worktree add --detach --quiet "$src" "$commit"
    (cd "$src" && CARGO_TARGET_DIR=$target cargo build --locked --quiet --bin feedsmith)
    bin=$target/debug/feedsmith
    dest=$site/$commit
    rm -rf "$dest"
    for variant in plain gz; do
        run=$work/run-$commit-$variant
        mkdir -p "$run"
        cp -r "$site/feedsmith.yaml" "$site/content" "$run/"
        flags=()
        [ "$variant" = gz ] && flags=(--precompress)
        (cd "$run" && "$bin" build --now "$now" --quiet --out out "${flags[@]}")
        rm -f "$run/out/.feedsmith.lock"
        mkdir -p "$dest"
        cp -r "$run/out" "$dest/$variant"
    done
    echo "$commit: $(git -C "$repo" log -1 --format='%h %s' "$commit" | cut -c1-70)" >&2
    du -sh "$dest" >&2
done
