//! The processes under test: lightbox (and nginx, the download baseline) started from here, so
//! that the time to readiness and the server's memory can be measured from the outside.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long a server may take to start before the bench gives up.
const START_LIMIT: Duration = Duration::from_secs(120);

/// A running server process, stopped when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Where it listens (always on 127.0.0.1).
    pub address: SocketAddr,
}

/// A free port on 127.0.0.1 (free when asked; the server binds it right after).
pub fn free_address() -> Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    listener.local_addr().context("reading the free port")
}

impl Server {
    /// Starts `command` (its output appended to `log`) and waits until `GET ready_path` on
    /// `address` answers 200. Returns the server and the time from spawn to that answer.
    pub fn start(
        mut command: Command,
        address: SocketAddr,
        ready_path: &str,
        log: &Path,
    ) -> Result<(Self, Duration)> {
        let log = File::options()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        command
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let started = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {command:?}"))?;
        let mut server = Self { child, address };
        loop {
            if get_status(address, ready_path) == Some(200) {
                return Ok((server, started.elapsed()));
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("{command:?} exited with {status} before it was ready");
            }
            if started.elapsed() > START_LIMIT {
                bail!("{command:?} was not ready after {START_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Forgets the highest resident set size so far, so that the next reading of
    /// [`Server::peak_rss`] covers only what follows (Linux `clear_refs` 5).
    pub fn reset_peak_rss(&self) -> Result<()> {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5")
            .context("resetting the server's peak RSS (/proc/PID/clear_refs)")
    }

    /// The highest resident set size since start or the last reset, in bytes (`VmHWM`).
    pub fn peak_rss(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .context("reading the server's /proc status")?;
        let kilobytes = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| {
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .context("no VmHWM line in /proc/PID/status")?;
        Ok(kilobytes * 1024)
    }

    /// Starts sampling the server's private resident memory (`RssAnon`: heap, stacks, buffers)
    /// every 10 ms. Unlike the peak RSS, it leaves out file pages mapped into the process, such
    /// as SQLite's memory-mapped database, which every connection maps again and which are the
    /// kernel's page cache, not the server's memory.
    pub fn sample_private_memory(&self) -> MemorySampler {
        let path = format!("/proc/{}/status", self.pid());
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let sampler = std::thread::spawn(move || {
            let mut peak = 0;
            while !stopping.load(Ordering::Relaxed) {
                if let Some(bytes) = status_kilobytes(&path, "RssAnon:") {
                    peak = peak.max(bytes * 1024);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        });
        MemorySampler { stop, sampler }
    }

    /// How lightbox's record cache has answered reads by id so far (from `GET /metrics`), or
    /// `None` when the server reports no cache (turned off, or the aws backend) or serves no
    /// metrics on its main listener (`LIGHTBOX_METRICS=false`, or `LIGHTBOX_METRICS_BIND` set).
    pub fn record_cache_reads(&self) -> Result<Option<CacheReads>> {
        let metrics = get_body(self.address, "/metrics").context("scraping lightbox's /metrics")?;
        Ok(metrics.as_deref().and_then(CacheReads::parse))
    }

    /// Asks the server to stop (SIGTERM), then kills it if it has not after ten seconds.
    pub fn stop(mut self) -> Result<()> {
        let pid = self.pid().to_string();
        let _asked = Command::new("kill").args(["-TERM", &pid]).status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _killed = self.child.kill();
            let _reaped = self.child.wait();
        }
    }
}

/// Counts of `lightbox_record_cache_reads_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheReads {
    /// Reads answered from memory.
    pub hits: u64,
    /// Reads that went to the store.
    pub misses: u64,
}

impl CacheReads {
    /// The counts in a Prometheus text exposition, if it has them.
    fn parse(exposition: &str) -> Option<Self> {
        let count = |result: &str| {
            let series = format!("lightbox_record_cache_reads_total{{result=\"{result}\"}} ");
            exposition
                .lines()
                .find_map(|line| line.strip_prefix(series.as_str()))
                .and_then(|value| value.trim().parse().ok())
        };
        Some(Self {
            hits: count("hit")?,
            misses: count("miss")?,
        })
    }

    /// The share of the reads between `earlier` and these that memory answered, in percent.
    pub fn hit_percent_since(&self, earlier: &Self) -> Option<f64> {
        let hits = self.hits.checked_sub(earlier.hits)?;
        let misses = self.misses.checked_sub(earlier.misses)?;
        let reads = hits + misses;
        (reads > 0).then(|| 100.0 * hits as f64 / reads as f64)
    }
}

/// The highest private resident memory seen while it ran.
#[derive(Debug)]
pub struct MemorySampler {
    stop: Arc<AtomicBool>,
    sampler: JoinHandle<u64>,
}

impl MemorySampler {
    /// Stops sampling and returns the peak, in bytes.
    pub fn finish(self) -> Result<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.sampler
            .join()
            .map_err(|_| anyhow::anyhow!("the memory sampler panicked"))
    }
}

/// A `kB` value of `/proc/PID/status`.
fn status_kilobytes(path: &str, field: &str) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The status of `GET path` on a fresh connection, or `None` when nothing answers. A plain
/// blocking request: it runs before any load, and a millisecond's resolution is what counts.
fn get_status(address: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_millis(200)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// The body of `GET path` on a fresh connection (the whole answer, read until the server
/// closes), or `None` when nothing is served there (404).
fn get_body(address: SocketAddr, path: &str) -> Result<Option<String>> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .context("the answer has no end of head")?;
    if head.starts_with("HTTP/1.1 404") {
        return Ok(None);
    }
    if !head.starts_with("HTTP/1.1 200") {
        bail!(
            "GET {path} answered {}",
            head.lines().next().unwrap_or_default()
        );
    }
    Ok(Some(body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::CacheReads;

    #[test]
    fn cache_reads_are_read_from_the_exposition_and_compared() {
        let exposition = "# TYPE lightbox_record_cache_reads counter\n\
            lightbox_record_cache_reads_total{result=\"hit\"} 30\n\
            lightbox_record_cache_reads_total{result=\"miss\"} 10\n";
        let now = CacheReads::parse(exposition).expect("both series");
        assert_eq!(
            now,
            CacheReads {
                hits: 30,
                misses: 10
            }
        );
        let before = CacheReads { hits: 0, misses: 0 };
        assert_eq!(now.hit_percent_since(&before), Some(75.0));
        assert_eq!(now.hit_percent_since(&now), None, "no reads in between");
        assert_eq!(CacheReads::parse("lightbox_up 1\n"), None);
    }
}
