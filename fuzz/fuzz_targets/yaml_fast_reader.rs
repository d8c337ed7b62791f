//! The fast front-matter reader never disagrees with the full YAML parser:
//! on any text, it either declines or gives exactly the same mapping.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run yaml_fast_reader fuzz/corpus/yaml_fast_reader`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(disagreement) = feedsmith::testing::yaml_fast_reader_disagreement(text) {
            panic!("{disagreement}");
        }
    }
});
