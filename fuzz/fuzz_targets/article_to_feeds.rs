//! Any bytes as an article file: front matter → Article → JSON Feed, RSS
//! and Atom. Nothing may panic, the JSON Feed must parse, and RSS and Atom
//! must be well-formed XML that still hold the article's title (as the
//! HTML that shows it, where it reads as markup).
#![no_main]

use feedsmith::render::{self, Entry, Format};
use feedsmith::select::Topic;
use feedsmith::testing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let site = url::Url::parse("https://site.example/").unwrap();
    let (article, _diagnostics) =
        feedsmith::testing::parse_article(data, "fuzz.md", Some(&site), true);
    let Some(article) = article else { return };
    let topics: Vec<Topic> = article.topics.iter().map(|name| testing::topic(name)).collect();
    let meta = testing::feed_meta();
    for full in [false, true] {
        let entries = [Entry {
            article: &article,
            topics: topics.iter().collect(),
            full,
        }];
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
