#!/usr/bin/env python3
"""Check every page feedsmith wrote (index.html and each feed's
<folder>/index.html): HTML5 without a single parse error (html5lib, strict),
no script, no style sheet, font or frame from anywhere but the out folder,
every relative link and image resolving to a file of the out folder, and
images from other hosts only as lazy thumbnails without a referrer; with
--every-feed, every folder holding a feed holds its page.

Usage: scripts/check_pages.py FEEDS_DIR [--every-feed]
"""
import os
import sys
from urllib.parse import urlsplit

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"


def relative_target(page, href):
    """The file a relative link of `page` names, or None for an absolute
    URL or an in-page anchor."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = os.path.normpath(os.path.join(os.path.dirname(page), parts.path))
    if parts.path.endswith("/"):
        target = os.path.join(target, "index.html")
    return target


def check(feeds_dir, page, problems):
    with open(page, "rb") as f:
        raw = f.read()
    name = os.path.relpath(page, feeds_dir)
    try:
        tree = html5lib.HTMLParser(strict=True).parse(raw)
    except html5lib.html5parser.ParseError as error:
        problems.append(f"{name}: HTML5 parse error: {error}")
        return
    root = os.path.realpath(feeds_dir)
    for element in tree.iter():
        tag = element.tag.replace(NS, "") if isinstance(element.tag, str) else ""
        if tag in ("script", "iframe", "object", "embed", "frame"):
            problems.append(f"{name}: <{tag}>")
        if any(a.lower().startswith("on") for a in element.attrib):
            problems.append(f"{name}: event handler on <{tag}>")
        if tag == "style" and ("@import" in (element.text or "") or "url(" in (element.text or "")):
            problems.append(f"{name}: the built-in style loads something")
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is None:
                continue
            if value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"{name}: {attribute}={value!r}")
                continue
            target = relative_target(page, value)
            external = target is None and not value.startswith("#")
            if tag == "link" and element.get("rel") == "stylesheet" and external:
                problems.append(f"{name}: external style sheet {value}")
            if tag == "img" and external:
                if "logo" not in (element.get("class") or "") and (
                    element.get("loading") != "lazy" or element.get("referrerpolicy") != "no-referrer"
                ):
                    problems.append(f"{name}: image from another host not lazy/no-referrer: {value}")
            if target is not None:
                if not os.path.realpath(target).startswith(root + os.sep):
                    problems.append(f"{name}: link out of the out folder: {value}")
                elif not os.path.isfile(target):
                    problems.append(f"{name}: broken link: {value}")


def main():
    feeds_dir = sys.argv[1]
    every_feed = "--every-feed" in sys.argv[2:]
    problems = []
    pages = []
    for folder, dirs, files in os.walk(feeds_dir):
        dirs.sort()
        if "index.html" in files:
            pages.append(os.path.join(folder, "index.html"))
        elif every_feed and {"rss.xml", "atom.xml", "feed.json"} & set(files):
            problems.append(f"{os.path.relpath(folder, feeds_dir)}: a feed without its page")
    for page in pages:
        check(feeds_dir, page, problems)
    if not pages:
        problems.append(f"{feeds_dir}: no pages")
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = len({p.split(":")[0] for p in problems})
    print(f"html5lib {html5lib.__version__}: {len(pages)} pages checked, {len(problems)} problems")
    print(f"pages: {len(pages) - failed} passed, {failed} failed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
