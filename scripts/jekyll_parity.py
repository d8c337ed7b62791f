#!/usr/bin/env python3
"""Compare feedsmith's jekyll-feed-compatible feeds with jekyll-feed's own.

    jekyll_parity.py compare JEKYLL_SITE FEEDSMITH_OUT   exit 1 on any difference
    jekyll_parity.py dump JEKYLL_SITE                    every feed's entries as TSV
    jekyll_parity.py selftest JEKYLL_SITE                prove compare fails on tampering
    jekyll_parity.py run FEEDSMITH_BINARY                the whole check on the fixture site

`run` copies tests/fixtures/jekyll-site to a scratch folder, builds it with
the real Jekyll (TZ=UTC, jekyll-feed from plugins), runs the selftest on that
`_site`, then builds it with feedsmith in site mode in both workflows: the
default `feeds/` in the site root, and `--out` into a copy of `_site` from
which jekyll-feed's files were removed (after checking that feedsmith refuses,
with exit 2, to write over them while they are still there); and once more
with drafts (`jekyll build --drafts` against `feedsmith build --drafts`). Each output is
compared with jekyll-feed's, and the W3C validator (scripts/w3c.sh) judges
feedsmith's feeds. Without `jekyll` it skips, saying so loudly; under CI=true
a missing `jekyll` fails.

JEKYLL_SITE is the `_site` folder a real `jekyll build` with jekyll-feed made;
FEEDSMITH_OUT is the folder feedsmith wrote its feeds to. Every Atom file
jekyll-feed wrote (found by its `<generator uri="https://jekyllrb.com/">`) must
exist at the same path under FEEDSMITH_OUT and hold the same entries: same
ids, links, titles (as a reader shows them), published and updated instants,
the links in the content (resolved, as a reader follows them: Liquid's `link`,
`post_url` and URL filters), in the same order and number. feedsmith must write no jekyll-feed path that
jekyll-feed did not write.
"""

import datetime
import html
import html.parser
import urllib.parse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
# Links only an `{% include %}` makes: feeds leave includes out (with a
# warning), so jekyll-feed's content has them and feedsmith's does not.
LEFT_OUT_BY_DESIGN = {"https://harbourlights.example/log/feed.xml"}
JEKYLL_GENERATOR = "https://jekyllrb.com/"


def instant(text, where):
    """An RFC 3339 timestamp as an aware UTC datetime (offsets may differ)."""
    if text is None:
        raise ValueError(f"{where}: missing")
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{where}: {text!r} has no offset")
    return parsed.astimezone(datetime.timezone.utc)


def shown_title(element):
    """The title a feed reader shows: HTML titles are unescaped once."""
    if element is None:
        return None
    text = "".join(element.itertext())
    if element.get("type") in ("html", "xhtml"):
        text = html.unescape(text)
    return text


def alternate_link(entry):
    for link in entry.findall(ATOM + "link"):
        if link.get("rel", "alternate") == "alternate":
            return link.get("href")
    return None


class _Links(html.parser.HTMLParser):
    """Every href and src of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def content_links(entry):
    """The links of an entry's content, absolute (against its xml:base or
    link): what a reader follows (a footnote's `#fn:1` is the page's)."""
    content = entry.find(ATOM + "content")
    if content is None:
        return []
    text = content.text or ""
    if content.get("type") == "xhtml":
        text = "".join(ET.tostring(child, encoding="unicode") for child in content)
    base = content.get("{http://www.w3.org/XML/1998/namespace}base") or alternate_link(entry) or ""
    parser = _Links()
    parser.feed(text)
    return sorted({urllib.parse.urljoin(base, link) for link in parser.found})


def entries(path):
    """Each entry of an Atom file as a dict of the compared fields."""
    root = ET.parse(path).getroot()
    if root.tag != ATOM + "feed":
        raise ValueError(f"{path}: not an Atom feed (root {root.tag})")
    found = []
    for index, entry in enumerate(root.findall(ATOM + "entry")):
        where = f"{path} entry {index + 1}"
        found.append(
            {
                "id": (entry.findtext(ATOM + "id") or "").strip(),
                "link": alternate_link(entry),
                "title": shown_title(entry.find(ATOM + "title")),
                "published": instant(entry.findtext(ATOM + "published"), where + " published"),
                "updated": instant(entry.findtext(ATOM + "updated"), where + " updated"),
                "links": content_links(entry),
            }
        )
    return found


def is_jekyll_feed(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return False
    generator = root.find(ATOM + "generator")
    return root.tag == ATOM + "feed" and generator is not None and generator.get("uri") == JEKYLL_GENERATOR


def jekyll_feed_files(site):
    """Paths (relative to site) of every Atom file jekyll-feed wrote."""
    found = []
    for folder, _dirs, files in os.walk(site):
        for name in files:
            if name.endswith(".xml"):
                path = os.path.join(folder, name)
                if is_jekyll_feed(path):
                    found.append(os.path.relpath(path, site))
    return sorted(found)


def feed_paths_under(out, relative_paths):
    """feedsmith files at jekyll-feed's places: feed.xml-like roots and feed/**."""
    roots = {p.split(os.sep)[0] for p in relative_paths}
    found = []
    for root in roots:
        path = os.path.join(out, root)
        if os.path.isfile(path):
            found.append(root)
        elif os.path.isdir(path):
            for folder, _dirs, files in os.walk(path):
                for name in files:
                    if name.endswith(".xml"):
                        found.append(os.path.relpath(os.path.join(folder, name), out))
    return sorted(found)


