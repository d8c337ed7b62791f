//! Feed pages: `<feed folder>/index.html` for every feed, the root
//! `index.html` as the overall feed's page, `pages: false`, `page_css`,
//! escaping, thumbnails, serving a feed's folder. Pages are parsed with
//! html5ever (the parser browsers follow), feeds with feed-rs.

mod common;

use common::*;
use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use std::collections::BTreeMap;
use std::path::Path;

const CONFIG: &str = "title: Pages & Co\ndescription: Feeds with pages\nbase_url: https://x.example/feeds/\nsite_url: https://x.example/\nlogo: /logo.png\nlimit: 3\nfeeds:\n  - path: videos\n    title: Videos\n    filter: {type: video}\n";

/// A site with topics (one under a parent), a videos feed, thumbnails with
/// and without a size, providers, and more articles than `limit`.
fn site(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "feedsmith.yaml", config);
    write(
        dir.path(),
        "content/_data/topics/rust.yaml",
        "_id: rust\nname: Rust\nparent: Languages\n",
    );
    write(
        dir.path(),
        "content/_data/topics/languages.yaml",
        "_id: languages\nname: Languages\n",
    );
    for (n, (kind, topics)) in [
        ("article", "[Rust]"),
        ("video", "[Rust]"),
        ("article", "[Languages]"),
        ("video", "[Languages, Rust]"),
        ("article", "[Rust]"),
    ]
    .iter()
    .enumerate()
    {
        let image = match n {
            0 => "images:\n  - url: https://img.example/a0.jpg\n    width: 640\n    height: 360\n",
            1 => "images:\n  - url: https://img.example/a1.jpg\n",
            _ => "",
        };
        write(
            dir.path(),
            &format!("content/a{n}.md"),
            &format!(
                "---\ntitle: \"Article {n}\"\nexcerpt: \"Summary {n}\"\npublishedDateTime: 2024-01-0{}T10:00:00Z\noriginalUrl: \"https://e.example/a{n}\"\ntype: {kind}\ntopics: {topics}\nprovider:\n  name: Provider {n}\n  domain: p{n}.example\n{image}---\n",
                n + 1
            ),
        );
    }
    dir
}

fn build(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--now", NOW, "-q"];
    args.extend_from_slice(extra);
    feedsmith(dir, &args)
}

/// Parse a page; every HTML5 parse error fails the test.
fn parse(path: &Path) -> Handle {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dom = html5ever::parse_document(RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut &bytes[..])
        .unwrap();
    let errors = dom.errors.borrow();
    assert!(
        errors.is_empty(),
        "{}: HTML5 parse errors: {errors:?}",
        path.display()
    );
    dom.document.clone()
}

/// An element: its name, attributes and text.
#[derive(Debug, Clone)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    /// Names and classes of its ancestors, innermost first (`h3`, `li`,
    /// `ol.entries`, …).
    path: Vec<String>,
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
    fn inside(&self, what: &str) -> bool {
        self.path.iter().any(|p| p == what)
    }
}

fn elements(node: &Handle) -> Vec<El> {
    let mut out = Vec::new();
    walk(node, &mut Vec::new(), &mut out);
    out
}

fn text_of(node: &Handle) -> String {
    let mut text = String::new();
    for child in node.children.borrow().iter() {
        match &child.data {
            NodeData::Text { contents } => text.push_str(&contents.borrow()),
            NodeData::Element { .. } => text.push_str(&text_of(child)),
            _ => {}
        }
    }
    text
}

fn walk(node: &Handle, path: &mut Vec<String>, out: &mut Vec<El>) {
    let mut pushed = 0;
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let attrs: BTreeMap<String, String> = attrs
            .borrow()
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect();
        let tag = name.local.to_string();
        out.push(El {
            name: tag.clone(),
            text: text_of(node),
            path: path.iter().rev().cloned().collect(),
            attrs: attrs.clone(),
        });
        path.push(tag.clone());
        pushed += 1;
        if let Some(class) = attrs.get("class") {
            path.push(format!("{tag}.{class}"));
            pushed += 1;
        }
        if let Some(id) = attrs.get("id") {
            path.push(format!("{tag}#{id}"));
            pushed += 1;
        }
    }
    for child in node.children.borrow().iter() {
        walk(child, path, out);
    }
    path.truncate(path.len() - pushed);
}

