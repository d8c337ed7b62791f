//! `feedsmith completions SHELL` and `feedsmith man [COMMAND]`: both made
//! from the clap definitions at run time, so they never fall behind the
//! options (clap_complete, clap_mangen).

use crate::cli::{Cli, EXIT_FATAL, EXIT_OK};
use clap::CommandFactory;
use std::io::Write;

/// Print the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "feedsmith", &mut out);
    print(&out)
}

/// Print feedsmith(1), or `feedsmith-COMMAND(1)` for one command, as roff.
pub fn man(command: Option<&str>) -> u8 {
    let top = Cli::command();
    let page = match command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) => sub
                .clone()
                .name(format!("feedsmith-{name}"))
                .version(env!("CARGO_PKG_VERSION")),
            None => {
                let known: Vec<&str> = top.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "error: no command `{name}`; the commands are {}",
                    known.join(", ")
                );
                return EXIT_FATAL;
            }
        },
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        eprintln!("error: cannot make the man page: {e}");
        return EXIT_FATAL;
    }
    print(&out)
}

/// Write to stdout; a closed pipe (`feedsmith man | head`) is not an error.
fn print(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
    EXIT_OK
}
