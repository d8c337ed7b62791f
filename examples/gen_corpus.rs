//! Writes N synthetic articles shaped like a real everyday-cc site (the
//! shared `powerapps` corpus, grown to N), for benchmarks:
//! `cargo run --release --example gen_corpus -- N DIR [--seed S]`.
//!
//! Deterministic for a seed. The layout and the values follow the real site
//! (see `../shared/corpus/README.md`):
//!
//! - one flat `_news/` folder of long dated slugs
//!   (`2023-07-13-how-rolls-royce-is-unlocking-….md`), 82% of the files:
//!   `category: news`, `type: article` (2% `video`), `quality` equal to
//!   `heat` (clustered around 37–104, a tail to 189), 36% `published:
//!   false`, 1% re-listed links, 6% with a file-name date a day after
//!   `publishedDateTime`, 0.5% scheduled up to two weeks after 2024-06-01;
//! - `_learning/videos/<channel>-<slug>.md` (12%): YouTube links, no
//!   `webUrl`, `featuredContent` iframes, `heat` 50–65 with a rare tail;
//! - `_samples/` (2%, `type: download`, an HTML body), `_learning/courses/`
//!   (1.5%, `type: course`, no date: an error for feedsmith, as on the real
//!   site), `_learning/collections/` (0.5%, no link and no date);
//! - `_newsletters/*.html` (2%, at most one per weekday): ~37 KB HTML e-mail
//!   bodies with Liquid `{% raw %}` tags;
//! - providers drawn from a Pitman-Yor process fitted to the real site
//!   (95 providers for 1,368 articles, two thirds of them seen once): about
//!   1,000 distinct providers at 100,000 articles, a few large and a long
//!   tail; several share a domain (`youtube.com`, `medium.com`);
//! - every article has the site's root topic `Technology`; half have one or
//!   two of 40 subtopics (Zipf-like), all in a `_data/topics/` taxonomy;
//! - dates over eight years up to 2024-06-01, denser towards the end.

use chrono::{DateTime, Datelike, Utc, Weekday};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The end of the dated range: the benchmark's `--now`.
const END: i64 = 1_717_200_000; // 2024-06-01T00:00:00Z
const SPAN: i64 = 8 * 365 * 86_400;

/// splitmix64: tiny, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent_times_ten: u64) -> bool {
        self.below(1000) < percent_times_ten
    }
    /// Index in 0..n, lower indices much more likely.
    fn skewed(&mut self, n: u64) -> u64 {
        ((n as f64).powf(self.unit()) - 1.0) as u64 % n
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }
}

/// A Pitman-Yor process ("Chinese restaurant" with discount `d`): the number
/// of distinct values grows like n^d, with a few large and many single ones.
struct PitmanYor {
    d: f64,
    theta: f64,
    counts: Vec<u32>,
    draws: Vec<u32>,
}

impl PitmanYor {
    fn new(d: f64, theta: f64) -> Self {
        Self {
            d,
            theta,
            counts: Vec::new(),
            draws: Vec::new(),
        }
    }
    fn draw(&mut self, rng: &mut Rng) -> usize {
        let n = self.draws.len() as f64;
        let k = self.counts.len() as f64;
        let new = n == 0.0 || rng.unit() < (self.theta + self.d * k) / (n + self.theta);
        let table = if new {
            self.counts.push(0);
            self.counts.len() - 1
        } else {
            // An earlier draw's table (∝ count), kept with (count - d) / count.
            loop {
                let t = self.draws[rng.below(self.draws.len() as u64) as usize] as usize;
                let c = f64::from(self.counts[t]);
                if rng.unit() < (c - self.d) / c {
                    break t;
                }
            }
        };
        self.counts[table] += 1;
        self.draws.push(table as u32);
        table
    }
}