/// The article links a page lists as entries, in order.
fn entry_links(page: &[El]) -> Vec<String> {
    page.iter()
        .filter(|e| e.name == "a" && e.inside("h3") && e.inside("ol.entries"))
        .map(|e| e.attr("href").unwrap_or_default().to_owned())
        .collect()
}

fn feed_links(path: &Path) -> Vec<String> {
    parse_feed(path)
        .entries
        .iter()
        .map(|e| e.links[0].href.clone())
        .collect()
}

/// Folders of the out folder holding a feed, relative (`""`, `topics/rust/`).
fn feed_dirs(out: &Path) -> Vec<String> {
    feed_files(out)
        .iter()
        .filter(|f| f.ends_with("atom.xml"))
        .map(|f| f.trim_end_matches("atom.xml").to_owned())
        .collect()
}

#[test]
fn every_feed_has_a_page_with_exactly_its_entries() {
    let dir = site(CONFIG);
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = dir.path().join("feeds");
    let dirs = feed_dirs(&out);
    assert!(dirs.contains(&"videos/".to_owned()), "{dirs:?}");
    assert!(dirs.contains(&"topics/rust/".to_owned()), "{dirs:?}");
    for feed_dir in &dirs {
        let page = parse(&out.join(feed_dir).join("index.html"));
        let page = elements(&page);
        let expected = feed_links(&out.join(feed_dir).join("atom.xml"));
        assert!(!expected.is_empty(), "{feed_dir}");
        assert_eq!(entry_links(&page), expected, "{feed_dir}index.html");
        // Subscribe: a visible link and an autodiscovery tag per format.
        for (file, media_type) in [
            ("rss.xml", "application/rss+xml"),
            ("atom.xml", "application/atom+xml"),
            ("feed.json", "application/feed+json"),
        ] {
            let absolute = format!("https://x.example/feeds/{feed_dir}{file}");
            assert!(
                page.iter().any(|e| e.name == "link"
                    && e.inside("head")
                    && e.attr("rel") == Some("alternate")
                    && e.attr("type") == Some(media_type)
                    && e.attr("href") == Some(absolute.as_str())),
                "{feed_dir}: no autodiscovery tag for {file}"
            );
            // Relative: the feeds are beside their page.
            assert!(
                page.iter()
                    .any(|e| e.name == "a" && e.inside("body") && e.attr("href") == Some(file)),
                "{feed_dir}: no link to {file}"
            );
        }
    }
    // The root index: a link to every feed's page, then the overall
    // feed's newest entries.
    let root = elements(&parse(&out.join("index.html")));
    for feed_dir in dirs.iter().filter(|d| !d.is_empty()) {
        let href = format!("{feed_dir}index.html");
        assert!(
            root.iter()
                .any(|e| e.name == "a" && e.attr("href") == Some(href.as_str())),
            "index.html does not link to {href}"
        );
    }
    assert!(root.iter().any(|e| e.attr("id") == Some("newest")));
    // A topic page links back to the root index and to its parent's page.
    let rust = elements(&parse(&out.join("topics/rust/index.html")));
    for href in ["../../index.html", "../../topics/languages/index.html"] {
        assert!(
            rust.iter()
                .any(|e| e.name == "a" && e.attr("href") == Some(href)),
            "topics/rust/index.html lacks a link to {href}"
        );
    }
}

