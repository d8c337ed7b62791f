//! Turning a panic into a value, quietly: the load stage (per article) and
//! the render stage (per output file) report a panic as an error of the
//! file it happened on, and the build goes on. The panic's message is never
//! shown (it may quote the input, `secured` values included), only where in
//! feedsmith it happened.

use std::cell::{Cell, RefCell};

thread_local! {
    /// Set while this thread runs code whose panics are caught and reported.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// Where the last caught panic on this thread happened.
    static CAUGHT_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic caught by [`catch`].
#[derive(Debug)]
pub struct Caught {
    /// `file:line:column` in feedsmith's source, when the panic said.
    pub at: Option<String>,
}

impl Caught {
    /// ` (at src/…:12:5)`, or nothing: for the end of a message.
    pub fn location_suffix(&self) -> String {
        self.at
            .as_deref()
            .map_or_else(String::new, |at| format!(" (at {at})"))
    }
}

/// Run `f`; a panic in it is returned as [`Caught`] instead of unwinding,
/// and prints nothing (no "thread panicked" line, no backtrace).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Caught> {
    install_quiet_hook();
    let was_catching = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was_catching));
    result.map_err(|_| Caught {
        at: CAUGHT_AT.with(|c| c.borrow_mut().take()),
    })
}

/// Install, once, a panic hook that stays silent for the panics [`catch`]
/// turns into values, and hands every other panic to the hook it replaced.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                CAUGHT_AT.with(|c| *c.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_names_where_it_happened_and_never_its_message() {
        let caught = catch(|| -> u8 { panic!("TOPSECRET") }).unwrap_err();
        let at = caught.at.as_deref().unwrap_or_default();
        assert!(at.starts_with("src/panic_guard.rs:"), "{at}");
        assert!(!caught.location_suffix().contains("TOPSECRET"));
        assert_eq!(catch(|| 7).unwrap(), 7);
        // Outside a guard a panic is not taken for a caught one: the flag
        // is down again, and the hook records nothing (it hands it on).
        assert!(!CATCHING.with(Cell::get));
        assert!(std::panic::catch_unwind(|| panic!("unguarded")).is_err());
        assert_eq!(CAUGHT_AT.with(|c| c.borrow().clone()), None);
    }
}
