//! A document's URL and id as Jekyll 4.3 computes them (`Jekyll::URL`,
//! `Drops::UrlDrop`, `Document#url`, `Document#id`, `Collection#url_template`).
//!
//! [`url`] gives the path part (`/2021/03/01/hello.html`), before
//! `url` + `baseurl`; [`absolute_url`] adds those as Jekyll's
//! `absolute_url` filter does.

use super::slugify::{slugify, Mode};
use chrono::DateTime;
use chrono_tz::Tz;

/// A `permalink:` setting: one of Jekyll's named styles or a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permalink {
    Style(Style),
    Template(String),
}

/// Jekyll's built-in permalink styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Date,
    Pretty,
    Ordinal,
    Weekdate,
    None,
}

impl Default for Permalink {
    /// Jekyll's default, `permalink: date`.
    fn default() -> Self {
        Permalink::Style(Style::Date)
    }
}

impl Permalink {
    /// Reads a `permalink:` value: a style name or a template.
    pub fn parse(text: &str) -> Permalink {
        match text {
            "date" => Permalink::Style(Style::Date),
            "pretty" => Permalink::Style(Style::Pretty),
            "ordinal" => Permalink::Style(Style::Ordinal),
            "weekdate" => Permalink::Style(Style::Weekdate),
            "none" => Permalink::Style(Style::None),
            other => Permalink::Template(other.to_string()),
        }
    }

    /// The template a style stands for (Jekyll's `STYLE_TO_PERMALINK`).
    pub fn template(&self) -> &str {
        match self {
            Permalink::Style(Style::None) => "/:categories/:title:output_ext",
            Permalink::Style(Style::Date) => "/:categories/:year/:month/:day/:title:output_ext",
            Permalink::Style(Style::Ordinal) => "/:categories/:year/:y_day/:title:output_ext",
            Permalink::Style(Style::Pretty) => "/:categories/:year/:month/:day/:title/",
            Permalink::Style(Style::Weekdate) => {
                "/:categories/:year/W:week/:short_day/:title:output_ext"
            }
            Permalink::Template(template) => template,
        }
    }

    /// `template` with the ending this style gives (Jekyll's
    /// `add_permalink_suffix`): `/` for `pretty` or a template ending in
    /// `/`, `:output_ext` for `date`, `ordinal`, `none` or a template
    /// ending in `:output_ext`, else nothing. (`weekdate` adds nothing, as
    /// in Jekyll.)
    pub fn with_suffix(&self, template: &str) -> String {
        let mut out = template.to_string();
        match self {
            Permalink::Style(Style::Pretty) => out.push('/'),
            Permalink::Style(Style::Date | Style::Ordinal | Style::None) => {
                out.push_str(":output_ext")
            }
            Permalink::Style(Style::Weekdate) => {}
            Permalink::Template(t) => {
                if t.ends_with('/') {
                    out.push('/');
                }
                if t.ends_with(":output_ext") {
                    out.push_str(":output_ext");
                }
            }
        }
        out
    }
}

/// The URL template of a collection's documents: the collection's own
/// `permalink:` when set; for `posts` the site's style; for the others
/// `/:collection/:path` with the site style's ending.
pub fn collection_template(label: &str, own: Option<&str>, site: &Permalink) -> String {
    match own {
        Some(own) => own.to_string(),
        None if label == "posts" => site.template().to_string(),
        None => site.with_suffix("/:collection/:path"),
    }
}