const WORDS: &[&str] = &[
    "cloud",
    "data",
    "model",
    "release",
    "security",
    "platform",
    "developer",
    "open",
    "source",
    "performance",
    "update",
    "preview",
    "analytics",
    "database",
    "compiler",
    "runtime",
    "network",
    "edge",
    "privacy",
    "policy",
    "research",
    "startup",
    "funding",
    "migration",
    "framework",
    "browser",
    "kernel",
    "storage",
    "pipeline",
    "agent",
    "announces",
    "introducing",
    "new",
    "features",
    "generally",
    "available",
    "how",
    "to",
    "build",
    "with",
    "your",
    "the",
    "for",
    "and",
    "in",
    "what's",
    "next",
    "guide",
    "best",
    "practices",
    "customers",
    "teams",
    "apps",
    "copilot",
    "modern",
    "faster",
    "scale",
    "enterprise",
    "customer",
    "story",
    "unlocking",
    "digital",
    "transformation",
    "automation",
    "workflow",
    "integration",
    "connector",
    "api",
    "governance",
    "admin",
    "center",
    "monthly",
    "roundup",
    "wave",
    "public",
    "capabilities",
    "improvements",
    "experience",
    "design",
    "testing",
    "deploy",
    "monitoring",
    "observability",
    "quantum",
    "chips",
    "hardware",
    "energy",
    "health",
    "finance",
    "education",
    "robotics",
    "mobile",
    "gaming",
    "partner",
    "ecosystem",
    "accelerate",
    "innovation",
    "simplify",
    "secure",
    "identity",
    "compliance",
    "insights",
    "report",
    "survey",
    "trends",
    "2024",
    "journey",
];

const TOPICS: &[&str] = &[
    "AI",
    "Machine Learning",
    "Cloud",
    "Security",
    "Databases",
    "Rust",
    "Go",
    "Python",
    "JavaScript",
    "WebAssembly",
    "Kubernetes",
    "Linux",
    "Open Source",
    "Privacy",
    "Startups",
    "Funding",
    "Browsers",
    "Compilers",
    "Networking",
    "Edge",
    "Storage",
    "DevOps",
    "Observability",
    "Quantum",
    "Robotics",
    "Mobile",
    "Gaming",
    "Hardware",
    "Chips",
    "Energy",
    "Health",
    "Finance",
    "Education",
    "Policy",
    "Research",
    "Data Science",
    "Analytics",
    "APIs",
    "Testing",
    "C++",
];
const ROOT_TOPIC: &str = "Technology";

const PUB_FIRST: &[&str] = &[
    "Tech",
    "Dev",
    "Cloud",
    "Data",
    "Code",
    "Byte",
    "Net",
    "Info",
    "Digital",
    "Open",
    "Silicon",
    "Daily",
    "Wired",
    "Modern",
    "Future",
    "Smart",
    "Bit",
    "Stack",
    "Cyber",
    "Enterprise",
];
const PUB_SECOND: &[&str] = &[
    "Radar", "Journal", "Times", "Wire", "Weekly", "Insider", "Review", "Post", "Beat", "Crunch",
    "Report", "Magazine", "News", "Hub", "Blog", "Today", "World", "Pro", "Central", "Tribune",
];
const FIRST_NAMES: &[&str] = &[
    "April", "Dhruvin", "Reza", "Henry", "Dave", "Maria", "Chen", "Aisha", "Lars", "Priya", "Tom",
    "Yuki", "Olga", "Diego", "Fatima", "Sam", "Ingrid", "Kwame", "Lucia", "Marek", "Nora", "Omar",
    "Paula", "Ravi", "Sofia", "Tariq", "Uma", "Viktor", "Wen", "Zoe",
];
const LAST_NAMES: &[&str] = &[
    "Dunnam", "Shah", "Dorrani", "Ouang", "Miller", "Garcia", "Wang", "Khan", "Nilsson", "Patel",
    "Baker", "Tanaka", "Ivanova", "Lopez", "Hassan", "Reed", "Berg", "Mensah", "Rossi", "Novak",
    "Quinn", "Farouk", "Silva", "Iyer", "Costa", "Aziz", "Rao", "Petrov", "Li", "Evans",
];

struct Provider {
    name: String,
    domain: String,
    /// Site-relative logo, as on the real site, for some providers.
    image: bool,
}

