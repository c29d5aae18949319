//! Upload's text fields: title, description, tags and visibility, accepted and refused.

use serde_json::{Value, json};

use crate::helpers::fixtures::png_seeded;
use crate::helpers::{Failures, Form, spawn_app};

fn form(seed: u32, fields: &[(&str, &str)]) -> Form {
    fields.iter().fold(
        Form::with_file(png_seeded(4, 4, seed)),
        |form, (name, value)| form.text(name, value),
    )
}

fn distinct_tags(count: usize) -> Vec<String> {
    (1..=count).map(|n| format!("t{n}")).collect()
}

#[tokio::test]
async fn titles_and_descriptions_are_trimmed_and_counted_in_code_points() {
    let app = spawn_app().await;
    let e200 = "é".repeat(200);
    let a200 = "a".repeat(200);
    let padded = format!("  {a200}  ");
    let e2000 = "é".repeat(2000);
    let cases: [(&str, &str, &str, Value); 9] = [
        ("200 two-byte chars", "title", &e200, json!(e200)),
        ("200 chars once trimmed", "title", &padded, json!(a200)),
        ("blank title is null", "title", "   ", Value::Null),
        ("empty title is null", "title", "", Value::Null),
        (
            "non-Latin title",
            "title",
            " 日本語 タイトル ",
            json!("日本語 タイトル"),
        ),
        ("2000 two-byte chars", "description", &e2000, json!(e2000)),
        (
            "newline and tab kept inside",
            "description",
            "one\ntwo\tthree",
            json!("one\ntwo\tthree"),
        ),
        (
            "description trimmed",
            "description",
            "\n  padded \n",
            json!("padded"),
        ),
        (
            "blank description is null",
            "description",
            " \n\t ",
            Value::Null,
        ),
    ];

    let mut failures = Failures::new();
    for (seed, (case, field, value, expected)) in (1..).zip(cases) {
        let resp = app.upload(&form(seed, &[(field, value)])).await;
        if let Some(image) = failures.status(case, resp, 201).await {
            failures.equal(case, &image[field], &expected);
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn bad_titles_and_descriptions_are_invalid_field() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let e201 = "é".repeat(201);
    let x2001 = "x".repeat(2001);
    let e2001 = "é".repeat(2001);
    let cases: [(&str, &str, &str); 10] = [
        ("title of 201 two-byte chars", "title", &e201),
        ("title with BEL", "title", "a\u{7}b"),
        ("title with newline", "title", "one\ntwo"),
        ("title with tab", "title", "one\ttwo"),
        ("title with NUL", "title", "a\u{0}b"),
        ("title with a C1 control", "title", "a\u{85}b"),
        ("description of 2001 chars", "description", &x2001),
        ("description of 2001 two-byte chars", "description", &e2001),
        ("description with ESC", "description", "a\u{1b}[31mred"),
        ("description with DEL", "description", "a\u{7f}b"),
    ];

    for (case, field, value) in cases {
        let resp = app.upload(&form(1, &[(field, value)])).await;
        failures.problem(case, resp, 400, "invalid_field").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn tags_are_trimmed_lowercased_merged_and_sorted() {
    let app = spawn_app().await;
    let fifty = "x".repeat(50);
    let fifty_wide = "é".repeat(50);
    let twenty_with_duplicates = {
        let mut tags = distinct_tags(20);
        tags.extend(["T1".to_owned(), " t2 ".to_owned(), "T20".to_owned()]);
        tags.join(",")
    };
    let mut twenty_sorted = distinct_tags(20);
    twenty_sorted.sort();
    let cases: [(&str, Vec<(&str, &str)>, Value); 8] = [
        (
            "empty items ignored",
            vec![("tags", "a,,b")],
            json!(["a", "b"]),
        ),
        (
            "repeated fields",
            vec![("tags", "b"), ("tags", "c,a")],
            json!(["a", "b", "c"]),
        ),
        (
            "trim, lowercase, merge",
            vec![("tags", " Beach , SUNSET ,beach")],
            json!(["beach", "sunset"]),
        ),
        ("50 chars", vec![("tags", &fifty)], json!([fifty])),
        (
            "50 two-byte letters",
            vec![("tags", &fifty_wide)],
            json!([fifty_wide]),
        ),
        (
            "Unicode letters, digits, - and _",
            vec![("tags", "日本,ÉTÉ,snake_case,kebab-case,v2")],
            json!(["kebab-case", "snake_case", "v2", "été", "日本"]),
        ),
        (
            "20 after merging duplicates",
            vec![("tags", &twenty_with_duplicates)],
            json!(twenty_sorted),
        ),
        ("only separators", vec![("tags", " , ,")], json!([])),
    ];

    let mut failures = Failures::new();
    for (seed, (case, fields, expected)) in (1..).zip(cases) {
        let resp = app.upload(&form(seed, &fields)).await;
        if let Some(image) = failures.status(case, resp, 201).await {
            failures.equal(case, &image["tags"], &expected);
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn bad_tags_are_invalid_tags() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    let fifty_one = "x".repeat(51);
    let fifty_one_wide = "é".repeat(51);
    let twenty_one = distinct_tags(21).join(",");
    let twenty_one_in_fields = distinct_tags(20).join(",");
    let cases: [(&str, Vec<(&str, &str)>); 10] = [
        ("inner space", vec![("tags", "a b")]),
        ("dot", vec![("tags", "a.b")]),
        ("slash", vec![("tags", "ok,a/b")]),
        ("hash", vec![("tags", "#tag")]),
        ("emoji", vec![("tags", "smile😀")]),
        ("control character", vec![("tags", "a\u{7}")]),
        ("51 chars", vec![("tags", &fifty_one)]),
        ("51 two-byte letters", vec![("tags", &fifty_one_wide)]),
        ("21 distinct", vec![("tags", &twenty_one)]),
        (
            "21 across repeated fields",
            vec![("tags", &twenty_one_in_fields), ("tags", "extra")],
        ),
    ];

    for (case, fields) in cases {
        let resp = app.upload(&form(1, &fields)).await;
        failures.problem(case, resp, 400, "invalid_tags").await;
    }
    failures.assert_none();
}

#[tokio::test]
async fn a_bad_visibility_is_invalid_field() {
    let mut failures = Failures::new();
    let app = spawn_app().await;
    for value in ["secret", "1", "everyone"] {
        let resp = app.upload(&form(1, &[("visibility", value)])).await;
        failures.problem(value, resp, 400, "invalid_field").await;
    }
    failures.assert_none();
}
