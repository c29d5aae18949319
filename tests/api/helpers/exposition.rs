//! A strict reader of the Prometheus text exposition format (0.0.4), so the metrics tests check
//! the syntax as a Prometheus server would parse it and then look up exact series.

use std::collections::{BTreeMap, HashMap};

use super::caller::Caller;

/// One scrape: every sample by name and labels.
#[derive(Debug)]
pub struct Scrape {
    samples: HashMap<(String, BTreeMap<String, String>), f64>,
    text: String,
}

impl Scrape {
    /// `GET /metrics` as `caller`, expecting 200 in the Prometheus text format, parsed.
    pub async fn of(caller: &Caller) -> Scrape {
        let resp = caller.get_metrics().await;
        assert_eq!(resp.status().as_u16(), 200, "GET /metrics");
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "Prometheus text format: {content_type}"
        );
        Scrape::parse(&resp.text().await.unwrap())
    }

    /// Parses `text`, panicking at the first line Prometheus would refuse: a sample of a family
    /// with no `# TYPE` before it, a bad name, bad label syntax, or a value that is no number.
    pub fn parse(text: &str) -> Scrape {
        let mut types: HashMap<String, String> = HashMap::new();
        let mut samples = HashMap::new();
        for line in text.lines() {
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix("# ") {
                let mut parts = comment.splitn(3, ' ');
                let (keyword, name) = (parts.next().unwrap(), parts.next().unwrap_or(""));
                assert!(valid_name(name), "bad metric name in `{line}`");
                match keyword {
                    "HELP" => assert!(parts.next().is_some(), "HELP without text: `{line}`"),
                    "TYPE" => {
                        let kind = parts.next().unwrap_or("");
                        assert!(
                            ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                            "bad type in `{line}`"
                        );
                        assert!(
                            types.insert(name.to_owned(), kind.to_owned()).is_none(),
                            "TYPE given twice for {name}"
                        );
                    }
                    _ => {}
                }
                continue;
            }
            let (name, labels, value) = sample(line);
            let family = family_of(&name, &types)
                .unwrap_or_else(|| panic!("sample without a TYPE before it: `{line}`"));
            let kind = &types[&family];
            if kind != "histogram" {
                assert_eq!(
                    family, name,
                    "only histograms have suffixed samples: `{line}`"
                );
            }
            let key = (name, labels);
            assert!(
                samples.insert(key, value).is_none(),
                "a series given twice: `{line}`"
            );
        }
        Scrape {
            samples,
            text: text.to_owned(),
        }
    }

    /// The value of the series `name{labels}`, if it is exposed.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let labels = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples.get(&(name.to_owned(), labels)).copied()
    }

    /// Like [`Scrape::get`], with an absent series read as 0 (a counter not yet incremented).
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or(0.0)
    }

    /// Whether any series of `name` is exposed.
    pub fn has(&self, name: &str) -> bool {
        self.samples.keys().any(|(n, _)| n == name)
    }

    /// The text, for failure messages.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The family a sample belongs to: its name, or for a histogram's series the name without
/// `_bucket`, `_sum` or `_count`.
fn family_of(name: &str, types: &HashMap<String, String>) -> Option<String> {
    if types.contains_key(name) {
        return Some(name.to_owned());
    }
    ["_bucket", "_sum", "_count"].iter().find_map(|suffix| {
        let base = name.strip_suffix(suffix)?;
        (types.get(base).map(String::as_str) == Some("histogram")).then(|| base.to_owned())
    })
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `name{k="v",...} value`, with label values unescaped.
fn sample(line: &str) -> (String, BTreeMap<String, String>, f64) {
    let name_end = line
        .find(['{', ' '])
        .unwrap_or_else(|| panic!("a sample has a value: `{line}`"));
    let name = &line[..name_end];
    assert!(valid_name(name), "bad metric name in `{line}`");
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(mut inside) = rest.strip_prefix('{') {
        loop {
            if let Some(after) = inside.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after_key) = inside
                .split_once("=\"")
                .unwrap_or_else(|| panic!("label without =\": `{line}`"));
            assert!(
                valid_name(key) && !key.contains(':'),
                "bad label name in `{line}`"
            );
            let mut value = String::new();
            let mut chars = after_key.char_indices();
            let end = loop {
                match chars.next() {
                    Some((_, '\\')) => match chars.next() {
                        Some((_, 'n')) => value.push('\n'),
                        Some((_, c @ ('\\' | '"'))) => value.push(c),
                        other => panic!("bad escape {other:?} in `{line}`"),
                    },
                    Some((i, '"')) => break i,
                    Some((_, c)) => value.push(c),
                    None => panic!("unterminated label value in `{line}`"),
                }
            };
            assert!(
                labels.insert(key.to_owned(), value).is_none(),
                "label {key} twice in `{line}`"
            );
            inside = &after_key[end + 1..];
            inside = inside.strip_prefix(',').unwrap_or(inside);
        }
    }
    let value_text = rest
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("one space before the value: `{line}`"));
    let value_text = value_text.split(' ').next().unwrap_or("");
    let value = match value_text {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        number => number
            .parse()
            .unwrap_or_else(|_| panic!("value is not a number in `{line}`")),
    };
    (name.to_owned(), labels, value)
}