#[test]
fn entries_show_date_provider_summary_and_sized_lazy_thumbnails() {
    let dir = site(CONFIG);
    assert_eq!(build(dir.path(), &[]).status, 0);
    let out = dir.path().join("feeds");
    let page = elements(&parse(&out.join("topics/rust/index.html")));
    let items: Vec<&El> = page
        .iter()
        .filter(|e| e.name == "li" && e.inside("ol.entries"))
        .collect();
    assert_eq!(items.len(), 3, "limit 3");
    // Newest first: a4, a3, a1.
    assert!(items[0].text.contains("Article 4"), "{:?}", items[0].text);
    assert!(items[0].text.contains("2024-01-05"));
    assert!(items[0].text.contains("Provider 4"));
    assert!(items[0].text.contains("Summary 4"));
    let times: Vec<&El> = page.iter().filter(|e| e.name == "time").collect();
    assert_eq!(times[0].attr("datetime"), Some("2024-01-05T10:00:00+00:00"));
    let images: Vec<&El> = page
        .iter()
        .filter(|e| e.name == "img" && e.inside("ol.entries"))
        .collect();
    assert_eq!(
        images.len(),
        1,
        "only a1 has a thumbnail among the 3 newest"
    );
    let thumb = images[0];
    assert_eq!(thumb.attr("src"), Some("https://img.example/a1.jpg"));
    assert_eq!(thumb.attr("width"), None, "no size given, none made up");
    assert_eq!(thumb.attr("loading"), Some("lazy"));
    assert_eq!(thumb.attr("referrerpolicy"), Some("no-referrer"));
    assert_eq!(thumb.attr("alt"), Some(""));
    // The sized one, in the languages page? a0 is only in Rust: look in the
    // overall list instead, which holds a4, a3, a2 — so build without limit.
    let dir = site(&CONFIG.replace("limit: 3", "limit: 0"));
    assert_eq!(build(dir.path(), &[]).status, 0);
    let page = elements(&parse(&dir.path().join("feeds/topics/rust/index.html")));
    let sized = page
        .iter()
        .find(|e| e.name == "img" && e.attr("src") == Some("https://img.example/a0.jpg"))
        .expect("a0's thumbnail");
    assert_eq!(sized.attr("width"), Some("640"));
    assert_eq!(sized.attr("height"), Some("360"));
    // The logo heads every page.
    assert!(page.iter().any(|e| e.name == "img"
        && e.inside("header")
        && e.attr("src") == Some("https://x.example/logo.png")));
}

#[test]
fn relative_links_resolve_and_nothing_is_scripted_or_styled_from_elsewhere() {
    let dir = site(&format!("{CONFIG}page_css: theme.css\n"));
    write(dir.path(), "theme.css", "body { color: teal; }\n");
    assert_eq!(build(dir.path(), &["--precompress"]).status, 0);
    let out = dir.path().join("feeds");
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .collect();
    assert_eq!(pages.len(), 4, "{pages:?}");
    for page in &pages {
        let raw = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(!raw.to_ascii_lowercase().contains("<script"), "{page}");
        let folder = Path::new(page).parent().unwrap_or(Path::new(""));
        for e in elements(&parse(&out.join(page))) {
            for attribute in ["href", "src"] {
                let Some(value) = e.attr(attribute) else {
                    continue;
                };
                if value.starts_with('#') {
                    continue;
                }
                if value.contains("://") {
                    assert!(value.starts_with("https://"), "{page}: {value}");
                    assert!(
                        e.name == "a" || e.name == "img" || e.attr("rel") == Some("alternate"),
                        "{page}: <{}> loads {value} from elsewhere",
                        e.name
                    );
                    continue;
                }
                let target = out.join(folder).join(value);
                assert!(target.is_file(), "{page}: broken link {value}");
            }
        }
        // Every page and page.css has its `.gz` twin.
        assert!(out.join(format!("{page}.gz")).is_file(), "{page}.gz");
    }
    assert!(out.join("page.css.gz").is_file());
}