def compare(site, out):
    """Every difference between jekyll-feed's feeds and feedsmith's, as lines."""
    problems = []
    expected_files = jekyll_feed_files(site)
    if not expected_files:
        return [f"{site}: jekyll-feed wrote no feed (is jekyll-feed in plugins?)"]
    for extra in sorted(set(feed_paths_under(out, expected_files)) - set(expected_files)):
        problems.append(f"{extra}: feedsmith wrote it, jekyll-feed did not")
    for relative in expected_files:
        ours = os.path.join(out, relative)
        if not os.path.isfile(ours):
            problems.append(f"{relative}: missing from feedsmith's output {out}")
            continue
        try:
            want = entries(os.path.join(site, relative))
            got = entries(ours)
        except (ET.ParseError, ValueError) as error:
            problems.append(f"{relative}: {error}")
            continue
        if len(want) != len(got):
            problems.append(f"{relative}: {len(got)} entries, jekyll-feed has {len(want)}")
        want_ids = [e["id"] for e in want]
        got_ids = [e["id"] for e in got]
        if sorted(want_ids) == sorted(got_ids) and want_ids != got_ids:
            problems.append(f"{relative}: same entries in another order: {got_ids} != {want_ids}")
        for index in range(max(len(want), len(got))):
            if index >= len(want):
                problems.append(f"{relative} entry {index + 1}: extra {got[index]['id']}")
                continue
            if index >= len(got):
                problems.append(f"{relative} entry {index + 1}: missing {want[index]['id']}")
                continue
            want_links = set(want[index]["links"]) - LEFT_OUT_BY_DESIGN
            if set(got[index]["links"]) - LEFT_OUT_BY_DESIGN != want_links:
                problems.append(
                    f"{relative} entry {index + 1} ({want[index]['id']}): links "
                    f"{sorted(got[index]['links'])} != jekyll-feed's {sorted(want_links)}"
                )
            for field in ("id", "link", "title", "published", "updated"):
                if want[index][field] != got[index][field]:
                    problems.append(
                        f"{relative} entry {index + 1} ({want[index]['id']}): {field} "
                        f"{got[index][field]!s} != jekyll-feed's {want[index][field]!s}"
                    )
    return problems


def utc_text(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def table(site):
    """jekyll-feed's entries as TSV lines: feed, position, id, link, published, updated, title."""
    lines = ["# feed\tposition\tid\tlink\tpublished\tupdated\ttitle (as a reader shows it)"]
    for relative in jekyll_feed_files(site):
        for index, entry in enumerate(entries(os.path.join(site, relative))):
            fields = [relative, str(index + 1), entry["id"], entry["link"] or "",
                      utc_text(entry["published"]), utc_text(entry["updated"]), entry["title"] or ""]
            lines.append("\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields))
    return "\n".join(lines) + "\n"


def dump(site):
    sys.stdout.write(table(site))


def tamper(path, old, new, count=1):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if old not in text:
        raise SystemExit(f"selftest: {old!r} not in {path}")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old, new, count))


