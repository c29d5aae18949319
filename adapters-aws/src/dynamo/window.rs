//! Where a list page may come from: the filter's date bounds and the page position as one
//! inclusive range of `(created_at, id)` positions (the `BETWEEN` of the key condition), and the
//! in-memory check every returned record passes.

use lightbox_domain::image::ImageRecord;
use lightbox_domain::listing::{ListQuery, SortOrder};

use super::schema::{Position, position_of, predecessor, successor};

/// An inclusive range of positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    pub(super) low: Position,
    pub(super) high: Position,
}

impl Window {
    /// The positions `query` may return, or `None` when no position can match (say, the page
    /// position lies beyond `created_before`).
    pub(super) fn of(query: &ListQuery) -> Option<Self> {
        let filter = &query.filter;
        let mut low: Position = (i64::MIN, 0);
        let mut high: Position = (i64::MAX, u128::MAX);
        // `created_after` is inclusive: its first position is its instant with the lowest id.
        if let Some(after) = filter.created_after {
            low = low.max((after.timestamp_micros(), 0));
        }
        // `created_before` is exclusive: its last position is the instant before with the
        // highest id.
        if let Some(before) = filter.created_before {
            high = high.min(predecessor((before.timestamp_micros(), 0))?);
        }
        // The page position itself is excluded: the range starts (or ends) one step beyond it.
        if let Some(position) = &query.after {
            let position = position_of(position.created_at, &position.id);
            match query.order {
                SortOrder::Oldest => low = low.max(successor(position)?),
                SortOrder::Newest => high = high.min(predecessor(position)?),
            }
        }
        (low <= high).then_some(Self { low, high })
    }
}

/// Whether `record` belongs on a page of `query`: it matches every part of the filter and lies
/// strictly beyond the position in the query's order.
pub(super) fn matches(record: &ImageRecord, query: &ListQuery) -> bool {
    query.filter.matches(record) && is_beyond(record, query)
}

/// Whether `record` lies strictly after the query's position in its order (always, without one).
fn is_beyond(record: &ImageRecord, query: &ListQuery) -> bool {
    let Some(position) = &query.after else {
        return true;
    };
    let key = (record.created_at, record.id);
    let mark = (position.created_at, position.id);
    match query.order {
        SortOrder::Newest => key < mark,
        SortOrder::Oldest => key > mark,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use lightbox_domain::ids::{ImageId, OwnerId};
    use lightbox_domain::listing::{ListFilter, PageLimit, PagePosition};

    use super::*;

    fn query(order: SortOrder) -> ListQuery {
        ListQuery {
            filter: ListFilter::for_owner(OwnerId::parse("alice").unwrap()),
            order,
            limit: PageLimit::DEFAULT,
            after: None,
        }
    }

    #[test]
    fn bounds_become_an_inclusive_window() {
        let instant = Utc.timestamp_micros(1_000).unwrap();
        let mut bounded = query(SortOrder::Newest);
        bounded.filter.created_after = Some(instant);
        bounded.filter.created_before = Some(instant + chrono::Duration::microseconds(2));
        let window = Window::of(&bounded).unwrap();
        assert_eq!(window.low, (1_000, 0));
        assert_eq!(window.high, (1_001, u128::MAX));

        bounded.filter.created_before = Some(instant);
        assert_eq!(
            Window::of(&bounded),
            None,
            "an empty date range reads nothing"
        );
    }

    #[test]
    fn the_position_is_excluded_in_either_order() {
        let id = ImageId::generate();
        let created_at = Utc.timestamp_micros(5_000).unwrap();
        let raw = id.as_uuid().as_u128();
        for (order, expected_low, expected_high) in [
            (SortOrder::Oldest, (5_000, raw + 1), (i64::MAX, u128::MAX)),
            (SortOrder::Newest, (i64::MIN, 0), (5_000, raw - 1)),
        ] {
            let mut paged = query(order);
            paged.after = Some(PagePosition { created_at, id });
            let window = Window::of(&paged).unwrap();
            assert_eq!((window.low, window.high), (expected_low, expected_high));
        }
    }
}
