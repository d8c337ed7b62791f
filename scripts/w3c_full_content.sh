#!/usr/bin/env bash
# The W3C Feed Validator on feeds built with `content: full` from the shared
# powerapps corpus (../shared/corpus/powerapps), through ../shared/judge/w3c.py.
#
# 1. The feeds as the sample config shapes them (feedsmith.yaml with
#    `content: full`, limit 20), validated as served from BASE_URL.
# 2. Every article: the same with `limit: 0`. Those feeds are larger than the
#    validator reads (5 MB), so each is validated in slices: the feed's own
#    head and tail around a run of its entries, under 4 MB each (self links
#    are then not checked, they were in pass 1).
#
# Fails (exit 1) on any error and on any warning class but DuplicateUpdated
# (entries updated at the same second, which real data has); prints the
# validator's text with line and column for what it found. Skips (exit 0,
# with a message) when the corpus or the validator is not there.
#
#   scripts/w3c_full_content.sh            # both passes
#   FEEDSMITH=path/to/feedsmith scripts/w3c_full_content.sh   # a built binary
#   KEEP=dir scripts/w3c_full_content.sh   # keep the feeds in dir
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/../shared/corpus/powerapps
judge=$root/../shared/judge/w3c.py
base_url=https://example.com/feeds
allowed=DuplicateUpdated

if [[ ! -d $corpus ]]; then
    echo "w3c_full_content: skipped: no corpus at $corpus"
    exit 0
fi
if [[ ! -f $judge ]]; then
    echo "w3c_full_content: skipped: no validator at $judge"
    exit 0
fi

if [[ -z ${FEEDSMITH:-} ]]; then
    (cd "$root" && cargo build --quiet --bin feedsmith)
    FEEDSMITH=${CARGO_TARGET_DIR:-$root/target}/debug/feedsmith
fi

work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT

# The sample config's shape, with full content and the validation URL.
config() { # LIMIT
    sed -e 's/^content:.*/content: full/' \
        -e "s#^base_url:.*#base_url: $base_url/#" \
        -e "s/^limit:.*/limit: $1/" "$root/feedsmith.yaml"
    grep -q '^content:' "$root/feedsmith.yaml" || echo "content: full"
    grep -q '^limit:' "$root/feedsmith.yaml" || echo "limit: $1"
}

build() { # NAME LIMIT
    config "$2" >"$work/$1.yaml"
    local status=0
    "$FEEDSMITH" build -q --no-site --config "$work/$1.yaml" --content "$corpus" \
        --out "$work/$1" --now 2026-01-01T00:00:00Z 2>"$work/$1.stderr" || status=$?
    # 1: some articles have errors of their own (the corpus has undated
    # ones); everything else was written.
    if ((status > 1)); then
        echo "w3c_full_content: build $1 failed (exit $status):" >&2
        cat "$work/$1.stderr" >&2
        exit 1
    fi
}

# Validate FOLDER [w3c.py options]; 0 when clean, 1 otherwise, 2: no validator.
validate() {
    local folder=$1
    shift
    local status=0
    python3 "$judge" "$folder" -v "$@" >"$folder.w3c" 2>&1 || status=$?
    if ((status == 2)); then
        cat "$folder.w3c"
        return 2
    fi
    python3 - "$folder.w3c" "$allowed" <<'EOF'
import re, sys
report, allowed = sys.argv[1], set(sys.argv[2].split(","))
bad, files = [], 0
lines = open(report, encoding="utf-8").read().splitlines()
for i, line in enumerate(lines):
    m = re.match(r"(\S+)\terrors=(\d+)\twarnings=(\d+)\t\[[^]]*\]\t(.*)$", line)
    if not m:
        continue
    files += 1
    classes = {re.sub(r" x\d+$", "", c) for c in m.group(4).split(",") if c != "-"}
    if int(m.group(2)) or classes - allowed:
        bad.append(line)
        for detail in lines[i + 1:]:
            if not detail.startswith("    "):
                break
            bad.append(detail)
if not files:
    print("no feeds validated in " + report)
    sys.exit(1)
if bad:
    print("\n".join(bad))
print("%d files validated, %d with errors or warnings other than %s"
      % (files, sum(1 for b in bad if not b.startswith(" ")), ",".join(sorted(allowed))))
sys.exit(1 if bad else 0)
EOF
}

# Pass 2's slices: each feed's head + a run of entries + its tail.
slice() { # FROM TO
    python3 - "$1" "$2" <<'EOF'
import os, re, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
LIMIT = 4_000_000
for folder, _, names in sorted(os.walk(src)):
    for name in sorted(names):
        if name not in ("rss.xml", "atom.xml"):
            continue
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        tag = "item" if name == "rss.xml" else "entry"
        first, last = text.find("<%s>" % tag), text.rfind("</%s>" % tag)
        if first < 0:
            continue
        last += len(tag) + 3
        head, tail = text[:first], text[last:]
        entries = [e for e in re.split(r"(?=<%s>)" % tag, text[first:last]) if e.strip()]
        slices, run, size = [], [], 0
        for entry in entries:
            if run and size + len(entry) > LIMIT:
                slices.append(run)
                run, size = [], 0
            run.append(entry)
            size += len(entry)
        slices.append(run)
        rel = os.path.relpath(os.path.join(folder, name), src).replace(os.sep, "__")
        for n, run in enumerate(slices):
            with open(os.path.join(dst, "%s.%03d.xml" % (rel, n)), "w", encoding="utf-8") as f:
                f.write(head + "".join(run) + tail)
EOF
}

failed=0
build sample 20
echo "w3c_full_content: pass 1: the sample config's feeds, content: full"
validate "$work/sample" --base-url "$base_url" || { status=$?; ((status == 2)) && { echo "w3c_full_content: skipped: the validator cannot run"; exit 0; }; failed=1; }

build all 0
slice "$work/all" "$work/all-slices"
echo "w3c_full_content: pass 2: every article (limit 0), in slices under the validator's size limit"
validate "$work/all-slices" || failed=1

if ((failed)); then
    echo "w3c_full_content: FAILED (feeds in ${KEEP:-a removed temp folder; set KEEP=dir to keep them})"
    exit 1
fi
echo "w3c_full_content: OK"
