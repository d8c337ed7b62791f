#!/usr/bin/env bash
# feedsmith's benchmark: for each corpus size N, medians and min–max over
# RUNS runs of the read floor (a plain parallel read of the same files),
# a fresh build, a no-change rerun, a rerun after touching 10 files, and
# `check`; peak RSS of the fresh build; and the ratio fresh / floor.
#
#   scripts/bench.sh [N...]        default: 10000 100000
#   scripts/bench.sh --large       adds 1000000
#   scripts/bench.sh --serve       HTTP: `feedsmith serve` against nginx
#                                  (FEEDSMITH_BIN=path to measure another binary)
#   scripts/bench.sh --feeds [N]   today's binary with 20 `feeds:` definitions
#                                  against commit 1d295e9 (BENCH_OLD=commit),
#                                  built and measured in the same run; default
#                                  N=100000; DEFS=0 leaves the definitions out;
#                                  FEEDSMITH_BIN=path measures that binary as
#                                  today's
#
# Corpora (examples/gen_corpus.rs: the shape of a real everyday-cc site,
# one flat `_news/` folder of long dated slugs) are generated once
# (deterministic, seed 1) into ${FEEDSMITH_BENCH_DIR:-$HOME/.cache/feedsmith-bench},
# outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

# --serve: requests/s and p99 latency of `feedsmith serve` and of nginx
# running the README's server block, on the same `--precompress` build of
# the sample content, in the same run, with the same client (wrk, 2
# threads, ${CONNECTIONS:-64} connections, ${DURATION:-10s} each): a 200 of
# rss.xml, a 304 by ETag, and a gzip 200 (the .gz twin).
serve_bench() {
    for tool in wrk nginx curl; do
        command -v "$tool" >/dev/null || { echo "--serve needs $tool (apt-get install wrk nginx curl)" >&2; exit 1; }
    done
    local connections=${CONNECTIONS:-64} duration=${DURATION:-10s}
    # FEEDSMITH_BIN=path measures another build (e.g. an older one).
    local feedsmith=${FEEDSMITH_BIN:-}
    if [ -z "$feedsmith" ]; then
        cargo build --release --locked --quiet
        feedsmith=${CARGO_TARGET_DIR:-$PWD/target}/release/feedsmith
    fi
    local work
    work=$(mktemp -d)
    chmod 755 "$work"  # nginx workers run as an unprivileged user
    serve_pid=
    # shellcheck disable=SC2064
    trap "[ -n \"\$serve_pid\" ] && kill \$serve_pid 2>/dev/null; [ -f '$work/nginx.pid' ] && kill \$(cat '$work/nginx.pid') 2>/dev/null; rm -rf '$work'" EXIT
    free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
    wait_for() {
        for _ in $(seq 100); do
            curl -fs -o /dev/null "$1" && return 0
            sleep 0.1
        done
        echo "bench: $1 did not come up" >&2
        exit 1
    }
    local feeds="$work/feeds"
    "$feedsmith" build --quiet --out "$feeds" --precompress 2>/dev/null || true
    [ -f "$feeds/rss.xml.gz" ] || { echo "bench: the build wrote no rss.xml.gz" >&2; exit 1; }

    local nginx_port serve_port
    nginx_port=$(free_port)
    mkdir -p "$work/nginx-temp"
    {
        echo "worker_processes auto; pid $work/nginx.pid; error_log $work/nginx-error.log;"
        echo "events { worker_connections 4096; }"
        echo "http { include /etc/nginx/mime.types; default_type application/octet-stream; access_log off;"
        echo "client_body_temp_path $work/nginx-temp; proxy_temp_path $work/nginx-temp; fastcgi_temp_path $work/nginx-temp;"
        echo "uwsgi_temp_path $work/nginx-temp; scgi_temp_path $work/nginx-temp;"
        sed -n '/<!-- nginx-server-block -->/,/<!-- \/nginx-server-block -->/p' README.md | sed '1,2d;$d' | sed '$d' |
            sed "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$nginx_port;|; s|root /srv/site/feeds;|root $feeds;|"
        echo "}"
    } > "$work/nginx.conf"
    nginx -t -q -c "$work/nginx.conf" -p "$work"
    nginx -c "$work/nginx.conf" -p "$work"
    serve_port=$(free_port)
    "$feedsmith" serve --addr "127.0.0.1:$serve_port" --out "$feeds" 2>"$work/serve.log" &
    serve_pid=$!
    wait_for "http://127.0.0.1:$nginx_port/rss.xml"
    wait_for "http://127.0.0.1:$serve_port/rss.xml"

    # "REQUESTS_PER_SECOND P99_MS" of one wrk run; fails unless every
    # response had the expected status.
    run_wrk() {
        local url=$1 status=$2
        shift 2
        local got
        got=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
        [ "$got" = "$status" ] || { echo "bench: $url gave $got, expected $status" >&2; exit 1; }
        local args=()
        for h in "$@"; do [ "$h" = -H ] || args+=(-H "$h"); done
        wrk -t2 -c"$connections" -d"$duration" --latency "${args[@]}" "$url" > "$work/wrk.out"
        if grep -q -e 'Non-2xx' -e 'Socket errors' "$work/wrk.out"; then
            echo "bench: $url: $(grep -e 'Non-2xx' -e 'Socket errors' "$work/wrk.out")" >&2
        fi
        awk '/Requests\/sec:/ { rps = $2 }
             $1 == "99%" { v = $2; ms = v + 0
                           if (v ~ /us$/) ms /= 1000; else if (v ~ /ms$/) ms += 0; else if (v ~ /s$/) ms *= 1000
                           p99 = ms }
             END { printf "%.0f %.2f\n", rps, p99 }' "$work/wrk.out"
    }
    etag_of() { curl -s -D - -o /dev/null "$@" | awk 'tolower($1) == "etag:" { sub(/\r$/, ""); $1 = ""; sub(/^ /, ""); print }'; }

    echo "machine: $(nproc) cores, $(uname -sr); wrk -t2 -c$connections -d$duration; same run, same folder (--precompress build of content/)"
    echo
    echo "| request | nginx req/s | nginx p99 | serve req/s | serve p99 | req/s serve / nginx | p99 serve / nginx |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    local kind name headers
    for kind in plain etag gzip; do
        local results=()
        for port in "$nginx_port" "$serve_port"; do
            local url="http://127.0.0.1:$port/rss.xml"
            case $kind in
                plain) name="200 rss.xml"; results+=("$(run_wrk "$url" 200)") ;;
                etag) name="304 by ETag"
                    results+=("$(run_wrk "$url" 304 -H "If-None-Match: $(etag_of "$url")")") ;;
                gzip) name="200 rss.xml gzip"
                    # Headers read whole first: `curl | grep -q` can fail on curl's next write.
                    headers=$(curl -s -D - -o /dev/null -H "Accept-Encoding: gzip" "$url")
                    grep -qi '^content-encoding: gzip' <<< "$headers" ||
                        { echo "bench: $url is not gzipped" >&2; exit 1; }
                    results+=("$(run_wrk "$url" 200 -H "Accept-Encoding: gzip")") ;;
            esac
        done
        read -r n_rps n_p99 <<< "${results[0]}"
        read -r s_rps s_p99 <<< "${results[1]}"
        awk -v name="$name" -v nr="$n_rps" -v np="$n_p99" -v sr="$s_rps" -v sp="$s_p99" 'BEGIN {
            printf "| %s | %d | %.2f ms | %d | %.2f ms | %.2f× | %.2f× |\n", name, nr, np, sr, sp, sr / nr, (np > 0 ? sp / np : 0) }'
    done
}