/// The k-th provider: publications and people, unique names; some people
/// publish on a shared domain.
fn provider(k: usize, rng: &mut Rng) -> Provider {
    let (p, f) = (PUB_FIRST.len(), FIRST_NAMES.len());
    let half = k / 2;
    let (name, own) = if k.is_multiple_of(2) {
        let base = format!(
            "{} {}",
            PUB_FIRST[half % p],
            PUB_SECOND[(half / p) % PUB_SECOND.len()]
        );
        match half / (p * PUB_SECOND.len()) {
            0 => (base, true),
            r => (
                format!(
                    "{base} {}",
                    ["Europe", "Asia", "Africa", "Americas", "Daily"][r % 5]
                ),
                true,
            ),
        }
    } else {
        let base = format!(
            "{} {}",
            FIRST_NAMES[half % f],
            LAST_NAMES[(half / f) % LAST_NAMES.len()]
        );
        match half / (f * LAST_NAMES.len()) {
            0 => (base, !rng.chance(300)),
            r => (
                format!("{base} {}", ["Jr.", "II", "Tech", "Dev", "Blog"][r % 5]),
                !rng.chance(300),
            ),
        }
    };
    let domain = if own {
        format!("{}.com", slug(&name).replace('-', ""))
    } else {
        "medium.com".to_owned()
    };
    Provider {
        name,
        domain,
        image: rng.chance(400),
    }
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') && c != '\'' {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A title like the real ones: 5–14 words (rarely up to 25), some with
/// HTML character references (the text is already HTML-escaped).
fn title(rng: &mut Rng) -> String {
    let words = if rng.chance(20) {
        15 + rng.below(11)
    } else {
        5 + rng.below(10)
    };
    let mut t = capitalise(&sentence(rng, words as usize));
    match rng.below(100) {
        0..=2 => t.push_str(" &#8211; Microsoft"),
        3..=4 => t = t.replacen(" the ", " the world&#8217;s ", 1),
        5 => t = t.replacen(" and ", " &amp; ", 1),
        _ => {}
    }
    t
}

fn excerpt(rng: &mut Rng) -> String {
    let words = 20 + rng.below(45) as usize;
    let mut e = format!("{}.", capitalise(&sentence(rng, words)));
    if rng.chance(20) {
        let _ = write!(e, "\\n{}.", capitalise(&sentence(rng, 8)));
    }
    if rng.chance(40) {
        e.push_str("\\n");
    }
    e
}

fn date(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A date in the eight years before END, denser towards the end (the
/// density grows linearly, as the real site's yearly counts do).
fn dated(rng: &mut Rng) -> DateTime<Utc> {
    date(END - SPAN + (rng.unit().sqrt() * SPAN as f64) as i64)
}

/// News quality (= heat on the real site): clustered on a few values
/// between 37 and 104, a spread around 70, a tail to 189, a few zeros.
fn news_score(rng: &mut Rng) -> u64 {
    const MODES: &[u64] = &[
        72, 72, 72, 72, 87, 87, 87, 37, 37, 104, 52, 89, 71, 17, 57, 70,
    ];
    match rng.below(100) {
        0 => 0,
        1..=35 => MODES[rng.below(MODES.len() as u64) as usize],
        36..=38 => 110 + rng.below(80),
        _ => (20 + rng.below(35) + rng.below(35) + rng.below(35)).min(189),
    }
}

/// Heat of learning items and samples: mostly just above 50, a rare tail.
fn low_heat(rng: &mut Rng, base: u64) -> u64 {
    if rng.chance(10) {
        base + 60 + rng.below(130)
    } else {
        base + rng.skewed(16)
    }
}

fn topics(rng: &mut Rng, s: &mut String) {
    s.push_str("\ntopics:\n");
    let _ = writeln!(s, "  - {ROOT_TOPIC}");
    let extra = match rng.below(100) {
        0..=49 => 0,
        50..=89 => 1,
        _ => 2,
    };
    let mut seen: Vec<&str> = Vec::new();
    for _ in 0..extra {
        let t = TOPICS[rng.skewed(TOPICS.len() as u64) as usize];
        if !seen.contains(&t) {
            seen.push(t);
            let _ = writeln!(s, "  - {t}");
        }
    }
}

fn provider_block(s: &mut String, p: &Provider) {
    let _ = write!(
        s,
        "\nprovider:\n  name: {}\n  domain: {}\n",
        p.name, p.domain
    );
    if p.image {
        let _ = write!(
            s,
            "  images:\n    - url: /assets/images/organizations/{}-50x50.jpg\n      width: 50\n      height: 50\n",
            p.domain
        );
    }
}

fn image(s: &mut String, url: &str, w: u32, h: u32) {
    let _ = write!(
        s,
        "\nimages:\n  - url: \"{url}\"\n    width: {w}\n    height: {h}\n    isCached: true\n"
    );
}

fn secured(rng: &mut Rng, s: &mut String) {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    s.push_str("\nsecured: \"");
    for _ in 0..344 + rng.below(64) {
        s.push(B64[rng.below(64) as usize] as char);
    }
    s.push_str("=;ORISHLzHbNK0KgTaZapi/g==\"\n");
}

/// File names unique within a folder, as a site generator makes them.
struct Folder {
    dir: PathBuf,
    names: HashSet<String>,
}

impl Folder {
    fn new(root: &Path, rel: &str) -> Self {
        let dir = root.join(rel);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        Self {
            dir,
            names: HashSet::new(),
        }
    }
    fn write(&mut self, stem: &str, ext: &str, text: &str) {
        let mut name = format!("{stem}.{ext}");
        let mut n = 2;
        while !self.names.insert(name.clone()) {
            name = format!("{stem}-{n}.{ext}");
            n += 1;
        }
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

fn slug_of_title(t: &str) -> String {
    let s = slug(
        &t.replace("&#8211;", "")
            .replace("&#8217;", "")
            .replace("&amp;", ""),
    );
    // Jekyll slugs of very long titles stay long, but not unbounded.
    match s.char_indices().nth(140) {
        Some((i, _)) => s[..i].trim_end_matches('-').to_owned(),
        None => s,
    }
}

fn news(
    rng: &mut Rng,
    i: usize,
    providers: &mut Vec<Provider>,
    py: &mut PitmanYor,
    links: &mut Vec<String>,
    dir: &mut Folder,
) {
    let title = title(rng);
    let t = if rng.chance(5) {
        date(END + rng.below(14 * 86_400) as i64)
    } else {
        dated(rng)
    };
    let file_day = if rng.chance(60) {
        t + chrono::Duration::days(1)
    } else {
        t
    };
    let link = if !links.is_empty() && rng.chance(10) {
        links[rng.below(links.len() as u64) as usize].clone()
    } else {
        let k = py.draw(rng);
        while providers.len() <= k {
            let p = provider(providers.len(), rng);
            providers.push(p);
        }
        let p = &providers[k];
        let l = format!(
            "https://{}/{}/{}/{}-{i}",
            p.domain,
            t.year(),
            t.month(),
            slug_of_title(&title)
        );
        links.push(format!("{k} {l}"));
        links[links.len() - 1].clone()
    };
    let (k, link) = link.split_once(' ').unwrap_or(("0", ""));
    let p = &providers[k.parse::<usize>().unwrap_or(0)];
    let score = news_score(rng);
    let mut s = String::with_capacity(2000);
    let _ = write!(
        s,
        "---\ncategory: news\ntitle: \"{title}\"\nexcerpt: \"{}\"\npublishedDateTime: {}\noriginalUrl: \"{link}\"\n",
        excerpt(rng),
        stamp(t)
    );
    if !rng.chance(20) {
        let _ = writeln!(s, "webUrl: \"{link}\"");
    }
    let kind = if rng.chance(20) { "video" } else { "article" };
    let _ = write!(
        s,
        "type: {kind}\nquality: {score}\nheat: {}\npublished: {}\n",
        if rng.chance(3) { score + 1 } else { score },
        !rng.chance(360)
    );
    provider_block(&mut s, p);
    topics(rng, &mut s);
    if rng.chance(900) {
        let url = format!(
            "https://cdn.{}/images/{}/{i}.jpg?w=1200&h=630",
            p.domain,
            t.year()
        );
        image(
            &mut s,
            &url,
            400 + rng.below(1200) as u32,
            200 + rng.below(700) as u32,
        );
    }
    secured(rng, &mut s);
    s.push_str("---\n");
    dir.write(
        &format!("{}-{}", file_day.format("%Y-%m-%d"), slug_of_title(&title)),
        "md",
        &s,
    );
}

fn video_id(rng: &mut Rng) -> String {
    const C: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..11).map(|_| C[rng.below(64) as usize] as char).collect()
}

fn video(
    rng: &mut Rng,
    channels: &mut Vec<Provider>,
    py: &mut PitmanYor,
    ids: &mut Vec<(usize, String)>,
    dir: &mut Folder,
) {
    let title = title(rng);
    let (k, id) = if !ids.is_empty() && rng.chance(40) {
        ids[rng.below(ids.len() as u64) as usize].clone()
    } else {
        let k = py.draw(rng);
        while channels.len() <= k {
            let n = channels.len();
            let mut p = provider(n * 2 + 1, rng);
            if rng.chance(700) {
                p.domain = "youtube.com".to_owned();
            }
            channels.push(p);
        }
        ids.push((k, video_id(rng)));
        ids[ids.len() - 1].clone()
    };
    let p = &channels[k];
    let t = dated(rng);
    let mut s = String::with_capacity(2000);
    let _ = write!(
        s,
        "---\ntitle: \"{title}\"\nexcerpt: \"{}\"\noriginalUrl: https://youtube.com/watch?v={id}\ntype: video\nprice: Free\nlength: PT{}M{}S\npublishedDateTime: {}\nheat: {}\n",
        excerpt(rng),
        1 + rng.below(60),
        rng.below(60),
        stamp(t),
        low_heat(rng, 50)
    );
    let _ = write!(
        s,
        "\nfeaturedContent: \"<iframe width=\\\"800\\\" height=\\\"500\\\" frameborder=\\\"0\\\" src=\\\"https://www.youtube.com/embed/{id}\\\" allow=\\\"accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture\\\" allowfullscreen></iframe>\"\n"
    );
    provider_block(&mut s, p);
    topics(rng, &mut s);
    image(
        &mut s,
        &format!("https://i.ytimg.com/vi/{id}/maxresdefault.jpg"),
        1280,
        720,
    );
    secured(rng, &mut s);
    s.push_str("---\n");
    dir.write(
        &format!("{}-{}", slug(&p.name), slug_of_title(&title)),
        "md",
        &s,
    );
}

const COMMUNITIES: &[(&str, &str)] = &[
    ("Developer Community", "microsoft.com"),
    ("Open Source Community", "github.com"),
    ("Cloud Native Community", "cncf.io"),
];

fn sample(rng: &mut Rng, i: usize, dir: &mut Folder) {
    let title = title(rng);
    let (name, domain) = COMMUNITIES[rng.skewed(COMMUNITIES.len() as u64) as usize];
    let mut s = String::with_capacity(3000);
    let _ = write!(
        s,
        "---\ntitle: \"{title}\"\nexcerpt: \"{}\"\noriginalUrl: https://community.{domain}/t5/Samples/{}/td-p/{i}\ntype: download\npublishedDateTime: {}\nheat: {}\n",
        excerpt(rng),
        slug_of_title(&title),
        stamp(dated(rng)),
        low_heat(rng, 50)
    );
    let _ = write!(
        s,
        "\nactions:\n  - url: \"https://community.{domain}/attachments/{i}/Sample%20{i}.zip\"\n    type: \"download\"\n    title: \"Download Source Code\"\n    attribution: \"{name}\"\n"
    );
    let _ = write!(
        s,
        "\nprovider:\n  name: {name}\n  domain: {domain}\n  authors:\n    - name: {}{}\n",
        rng.pick(FIRST_NAMES).to_lowercase(),
        rng.below(1000)
    );
    topics(rng, &mut s);
    image(
        &mut s,
        &format!("https://community.{domain}/attachments/{i}/thumbnail.PNG"),
        1521,
        912,
    );
    secured(rng, &mut s);
    s.push_str("---\n");
    for _ in 0..1 + rng.below(6) {
        let words = 15 + rng.below(30) as usize;
        let _ = writeln!(s, "<p>{}.</p>", capitalise(&sentence(rng, words)));
    }
    let _ = writeln!(
        s,
        "<p><a href=\"https://youtube.com/watch?v={}\">watch the video</a></p>",
        video_id(rng)
    );
    dir.write(
        &format!("{}-{}", slug(name), slug_of_title(&title)),
        "md",
        &s,
    );
}

fn course(rng: &mut Rng, dir: &mut Folder) {
    let title = title(rng);
    let slug = slug_of_title(&title);
    let mut s = String::with_capacity(2000);
    let _ = write!(
        s,
        "---\ntitle: \"{title}\"\nexcerpt: \"{}\"\nwebUrl: https://learn.example.com/modules/{slug}/\ntype: course\nprice: Free\nlength: PT{}M\nratings:\n  count: {}\n  average: 4.{}\nheat: {}\n",
        excerpt(rng),
        10 + rng.below(110),
        rng.below(3000),
        rng.below(10_000_000),
        low_heat(rng, 47)
    );
    s.push_str("\nprovider:\n  name: Learning Center\n  domain: learn.example.com\n");
    let _ = write!(
        s,
        "\nlevels:\n  - {}\n",
        rng.pick(&["Beginner", "Intermediate", "Advanced"])
    );
    topics(rng, &mut s);
    image(
        &mut s,
        &format!("https://learn.example.com/achievements/{slug}-social.png"),
        800,
        400,
    );
    secured(rng, &mut s);
    s.push_str("---\n");
    dir.write(&format!("learning-center-{slug}"), "md", &s);
}

fn collection(rng: &mut Rng, channels: &[Provider], ids: &[(usize, String)], dir: &mut Folder) {
    let name = title(rng);
    let p = channels.get(rng.below(channels.len() as u64) as usize);
    let mut s = String::with_capacity(2000);
    let _ = write!(
        s,
        "---\ntitle: \"{name}\"\nexcerpt: \"{}\"\ntype: collection\nheat: {}\n",
        excerpt(rng),
        low_heat(rng, 50)
    );
    if let Some(p) = p {
        provider_block(&mut s, p);
    }
    s.push_str("\nitems:\n");
    for _ in 0..5 + rng.below(20) {
        let item = slug_of_title(&title(rng));
        let _ = writeln!(s, "  - videos/{item}");
    }
    topics(rng, &mut s);
    if let Some((_, id)) = ids.get(rng.below(ids.len() as u64) as usize) {
        image(
            &mut s,
            &format!("https://i.ytimg.com/vi/{id}/maxresdefault.jpg"),
            1280,
            720,
        );
    }
    secured(rng, &mut s);
    s.push_str("---\n");
    dir.write(&slug_of_title(&name), "md", &s);
}

/// A daily newsletter: an HTML e-mail document of about 37 KB.
fn newsletter(rng: &mut Rng, day: DateTime<Utc>, dir: &mut Folder) {
    let d = day.format("%Y-%m-%d");
    let heads: Vec<String> = (0..3).map(|_| capitalise(&sentence(rng, 6))).collect();
    let mut s = String::with_capacity(40_000);
    let _ = write!(
        s,
        "---\ntitle: \"Technology Every Day ({d})\"\nexcerpt: \"{}\"\npublishedDateTime: {d}T18:{:02}:{:02}Z\nwebUrl: \"https://site.example.org/newsletter/technology-every-day-{d}/\"\ntype: article\n\ntopics:\n  - {ROOT_TOPIC}\n---\n",
        heads.join(" / "),
        rng.below(60),
        rng.below(60),
    );
    s.push_str("{% raw %}<!doctype html><html><head><meta charset=\"utf-8\"><style>body{margin:0;padding:0}table{border-collapse:collapse}td{font-family:Arial,sans-serif;font-size:14px;line-height:1.5}</style><!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]--></head><body><table width=\"100%\">\n");
    while s.len() < 36_000 {
        let t = capitalise(&sentence(rng, 8));
        let _ = writeln!(
            s,
            "<tr><td class=\"item\" style=\"padding:12px 24px\"><!--[if mso]><table><tr><td><![endif]--><a href=\"https://site.example.org/news/{}/\" style=\"color:#0b57d0;text-decoration:none\"><strong>{t}</strong></a><p style=\"margin:4px 0\">&amp;#8220;{}.&amp;#8221;</p><!--[if mso]></td></tr></table><![endif]--></td></tr>",
            slug(&t),
            capitalise(&sentence(rng, 25)),
        );
    }
    s.push_str("</table></body></html>{% endraw %}\n");
    dir.write(&format!("technology-every-day-{d}"), "html", &s);
}

fn taxonomy(root: &Path) {
    let dir = root.join("_data/topics");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    let write = |n: usize, name: &str, parent: Option<&str>| {
        let id = slug(&name.replace("++", "-plus-plus"));
        let mut s = format!("taxonomy: topic\n_id: {id}\nname: {name}\n");
        if let Some(p) = parent {
            let _ = writeln!(s, "parent: {p}");
        }
        let _ = write!(
            s,
            "keywords:\n  - {}\ndescription: News about {name}.",
            name.to_lowercase()
        );
        let path = dir.join(format!("{n:02}-{id}.yaml"));
        std::fs::write(&path, s).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    };
    write(0, ROOT_TOPIC, None);
    for (i, t) in TOPICS.iter().enumerate() {
        write(i + 1, t, Some(ROOT_TOPIC));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus N DIR [--seed S]";
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("{usage}"));
    let root = PathBuf::from(args.get(1).unwrap_or_else(|| panic!("{usage}")));
    let seed = match args.iter().position(|a| a == "--seed") {
        Some(i) => args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{usage}")),
        None => 1,
    };
    let mut rng = Rng(seed);
    // One newsletter per weekday, going back from END, 2% of the files at most.
    let weekdays: Vec<DateTime<Utc>> = (1..=SPAN / 86_400)
        .map(|d| date(END - d * 86_400))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(n / 50)
        .collect();
    let videos = n * 12 / 100;
    let samples = n * 2 / 100;
    let courses = n * 15 / 1000;
    let collections = n / 200;
    let news_count = n - weekdays.len() - videos - samples - courses - collections;

    taxonomy(&root);
    let mut news_dir = Folder::new(&root, "_news");
    let mut providers = Vec::new();
    let mut py = PitmanYor::new(0.5, 2.0);
    let mut links = Vec::new();
    for i in 0..news_count {
        news(
            &mut rng,
            i,
            &mut providers,
            &mut py,
            &mut links,
            &mut news_dir,
        );
    }
    let mut video_dir = Folder::new(&root, "_learning/videos");
    let mut channels = Vec::new();
    let mut channel_py = PitmanYor::new(0.3, 3.0);
    let mut ids = Vec::new();
    for _ in 0..videos {
        video(
            &mut rng,
            &mut channels,
            &mut channel_py,
            &mut ids,
            &mut video_dir,
        );
    }
    let mut sample_dir = Folder::new(&root, "_samples");
    for i in 0..samples {
        sample(&mut rng, i, &mut sample_dir);
    }
    let mut course_dir = Folder::new(&root, "_learning/courses");
    for _ in 0..courses {
        course(&mut rng, &mut course_dir);
    }
    let mut collection_dir = Folder::new(&root, "_learning/collections");
    for _ in 0..collections {
        collection(&mut rng, &channels, &ids, &mut collection_dir);
    }
    let mut letters = Folder::new(&root, "_newsletters");
    for day in &weekdays {
        newsletter(&mut rng, *day, &mut letters);
    }
    println!(
        "wrote {n} articles to {} (seed {seed}): {news_count} news from {} providers, {videos} videos from {} channels, \
         {samples} samples, {courses} courses, {collections} collections, {} newsletters",
        root.display(),
        providers.len(),
        channels.len(),
        weekdays.len()
    );
}
