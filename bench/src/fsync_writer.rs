//! The upload baseline: the same files written durably by the simplest program that can, at
//! the same concurrency. Each file is created, written, `fsync`ed, and its directory `fsync`ed
//! (without the directory's fsync a crash can lose the new name): the least any service that
//! promises durability must do per upload.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::load::{Load, Measurement};
use crate::payloads::Corpus;

/// What the plain program does with each file besides writing it durably.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Nothing: the disk's own limit.
    None,
    /// Decodes the JPEG first (jpeg-decoder, full size), as any service that refuses images
    /// which do not decode must: the limit once the CPU's share is counted.
    Decode,
}

/// Writes `corpus`'s files (the same bytes the uploads carry) under `directory` with
/// `load.connections` threads.
pub fn run(directory: &Path, corpus: &Corpus, load: Load, check: Check) -> Result<Measurement> {
    let started = Instant::now();
    let measure_from = started + load.warm_up;
    let end = measure_from + load.duration;
    let next = Arc::new(AtomicU64::new(0));
    let measured = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..load.connections)
        .map(|thread| {
            let directory = directory.join(format!("writer-{thread:02}"));
            let (corpus, next, measured) =
                (corpus.clone(), Arc::clone(&next), Arc::clone(&measured));
            std::thread::spawn(move || -> Result<(Measurement, Instant)> {
                std::fs::create_dir_all(&directory)?;
                let mut measurement = Measurement::empty()?;
                let mut last = measure_from;
                loop {
                    let now = Instant::now();
                    if now >= end {
                        break;
                    }
                    let counts = now >= measure_from;
                    if counts && measured.fetch_add(1, Ordering::Relaxed) >= load.max_requests {
                        break;
                    }
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let began = Instant::now();
                    let file = corpus.file(n);
                    let decoded = check == Check::None
                        || jpeg_decoder::Decoder::new(&file[..]).decode().is_ok();
                    let written = write_durably(&directory, &directory.join(n.to_string()), &file);
                    let written = written.and_then(|()| {
                        anyhow::ensure!(decoded, "a benchmark JPEG did not decode");
                        Ok(())
                    });
                    if counts {
                        measurement.record(began.elapsed(), file.len() as u64, written.is_ok());
                        last = Instant::now();
                    }
                }
                Ok((measurement, last))
            })
        })
        .collect();
    let mut total = Measurement::empty()?;
    let mut last = measure_from;
    for thread in threads {
        let (measurement, finished) = thread
            .join()
            .map_err(|_| anyhow::anyhow!("a writer thread panicked"))??;
        total.merge(&measurement)?;
        last = last.max(finished);
    }
    total.elapsed = last.saturating_duration_since(measure_from);
    Ok(total)
}

fn write_durably(directory: &Path, path: &PathBuf, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    File::open(directory)?.sync_all()?;
    Ok(())
}
