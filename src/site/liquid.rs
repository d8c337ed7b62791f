//! Liquid in document bodies, as far as a feed needs it (site mode).
//!
//! Jekyll renders a document's Liquid before its Markdown. Here a pre-scan
//! finds every tag and object first, because the `liquid` crate parses a
//! whole template strictly (one unknown tag, and nothing renders):
//! - `{% raw %}…{% endraw %}`: the text inside, as it is;
//! - `{% link PATH %}`, `{% post_url NAME %}`: the URL (with `baseurl`);
//! - `{% highlight LANG %}…{% endhighlight %}`: a `<pre><code>` block;
//! - `{% comment %}…{% endcomment %}`: nothing;
//! - `{{ site.… }}`, `{{ page.… }}` and `{{ 'text' | … }}`: evaluated by
//!   the `liquid` crate with its standard filters and Jekyll's
//!   `relative_url` and `absolute_url`;
//! - any other tag or object: dropped, with a warning naming `file:line`.
//!
//! Nothing of Liquid's syntax is ever left in the output.

use crate::diagnostic::Diagnostic;
use crate::yaml::Node;
use liquid::model::{Object, Value};
use liquid_core::{
    Display_filter, Filter, FilterReflection, ParseFilter, Result as LiquidResult, Runtime,
    ValueView,
};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a document's Liquid can see.
#[derive(Clone, Copy)]
pub struct LiquidContext<'a> {
    /// The document, relative to the site, for diagnostics.
    pub path: &'a str,
    /// The file's line (1-based) on which the body starts.
    pub body_line: usize,
    /// `site`: `_config.yml` as read (`url` and `baseurl` among it).
    pub site: &'a Node,
    /// `page`: the document's front matter and what Jekyll adds (`url`, …).
    pub page: &'a Node,
    /// `{% post_url %}`: a post's name (`2021-03-01-reefing-early`, or
    /// with its folder, `gear/2020-11-03-rigging`) → its URL path, before
    /// `baseurl`.
    pub post_urls: &'a HashMap<String, String>,
    /// `{% link %}`: a file's path relative to the site → its URL path,
    /// before `baseurl`; `None` for a file Jekyll does not write.
    pub link_url: &'a dyn Fn(&str) -> Option<String>,
}

/// The body with its Liquid rendered, and a warning for each tag or object
/// left out.
pub fn render(body: &str, cx: &LiquidContext) -> (String, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    if !body.contains("{{") && !body.contains("{%") {
        return (body.to_owned(), warnings);
    }
    let mut out = String::with_capacity(body.len());
    let mut globals: Option<Object> = None;
    let mut trim_next = false;
    let mut at = 0;
    while at < body.len() {
        let Some(open) = next_open(body, at) else {
            push_text(&mut out, &body[at..], trim_next);
            break;
        };
        let object = body[open..].starts_with("{{");
        let close_mark = if object { "}}" } else { "%}" };
        let Some(close) = body[open + 2..].find(close_mark).map(|c| open + 2 + c) else {
            warnings.push(warning(
                cx,
                body,
                open,
                "an unclosed Liquid tag or object; left as text",
            ));
            push_text(&mut out, &body[at..], trim_next);
            break;
        };
        let text_start = out.len();
        push_text(&mut out, &body[at..open], trim_next);
        let mut inner = &body[open + 2..close];
        if let Some(rest) = inner.strip_prefix('-') {
            // `{%-`: the white space of the text just before, no further.
            inner = rest;
            let kept = out.trim_end().len().max(text_start);
            out.truncate(kept);
        }
        trim_next = false;
        if let Some(rest) = inner.strip_suffix('-') {
            inner = rest;
            trim_next = true;
        }
        at = close + 2;
        let inner = inner.trim();
        if object {
            let globals = globals.get_or_insert_with(|| globals_of(cx));
            match object_value(inner, globals) {
                Ok(text) => out.push_str(&text),
                Err(why) => warnings.push(warning(cx, body, open, &why)),
            }
            continue;
        }
        let (name, args) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(n, a)| (n, a.trim()));
        match name {
            "raw" | "comment" | "highlight" => {
                let end_name = format!("end{name}");
                let Some((content, after)) = block_end(body, at, &end_name) else {
                    warnings.push(warning(
                        cx,
                        body,
                        open,
                        &format!(
                            "`{{% {name} %}}` without `{{% {end_name} %}}`; the rest is left out"
                        ),
                    ));
                    at = body.len();
                    continue;
                };
                match name {
                    "raw" => out.push_str(content),
                    "highlight" => {
                        let language = args.split_whitespace().next().unwrap_or("");
                        let code = crate::text::escape_html(content.trim_matches('\n'));
                        if language.is_empty() {
                            out.push_str(&format!("<pre><code>{code}</code></pre>"));
                        } else {
                            let language = crate::text::escape_html(language);
                            out.push_str(&format!(
                                "<pre><code class=\"language-{language}\">{code}</code></pre>"
                            ));
                        }
                    }
                    _ => {}
                }
                at = after;
            }
            "link" | "post_url" => match tag_url(name, args, cx) {
                Some(url) => out.push_str(&url),
                None => warnings.push(warning(
                    cx,
                    body,
                    open,
                    &format!("`{{% {name} {args} %}}`: no such document; left out"),
                )),
            },
            _ => warnings.push(warning(
                cx,
                body,
                open,
                &format!("Liquid tag `{name}` is not supported in feeds; left out"),
            )),
        }
    }
    (out, warnings)
}

