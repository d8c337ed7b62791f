//! The HTML content of an entry in `content: full` mode.
//!
//! Every fragment that comes from an article (the body, `featuredContent`)
//! goes through [`sanitize`]: ammonia, configured explicitly below, keeps a
//! short list of text elements and attributes, resolves every URL against
//! the article's own link and keeps only http(s), `mailto:` and raster
//! `data:` images. A video `<iframe>` becomes a link to the video (with its
//! thumbnail when one is known) before that. The rest of the entry is
//! written here from plain text, escaped once.

use crate::model::{Article, Body};
use crate::text::{self, escape_html};
use html5ever::tendril::TendrilSink;
use html5ever::{local_name, ns, Attribute, QualName};
use markup5ever_rcdom::{Handle, Node, NodeData, RcDom, SerializableHandle};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use url::Url;

/// Lead image, excerpt, body (sanitised, URLs absolute), the video as a
/// link, a "Read on <provider>" link and the related articles.
///
/// An article is in several feeds, each written in three formats: the
/// HTML is made once per content and then reused (see [`Memo`]).
pub fn full_html(article: &Article) -> String {
    let key = memo_key(article);
    if let Some(html) = MEMO.lock().ok().and_then(|m| m.map.get(&key).cloned()) {
        return html.to_string();
    }
    let html = make_full_html(article);
    if let Ok(mut memo) = MEMO.lock() {
        memo.insert(key, &html);
    }
    html
}

/// Finished HTML by the SHA-256 of everything [`make_full_html`] reads, so
/// an entry can never get another's HTML, and a changed article (`serve
/// --watch`) is a new key. At most [`MEMO_BYTES`] are kept: past that the
/// memo starts again empty. The output is the same with or without it.
struct Memo {
    map: std::collections::BTreeMap<[u8; 32], std::sync::Arc<str>>,
    bytes: usize,
}

const MEMO_BYTES: usize = 64 << 20;

static MEMO: std::sync::Mutex<Memo> = std::sync::Mutex::new(Memo {
    map: std::collections::BTreeMap::new(),
    bytes: 0,
});

impl Memo {
    fn insert(&mut self, key: [u8; 32], html: &str) {
        if html.len() > MEMO_BYTES {
            return;
        }
        if self.bytes + html.len() > MEMO_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        if self.map.insert(key, html.into()).is_none() {
            self.bytes += html.len();
        }
    }
}

fn memo_key(article: &Article) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    // Each field with its length first, so that no two inputs run together.
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(article.link.as_bytes());
    field(article.title.as_bytes());
    field(article.kind.as_bytes());
    let number = |n: Option<u32>| n.map_or(u64::MAX, u64::from).to_le_bytes();
    match article.image() {
        Some(image) => {
            field(b"image");
            field(image.url.as_bytes());
            field(&number(image.width));
            field(&number(image.height));
        }
        None => field(b""),
    }
    field(
        article
            .summary()
            .map_or(b"\0none".as_slice(), str::as_bytes),
    );
    match article.body() {
        Some(body) => {
            field(if body.markdown { b"md" } else { b"html" });
            field(body.text.as_bytes());
        }
        None => field(b""),
    }
    field(
        article
            .featured_content()
            .map_or(b"\0none".as_slice(), str::as_bytes),
    );
    field(
        article
            .provider()
            .map_or(b"\0none".as_slice(), |p| p.name.as_bytes()),
    );
    field(&(article.related().len() as u64).to_le_bytes());
    for related in article.related() {
        field(related.title.as_bytes());
        field(related.url.as_bytes());
    }
    hash.finalize().into()
}

/// A document's own HTML, as jekyll-feed's `post.content`: the body
/// alone, sanitised, URLs absolute against the article's link; empty
/// without a body.
pub fn document_html(article: &Article) -> String {
    let base = Url::parse(&article.link).ok();
    let html = article
        .body()
        .map(|body| sanitize(&body_html(body), base.as_ref(), None))
        .unwrap_or_default();
    match text::strip_forbidden(&html) {
        Cow::Borrowed(_) => html,
        Cow::Owned(clean) => clean,
    }
}

