#!/usr/bin/env bash
# The W3C Feed Validator (../shared/judge/w3c.py) on a folder of feeds:
# fails on any error and on any warning except the classes in
# W3C_ALLOW (comma-separated, default none). Skips, saying so, where
# ../shared/judge is absent (outside CI).
#
#   scripts/w3c.sh FEEDS_DIR BASE_URL
set -euo pipefail
cd "$(dirname "$0")/.."
feeds=${1:?usage: scripts/w3c.sh FEEDS_DIR BASE_URL}
base=${2:?usage: scripts/w3c.sh FEEDS_DIR BASE_URL}
judge=../shared/judge/w3c.py
if [ ! -f "$judge" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "w3c: $judge is missing" >&2
        exit 1
    fi
    echo "w3c: skipped: $judge not found"
    exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# w3c.py exits 1 on errors; the table is judged below either way.
python3 "$judge" "$feeds" --base-url "${base%/}" -v > "$out" 2>&1 || true
allow=",${W3C_ALLOW:-},"
bad=0
files=0
while IFS=$'\t' read -r path errors warnings _kind classes; do
    case "$errors" in errors=*) ;; *) continue ;; esac
    files=$((files + 1))
    [ "$errors" = "errors=0" ] && [ "$warnings" = "warnings=0" ] && continue
    if [ "$errors" = "errors=0" ]; then
        # Every warning class must be allowed (classes read "Name" or "Name xN").
        ok=1
        IFS=',' read -ra list <<< "$classes"
        for class in "${list[@]}"; do
            class=${class%% x*}
            case "$allow" in *",$class,"*) ;; *) ok=0 ;; esac
        done
        [ "$ok" = 1 ] && continue
    fi
    echo "w3c: $path: $errors $warnings $classes" >&2
    bad=$((bad + 1))
done < "$out"
if [ "$files" -eq 0 ]; then
    echo "w3c: the validator judged no file in $feeds" >&2
    cat "$out" >&2
    exit 1
fi
if [ "$bad" -gt 0 ]; then
    echo "w3c: $bad of $files files have errors or warnings; details:" >&2
    grep -v '^[^[:space:]]*	errors=0	warnings=0' "$out" >&2 || true
    exit 1
fi
echo "w3c: $files files, no errors, no warnings${W3C_ALLOW:+ but the allowed $W3C_ALLOW}"