#[test]
fn page_css_is_copied_once_and_linked_after_the_built_in_style() {
    let css = "/* site theme */ body { font-family: serif; }\n";
    let dir = site(&format!("{CONFIG}page_css: style/theme.css\n"));
    write(dir.path(), "style/theme.css", css);
    // Run from elsewhere: the path is relative to the config's folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsmith.yaml");
    let content = dir.path().join("content");
    let out = dir.path().join("out");
    let run = feedsmith(
        elsewhere.path(),
        &[
            "build",
            "--now",
            NOW,
            "-q",
            "--config",
            config.to_str().unwrap(),
            "--content",
            content.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(out.join("page.css")).unwrap(), css);
    let css_files: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".css"))
        .collect();
    assert_eq!(css_files, ["page.css"]);
    for (page, href) in [
        ("index.html", "page.css"),
        ("videos/index.html", "../page.css"),
        ("topics/rust/index.html", "../../page.css"),
    ] {
        let raw = std::fs::read_to_string(out.join(page)).unwrap();
        let link = format!("<link rel=\"stylesheet\" href=\"{href}\">");
        let at = raw.find(&link).unwrap_or_else(|| panic!("{page}: {link}"));
        assert!(
            raw.find("</style>").unwrap() < at,
            "{page}: after the style"
        );
        assert!(at < raw.find("</head>").unwrap());
    }
    // Without page_css: no page.css, no link.
    let plain = site(CONFIG);
    assert_eq!(build(plain.path(), &[]).status, 0);
    assert!(!plain.path().join("feeds/page.css").exists());
    let raw = std::fs::read_to_string(plain.path().join("feeds/index.html")).unwrap();
    assert!(!raw.contains("stylesheet"));
}

