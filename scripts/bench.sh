#!/usr/bin/env bash
# feedsmith's benchmark: for each corpus size N, medians and min–max over
# RUNS runs of the read floor (a plain parallel read of the same files),
# a fresh build, a no-change rerun, a rerun after touching 10 files, and
# `check`; peak RSS of the fresh build; and the ratio fresh / floor.
#
#   scripts/bench.sh [N...]        default: 10000 100000
#   scripts/bench.sh --large       adds 1000000
#
# Corpora are generated once (deterministic, seed 1) into
# ${FEEDSMITH_BENCH_DIR:-$HOME/.cache/feedsmith-bench}, outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=()
for arg in "$@"; do
    case "$arg" in
        --large) sizes+=(10000 100000 1000000) ;;
        *) sizes+=("$arg") ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
runs=${RUNS:-5}
cache_dir=${FEEDSMITH_BENCH_DIR:-$HOME/.cache/feedsmith-bench}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --locked --quiet --examples
cargo build --release --locked --quiet
feedsmith=$PWD/target/release/feedsmith
floor=$PWD/target/release/examples/read_floor
gen=$PWD/target/release/examples/gen_corpus
now=2024-06-01T00:00:00Z

# seconds and peak RSS (KB) of one command: "SECONDS KB"
measure() {
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || true
    cat "$tmp/time"
}
# "median (min–max)" of the numbers on stdin
stats() {
    sort -g | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
        printf "%.2f (%.2f–%.2f)", m, a[1], a[NR] }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr); $runs runs each; seconds: median (min–max)"
echo
echo "| articles | read floor | fresh build | no-change rerun | rerun, 10 touched | check | peak RSS fresh | fresh / floor |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${sizes[@]}"; do
    site="$cache_dir/$n"
    if [ ! -f "$site/.complete" ]; then
        rm -rf "$site"
        "$gen" "$n" "$site/content" --seed 1 >/dev/null
        printf 'title: Bench\nbase_url: https://bench.example/feeds/\nsite_url: https://bench.example/\n' > "$site/feedsmith.yaml"
        touch "$site/.complete"
    fi
    cd "$site"
    : > "$tmp/floor"; : > "$tmp/fresh"; : > "$tmp/rss"; : > "$tmp/rerun"; : > "$tmp/touched"; : > "$tmp/check"
    for run in $(seq "$runs"); do
        measure "$floor" content | awk '{ print $1 }' >> "$tmp/floor"
        rm -rf feeds
        measure "$feedsmith" build -q --now "$now" > "$tmp/one"
        awk '{ print $1 }' "$tmp/one" >> "$tmp/fresh"
        awk '{ print $2 }' "$tmp/one" >> "$tmp/rss"
        measure "$feedsmith" build -q --now "$now" | awk '{ print $1 }' >> "$tmp/rerun"
        # Touch 10 articles (a real edit each: the title changes per run).
        for i in $(seq 0 9); do
            file=$(printf 'content/%03d/%07d.md' $((i * 97 % 1000)) $((i * 97)))
            sed -i "s/^title: \"\(.*\) – run [0-9]*\"$/title: \"\1\"/; s/^title: \"\(.*\)\"$/title: \"\1 – run $run\"/" "$file"
        done
        measure "$feedsmith" build -q --now "$now" | awk '{ print $1 }' >> "$tmp/touched"
        measure "$feedsmith" check -q --now "$now" | awk '{ print $1 }' >> "$tmp/check"
    done
    ratio=$(awk -v f="$(median < "$tmp/fresh")" -v r="$(median < "$tmp/floor")" 'BEGIN { printf "%.1f×", f / r }')
    rss=$(median < "$tmp/rss" | awk '{ printf "%.0f MB", $1 / 1024 }')
    echo "| $n | $(stats < "$tmp/floor") | $(stats < "$tmp/fresh") | $(stats < "$tmp/rerun") | $(stats < "$tmp/touched") | $(stats < "$tmp/check") | $rss | $ratio |"
    cd - >/dev/null
done
