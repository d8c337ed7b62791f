//! Topic names → file-system-safe slugs.

use sha2::{Digest, Sha256};

/// Longest slug, in bytes.
pub const MAX_SLUG_BYTES: usize = 60;

/// `C++` → `c-plus-plus`, `C#` → `c-sharp`, `Ünïcödé & Co` → `unicode-and-co`:
/// spell out `+ # &`, transliterate to ASCII, lowercase, runs of anything
/// else → `-`. Longer than 60 bytes: a prefix and a short hash; nothing left:
/// `topic-<hash>`. Case never matters, so names differing only in case share
/// a slug.
pub fn slugify(name: &str) -> String {
    let spelled = name
        .to_lowercase()
        .replace('+', " plus ")
        .replace('#', " sharp ")
        .replace('&', " and ");
    let ascii = deunicode::deunicode(&spelled).to_ascii_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        return format!("topic-{}", short_hash(&name.trim().to_lowercase()));
    }
    if slug.len() > MAX_SLUG_BYTES {
        let hash = short_hash(&slug);
        let keep = MAX_SLUG_BYTES - hash.len() - 1;
        slug.truncate(keep);
        while slug.ends_with('-') {
            slug.pop();
        }
        slug = format!("{slug}-{hash}");
    }
    slug
}

fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_out_symbols() {
        assert_eq!(slugify("C++"), "c-plus-plus");
        assert_eq!(slugify("C#"), "c-sharp");
        assert_eq!(slugify("C"), "c");
        assert_eq!(slugify("R&D"), "r-and-d");
        assert_eq!(slugify("AI/ML"), "ai-ml");
    }

    #[test]
    fn transliterates_and_lowercases() {
        assert_eq!(slugify("Künstliche Intelligenz"), "kunstliche-intelligenz");
        assert_eq!(slugify("  Power   Apps "), "power-apps");
        assert_eq!(slugify("POWER apps"), slugify("power APPS"));
    }

    #[test]
    fn never_escapes_the_folder() {
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("..").len(), "topic-".len() + 8);
        assert_eq!(slugify("🦀"), "crab");
    }

    #[test]
    fn a_name_with_nothing_left_gets_a_hash_of_the_name() {
        let slug = slugify("..");
        assert_eq!(slug, format!("topic-{}", short_hash("..")));
        assert_ne!(slug, slugify("--"));
        assert_eq!(slug, slugify(" .. "));
    }

    #[test]
    fn bounds_length_with_a_hash() {
        let long = "word ".repeat(60);
        let slug = slugify(&long);
        assert!(slug.len() <= MAX_SLUG_BYTES, "{slug}");
        assert_ne!(slug, slugify(&"word ".repeat(61)));
        assert_eq!(slug, slugify(&long.to_uppercase()));
    }
}
