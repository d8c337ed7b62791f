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
#
# Corpora are generated once (deterministic, seed 1) into
# ${FEEDSMITH_BENCH_DIR:-$HOME/.cache/feedsmith-bench}, outside the repo.
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
    local kind name
    for kind in plain etag gzip; do
        local results=()
        for port in "$nginx_port" "$serve_port"; do
            local url="http://127.0.0.1:$port/rss.xml"
            case $kind in
                plain) name="200 rss.xml"; results+=("$(run_wrk "$url" 200)") ;;
                etag) name="304 by ETag"
                    results+=("$(run_wrk "$url" 304 -H "If-None-Match: $(etag_of "$url")")") ;;
                gzip) name="200 rss.xml gzip"
                    curl -s -D - -o /dev/null -H "Accept-Encoding: gzip" "$url" | grep -qi '^content-encoding: gzip' ||
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
for arg in "$@"; do
    case "$arg" in
        --large) sizes+=(10000 100000 1000000) ;;
        --serve) serve_bench; exit 0 ;;
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
