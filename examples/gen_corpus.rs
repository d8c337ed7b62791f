//! Writes N synthetic news articles in the everyday-cc front-matter format,
//! for benchmarks: `cargo run --release --example gen_corpus -- N DIR [--seed S]`.
//!
//! Deterministic for a seed. About 1.5 KB per article; 40 topics with a
//! skewed (Zipf-like) distribution; dates over ten years; about 1% duplicate
//! links, 5% drafts, 0.5% dated in the future; every article has a
//! `secured` blob and a `related` list, which feeds never use.

use std::fmt::Write as _;
use std::path::PathBuf;

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
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent_times_ten: u64) -> bool {
        self.below(1000) < percent_times_ten
    }
    /// Index in 0..n, lower indices much more likely.
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as u64 % n
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

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    s
}

fn article(rng: &mut Rng, i: u64, n: u64) -> String {
    let link_id = if i > 0 && rng.chance(10) {
        rng.below(i)
    } else {
        i
    };
    let year = 2014 + rng.below(10);
    let future = rng.chance(5);
    let year = if future { 2099 } else { year };
    let date = format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    );
    let mut topics: Vec<&str> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let t = TOPICS[rng.skewed(TOPICS.len() as u64) as usize];
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let mut s = String::with_capacity(1600);
    let title_words = 6 + rng.below(6) as usize;
    let title = sentence(rng, title_words);
    let _ = writeln!(
        s,
        "---\ncategory: news\ntitle: \"{} &#8211; {i}\"",
        capitalise(&title)
    );
    let excerpt_words = 30 + rng.below(30) as usize;
    let _ = writeln!(
        s,
        "excerpt: \"{}.\"",
        capitalise(&sentence(rng, excerpt_words))
    );
    let _ = writeln!(s, "publishedDateTime: {date}");
    // Duplicates share the link of an earlier article, under a new title.
    let _ = writeln!(
        s,
        "originalUrl: \"https://news{}.example.com/story/{link_id}\"",
        link_id % 50
    );
    let _ = writeln!(s, "webUrl: \"https://site.example.org/news/{link_id}\"");
    let _ = writeln!(
        s,
        "type: {}",
        if rng.chance(80) { "video" } else { "article" }
    );
    let _ = writeln!(s, "quality: {}\nheat: {}", rng.below(190), rng.below(245));
    let _ = writeln!(s, "published: {}", !rng.chance(50));
    let _ = writeln!(
        s,
        "provider:\n  name: Example News {}\n  domain: news{}.example.com",
        link_id % 50,
        link_id % 50
    );
    s.push_str("topics:\n");
    for t in &topics {
        let _ = writeln!(s, "  - {t}");
    }
    let _ = writeln!(
        s,
        "images:\n  - url: \"https://cdn.example.com/img/{i}.jpg?w=1200&h=630\"\n    width: 1200\n    height: 630\n    isCached: true"
    );
    s.push_str("related:\n");
    for _ in 0..2 {
        let other = rng.below(n.max(1));
        let _ = writeln!(
            s,
            "  - title: \"{}\"\n    webUrl: \"https://site.example.org/news/{other}\"\n    publishedDateTime: {date}",
            capitalise(&sentence(rng, 6))
        );
    }
    let mut blob = String::new();
    while blob.len() < 400 {
        let _ = write!(blob, "{:016x}", rng.next());
    }
    let _ = writeln!(s, "secured: \"{blob}\"\n---");
    s
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus N DIR [--seed S]";
    let n: u64 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("{usage}"));
    let dir = PathBuf::from(args.get(1).unwrap_or_else(|| panic!("{usage}")));
    let seed = match args.iter().position(|a| a == "--seed") {
        Some(i) => args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{usage}")),
        None => 1,
    };
    let mut rng = Rng(seed);
    for i in 0..n {
        let folder = dir.join(format!("{:03}", i % 1000));
        if i < 1000 {
            std::fs::create_dir_all(&folder).expect("create folder");
        }
        let text = article(&mut rng, i, n);
        std::fs::write(folder.join(format!("{i:07}.md")), text).expect("write article");
    }
    println!("wrote {n} articles to {} (seed {seed})", dir.display());
}
