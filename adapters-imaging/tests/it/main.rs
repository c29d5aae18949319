//! Tests of the imaging adapter on images generated here: sizes, orientation, transparency,
//! blurhash, corrupt data, decompression bombs and the worker pool's bound.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod analysis;
mod bombs;
mod containers;
mod corrupt;
mod fixtures;
mod orientation;
mod pool;
mod thumbnails;
mod transparency;
