use std::process::ExitCode;

// A build allocates many small strings from several threads at once; glibc's
// allocator spent a third of a 100,000-article build in free-list upkeep.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    feedsmith::cli::main()
}