/// What a document's URL is made of.
#[derive(Debug, Clone)]
pub struct DocumentUrlInput<'a> {
    /// The collection's label (`posts`, `notes`).
    pub collection: &'a str,
    /// The collection's folder relative to the site (`_posts`, `_notes`).
    pub collection_dir: &'a str,
    /// The file's path relative to the site, `/`-separated
    /// (`_posts/2021-03-01-hello.md`, `es/_posts/…`).
    pub relative_path: &'a str,
    /// The collection's URL template ([`collection_template`]).
    pub template: &'a str,
    /// The front matter's `permalink:` (or the one `defaults` give).
    pub permalink: Option<&'a str>,
    /// The document's date in the site's time zone.
    pub date: DateTime<Tz>,
    /// The front matter's `slug:` when set.
    pub slug: Option<&'a str>,
    /// The document's categories as Jekyll holds them (front matter,
    /// then the folders above `_posts`).
    pub categories: &'a [String],
    /// What the converter writes: `.html` for Markdown and HTML.
    pub output_ext: &'a str,
}

/// Why a URL could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermalinkError {
    /// Jekyll stops the build on these.
    #[error("the permalink template has no :{0} placeholder")]
    UnknownPlaceholder(String),
}

impl<'a> DocumentUrlInput<'a> {
    /// The file name without its extension (`File.basename(path, ".*")`).
    pub fn basename_without_ext(&self) -> &'a str {
        let name = self.relative_path.rsplit('/').next().unwrap_or("");
        split_ext(name).0
    }

    /// Jekyll's `data["slug"]`: the front matter's, else the file name
    /// without its date prefix, extension and trailing dots.
    pub fn raw_slug(&self) -> String {
        if let Some(slug) = self.slug {
            return slug.to_string();
        }
        let name = self.relative_path.rsplit('/').next().unwrap_or("");
        let stem = match super::date::file_name_parts(name) {
            Some(parts) => parts.slug,
            None => self.basename_without_ext(),
        };
        stem.trim_end_matches('.').to_string()
    }

    /// Jekyll's `cleaned_relative_path` (`:path`): the relative path
    /// without extension, the collection folder taken out, trailing dots
    /// removed.
    fn cleaned_relative_path(&self) -> String {
        split_ext(self.relative_path)
            .0
            .replacen(self.collection_dir, "", 1)
            .trim_end_matches('.')
            .to_string()
    }

    fn placeholder(&self, key: &str) -> Option<String> {
        let date = &self.date;
        let f = |pattern: &str| date.format(pattern).to_string();
        Some(match key {
            "output_ext" => self.output_ext.to_string(),
            "path" => self.cleaned_relative_path(),
            "collection" => self.collection.to_string(),
            "name" => slugify(self.basename_without_ext(), Mode::Default, false),
            "title" => slugify(&self.raw_slug(), Mode::Pretty, true),
            "slug" => slugify(&self.raw_slug(), Mode::Default, false),
            "categories" => unique(self.categories.iter().map(|c| c.to_lowercase())),
            "slugified_categories" => unique(
                self.categories
                    .iter()
                    .map(|c| slugify(c, Mode::Default, false)),
            ),
            "year" => f("%Y"),
            "month" => f("%m"),
            "day" => f("%d"),
            "hour" => f("%H"),
            "minute" => f("%M"),
            "second" => f("%S"),
            "i_day" => f("%-d"),
            "i_month" => f("%-m"),
            "short_month" => f("%b"),
            "long_month" => f("%B"),
            "short_year" => f("%y"),
            "w_year" => f("%G"),
            "week" => f("%V"),
            "w_day" => f("%u"),
            "short_day" => f("%a"),
            "long_day" => f("%A"),
            "y_day" => f("%j"),
            _ => return None,
        })
    }
}

/// Joins distinct values with `/`, first occurrence first (a Ruby `Set`).
fn unique(values: impl Iterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen.join("/")
}

