#!/usr/bin/env bash
# Adversarial inputs, each next to a few hundred normal articles: time,
# peak memory and exit status of a release build, and whether the normal
# articles' feeds are byte for byte those of a build without the input.
#
#   scripts/adversarial.sh              # builds the release binary first
#   FEEDSMITH=/path/to/feedsmith scripts/adversarial.sh   # another binary
#   TIMEOUT=60 MEMORY_MB=4096 ...       # per-run limits (defaults shown)
#
# Target: every input ≤ 1 s and ≤ 200 MB on a 2-core machine. Inputs are
# generated in a temporary folder (removed at the end), never in the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

TIMEOUT=${TIMEOUT:-60}
MEMORY_MB=${MEMORY_MB:-4096}
NORMAL=${NORMAL:-300}
if [[ -z "${FEEDSMITH:-}" ]]; then
    cargo build --release --quiet
    FEEDSMITH="${CARGO_TARGET_DIR:-target}/release/feedsmith"
fi
FEEDSMITH=$(realpath "$FEEDSMITH")
if [[ ! -x /usr/bin/time ]]; then
    echo "needs GNU time: apt-get install time" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/feedsmith-adversarial.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$NORMAL" <<'PY'
import os, sys
work, normal = sys.argv[1], int(sys.argv[2])
LIMIT = 10 * 1024 * 1024  # the default max_file_size

def article(title, slug, extra="", body="Body.\n", date="2000-01-01T00:00:00Z"):
    # Older than every normal article, so it stays out of the overall feeds
    # (50 entries), and in a topic of its own, so it is rendered.
    if "topics:" not in extra:
        extra += "topics: [adv]\n"
    return (f"---\ntitle: \"{title}\"\npublishedDateTime: {date}\n"
            f"webUrl: \"https://e.example/{slug}\"\n{extra}"
            f"secured: \"TOPSECRET-adversarial\"\n---\n{body}")

base = os.path.join(work, "base")
os.makedirs(os.path.join(base, "content"))
with open(os.path.join(base, "feedsmith.yaml"), "w") as f:
    f.write("base_url: https://x.example/feeds/\nsite_url: https://x.example/\ncontent: full\n")
for i in range(normal):
    topics = f"[topic-{i % 10}, topic-{i % 7 + 10}]"
    date = f"20{20 + i % 5}-{1 + i % 12:02}-{1 + i % 28:02}T{i % 24:02}:00:00Z"
    text = article(f"Normal {i}", f"normal-{i}", extra=f"topics: {topics}\nexcerpt: \"About article {i}\"\n",
                   body=f"Some *text* with [a link](https://e.example/l{i}).\n", date=date)
    with open(os.path.join(base, "content", f"normal-{i:04}.md"), "w") as f:
        f.write(text)

inputs = {}
# 37 KB whose aliases expand to 10^12 values, under a key feedsmith reads.
bomb = "l0: &l0 [" + ",".join(["x"] * 1000) + "]\n"
for i in range(1, 5):
    bomb += f"l{i}: &l{i} [" + ",".join([f"*l{i-1}"] * 1000) + "]\n"
