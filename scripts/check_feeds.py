#!/usr/bin/env python3
"""Check every feed feedsmith wrote with Python feedparser, an independent
consumer: no bozo (well-formed, no encoding trouble), the version we meant,
the entry count `--report json` announces for every feed (after limit and
max_bytes), unique ids, and the same ids in every format a feed is written
in. Also: index.html parses as HTML5 without a single parse error
(html5lib, strict), and index.opml has one outline per feed.

Usage: scripts/check_feeds.py FEEDS_DIR REPORT_JSON
  (REPORT_JSON: the output of `feedsmith build --dry-run --report json`)
"""
import json
import os
import sys
import xml.etree.ElementTree as ElementTree

import feedparser
import html5lib


def expected_counts(report_path):
    """folder -> expected entries, from `--report json`."""
    with open(report_path, encoding="utf-8") as report:
        feeds = json.load(report)["feeds"]
    return {feed["path"]: feed["entries"] for feed in feeds}


def main():
    feeds_dir, report_path = sys.argv[1], sys.argv[2]
    counts = expected_counts(report_path)
    problems = []
    checked = 0
    for slug, expected in sorted(counts.items()):
        folder = os.path.join(feeds_dir, slug)
        ids = {}
        for name, version in (("rss.xml", "rss20"), ("atom.xml", "atom10")):
            path = os.path.join(folder, name)
            if not os.path.exists(path):
                continue  # a format the feed is not written in
            feed = feedparser.parse(path)
            checked += 1
            if feed.bozo:
                problems.append(f"{path}: bozo: {feed.bozo_exception}")
            if feed.version != version:
                problems.append(f"{path}: version {feed.version!r}, expected {version}")
            entry_ids = [e.get("id") for e in feed.entries]
            if len(entry_ids) != expected:
                problems.append(f"{path}: {len(entry_ids)} entries, expected {expected}")
            if len(set(entry_ids)) != len(entry_ids) or None in entry_ids:
                problems.append(f"{path}: missing or repeated entry ids")
            for entry in feed.entries:
                if not entry.get("link", "").startswith(("http://", "https://")):
                    problems.append(f"{path}: entry {entry.get('id')} has no absolute link")
            ids[name] = entry_ids
        json_path = os.path.join(folder, "feed.json")
        if os.path.exists(json_path):
            with open(json_path, encoding="utf-8") as f:
                json_feed = json.load(f)
            checked += 1
            if json_feed.get("version") != "https://jsonfeed.org/version/1.1":
                problems.append(f"{json_path}: not JSON Feed 1.1")
            ids["feed.json"] = [item.get("id") for item in json_feed.get("items", [])]
            if len(ids["feed.json"]) != expected:
                problems.append(f"{json_path}: {len(ids['feed.json'])} entries, expected {expected}")
        if not ids:
            problems.append(f"{folder}: no feed file")
        if len({tuple(v) for v in ids.values()}) > 1:
            problems.append(f"{folder}: its formats hold different entries")
    with open(os.path.join(feeds_dir, "index.html"), "rb") as page:
        try:
            html5lib.HTMLParser(strict=True).parse(page)
        except html5lib.html5parser.ParseError as error:
            problems.append(f"index.html: HTML5 parse error: {error}")
    checked += 1
    outlines = ElementTree.parse(os.path.join(feeds_dir, "index.opml")).getroot().iter("outline")
    subscribed = [o for o in outlines if o.get("xmlUrl")]
    checked += 1
    if len(subscribed) != len(counts):
        problems.append(f"index.opml: {len(subscribed)} feed outlines, expected {len(counts)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = len({p.split(":")[0] for p in problems})
    print(f"feedparser {feedparser.__version__}: {checked} files checked, {len(problems)} problems")
    print(f"feedparser: {checked - failed} passed, {failed} failed")
    sys.exit(1 if problems or checked == 0 else 0)


if __name__ == "__main__":
    main()