/// The document's URL path as Jekyll's `Document#url` makes it: the
/// front matter's `permalink:` or else the collection template, its
/// `:placeholders` filled and escaped, then sanitised (`..` and `./`
/// removed, one leading `/`, no doubled `/`).
pub fn url(input: &DocumentUrlInput<'_>) -> Result<String, PermalinkError> {
    let template = input.permalink.unwrap_or(input.template);
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        if name_len == 0 {
            out.push(':');
            rest = after;
            continue;
        }
        let name = &after[..name_len];
        // `:month_:day` means `:month` then `_`: Jekyll tries the name
        // with its trailing `_` first, then without it.
        let (value, used) = match input.placeholder(name) {
            Some(value) => (value, name_len),
            None => match name.strip_suffix('_').and_then(|n| input.placeholder(n)) {
                Some(value) => (value, name_len - 1),
                None => return Err(PermalinkError::UnknownPlaceholder(name.to_string())),
            },
        };
        out.push_str(&escape_path(&value));
        rest = &after[used..];
    }
    out.push_str(rest);
    Ok(sanitize(&out))
}

/// What Jekyll's converter writes for a file name: `.html` for Markdown
/// (the default `markdown_ext`: markdown, mkdown, mkdn, mkd, md), `.css`
/// for Sass, else the file's own extension (`.html`, `.xml`, `.txt`), or
/// nothing for a name without one.
pub fn output_ext(file_name: &str) -> &str {
    let ext = split_ext(file_name).1;
    match ext.to_ascii_lowercase().as_str() {
        ".markdown" | ".mkdown" | ".mkdn" | ".mkd" | ".md" => ".html",
        ".scss" | ".sass" => ".css",
        _ => ext,
    }
}

/// A path without its file name's extension, and the extension with its
/// dot (Ruby's `File.extname`: none for a name starting with its only dot).
fn split_ext(path: &str) -> (&str, &str) {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[name_start..].rfind('.') {
        Some(i) if i > 0 => path.split_at(name_start + i),
        _ => (path, ""),
    }
}

/// A page's URL (a file outside any collection: `about.md`,
/// `docs/index.html`, `feed.xml`) as Jekyll's `Page#url` makes it, for
/// `{% link %}`: the front matter's `permalink:` or else
/// `/:path/:basename:output_ext` for non-HTML output, `/:path/` for an
/// `index` page, `/:path/:basename` with the site style's ending for the
/// others; `relative_path` is from the site root.
pub fn page_url(relative_path: &str, site: &Permalink, permalink: Option<&str>) -> String {
    let (dir, name) = match relative_path.rfind('/') {
        Some(i) => (&relative_path[..i], &relative_path[i + 1..]),
        None => ("", relative_path),
    };
    let basename = split_ext(name).0.trim_end_matches('.');
    let ext = output_ext(name);
    let template = match permalink {
        Some(permalink) => permalink.to_string(),
        None if !matches!(ext, ".html" | ".htm" | ".xhtml") => {
            "/:path/:basename:output_ext".to_string()
        }
        None if basename == "index" => "/:path/".to_string(),
        None => site.with_suffix("/:path/:basename"),
    };
    // Jekyll's `generate_url_from_hash`: each key in turn, every
    // occurrence, until no `:` is left.
    let dir = format!("/{dir}");
    let mut url = template;
    for (key, value) in [
        ("path", dir.as_str()),
        ("basename", basename),
        ("output_ext", ext),
    ] {
        if !url.contains(':') {
            break;
        }
        url = url.replace(&format!(":{key}"), &escape_path(value));
    }
    sanitize(&url)
}

/// Jekyll's `Document#id` for a document: the URL's folder joined with
/// the raw slug (`/2021/03/01/hello`). jekyll-feed's `<id>` is this
/// through [`absolute_url`].
pub fn document_id(input: &DocumentUrlInput<'_>, url: &str) -> String {
    let dir = ruby_dirname(url);
    let slug = input.raw_slug();
    let slug = slug.trim_start_matches('/');
    if dir.ends_with('/') {
        format!("{dir}{slug}")
    } else {
        format!("{dir}/{slug}")
    }
}

/// Ruby's `File.dirname` for a `/`-rooted path.
fn ruby_dirname(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/",
        Some(i) => trimmed[..i].trim_end_matches('/'),
    }
}

