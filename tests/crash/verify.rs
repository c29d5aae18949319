//! After a restart, over HTTP: every acknowledged image reads back with its sha256 and last
//! acknowledged title, every acknowledged delete stays a 404, and the listing holds nothing else
//! but uploads that were in doubt, intact. Each doubt is resolved into the ledger by what is seen.

use std::collections::BTreeMap;
use std::fmt;

use futures::StreamExt;
use reqwest::StatusCode;

use crate::api::{self, ImageJson, ImagePage, USER_HEADER};
use crate::findings::Findings;
use crate::images;
use crate::ledger::{KeptImage, Ledger, UserLedger};
use crate::server::Server;

/// Requests in flight at once while checking: enough to keep the server busy, few enough not
/// to time out on a shared machine.
const CONCURRENT_CHECKS: usize = 8;
/// The largest page the contract allows.
const PAGE_LIMIT: &str = "100";

/// What a verification looked at and how the doubts resolved.
#[derive(Debug, Default, Clone, Copy)]
pub struct VerifyCounts {
    pub images: usize,
    pub deletes: usize,
    pub uploads_in_doubt: usize,
    pub uploads_in_doubt_stored: usize,
    pub deletes_in_doubt: usize,
    pub deletes_in_doubt_done: usize,
    pub updates_in_doubt: usize,
    pub updates_in_doubt_applied: usize,
}

impl fmt::Display for VerifyCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "checked {} images and {} deletes; in doubt: {}/{} uploads stored, {}/{} deletes done, {}/{} updates applied",
            self.images,
            self.deletes,
            self.uploads_in_doubt_stored,
            self.uploads_in_doubt,
            self.deletes_in_doubt_done,
            self.deletes_in_doubt,
            self.updates_in_doubt_applied,
            self.updates_in_doubt
        )
    }
}

/// Checks every user's ledger against the freshly restarted server; `context` (such as "after
/// the kill of round 3") starts each finding.
pub async fn after_restart(
    server: &Server,
    ledger: &mut Ledger,
    context: &str,
    findings: &Findings,
) -> VerifyCounts {
    let mut checker = Checker {
        http: api::client(),
        base: server.base_url().to_owned(),
        context: context.to_owned(),
        findings: findings.clone(),
        counts: VerifyCounts::default(),
    };
    for user in &mut ledger.users {
        checker.user(user).await;
    }
    checker.counts
}

/// What the server shows of one image.
enum Observed {
    /// Bytes and metadata both 404.
    Gone,
    /// Bytes and metadata both 200.
    Present {
        bytes_sha256: String,
        metadata: ImageJson,
    },
    /// Anything else: a broken promise whatever the ledger says.
    Broken(String),
}

struct Checker {
    http: reqwest::Client,
    base: String,
    context: String,
    findings: Findings,
    counts: VerifyCounts,
}

impl Checker {
    async fn user(&mut self, user: &mut UserLedger) {
        let listed = match self.list_all(&user.user).await {
            Ok(listed) => listed,
            Err(problem) => {
                self.finding(user, format!("listing failed: {problem}"));
                return;
            }
        };
        self.kept_images(user, &listed).await;
        self.deleted_images(user).await;
        self.unknown_images(user, listed).await;
    }

    /// Every image the ledger keeps: present and intact, or gone after a delete in doubt.
    async fn kept_images(&mut self, user: &mut UserLedger, listed: &BTreeMap<String, ImageJson>) {
        let ids: Vec<String> = user.images.keys().cloned().collect();
        let observed = self.observe_all(&user.user, ids).await;
        for (id, observed) in observed {
            let kept = user
                .images
                .remove(&id)
                .expect("observed ids come from the ledger");
            self.counts.images += 1;
            if kept.delete_in_doubt {
                self.counts.deletes_in_doubt += 1;
            }
            match observed {
                Observed::Gone if kept.delete_in_doubt => {
                    self.counts.deletes_in_doubt_done += 1;
                    user.deleted.insert(id);
                }
                Observed::Gone => self.finding(
                    user,
                    format!("acknowledged upload {id} is gone after the restart (404)"),
                ),
                Observed::Present {
                    bytes_sha256,
                    metadata,
                } => {
                    if let Some(kept) = self.present(user, &id, &kept, &bytes_sha256, &metadata) {
                        if !listed.contains_key(&id) {
                            self.finding(user, format!("{id} reads but is not listed"));
                        }
                        user.images.insert(id, kept);
                    }
                }
                // Forgotten after reporting, so one broken image is reported once.
                Observed::Broken(problem) => self.finding(user, format!("{id}: {problem}")),
            }
        }
    }

