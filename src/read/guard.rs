//! Third-party readers (rwml for `.doc`, calamine for spreadsheets) can panic on damaged files.
//! Their calls run under [`guarded`]: a panic becomes `None` (the caller says, in one line, that
//! the file is damaged) and its message never reaches stderr, even with `RUST_BACKTRACE=1`.
//! Panics anywhere else still print as usual.

thread_local! {
    /// Set while a reader runs under [`guarded`].
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic inside it into `None` without the panic message reaching stderr.
/// Fuzzing found such panics in rwml 0.1.5 (an overflow in `papx.rs`) and calamine 0.38 (an
/// out-of-range FAT entry in its compound-file reader); see docs/fuzzing.md.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(|g| g.get()) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    GUARDED.with(|g| g.set(was));
    result
}

/// For the binary: a panic outside the guarded readers (a bug) prints one line naming it, never
/// the default message with its backtrace, whatever `RUST_BACKTRACE` says. Call first in `main`.
pub fn one_line_panics() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let what = what.lines().next().unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("baogao: internal error: {what}{at}; please report it");
    }));
}