fn make_full_html(article: &Article) -> String {
    // Relative URLs in a body are relative to the document it came from:
    // the article's own link (`originalUrl`, else `webUrl`), always absolute.
    let base = Url::parse(&article.link).ok();
    let featured = (article.kind == "video")
        .then(|| article.featured_content())
        .flatten();
    // The video's link shows the lead image as its thumbnail: not twice.
    let image_in_video = featured.is_some_and(has_iframe) && article.image().is_some();
    let mut html = String::new();
    if let Some(image) = article.image().filter(|_| !image_in_video) {
        let _ = write!(
            html,
            "<p><img src=\"{}\" alt=\"{}\"",
            escape_html(&image.url),
            escape_html(&article.title)
        );
        if let (Some(w), Some(h)) = (image.width, image.height) {
            let _ = write!(html, " width=\"{w}\" height=\"{h}\"");
        }
        html.push_str("></p>\n");
    }
    if let Some(summary) = article.summary() {
        let _ = writeln!(html, "<p>{}</p>", escape_html(summary));
    }
    if let Some(body) = article.body() {
        html.push_str(&sanitize(&body_html(body), base.as_ref(), None));
        html.push('\n');
    }
    if let Some(embed) = featured {
        let thumbnail = article.image().map(|i| i.url.as_str());
        let clean = sanitize(embed, base.as_ref(), thumbnail);
        if !clean.trim().is_empty() {
            let _ = writeln!(html, "<div>{clean}</div>");
        }
    }
    let source = article
        .provider()
        .map_or("the original site", |p| p.name.as_str());
    let _ = writeln!(
        html,
        "<p><a href=\"{}\">Read on {}</a></p>",
        escape_html(&article.link),
        escape_html(source)
    );
    if !article.related().is_empty() {
        html.push_str("<h3>Related</h3>\n<ul>\n");
        for related in article.related() {
            let _ = writeln!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                escape_html(&related.url),
                escape_html(&related.title)
            );
        }
        html.push_str("</ul>\n");
    }
    // Character references such as `&#7;` decode to characters XML 1.0
    // forbids (found by fuzzing): clean the finished HTML once.
    match text::strip_forbidden(&html) {
        Cow::Borrowed(_) => html,
        Cow::Owned(clean) => clean,
    }
}

/// The body as an HTML fragment: Markdown converted; of a whole HTML
/// document only what is inside `<body>`; Liquid `{% raw %}` markers removed.
fn body_html(body: &Body) -> String {
    let text = body
        .text
        .replace("{% raw %}", "")
        .replace("{% endraw %}", "");
    if body.markdown {
        return markdown_html(&text);
    }
    let lower = text.to_ascii_lowercase();
    if let Some(open) = lower.find("<body") {
        if let Some(start) = lower[open..].find('>').map(|i| open + i + 1) {
            let end = lower
                .rfind("</body>")
                .filter(|&e| e >= start)
                .unwrap_or(text.len());
            return text[start..end].trim().to_owned();
        }
    }
    text
}

/// Markdown as kramdown renders the common cases (see
/// [`crate::site::markdown::to_html`]).
fn markdown_html(markdown: &str) -> String {
    crate::site::markdown::to_html(markdown)
}

/// Elements kept: text structure, lists, tables, links and images, all
/// inert. Every other element is removed and its text kept, except those
/// in [`DROPPED_WITH_CONTENT`]. Not here on purpose: `script`, `style`,
/// `iframe` (turned into links first), `object`, `embed`, `form` and its
/// controls, `meta`, `base`, `link`, `svg`/`math` (scriptable, and their
/// namespaces are where sanitiser bypasses live), `video`/`audio`, and
/// presentational `font`/`center`.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with everything inside: their content is
/// code, styling, form data or a document of its own, never article text
/// (`noscript` is parsed as raw text, so its markup would show as text).
const DROPPED_WITH_CONTENT: &[&str] = &[
    "applet", "datalist", "embed", "frame", "frameset", "head", "iframe", "math", "noembed",
    "noframes", "noscript", "object", "option", "optgroup", "script", "select", "style", "svg",
    "template", "textarea", "title",
];

/// Attributes kept on every element: none can run code or load anything.
/// `style`, `class` and `id` go (styling and anchors of another page).
const GENERIC_ATTRIBUTES: &[&str] = &["title", "lang", "dir"];

/// Attributes kept per element. URL-valued ones (`href`, `src`, `srcset`)
/// are resolved and checked by [`filter_attribute`]; no event handler
/// (`on*`) and no other URL-valued attribute (`cite`, `poster`, …) is listed.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["src", "srcset", "sizes", "alt", "width", "height"]),
    ("source", &["srcset", "sizes", "media", "type"]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("time", &["datetime"]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
    ("details", &["open"]),
];

/// Schemes ammonia lets through to [`filter_attribute`], which narrows
/// them per attribute (`mailto:` only for links, `data:` only for images).
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "data"];