inputs["alias-bomb"] = article("Bomb", "bomb", extra=bomb + "topics: *l4\n")
flat = "l0: &l0 [" + ",".join(["x"] * 1000) + "]\n"
inputs["alias-bomb-10MB"] = article("Bomb", "bomb", extra=flat + "topics: [" + ",".join(["*l0"] * ((LIMIT - 4000) // 4)) + "]\n")
inputs["list-10MB"] = article("List", "list", extra="topics: [" + ",".join(["a"] * ((LIMIT - 200) // 2)) + "]\n")

def keys(n):
    return "".join(f"k{i}: v\n" for i in range(n))
inputs["keys-100k"] = article("Keys", "keys", extra=keys(100_000))
inputs["keys-100k-full-parser"] = article("Keys", "keys", extra="a: &x 1\n" + keys(100_000))
inputs["keys-10MB"] = article("Keys", "keys", extra=keys(LIMIT // 11))
inputs["brackets-100k"] = article("Brackets", "brackets", extra="images: " + "[" * 100_000 + "\n")
inputs["brackets-10MB"] = article("Brackets", "brackets", extra="images: " + "[" * (LIMIT - 200) + "\n")
inputs["nested-block-100k"] = article("Nested", "nested", extra="images:\n" + "- " * 100_000 + "x\n")
inputs["nested-balanced-100k"] = article("Balanced", "balanced",
                                         extra="images: " + "[" * 100_000 + "]" * 100_000 + "\n")
inputs["topics-2000"] = article("Topics", "topics", extra="topics: [" + ", ".join(f"adv-{i}" for i in range(2000)) + "]\n")
inputs["topics-10000"] = article("Topics", "topics", extra="topics: [" + ", ".join(f"adv-{i}" for i in range(10000)) + "]\n")
inputs["title-10MB"] = article("word " * ((LIMIT - 200) // 5), "title")
inputs["excerpt-10MB"] = article("Excerpt", "excerpt", extra="excerpt: \"" + "lorem ipsum " * ((LIMIT - 200) // 12) + "\"\n")
links = "".join(f"<p><a href=\"/l/{i}\" title=\"t\">link {i}</a> <img src=\"i{i}.png\" alt=\"\"></p>\n" for i in range(20_000))
inputs["body-20000-links"] = article("Links", "links", body=links)
inputs["body-10MB-links"] = article("Links", "links", body=links * (LIMIT // len(links) - 1))

for name, text in inputs.items():
    data = text.encode()
    assert len(data) <= LIMIT, (name, len(data))
    ext = "html" if name.startswith("body-") else "md"
    with open(os.path.join(work, f"{name}.{ext}"), "wb") as f:
        f.write(data)
PY

run() { # dir -> "seconds kb status"
    local dir=$1 status=0
    (
        cd "$dir"
        ulimit -v $((MEMORY_MB * 1024))
        /usr/bin/time -o "$dir/.time" -f '%e %M' timeout "$TIMEOUT" \
            "$FEEDSMITH" build --now 2026-01-01T00:00:00Z --quiet --allow-empty >/dev/null 2>"$dir/.stderr"
    ) || status=$?
    [[ $status == 124 ]] && status=timeout
    echo "$(tail -1 "$dir/.time") $status"
}

# The normal articles alone, once.
cp -r "$work/base" "$work/ref"
read -r _ _ ref_status <<<"$(run "$work/ref")"
if [[ $ref_status != 0 ]]; then
    echo "the build without adversarial input failed:" >&2
    cat "$work/ref/.stderr" >&2
    exit 1
fi
(cd "$work/ref/feeds" && find . -name rss.xml -o -name atom.xml -o -name feed.json | sort) >"$work/ref-feeds"

printf '| input | size | seconds | peak RSS | exit | normal feeds unchanged | target |\n'
printf '| --- | ---: | ---: | ---: | ---: | --- | --- |\n'
for input in "$work"/*.md "$work"/*.html; do
    name=$(basename "$input")
    dir="$work/run"
    rm -rf "$dir"
    cp -r "$work/base" "$dir"
    cp "$input" "$dir/content/$name"
    read -r seconds kb status <<<"$(run "$dir")"
    unchanged=yes
    while read -r feed; do
        if ! cmp -s "$work/ref/feeds/$feed" "$dir/feeds/$feed" 2>/dev/null; then
            unchanged=no
            break
        fi
    done <"$work/ref-feeds"
    mb=$(( (kb + 1023) / 1024 ))
    verdict=ok
    if [[ $status == timeout ]] || awk "BEGIN { exit !($seconds > 1.0) }" || (( mb > 200 )); then
        verdict=OVER
    fi
    size=$(stat -c %s "$input")
    human=$(awk -v s="$size" 'BEGIN { if (s >= 1048576) printf "%.1f MB", s/1048576; else printf "%.0f KB", s/1024 }')
    printf '| %s | %s | %s | %s MB | %s | %s | %s |\n' "${name%.*}" "$human" "$seconds" "$mb" "$status" "$unchanged" "$verdict"
    if [[ -n "${VERBOSE:-}" ]]; then
        head -c 600 "$dir/.stderr" | sed 's/^/    /'
    fi
done
