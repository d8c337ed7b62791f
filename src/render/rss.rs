//! RSS 2.0, with the Atom (self link), Dublin Core (creator), content
//! (`content: full`) and Media RSS (images) extensions.

use super::{
    feed_published, feed_updated, Entry, FeedMeta, RenderError, GENERATOR, MEDIA_NS, VERSION,
};
use crate::model::Image;
use crate::text::{escape_html, rss_text};
use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Item};
use std::collections::BTreeMap;

const DOCS: &str = "https://www.rssboard.org/rss-specification";

pub fn render(meta: &FeedMeta, entries: &[Entry]) -> Result<Vec<u8>, RenderError> {
    let items: Vec<Item> = entries.iter().map(item).collect();
    let mut namespaces = BTreeMap::new();
    if items.iter().any(|i| i.extensions.contains_key("media")) {
        namespaces.insert("media".to_owned(), MEDIA_NS.to_owned());
    }
    let last = (!entries.is_empty()).then(|| feed_updated(entries).to_rfc2822());
    let channel = Channel {
        title: rss_text(&meta.title).into_owned(),
        link: meta.site_link.to_owned(),
        description: rss_text(&meta.description).into_owned(),
        language: Some(meta.language.to_owned()),
        last_build_date: last,
        pub_date: feed_published(entries).map(|d| d.to_rfc2822()),
        generator: Some(format!("{GENERATOR} {VERSION}")),
        docs: Some(DOCS.to_owned()),
        image: meta.image.map(|url| rss::Image {
            url: url.to_owned(),
            title: rss_text(&meta.title).into_owned(),
            link: meta.site_link.to_owned(),
            ..rss::Image::default()
        }),
        atom_ext: Some(AtomExtension {
            links: std::iter::once(Link {
                href: meta.rss_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some(super::Format::Rss.media_type().to_owned()),
                ..Link::default()
            })
            .chain(meta.hub.map(|hub| Link {
                href: hub.to_owned(),
                rel: "hub".to_owned(),
                ..Link::default()
            }))
            .collect(),
        }),
        namespaces,
        items,
        ..Channel::default()
    };
    let out = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|e| RenderError(e.to_string()))?;
    let mut out = super::hex_char_refs(&out, &[]);
    out.push(b'\n');
    Ok(out)
}

fn item(entry: &Entry) -> Item {
    let article = entry.article;
    let mut extensions = ExtensionMap::new();
    if let Some(image) = article.image() {
        extensions.insert("media".to_owned(), media(image));
    }
    extensions.insert(String::new(), guid(&article.link));
    let full = entry.full;
    // With content:encoded a description must come first (W3C validator:
    // NeedDescriptionBeforeContent): the title stands in for a missing excerpt.
    let description = article.summary().or(full.then_some(article.title.as_str()));
    Item {
        title: Some(rss_text(&article.title).into_owned()),
        link: Some(article.link.clone()),
        // RSS readers treat description as HTML: escape the plain text once.
        description: description.map(|s| escape_html(s).into_owned()),
        pub_date: Some(article.published.to_rfc2822()),
        categories: entry
            .topics
            .iter()
            .map(|t| Category {
                name: t.name.clone(),
                domain: None,
            })
            .collect(),
        dublin_core_ext: article.provider().map(|p| DublinCoreExtension {
            creators: vec![p.name.clone()],
            ..DublinCoreExtension::default()
        }),
        content: entry.full.then(|| super::full_html(article)),
        extensions,
        ..Item::default()
    }
}

/// `media:content` and `media:thumbnail` for the lead image.
fn media(image: &Image) -> BTreeMap<String, Vec<Extension>> {
    let mut attrs = BTreeMap::new();
    attrs.insert("url".to_owned(), image.url.clone());
    if let (Some(w), Some(h)) = (image.width, image.height) {
        attrs.insert("width".to_owned(), w.to_string());
        attrs.insert("height".to_owned(), h.to_string());
    }
    let thumbnail = Extension {
        name: "media:thumbnail".to_owned(),
        attrs: attrs.clone(),
        ..Extension::default()
    };
    attrs.insert("medium".to_owned(), "image".to_owned());
    let content = Extension {
        name: "media:content".to_owned(),
        attrs,
        ..Extension::default()
    };
    BTreeMap::from([
        ("content".to_owned(), vec![content]),
        ("thumbnail".to_owned(), vec![thumbnail]),
    ])
}

/// `<guid isPermaLink="true">`: the rss crate leaves the attribute out for
/// permalinks (true is the default), so the element is written as an
/// un-namespaced extension to say it explicitly.
fn guid(link: &str) -> BTreeMap<String, Vec<Extension>> {
    let guid = Extension {
        name: "guid".to_owned(),
        value: Some(link.to_owned()),
        attrs: BTreeMap::from([("isPermaLink".to_owned(), "true".to_owned())]),
        ..Extension::default()
    };
    BTreeMap::from([("guid".to_owned(), vec![guid])])
}