/// `data:` images kept: raster types only (an SVG can hold script).
const DATA_IMAGE_TYPES: &[&str] = &[
    "image/png",
    "image/gif",
    "image/jpeg",
    "image/webp",
    "image/avif",
];

/// Sanitise one HTML fragment from an article: video iframes become links
/// (`thumbnail` is the picture used when the video's own is not known), then
/// ammonia keeps only what the lists above allow, with every URL absolute
/// against `base` (URLs that cannot be made absolute are dropped). Work is
/// linear in the fragment's size: one parse (two with an iframe), one pass.
pub(crate) fn sanitize(html: &str, base: Option<&Url>, thumbnail: Option<&str>) -> String {
    // The HTML tree builder's scope checks walk the stack of open elements:
    // nesting N deep costs N² (40,000 nested <div>s: 4 s). Browsers cap the
    // depth too; deeper fragments are shown as their text only.
    if let Some(text) = text_if_too_deep(html) {
        return format!("<p>{}</p>", escape_html(&text));
    }
    let html = if has_iframe(html) {
        Cow::Owned(iframes_to_links(html, base, thumbnail))
    } else {
        Cow::Borrowed(html)
    };
    builder(base).clean(&html).to_string()
}

fn builder(base: Option<&Url>) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    let tag_attributes: HashMap<&'static str, HashSet<&'static str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
        .collect();
    let owned_base = base.cloned();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .strip_comments(true)
        .link_rel(None)
        .attribute_filter(move |element, attribute, value| {
            filter_attribute(element, attribute, value, owned_base.as_ref())
        });
    // Relative URLs are made absolute by `filter_attribute`; without a base
    // there is nothing to resolve them against, and they go.
    match base {
        Some(base) => builder.url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone())),
        None => builder.url_relative(ammonia::UrlRelative::Deny),
    };
    builder
}

/// Resolve and check URL-valued attributes; keep the others as they are.
/// `None` drops the attribute.
fn filter_attribute<'v>(
    element: &str,
    attribute: &str,
    value: &'v str,
    base: Option<&Url>,
) -> Option<Cow<'v, str>> {
    let kind = match (element, attribute) {
        ("a", "href") => UrlKind::Link,
        (_, "src") => UrlKind::Image,
        (_, "srcset") => return srcset(value, base).map(Cow::Owned),
        (_, "href") => UrlKind::Link,
        _ => return Some(Cow::Borrowed(value)),
    };
    resolve(value, base, kind).map(Cow::Owned)
}

#[derive(Clone, Copy, PartialEq)]
enum UrlKind {
    Link,
    Image,
}

/// `value` made absolute against `base`, if it then is http(s), a
/// `mailto:` link or a raster `data:` image.
fn resolve(value: &str, base: Option<&Url>, kind: UrlKind) -> Option<String> {
    #[cfg(test)]
    tests::RESOLVED.with(|n| n.set(n.get() + 1));
    let value = value.trim();
    let url = match Url::parse(value) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(value).ok()?,
        Err(_) => return None,
    };
    let allowed = match url.scheme() {
        "http" | "https" => url.host().is_some(),
        "mailto" => kind == UrlKind::Link,
        "data" => kind == UrlKind::Image && is_raster_data(url.path()),
        _ => false,
    };
    allowed.then(|| url.into())
}

/// Whether a `data:` URL's path (`image/png;base64,…`) is a raster image.
fn is_raster_data(path: &str) -> bool {
    let media_type = path.split([';', ',']).next().unwrap_or("").trim();
    DATA_IMAGE_TYPES
        .iter()
        .any(|t| media_type.eq_ignore_ascii_case(t))
}

