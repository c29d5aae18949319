//! The bulk loader: a million image records written straight into a local data directory's
//! SQLite store in large transactions, so the list and metadata scenarios run against a store
//! of that size without a million uploads.
//!
//! The records look like a real account's: created over three years in time order (the ids are
//! UUIDv7 of their creation time, as uploads make them), a two-word title from a vocabulary of
//! 64 words, and three tags of 64.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use lightbox_adapters_local::{LocalBackend, SqliteImageRepository};
use lightbox_domain::blurhash::Blurhash;
use lightbox_domain::filename::OriginalFilename;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::tags::Tags;
use lightbox_domain::text::Title;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::{Timestamp, Uuid};

/// Title words; title filters ask for a prefix of one of them.
pub const WORDS: [&str; 64] = [
    "sunset",
    "harbour",
    "mountain",
    "river",
    "forest",
    "city",
    "night",
    "morning",
    "beach",
    "garden",
    "portrait",
    "street",
    "winter",
    "summer",
    "autumn",
    "spring",
    "bridge",
    "tower",
    "market",
    "festival",
    "concert",
    "wedding",
    "birthday",
    "family",
    "friends",
    "dog",
    "cat",
    "horse",
    "bird",
    "flower",
    "tree",
    "lake",
    "island",
    "desert",
    "canyon",
    "glacier",
    "volcano",
    "village",
    "castle",
    "church",
    "museum",
    "train",
    "station",
    "airport",
    "road",
    "trail",
    "cabin",
    "kitchen",
    "dinner",
    "breakfast",
    "coffee",
    "party",
    "game",
    "stadium",
    "school",
    "office",
    "studio",
    "workshop",
    "harvest",
    "vineyard",
    "orchard",
    "meadow",
    "valley",
    "cliff",
];

/// Tags; each record has three, and tag filters ask for one.
pub const TAGS: [&str; 64] = [
    "travel",
    "nature",
    "family",
    "food",
    "pets",
    "architecture",
    "street",
    "portrait",
    "macro",
    "landscape",
    "night",
    "bw",
    "film",
    "drone",
    "sea",
    "snow",
    "rain",
    "fog",
    "sunrise",
    "sunset",
    "city",
    "village",
    "hiking",
    "cycling",
    "sailing",
    "skiing",
    "camping",
    "roadtrip",
    "friends",
    "kids",
    "wedding",
    "party",
    "concert",
    "sport",
    "art",
    "museum",
    "market",
    "garden",
    "flowers",
    "birds",
    "wildlife",
    "autumn",
    "winter",
    "spring",
    "summer",
    "2024",
    "2025",
    "2026",
    "europe",
    "asia",
    "africa",
    "americas",
    "home",
    "work",
    "study",
    "selfie",
    "analog",
    "phone",
    "canon",
    "nikon",
    "fuji",
    "sony",
    "edit",
    "raw",
];

/// Records per transaction: large enough that commits cost nothing, small enough to bound memory.
const BATCH: usize = 10_000;

/// What the loader stored.
#[derive(Debug)]
pub struct Filled {
    /// Every id, in creation order.
    pub ids: Vec<ImageId>,
    /// How long it took.
    pub took: Duration,
}

/// Stores `count` records of `owner` in `data_dir`'s database (created when missing).
pub async fn fill(data_dir: &Path, owner: &str, count: u64, seed: u64) -> Result<Filled> {
    let started = Instant::now();
    std::fs::create_dir_all(data_dir)?;
    let repository = SqliteImageRepository::open(&LocalBackend::database_path(data_dir))
        .await
        .context("opening the benchmark database")?;
    let owner = OwnerId::parse(owner).context("the bench owner id")?;
    let mut random = StdRng::seed_from_u64(seed);
    let mut moment = Utc
        .with_ymd_and_hms(2023, 11, 1, 8, 0, 0)
        .single()
        .context("the fill's start date")?;
    // Three years over a million records: about 95 s apart on average.
    let mean_gap_ms = 3 * 365 * 24 * 3600 * 1000 / count.max(1);
    let mut ids = Vec::with_capacity(usize::try_from(count)?);
    let mut batch = Vec::with_capacity(BATCH);
    for _ in 0..count {
        moment += chrono::Duration::milliseconds(i64::try_from(
            random.random_range(1..=2 * mean_gap_ms.max(1)),
        )?);
        let record = record(&owner, moment, &mut random)?;
        ids.push(record.id);
        batch.push(record);
        if batch.len() == BATCH {
            repository.import_batch(&batch).await?;
            batch.clear();
        }
    }
    repository.import_batch(&batch).await?;
    repository.close().await;
    Ok(Filled {
        ids,
        took: started.elapsed(),
    })
}

fn record(
    owner: &OwnerId,
    created: chrono::DateTime<Utc>,
    random: &mut StdRng,
) -> Result<ImageRecord> {
    let millis = u64::try_from(created.timestamp_millis())?;
    let uuid = Uuid::new_v7(Timestamp::from_unix(
        uuid::NoContext,
        millis / 1000,
        u32::try_from(millis % 1000)? * 1_000_000,
    ));
    let word = |random: &mut StdRng| WORDS[random.random_range(0..WORDS.len())];
    let title = format!(
        "{} {} {}",
        capitalized(word(random)),
        word(random),
        random.random_range(1..1000)
    );
    let tags = [0; 3].map(|_| TAGS[random.random_range(0..TAGS.len())]);
    let metadata = EditableMetadata {
        title: Title::parse(&title)?,
        tags: Tags::parse(tags)?,
        ..EditableMetadata::default()
    };
    let mut digest = [0u8; 32];
    random.fill(&mut digest);
    let mut image = ImageRecord::new(
        ImageId::from_uuid(uuid),
        owner.clone(),
        metadata,
        StoredContent {
            format: ImageFormat::Jpeg,
            size_bytes: random.random_range(150_000..400_000),
            width: 1024,
            height: 768,
            sha256: Sha256Digest::from_bytes(digest),
        },
        OriginalFilename::sanitize(&format!("IMG_{}.jpg", random.random_range(1000..10000))),
        created,
    );
    // Every uploaded image has its placeholder; a record without one would send each read
    // looking for the bytes to compute it.
    image.blurhash = Some(Blurhash::parse(PLACEHOLDER)?);
    Ok(image)
}

/// A valid blurhash, the same for every loaded record.
const PLACEHOLDER: &str = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
