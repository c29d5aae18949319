//! The SQL of a listing, built in one place so that the repository runs it and the query-plan
//! test examines exactly the same text and bindings.
//!
//! Shapes: without tags, the page is read from `images` through the index the planner picks
//! for the equality filters present (see the migration); with tags, it is driven from the first
//! tag's range of `image_tags_by_owner_tag` (`CROSS JOIN` pins that order, since SQLite without
//! statistics cannot know a tag is selective), and the other tags are checked by primary key.
//! Position and date bounds are put on the driving table's `(created_at, id)` columns so they
//! narrow the index range instead of filtering rows after it. The one shape that must sort, a
//! title prefix without tags, is pinned to the title index (`INDEXED BY`) and picks its page in
//! a subquery first (see `list_statement`).

use chrono::{DateTime, Utc};
use lightbox_domain::listing::{ListQuery, SortOrder};
use sqlx::{QueryBuilder, Sqlite};

/// The columns that make a `TaggedRow`: the row of `images` read through the alias `i`, and its
/// tags as a JSON array gathered by a subquery on `image_tags`' primary key. One statement
/// reads both, so a record is always one snapshot, and a page costs one round trip to SQLite
/// rather than a transaction of three.
macro_rules! image_columns {
    () => {
        "i.id, i.owner_id, i.title, i.description, i.visibility, i.content_type, i.size_bytes, \
         i.width, i.height, i.sha256, i.original_filename, i.created_at, i.updated_at, \
         i.version, i.blurhash, \
         (SELECT json_group_array(g.tag) FROM image_tags AS g WHERE g.image_id = i.id) \
         AS tags_json"
    };
}
pub(super) use image_columns;

