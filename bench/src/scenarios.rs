//! The run: which scenarios, against which baselines, in which order.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};
use tokio::runtime::Runtime;

use crate::exchanges::{Get, RawPut, USER, Upload};
use crate::fsync_writer::Check;
use crate::interleave::{self, Contender, Turns, percent_with_range};
use crate::load::{self, Exchange, Load, Measurement};
use crate::payloads::Corpus;
use crate::process::{CacheReads, Server, free_address};
use crate::report::{LoadFigures, Row, ratio, table};
use crate::{Args, Backend, fill, framework_floor, fsync_writer, nginx};

/// The size of the large uploads: the default upload limit, which is inclusive.
const LARGE_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Connections of the upload and download scenarios (the 16 concurrent clients).
const TRANSFER_CONNECTIONS: usize = 16;
/// Connections of the list and metadata scenarios.
const QUERY_CONNECTIONS: usize = 8;
/// Bounds on the measured requests, which bound the disk a run fills.
const MAX_UPLOADS: u64 = 20_000;
const MAX_QUERIES: u64 = 2_000_000;
/// Large uploads: every connection sends this many, all measured.
const LARGE_UPLOADS_PER_CONNECTION: u64 = 3;
const LARGE_UPLOAD_CONNECTIONS: usize = 32;

/// Runs every scenario of `args.backend` and returns the table.
pub fn run(args: &Args) -> Result<String> {
    let work = WorkDir::create(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let bench = Bench {
        args,
        work: work.path.clone(),
        runtime,
        corpus: Corpus::photos_250kb()?,
    };
    eprintln!("lightbox-bench: working in {}", work.path.display());
    let rows = match args.backend {
        Backend::Local => bench.local()?,
        Backend::Aws => bench.aws()?,
    };
    work.finish(args.keep);
    Ok(table(&rows))
}

struct Bench<'a> {
    args: &'a Args,
    work: PathBuf,
    runtime: Runtime,
    corpus: Corpus,
}