/// The next `{{` or `{%` at or after `at`.
fn next_open(body: &str, at: usize) -> Option<usize> {
    let rest = &body[at..];
    let a = rest.find("{{");
    let b = rest.find("{%");
    match (a, b) {
        (Some(a), Some(b)) => Some(at + a.min(b)),
        (a, b) => a.or(b).map(|i| at + i),
    }
}

fn push_text(out: &mut String, text: &str, trim_start: bool) {
    out.push_str(if trim_start { text.trim_start() } else { text });
}

/// The content up to `{% end_name %}` (any spacing, `-` markers) and the
/// position after it.
fn block_end<'b>(body: &'b str, at: usize, end_name: &str) -> Option<(&'b str, usize)> {
    let mut from = at;
    while let Some(open) = body[from..].find("{%").map(|i| from + i) {
        let close = body[open + 2..].find("%}").map(|c| open + 2 + c)?;
        let inner = body[open + 2..close].trim_matches('-').trim();
        if inner == end_name {
            return Some((&body[at..open], close + 2));
        }
        from = open + 2;
    }
    None
}

fn warning(cx: &LiquidContext, body: &str, at: usize, message: &str) -> Diagnostic {
    let line = cx.body_line + body[..at].bytes().filter(|&b| b == b'\n').count();
    Diagnostic::warning(
        crate::diagnostic::Code::UnsupportedLiquid,
        cx.path,
        message.to_owned(),
    )
    .at(Some(line), None)
}

/// `{% link %}` and `{% post_url %}`: the document's URL with `baseurl`.
fn tag_url(name: &str, args: &str, cx: &LiquidContext) -> Option<String> {
    let wanted = args.trim().trim_start_matches('/');
    let path = if name == "link" {
        &(cx.link_url)(wanted)?
    } else {
        cx.post_urls.get(wanted).or_else(|| {
            // A name without its folder matches a post in any folder.
            let base = wanted.rsplit('/').next().unwrap_or(wanted);
            cx.post_urls
                .iter()
                .filter(|(k, _)| k.rsplit('/').next() == Some(base))
                .map(|(_, v)| v)
                .min()
        })?
    };
    Some(relative_url(path, &string_at(cx.site, "baseurl")))
}

/// `{{ … }}`: evaluated when it reads `site`, `page` or a quoted text.
fn object_value(expression: &str, globals: &Object) -> Result<String, String> {
    let head = expression.split('|').next().unwrap_or("").trim();
    let root = head
        .split(|c: char| c == '.' || c == '[' || c.is_whitespace())
        .next()
        .unwrap_or("");
    let quoted = head.len() >= 2
        && ((head.starts_with('\'') && head.ends_with('\''))
            || (head.starts_with('"') && head.ends_with('"')));
    if !(root == "site" || root == "page" || quoted) {
        return Err(format!(
            "Liquid object `{{{{ {} }}}}` is not supported in feeds (only site.*, page.* and quoted text); left out",
            short(expression)
        ));
    }
    let Some(parser) = parser() else {
        return Err("the Liquid parser could not be built; left out".to_owned());
    };
    let fail = |e: liquid::Error| {
        let first = e.to_string();
        let first = first.lines().next().unwrap_or("").trim().to_owned();
        format!(
            "Liquid object `{{{{ {} }}}}`: {first}; left out",
            short(expression)
        )
    };
    let template = parser
        .parse(&format!("{{{{ {expression} }}}}"))
        .map_err(fail)?;
    template.render(globals).map_err(fail)
}

/// At most 60 characters of an expression, for messages.
fn short(expression: &str) -> String {
    let mut s: String = expression.chars().take(60).collect();
    if s.len() < expression.len() {
        s.push('…');
    }
    crate::diagnostic::escape_controls(&s).into_owned()
}

