-- A listing by tag is driven by the first tag's index range, in page order. Each row of that
-- range used to be joined to `images` (two B-tree descents) only to test the title prefix or the
-- visibility, and most rows fail those tests: with a million images, a tag and a title prefix
-- read thousands of image rows per page. The tag rows now carry both values, kept by every write
-- (tags are rewritten from the image row whenever it changes), and the tag index holds them, so
-- those tests run inside the index and `images` is read for the page's rows only.

ALTER TABLE image_tags ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private'
    CHECK (visibility IN ('private', 'public'));
ALTER TABLE image_tags ADD COLUMN title_key TEXT;

UPDATE image_tags
SET visibility = (SELECT i.visibility FROM images AS i WHERE i.id = image_tags.image_id),
    title_key = (SELECT i.title_key FROM images AS i WHERE i.id = image_tags.image_id);

DROP INDEX image_tags_by_owner_tag;
CREATE INDEX image_tags_by_owner_tag
    ON image_tags (owner_id, tag, created_at, image_id, visibility, title_key);
