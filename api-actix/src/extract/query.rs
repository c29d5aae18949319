//! The query string as ordered pairs. Parsed by hand rather than with `web::Query` so that
//! repeated keys (`tag=a&tag=b`) work and every bad value maps to the contract's own code.

use actix_web::HttpRequest;

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPairs(Vec<(String, String)>);

impl QueryPairs {
    /// Decodes a raw query string (`+` is a space, `%XX` escapes; bad UTF-8 is replaced).
    pub fn parse(query: &str) -> Self {
        Self(
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The request's query pairs.
    pub fn of(request: &HttpRequest) -> Self {
        Self::parse(request.query_string())
    }

    /// The first value of `key`. A repeated scalar parameter takes its first value, as the
    /// original Flask service's clients are used to.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of `key`, in order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}