impl Bench<'_> {
    fn local(&self) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        let data = self.work.join("data");
        let (server, ready) = self.start_lightbox(&[
            ("LIGHTBOX_BACKEND", "local".into()),
            ("LIGHTBOX_DATA_DIR", data.display().to_string()),
        ])?;
        rows.push(startup_row("start to /ready, empty store", ready, None));

        let (upload_rows, ids) = self.local_uploads(&server)?;
        rows.extend(upload_rows);
        rows.extend(self.local_downloads(&server, &data, &ids)?);
        let (large_row, large_count) = self.large_uploads(&server)?;
        rows.push(large_row);
        server.stop()?;

        eprintln!("lightbox-bench: storing {} image records", self.args.images);
        let filled = self
            .runtime
            .block_on(fill::fill(&data, USER, self.args.images, 2026))?;
        eprintln!(
            "lightbox-bench: stored them in {:.1} s",
            filled.took.as_secs_f64()
        );
        let stored = self.args.images + ids.len() as u64 + large_count;
        let (server, ready) = self.start_lightbox(&[
            ("LIGHTBOX_BACKEND", "local".into()),
            ("LIGHTBOX_DATA_DIR", data.display().to_string()),
        ])?;
        rows.push(startup_row(
            &format!("start to /ready, {} images", thousands(stored)),
            ready,
            Some(200),
        ));
        rows.extend(self.lists(&server, stored, list_path_filtered)?);
        let metadata = filled
            .ids
            .iter()
            .map(|id| format!("/api/v1/images/{id}/metadata"))
            .collect();
        rows.push(self.metadata(&server, stored, metadata)?);
        server.stop()?;
        Ok(rows)
    }

    fn aws(&self) -> Result<Vec<Row>> {
        let endpoint =
            std::env::var("AWS_ENDPOINT_URL").context("--backend aws needs AWS_ENDPOINT_URL")?;
        let endpoint_address = loopback_endpoint(&endpoint)?;
        let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        let bucket = format!("lightbox-bench-{stamp}");
        let env = [
            ("LIGHTBOX_BACKEND", "aws".to_owned()),
            ("LIGHTBOX_S3_BUCKET", bucket.clone()),
            ("LIGHTBOX_DYNAMODB_TABLE", bucket.clone()),
        ];
        let provisioned = self
            .lightbox_command(&env, None)
            .arg("provision")
            // Its report goes with the driver's progress on stderr; stdout is the table's.
            .stdout(std::process::Stdio::from(std::io::stderr()))
            .status()?;
        ensure!(provisioned.success(), "lightbox provision failed");
        let mut rows = Vec::new();
        let (server, ready) = self.start_lightbox(&env)?;
        rows.push(startup_row("start to /ready, empty table", ready, None));

        // Each scenario in interleaved turns with the emulator's own answer to the same bytes.
        let runtime = &self.runtime;
        let upload = Arc::new(Upload::new(server.address.to_string(), self.corpus.clone()));
        let prefix = format!("/{bucket}/bench-baseline/");
        let put = RawPut::new(endpoint_address.to_string(), prefix, self.corpus.clone());
        let memory = server.sample_private_memory();
        let [uploads, puts] = interleave::measure(
            [
                Contender::server(
                    "upload",
                    runtime,
                    server.address,
                    Arc::clone(&upload) as Arc<dyn Exchange>,
                ),
                Contender::server("S3 PUT", runtime, endpoint_address, Arc::new(put)),
            ],
            self.transfer_load(MAX_UPLOADS),
        )?;
        rows.push(emulated_row(
            "upload 250 KB JPEG, 16 concurrent, durable",
            &uploads,
            &puts,
            memory.finish()?,
        ));
        rows.push(baseline_row(
            "baseline: the same files PUT to the S3 endpoint, 16 connections",
            &puts.total,
        ));
        let ids = upload.created();
        ensure!(
            !ids.is_empty(),
            "no upload succeeded; see the server log in the work directory"
        );

        let api_paths = ids
            .iter()
            .map(|id| format!("/api/v1/images/{id}"))
            .collect();
        let object_paths = ids
            .iter()
            .map(|id| format!("/{bucket}/{}", blob_key(id)))
            .collect();
        let get = Get::new(endpoint_address.to_string(), object_paths, 100_000)?.sent_to_s3();
        let memory = server.sample_private_memory();
        let [downloads, gets] = interleave::measure(
            [
                Contender::server(
                    "download",
                    runtime,
                    server.address,
                    Arc::new(Get::new(server.address.to_string(), api_paths, 100_000)?),
                ),
                Contender::server("S3 GET", runtime, endpoint_address, Arc::new(get)),
            ],
            self.transfer_load(MAX_QUERIES),
        )?;
        rows.push(emulated_row(
            &format!(
                "download 250 KB, 16 concurrent, {} images",
                thousands(ids.len() as u64)
            ),
            &downloads,
            &gets,
            memory.finish()?,
        ));
        rows.push(baseline_row(
            "baseline: the same objects GET from the S3 endpoint, 16 connections",
            &gets.total,
        ));

        let stored = ids.len() as u64;
        rows.extend(self.lists(&server, stored, list_path_uploaded)?);
        let metadata = ids
            .iter()
            .map(|id| format!("/api/v1/images/{id}/metadata"))
            .collect();
        rows.push(self.metadata(&server, stored, metadata)?);
        rows.push(self.large_uploads(&server)?.0);
        server.stop()?;
        Ok(rows)
    }

    /// The upload scenario on the local backend, in interleaved turns with its two baselines
    /// (the plain durable writer, and the one that decodes each JPEG first); and the ids stored.
    fn local_uploads(&self, server: &Server) -> Result<(Vec<Row>, Vec<String>)> {
        let upload = Arc::new(Upload::new(server.address.to_string(), self.corpus.clone()));
        let writer = |check: Check| {
            move |load: Load, turn: u32| {
                let directory = self.work.join(format!("fsync-baseline-{check:?}-{turn}"));
                fsync_writer::run(&directory, &self.corpus, load, check)
            }
        };
        let contenders = [
            Contender::server(
                "upload",
                &self.runtime,
                server.address,
                Arc::clone(&upload) as Arc<dyn Exchange>,
            ),
            Contender {
                name: "fsync writer",
                turn: Box::new(writer(Check::None)),
            },
            Contender {
                name: "decoding fsync writer",
                turn: Box::new(writer(Check::Decode)),
            },
        ];
        let memory = server.sample_private_memory();
        let [uploads, plain, decoding] =
            interleave::measure(contenders, self.transfer_load(MAX_UPLOADS))?;
        let peak = memory.finish()?;
        let ids = upload.created();
        ensure!(
            !ids.is_empty(),
            "no upload succeeded; see the server log in the work directory"
        );
        let of_plain = ratio_of(&uploads, &plain);
        let upload_row = Row {
            scenario: "upload 250 KB JPEG, 16 concurrent, durable".to_owned(),
            load: Some(LoadFigures::of(&uploads.total)),
            peak_rss: Some(peak),
            versus: format!(
                "{} of baseline; {} of the decoding writer",
                percent_with_range(of_plain, uploads.percent_range(&plain)),
                percent_with_range(
                    ratio_of(&uploads, &decoding),
                    uploads.percent_range(&decoding)
                ),
            ),
            target: verdict(of_plain >= 60.0, "≥ 60 % of baseline"),
            ..Row::default()
        };
        let rows = vec![
            upload_row,
            baseline_row(
                "baseline: write + fsync file and directory, 16 threads",
                &plain.total,
            ),
            baseline_row(
                "baseline: decode the JPEG, then write + fsync, 16 threads",
                &decoding.total,
            ),
        ];
        Ok((rows, ids))
    }

    /// The download scenario on the local backend: lightbox with its record cache, lightbox
    /// with every record read from SQLite (a second server on the same data directory, which
    /// only reads), nginx and the framework's floor, on the same files, in interleaved turns.
    fn local_downloads(&self, server: &Server, data: &Path, ids: &[String]) -> Result<Vec<Row>> {
        let (uncached, _) = self.start_lightbox(&[
            ("LIGHTBOX_BACKEND", "local".into()),
            ("LIGHTBOX_DATA_DIR", data.display().to_string()),
            ("LIGHTBOX_RECORD_CACHE_SECONDS", "0".into()),
        ])?;
        let (nginx_server, nginx_address) = nginx::start(
            &self.args.nginx,
            &data.join("blobs"),
            &self.work.join("nginx"),
        )?;
        let (floor_server, floor_address) = framework_floor::start(&data.join("blobs"))?;
        let api_paths: Vec<String> = ids
            .iter()
            .map(|id| format!("/api/v1/images/{id}"))
            .collect();
        let file_paths: Vec<String> = ids.iter().map(|id| format!("/{}", blob_key(id))).collect();
        let get = |target: SocketAddr, paths: &[String]| -> Result<Arc<dyn Exchange>> {
            Ok(Arc::new(Get::new(
                target.to_string(),
                paths.to_vec(),
                100_000,
            )?))
        };
        let runtime = &self.runtime;
        let contenders = [
            Contender::server(
                "download",
                runtime,
                server.address,
                get(server.address, &api_paths)?,
            ),
            Contender::server(
                "download, record cache off",
                runtime,
                uncached.address,
                get(uncached.address, &api_paths)?,
            ),
            Contender::server(
                "nginx",
                runtime,
                nginx_address,
                get(nginx_address, &file_paths)?,
            ),
            Contender::server(
                "actix-web floor",
                runtime,
                floor_address,
                get(floor_address, &file_paths)?,
            ),
        ];
        let cached_memory = server.sample_private_memory();
        let uncached_memory = uncached.sample_private_memory();
        let cache_before = server.record_cache_reads()?;
        let [cached, off, nginx, floor] =
            interleave::measure(contenders, self.transfer_load(MAX_QUERIES))?;
        let cache = cache_note(cache_before, server.record_cache_reads()?);
        let (cached_peak, uncached_peak) = (cached_memory.finish()?, uncached_memory.finish()?);
        floor_server.stop()?;
        nginx_server.stop()?;
        uncached.stop()?;

        let images = thousands(ids.len() as u64);
        let mut cached_row = download_row(
            &format!("download 250 KB, 16 concurrent, {images} images{cache}"),
            &cached,
            (&nginx, &floor),
            cached_peak,
        );
        cached_row.target = verdict(ratio_of(&cached, &nginx) >= 80.0, "≥ 80 % of baseline");
        let off_row = download_row(
            &format!("download 250 KB, 16 concurrent, {images} images, record cache off"),
            &off,
            (&nginx, &floor),
            uncached_peak,
        );
        let mut floor_row = baseline_row(
            "floor: actix-web serving the same files, one blocking read each, nothing else",
            &floor.total,
        );
        floor_row.versus = format!(
            "{} of nginx",
            percent_with_range(ratio_of(&floor, &nginx), floor.percent_range(&nginx))
        );
        Ok(vec![
            cached_row,
            off_row,
            baseline_row(
                "baseline: nginx, sendfile on, same files, 16 connections",
                &nginx.total,
            ),
            floor_row,
        ])
    }

    /// The 10 MiB uploads' row, and how many images they stored.
    fn large_uploads(&self, server: &Server) -> Result<(Row, u64)> {
        let corpus = Corpus::photo_of_size(LARGE_UPLOAD_BYTES)?;
        let upload = Arc::new(Upload::new(server.address.to_string(), corpus));
        let count = LARGE_UPLOADS_PER_CONNECTION * LARGE_UPLOAD_CONNECTIONS as u64;
        let load = Load {
            connections: LARGE_UPLOAD_CONNECTIONS,
            warm_up: Duration::ZERO,
            duration: Duration::from_secs(600),
            max_requests: count,
        };
        server.reset_peak_rss()?;
        let sampler = server.sample_private_memory();
        let measured = self.measure("10 MiB uploads", server.address, Arc::clone(&upload), load)?;
        let private = sampler.finish()?;
        // The target is on the whole resident set, file pages included (VmHWM).
        let peak = server.peak_rss()?;
        let mut row = load_row("32 concurrent 10 MiB uploads", &measured, Some(private));
        row.target = verdict(
            peak <= 150_000_000,
            &format!("peak RSS ≤ 150 MB (VmHWM {:.0} MB)", peak as f64 / 1e6),
        );
        Ok((row, upload.created().len() as u64))
    }

    /// The list scenario twice: alone on its connection (the latency of a page) and with
    /// `QUERY_CONNECTIONS` clients (the throughput, where pages queue for the two cores).
    fn lists(
        &self,
        server: &Server,
        stored: u64,
        path: impl Fn(u64) -> String,
    ) -> Result<Vec<Row>> {
        let paths: Vec<String> = (0..4096).map(path).collect();
        [1, QUERY_CONNECTIONS]
            .into_iter()
            .map(|connections| self.list(server, stored, paths.clone(), connections))
            .collect()
    }

    fn list(
        &self,
        server: &Server,
        stored: u64,
        paths: Vec<String>,
        connections: usize,
    ) -> Result<Row> {
        let sampler = server.sample_private_memory();
        let measured = self.measure(
            "list",
            server.address,
            Get::new(server.address.to_string(), paths, 10)?,
            Load {
                connections,
                ..self.query_load()
            },
        )?;
        let figures = LoadFigures::of(&measured);
        let mut row = load_row(
            &format!(
                "list, page of 50, tag + title filters, {} images, {connections} concurrent",
                thousands(stored)
            ),
            &measured,
            Some(sampler.finish()?),
        );
        row.target = verdict(figures.p99 <= Duration::from_millis(10), "p99 ≤ 10 ms");
        Ok(row)
    }

    fn metadata(&self, server: &Server, stored: u64, paths: Vec<String>) -> Result<Row> {
        let sampler = server.sample_private_memory();
        let cache_before = server.record_cache_reads()?;
        let measured = self.measure(
            "metadata",
            server.address,
            Get::new(server.address.to_string(), paths, 100)?,
            self.query_load(),
        )?;
        let cache = cache_note(cache_before, server.record_cache_reads()?);
        let figures = LoadFigures::of(&measured);
        let mut row = load_row(
            &format!(
                "metadata GET by id, {} images, 8 concurrent{cache}",
                thousands(stored)
            ),
            &measured,
            Some(sampler.finish()?),
        );
        row.target = verdict(
            figures.rate >= 5000.0 && figures.p99 <= Duration::from_millis(5),
            "≥ 5,000 req/s, p99 ≤ 5 ms",
        );
        Ok(row)
    }

    fn transfer_load(&self, max_requests: u64) -> Load {
        Load {
            connections: TRANSFER_CONNECTIONS,
            warm_up: Duration::from_secs(self.args.warm_up),
            duration: Duration::from_secs(self.args.duration),
            max_requests,
        }
    }

    fn query_load(&self) -> Load {
        Load {
            connections: QUERY_CONNECTIONS,
            ..self.transfer_load(MAX_QUERIES)
        }
    }

    fn measure(
        &self,
        what: &str,
        target: SocketAddr,
        exchange: impl Exchange,
        load: Load,
    ) -> Result<Measurement> {
        eprintln!("lightbox-bench: {what} ({} connections)", load.connections);
        self.runtime
            .block_on(load::run(target, Arc::new(exchange), load))
            .with_context(|| format!("measuring {what}"))
    }

    fn lightbox_command(&self, env: &[(&str, String)], bind: Option<SocketAddr>) -> Command {
        let mut command = Command::new(&self.args.lightbox);
        command
            .env(
                "LIGHTBOX_SIGNING_KEY",
                "lightbox-bench-signing-key-not-a-secret-0001",
            )
            // Maintenance is not part of any scenario; its first run would land at a random moment.
            .env("LIGHTBOX_GC_INTERVAL_SECONDS", "0")
            .envs(env.iter().map(|(name, value)| (*name, value)));
        if let Some(bind) = bind {
            command.env("LIGHTBOX_BIND", bind.to_string());
        }
        command
    }

    fn start_lightbox(&self, env: &[(&str, String)]) -> Result<(Server, Duration)> {
        let address = free_address()?;
        let command = self.lightbox_command(env, Some(address));
        Server::start(command, address, "/ready", &self.work.join("lightbox.log"))
            .context("starting lightbox")
    }
}

