//! Property tests: arbitrary text from front matter gives well-formed XML
//! that round-trips the text (minus what XML 1.0 forbids), in both formats.

use chrono::{DateTime, Utc};
use feedsmith::config::ContentMode;
use feedsmith::model::{Article, Body, Details, Image, Provider, Related};
use feedsmith::render::{self, Entry, FeedMeta, Format};
use feedsmith::select::{slugify, Topic};
use feedsmith::text;
use proptest::prelude::*;

fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f<>&\\]\"'a-z0-9 \u{a0}\u{fffe}\u{85};#]{0,40}",
        Just("&#7; &#x1b; &#0; &#xFFFE; *em* [l](/x)".to_owned()),
        Just("]]> &amp; &#8217; <![CDATA[ x ]]>".to_owned()),
    ]
}

fn article(title: &str, summary: &str, topic: &str, url_tail: &str) -> Article {
    let link = url::Url::parse("https://e.example/")
        .unwrap()
        .join(&format!("a?q={}&r=1", urlencode(url_tail)))
        .unwrap();
    Article {
        path: "a.md".into(),
        title: text::clean_line(title),
        link: link.to_string(),
        published: DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
        updated: None,
        kind: "video".into(),
        quality: None,
        heat: None,
        draft: false,
        topics: vec![text::clean_line(topic)],
        details: Some(Box::new(Details {
            summary: Some(text::clean_line(summary)).filter(|s| !s.is_empty()),
            provider: Some(Provider {
                name: text::clean_line(topic),
                url: None,
            }),
            image: Some(Image {
                url: link.to_string(),
                width: Some(1),
                height: Some(2),
            }),
            related: vec![Related {
                title: text::clean_line(title),
                url: link.to_string(),
            }],
            featured_content: Some(text::strip_forbidden(summary).into_owned()),
            body: Some(Body {
                text: text::strip_forbidden(summary).into_owned(),
                markdown: true,
            }),
        })),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn meta(content: ContentMode) -> FeedMeta<'static> {
    FeedMeta {
        title: "T".into(),
        description: "D".into(),
        site_link: "https://e.example/",
        rss_url: "https://e.example/rss.xml".into(),
        atom_url: "https://e.example/atom.xml".into(),
        json_url: "https://e.example/feed.json".into(),
        hub: Some("https://hub.example/"),
        language: "en",
        author: None,
        site_title: "T",
        icon: None,
        logo: None,
        image: None,
        content,
        site_url: None,
    }
}

fn child_text(node: roxmltree::Node, name: &str) -> Option<String> {
    node.children()
        .find(|c| c.tag_name().name() == name)
        .map(|c| c.text().unwrap_or("").to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_gives_well_formed_feeds_that_round_trip(
        title in nasty_text(),
        summary in nasty_text(),
        topic_name in nasty_text(),
        full in any::<bool>(),
    ) {
        prop_assume!(!text::clean_line(&title).is_empty());
        let a = article(&title, &summary, &topic_name, &title);
        let topic = Topic {
            slug: slugify(&a.topics[0]),
            name: a.topics[0].clone(),
            description: None,
            image: None,
            parent: None,
            entries: vec![0],
            article_count: 1,
        };
        let entries = [Entry { article: &a, topics: vec![&topic] }];
        let mode = if full { ContentMode::Full } else { ContentMode::Summary };
        let json: serde_json::Value = serde_json::from_slice(&render::render(Format::Json, &meta(mode), &entries).unwrap())
            .map_err(|e| TestCaseError::fail(format!("JSON Feed does not parse: {e}")))?;
        prop_assert_eq!(json["items"][0]["title"].as_str(), Some(a.title.as_str()));
        prop_assert_eq!(json["items"][0]["content_text"].as_str(), Some(a.summary().unwrap_or(&a.title)));
        prop_assert_eq!(json["items"][0]["tags"][0].as_str(), Some(a.topics[0].as_str()));
        for format in [Format::Rss, Format::Atom] {
            let bytes = render::render(format, &meta(mode), &entries).unwrap();
            let xml = String::from_utf8(bytes).unwrap();
            let doc = roxmltree::Document::parse(&xml)
                .map_err(|e| TestCaseError::fail(format!("{format:?} not well-formed: {e}\n{xml}")))?;
            let item = doc.descendants().find(|n| matches!(n.tag_name().name(), "item" | "entry")).unwrap();
            prop_assert_eq!(child_text(item, "title").unwrap(), a.title.clone());
            match format {
                Format::Rss => {
                    if let Some(summary) = a.summary() {
                        let description = child_text(item, "description").unwrap();
                        prop_assert_eq!(html_escape::decode_html_entities(&description).into_owned(), summary);
                    }
                    prop_assert_eq!(child_text(item, "category"), Some(a.topics[0].clone()));
                    let guid = child_text(item, "guid");
                    prop_assert_eq!(guid.as_deref(), Some(a.link.as_str()));
                }
                Format::Atom | Format::Json => {
                    if let Some(summary) = a.summary() {
                        prop_assert_eq!(child_text(item, "summary").unwrap(), summary);
                    }
                    let category = item.children().find(|c| c.tag_name().name() == "category").unwrap();
                    prop_assert_eq!(category.attribute("label"), Some(a.topics[0].as_str()));
                    let link = item.children().find(|c| c.tag_name().name() == "link").unwrap();
                    prop_assert_eq!(link.attribute("href"), Some(a.link.as_str()));
                }
            }
        }
    }

    #[test]
    fn slugs_are_safe_file_names(name in nasty_text()) {
        let slug = slugify(&name);
        prop_assert!(!slug.is_empty() && slug.len() <= 60);
        prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", slug);
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
        // Case never matters (Unicode special casing aside, which can expand letters).
        prop_assert_eq!(slugify(&name.to_lowercase()), slug.clone());
        prop_assert_eq!(slugify(&name.to_ascii_uppercase()), slug.clone());
    }
}
