//! JSON Feed 1.1 (https://jsonfeed.org/version/1.1), from the same entries.

use super::{Entry, FeedMeta, RenderError};
use serde::Serialize;

const VERSION_URL: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    favicon: Option<&'a str>,
    language: &'a str,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub<'a>>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    /// Every item needs `content_text` or `content_html`: the excerpt, else the title.
    content_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
}

pub fn render(meta: &FeedMeta, entries: &[Entry]) -> Result<Vec<u8>, RenderError> {
    let feed_author = match meta.author {
        Some(a) => Author {
            name: &a.name,
            url: a.uri.as_deref(),
        },
        None => Author {
            name: meta.site_title,
            url: Some(meta.site_link),
        },
    };
    let feed = Feed {
        version: VERSION_URL,
        title: &meta.title,
        home_page_url: meta.site_link,
        feed_url: &meta.json_url,
        description: &meta.description,
        icon: meta.image,
        favicon: meta.icon,
        language: meta.language,
        authors: vec![feed_author],
        hubs: meta
            .hub
            .iter()
            .map(|url| Hub {
                kind: "WebSub",
                url,
            })
            .collect(),
        items: entries.iter().map(item).collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&feed).map_err(|e| RenderError(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn item<'a>(entry: &Entry<'a>) -> Item<'a> {
    let article = entry.article;
    Item {
        id: &article.link,
        url: &article.link,
        title: &article.title,
        summary: article.summary(),
        content_text: article.summary().unwrap_or(&article.title),
        content_html: entry.full.then(|| super::full_html(article)),
        image: article.image().map(|i| i.url.as_str()),
        date_published: utc(article.published),
        date_modified: utc(article.updated_or_published()),
        authors: article
            .provider()
            .into_iter()
            .map(|p| Author {
                name: &p.name,
                url: p.url.as_deref(),
            })
            .collect(),
        tags: entry.topics.iter().map(|t| t.name.as_str()).collect(),
    }
}

/// RFC 3339 in UTC with `Z`, the form readers parse most reliably.
fn utc(date: chrono::DateTime<chrono::Utc>) -> String {
    date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