/// The statement for one page of `query`: up to `limit + 1` rows of `images`. `lead` is put
/// before it (empty to run it, `EXPLAIN QUERY PLAN ` to examine it).
pub(crate) fn list_statement(lead: &str, query: &ListQuery) -> QueryBuilder<Sqlite> {
    let filter = &query.filter;
    let mut sql = QueryBuilder::new(lead);
    sql.push(concat!("SELECT ", image_columns!()));
    // A title prefix without tags reads the title index's range, whatever else is asked, and
    // sorts it by date before the page is cut. Left to itself, SQLite (without statistics) reads
    // a later page or a date-bounded one through the date index instead, testing each row's
    // title in the table until a page has passed: on a million images a prefix that few titles
    // share took 35 ms a page, and one that none share 200 ms, a read of the whole store. The
    // title range costs what the titles that match cost, page after page, as the first page
    // always did. Its rows are sorted as bare (created_at, id) pairs from the index, and only
    // the page's rows are then read from `images` with their tags.
    let sorted_from_title_index = filter.tags.is_empty() && filter.title_prefix.is_some();
    if sorted_from_title_index {
        sql.push(" FROM (SELECT i.id, i.created_at");
    }

    // The driving table: its (created_at, id) columns carry the order and every range.
    let mut tags = filter.tags.iter();
    let (driver, id_column) = match tags.next() {
        Some(first) => {
            sql.push(" FROM image_tags AS t CROSS JOIN images AS i ON i.id = t.image_id");
            sql.push(" WHERE t.owner_id = ")
                .push_bind(filter.owner.as_str().to_owned());
            sql.push(" AND t.tag = ")
                .push_bind(first.as_str().to_owned());
            ("t", "image_id")
        }
        None => {
            sql.push(if sorted_from_title_index {
                " FROM images AS i INDEXED BY images_by_owner_title WHERE i.owner_id = "
            } else {
                " FROM images AS i WHERE i.owner_id = "
            })
            .push_bind(filter.owner.as_str().to_owned());
            ("i", "id")
        }
    };
    for tag in tags {
        sql.push(
            " AND EXISTS (SELECT 1 FROM image_tags AS o WHERE o.image_id = t.image_id AND o.tag = ",
        )
        .push_bind(tag.as_str().to_owned())
        .push(")");
    }

    // The tag rows carry the title key and the visibility (migration 0002), so with tags these
    // tests run inside the tag index and `images` is read only for rows that pass them.
    if let Some(prefix) = &filter.title_prefix {
        sql.push(format_args!(" AND {driver}.title_key >= "))
            .push_bind(prefix.key().to_owned());
        // Without an upper bound (a prefix of only U+10FFFF) the lower bound alone is exact.
        if let Some(upper) = prefix_successor(prefix.key()) {
            sql.push(format_args!(" AND {driver}.title_key < "))
                .push_bind(upper);
        }
    }
    if let Some(format) = filter.content_type {
        sql.push(" AND i.content_type = ")
            .push_bind(format.mime_type());
    }
    if let Some(visibility) = filter.visibility {
        sql.push(format_args!(" AND {driver}.visibility = "))
            .push_bind(visibility.as_str());
    }
    if let Some(after) = filter.created_after {
        sql.push(format_args!(" AND {driver}.created_at >= "))
            .push_bind(micros(after));
    }
    if let Some(before) = filter.created_before {
        sql.push(format_args!(" AND {driver}.created_at < "))
            .push_bind(micros(before));
    }

    let (direction, beyond) = match query.order {
        SortOrder::Newest => ("DESC", "<"),
        SortOrder::Oldest => ("ASC", ">"),
    };
    if let Some(position) = &query.after {
        sql.push(format_args!(
            " AND ({driver}.created_at, {driver}.{id_column}) {beyond} ("
        ))
        .push_bind(micros(position.created_at))
        .push(", ")
        .push_bind(*position.id.as_uuid())
        .push(")");
    }
    sql.push(format_args!(
        " ORDER BY {driver}.created_at {direction}, {driver}.{id_column} {direction} LIMIT "
    ));
    // The page and one more row, which tells the caller another page exists. The number is
    // written into the statement, not bound: SQLite's planner reads a bound `LIMIT` value, so
    // binding that parameter again expires the prepared statement and every page was parsed
    // and planned anew (a tenth of a listing's CPU). Written, the text is the same for every
    // page of a given size and shape, and the connection's statement cache keeps it prepared.
    sql.push(query.limit.get().saturating_add(1));
    if sorted_from_title_index {
        sql.push(format_args!(
            ") AS page CROSS JOIN images AS i ON i.id = page.id \
             ORDER BY page.created_at {direction}, page.id {direction}"
        ));
    }
    sql
}

fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

/// The least string greater than every string that starts with `prefix`, if there is one.
///
/// SQLite compares TEXT bytewise, and UTF-8 byte order is code-point order, so the range
/// `[prefix, successor)` holds exactly the strings starting with `prefix`: the successor is the
/// prefix with its last character replaced by the next character. U+10FFFF has no next character
/// and is dropped (carrying to the one before); the surrogate gap is skipped.
pub(crate) fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            other => char::from_u32(u32::from(other) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn successors_of_ascii_unicode_and_edge_characters() {
        assert_eq!(prefix_successor("sun").as_deref(), Some("suo"));
        assert_eq!(prefix_successor("äpfel").as_deref(), Some("äpfem"));
        assert_eq!(prefix_successor("東").as_deref(), Some("杲"));
        assert_eq!(prefix_successor("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_successor("\u{10FFFF}"), None);
        assert_eq!(prefix_successor(""), None);
    }

    proptest! {
        #[test]
        fn the_range_holds_exactly_the_strings_with_the_prefix(prefix in "\\PC{1,6}", rest in "\\PC{0,6}", other in "\\PC{0,8}") {
            let upper = prefix_successor(&prefix);
            let in_range = |text: &str| {
                text >= prefix.as_str() && upper.as_deref().is_none_or(|upper| text < upper)
            };
            let extended = format!("{prefix}{rest}");
            prop_assert!(in_range(&extended));
            prop_assert_eq!(in_range(&other), other.starts_with(prefix.as_str()));
        }
    }
}