    /// Compares a present image with the ledger; returns its ledger entry with doubts resolved.
    fn present(
        &mut self,
        user: &UserLedger,
        id: &str,
        kept: &KeptImage,
        bytes_sha256: &str,
        metadata: &ImageJson,
    ) -> Option<KeptImage> {
        if bytes_sha256 != kept.sha256 {
            self.finding(
                user,
                format!(
                    "the bytes of {id} have sha256 {bytes_sha256}; the upload was acknowledged with {}",
                    kept.sha256
                ),
            );
            return None;
        }
        if metadata.sha256 != kept.sha256 {
            self.finding(
                user,
                format!(
                    "the metadata of {id} says sha256 {}; the upload was acknowledged with {}",
                    metadata.sha256, kept.sha256
                ),
            );
        }
        if !kept.allows_title(metadata.title.as_deref()) {
            self.finding(
                user,
                format!(
                    "the title of {id} is {:?}; acknowledged {:?}, in doubt {:?}",
                    metadata.title, kept.title, kept.title_in_doubt
                ),
            );
        }
        if let Some(candidate) = &kept.title_in_doubt {
            self.counts.updates_in_doubt += 1;
            if *candidate == metadata.title && kept.title != metadata.title {
                self.counts.updates_in_doubt_applied += 1;
            }
        }
        Some(KeptImage::uploaded(
            kept.sha256.clone(),
            metadata.title.clone(),
        ))
    }

    /// Every acknowledged (or resolved) delete still answers 404.
    async fn deleted_images(&mut self, user: &UserLedger) {
        let http = &self.http;
        let base = &self.base;
        let answers: Vec<(String, Result<StatusCode, reqwest::Error>)> =
            futures::stream::iter(user.deleted.iter().cloned())
                .map(|id| async move {
                    let request = http
                        .get(api::image_url(base, &id))
                        .header(USER_HEADER, &user.user);
                    let status = api::exchange(request).await.map(|(status, _)| status);
                    (id, status)
                })
                .buffer_unordered(CONCURRENT_CHECKS)
                .collect()
                .await;
        for (id, answer) in answers {
            self.counts.deletes += 1;
            match answer {
                Ok(StatusCode::NOT_FOUND) => {}
                Ok(status) => self.finding(
                    user,
                    format!("deleted {id} answers GET with {status}, not 404"),
                ),
                Err(error) => self.finding(user, format!("GET of deleted {id} failed: {error}")),
            }
        }
    }

