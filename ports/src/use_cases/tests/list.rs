//! Listing: cursors, visibility restriction, paging and storage failures.

use lightbox_domain::listing::{ListFilter, PageLimit, SortOrder};
use lightbox_domain::visibility::Visibility;

use super::support::*;
use crate::blob_store::MockBlobStore;
use crate::image_repository::{MockImageRepository, RepoError};
use crate::use_cases::{ListError, ListRequest};

fn request(
    viewer: lightbox_domain::ids::OwnerId,
    owner: lightbox_domain::ids::OwnerId,
    limit: u64,
) -> ListRequest {
    ListRequest {
        viewer,
        filter: ListFilter::for_owner(owner),
        order: SortOrder::Newest,
        limit: PageLimit::new(limit).unwrap(),
        cursor: None,
    }
}

#[tokio::test]
async fn a_full_page_gets_a_cursor_that_continues_after_its_last_item() {
    let images: Vec<_> = (0..3)
        .map(|_| record(&alice(), Visibility::Private))
        .collect();
    let mut repository = MockImageRepository::new();
    let first_page = images.clone();
    repository
        .expect_list()
        .withf(|query| query.after.is_none() && query.limit.get() == 2)
        .times(1)
        .returning(move |_| Ok(first_page.clone()));
    let last_of_page = images[1].id;
    repository
        .expect_list()
        .withf(move |query| query.after.is_some_and(|after| after.id == last_of_page))
        .times(1)
        .returning(|_| Ok(Vec::new()));
    let service = service(MockBlobStore::new(), repository);

    let page = service.list(request(alice(), alice(), 2)).await.unwrap();
    assert_eq!(page.items, images[..2]);
    let cursor = page.next_cursor.expect("a cursor when more exist");

    let mut next = request(alice(), alice(), 2);
    next.cursor = Some(cursor);
    let last = service.list(next).await.unwrap();
    assert!(last.items.is_empty());
    assert_eq!(last.next_cursor, None);
}

#[tokio::test]
async fn the_last_page_has_no_cursor() {
    let images: Vec<_> = (0..2)
        .map(|_| record(&alice(), Visibility::Private))
        .collect();
    let mut repository = MockImageRepository::new();
    let all = images.clone();
    repository.expect_list().returning(move |_| Ok(all.clone()));
    let service = service(MockBlobStore::new(), repository);
    let page = service.list(request(alice(), alice(), 2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn a_bad_cursor_is_refused_before_storage_is_asked() {
    let service = service(MockBlobStore::new(), MockImageRepository::new());
    let mut bad = request(alice(), alice(), 10);
    bad.cursor = Some("not-a-cursor".to_owned());
    assert!(matches!(
        service.list(bad).await,
        Err(ListError::InvalidCursor)
    ));
}

#[tokio::test]
async fn a_cursor_made_for_other_filters_is_refused() {
    let images: Vec<_> = (0..2)
        .map(|_| record(&alice(), Visibility::Private))
        .collect();
    let mut repository = MockImageRepository::new();
    repository
        .expect_list()
        .times(1)
        .returning(move |_| Ok(images.clone()));
    let service = service(MockBlobStore::new(), repository);
    let cursor = service
        .list(request(alice(), alice(), 1))
        .await
        .unwrap()
        .next_cursor
        .unwrap();
    let mut other = request(alice(), alice(), 1);
    other.order = SortOrder::Oldest;
    other.cursor = Some(cursor);
    assert!(matches!(
        service.list(other).await,
        Err(ListError::InvalidCursor)
    ));
}

#[tokio::test]
async fn another_owners_listing_is_restricted_to_public_images() {
    let mut repository = MockImageRepository::new();
    repository
        .expect_list()
        .withf(|query| query.filter.visibility == Some(Visibility::Public))
        .times(1)
        .returning(|_| Ok(Vec::new()));
    let service = service(MockBlobStore::new(), repository);
    service.list(request(bob(), alice(), 10)).await.unwrap();
}

#[tokio::test]
async fn asking_for_another_owners_private_images_answers_empty_without_storage() {
    let service = service(MockBlobStore::new(), MockImageRepository::new());
    let mut private = request(bob(), alice(), 10);
    private.filter.visibility = Some(Visibility::Private);
    let page = service.list(private).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn storage_failure_is_reported() {
    let mut repository = MockImageRepository::new();
    repository
        .expect_list()
        .returning(|_| Err(RepoError::unavailable(std::io::Error::other("down"))));
    let service = service(MockBlobStore::new(), repository);
    assert!(matches!(
        service.list(request(alice(), alice(), 10)).await,
        Err(ListError::Storage(_))
    ));
}
