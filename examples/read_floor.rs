//! The read floor for benchmarks: walk a folder and read every file in
//! parallel, doing nothing else. `cargo run --release --example read_floor -- DIR`
//! A feedsmith build cannot be faster than this.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: read_floor DIR"));
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let bytes: usize = files
        .par_iter()
        .map(|p| std::fs::read(p).map_or(0, |b| b.len()))
        .sum();
    println!("{} files, {bytes} bytes", files.len());
}
