//! The hot paths of a build: one article's front matter split and parse,
//! and rendering one feed of 50 entries in each format.
//! `cargo bench --bench hot_paths`

use criterion::{criterion_group, criterion_main, Criterion};
use feedsmith::model::{Article, Details, Image, Provider};
use feedsmith::render::{self, Entry, Format};
use feedsmith::testing;
use std::hint::black_box;

const ARTICLE: &str = r#"---
category: news
title: "AI In Healthcare Highlights &amp; Milestones 2021 &#8211; a review"
excerpt: "In 2021 companies using AI in Healthcare made significant progress. A look back at the year&#8217;s milestones, the funding rounds and the research that made it possible."
publishedDateTime: 2022-01-03T22:24:00Z
originalUrl: "https://news.example.com/ai-healthcare-highlights-milestones-2021/"
webUrl: "https://site.example.org/news/ai-healthcare-highlights-milestones-2021/"
type: article
quality: 58
heat: 68
published: true
provider:
  name: Example News
  domain: news.example.com
  images:
    - url: "https://site.example.org/assets/images/organizations/news.example.com-50x50.jpg"
      width: 50
      height: 50
topics:
  - AI in Healthcare
  - AI
  - Machine Learning
images:
  - url: "https://cdn.example.com/img/cover.jpg?w=1280&h=720"
    width: 1280
    height: 720
    isCached: true
related:
  - title: "Another article"
    excerpt: "Something related to this one."
    publishedDateTime: 2021-12-01T10:00:00Z
    webUrl: "https://site.example.org/news/another/"
secured: "UT8Ro6q8c2VjcmV0IGJsb2IgdGhhdCBtdXN0IG5ldmVyIGJlIHNob3duIGluIGFueSBmZWVkIG91dHB1dA==;UT8Ro6q8c2VjcmV0IGJsb2IgdGhhdCBtdXN0IG5ldmVyIGJlIHNob3duIGluIGFueSBmZWVkIG91dHB1dA=="
---
"#;

fn parse(c: &mut Criterion) {
    c.bench_function("parse one article (split + YAML + fields)", |b| {
        b.iter(|| {
            feedsmith::testing::parse_article(black_box(ARTICLE.as_bytes()), "a.md", None, false)
        })
    });
}

fn entries() -> Vec<Article> {
    (0..50)
        .map(|i| {
            let mut article = testing::article(
                &format!("{i}.md"),
                &format!("https://news.example.com/{i}?a=1&b=2"),
                testing::new_year(),
            );
            article.title = format!("Article number {i} about AI & healthcare");
            article.quality = Some(58);
            article.heat = Some(68);
            article.topics = vec!["AI".into(), "Machine Learning".into()];
            article.provider = Some(Provider {
                name: "Example News".into(),
                url: Some("https://news.example.com/".into()),
            });
            article.details = Some(Box::new(Details {
                summary: Some(
                    "In 2021 companies using AI in Healthcare made significant progress. A look back."
                        .into(),
                ),
                image: Some(Image {
                    url: format!("https://cdn.example.com/{i}.jpg"),
                    width: Some(1280),
                    height: Some(720),
                }),
                ..Details::default()
            }));
            article
        })
        .collect()
}

fn render_feeds(c: &mut Criterion) {
    let articles = entries();
    let topic = testing::topic("AI");
    let entries: Vec<Entry> = articles
        .iter()
        .map(|a| Entry {
            article: a,
            topics: vec![&topic],
            full: false,
        })
        .collect();
    let meta = testing::feed_meta();
    for format in Format::ALL {
        c.bench_function(&format!("render a 50-entry {} feed", format.label()), |b| {
            b.iter(|| render::render(format, black_box(&meta), black_box(&entries)))
        });
    }
}

criterion_group!(benches, parse, render_feeds);
criterion_main!(benches);
