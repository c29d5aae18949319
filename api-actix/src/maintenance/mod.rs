//! `lightbox gc` and `lightbox scrub`, and the background garbage collection of a serving node:
//! the operators' passes of `lightbox_ports::maintenance` wired to the configured backend, with
//! progress on stderr and a summary on stdout.

mod background;
mod commands;
mod progress;
mod summary;

pub use background::spawn_background_gc;
pub use commands::{GcCommand, ScrubOutcome, collect_garbage, scrub};