sizes=()
feeds_mode=
while [ $# -gt 0 ]; do
    case "$1" in
        --large) sizes+=(10000 100000 1000000) ;;
        --serve) serve_bench; exit 0 ;;
        --feeds)
            feeds_mode=1
            if [ $# -gt 1 ] && [[ $2 =~ ^[0-9]+$ ]]; then sizes+=("$2"); shift; fi ;;
        *) sizes+=("$1") ;;
    esac
    shift
done
runs=${RUNS:-5}
cache_dir=${FEEDSMITH_BENCH_DIR:-$HOME/.cache/feedsmith-bench}
target=${CARGO_TARGET_DIR:-$PWD/target}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# With FEEDSMITH_BIN and examples already built, nothing is built.
if [ -z "${FEEDSMITH_BIN:-}" ] || [ ! -x "$target/release/examples/gen_corpus" ]; then
    cargo build --release --locked --quiet --examples
    cargo build --release --locked --quiet
fi
# FEEDSMITH_BIN=path measures another build (e.g. an older one) in place
# of today's.
feedsmith=${FEEDSMITH_BIN:-$target/release/feedsmith}
floor=$target/release/examples/read_floor
gen=$target/release/examples/gen_corpus
now=2024-06-01T00:00:00Z

# seconds, peak RSS (KB) and CPU seconds (user + system) of one command:
# "SECONDS KB CPU"
measure() {
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null 2>&1 || true
    # (time puts "Command exited with non-zero status 1" first when the
    # run had errors: exit 1 is a normal outcome on a real site)
    tail -n 1 "$tmp/time" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}
