#!/usr/bin/env python3
"""Compare feedsmith's jekyll-feed-compatible feeds with jekyll-feed's own.

    jekyll_parity.py compare JEKYLL_SITE FEEDSMITH_OUT   exit 1 on any difference
    jekyll_parity.py dump JEKYLL_SITE                    print every feed's entries
    jekyll_parity.py selftest JEKYLL_SITE                prove compare fails on tampering

JEKYLL_SITE is the `_site` folder a real `jekyll build` with jekyll-feed made;
FEEDSMITH_OUT is the folder feedsmith wrote its feeds to. Every Atom file
jekyll-feed wrote (found by its `<generator uri="https://jekyllrb.com/">`) must
exist at the same path under FEEDSMITH_OUT and hold the same entries: same
ids, links, titles (as a reader shows them), published and updated instants,
in the same order and number. feedsmith must write no jekyll-feed path that
jekyll-feed did not write.
"""

import datetime
import html
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
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
            for field in ("id", "link", "title", "published", "updated"):
                if want[index][field] != got[index][field]:
                    problems.append(
                        f"{relative} entry {index + 1} ({want[index]['id']}): {field} "
                        f"{got[index][field]!s} != jekyll-feed's {want[index][field]!s}"
                    )
    return problems


def dump(site):
    for relative in jekyll_feed_files(site):
        found = entries(os.path.join(site, relative))
        print(f"## {relative} ({len(found)} entries)")
        for index, entry in enumerate(found):
            print(
                f"{index + 1}. id={entry['id']} link={entry['link']} "
                f"published={entry['published'].isoformat()} updated={entry['updated'].isoformat()} "
                f"title={entry['title']!r}"
            )


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
    if len(argv) == 3 and argv[1] == "selftest":
        selftest(argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