/// Jekyll's `URL#sanitize_url`.
fn sanitize(url: &str) -> String {
    let joined = format!("/{url}").replace("..", "/").replace("./", "");
    let mut out = String::with_capacity(joined.len());
    for c in joined.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Characters Addressable leaves alone in a path: RFC 3986 unreserved,
/// sub-delims, `:`, `@` and `/`.
fn path_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)
}

/// Jekyll's `URL.escape_path` for one placeholder value: kept when only
/// `[a-zA-Z0-9./-]`; else percent-encoded as `Addressable::URI.encode`
/// does (a `?` starts a query and stays), every `#` written `%23`.
pub fn escape_path(value: &str) -> String {
    if value.is_empty()
        || value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/' || b == b'-')
    {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() * 3 / 2);
    for b in value.bytes() {
        if path_safe(b) || b == b'?' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Jekyll's `absolute_url` filter on a path: `site_url` + `baseurl`
/// (trailing `/` dropped) + `path`, with Addressable's normalisation of
/// the path (spaces and non-ASCII percent-encoded, `%XX` kept). An empty
/// `site_url` gives the `relative_url` form.
pub fn absolute_url(site_url: &str, baseurl: &str, path: &str) -> String {
    let base = baseurl.trim_end_matches('/');
    let lead = |s: &str| {
        if s.is_empty() || s.starts_with('/') {
            s.to_string()
        } else {
            format!("/{s}")
        }
    };
    let relative = normalize_path(&format!("{}{}", lead(base), lead(path)));
    if site_url.is_empty() {
        return relative;
    }
    format!("{}{}", normalize_site_url(site_url), relative)
}

/// Percent-encodes what Addressable's `normalize` encodes in a path,
/// query and fragment: `%XX` of an unreserved character is decoded, other
/// `%XX` get upper-case hex, a `%` starting no escape is `%25`.
fn normalize_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len() + 8);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        if let (b'%', Some(hi), Some(lo)) = (b, hex(i + 1), hex(i + 2)) {
            let decoded = (hi * 16 + lo) as u8;
            if decoded.is_ascii_alphanumeric() || b"-._~".contains(&decoded) {
                out.push(decoded as char);
            } else {
                out.push_str(&format!("%{decoded:02X}"));
            }
            i += 3;
            continue;
        }
        if path_safe(b) || b == b'?' || b == b'#' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
    out
}

