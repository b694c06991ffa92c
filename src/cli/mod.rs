//! The binary's side of the program: what the library's results look like on a terminal, and
//! what an interrupt does. The library renders nothing.
pub mod progress;
pub mod summary;

/// On SIGINT, SIGTERM or SIGHUP: remove the run's temporary files and exit (130, as a shell
/// reports an interrupted command). Editions already renamed into place stay; none is partial.
pub fn on_interrupt_remove_temp_files() {
    let _ = ctrlc::set_handler(|| {
        baogao::edition::temp::remove_own();
        eprintln!("baogao: interrupted; temporary files removed, unfinished editions not written");
        std::process::exit(130);
    });
}
