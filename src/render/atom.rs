//! Atom 1.0 (RFC 4287), with Media RSS thumbnails.

use super::{
    feed_updated, Entry, FeedMeta, Format, RenderError, GENERATOR, GENERATOR_URI, MEDIA_NS, VERSION,
};
use atom_syndication::extension::{Extension, ExtensionMap};
use atom_syndication::{Category, Content, Feed, Generator, Link, Person, Text, WriteConfig};
use std::collections::BTreeMap;

pub fn render(meta: &FeedMeta, entries: &[Entry]) -> Result<Vec<u8>, RenderError> {
    let author = match meta.author {
        Some(a) => Person {
            name: a.name.clone(),
            email: a.email.clone(),
            uri: a.uri.clone(),
            ..Person::default()
        },
        None => Person {
            name: meta.site_title.to_owned(),
            ..Person::default()
        },
    };
    let atom_entries: Vec<atom_syndication::Entry> =
        entries.iter().map(|e| entry(meta, e)).collect();
    let mut namespaces = BTreeMap::new();
    if atom_entries.iter().any(|e| !e.extensions.is_empty()) {
        namespaces.insert("media".to_owned(), MEDIA_NS.to_owned());
    }
    let feed = Feed {
        title: text(&meta.title),
        id: meta.atom_url.clone(),
        updated: feed_updated(entries).fixed_offset(),
        authors: vec![author],
        links: std::iter::once(link(&meta.atom_url, "self", Format::Atom.media_type()))
            .chain(std::iter::once(link(
                meta.site_link,
                "alternate",
                "text/html",
            )))
            .chain(meta.hub.map(|hub| Link {
                href: hub.to_owned(),
                rel: "hub".to_owned(),
                ..Link::default()
            }))
            .collect(),
        generator: Some(Generator {
            value: GENERATOR.to_owned(),
            uri: Some(GENERATOR_URI.to_owned()),
            version: Some(VERSION.to_owned()),
        }),
        icon: meta.icon.map(str::to_owned),
        logo: meta.image.map(str::to_owned),
        subtitle: Some(text(&meta.description)),
        entries: atom_entries,
        namespaces,
        lang: Some(meta.language.to_owned()),
        ..Feed::default()
    };
    let mut out = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n".to_vec();
    let config = WriteConfig {
        write_document_declaration: false,
        indent_size: Some(2),
    };
    let written = feed
        .write_with_config(Vec::new(), config)
        .map_err(|e| RenderError(e.to_string()))?;
    // Plain-text elements (title, summary, …) in the RSS Profile's form,
    // which also keeps `&amp;` in a decoded-once title from reading as
    // undeclared HTML to the validator; the HTML `content` stays as it is.
    out.extend_from_slice(&super::hex_char_refs(&written, &["content"]));
    out.push(b'\n');
    Ok(out)
}

fn link(href: &str, rel: &str, media_type: &str) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(media_type.to_owned()),
        ..Link::default()
    }
}

fn entry(meta: &FeedMeta, entry: &Entry) -> atom_syndication::Entry {
    let article = entry.article;
    let jekyll = meta.jekyll.is_some();
    let mut extensions = ExtensionMap::new();
    if let Some(image) = article.image() {
        // atom_syndication writes extension attributes verbatim, unescaped.
        let mut attrs = BTreeMap::from([("url".to_owned(), escape_attribute(&image.url))]);
        if let (Some(w), Some(h)) = (image.width, image.height) {
            attrs.insert("width".to_owned(), w.to_string());
            attrs.insert("height".to_owned(), h.to_string());
        }
        let thumbnail = Extension {
            name: "media:thumbnail".to_owned(),
            attrs,
            ..Extension::default()
        };
        extensions.insert(
            "media".to_owned(),
            BTreeMap::from([("thumbnail".to_owned(), vec![thumbnail])]),
        );
    }
    let (title, updated) = if jekyll {
        // jekyll-feed: `title | smartify | strip_html | normalize_whitespace`,
        // updated `last_modified_at | default: date`, even when older.
        (
            crate::site::smartify::jekyll_title(&article.title),
            article.updated.unwrap_or(article.published),
        )
    } else {
        (article.title.clone(), article.updated_or_published())
    };
    atom_syndication::Entry {
        title: text(&title),
        // jekyll-feed's id for a document whose link is its own page.
        id: article.id.clone().unwrap_or_else(|| article.link.clone()),
        updated: updated.fixed_offset(),
        published: Some(article.published.fixed_offset()),
        authors: article
            .provider()
            .into_iter()
            .map(|p| Person {
                name: p.name.clone(),
                uri: p.url.clone(),
                ..Person::default()
            })
            .collect(),
        categories: entry
            .topics
            .iter()
            .map(|t| Category {
                term: t.slug.clone(),
                label: Some(t.name.clone()),
                scheme: None,
            })
            .collect(),
        links: vec![link(&article.link, "alternate", "text/html")],
        // An entry without summary or content draws a W3C validator
        // warning (MissingTextualContent): fall back to the title.
        summary: Some(text(article.summary().unwrap_or(&article.title))),
        content: entry.full.then(|| Content {
            value: Some(if jekyll {
                // jekyll-feed: the document's own HTML, nothing added.
                super::document_html(article)
            } else {
                super::full_html(article)
            }),
            content_type: Some("html".to_owned()),
            ..Content::default()
        }),
        extensions,
        ..atom_syndication::Entry::default()
    }
}

/// A plain-text construct: `type="text"`, unless the text holds what reads
/// as markup (`</b>`, `&amp;`), which the W3C validator reports as
/// undeclared HTML even there: then `type="html"` with the HTML that shows
/// exactly that text.
fn text(plain: &str) -> Text {
    if crate::text::looks_like_html(plain) {
        Text::html(crate::text::escape_html(plain).into_owned())
    } else {
        Text::plain(plain.to_owned())
    }
}

/// Escape an attribute value for XML, for writers that do not.
fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_attribute_values() {
        assert_eq!(
            escape_attribute(r#"a?b=1&c="<'>""#),
            "a?b=1&amp;c=&quot;&lt;&apos;&gt;&quot;"
        );
    }
}