def selftest(site):
    """compare passes on an identical copy and fails on each kind of change."""
    main = "feed.xml"
    if main not in jekyll_feed_files(site):
        raise SystemExit(f"selftest: {site} has no jekyll-feed feed.xml")
    if compare(site, site):
        raise SystemExit("selftest: compare of a site with itself found differences")
    first = entries(os.path.join(site, main))[0]
    with open(os.path.join(site, main), encoding="utf-8") as handle:
        text = handle.read()
    entry_start = text.index("<entry")
    updated_start = text.index("<updated>", entry_start) + len("<updated>")
    updated = text[updated_start : text.index("</updated>", updated_start)]

    def drop_last(path):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        start = text.rindex("<entry")
        end = text.index("</entry>", start) + len("</entry>")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text[:start] + text[end:])

    def swap_first_two(path):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        a = text.index("<entry")
        b = text.index("<entry", a + 1)
        c = text.index("</entry>", b) + len("</entry>")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text[:a] + text[b:c] + text[a:b] + text[c:])

    published = first["published"].strftime("%Y-%m-%d")
    cases = {
        "id": lambda p: tamper(p, f"<id>{first['id']}</id>", f"<id>{first['id']}x</id>"),
        "link": lambda p: tamper(p, f'href="{first["link"]}"', f'href="{first["link"]}#x"'),
        "title": lambda p: tamper(p, '<title type="html">', '<title type="html">x', 2),
        "published": lambda p: tamper(p, f"<published>{published}", "<published>1999-01-01"),
        "updated": lambda p: tamper(p, f"<updated>{updated}</updated><id>", "<updated>1999-01-01T00:00:00Z</updated><id>"),
        "content links": lambda p: tamper(p, 'reefing-early.html"', 'reefing-late.html"'),
        "count": drop_last,
        "order": swap_first_two,
        "missing file": os.remove,
    }
    expected = {
        "id": "): id ",
        "link": "): link ",
        "title": "): title ",
        "published": "): published ",
        "updated": "): updated ",
        "content links": "): links ",
        "count": " entries, jekyll-feed has ",
        "order": "another order",
        "missing file": "missing from feedsmith",
    }
    failures = []
    for name, change in cases.items():
        with tempfile.TemporaryDirectory() as scratch:
            copy = os.path.join(scratch, "out")
            shutil.copytree(site, copy)
            change(os.path.join(copy, main))
            problems = compare(site, copy)
            caught = [p for p in problems if expected[name] in p]
            if not caught:
                failures.append(name)
            else:
                print(f"selftest: {name}: caught ({caught[0][:120]})")
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "out")
        shutil.copytree(site, copy)
        shutil.copy(os.path.join(copy, main), os.path.join(copy, "feed", "extra.xml"))
        if not compare(site, copy):
            failures.append("extra file")
        else:
            print("selftest: extra file: caught")
    if failures:
        raise SystemExit(f"selftest: compare missed: {', '.join(failures)}")
    print("selftest: compare caught every tampering")


FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "jekyll-site")
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "jekyll-feed-entries.tsv")
SITE_URL = "https://harbourlights.example/log"


def step(title):
    print(f"jekyll parity: == {title}", flush=True)


def run_command(command, **options):
    """Run a command, echoing it; the CompletedProcess (output captured)."""
    print("jekyll parity: $ " + " ".join(command), flush=True)
    return subprocess.run(command, capture_output=True, text=True, check=False, **options)


def show(result):
    for stream in (result.stdout, result.stderr):
        if stream.strip():
            print(stream.rstrip())