/// A `srcset` with every candidate's URL resolved and checked (the HTML
/// candidate syntax: URL, then width/density descriptors, comma-separated);
/// candidates with an unusable URL or descriptor are left out.
fn srcset(value: &str, base: Option<&Url>) -> Option<String> {
    let mut candidates = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (raw_url, after) = rest.split_at(end);
        let (raw_url, descriptors) = if raw_url.ends_with(',') {
            rest = after;
            (raw_url.trim_end_matches(','), "")
        } else {
            let cut = after.find(',').unwrap_or(after.len());
            rest = &after[cut..];
            (raw_url, after[..cut].trim())
        };
        // `2x`, `640w`, `100h`: a number and a unit letter (the last
        // character may be any character, not one byte: found by fuzzing).
        let descriptors_ok = descriptors.split_ascii_whitespace().all(|d| {
            d.strip_suffix(['w', 'x', 'h']).is_some_and(|number| {
                !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            })
        });
        if !descriptors_ok {
            continue;
        }
        if let Some(url) = resolve(raw_url, base, UrlKind::Image).filter(|u| !u.ends_with(',')) {
            candidates.push(if descriptors.is_empty() {
                url
            } else {
                format!(
                    "{url} {}",
                    descriptors
                        .split_ascii_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            });
        }
    }
    (!candidates.is_empty()).then(|| candidates.join(", "))
}

/// Deepest nesting of elements kept as HTML: far above real articles (11
/// in the powerapps corpus), low enough that the tree builder stays fast.
const MAX_DEPTH: usize = 128;

