//! Fuzzes the parsing of the values clients send as text: tags and tag filters, title,
//! description, title prefix, file name, image id, user id, idempotency key, visibility and
//! sort order.
//!
//! The input is read as UTF-8 (lossily); for tags it is also cut at U+001F into several inputs,
//! as repeated form fields or query parameters arrive. Properties: nothing panics; what parses
//! keeps the rules it promises, and parsing a parsed value's text gives the same value, so a
//! value read back from storage or echoed to a client is not changed or refused by a re-parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lightbox_domain::filename::OriginalFilename;
use lightbox_domain::idempotency::IdempotencyKey;
use lightbox_domain::ids::{ImageId, OwnerId};
use lightbox_domain::listing::{SortOrder, TitlePrefix};
use lightbox_domain::tags::{Tag, TagFilter, Tags};
use lightbox_domain::text::{Description, Title};
use lightbox_domain::visibility::Visibility;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    tags(&text);
    text_fields(&text);
    filename(&text);
    identifiers(&text);
});

fn tags(text: &str) {
    let inputs: Vec<&str> = text.split('\u{1F}').collect();
    for item in inputs.iter().flat_map(|input| input.split(',')) {
        if let Ok(Some(tag)) = Tag::parse(item) {
            let name = tag.as_str();
            assert!(!name.is_empty() && name.chars().count() <= Tag::MAX_CHARS);
            assert!(
                name.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            );
            assert_eq!(Tag::parse(name), Ok(Some(tag.clone())), "a tag re-parses");
        }
    }
    let parsed = Tags::parse(inputs.iter().copied());
    if let Ok(tags) = &parsed {
        assert!(tags.len() <= Tags::MAX_COUNT);
        let names: Vec<&str> = tags.iter().map(Tag::as_str).collect();
        assert!(
            names.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted, distinct"
        );
        assert_eq!(Tags::parse(names.iter().copied()).as_ref(), Ok(tags));
        let joined = names.join(",");
        assert_eq!(Tags::parse([joined.as_str()]).as_ref(), Ok(tags));
        assert_eq!(Tags::from_tags(tags.iter().cloned()).as_ref(), Ok(tags));
    }
    // A filter parses exactly like the tags of an image.
    let filter = TagFilter::parse(inputs.iter().copied());
    match (&parsed, &filter) {
        (Ok(tags), Ok(filter)) => {
            assert!(tags.iter().eq(filter.iter()));
            assert!(tags.contains_all(filter));
        }
        (Err(tags), Err(filter)) => assert_eq!(tags, filter),
        _ => panic!("tags {parsed:?} and filter {filter:?} disagree"),
    }
}

fn text_fields(text: &str) {
    if let Ok(Some(title)) = Title::parse(text) {
        let kept = title.as_str();
        assert_eq!(kept, kept.trim());
        assert!(kept.chars().count() <= Title::MAX_CHARS);
        assert!(!kept.chars().any(char::is_control));
        assert_eq!(
            Title::parse(kept),
            Ok(Some(title.clone())),
            "a title re-parses"
        );
        // A title is found by any prefix of its own text.
        if let Ok(Some(prefix)) = TitlePrefix::parse(kept) {
            assert!(prefix.matches(Some(&title)));
        }
    }
    if let Ok(Some(description)) = Description::parse(text) {
        let kept = description.as_str();
        assert_eq!(kept, kept.trim());
        assert!(kept.chars().count() <= Description::MAX_CHARS);
        assert!(
            !kept
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
        assert_eq!(
            Description::parse(kept),
            Ok(Some(description.clone())),
            "a description re-parses"
        );
    }
    // Titles and prefixes share their rules, so one parses where the other does.
    assert_eq!(
        Title::parse(text).map(|title| title.is_some()),
        TitlePrefix::parse(text).map(|prefix| prefix.is_some())
    );
}

fn filename(text: &str) {
    if let Some(name) = OriginalFilename::sanitize(text) {
        let kept = name.as_str();
        assert!(!kept.is_empty() && kept == kept.trim());
        assert!(!kept.contains(['/', '\\']));
        assert!(!kept.chars().any(char::is_control));
        assert!(kept.chars().count() <= OriginalFilename::MAX_CHARS);
        assert_eq!(
            OriginalFilename::sanitize(kept),
            Some(name.clone()),
            "sanitizing is idempotent"
        );
    }
}

fn identifiers(text: &str) {
    if let Ok(id) = ImageId::parse(text) {
        // One spelling per id: the canonical text is the input, lower-cased.
        assert_eq!(id.to_string(), text.to_ascii_lowercase());
        assert_eq!(ImageId::parse(&id.to_string()), Ok(id));
    }
    if let Ok(owner) = OwnerId::parse(text) {
        assert_eq!(owner.as_str(), text, "user ids are taken exactly as given");
        assert!(owner.as_str().len() <= OwnerId::MAX_LEN);
    }
    if let Ok(key) = IdempotencyKey::parse(text) {
        assert_eq!(key.as_str(), text);
        assert!(key.as_str().len() <= IdempotencyKey::MAX_LEN);
    }
    if let Ok(visibility) = Visibility::parse(text) {
        assert_eq!(visibility.as_str(), text);
    }
    if let Ok(order) = SortOrder::parse(text) {
        assert_eq!(SortOrder::parse(order.as_str()), Ok(order));
    }
}