def run(feedsmith):
    """The whole parity check on the fixture; a process exit status."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        banner = "*" * 72
        print(f"{banner}\njekyll parity: SKIPPED: `jekyll` is not installed, so feedsmith's\n"
              f"jekyll-feed feeds were NOT compared with the real jekyll-feed's.\n"
              f"Install Debian's `jekyll ruby-jekyll-feed` (as .ci/run does) to run it.\n{banner}")
        return 1 if os.environ.get("CI") == "true" else 0
    feedsmith = os.path.abspath(feedsmith)
    failures = []
    with tempfile.TemporaryDirectory(prefix="jekyll-parity-") as scratch:
        site = os.path.join(scratch, "site")
        shutil.copytree(FIXTURE, site)
        jekyll_out = os.path.join(site, "_site")

        step("real Jekyll + jekyll-feed on tests/fixtures/jekyll-site")
        started = time.monotonic()
        env = dict(os.environ, TZ="UTC", JEKYLL_ENV="production")
        result = run_command([jekyll, "build", "--source", site, "--destination", jekyll_out], env=env)
        if result.returncode != 0:
            show(result)
            print("jekyll parity: jekyll build failed", file=sys.stderr)
            return 1
        # The drafts build too, before feedsmith's feeds/ is there to be copied.
        drafts_site = os.path.join(scratch, "drafts-site")
        result = run_command([jekyll, "build", "--drafts", "--source", site, "--destination", drafts_site], env=env)
        drafts_built = result.returncode == 0
        if not drafts_built:
            show(result)
            failures.append("jekyll build --drafts failed")
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        print(f"jekyll parity: both jekyll builds took {time.monotonic() - started:.1f} s")
        jekyll_feeds = jekyll_feed_files(jekyll_out)
        print(f"jekyll parity: jekyll-feed wrote {len(jekyll_feeds)} feeds: {', '.join(jekyll_feeds)}")

        step("tests/fixtures/jekyll-feed-entries.tsv is what jekyll-feed wrote")
        with open(GOLDEN, encoding="utf-8") as handle:
            committed = handle.read()
        if committed != table(jekyll_out):
            failures.append(
                "tests/fixtures/jekyll-feed-entries.tsv differs from jekyll-feed's feeds: "
                "regenerate it with `scripts/jekyll_parity.py dump _site` after a jekyll build of the fixture"
            )
        else:
            print("jekyll parity: the committed entries table matches the real jekyll-feed")

        step("selftest: the comparison catches every kind of difference")
        selftest(jekyll_out)

        # Jekyll's build time is feedsmith's now, so future posts agree.
        now_arg = ["--now", now.isoformat().replace("+00:00", "Z")]

        step("feedsmith site mode, default out folder feeds/")
        result = run_command([feedsmith, "build", site] + now_arg)
        show(result)
        if result.returncode != 0:
            failures.append(f"feedsmith build {site} exited {result.returncode}")
        default_out = os.path.join(site, "feeds")
        if os.path.isdir(default_out):
            problems = compare(jekyll_out, default_out)
            report(problems, "feeds/", failures)
            w3c(default_out, SITE_URL + "/feeds/", failures)
        else:
            failures.append(f"feedsmith wrote no {default_out}")

        step("feedsmith refuses to write over jekyll-feed's own files (exit 2)")
        stale = os.path.join(scratch, "stale-site")
        shutil.copytree(jekyll_out, stale)
        result = run_command([feedsmith, "build", site, "--out", stale] + now_arg)
        show(result)
        if result.returncode != 2:
            failures.append(f"--out into a _site holding jekyll-feed's files exited {result.returncode}, not 2")
        elif not any(name in result.stderr for name in jekyll_feeds) or "plugins" not in result.stderr:
            failures.append("exit 2 without naming jekyll-feed's file and saying to remove it from plugins")

        step("feedsmith site mode, --out into a copy of _site without jekyll-feed's files")
        # Named `_site`, as in the README's workflow: published at the root.
        published = os.path.join(scratch, "published", "_site")
        shutil.copytree(jekyll_out, published)
        for relative in jekyll_feeds:
            os.remove(os.path.join(published, relative))
        result = run_command([feedsmith, "build", site, "--out", published] + now_arg)
        show(result)
        if result.returncode != 0:
            failures.append(f"feedsmith build {site} --out {published} exited {result.returncode}")
        problems = compare(jekyll_out, published)
        report(problems, "--out _site", failures)
        w3c(published, SITE_URL + "/", failures)

        step("with drafts: jekyll build --drafts against feedsmith build --drafts")
        if drafts_built:
            drafts_out = os.path.join(scratch, "drafts-feeds")
            result = run_command([feedsmith, "build", site, "--drafts", "--out", drafts_out] + now_arg)
            show(result)
            if result.returncode != 0:
                failures.append(f"feedsmith build {site} --drafts exited {result.returncode}")
            report(compare(drafts_site, drafts_out), "--drafts", failures)
    print(f"jekyll parity: the whole check took {time.monotonic() - started:.1f} s")
    if failures:
        for failure in failures:
            print(f"jekyll parity: FAILED: {failure}", file=sys.stderr)
        return 1
    print("jekyll parity: feedsmith's jekyll-feed feeds match jekyll-feed's in both workflows")
    return 0


def report(problems, workflow, failures):
    for problem in problems:
        print(f"jekyll parity: [{workflow}] {problem}", file=sys.stderr)
    if problems:
        failures.append(f"{workflow}: {len(problems)} difference(s) from jekyll-feed")
    else:
        print(f"jekyll parity: [{workflow}] every jekyll-feed feed matches")


def w3c(folder, base_url, failures):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "w3c.sh")
    result = run_command([script, folder, base_url])
    show(result)
    if result.returncode != 0:
        failures.append(f"W3C validator on {folder}")


def main(argv):
    if len(argv) == 4 and argv[1] == "compare":
        problems = compare(argv[2], argv[3])
        for problem in problems:
            print(f"jekyll parity: {problem}", file=sys.stderr)
        if problems:
            print(f"jekyll parity: {len(problems)} difference(s)", file=sys.stderr)
            return 1
        print(f"jekyll parity: {len(jekyll_feed_files(argv[2]))} feeds match jekyll-feed's")
        return 0
    if len(argv) == 3 and argv[1] == "dump":
        dump(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "run":
        return run(argv[2])
    if len(argv) == 3 and argv[1] == "selftest":
        selftest(argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
