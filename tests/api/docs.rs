//! `/api/v1/openapi.json` (OpenAPI 3.1 with every path of the contract) and `/docs` (an HTML
//! page that loads nothing from the internet).

use reqwest::{Method, Url};
use serde_json::Value;

use crate::helpers::{served, spawn_app};

#[tokio::test]
async fn the_openapi_document_is_3_1_and_has_every_contract_path() {
    let app = spawn_app().await;

    let resp = app.anonymous().get_openapi().await;

    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "served as JSON"
    );
    let doc: Value = resp.json().await.unwrap();
    let version = doc["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3.1."), "OpenAPI 3.1.x, got {version}");
    let expected: [(&str, &[&str]); 9] = [
        ("/api/v1/images/upload", &["post"]),
        ("/api/v1/images", &["get", "post"]),
        ("/api/v1/images/{id}", &["get", "put", "patch", "delete"]),
        ("/api/v1/images/{id}/thumbnail", &["get"]),
        ("/api/v1/images/{id}/metadata", &["get"]),
        ("/api/v1/images/{id}/content", &["get"]),
        ("/api/v1/me", &["get"]),
        ("/health", &["get"]),
        ("/ready", &["get"]),
    ];
    let paths = doc["paths"].as_object().expect("`paths` is an object");
    for (path, methods) in expected {
        if !served(path) {
            continue;
        }
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("the document has {path}; it has {:?}", paths.keys()));
        for method in methods {
            assert!(item.get(*method).is_some(), "{path} documents {method}");
        }
    }
}

/// Follows redirects by hand (the test client does not), at most three.
async fn fetch_following(app: &crate::helpers::TestApp, path: &str) -> (Url, reqwest::Response) {
    let anonymous = app.anonymous();
    let mut url = Url::parse(&format!("{}{path}", app.address)).unwrap();
    for _ in 0..3 {
        let resp = anonymous.call(Method::GET, &path_and_query(&url)).await;
        if !resp.status().is_redirection() {
            return (url, resp);
        }
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        url = url.join(&location).unwrap();
        assert_eq!(
            url.host_str(),
            Some("127.0.0.1"),
            "redirects stay on the server"
        );
    }
    panic!("{path} redirects too often");
}

#[tokio::test]
async fn the_docs_page_is_html_with_no_asset_from_another_host() {
    let app = spawn_app().await;

    let (page_url, resp) = fetch_following(&app, "/docs").await;

    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "an HTML page"
    );
    let html = resp.text().await.unwrap();
    for absolute in absolute_urls(&html) {
        let host = Url::parse(&absolute)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        assert!(
            matches!(host.as_deref(), Some("127.0.0.1" | "localhost")),
            "the page references another host: {absolute}"
        );
    }
    for asset in attribute_values(&html, "src")
        .into_iter()
        .chain(attribute_values(&html, "href"))
    {
        let Ok(url) = page_url.join(&asset) else {
            continue;
        };
        if url.scheme() != "http" {
            continue;
        }
        let resp = app
            .anonymous()
            .call(Method::GET, &path_and_query(&url))
            .await;
        assert_eq!(
            resp.status().as_u16(),
            200,
            "the page's asset {asset} is served"
        );
    }
}

/// Every `http://` or `https://` URL in `text`.
fn absolute_urls(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for scheme in ["http://", "https://"] {
        let mut rest = text;
        while let Some(at) = rest.find(scheme) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | '`')
                })
                .unwrap_or(tail.len());
            found.push(tail[..end].to_owned());
            rest = &tail[scheme.len()..];
        }
    }
    found
}

/// The values of `name="..."` attributes in `html`.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("{name}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, matched)| {
            let rest = &html[at + matched.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}
