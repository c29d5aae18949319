//! Proves the schema's indexes serve every listing: for every combination of filters, both
//! orders, with and without a position, SQLite's plan for the exact statement the repository
//! runs must search indexes and never scan a table (nor a whole index).
//!
//! Plans are taken on a fresh database without `ANALYZE`: with no statistics the planner relies
//! on the schema alone, which is the state every new deployment starts in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::listing::{
    ListFilter, ListQuery, PageLimit, PagePosition, SortOrder, TitlePrefix,
};
use lightbox_domain::tags::TagFilter;
use lightbox_domain::visibility::Visibility;
use sqlx::{Row, SqlitePool};

use super::SqliteImageRepository;
use super::list_sql::list_statement;
use super::read::USAGE_SQL;
use super::sweep::sweep_statement;

/// One query shape: which filters are present.
#[derive(Debug, Clone, Copy)]
struct Shape {
    tags: usize,
    title_prefix: bool,
    content_type: bool,
    visibility: bool,
    created_after: bool,
    created_before: bool,
    order: SortOrder,
    positioned: bool,
}

fn all_shapes() -> Vec<Shape> {
    let flags = [false, true];
    let mut shapes = Vec::new();
    for tags in 0..=2 {
        for title_prefix in flags {
            for content_type in flags {
                for visibility in flags {
                    for created_after in flags {
                        for created_before in flags {
                            for order in [SortOrder::Newest, SortOrder::Oldest] {
                                for positioned in flags {
                                    shapes.push(Shape {
                                        tags,
                                        title_prefix,
                                        content_type,
                                        visibility,
                                        created_after,
                                        created_before,
                                        order,
                                        positioned,
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    shapes
}

fn query_for(shape: Shape) -> ListQuery {
    let mut filter = ListFilter::for_owner(OwnerId::parse("plan-owner").unwrap());
    filter.tags = TagFilter::parse(["beach", "sunset"].into_iter().take(shape.tags)).unwrap();
    if shape.title_prefix {
        filter.title_prefix = TitlePrefix::parse("Sun").unwrap();
    }
    filter.content_type = shape.content_type.then_some(ImageFormat::Png);
    filter.visibility = shape.visibility.then_some(Visibility::Public);
    filter.created_after = shape
        .created_after
        .then(|| Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap());
    filter.created_before = shape
        .created_before
        .then(|| Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
    ListQuery {
        filter,
        order: shape.order,
        limit: PageLimit::DEFAULT,
        after: shape.positioned.then(|| PagePosition {
            created_at: Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
            id: ImageId::generate(),
        }),
    }
}

async fn plan(pool: &SqlitePool, query: &ListQuery) -> Vec<String> {
    let mut statement = list_statement("EXPLAIN QUERY PLAN ", query);
    let rows = statement.build().fetch_all(pool).await.unwrap();
    rows.iter()
        .map(|row| row.get::<String, _>("detail"))
        .collect()
}

/// A step that reads a table, or a whole index, from end to end. The page a subquery picked
/// (`page`, at most a page and one row) is read whole by design.
fn is_scan(step: &str) -> bool {
    step.starts_with("SCAN ") && step != "SCAN CONSTANT ROW" && step != "SCAN page"
}

#[tokio::test]
async fn every_listing_shape_is_served_by_index_searches() {
    let repository = SqliteImageRepository::in_memory().await.unwrap();
    let mut sorted_shapes = Vec::new();
    let mut distinct_plans: BTreeMap<String, (usize, Shape)> = BTreeMap::new();
    for shape in all_shapes() {
        let steps = plan(&repository.pool, &query_for(shape)).await;
        distinct_plans
            .entry(steps.join(" / "))
            .or_insert((0, shape))
            .0 += 1;
        let scans: Vec<&String> = steps.iter().filter(|step| is_scan(step)).collect();
        assert!(scans.is_empty(), "{shape:?} scans: {steps:#?}");
        assert!(
            steps.iter().any(|step| step.starts_with("SEARCH ")),
            "{shape:?} searches nothing: {steps:#?}"
        );
        if shape.title_prefix && shape.tags == 0 {
            assert!(
                steps[1].contains("INDEX images_by_owner_title (owner_id=? AND title_key>?"),
                "{shape:?} reads the titles' range: {steps:#?}"
            );
        }
        if steps.iter().any(|step| step.contains("TEMP B-TREE")) {
            // Only a title-prefix range yields rows out of date order (and only without tags,
            // which drive the plan from their own ordered index).
            assert!(
                shape.title_prefix && shape.tags == 0,
                "{shape:?} sorts: {steps:#?}"
            );
            sorted_shapes.push(shape);
        }
    }
    // Recorded for the architecture notes: `cargo test -- --nocapture` shows the plans.
    println!("{} distinct plans:", distinct_plans.len());
    for (steps, (count, example)) in distinct_plans {
        println!("{count:>4} shapes, e.g. {example:?}:\n       {steps}");
    }
    println!(
        "{} shapes sort their page with a temp B-tree:",
        sorted_shapes.len()
    );
    for shape in sorted_shapes {
        println!("  {shape:?}");
    }
}

#[tokio::test]
async fn the_tagged_listing_is_driven_by_the_tag_index() {
    let repository = SqliteImageRepository::in_memory().await.unwrap();
    let mut shape = all_shapes()[0];
    shape.tags = 2;
    shape.visibility = true;
    let steps = plan(&repository.pool, &query_for(shape)).await;
    assert!(
        steps[0].starts_with("SEARCH t USING COVERING INDEX image_tags_by_owner_tag"),
        "{steps:#?}"
    );
}

#[tokio::test]
async fn usage_reads_only_the_covering_index() {
    let repository = SqliteImageRepository::in_memory().await.unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {USAGE_SQL}"
    )))
    .bind("plan-owner")
    .fetch_all(&repository.pool)
    .await
    .unwrap();
    let steps: Vec<String> = rows.iter().map(|row| row.get("detail")).collect();
    assert_eq!(
        steps,
        ["SEARCH images USING COVERING INDEX images_by_owner (owner_id=?)"]
    );
}

#[tokio::test]
async fn sweep_pages_are_ranges_of_the_primary_key() {
    let repository = SqliteImageRepository::in_memory().await.unwrap();
    for after in [None, Some(*ImageId::generate().as_uuid())] {
        let mut statement = sweep_statement("EXPLAIN QUERY PLAN ", after, 100);
        let rows = statement.build().fetch_all(&repository.pool).await.unwrap();
        let steps: Vec<String> = rows.iter().map(|row| row.get("detail")).collect();
        // The first page starts at the index's beginning and stops after its rows; every later
        // page seeks to its position. Each row's tags are a search of image_tags' primary key.
        let expected = match after {
            None => "SCAN i USING INDEX sqlite_autoindex_images_1",
            Some(_) => "SEARCH i USING INDEX sqlite_autoindex_images_1 (id>?)",
        };
        assert_eq!(
            steps,
            [
                expected,
                "CORRELATED SCALAR SUBQUERY 1",
                "SEARCH g USING PRIMARY KEY (image_id=?)"
            ],
            "after {after:?}"
        );
    }
}

/// SQLite's planner reads a bound `LIMIT` value, so binding that parameter again expires the
/// prepared statement: every page would be parsed and planned anew. The page size is therefore
/// written into the text, while every filter value stays a parameter, so that pages of the same
/// shape and size share one prepared statement.
#[test]
fn the_page_size_is_written_into_the_statement_and_filter_values_are_bound() {
    let shape = Shape {
        tags: 1,
        title_prefix: true,
        content_type: false,
        visibility: false,
        created_after: false,
        created_before: false,
        order: SortOrder::Newest,
        positioned: true,
    };
    let first = query_for(shape);
    let mut second = query_for(shape);
    second.filter.tags = TagFilter::parse(["mountain"]).unwrap();
    second.filter.title_prefix = TitlePrefix::parse("Moon").unwrap();
    let text = |query: &ListQuery| list_statement("", query).sql().as_str().to_owned();

    assert_eq!(text(&first), text(&second), "one text for both pages");
    assert!(text(&first).ends_with(" LIMIT 11"), "{}", text(&first));
    assert!(!text(&second).contains("mountain") && !text(&second).contains("moon"));
    let mut larger = query_for(shape);
    larger.limit = PageLimit::new(50).unwrap();
    assert!(text(&larger).ends_with(" LIMIT 51"), "{}", text(&larger));
    assert!(
        sweep_statement("", None, 100)
            .sql()
            .as_str()
            .ends_with(" LIMIT 101"),
        "the sweep's page size is written too"
    );
}
