//! `lightbox gc`, `lightbox scrub` and `lightbox migrate`, and the background garbage
//! collection of a serving node: the operators' passes of `lightbox_ports::maintenance` and
//! `lightbox_ports::migration` wired to the configured backends, with progress on stderr and a
//! summary on stdout.

mod background;
mod commands;
mod migrate;
mod migrate_summary;
mod progress;
mod summary;

pub use background::spawn_background_gc;
pub use commands::{GcCommand, ScrubOutcome, collect_garbage, scrub};
pub use migrate::{
    LOGGING_VARIABLES, MigrateCommand, MigrateOutcome, migrate, migrate_between, side_settings,
};