# "median (min–max)" of the numbers on stdin
stats() {
    sort -g | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
        printf "%.2f (%.2f–%.2f)", m, a[1], a[NR] }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The site of N articles, generated once: "$cache_dir/site-v2-N" with
# content/ and a plain feedsmith.yaml. (v2: the everyday-cc layout; the
# corpora of the first generator, "$cache_dir/N", are not reused.)
site_of() {
    local n=$1 site="$cache_dir/site-v2-$1"
    if [ ! -f "$site/.complete" ]; then
        rm -rf "$site"
        "$gen" "$n" "$site/content" --seed 1 >&2
        printf 'title: Bench\nbase_url: https://bench.example/feeds/\nsite_url: https://bench.example/\n' > "$site/feedsmith.yaml"
        touch "$site/.complete"
    fi
    echo "$site"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A fresh build needs its out folder gone, but not deleted right before:
# on ext4 without a journal (these machines' disks) the inode allocator
# steps over every inode freed in the last minute or more, one by one
# (`recently_deleted` in fs/ext4/ialloc.c), so deleting the last build's
# 3,400 files made the next build's file creations scan them each time:
# perf showed 38% of a fresh build in `__ext4_new_inode`, a cost of the
# harness, not of the build. The folder is moved aside instead and the lot
# deleted when the measuring is done.
retire() { # folder: moved out of the way (same file system), deleted by retired_cleanup
    if [ -e "$1" ]; then
        local parking
        parking=$(dirname "$1")/.bench-retired
        mkdir -p "$parking"
        mv "$1" "$(mktemp -d "$parking/XXXXXX")/"
    fi
}
retired_cleanup() { # the parked folders of the current directory
    rm -rf .bench-retired
}

# --feeds: issue 11's proof. Commit $BENCH_OLD (default 1d295e9, the branch
# point) is built in a temporary git worktree (release, target
# ${OLD_TARGET_DIR:-$cache_dir/target-old}; the binary is kept as
# feedsmith-<commit> there, delete it to rebuild) and measured with the
# plain config (it rejects `feeds:`); today's binary with the plain config
# and with 20 definitions (feeds_config below). The three are run in turn,
# RUNS times (fresh build, then a no-change rerun), so they share the noise.
# Then: same bytes with RAYON_NUM_THREADS=1 and the default thread count
# (diff -r, the lock and the run record left out), and a rerun touches no file's mtime.
feeds_config() {
    cat "$1/feedsmith.yaml"
    cat <<'EOF'
feeds:
  - path: videos
    title: Videos
    description: Every video, newest first
    filter: {type: video}
  - path: top
    title: Top this week
    description: The hottest stories of the last seven days
    filter: {since: 7d}
    sort: heat
    limit: 20
  - path: best-of-month
    title: Best of the month
    filter: {since: 30d, min_quality: 90}
    sort: quality
    limit: 25
    formats: [rss, atom]
  - path: providers
    title: "{name}"
    description: Everything from one provider
    per: provider
    limit: 20
  - path: types
    title: "Every {name}"
    per: type
    limit: 30
  - path: hot
    title: "Hot in {name}"
    filter: {since: 30d, min_heat: 60}
    per: topic
    sort: heat
    limit: 10
    formats: [rss]
  - path: learning/videos
    title: Learning videos
    filter: {path: ["_learning/videos/**"]}
  - path: downloads
    title: Samples to download
    filter: {type: [download], path: ["_samples/**"]}
    formats: [json]
  - path: ai
    title: AI and machine learning
    filter: {topics: [AI, Machine Learning], min_quality: 60}
  - path: ai-cloud
    title: AI in the cloud
    filter: {topics: {all: [AI, Cloud]}}
    sort: quality
  - path: youtube
    title: On YouTube
    filter: {provider: youtube.com}
    sort: heat
    limit: 40
  - path: press
    title: The press
    filter: {provider: [Tech Radar, Dev Journal, Cloud Times, medium.com]}
    formats: [rss, json]
  - path: news/hot
    title: Hot news of all time
    filter: {path: ["_news/**"], min_heat: 120}
    sort: heat
    limit: 50
  - path: review
    title: Drafts to review
    filter: {path: ["_news/**"], drafts: true, since: 14d}
    limit: 100
    formats: [atom]
  - path: newsletters
    title: The newsletter
    filter: {path: ["_newsletters/*.html"]}
    limit: 10
    formats: [rss]
  - path: security-videos
    title: Security videos
    filter: {topics: [Security, Privacy], type: video}
  - path: picks
    title: Editors' picks
    filter: {min_quality: 120}
    sort: quality
    limit: 100
    max_bytes: 262144
  - path: today
    title: Today
    filter: {since: 24h}
    limit: 0
  - path: languages
    title: Rust and Go
    filter: {topics: [Rust, Go, Python]}
    formats: [rss, json]
    limit: 30
  - path: week/videos
    title: Videos of the week
    filter: {type: video, since: 1w}
    sort: heat
    image: /assets/videos.png
EOF
}

feeds_bench() {
    local n=$1 defs=${DEFS:-1} old_commit=${BENCH_OLD:-1d295e9}
    local old_target=${OLD_TARGET_DIR:-$cache_dir/target-old}
    local old_hash old
    old_hash=$(git rev-parse --short=12 "$old_commit^{commit}")
    old="$old_target/feedsmith-$old_hash"
    if [ ! -x "$old" ]; then
        mkdir -p "$old_target"
        local wt
        wt=$(mktemp -d)
        git worktree add --detach --quiet "$wt/src" "$old_hash"
        (cd "$wt/src" && CARGO_TARGET_DIR="$old_target" cargo build --release --locked --quiet)
        cp "$old_target/release/feedsmith" "$old.partial" && mv "$old.partial" "$old"
        git worktree remove --force "$wt/src"
        rm -rf "$wt"
    fi
    local site
    site=$(site_of "$n")
    feeds_config "$site" > "$site/feedsmith-feeds.yaml"
    cd "$site"
    # name, binary, config: the variants, run in this order each time
    local variants=("old $old feedsmith.yaml" "new $feedsmith feedsmith.yaml")
    [ "$defs" = 0 ] || variants+=("feeds $feedsmith feedsmith-feeds.yaml")
    local v name bin config
    for v in "${variants[@]}"; do
        read -r name bin config <<< "$v"
        : > "$tmp/$name.fresh"; : > "$tmp/$name.rerun"; : > "$tmp/$name.rss"
        : > "$tmp/$name.fresh-cpu"; : > "$tmp/$name.rerun-cpu"
        # A first build each, not counted: the files are in the page cache
        # for all three, and a config the binary rejects shows here.
        retire "out-$name"
        "$bin" build -q --config "$config" --out "out-$name" --now "$now" 2> "$tmp/$name.err" || true
        if [ ! -f "out-$name/rss.xml" ]; then
            echo "bench: $name ($bin --config $config) wrote no rss.xml:" >&2
            grep -v ': warning: ' "$tmp/$name.err" | grep -v ': error: ' | head -5 >&2
            exit 1
        fi
    done
    for run in $(seq "$runs"); do
        for v in "${variants[@]}"; do
            read -r name bin config <<< "$v"
            retire "out-$name"
            measure "$bin" build -q --config "$config" --out "out-$name" --now "$now" > "$tmp/one"
            awk '{ print $1 }' "$tmp/one" >> "$tmp/$name.fresh"
            awk '{ print $2 }' "$tmp/one" >> "$tmp/$name.rss"
            awk '{ print $3 }' "$tmp/one" >> "$tmp/$name.fresh-cpu"
            measure "$bin" build -q --config "$config" --out "out-$name" --now "$now" > "$tmp/one"
            awk '{ print $1 }' "$tmp/one" >> "$tmp/$name.rerun"
            awk '{ print $3 }' "$tmp/one" >> "$tmp/$name.rerun-cpu"
        done
    done

    local files
    files=$(find content -type f | wc -l)
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr); $runs runs each, in turn; seconds: median (min–max)"
    echo "corpus: $n articles ($files files, $(du -sh content | cut -f1)), --now $now; old = $old_hash with the plain config"
    echo
    echo "| binary | config | feed files | fresh build | no-change rerun | CPU fresh | CPU rerun | peak RSS fresh |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for v in "${variants[@]}"; do
        read -r name bin config <<< "$v"
        local count
        count=$(find "out-$name" -type f \( -name '*.xml' -o -name '*.json' \) ! -name '.*' | wc -l)
        echo "| $name | $config | $count | $(stats < "$tmp/$name.fresh") | $(stats < "$tmp/$name.rerun") | $(median < "$tmp/$name.fresh-cpu") | $(median < "$tmp/$name.rerun-cpu") | $(median < "$tmp/$name.rss" | awk '{ printf "%.0f MB", $1 / 1024 }') |"
    done
    echo
    local last=${variants[${#variants[@]}-1]%% *}
    ratio() { # name kind limit
        awk -v a="$(median < "$tmp/$1.$2")" -v b="$(median < "$tmp/old.$2")" -v t="$3" 'BEGIN {
            r = a / b; printf "%.2f× (target ≤ %.1f×: %s)", r, t, (r <= t ? "met" : "MISSED") }'
    }
    echo "$last / old, wall (the targets): fresh build $(ratio "$last" fresh 1.2), no-change rerun $(ratio "$last" rerun 1.1)"
    cpu_ratio() { awk -v a="$(median < "$tmp/$1.$2-cpu")" -v b="$(median < "$tmp/old.$2-cpu")" 'BEGIN { printf "%.2f×", a / b }'; }
    echo "$last / old, CPU seconds (less noisy on a shared machine): fresh build $(cpu_ratio "$last" fresh), no-change rerun $(cpu_ratio "$last" rerun)"

    # Same bytes with one thread and with the default count; then a rerun
    # rewrites nothing (no mtime changes).
    local config_last=${variants[${#variants[@]}-1]##* }
    rm -rf "$tmp/t1" "$tmp/tn"
    RAYON_NUM_THREADS=1 "$feedsmith" build -q --config "$config_last" --out "$tmp/t1" --now "$now" 2>/dev/null || true
    "$feedsmith" build -q --config "$config_last" --out "$tmp/tn" --now "$now" 2>/dev/null || true
    # The lock and the run record (file times, the out folder's path) are
    # state, not output.
    if diff -r -q -x .feedsmith.lock -x .feedsmith-run "$tmp/t1" "$tmp/tn" > "$tmp/diff"; then
        echo "same bytes with RAYON_NUM_THREADS=1 and $(nproc) threads: yes ($(find "$tmp/tn" -type f | wc -l) files)"
    else
        echo "same bytes with RAYON_NUM_THREADS=1 and $(nproc) threads: NO"; head -5 "$tmp/diff"
    fi
    find "$tmp/tn" -type f ! -name .feedsmith.lock -printf '%P %T@\n' | sort > "$tmp/mtimes.before"
    sleep 0.01
    "$feedsmith" build -q --config "$config_last" --out "$tmp/tn" --now "$now" 2>/dev/null || true
    find "$tmp/tn" -type f ! -name .feedsmith.lock -printf '%P %T@\n' | sort > "$tmp/mtimes.after"
    if cmp -s "$tmp/mtimes.before" "$tmp/mtimes.after"; then
        echo "a no-change rerun changes no file's mtime: yes"
    else
        echo "a no-change rerun changes no file's mtime: NO"; diff "$tmp/mtimes.before" "$tmp/mtimes.after" | head -5
    fi
    retired_cleanup
    cd - >/dev/null
}

if [ -n "$feeds_mode" ]; then
    for n in "${sizes[@]:-100000}"; do feeds_bench "$n"; done
    exit 0
fi

[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr); $runs runs each; seconds: median (min–max)"
echo
echo "| articles | read floor | fresh build | no-change rerun | rerun, 10 touched | check | peak RSS fresh | fresh / floor |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${sizes[@]}"; do
    site=$(site_of "$n")
    cd "$site"
    # 10 news articles spread over the folder, the same each run.
    mapfile -t touched < <(find content/_news -name '*.md' | sort | awk -v step=$((n / 10)) 'NR % step == 1' | head -10)
    : > "$tmp/floor"; : > "$tmp/fresh"; : > "$tmp/rss"; : > "$tmp/rerun"; : > "$tmp/touched"; : > "$tmp/check"
    for run in $(seq "$runs"); do
        measure "$floor" content | awk '{ print $1 }' >> "$tmp/floor"
        retire feeds
        measure "$feedsmith" build -q --now "$now" > "$tmp/one"
        awk '{ print $1 }' "$tmp/one" >> "$tmp/fresh"
        awk '{ print $2 }' "$tmp/one" >> "$tmp/rss"
        measure "$feedsmith" build -q --now "$now" | awk '{ print $1 }' >> "$tmp/rerun"
        # Touch 10 articles (a real edit each: the title changes per run).
        for file in "${touched[@]}"; do
            sed -i "s/^title: \"\(.*\) – run [0-9]*\"$/title: \"\1\"/; s/^title: \"\(.*\)\"$/title: \"\1 – run $run\"/" "$file"
        done
        measure "$feedsmith" build -q --now "$now" | awk '{ print $1 }' >> "$tmp/touched"
        measure "$feedsmith" check -q --now "$now" | awk '{ print $1 }' >> "$tmp/check"
    done
    ratio=$(awk -v f="$(median < "$tmp/fresh")" -v r="$(median < "$tmp/floor")" 'BEGIN { printf "%.1f×", f / r }')
    rss=$(median < "$tmp/rss" | awk '{ printf "%.0f MB", $1 / 1024 }')
    retired_cleanup
    echo "| $n | $(stats < "$tmp/floor") | $(stats < "$tmp/fresh") | $(stats < "$tmp/rerun") | $(stats < "$tmp/touched") | $(stats < "$tmp/check") | $rss | $ratio |"
    cd - >/dev/null
done