/// The text of `html` (markup, comments, scripts and styles left out) when
/// its elements nest deeper than [`MAX_DEPTH`], counted by a tokenizer pass
/// (linear): every start tag opens a level and every end tag closes one,
/// except void elements and those whose end tag may be left out (`<p>`,
/// `<li>`, …), which the tree builder closes by itself.
fn text_if_too_deep(html: &str) -> Option<String> {
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
    // Fewer tags than levels: nothing to count.
    if html.bytes().filter(|&b| b == b'<').count() <= MAX_DEPTH {
        return None;
    }
    let input = BufferQueue::default();
    input.push_back(html.into());
    let tokenizer = Tokenizer::new(DepthSink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = tokenizer.sink;
    (sink.deepest.get() > MAX_DEPTH).then(|| sink.text.into_inner())
}

#[derive(Default)]
struct DepthSink {
    depth: std::cell::Cell<usize>,
    deepest: std::cell::Cell<usize>,
    /// Inside script, style and the like: characters are not text.
    raw: std::cell::Cell<bool>,
    text: RefCell<String>,
}

impl html5ever::tokenizer::TokenSink for DepthSink {
    type Handle = ();

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        _line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{TagKind, Token, TokenSinkResult};
        match token {
            Token::TagToken(tag) => {
                let name = &*tag.name;
                let counted = !tag.self_closing
                    && !matches!(
                        name,
                        "area"
                            | "base"
                            | "br"
                            | "col"
                            | "embed"
                            | "hr"
                            | "img"
                            | "input"
                            | "link"
                            | "meta"
                            | "param"
                            | "source"
                            | "track"
                            | "wbr"
                            | "p"
                            | "li"
                            | "dt"
                            | "dd"
                            | "tr"
                            | "td"
                            | "th"
                            | "option"
                            | "optgroup"
                            | "rb"
                            | "rt"
                            | "rp"
                            | "rtc"
                            | "thead"
                            | "tbody"
                            | "tfoot"
                            | "colgroup"
                            | "caption"
                            | "html"
                            | "head"
                            | "body"
                    );
                if tag.kind == TagKind::StartTag {
                    if counted {
                        self.depth.set(self.depth.get() + 1);
                        self.deepest.set(self.deepest.get().max(self.depth.get()));
                    }
                    let raw = match name {
                        "script" => Some(RawKind::ScriptData),
                        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                            Some(RawKind::Rawtext)
                        }
                        "textarea" | "title" => Some(RawKind::Rcdata),
                        _ => None,
                    };
                    if let Some(kind) = raw {
                        self.raw.set(true);
                        return TokenSinkResult::RawData(kind);
                    }
                } else {
                    self.raw.set(false);
                    if counted {
                        self.depth.set(self.depth.get().saturating_sub(1));
                    }
                }
            }
            Token::CharacterTokens(text) if !self.raw.get() => {
                self.text.borrow_mut().push_str(&text);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Whether `html` may hold an `<iframe` (ASCII case-insensitive).
fn has_iframe(html: &str) -> bool {
    html.as_bytes()
        .windows(7)
        .any(|w| w.eq_ignore_ascii_case(b"<iframe"))
}

/// The fragment with every `<iframe>` replaced by a link to what it shows
/// (see [`video_link`]); iframes without an http(s) `src` go.
fn iframes_to_links(html: &str, base: Option<&Url>, thumbnail: Option<&str>) -> String {
    let dom = html5ever::driver::parse_fragment(
        RcDom::default(),
        html5ever::ParseOpts::default(),
        QualName::new(None, ns!(html), local_name!("div")),
        Vec::new(),
        false,
    )
    .one(html);
    let root = match dom.document.children.borrow().first() {
        Some(root) => root.clone(),
        None => return String::new(),
    };
    // Iteratively, so that deep nesting cannot overflow the stack.
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        let mut children = node.children.borrow_mut();
        let old = std::mem::take(&mut *children);
        for child in old {
            if is_html_element(&child, "iframe") {
                children.extend(iframe_replacement(&child, base, thumbnail));
            } else {
                stack.push(child.clone());
                children.push(child);
            }
        }
    }
    let mut out = Vec::new();
    let opts = html5ever::serialize::SerializeOpts {
        traversal_scope: html5ever::serialize::TraversalScope::ChildrenOnly(None),
        ..Default::default()
    };
    match html5ever::serialize::serialize(&mut out, &SerializableHandle::from(root), opts) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        // Writing to a Vec cannot fail; if it did, nothing is kept.
        Err(_) => String::new(),
    }
}

fn is_html_element(node: &Handle, local: &str) -> bool {
    matches!(&node.data, NodeData::Element { name, .. } if name.ns == ns!(html) && &*name.local == local)
}

fn attribute(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// `<a href=VIDEO><img src=THUMBNAIL alt=TEXT></a> <a href=VIDEO>TEXT</a>`,
/// or only the text link when no thumbnail is known.
fn iframe_replacement(iframe: &Handle, base: Option<&Url>, thumbnail: Option<&str>) -> Vec<Handle> {
    let Some(src) = attribute(iframe, "src")
        .and_then(|src| resolve(&src, base, UrlKind::Link))
        .and_then(|src| Url::parse(&src).ok())
        .filter(|src| matches!(src.scheme(), "http" | "https"))
    else {
        return Vec::new();
    };
    let video = video_link(&src);
    let label = attribute(iframe, "title")
        .map(|t| text::clean_line(&t))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("Watch the video on {}", video.site));
    let mut nodes = Vec::new();
    if let Some(thumbnail) = thumbnail.map(str::to_owned).or(video.thumbnail) {
        let img = element("img", &[("src", &thumbnail), ("alt", &label)], Vec::new());
        nodes.push(element("a", &[("href", &video.url)], vec![img]));
        nodes.push(text_node(" "));
    }
    nodes.push(element(
        "a",
        &[("href", &video.url)],
        vec![text_node(&label)],
    ));
    nodes
}

fn element(name: &str, attrs: &[(&str, &str)], children: Vec<Handle>) -> Handle {
    let node = Node::new(NodeData::Element {
        name: QualName::new(None, ns!(html), name.into()),
        attrs: RefCell::new(
            attrs
                .iter()
                .map(|(name, value)| Attribute {
                    name: QualName::new(None, ns!(), (*name).into()),
                    value: (*value).into(),
                })
                .collect(),
        ),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    });
    *node.children.borrow_mut() = children;
    node
}

fn text_node(text: &str) -> Handle {
    Node::new(NodeData::Text {
        contents: RefCell::new(text.into()),
    })
}

/// Where a reader watches an embedded video, its thumbnail when the URL
/// tells it, and the site's name.
struct Video {
    url: String,
    thumbnail: Option<String>,
    site: String,
}

/// The page behind an embed URL: YouTube `/embed/ID` → its watch page and
/// `https://i.ytimg.com/vi/ID/hqdefault.jpg`; Vimeo's player → the video's
/// page; an embed.ly wrapper → what it wraps; anything else → itself.
fn video_link(src: &Url) -> Video {
    let host = src.host_str().unwrap_or("");
    let bare = host.strip_prefix("www.").unwrap_or(host);
    let mut segments = src.path_segments().into_iter().flatten();
    let video_id = |id: &str| {
        (!id.is_empty() && id.len() <= 64)
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    match bare {
        "youtube.com" | "youtube-nocookie.com" | "m.youtube.com" => {
            if let (Some("embed"), Some(id)) = (segments.next(), segments.next()) {
                if video_id(id) {
                    return Video {
                        url: format!("https://www.youtube.com/watch?v={id}"),
                        thumbnail: Some(format!("https://i.ytimg.com/vi/{id}/hqdefault.jpg")),
                        site: "YouTube".into(),
                    };
                }
            }
        }
        "player.vimeo.com" => {
            if let (Some("video"), Some(id)) = (segments.next(), segments.next()) {
                if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                    return Video {
                        url: format!("https://vimeo.com/{id}"),
                        thumbnail: None,
                        site: "Vimeo".into(),
                    };
                }
            }
        }
        "cdn.embedly.com" => {
            let param = |key: &str| {
                src.query_pairs()
                    .find(|(k, _)| k == key)
                    .and_then(|(_, v)| Url::parse(&v).ok())
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            };
            if let Some(inner) = param("src").filter(|u| u.host_str() != src.host_str()) {
                let mut video = video_link(&inner);
                if let Some(page) = param("url") {
                    video.url = page.into();
                }
                if let Some(image) = param("image") {
                    video.thumbnail = Some(image.into());
                }
                return video;
            }
        }
        _ => {}
    }
    Video {
        url: src.as_str().to_owned(),
        thumbnail: None,
        site: host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Details, Image};
    use std::cell::Cell;

    thread_local! {
        /// How many URLs `resolve` looked at, to count work in tests.
        pub static RESOLVED: Cell<usize> = const { Cell::new(0) };
    }

    fn article(body: Option<(&str, bool)>, featured: Option<&str>) -> Article {
        Article {
            details: Some(Box::new(Details {
                body: body.map(|(text, markdown)| Body {
                    text: text.into(),
                    markdown,
                }),
                featured_content: featured.map(str::to_owned),
                ..Details::default()
            })),
            ..crate::testing::article(
                "a.md",
                "https://blog.example/posts/2024/hello.html",
                chrono::DateTime::UNIX_EPOCH,
            )
        }
    }

    fn clean(html: &str) -> String {
        let base = Url::parse("https://blog.example/posts/2024/hello.html").unwrap();
        sanitize(html, Some(&base), None)
    }

    #[test]
    fn resolves_relative_urls_against_the_article_and_drops_unsafe_ones() {
        let html = r##"<a href="/x?a=1&amp;b=2">x</a><img src='pic.png'><a href="javascript:alert(1)">y</a><a href="#top">t</a><p data-src="/no">p</p><a href="mailto:me@x.example">m</a><img src="mailto:me@x.example"><a href=" JaVa&#x09;script:alert(2)">z</a><a href="vbscript:msgbox">v</a><a href="//cdn.example/a">c</a>"##;
        assert_eq!(
            clean(html),
            r##"<a href="https://blog.example/x?a=1&amp;b=2">x</a><img src="https://blog.example/posts/2024/pic.png"><a>y</a><a href="https://blog.example/posts/2024/hello.html#top">t</a><p>p</p><a href="mailto:me@x.example">m</a><img><a>z</a><a>v</a><a href="https://cdn.example/a">c</a>"##
        );
        // Scraped forum bodies: relative to the post, not to the site root.
        let html = r#"<img src="../html/emoticons/1f642.png" alt=":)">"#;
        assert_eq!(
            clean(html),
            r#"<img src="https://blog.example/posts/html/emoticons/1f642.png" alt=":)">"#
        );
        assert_eq!(sanitize(r#"<a href="/x">x</a>"#, None, None), "<a>x</a>");
    }

    #[test]
    fn removes_scripts_styles_embeds_forms_and_event_handlers() {
        let html = concat!(
            "<script>alert(1)</script><style>p{}</style><p onclick=\"alert(2)\" style=\"x\" class=c id=i>Hi</p>",
            "<object data=\"x.swf\"><param name=a value=b>obj</object><embed src=\"x.swf\">",
            "<form action=\"/post\"><input name=q><button formaction=\"/x\">Go</button><textarea>t</textarea></form>",
            "<meta http-equiv=refresh content=\"0;url=https://evil.example/\"><base href=\"https://evil.example/\">",
            "<svg><script>alert(3)</script></svg><math><mi>x</mi></math><img src=x onerror=alert(4)>",
            "<a href=\"data:text/html,<script>alert(5)</script>\">d</a><!-- comment --><template><b>t</b></template>",
            "<noscript><img src=\"lazy.png\"></noscript><video src=\"v.mp4\" poster=\"p.png\">v</video>"
        );
        let out = clean(html);
        assert_eq!(
            out,
            concat!(
                "<p>Hi</p>Go<img src=\"https://blog.example/posts/2024/x\"><a>d</a>",
                "v"
            )
        );
        for bad in [
            "<script",
            "<style",
            "onclick",
            "onerror",
            "<object",
            "<embed",
            "<form",
            "<input",
            "<meta",
            "<base",
            "<svg",
            "javascript:",
            "data:text",
            "<!--",
            "<iframe",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
    }

    #[test]
    fn keeps_raster_data_images_only() {
        let png = "data:image/png;base64,iVBORw0KGgo=";
        assert_eq!(
            clean(&format!("<img src=\"{png}\">")),
            format!("<img src=\"{png}\">")
        );
        assert_eq!(
            clean("<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">"),
            "<img>"
        );
        assert_eq!(clean(&format!("<a href=\"{png}\">x</a>")), "<a>x</a>");
    }

    #[test]
    fn resolves_and_checks_every_srcset_candidate() {
        assert_eq!(
            clean(
                r#"<img srcset="a.png 1x, /b.png 2x,javascript:alert(1) 3x, https://c.example/c,d.png 640w, e.png bogus, f.png">"#
            ),
            r#"<img srcset="https://blog.example/posts/2024/a.png 1x, https://blog.example/b.png 2x, https://c.example/c,d.png 640w, https://blog.example/posts/2024/f.png">"#
        );
        assert_eq!(clean(r#"<img srcset="javascript:alert(1) 1x">"#), "<img>");
        // A descriptor ending in a multi-byte character (found by fuzzing).
        assert_eq!(
            clean("<img srcset=\"a.png 2\u{fffd}, b.png 2\u{e9}\">"),
            "<img>"
        );
        assert_eq!(
            clean(
                r#"<picture><source srcset="s.webp" type="image/webp" onload="x"><img src="i.png"></picture>"#
            ),
            r#"<picture><source srcset="https://blog.example/posts/2024/s.webp" type="image/webp"><img src="https://blog.example/posts/2024/i.png"></picture>"#
        );
    }

    #[test]
    fn video_iframes_become_links_with_thumbnails() {
        let yt = r#"<p>Watch:</p><iframe width="800" src="https://www.youtube.com/embed/ENIACMQ7E1M?rel=0" allowfullscreen onload="x">fallback <script>x</script></iframe>"#;
        assert_eq!(
            clean(yt),
            concat!(
                "<p>Watch:</p><a href=\"https://www.youtube.com/watch?v=ENIACMQ7E1M\">",
                "<img src=\"https://i.ytimg.com/vi/ENIACMQ7E1M/hqdefault.jpg\" alt=\"Watch the video on YouTube\"></a> ",
                "<a href=\"https://www.youtube.com/watch?v=ENIACMQ7E1M\">Watch the video on YouTube</a>"
            )
        );
        assert_eq!(
            clean(
                r#"<IFRAME title="Demo &amp; more" src="https://player.vimeo.com/video/123?h=1"></IFRAME>"#
            ),
            r#"<a href="https://vimeo.com/123">Demo &amp; more</a>"#
        );
        assert_eq!(
            clean(r#"<iframe src="/embed/map"></iframe>"#),
            r#"<a href="https://blog.example/embed/map">Watch the video on blog.example</a>"#
        );
        assert_eq!(
            clean(
                r#"<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>x</script>"></iframe>"#
            ),
            ""
        );
        let embedly = "<iframe src=\"//cdn.embedly.com/widgets/media.html?src=https%3A%2F%2Fwww.youtube.com%2Fembed%2FwC2ckGfL6y8%3Ffeature%3Doembed&amp;url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DwC2ckGfL6y8&amp;image=https%3A%2F%2Fi.ytimg.com%2Fvi%2FwC2ckGfL6y8%2Fhqdefault.jpg\"></iframe>";
        assert_eq!(
            clean(embedly),
            concat!(
                "<a href=\"https://www.youtube.com/watch?v=wC2ckGfL6y8\"><img src=\"https://i.ytimg.com/vi/wC2ckGfL6y8/hqdefault.jpg\" alt=\"Watch the video on YouTube\"></a> ",
                "<a href=\"https://www.youtube.com/watch?v=wC2ckGfL6y8\">Watch the video on YouTube</a>"
            )
        );
        // Inside foreign content an iframe is not an HTML iframe: it goes.
        assert_eq!(
            clean("<svg><iframe src=\"https://x.example/\"><a>t</a></iframe></svg>"),
            ""
        );
    }

    #[test]
    fn a_video_entry_shows_its_image_once_as_the_link_thumbnail() {
        let mut a = article(
            None,
            Some(r#"<iframe src="https://www.youtube.com/embed/abc"></iframe>"#),
        );
        a.kind = "video".into();
        let details = a.details.as_mut().expect("testing::article has details");
        details.image = Some(Image {
            url: "https://i.ytimg.com/vi/abc/maxresdefault.jpg".into(),
            width: Some(1280),
            height: Some(720),
        });
        let html = full_html(&a);
        assert_eq!(html.matches("maxresdefault.jpg").count(), 1, "{html}");
        assert!(html.contains("<div><a href=\"https://www.youtube.com/watch?v=abc\"><img src=\"https://i.ytimg.com/vi/abc/maxresdefault.jpg\""), "{html}");
        assert!(!html.contains("iframe"), "{html}");
    }

    #[test]
    fn twenty_thousand_links_are_resolved_once_each() {
        let body: String = (0..20_000)
            .map(|i| format!("<p><a href=\"/p/{i}\" class=x>link {i}</a> <img src=\"i{i}.png\" alt=\"\"></p>\n"))
            .collect();
        RESOLVED.with(|n| n.set(0));
        let html = full_html(&article(Some((&body, false)), None));
        // One look at each of the 40,000 URLs, plus the entry's own link: the
        // old hand-written rewriter lowercased the rest of the body at each one.
        assert_eq!(RESOLVED.with(Cell::get), 40_000);
        assert_eq!(
            html.matches("href=\"https://blog.example/p/").count(),
            20_000
        );
        assert_eq!(
            html.matches("src=\"https://blog.example/posts/2024/i")
                .count(),
            20_000
        );
        assert!(!html.contains("class="));
    }

    #[test]
    fn html_is_made_once_per_content() {
        let a = article(Some(("<a href=\"/memo-1\">x</a>", false)), None);
        RESOLVED.with(|n| n.set(0));
        let first = full_html(&a);
        let again = full_html(&a);
        assert_eq!(first, again);
        assert_eq!(first, make_full_html(&a));
        assert_eq!(RESOLVED.with(Cell::get), 2, "made twice, one URL each");
        // Another body, link or kind is another key.
        let mut b = article(Some(("<a href=\"/memo-2\">x</a>", false)), None);
        assert!(full_html(&b).contains("/memo-2"));
        b.link = "https://other.example/".into();
        assert!(full_html(&b).contains("https://other.example/memo-2"));
        assert_ne!(memo_key(&a), memo_key(&b));
        let mut c = a.clone();
        c.kind = "video".into();
        assert_ne!(memo_key(&a), memo_key(&c));
    }

    #[test]
    fn too_deep_nesting_is_shown_as_text_in_linear_work() {
        let deep = format!(
            "{}<p>deep &amp; <b>bold</b><script>x()</script>{}",
            "<div>".repeat(100_000),
            "</div>".repeat(10)
        );
        assert_eq!(clean(&deep), "<p>deep &amp; bold</p>");
        // Just under the cap, and unclosed <p>s and void elements, stay HTML.
        let ok = format!(
            "{}x{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        );
        assert!(clean(&ok).starts_with("<div><div>"));
        let flat = "<p>a<br><img src=x.png>".repeat(10_000);
        assert!(clean(&flat).starts_with("<p>a<br><img"));
    }

    #[test]
    fn character_references_never_yield_forbidden_characters() {
        let html = full_html(&article(
            Some(("bell &#07; and &#x1b; and &#0;", true)),
            None,
        ));
        assert!(html.chars().all(text::is_xml_char), "{html:?}");
        assert!(html.contains("bell  and  and"), "{html}");
    }

    #[test]
    fn output_is_deterministic() {
        let body = r#"<p a=1 onclick=x title=t lang=en class=c dir=ltr>x</p><img alt=a src=b width=1 height=2 onerror=y>"#;
        let first = full_html(&article(Some((body, false)), None));
        for _ in 0..5 {
            assert_eq!(full_html(&article(Some((body, false)), None)), first);
        }
    }

    #[test]
    fn takes_the_body_of_html_documents_and_renders_markdown() {
        let doc = Body { text: "<html><head><style>x</style></head><BODY class=a>{% raw %}<p>Hi</p>{% endraw %}</body></html>".into(), markdown: false };
        assert_eq!(body_html(&doc), "<p>Hi</p>");
        let md = Body {
            text: "# T\n\n*em*".into(),
            markdown: true,
        };
        assert_eq!(body_html(&md), "<h1>T</h1>\n<p><em>em</em></p>\n");
    }
}
