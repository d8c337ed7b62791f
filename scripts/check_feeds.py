#!/usr/bin/env python3
"""Check every feed feedsmith wrote with Python feedparser, an independent
consumer: no bozo (well-formed, no encoding trouble), the version we meant,
the entry counts `feedsmith topics` announces (capped at the feed limit),
unique ids, and the same ids in the RSS and Atom twin of each feed.

Usage: scripts/check_feeds.py FEEDS_DIR LIMIT TOPICS_TABLE
"""
import os
import sys

import feedparser


def expected_counts(table_path, limit):
    """slug -> expected entries, from the `feedsmith topics` table."""
    counts = {}
    with open(table_path, encoding="utf-8") as table:
        next(table)  # header
        for line in table:
            cells = line.split()
            # SLUG NAME... ARTICLES NEWEST URL...: the count precedes the date.
            urls = [c for c in cells if c.startswith(("http://", "https://"))]
            slug, articles = cells[0], int(cells[-len(urls) - 2])
            counts[slug] = min(articles, limit) if limit else articles
    return counts


def main():
    feeds_dir, limit, table_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    counts = expected_counts(table_path, limit)
    problems = []
    checked = 0
    for slug, expected in sorted(counts.items()):
        folder = feeds_dir if slug == "(all)" else os.path.join(feeds_dir, "topics", slug)
        ids = {}
        for name, version in (("rss.xml", "rss20"), ("atom.xml", "atom10")):
            path = os.path.join(folder, name)
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
        if ids.get("rss.xml") != ids.get("atom.xml"):
            problems.append(f"{folder}: RSS and Atom entries differ")
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = len({p.split(":")[0] for p in problems})
    print(f"feedparser {feedparser.__version__}: {checked} feeds checked, {len(problems)} problems")
    print(f"feedparser: {checked - failed} passed, {failed} failed")
    sys.exit(1 if problems or checked == 0 else 0)


if __name__ == "__main__":
    main()