/// A site `url` as Addressable normalises it: scheme and host lower-case,
/// the scheme's default port dropped, no trailing `/`.
fn normalize_site_url(site_url: &str) -> String {
    let site_url = site_url.trim_end_matches('/');
    let Some((scheme, rest)) = site_url.split_once("://") else {
        return site_url.to_string();
    };
    let scheme = scheme.to_ascii_lowercase();
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let mut host = authority.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    if !default_port.is_empty() && host.ends_with(default_port) {
        host.truncate(host.len() - default_port.len());
    }
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    //! The expected URLs and ids are what `jekyll build` (4.3.1) printed
    //! for `{{ doc.url }}`, `{{ doc.id }}` and their `absolute_url` on tiny
    //! sites (`url: https://example.org`, `baseurl: /blog`).
    use super::*;
    use chrono::TimeZone;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    /// One document: collection, relative path, template, front-matter
    /// permalink and slug, categories, local date.
    struct Doc<'a> {
        collection: &'a str,
        path: &'a str,
        template: String,
        permalink: Option<&'a str>,
        slug: Option<&'a str>,
        categories: Vec<String>,
        date: (i32, u32, u32, u32, u32, u32),
    }

    fn post(path: &str) -> Doc<'_> {
        Doc {
            collection: "posts",
            path,
            template: collection_template("posts", None, &Permalink::default()),
            permalink: None,
            slug: None,
            categories: Vec::new(),
            date: (2021, 3, 1, 0, 0, 0),
        }
    }

    impl Doc<'_> {
        fn url_and_id(&self) -> (String, String) {
            let (y, mo, d, h, mi, s) = self.date;
            let dir = format!("_{}", self.collection);
            let input = DocumentUrlInput {
                collection: self.collection,
                collection_dir: &dir,
                relative_path: self.path,
                template: &self.template,
                permalink: self.permalink,
                date: BERLIN.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap(),
                slug: self.slug,
                categories: &self.categories,
                output_ext: ".html",
            };
            let url = url(&input).unwrap_or_else(|e| panic!("{}: {e}", self.path));
            let id = document_id(&input, &url);
            (url, id)
        }
    }

    fn check(doc: Doc<'_>, url: &str, id: &str) {
        assert_eq!(
            doc.url_and_id(),
            (url.to_string(), id.to_string()),
            "{}",
            doc.path
        );
    }

    fn cats(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn posts_with_the_date_style() {
        check(
            post("_posts/2021-03-01-hello-world.md"),
            "/2021/03/01/hello-world.html",
            "/2021/03/01/hello-world",
        );
        let mut d = post("_posts/2021-01-03-cats.md");
        d.categories = cats(&["Tech", "Big News"]);
        d.date = (2021, 1, 3, 0, 0, 0);
        check(
            d,
            "/tech/big%20news/2021/01/03/cats.html",
            "/tech/big%20news/2021/01/03/cats",
        );
        let mut d = post("_posts/2021-01-05-catstr.md");
        d.categories = cats(&["alpha", "beta"]);
        d.date = (2021, 1, 5, 0, 0, 0);
        check(
            d,
            "/alpha/beta/2021/01/05/catstr.html",
            "/alpha/beta/2021/01/05/catstr",
        );
        let mut d = post("_posts/2021-01-06-slugged.md");
        d.slug = Some("My Custom Slug");
        d.date = (2021, 1, 6, 0, 0, 0);
        check(
            d,
            "/2021/01/06/My-Custom-Slug.html",
            "/2021/01/06/My Custom Slug",
        );
        let mut d = post("_posts/2021-01-07-perma.md");
        d.permalink = Some("/custom/:title/");
        check(d, "/custom/perma/", "/custom/perma");
        let mut d = post("_posts/2021-01-08-perma2.md");
        d.permalink = Some("/fixed/page.html");
        check(d, "/fixed/page.html", "/fixed/perma2");
        let mut d = post("_posts/deep/er/2021-01-10-deeper.md");
        d.date = (2021, 1, 10, 0, 0, 0);
        check(d, "/2021/01/10/deeper.html", "/2021/01/10/deeper");
        let mut d = post("_posts/2021-01-11-dots....md");
        d.date = (2021, 1, 11, 0, 0, 0);
        check(d, "/2021/01/11/dots.html", "/2021/01/11/dots");
        let mut d = post("es/_posts/2021-01-14-hola.md");
        d.categories = cats(&["es"]);
        d.date = (2021, 1, 14, 0, 0, 0);
        check(d, "/es/2021/01/14/hola.html", "/es/2021/01/14/hola");
        let mut d = post("_posts/2021-01-16-q?mark#hash.md");
        d.date = (2021, 1, 16, 0, 0, 0);
        check(d, "/2021/01/16/q-mark-hash.html", "/2021/01/16/q?mark#hash");
        let mut d = post("_posts/2021-01-17-pct%20x.md");
        d.date = (2021, 1, 17, 0, 0, 0);
        check(d, "/2021/01/17/pct-20x.html", "/2021/01/17/pct%20x");
        let mut d = post("_posts/2021-01-18-pretty_chars.~!$&'()+,;=@.md");
        d.date = (2021, 1, 18, 0, 0, 0);
        check(
            d,
            "/2021/01/18/pretty_chars.~!$&'()+,;=@.html",
            "/2021/01/18/pretty_chars.~!$&'()+,;=@",
        );
    }

    #[test]
    fn drafts_as_jekyll_drafts_makes_them() {
        // `jekyll build --drafts`: drafts are posts read from `_drafts`.
        let mut d = post("_drafts/dated-draft.md");
        d.categories = cats(&["Ideas"]);
        d.date = (2021, 4, 4, 12, 0, 0);
        check(
            d,
            "/ideas/2021/04/04/dated-draft.html",
            "/ideas/2021/04/04/dated-draft",
        );
        let mut d = post("fr/_drafts/brouillon.md");
        d.categories = cats(&["fr"]);
        d.date = (2021, 4, 5, 12, 0, 0);
        check(
            d,
            "/fr/2021/04/05/brouillon.html",
            "/fr/2021/04/05/brouillon",
        );
        let mut d = post("_drafts/2021-04-06-with-date-name.md");
        d.date = (2021, 4, 6, 12, 0, 0);
        check(
            d,
            "/2021/04/06/with-date-name.html",
            "/2021/04/06/with-date-name",
        );
    }

    #[test]
    fn collections_with_their_templates() {
        let notes = collection_template("notes", None, &Permalink::default());
        assert_eq!(notes, "/:collection/:path:output_ext");
        let mut d = post("_notes/2021-02-03-dated-note.md");
        d.collection = "notes";
        d.template = notes.clone();
        check(d, "/notes/2021-02-03-dated-note.html", "/notes/dated-note");
        let mut d = post("_notes/sub/inner.md");
        d.collection = "notes";
        d.template = notes;
        check(d, "/notes/sub/inner.html", "/notes/sub/inner");
        let own = "/cook/:year/:i_month/:i_day/:slug:output_ext";
        let recipes = collection_template("recipes", Some(own), &Permalink::default());
        let mut d = post("_recipes/2021-02-04-Pancakes.md");
        d.collection = "recipes";
        d.template = recipes.clone();
        d.date = (2021, 2, 4, 0, 0, 0);
        check(d, "/cook/2021/2/4/pancakes.html", "/cook/2021/2/4/Pancakes");
        let mut d = post("_recipes/2021-02-05-waffles.md");
        d.collection = "recipes";
        d.template = recipes;
        d.slug = Some("Crispy Waffles");
        d.date = (2021, 2, 5, 0, 0, 0);
        check(
            d,
            "/cook/2021/2/5/crispy-waffles.html",
            "/cook/2021/2/5/Crispy Waffles",
        );
    }

    #[test]
    fn absolute_urls_as_the_filter_makes_them() {
        for (path, expected) in [
            (
                "/2021/01/06/My Custom Slug",
                "https://example.org/blog/2021/01/06/My%20Custom%20Slug",
            ),
            (
                "/tech/big%20news/2021/01/03/cats",
                "https://example.org/blog/tech/big%20news/2021/01/03/cats",
            ),
            (
                "/2021/01/16/q?mark#hash",
                "https://example.org/blog/2021/01/16/q?mark#hash",
            ),
            (
                "/2021/01/18/pretty_chars.~!$&'()+,;=@",
                "https://example.org/blog/2021/01/18/pretty_chars.~!$&'()+,;=@",
            ),
            ("/custom/perma/", "https://example.org/blog/custom/perma/"),
        ] {
            assert_eq!(
                absolute_url("https://example.org", "/blog", path),
                expected,
                "{path}"
            );
        }
        assert_eq!(
            absolute_url("https://example.org", "", "/a.html"),
            "https://example.org/a.html"
        );
        assert_eq!(absolute_url("", "/blog/", "a.html"), "/blog/a.html");
    }

    #[test]
    fn pages_as_jekyll_makes_their_urls() {
        // `{{ page.url }}` of every page of four sites, one per `permalink:`.
        let pages = [
            "about.md",
            "custom.md",
            "custom2.md",
            "docs/data.json",
            "docs/deep/Ünï",
            "docs/index.htm",
            "docs/index.md",
            "docs/intro.md",
            "feed.xml",
            "index.html",
            "old.htm",
            "sp ace.html",
        ];
        let front = |page: &str| match page {
            "custom.md" => Some("/x/:basename/"),
            "custom2.md" => Some("/:path/:basename:output_ext"),
            _ => None,
        };
        let fixed = [
            "/x/custom/",
            "/custom2.html",
            "/docs/data.json",
            "/docs/deep/%C3%9Cn%C3%AF",
            "/docs/",
            "/docs/",
        ];
        for (style, about, intro, rest) in [
            (
                "date",
                "/about.html",
                "/docs/intro.html",
                ["/feed.xml", "/", "/old.htm", "/sp%20ace.html"],
            ),
            (
                "pretty",
                "/about/",
                "/docs/intro/",
                ["/feed.xml", "/", "/old/", "/sp%20ace/"],
            ),
            (
                "/:categories/:title/",
                "/about/",
                "/docs/intro/",
                ["/feed.xml", "/", "/old/", "/sp%20ace/"],
            ),
            (
                "/:year/:title",
                "/about",
                "/docs/intro",
                ["/feed.xml", "/", "/old", "/sp%20ace"],
            ),
        ] {
            let style = Permalink::parse(style);
            let expected: Vec<&str> = [about]
                .into_iter()
                .chain(fixed)
                .chain([intro])
                .chain(rest)
                .collect();
            let got: Vec<String> = pages
                .iter()
                .map(|p| page_url(p, &style, front(p)))
                .collect();
            assert_eq!(got, expected, "{style:?}");
        }
    }

    #[test]
    fn output_extensions() {
        for (name, ext) in [
            ("_posts/2021-01-01-a.md", ".html"),
            ("a.markdown", ".html"),
            ("a.MD", ".html"),
            ("a.html", ".html"),
            ("a.htm", ".htm"),
            ("a.txt", ".txt"),
            ("style.scss", ".css"),
            ("_notes/sub/no-extension", ""),
            (".htaccess", ""),
        ] {
            assert_eq!(output_ext(name), ext, "{name}");
        }
    }

    #[test]
    fn escape_path_as_jekyll_escapes() {
        // What `Jekyll::URL.escape_path` returned for each.
        for (value, expected) in [
            ("a#b#c", "a%23b%23c"),
            ("a?b?c#d?e", "a?b?c%23d?e"),
            ("x y", "x%20y"),
            ("50%", "50%25"),
            ("ü/ö", "%C3%BC/%C3%B6"),
            ("a[b]", "a%5Bb%5D"),
            ("q&a=b", "q&a=b"),
            ("a|b", "a%7Cb"),
            ("a^b", "a%5Eb"),
            ("a\"b", "a%22b"),
            ("a<b>", "a%3Cb%3E"),
            ("a{b}", "a%7Bb%7D"),
            ("a`b", "a%60b"),
            ("a\\b", "a%5Cb"),
            ("~x_y", "~x_y"),
            ("a b#c d?e f", "a%20b%23c%20d?e%20f"),
            ("", ""),
            ("2021/03", "2021/03"),
        ] {
            assert_eq!(escape_path(value), expected, "{value}");
        }
    }

    #[test]
    fn absolute_urls_normalised_as_addressable_does() {
        // What `Addressable::URI.parse(s).normalize` gave.
        for (site, path, expected) in [
            (
                "https://example.org",
                "/a%7eb",
                "https://example.org/blog/a~b",
            ),
            (
                "https://example.org",
                "/a%c3%bcb",
                "https://example.org/blog/a%C3%BCb",
            ),
            (
                "https://example.org",
                "/a b|c",
                "https://example.org/blog/a%20b%7Cc",
            ),
            (
                "https://example.org",
                "/x%2Fy",
                "https://example.org/blog/x%2Fy",
            ),
            (
                "https://example.org",
                "/a[b]",
                "https://example.org/blog/a%5Bb%5D",
            ),
            (
                "https://example.org",
                "/50%",
                "https://example.org/blog/50%25",
            ),
            (
                "https://example.org",
                "/a%zz",
                "https://example.org/blog/a%25zz",
            ),
            (
                "https://Example.ORG:443",
                "/b",
                "https://example.org/blog/b",
            ),
            (
                "http://example.org:8080/",
                "/b",
                "http://example.org:8080/blog/b",
            ),
        ] {
            assert_eq!(absolute_url(site, "/blog", path), expected, "{site} {path}");
        }
    }

    #[test]
    fn unknown_placeholders_stop_as_in_jekyll() {
        let mut d = post("_posts/2021-03-01-x.md");
        d.permalink = Some("/:nope/:title/");
        let (y, mo, da, h, mi, s) = d.date;
        let input = DocumentUrlInput {
            collection: "posts",
            collection_dir: "_posts",
            relative_path: d.path,
            template: &d.template,
            permalink: d.permalink,
            date: BERLIN.with_ymd_and_hms(y, mo, da, h, mi, s).unwrap(),
            slug: None,
            categories: &[],
            output_ext: ".html",
        };
        assert_eq!(
            url(&input),
            Err(PermalinkError::UnknownPlaceholder("nope".into()))
        );
    }
}

