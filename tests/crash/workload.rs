//! One round's workload: concurrent clients uploading, retitling and deleting their own images
//! until the server is SIGKILLed under them, each writing what was acknowledged (or left in
//! doubt by the kill) into its user's ledger.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::api::{self, ImageJson, USER_HEADER};
use crate::findings::Findings;
use crate::images;
use crate::ledger::{KeptImage, Ledger, UserLedger};
use crate::server::Server;

/// Numbers every image and title of the run, so that no two uploads send the same bytes and no
/// two updates send the same title.
static NEXT_NUMBER: AtomicU64 = AtomicU64::new(1);

/// Out of 100 operations on a user with images: uploads below the first, title updates below
/// the second, deletes for the rest. More uploads than deletes, so the population grows slowly.
const UPLOAD_BELOW: u32 = 45;
const UPDATE_BELOW: u32 = 65;

/// How long past the planned moment the kill waits for a request to be in flight.
const IN_FLIGHT_WAIT: Duration = Duration::from_millis(200);

/// What a round does.
#[derive(Debug, Clone, Copy)]
pub struct RoundPlan {
    pub round: u32,
    /// When the server is killed, counted from the clients' start.
    pub kill_after: Duration,
    /// The seed of the clients' choices.
    pub seed: u64,
}

/// What a round's clients saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct RoundCounts {
    pub uploads: u32,
    pub updates: u32,
    pub deletes: u32,
    pub uploads_in_doubt: u32,
    pub updates_in_doubt: u32,
    pub deletes_in_doubt: u32,
    /// Requests sent and not yet answered when the kill came.
    pub in_flight_at_kill: usize,
    pub kill_after: Duration,
}

impl RoundCounts {
    fn add(&mut self, other: &Self) {
        self.uploads += other.uploads;
        self.updates += other.updates;
        self.deletes += other.deletes;
        self.uploads_in_doubt += other.uploads_in_doubt;
        self.updates_in_doubt += other.updates_in_doubt;
        self.deletes_in_doubt += other.deletes_in_doubt;
    }
}

impl fmt::Display for RoundCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "killed after {:.2} s with {} in flight; acknowledged {} uploads, {} updates, {} deletes; in doubt {} uploads, {} updates, {} deletes",
            self.kill_after.as_secs_f64(),
            self.in_flight_at_kill,
            self.uploads,
            self.updates,
            self.deletes,
            self.uploads_in_doubt,
            self.updates_in_doubt,
            self.deletes_in_doubt
        )
    }
}

/// What the clients share with the round's driver.
#[derive(Debug, Default)]
struct Control {
    /// Set just before the kill: from then on a failed request is the kill's doing.
    killed: AtomicBool,
    in_flight: AtomicUsize,
}

