//! Conformance checks of `list` in the [`ImageRepository`] contract: every filter, both orders,
//! keyset paging that visits each matching image exactly once, in `(created_at, id)` order.
//!
//! The expected answer is computed here from the records with the domain's own matching rules,
//! and every page is compared with its slice of it (the extra `limit + 1`-th row included).

use chrono::Duration;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::image::ImageRecord;
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::listing::{
    ListFilter, ListQuery, PageLimit, PagePosition, SortOrder, TitlePrefix,
};
use lightbox_domain::quota::Quota;
use lightbox_domain::tags::{TagFilter, Tags};
use lightbox_domain::text::Title;
use lightbox_domain::visibility::Visibility;

use super::fixtures::{base_time, sparse_record, unique_owner};
use crate::image_repository::ImageRepository;

/// How many images the listing checks create for their owner.
const IMAGES: usize = 24;

/// Every listing check, on one shared set of images.
pub async fn listing(repository: &dyn ImageRepository) {
    let (owner, images) = create_images(repository).await;
    list_filters_select_exactly_the_matching_images(repository, &owner, &images).await;
    list_pages_visit_every_image_once(repository, &owner, &images).await;
}

/// Stores [`IMAGES`] images for a fresh owner, in scrambled order, with three images per
/// timestamp so that ids must break ties; plus look-alikes of another owner that no listing may
/// return. Returns the owner and its images.
pub async fn create_images(repository: &dyn ImageRepository) -> (OwnerId, Vec<ImageRecord>) {
    let owner = unique_owner("listing");
    let titles = [
        "Sunset 1",
        "sunrise",
        "Äpfel",
        "äPFEL im Korb",
        "Moon",
        "Sunset 10",
    ];
    let mut images = Vec::with_capacity(IMAGES);
    for i in 0..IMAGES {
        let created_at =
            base_time() + Duration::seconds((i / 3) as i64) + Duration::microseconds(1);
        let mut record = sparse_record(&owner, created_at);
        let mut tags = vec!["all"];
        for (divisor, tag) in [(2, "even"), (3, "three"), (5, "five")] {
            if i % divisor == 0 {
                tags.push(tag);
            }
        }
        record.metadata.tags = Tags::parse(tags).unwrap();
        record.metadata.title = if i % 7 == 6 {
            None
        } else {
            Title::parse(titles[i % titles.len()]).unwrap()
        };
        record.metadata.visibility = if i % 4 == 0 {
            Visibility::Public
        } else {
            Visibility::Private
        };
        record.content.format = ImageFormat::ALL[i % ImageFormat::ALL.len()];
        images.push(record);
    }
    // Stored out of order, so that neither insertion order nor row ids can pass for the order.
    for i in 0..IMAGES {
        repository
            .create(&images[(i * 7) % IMAGES], None, Quota::NONE)
            .await
            .unwrap();
    }
    let stranger = unique_owner("listing-stranger");
    for image in images.iter().take(6) {
        let mut twin = image.clone();
        twin.id = ImageId::generate();
        twin.owner = stranger.clone();
        repository.create(&twin, None, Quota::NONE).await.unwrap();
    }
    (owner, images)
}

/// Each filter alone and in combination selects exactly the images that match it, in both
/// orders.
pub async fn list_filters_select_exactly_the_matching_images(
    repository: &dyn ImageRepository,
    owner: &OwnerId,
    images: &[ImageRecord],
) {
    let limit = PageLimit::new(4).unwrap();
    for filter in filters(owner, images) {
        for order in [SortOrder::Newest, SortOrder::Oldest] {
            let expected = expected(images, &filter, order);
            page_through(repository, &filter, order, limit, &expected).await;
        }
    }
}

/// Paging with any page size, in both orders, from any position (an image's own, or one no
/// image has), visits the matching images in order, each exactly once.
pub async fn list_pages_visit_every_image_once(
    repository: &dyn ImageRepository,
    owner: &OwnerId,
    images: &[ImageRecord],
) {
    let filter = ListFilter::for_owner(owner.clone());
    for order in [SortOrder::Newest, SortOrder::Oldest] {
        let expected = expected(images, &filter, order);
        for size in [1, 2, 3, 5, IMAGES as u64, 100] {
            page_through(
                repository,
                &filter,
                order,
                PageLimit::new(size).unwrap(),
                &expected,
            )
            .await;
        }
        let middle = &images[IMAGES / 2];
        let lowest = ImageId::parse("00000000-0000-0000-0000-000000000000").unwrap();
        let highest = ImageId::parse("ffffffff-ffff-ffff-ffff-ffffffffffff").unwrap();
        for id in [middle.id, lowest, highest] {
            let position = PagePosition {
                created_at: middle.created_at,
                id,
            };
            let query = ListQuery {
                filter: filter.clone(),
                order,
                limit: PageLimit::new(100).unwrap(),
                after: Some(position),
            };
            let rest: Vec<ImageRecord> = expected
                .iter()
                .filter(|image| is_beyond(image, &position, order))
                .cloned()
                .collect();
            assert_eq!(
                repository.list(&query).await.unwrap(),
                rest,
                "{order:?} after {position:?}"
            );
        }
    }
}

