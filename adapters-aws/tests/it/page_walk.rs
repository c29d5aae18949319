//! A page walk over 1,000 images of one owner: with tag, title, content-type and visibility
//! filters, in both orders and at page sizes 7 and 50, every match comes exactly once, in
//! `(created_at, id)` order, however the matches fall across DynamoDB's result pages.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt, stream};
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::{EditableMetadata, ImageRecord, Sha256Digest, StoredContent};
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::listing::{
    ListFilter, ListQuery, PageLimit, PagePosition, SortOrder, TitlePrefix,
};
use lightbox_domain::quota::Quota;
use lightbox_domain::tags::{TagFilter, Tags};
use lightbox_domain::text::Title;
use lightbox_domain::visibility::Visibility;
use lightbox_ports::ImageRepository;

use super::support::fresh_backend;

const IMAGES: usize = 1_000;
/// Creates in flight at once: moto is single-threaded, so more would only queue.
const CONCURRENT_CREATES: usize = 8;

fn image(owner: &OwnerId, i: usize) -> ImageRecord {
    // Two images per microsecond-exact instant, so ids break ties; some share a millisecond.
    let created_at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
        + Duration::microseconds((i / 2) as i64 * 997);
    let mut tags = vec!["all".to_owned()];
    for divisor in [3, 5, 7] {
        if i.is_multiple_of(divisor) {
            tags.push(format!("every{divisor}"));
        }
    }
    let titles = ["Sunset", "sunrise", "Moon", "Äpfel", "Street"];
    let metadata = EditableMetadata {
        title: if i.is_multiple_of(11) {
            None
        } else {
            Title::parse(&format!("{} {i}", titles[i % titles.len()])).unwrap()
        },
        description: None,
        tags: Tags::parse(tags.iter().map(String::as_str)).unwrap(),
        visibility: if i.is_multiple_of(2) {
            Visibility::Public
        } else {
            Visibility::Private
        },
    };
    let content = StoredContent {
        format: ImageFormat::ALL[i % ImageFormat::ALL.len()],
        size_bytes: 1_000 + i as u64,
        width: 10,
        height: 10,
        sha256: Sha256Digest::from_bytes([1; 32]),
    };
    ImageRecord::new(
        ImageId::generate(),
        owner.clone(),
        metadata,
        content,
        None,
        created_at,
    )
}

fn expected(images: &[ImageRecord], filter: &ListFilter, order: SortOrder) -> Vec<ImageId> {
    let mut matching: Vec<&ImageRecord> = images
        .iter()
        .filter(|image| filter.matches(image))
        .collect();
    matching.sort_by_key(|image| (image.created_at, image.id));
    if order == SortOrder::Newest {
        matching.reverse();
    }
    matching.iter().map(|image| image.id).collect()
}

async fn walk(
    repository: &dyn ImageRepository,
    filter: &ListFilter,
    order: SortOrder,
    size: u64,
) -> Vec<ImageId> {
    let limit = PageLimit::new(size).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let query = ListQuery {
            filter: filter.clone(),
            order,
            limit,
            after,
        };
        let page = repository.list(&query).await.unwrap();
        let shown = &page[..page.len().min(limit.get())];
        seen.extend(shown.iter().map(|image| image.id));
        if page.len() <= limit.get() {
            return seen;
        }
        let last = &shown[shown.len() - 1];
        after = Some(PagePosition {
            created_at: last.created_at,
            id: last.id,
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_walk_over_a_thousand_images_returns_each_match_once() {
    let (_, _, backend) = fresh_backend("walk").await;
    let repository = backend.repository.as_ref();
    let owner = OwnerId::parse(&format!("walker-{}", ImageId::generate())).unwrap();
    let images: Vec<ImageRecord> = (0..IMAGES).map(|i| image(&owner, i)).collect();

    let started = Instant::now();
    stream::iter(
        images
            .iter()
            .map(|image| repository.create(image, None, Quota::NONE)),
    )
    .buffer_unordered(CONCURRENT_CREATES)
    .try_collect::<Vec<_>>()
    .await
    .unwrap();
    eprintln!("created {IMAGES} images in {:?}", started.elapsed());

    let base = ListFilter::for_owner(owner.clone());
    let with = |change: &dyn Fn(&mut ListFilter)| {
        let mut filter = base.clone();
        change(&mut filter);
        filter
    };
    let filters = [
        base.clone(),
        with(&|f| f.tags = TagFilter::parse(["every3"]).unwrap()),
        with(&|f| f.tags = TagFilter::parse(["every3", "every5"]).unwrap()),
        with(&|f| f.title_prefix = TitlePrefix::parse("sunset").unwrap()),
        with(&|f| f.title_prefix = TitlePrefix::parse("SUNSET 1").unwrap()),
        with(&|f| {
            f.content_type = Some(ImageFormat::ALL[0]);
            f.visibility = Some(Visibility::Public);
        }),
        with(&|f| f.visibility = Some(Visibility::Private)),
    ];
    for filter in &filters {
        for order in [SortOrder::Newest, SortOrder::Oldest] {
            let wanted = expected(&images, filter, order);
            assert!(!wanted.is_empty(), "{filter:?} matches nothing");
            for size in [7, 50] {
                let started = Instant::now();
                let seen = walk(repository, filter, order, size).await;
                let distinct: HashSet<&ImageId> = seen.iter().collect();
                assert_eq!(
                    distinct.len(),
                    seen.len(),
                    "a repeat in {filter:?} {order:?} {size}"
                );
                assert_eq!(seen, wanted, "{filter:?} {order:?} by {size}");
                eprintln!(
                    "{} matches, {order:?} by {size}: {:?} ({filter:?})",
                    seen.len(),
                    started.elapsed()
                );
            }
        }
    }
}