/// A list request with a tag and a title prefix drawn from the bulk loader's vocabularies.
fn list_path_filtered(n: u64) -> String {
    let tag = fill::TAGS[(n as usize * 7) % fill::TAGS.len()];
    let word = fill::WORDS[(n as usize * 13 + 5) % fill::WORDS.len()];
    let prefix: String = word.chars().take(3).collect();
    format!("/api/v1/images?limit=50&tag={tag}&title={prefix}")
}

/// A list request over the uploaded images (aws mode): their tag and a title prefix.
fn list_path_uploaded(n: u64) -> String {
    format!(
        "/api/v1/images?limit=50&tag=bench&title=bench%20photo%20{}",
        n % 10
    )
}

/// The store key of an image's original, as the blob stores lay it out: `images/<last two hex
/// digits of the id>/<id>/original`.
fn blob_key(id: &str) -> String {
    let fan_out = id.get(id.len().saturating_sub(2)..).unwrap_or_default();
    format!("images/{fan_out}/{id}/original")
}

fn loopback_endpoint(endpoint: &str) -> Result<SocketAddr> {
    let rest = endpoint
        .strip_prefix("http://")
        .context("the endpoint must be plain http://")?;
    let authority = rest
        .split('/')
        .next()
        .unwrap_or_default()
        .replace("localhost", "127.0.0.1");
    let address: SocketAddr = authority
        .parse()
        .with_context(|| format!("{endpoint} is not host:port"))?;
    if !address.ip().is_loopback() {
        bail!("the bench only targets 127.0.0.1, not {endpoint}");
    }
    Ok(address)
}