#[cfg(test)]
mod observed {
    //! Every document of nine tiny sites as `jekyll build` 4.3.1 printed
    //! it (`testdata/permalink_jekyll.json`: one site per permalink style
    //! or template, `url: https://example.org`, `baseurl: /blog`,
    //! `timezone: Europe/Berlin`; the printed `slug`, `categories`,
    //! `permalink` and date are the inputs, `url`, `id` and their
    //! `absolute_url` the expected outputs).
    use super::*;
    use serde::Deserialize;
    use std::collections::HashMap;

    #[derive(Deserialize)]
    struct Site {
        site: String,
        permalink: Option<String>,
        collection_permalinks: HashMap<String, String>,
        docs: Vec<Doc>,
    }

    #[derive(Deserialize)]
    struct Doc {
        collection: String,
        relative_path: String,
        permalink: Option<String>,
        slug: String,
        categories: Vec<String>,
        date: String,
        url: String,
        id: String,
        absolute_id: String,
        absolute_url: String,
    }

    #[test]
    fn every_observed_document() {
        let sites: Vec<Site> = serde_json::from_str(include_str!("testdata/permalink_jekyll.json"))
            .unwrap_or_else(|e| panic!("permalink_jekyll.json: {e}"));
        let berlin = chrono_tz::Europe::Berlin;
        let mut checked = 0;
        let mut wrong = Vec::new();
        for site in &sites {
            let style = site
                .permalink
                .as_deref()
                .map_or_else(Permalink::default, Permalink::parse);
            for doc in &site.docs {
                let template = collection_template(
                    &doc.collection,
                    site.collection_permalinks
                        .get(&doc.collection)
                        .map(String::as_str),
                    &style,
                );
                let date = DateTime::parse_from_rfc3339(&doc.date)
                    .unwrap_or_else(|e| panic!("{}: {e}", doc.date))
                    .with_timezone(&berlin);
                let dir = format!("_{}", doc.collection);
                let input = DocumentUrlInput {
                    collection: &doc.collection,
                    collection_dir: &dir,
                    relative_path: &doc.relative_path,
                    template: &template,
                    permalink: doc.permalink.as_deref(),
                    date,
                    slug: Some(&doc.slug),
                    categories: &doc.categories,
                    output_ext: output_ext(&doc.relative_path),
                };
                let got_url = url(&input).unwrap_or_else(|e| e.to_string());
                let got_id = document_id(&input, &got_url);
                let got = (
                    got_url.clone(),
                    got_id.clone(),
                    absolute_url("https://example.org", "/blog", &got_id),
                    absolute_url("https://example.org", "/blog", &got_url),
                );
                let expected = (
                    doc.url.clone(),
                    doc.id.clone(),
                    doc.absolute_id.clone(),
                    doc.absolute_url.clone(),
                );
                if got != expected {
                    wrong.push(format!(
                        "{} {}: {got:?}\n  Jekyll {expected:?}",
                        site.site, doc.relative_path
                    ));
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} documents");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
