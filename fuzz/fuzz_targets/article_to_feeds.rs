//! Any bytes as an article file: front matter → Article → RSS and Atom.
//! Nothing may panic, and every feed must be well-formed XML that still
//! holds the article's title (as the HTML that shows it, where it reads
//! as markup).
#![no_main]

use feedsmith::config::ContentMode;
use feedsmith::render::{self, Entry, FeedMeta, Format};
use feedsmith::select::{slugify, Topic};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let site = url::Url::parse("https://site.example/").unwrap();
    let (article, _diagnostics) =
        feedsmith::load::parse_article(data, "fuzz.md", Some(&site), true);
    let Some(article) = article else { return };
    let topics: Vec<Topic> = article
        .topics
        .iter()
        .map(|name| Topic {
            slug: slugify(name),
            name: name.clone(),
            description: None,
            image: None,
            parent: None,
            entries: vec![0],
            article_count: 1,
        })
        .collect();
    let entries = [Entry {
        article: &article,
        topics: topics.iter().collect(),
    }];
    for content in [ContentMode::Summary, ContentMode::Full] {
        let meta = FeedMeta {
            title: "Fuzz".into(),
            description: "Fuzz".into(),
            site_link: "https://site.example/",
            rss_url: "https://site.example/rss.xml".into(),
            atom_url: "https://site.example/atom.xml".into(),
            json_url: "https://e.example/feed.json".into(),
            hub: Some("https://hub.example/"),
            language: "en",
            author: None,
            site_title: "Fuzz",
            icon: None,
            logo: None,
            image: None,
            content,
            site_url: Some(&site),
        };
        let json = render::render(Format::Json, &meta, &entries).expect("render");
        let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON Feed parses");
        assert_eq!(
            json["items"][0]["title"].as_str(),
            Some(article.title.as_str())
        );
        for format in [Format::Rss, Format::Atom] {
            let bytes = render::render(format, &meta, &entries).expect("render");
            let xml = std::str::from_utf8(&bytes).expect("UTF-8");
            let doc = roxmltree::Document::parse(xml)
                .unwrap_or_else(|e| panic!("{format:?}: {e}\n{xml}"));
            let title = doc
                .descendants()
                .filter(|n| n.tag_name().name() == "title")
                .nth(1)
                .and_then(|n| n.text())
                .unwrap_or("");
            // As it is, or (when it reads as markup) the HTML that shows it.
            let expected = feedsmith::text::rss_text(&article.title);
            assert_eq!(title, expected, "{format:?}");
        }
    }
});
