//! What the fuzz targets share: how an input is cut into chunks, the cursor target's fixed key
//! and scope, and the upload contract's status codes.
//!
//! The targets themselves live in `fuzz_targets/`; this library keeps each of them short and
//! lets the seed maker (`seed-maker/`) build its inputs with the same rules.

pub mod chunks;
pub mod cursor_scope;
pub mod upload_contract;
