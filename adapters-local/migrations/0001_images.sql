-- The metadata schema of lightbox's SQLite store: images, their tags, and idempotency claims.
--
-- Conventions: image ids are the UUID's 16 bytes (BLOB), which sort exactly like `ImageId`;
-- timestamps are INTEGER microseconds since the Unix epoch, so they round-trip exactly and
-- compare as numbers. Tables are STRICT so a value of the wrong type is refused on write
-- instead of being found corrupt on read.

CREATE TABLE images (
    id                BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    owner_id          TEXT    NOT NULL,
    title             TEXT,
    -- The lower-cased title (`Title::search_key`) that case-insensitive prefix search ranges on.
    title_key         TEXT,
    description       TEXT,
    visibility        TEXT    NOT NULL CHECK (visibility IN ('private', 'public')),
    content_type      TEXT    NOT NULL,
    size_bytes        INTEGER NOT NULL CHECK (size_bytes >= 0),
    width             INTEGER NOT NULL CHECK (width >= 0),
    height            INTEGER NOT NULL CHECK (height >= 0),
    sha256            TEXT    NOT NULL CHECK (length(sha256) = 64),
    original_filename TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL CHECK (version >= 1),
    blurhash          TEXT,
    CHECK ((title IS NULL) = (title_key IS NULL))
) STRICT;

-- Every listing is one owner's images in (created_at, id) order, so each index starts with
-- owner_id, ends with (created_at, id), and holds one equality filter in between: the page is
-- then a single index range read in order, stopping after `limit + 1` rows.

-- Unfiltered listings and created_after/created_before ranges. size_bytes makes it covering for
-- `usage`, which then never reads the table.
CREATE INDEX images_by_owner ON images (owner_id, created_at, id, size_bytes);

-- visibility = ?: every listing of another user's images is restricted to 'public'.
CREATE INDEX images_by_owner_visibility ON images (owner_id, visibility, created_at, id);

-- content_type = ?.
CREATE INDEX images_by_owner_content_type ON images (owner_id, content_type, created_at, id);

-- Title prefix: a range on title_key, so rows come out in title order and the page is sorted
-- afterwards. (created_at, id) let the position and date filters skip rows inside the index.
CREATE INDEX images_by_owner_title ON images (owner_id, title_key, created_at, id);

-- One row per (image, tag). owner_id and created_at are copied from the image (neither ever
-- changes) so that a tag listing is an index range already in page order.
CREATE TABLE image_tags (
    image_id   BLOB    NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    owner_id   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    -- Also serves "does image X carry tag Y" for the second and later tags of a filter, loading
    -- a page's tags, and the cascade on delete.
    PRIMARY KEY (image_id, tag)
) STRICT, WITHOUT ROWID;

-- Listings filtered by tags are driven from the first tag's range.
CREATE INDEX image_tags_by_owner_tag ON image_tags (owner_id, tag, created_at, image_id);

-- A claim on an idempotency key, with the record its first request created, as created.
CREATE TABLE idempotency_keys (
    owner_id        TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    fingerprint     BLOB    NOT NULL CHECK (length(fingerprint) = 32),
    -- The created record as JSON (the adapter's private mirror of `ImageRecord`), so a replay
    -- answers with the record as it was created even after later edits or a delete.
    image_snapshot  TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (owner_id, idempotency_key)
) STRICT;

-- Finds expired claims for the bounded purge each claimed create runs.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