/// Runs the clients, SIGKILLs the server at `plan.kill_after` and returns once every client has
/// noticed and written its ledger back.
pub async fn run_until_killed(
    server: &mut Server,
    ledger: &mut Ledger,
    plan: RoundPlan,
    findings: &Findings,
) -> RoundCounts {
    let control = Arc::new(Control::default());
    let http = api::client();
    let mut seeds = StdRng::seed_from_u64(plan.seed);
    let clients: Vec<_> = std::mem::take(&mut ledger.users)
        .into_iter()
        .map(|user| {
            let client = Client {
                http: http.clone(),
                base: server.base_url().to_owned(),
                round: plan.round,
                user,
                rng: StdRng::seed_from_u64(seeds.random()),
                control: Arc::clone(&control),
                findings: findings.clone(),
                counts: RoundCounts::default(),
            };
            tokio::spawn(client.run())
        })
        .collect();

    tokio::time::sleep(plan.kill_after).await;
    // The kill should cut a request short: between requests (making an image, say) it would
    // test little. A short wait finds one in flight, or gives up and kills anyway.
    let give_up = tokio::time::Instant::now() + IN_FLIGHT_WAIT;
    while control.in_flight.load(Ordering::SeqCst) == 0 && tokio::time::Instant::now() < give_up {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    control.killed.store(true, Ordering::SeqCst);
    let in_flight_at_kill = control.in_flight.load(Ordering::SeqCst);
    server.kill();

    let mut counts = RoundCounts {
        in_flight_at_kill,
        kill_after: plan.kill_after,
        ..RoundCounts::default()
    };
    for client in clients {
        let (user, client_counts) = client.await.expect("a client finishes without panicking");
        counts.add(&client_counts);
        ledger.users.push(user);
    }
    counts
}

/// Whether a client goes on after an operation.
enum Next {
    Continue,
    Stop,
}

/// One user's client for one round.
struct Client {
    http: reqwest::Client,
    base: String,
    round: u32,
    user: UserLedger,
    rng: StdRng,
    control: Arc<Control>,
    findings: Findings,
    counts: RoundCounts,
}

impl Client {
    async fn run(mut self) -> (UserLedger, RoundCounts) {
        while !self.control.killed.load(Ordering::SeqCst) {
            // Only images known to exist are updated or deleted: a 404 then is a finding.
            let targets: Vec<String> = self
                .user
                .images
                .iter()
                .filter(|(_, image)| !image.delete_in_doubt)
                .map(|(id, _)| id.clone())
                .collect();
            let roll = self.rng.random_range(0..100);
            let next = if targets.is_empty() || roll < UPLOAD_BELOW {
                self.upload().await
            } else {
                let id = targets[self.rng.random_range(0..targets.len())].clone();
                if roll < UPDATE_BELOW {
                    self.update(id).await
                } else {
                    self.delete(id).await
                }
            };
            if matches!(next, Next::Stop) {
                break;
            }
        }
        (self.user, self.counts)
    }

    async fn upload(&mut self) -> Next {
        let number = NEXT_NUMBER.fetch_add(1, Ordering::Relaxed);
        let seed = self.rng.random();
        let (png, sent_sha256) = tokio::task::spawn_blocking(move || {
            let png = images::distinct_png(number, seed);
            let sha256 = images::sha256_hex(&png);
            (png, sha256)
        })
        .await
        .expect("the PNG is made");
        if self.control.killed.load(Ordering::SeqCst) {
            return Next::Stop;
        }
        let title = format!("upload {number}");
        let file = Part::bytes(png)
            .file_name(format!("crash-{number}.png"))
            .mime_str("image/png")
            .expect("a valid MIME type");
        let form = Form::new().text("title", title).part("file", file);
        let request = self
            .http
            .post(api::upload_url(&self.base))
            .header(USER_HEADER, &self.user.user)
            .multipart(form);
        match self.exchange(request).await {
            Ok((StatusCode::CREATED, body)) => match serde_json::from_slice::<ImageJson>(&body) {
                Ok(created) => {
                    if created.sha256 != sent_sha256 {
                        self.finding(format!(
                            "upload {} answered 201 with sha256 {} but the PNG sent (no metadata to strip) has {sent_sha256}",
                            created.id, created.sha256
                        ));
                    }
                    self.user.images.insert(
                        created.id,
                        KeptImage::uploaded(created.sha256, created.title),
                    );
                    self.counts.uploads += 1;
                }
                Err(error) => {
                    self.finding(format!(
                        "upload answered 201 with a body that is not an Image ({error}): {}",
                        api::describe_body(&body)
                    ));
                    self.user.uploads_in_doubt.push(sent_sha256);
                }
            },
            Ok((status, body)) => {
                self.finding(format!(
                    "upload answered {status}: {}",
                    api::describe_body(&body)
                ));
                // Whether it stored anything is for the next restart's checks to find out.
                self.user.uploads_in_doubt.push(sent_sha256);
            }
            Err(error) => {
                self.user.uploads_in_doubt.push(sent_sha256);
                self.counts.uploads_in_doubt += 1;
                return self.lost("upload", &error);
            }
        }
        Next::Continue
    }

    async fn update(&mut self, id: String) -> Next {
        let number = NEXT_NUMBER.fetch_add(1, Ordering::Relaxed);
        let title = format!("title {number} of round {}", self.round);
        let request = self
            .http
            .put(api::image_url(&self.base, &id))
            .header(USER_HEADER, &self.user.user)
            .json(&serde_json::json!({ "title": title }));
        let outcome = self.exchange(request).await;
        let image = self
            .user
            .images
            .get_mut(&id)
            .expect("targets come from the ledger");
        match outcome {
            Ok((StatusCode::OK, body)) => {
                let answered = serde_json::from_slice::<ImageJson>(&body)
                    .map(|image| image.title)
                    .map_err(|error| error.to_string());
                image.title = Some(title.clone());
                image.title_in_doubt = None;
                self.counts.updates += 1;
                if answered.as_ref() != Ok(&Some(title.clone())) {
                    self.finding(format!(
                        "update of {id} to {title:?} answered 200 with title {answered:?}"
                    ));
                }
            }
            Ok((status, body)) => {
                image.title_in_doubt = Some(Some(title));
                self.finding(format!(
                    "update of {id} answered {status}: {}",
                    api::describe_body(&body)
                ));
            }
            Err(error) => {
                image.title_in_doubt = Some(Some(title));
                self.counts.updates_in_doubt += 1;
                return self.lost("update", &error);
            }
        }
        Next::Continue
    }

    async fn delete(&mut self, id: String) -> Next {
        let request = self
            .http
            .delete(api::image_url(&self.base, &id))
            .header(USER_HEADER, &self.user.user);
        match self.exchange(request).await {
            Ok((StatusCode::NO_CONTENT, _)) => {
                self.user.images.remove(&id);
                self.user.deleted.insert(id);
                self.counts.deletes += 1;
            }
            Ok((status, body)) => {
                self.mark_delete_in_doubt(&id);
                self.finding(format!(
                    "delete of {id} answered {status}: {}",
                    api::describe_body(&body)
                ));
            }
            Err(error) => {
                self.mark_delete_in_doubt(&id);
                self.counts.deletes_in_doubt += 1;
                return self.lost("delete", &error);
            }
        }
        Next::Continue
    }

    fn mark_delete_in_doubt(&mut self, id: &str) {
        if let Some(image) = self.user.images.get_mut(id) {
            image.delete_in_doubt = true;
        }
    }

    /// One request, counted as in flight until its answer is read.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, bytes::Bytes), reqwest::Error> {
        self.control.in_flight.fetch_add(1, Ordering::SeqCst);
        let outcome = api::exchange(request).await;
        self.control.in_flight.fetch_sub(1, Ordering::SeqCst);
        outcome
    }

    /// A request without an answer ends the client's round: after the kill that is expected;
    /// before it, the server failed on its own.
    fn lost(&self, operation: &str, error: &reqwest::Error) -> Next {
        if !self.control.killed.load(Ordering::SeqCst) {
            self.finding(format!(
                "{operation} got no answer before the kill: {error:?}"
            ));
        }
        Next::Stop
    }

    fn finding(&self, what: String) {
        self.findings
            .record(format!("round {}, {}: {what}", self.round, self.user.user));
    }
}