/// The filters checked: each alone, and combinations.
fn filters(owner: &OwnerId, images: &[ImageRecord]) -> Vec<ListFilter> {
    let base = ListFilter::for_owner(owner.clone());
    let tags = |names: &[&str]| TagFilter::parse(names.iter().copied()).unwrap();
    let prefix = |text: &str| TitlePrefix::parse(text).unwrap();
    let boundary = images[10].created_at;
    let with = |change: &dyn Fn(&mut ListFilter)| {
        let mut filter = base.clone();
        change(&mut filter);
        filter
    };
    vec![
        base.clone(),
        with(&|f| f.tags = tags(&["all"])),
        with(&|f| f.tags = tags(&["even"])),
        with(&|f| f.tags = tags(&["even", "three"])),
        with(&|f| f.tags = tags(&["even", "three", "five"])),
        with(&|f| f.tags = tags(&["absent"])),
        with(&|f| f.title_prefix = prefix("SUN")),
        with(&|f| f.title_prefix = prefix("äp")),
        with(&|f| f.title_prefix = prefix("Sunset 1")),
        with(&|f| f.title_prefix = prefix("zzz")),
        with(&|f| f.content_type = Some(ImageFormat::Png)),
        with(&|f| f.visibility = Some(Visibility::Public)),
        with(&|f| f.visibility = Some(Visibility::Private)),
        with(&|f| f.created_after = Some(boundary)),
        with(&|f| f.created_before = Some(boundary)),
        with(&|f| {
            f.created_after = Some(images[4].created_at);
            f.created_before = Some(boundary);
        }),
        with(&|f| {
            f.tags = tags(&["even"]);
            f.visibility = Some(Visibility::Public);
        }),
        with(&|f| {
            f.tags = tags(&["all"]);
            f.title_prefix = prefix("sun");
            f.content_type = Some(ImageFormat::Jpeg);
        }),
        with(&|f| {
            f.title_prefix = prefix("s");
            f.visibility = Some(Visibility::Private);
            f.created_after = Some(images[2].created_at);
        }),
        with(&|f| {
            f.tags = tags(&["all", "three"]);
            f.title_prefix = prefix("s");
            f.content_type = Some(ImageFormat::Jpeg);
            f.visibility = Some(Visibility::Private);
            f.created_after = Some(images[1].created_at);
            f.created_before = Some(images[22].created_at);
        }),
    ]
}

/// The images matching `filter`, in `order`, by the domain's own rules.
fn expected(images: &[ImageRecord], filter: &ListFilter, order: SortOrder) -> Vec<ImageRecord> {
    let mut matching: Vec<ImageRecord> = images
        .iter()
        .filter(|image| filter.matches(image))
        .cloned()
        .collect();
    matching.sort_by_key(|image| (image.created_at, image.id));
    if order == SortOrder::Newest {
        matching.reverse();
    }
    matching
}

fn is_beyond(image: &ImageRecord, position: &PagePosition, order: SortOrder) -> bool {
    let key = (image.created_at, image.id);
    let mark = (position.created_at, position.id);
    match order {
        SortOrder::Newest => key < mark,
        SortOrder::Oldest => key > mark,
    }
}

/// Pages through `filter` in `order`, checking every page (extra row included) against its
/// slice of `expected`, and that together the pages hold `expected` exactly.
async fn page_through(
    repository: &dyn ImageRepository,
    filter: &ListFilter,
    order: SortOrder,
    limit: PageLimit,
    expected: &[ImageRecord],
) {
    let mut offset = 0;
    let mut after = None;
    for _ in 0..=expected.len() {
        let query = ListQuery {
            filter: filter.clone(),
            order,
            limit,
            after,
        };
        let page = repository.list(&query).await.unwrap();
        let wanted = &expected[offset..expected.len().min(offset + limit.get() + 1)];
        assert_eq!(
            page,
            wanted,
            "{order:?}, limit {}, page at offset {offset}, filter {filter:?}",
            limit.get()
        );
        if page.len() <= limit.get() {
            assert_eq!(offset + page.len(), expected.len());
            return;
        }
        let last = &page[limit.get() - 1];
        after = Some(PagePosition {
            created_at: last.created_at,
            id: last.id,
        });
        offset += limit.get();
    }
    panic!("paging {filter:?} did not end");
}