fn parser() -> Option<&'static liquid::Parser> {
    static PARSER: OnceLock<Option<liquid::Parser>> = OnceLock::new();
    PARSER
        .get_or_init(|| {
            liquid::ParserBuilder::with_stdlib()
                .filter(RelativeUrl)
                .filter(AbsoluteUrl)
                .build()
                .ok()
        })
        .as_ref()
}

fn globals_of(cx: &LiquidContext) -> Object {
    let mut globals = Object::new();
    globals.insert("site".into(), value_of(cx.site));
    globals.insert("page".into(), value_of(cx.page));
    globals
}

/// A YAML value as a Liquid value.
pub fn value_of(node: &Node) -> Value {
    match node {
        Node::Null => Value::Nil,
        Node::Bool(b) => Value::scalar(*b),
        Node::Int(n) => Value::scalar(*n),
        Node::Float(f) => Value::scalar(*f),
        Node::Str(s) => Value::scalar(s.clone()),
        Node::Seq(items) => Value::Array(items.iter().map(value_of).collect()),
        Node::Map(entries) => {
            let mut object = Object::new();
            for (k, v) in entries {
                object.insert(k.clone().into(), value_of(v));
            }
            Value::Object(object)
        }
    }
}

fn string_at(node: &Node, key: &str) -> String {
    match node.get(key) {
        Some(Node::Str(s)) => s.clone(),
        _ => String::new(),
    }
}

/// Jekyll's `relative_url`: `baseurl` (without its trailing `/`) and the
/// input, each with a leading `/`; an absolute URL as it is.
pub fn relative_url(input: &str, baseurl: &str) -> String {
    if is_absolute(input) {
        return input.to_owned();
    }
    let lead = |s: &str| {
        if s.is_empty() || s.starts_with('/') {
            s.to_owned()
        } else {
            format!("/{s}")
        }
    };
    format!(
        "{}{}",
        lead(baseurl.strip_suffix('/').unwrap_or(baseurl)),
        lead(input)
    )
}

/// Jekyll's `absolute_url`: `url` before the relative URL (just the
/// relative URL without a `url`); an absolute URL as it is.
pub fn absolute_url(input: &str, url: &str, baseurl: &str) -> String {
    if is_absolute(input) {
        return input.to_owned();
    }
    format!("{url}{}", relative_url(input, baseurl))
}

/// Has a scheme (`https:`, `mailto:`), as Addressable's `absolute?`.
fn is_absolute(input: &str) -> bool {
    match input.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `site.url` and `site.baseurl` as the running template sees them.
fn site_urls(runtime: &dyn Runtime) -> (String, String) {
    let get = |key: &'static str| {
        runtime
            .try_get(&[
                liquid::model::ScalarCow::new("site"),
                liquid::model::ScalarCow::new(key),
            ])
            .filter(|v| !v.is_nil())
            .map(|v| v.to_kstr().to_string())
            .unwrap_or_default()
    };
    (get("url"), get("baseurl"))
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "relative_url",
    description = "Jekyll's relative_url: the site's baseurl before the input.",
    parsed(RelativeUrlFilter)
)]
struct RelativeUrl;

#[derive(Debug, Default, Display_filter)]
#[name = "relative_url"]
struct RelativeUrlFilter;

impl Filter for RelativeUrlFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> LiquidResult<Value> {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        let (_, baseurl) = site_urls(runtime);
        Ok(Value::scalar(relative_url(
            input.to_kstr().as_str(),
            &baseurl,
        )))
    }
}

#[derive(Clone, ParseFilter, FilterReflection)]
#[filter(
    name = "absolute_url",
    description = "Jekyll's absolute_url: the site's url and baseurl before the input.",
    parsed(AbsoluteUrlFilter)
)]
struct AbsoluteUrl;

#[derive(Debug, Default, Display_filter)]
#[name = "absolute_url"]
struct AbsoluteUrlFilter;