fn load_row(scenario: &str, measured: &Measurement, peak_rss: Option<u64>) -> Row {
    Row {
        scenario: scenario.to_owned(),
        load: Some(LoadFigures::of(measured)),
        peak_rss,
        ..Row::default()
    }
}

/// A download row, its rate against nginx (the target's baseline) and the framework's floor.
fn download_row(scenario: &str, turns: &Turns, (nginx, floor): (&Turns, &Turns), peak: u64) -> Row {
    Row {
        scenario: scenario.to_owned(),
        load: Some(LoadFigures::of(&turns.total)),
        peak_rss: Some(peak),
        versus: format!(
            "{} of baseline; {} of the actix-web floor",
            percent_with_range(ratio_of(turns, nginx), turns.percent_range(nginx)),
            percent_with_range(ratio_of(turns, floor), turns.percent_range(floor)),
        ),
        ..Row::default()
    }
}

/// A row of the aws backend against the emulator's own answer: no target, since the baseline
/// is an emulator, not S3.
fn emulated_row(scenario: &str, turns: &Turns, baseline: &Turns, peak: u64) -> Row {
    Row {
        scenario: scenario.to_owned(),
        load: Some(LoadFigures::of(&turns.total)),
        peak_rss: Some(peak),
        versus: format!(
            "{} of baseline",
            percent_with_range(ratio_of(turns, baseline), turns.percent_range(baseline))
        ),
        target: "— (the endpoint is an emulator)".to_owned(),
        ..Row::default()
    }
}

