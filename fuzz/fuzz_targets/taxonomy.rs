//! Any bytes as a taxonomy file (`_data/topics/*.yaml`): the reader never
//! panics, and a topic it gives has a non-empty name and id made of clean
//! text (no control characters).
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run taxonomy fuzz/corpus/taxonomy -- -dict=fuzz/yaml.dict`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut diagnostics = Vec::new();
    let topic = feedsmith::load::taxonomy::parse(
        data,
        "_data/topics/fuzz.yaml",
        "fuzz",
        &mut diagnostics,
    );
    match topic {
        Some(topic) => {
            assert!(!topic.name.is_empty());
            assert!(!topic.id.is_empty());
            for text in [&topic.name, &topic.id]
                .into_iter()
                .chain(topic.description.as_ref())
                .chain(topic.shortname.as_ref())
                .chain(topic.parent.as_ref())
            {
                assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
            }
        }
        None => assert!(!diagnostics.is_empty(), "a refusal is always reported"),
    }
});