impl Filter for AbsoluteUrlFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> LiquidResult<Value> {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        let (url, baseurl) = site_urls(runtime);
        Ok(Value::scalar(absolute_url(
            input.to_kstr().as_str(),
            &url,
            &baseurl,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture's Liquid post, with what Jekyll 4.3.1 printed for it
    /// (before kramdown): see /work/wt/jekyll-facts.md.
    #[test]
    fn renders_what_jekyll_renders_and_drops_the_rest_with_a_line() {
        let site = crate::yaml::parse_node(
            "title: \"Harbour Lights: a sailor's log\"\nurl: https://harbourlights.example\nbaseurl: /log\n",
        )
        .unwrap();
        let page = crate::yaml::parse_node(
            "title: \"Liquid in the log: links & {{ braces }}\"\nurl: /seamanship/2023/05/20/liquid-in-the-log.html\n",
        )
        .unwrap();
        let posts = HashMap::from([(
            "2021-03-01-reefing-early".to_owned(),
            "/seamanship/2021/03/01/reefing-early.html".to_owned(),
        )]);
        let links = |path: &str| (path == "about.md").then(|| "/about/".to_owned());
        let cx = LiquidContext {
            path: "_posts/2023-05-20-liquid-in-the-log.md",
            body_line: 7,
            site: &site,
            page: &page,
            post_urls: &posts,
            link_url: &links,
        };
        let body = concat!(
            "This log is called {{ site.title }}, and this post is \"{{ page.title }}\".\n",
            "\n",
            "Read the earlier post on [reefing early]({% post_url 2021-03-01-reefing-early %}),\n",
            "the [about page]({% link about.md %}), and look at\n",
            "[the stylesheet]({{ '/assets/site.css' | relative_url }}) or\n",
            "[this post]({{ page.url | absolute_url }}).\n",
            "\n",
            "{% raw %}In a template you would write {{ page.title }} to print the title.{% endraw %}\n",
            "\n",
            "{% include footer.html %}\n",
            "{{ post.title }} {%- if page.title -%} kept {% endif %}\n",
        );
        let (out, warnings) = render(body, &cx);
        assert_eq!(
            out,
            concat!(
                "This log is called Harbour Lights: a sailor's log, and this post is \"Liquid in the log: links & {{ braces }}\".\n",
                "\n",
                "Read the earlier post on [reefing early](/log/seamanship/2021/03/01/reefing-early.html),\n",
                "the [about page](/log/about/), and look at\n",
                "[the stylesheet](/log/assets/site.css) or\n",
                "[this post](https://harbourlights.example/log/seamanship/2023/05/20/liquid-in-the-log.html).\n",
                "\n",
                "In a template you would write {{ page.title }} to print the title.\n",
                "\n",
                "\n",
                "kept \n",
            )
        );
        let shown: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert!(
            shown[0].starts_with(
                "_posts/2023-05-20-liquid-in-the-log.md:16: warning[unsupported-liquid]: Liquid tag `include`"
            ),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].contains(":17: warning[unsupported-liquid]: Liquid object `{{ post.title }}`"),
            "{}",
            shown[1]
        );
        assert!(
            shown[2].contains(":17: warning[unsupported-liquid]: Liquid tag `if`"),
            "{}",
            shown[2]
        );
        assert!(shown[3].contains("Liquid tag `endif`"), "{}", shown[3]);
    }

    #[test]
    fn never_leaves_liquid_in_the_output() {
        let site = crate::yaml::parse_node("baseurl: ''\n").unwrap();
        let page = Node::Map(Vec::new());
        let none = HashMap::new();
        let cx = LiquidContext {
            path: "a.md",
            body_line: 1,
            site: &site,
            page: &page,
            post_urls: &none,
            link_url: &|_| None,
        };
        for (body, expected, warned) in [
            ("no liquid {at} all", "no liquid {at} all", 0),
            ("{% post_url nope %}.", ".", 1),
            ("{{ site.title | nofilter }}!", "!", 1),
            ("{% comment %}gone {{ x }}{% endcomment %}ok", "ok", 0),
            (
                "{% highlight ruby %}\nputs 1 < 2\n{% endhighlight %}",
                "<pre><code class=\"language-ruby\">puts 1 &lt; 2</code></pre>",
                0,
            ),
            ("a {% raw %}{{ x }}", "a ", 1),
            ("b {{ site.title", "b {{ site.title", 1),
            (
                "{{ 'x' | relative_url }} {{ 'https://e.example/' | absolute_url }}",
                "/x https://e.example/",
                0,
            ),
        ] {
            let (out, warnings) = render(body, &cx);
            assert_eq!(out, expected, "{body}");
            assert_eq!(warnings.len(), warned, "{body}: {warnings:?}");
        }
    }

    #[test]
    fn url_filters_as_jekyll_joins_them() {
        assert_eq!(relative_url("/a/", "/log/"), "/log/a/");
        assert_eq!(relative_url("a", ""), "/a");
        assert_eq!(relative_url("", "/log"), "/log");
        assert_eq!(relative_url("mailto:x@y", "/log"), "mailto:x@y");
        assert_eq!(
            absolute_url("/a", "https://e.example", "/log"),
            "https://e.example/log/a"
        );
        assert_eq!(absolute_url("/a", "", ""), "/a");
    }
}