#[test]
fn a_missing_or_unusable_page_css_is_an_error_and_nothing_is_written() {
    let dir = site(&format!("{CONFIG}page_css: nope.css\n"));
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(
        &run,
        "nope.css: error[bad-page-css]: config `page_css`: no such file",
    );
    assert!(files(&dir.path().join("feeds")).is_empty());
    // A folder, and a file over the limit.
    std::fs::create_dir(dir.path().join("nope.css")).unwrap();
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert_stderr_contains(
        &run,
        "config `page_css`: cannot read it: not a regular file",
    );
    std::fs::remove_dir(dir.path().join("nope.css")).unwrap();
    std::fs::write(dir.path().join("nope.css"), vec![b' '; (1 << 20) + 1]).unwrap();
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert_stderr_contains(&run, "larger than 1048576 bytes");
    // `check` finds it too.
    let run = feedsmith(dir.path(), &["check", "-q"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_stderr_contains(&run, "config `page_css`");
}

#[test]
fn pages_false_writes_no_feed_pages_and_a_plain_index() {
    let dir = site(CONFIG);
    assert_eq!(build(dir.path(), &[]).status, 0);
    let out = dir.path().join("feeds");
    let with_pages = files(&out);
    assert!(with_pages.contains(&"topics/rust/index.html".to_owned()));
    // Turned off on the same out folder: the pages are pruned.
    write(
        dir.path(),
        "feedsmith.yaml",
        &format!("{CONFIG}pages: false\n"),
    );
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let without: Vec<String> = files(&out);
    let expected: Vec<String> = with_pages
        .iter()
        .filter(|f| *f == "index.html" || !f.ends_with("index.html"))
        .cloned()
        .collect();
    assert_eq!(without, expected);
    let root = elements(&parse(&out.join("index.html")));
    assert!(!root.iter().any(|e| e.attr("id") == Some("newest")));
    assert!(!root.iter().any(|e| e.name == "img"), "no logo either");
    assert!(!root
        .iter()
        .any(|e| e.attr("href").is_some_and(|h| h.ends_with("index.html"))));
    // The feed list is still there.
    assert!(root
        .iter()
        .any(|e| e.attr("href") == Some("topics/rust/atom.xml")));
}

#[test]
fn without_the_overall_feed_the_index_lists_feeds_and_no_entries() {
    let dir = site(&format!("{CONFIG}overall_feed: false\n"));
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = dir.path().join("feeds");
    assert!(!out.join("atom.xml").exists());
    let root = elements(&parse(&out.join("index.html")));
    assert!(!root.iter().any(|e| e.attr("id") == Some("newest")));
    assert!(root
        .iter()
        .any(|e| e.attr("href") == Some("topics/rust/index.html")));
    assert!(out.join("topics/rust/index.html").is_file());
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let dir = site(CONFIG);
    let title = "</h3><script>alert(1)</script> & \"q\" <b>bold</b>";
    let summary = "<img src=x onerror=alert(2)> ]]> &amp; <!-- c -->";
    let provider = "\"><script>alert(3)</script>";
    write(
        dir.path(),
        "content/evil.md",
        &format!(
            "---\ntitle: '{title}'\nexcerpt: '{summary}'\npublishedDateTime: 2024-02-01T10:00:00Z\noriginalUrl: \"https://e.example/evil?a=1&b=\\\"2\\\"\"\ntopics: ['<Topic & \"x\">', Rust]\nprovider:\n  name: '{provider}'\n---\n"
        ),
    );
    write(
        dir.path(),
        "feedsmith.yaml",
        &CONFIG.replace("title: Pages & Co", "title: '</title><script>x</script>'"),
    );
    let run = build(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = dir.path().join("feeds");
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .collect();
    let mut seen = 0;
    for page in &pages {
        let raw = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(!raw.contains("<script"), "{page}:\n{raw}");
        assert!(!raw.contains("<img src=x"), "{page}");
        let page_elements = elements(&parse(&out.join(page)));
        if let Some(heading) = page_elements
            .iter()
            .find(|e| e.name == "a" && e.inside("h3") && e.text.contains("alert(1)"))
        {
            assert_eq!(heading.text, title, "{page}: the title round-trips as text");
            // The summary as text (the loader reads `&amp;` as `&`).
            assert!(page_elements.iter().any(
                |e| e.name == "p" && e.text == "<img src=x onerror=alert(2)> ]]> & <!-- c -->"
            ));
            assert!(page_elements
                .iter()
                .any(|e| e.name == "p" && e.text.contains(provider)));
            seen += 1;
        }
    }
    assert!(
        seen >= 2,
        "the hostile entry is on the index and its topic pages"
    );
}

#[test]
fn pages_are_the_same_bytes_every_time() {
    let a = site(CONFIG);
    let b = site(CONFIG);
    assert_eq!(build(a.path(), &[]).status, 0);
    let run = feedsmith_env(
        b.path(),
        &["build", "--now", NOW, "-q"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(run.status, 0);
    let snap_a = snapshot(&a.path().join("feeds"));
    assert_eq!(snap_a, snapshot(&b.path().join("feeds")));
    // A rebuild leaves every page unchanged.
    let run = feedsmith(a.path(), &["build", "--now", NOW]);
    assert!(run.stderr.contains(" 0 written"), "{}", run.stderr);
}

#[test]
fn serve_serves_a_feed_folder_as_its_page() {
    use std::io::{Read, Write};
    let dir = site(CONFIG);
    assert_eq!(build(dir.path(), &[]).status, 0);
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let addr = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_feedsmith"))
        .current_dir(dir.path())
        .args(["serve", "--addr", &addr, "-q"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let get = |path: &str| -> Option<String> {
        let mut stream = std::net::TcpStream::connect(&addr).ok()?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).ok()?;
        Some(String::from_utf8_lossy(&raw).into_owned())
    };
    let response = loop {
        if let Some(response) = get("/topics/rust/") {
            break response;
        }
        assert!(started.elapsed().as_secs() < 20, "server did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let redirect = get("/videos").unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    let page = std::fs::read_to_string(dir.path().join("feeds/topics/rust/index.html")).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response
        .to_ascii_lowercase()
        .contains("content-type: text/html; charset=utf-8"));
    assert!(response.ends_with(&page), "the body is the page");
    assert!(redirect.starts_with("HTTP/1.1 301"), "{redirect}");
}