    /// Listed images the ledger does not keep must be uploads in doubt, whole; they join the
    /// ledger. Uploads in doubt not listed never happened.
    async fn unknown_images(&mut self, user: &mut UserLedger, listed: BTreeMap<String, ImageJson>) {
        let in_doubt = std::mem::take(&mut user.uploads_in_doubt);
        self.counts.uploads_in_doubt += in_doubt.len();
        let mut unclaimed = in_doubt;
        let unknown: Vec<ImageJson> = listed
            .into_values()
            .filter(|image| !user.images.contains_key(&image.id))
            .collect();
        for image in unknown {
            if user.deleted.contains(&image.id) {
                self.finding(user, format!("deleted {} is listed", image.id));
                continue;
            }
            let Some(position) = unclaimed.iter().position(|sha| *sha == image.sha256) else {
                self.finding(
                    user,
                    format!(
                        "{} (sha256 {}) is listed but was never acknowledged nor in doubt",
                        image.id, image.sha256
                    ),
                );
                continue;
            };
            unclaimed.swap_remove(position);
            match self.observe(&user.user, &image.id).await {
                Observed::Present {
                    bytes_sha256,
                    metadata,
                } if bytes_sha256 == image.sha256 && metadata.sha256 == image.sha256 => {
                    self.counts.uploads_in_doubt_stored += 1;
                    user.images.insert(
                        image.id,
                        KeptImage::uploaded(image.sha256, metadata.title),
                    );
                }
                Observed::Present { bytes_sha256, .. } => self.finding(
                    user,
                    format!(
                        "upload in doubt {} is stored with sha256 {} but its bytes have {bytes_sha256}",
                        image.id, image.sha256
                    ),
                ),
                Observed::Gone => self.finding(
                    user,
                    format!("upload in doubt {} is listed but answers 404", image.id),
                ),
                Observed::Broken(problem) => self.finding(
                    user,
                    format!("upload in doubt {} is listed but: {problem}", image.id),
                ),
            }
        }
    }

    async fn observe_all(&self, user: &str, ids: Vec<String>) -> Vec<(String, Observed)> {
        futures::stream::iter(ids)
            .map(|id| async move {
                let observed = self.observe(user, &id).await;
                (id, observed)
            })
            .buffer_unordered(CONCURRENT_CHECKS)
            .collect()
            .await
    }

    /// The bytes and the metadata of one image, as its owner sees them.
    async fn observe(&self, user: &str, id: &str) -> Observed {
        let bytes = self
            .http
            .get(api::image_url(&self.base, id))
            .header(USER_HEADER, user);
        let metadata = self
            .http
            .get(api::metadata_url(&self.base, id))
            .header(USER_HEADER, user);
        let (bytes, metadata) = match (api::exchange(bytes).await, api::exchange(metadata).await) {
            (Ok(bytes), Ok(metadata)) => (bytes, metadata),
            (Err(error), _) | (_, Err(error)) => {
                return Observed::Broken(format!("a GET got no answer: {error}"));
            }
        };
        match (bytes.0, metadata.0) {
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND) => Observed::Gone,
            (StatusCode::OK, StatusCode::OK) => match serde_json::from_slice(&metadata.1) {
                Ok(metadata) => Observed::Present {
                    bytes_sha256: images::sha256_hex(&bytes.1),
                    metadata,
                },
                Err(error) => Observed::Broken(format!("the metadata is not an Image: {error}")),
            },
            (bytes_status, metadata_status) => Observed::Broken(format!(
                "GET bytes answers {bytes_status} ({}), GET metadata {metadata_status} ({})",
                api::describe_body(&bytes.1),
                api::describe_body(&metadata.1)
            )),
        }
    }

    /// Every image of the user, walking the cursors.
    async fn list_all(&self, user: &str) -> Result<BTreeMap<String, ImageJson>, String> {
        let mut listed = BTreeMap::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", PAGE_LIMIT.to_owned())];
            if let Some(cursor) = cursor.take() {
                query.push(("cursor", cursor));
            }
            let request = self
                .http
                .get(api::list_url(&self.base))
                .header(USER_HEADER, user)
                .query(&query);
            let (status, body) = api::exchange(request)
                .await
                .map_err(|error| format!("no answer: {error}"))?;
            if status != StatusCode::OK {
                return Err(format!("{status}: {}", api::describe_body(&body)));
            }
            let page: ImagePage = serde_json::from_slice(&body)
                .map_err(|error| format!("the page is not a list of Images: {error}"))?;
            for image in page.items {
                if let Some(twice) = listed.insert(image.id.clone(), image) {
                    return Err(format!("{} is listed twice", twice.id));
                }
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(listed),
            }
        }
    }

    fn finding(&self, user: &UserLedger, what: String) {
        self.findings
            .record(format!("{}, {}: {what}", self.context, user.user));
    }
}
