//! A row of `images` (plus its tags) as sqlx reads and writes it, and its conversion to and from
//! the ports' shared flat mirror, which rebuilds the domain record. SQLite integers are signed
//! 64-bit: numbers that do not fit are refused on write, and negative ones are reported as
//! corruption on read, never a panic.

use lightbox_domain::image::ImageRecord;
use lightbox_domain::text::title_search_key;
use lightbox_ports::RepoError;
use lightbox_ports::failure::Cause;
use lightbox_ports::stored_image::{Corrupt, StoredImage};
use uuid::Uuid;

/// An image as a row of `images` holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct ImageRow {
    pub(super) id: Uuid,
    pub(super) owner_id: String,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) visibility: String,
    pub(super) content_type: String,
    pub(super) size_bytes: i64,
    pub(super) width: i64,
    pub(super) height: i64,
    pub(super) sha256: String,
    pub(super) original_filename: Option<String>,
    /// Microseconds since the Unix epoch.
    pub(super) created_at: i64,
    /// Microseconds since the Unix epoch.
    pub(super) updated_at: i64,
    pub(super) version: i64,
    pub(super) blurhash: Option<String>,
    /// Rows of `image_tags` for this image (read through [`TaggedRow`]).
    #[sqlx(skip)]
    pub(super) tags: Vec<String>,
}

/// An `images` row with its tags, as the reading statements return it (`image_columns!`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct TaggedRow {
    #[sqlx(flatten)]
    row: ImageRow,
    /// The image's tags as a JSON array of strings.
    tags_json: String,
}

impl TaggedRow {
    /// The image's id.
    pub(super) fn id(&self) -> Uuid {
        self.row.id
    }

    /// The domain record.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first field, tags included, that does not read back.
    pub(super) fn into_record(self) -> Result<ImageRecord, Corrupt> {
        let mut row = self.row;
        row.tags = serde_json::from_str(&self.tags_json).map_err(|error| Corrupt {
            what: format!("the tags of image {}", row.id),
            problem: error.to_string(),
        })?;
        row.into_record()
    }
}

impl ImageRow {
    /// The row for a record's flat mirror.
    ///
    /// # Errors
    /// [`RepoError::Unavailable`] when a number does not fit SQLite's signed 64-bit integers.
    pub(super) fn from_stored(stored: &StoredImage) -> Result<Self, RepoError> {
        let too_large = |field: &str| {
            RepoError::unavailable(Cause(format!(
                "the {field} of image {} does not fit SQLite's 64-bit signed integers",
                stored.id
            )))
        };
        Ok(Self {
            id: stored.id,
            owner_id: stored.owner_id.clone(),
            title: stored.title.clone(),
            description: stored.description.clone(),
            visibility: stored.visibility.clone(),
            content_type: stored.content_type.clone(),
            size_bytes: i64::try_from(stored.size_bytes).map_err(|_| too_large("size"))?,
            width: i64::from(stored.width),
            height: i64::from(stored.height),
            sha256: stored.sha256.clone(),
            original_filename: stored.original_filename.clone(),
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            version: i64::try_from(stored.version).map_err(|_| too_large("version"))?,
            blurhash: stored.blurhash.clone(),
            tags: stored.tags.clone(),
        })
    }

    /// The row for `record`.
    ///
    /// # Errors
    /// As [`ImageRow::from_stored`].
    pub(super) fn from_record(record: &ImageRecord) -> Result<Self, RepoError> {
        Self::from_stored(&StoredImage::from_record(record))
    }

    /// The key title-prefix search ranges on, derived exactly as the domain derives it.
    pub(super) fn title_key(&self) -> Option<String> {
        self.title.as_deref().map(title_search_key)
    }

    /// The domain record, rebuilt through the domain's parsers.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first field that does not read back to what is stored.
    pub(super) fn into_record(self) -> Result<ImageRecord, Corrupt> {
        let corrupt = |field: &str, problem: String| Corrupt {
            what: format!("stored image {}", self.id),
            problem: format!("{field}: {problem}"),
        };
        let unsigned = |field: &str, value: i64| {
            u64::try_from(value).map_err(|e| corrupt(field, e.to_string()))
        };
        let dimension = |field: &str, value: i64| {
            u32::try_from(value).map_err(|e| corrupt(field, e.to_string()))
        };
        let stored = StoredImage {
            size_bytes: unsigned("size_bytes", self.size_bytes)?,
            width: dimension("width", self.width)?,
            height: dimension("height", self.height)?,
            version: unsigned("version", self.version)?,
            id: self.id,
            owner_id: self.owner_id,
            title: self.title,
            description: self.description,
            visibility: self.visibility,
            content_type: self.content_type,
            sha256: self.sha256,
            original_filename: self.original_filename,
            created_at: self.created_at,
            updated_at: self.updated_at,
            blurhash: self.blurhash,
            tags: self.tags,
        };
        stored.into_record()
    }
}