/// One contender's whole rate over all its turns as a percentage of another's.
fn ratio_of(turns: &Turns, other: &Turns) -> f64 {
    ratio(
        &LoadFigures::of(&turns.total),
        &LoadFigures::of(&other.total),
    )
}

/// `", record cache hits N %"` for a scenario's reads by id, when the server has the cache.
fn cache_note(before: Option<CacheReads>, after: Option<CacheReads>) -> String {
    before
        .zip(after)
        .and_then(|(before, after)| after.hit_percent_since(&before))
        .map_or_else(String::new, |percent| {
            format!(", record cache hits {percent:.0} %")
        })
}

fn baseline_row(scenario: &str, measured: &Measurement) -> Row {
    Row {
        scenario: scenario.to_owned(),
        load: Some(LoadFigures::of(measured)),
        versus: "(baseline)".to_owned(),
        ..Row::default()
    }
}

fn startup_row(scenario: &str, took: Duration, target_ms: Option<u64>) -> Row {
    Row {
        scenario: scenario.to_owned(),
        time: Some(took),
        target: target_ms.map_or_else(String::new, |limit| {
            verdict(
                took <= Duration::from_millis(limit),
                &format!("≤ {limit} ms"),
            )
        }),
        ..Row::default()
    }
}

fn verdict(met: bool, target: &str) -> String {
    format!("{target}: {}", if met { "met" } else { "missed" })
}

fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The run's directory: created fresh, removed at the end unless kept.
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn create(args: &Args) -> Result<Self> {
        let path = args.work_dir.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("lightbox-bench-{}", std::process::id()))
        });
        ensure!(
            !path.exists(),
            "{} exists; the bench wants a fresh directory",
            path.display()
        );
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path })
    }

    fn finish(&self, keep: bool) {
        if keep {
            eprintln!("lightbox-bench: kept {}", self.path.display());
        } else if let Err(error) = std::fs::remove_dir_all(&self.path) {
            eprintln!(
                "lightbox-bench: could not remove {}: {error}",
                self.path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_numbers_are_laid_out_like_the_store_and_the_docs() {
        assert_eq!(
            blob_key("0193c0a4-0000-7000-8000-0000000000ab"),
            "images/ab/0193c0a4-0000-7000-8000-0000000000ab/original"
        );
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn only_loopback_endpoints_are_accepted() {
        assert!(loopback_endpoint("http://127.0.0.1:5599").is_ok());
        assert!(loopback_endpoint("http://localhost:5599/").is_ok());
        assert!(loopback_endpoint("http://10.0.0.8:5599").is_err());
        assert!(loopback_endpoint("https://127.0.0.1:5599").is_err());
    }
}
