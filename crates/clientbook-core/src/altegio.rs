//! The Altegio REST API v1, as far as clients and rights go.
//!
//! The core builds requests and reads responses; it never opens a socket. A [`Transport`]
//! does that: on a phone the shell's own HTTP stack (TLS, proxies, certificate pinning stay
//! the platform's), in the command-line tool a Rust client. Every request passes a
//! client-side limiter at Altegio's published limits and is retried with jittered backoff
//! when that is safe. Tokens live only in memory and in the `Authorization` header.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};

use crate::cancel::CancelToken;
use crate::error::{Error, RemoteError, Result};
use crate::rights::Rights;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

/// The HTTP methods the Altegio calls use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum HttpMethod {
    Get,
    Post,
    /// Writing a whole client card (fill-in, a category the create did not set).
    Put,
    /// Deleting a client (undo of an import).
    Delete,
}

impl HttpMethod {
    /// The method as it goes on the request line.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpRequest {
    pub method: HttpMethod,
    pub url: String,
    pub headers: Vec<HttpHeader>,
    /// JSON body for `POST`.
    pub body: Option<String>,
    /// Give up waiting for the response after this long.
    pub timeout_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<HttpHeader>,
    pub body: String,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

/// The request may or may not have reached the server (timeout, reset, DNS, TLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError(pub String);

/// Sends one HTTP request. Implemented by the shells (through the FFI) and by the CLI.
pub trait Transport: Send + Sync {
    fn send(&self, request: HttpRequest) -> std::result::Result<HttpResponse, TransportError>;
}

/// Partner and user tokens. `Debug` never prints them, and nothing in the core stores them.
#[derive(Clone)]
pub struct Credentials {
    partner_token: String,
    user_token: String,
}

impl Credentials {
    pub fn new(partner_token: impl Into<String>, user_token: impl Into<String>) -> Self {
        Credentials {
            partner_token: partner_token.into(),
            user_token: user_token.into(),
        }
    }

    fn header(&self) -> String {
        format!("Bearer {}, User {}", self.partner_token, self.user_token)
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(<redacted>)")
    }
}

/// Limits and retry tuning. `per_second` and `per_minute` are the server's published limits
/// (Altegio: 5 and 200, per IP); the client paces itself below them (see [`Limiter`]). Tests
/// against the local server raise them so they finish quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Politeness {
    pub per_second: u32,
    pub per_minute: u32,
    /// Attempts for one request before giving up, the first included.
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    pub timeout: Duration,
    /// How long after our timeout the server may still apply a write it received (its own
    /// gateway and worker timeouts). See [`Politeness::settle_window`].
    pub apply_margin: Duration,
}

impl Politeness {
    /// The longest a create may still land after its request went out: our timeout plus
    /// the server's margin. An unconfirmed client is not sent again before this has passed.
    pub fn settle_window(&self) -> Duration {
        self.timeout + self.apply_margin
    }
}

impl Default for Politeness {
    fn default() -> Self {
        Politeness {
            per_second: 5,
            per_minute: 200,
            max_attempts: 6,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
            apply_margin: Duration::from_secs(60),
        }
    }
}

/// Unix milliseconds: the limiter's clock, shared with the persisted send log.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// How long the limiter stays at half rate after a 429.
const SLOW_AFTER_429: Duration = Duration::from_secs(60);

/// Sliding-window limiter over send times (Unix ms): how long to wait before the next request
/// may go. It paces at 80% of the per-second limit and 90% of the per-minute one, with sends
/// spread evenly (no bursts), because the server counts *arrivals* and the network bunches
/// them. After a 429 it waits out `Retry-After` and then runs at half that pace for a minute.
/// Pure (the caller passes the time), so it tests without sleeping.
#[derive(Debug)]
pub struct Limiter {
    per_second: u32,
    per_minute: u32,
    /// Send times, oldest first, from this process and from the persisted log.
    sent: VecDeque<i64>,
    /// No send before this (a 429's `Retry-After`).
    blocked_until: i64,
    /// Half pace before this.
    slow_until: i64,
}

impl Limiter {
    /// `per_second` and `per_minute` are the server's limits, not the pace.
    pub fn new(per_second: u32, per_minute: u32) -> Self {
        Limiter {
            per_second: per_second.max(1),
            per_minute: per_minute.max(1),
            sent: VecDeque::new(),
            blocked_until: i64::MIN,
            slow_until: i64::MIN,
        }
    }

    /// Sends allowed per second and per minute at `now`.
    fn pace(&self, now: i64) -> (u32, u32) {
        let (second, minute) = (
            (self.per_second * 4 / 5).max(1),
            (self.per_minute * 9 / 10).max(1),
        );
        if now < self.slow_until {
            ((second / 2).max(1), (minute / 2).max(1))
        } else {
            (second, minute)
        }
    }

    /// The wait needed at `now`; zero when a request may go.
    pub fn delay(&mut self, now: i64) -> Duration {
        while self.sent.front().is_some_and(|t| now - *t >= 60_000) {
            self.sent.pop_front();
        }
        let (second, minute) = self.pace(now);
        let mut until = self.blocked_until;
        // Evenly spaced: never two sends closer than a second divided by the pace.
        if let Some(last) = self.sent.back() {
            until = until.max(last + 1000 / i64::from(second));
        }
        let in_window = |span: i64| {
            self.sent
                .iter()
                .rev()
                .take_while(|t| now - **t < span)
                .count()
        };
        if in_window(1000) >= second as usize {
            until = until.max(self.sent[self.sent.len() - second as usize] + 1000);
        }
        if self.sent.len() >= minute as usize {
            until = until.max(self.sent[self.sent.len() - minute as usize] + 60_000);
        }
        Duration::from_millis(until.saturating_sub(now).max(0) as u64)
    }

    pub fn record(&mut self, at: i64) {
        let pos = self.sent.partition_point(|t| *t <= at);
        self.sent.insert(pos, at);
    }

    /// Takes in send times recorded elsewhere (another process, before a restart); times
    /// already known are not counted twice.
    pub fn adopt(&mut self, times: &[i64]) {
        for &t in times {
            if !self.sent.contains(&t) {
                self.record(t);
            }
        }
    }

    /// The server refused a request with 429: no send before `retry_after` has passed, then
    /// half pace for a minute.
    pub fn throttle(&mut self, now: i64, retry_after: Duration) {
        let wait = retry_after.max(Duration::from_secs(1)).as_millis() as i64;
        self.blocked_until = self.blocked_until.max(now + wait);
        self.slow_until = self
            .slow_until
            .max(now + wait + SLOW_AFTER_429.as_millis() as i64);
    }
}

/// Where send times are kept between processes, so a process that starts right after
/// another (a restart after a crash, two imports in a row) does not burst. The store keeps
/// them next to the import journal.
pub trait SendLog {
    /// Send times (Unix ms) at or after `since`.
    fn recent_sends(&self, since: i64) -> Result<Vec<i64>>;
    /// Records a send, before the request goes out.
    fn record_send(&self, at: i64) -> Result<()>;
}

/// What one operation (a refresh, a preview, a commit) hands every request it makes: its
/// cancel token, observed while waiting for the limiter and in backoff, and where send times
/// are remembered.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    cancel: &'a CancelToken,
    log: Option<&'a dyn SendLog>,
}

impl<'a> Call<'a> {
    pub fn new(cancel: &'a CancelToken) -> Self {
        Call { cancel, log: None }
    }

    /// Also remember send times in `log` (and respect the ones already there).
    pub fn logged_in(self, log: &'a dyn SendLog) -> Self {
        Call {
            log: Some(log),
            ..self
        }
    }

    pub fn cancel(&self) -> &CancelToken {
        self.cancel
    }
}

/// Backoff before attempt `attempt` (1 = first retry): exponential, capped, full jitter,
/// and never shorter than the server's `Retry-After`.
pub fn backoff(
    policy: &Politeness,
    attempt: u32,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Duration {
    let exp = policy
        .base_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(policy.max_backoff);
    let jittered = capped.mul_f64(jitter.clamp(0.0, 1.0));
    match retry_after {
        Some(ra) => jittered.max(ra),
        None => jittered,
    }
}

fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    resp.header("Retry-After")?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// A client as the remote database returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteClient {
    pub id: i64,
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    /// As returned: digits, `+digits`, or masked with `*` without the phones right.
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One page of `clients/search`.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub clients: Vec<RemoteClient>,
    pub total_count: u64,
}

/// A client to create remotely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteNewClient {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// E.164 digits without `+`, as Altegio stores them.
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The client's comment: where the phone's extension goes (Altegio stores none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Category ids to put the client in (the import's category).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<i64>,
    /// `YYYY-MM-DD`, as Altegio's `birth_date` takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
}

/// A bulk-create response row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    pub id: Option<i64>,
    pub phone: Option<String>,
    pub name: Option<String>,
    /// The server's reason, for rejected rows.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct BulkResult {
    pub created: Vec<BulkRow>,
    pub errors: Vec<BulkRow>,
}

/// One client's card (`GET /client/{location}/{id}`): the fields undo and fill-in compare,
/// and the whole card as sent, for a write that must not blank what it does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteCard {
    pub client: RemoteClient,
    /// Visits the client has had (a client with visits is a real client now); `None` when
    /// the card does not say.
    pub visits: Option<u64>,
    /// The ids of the client's categories.
    pub categories: Vec<i64>,
    /// The card as the server sent it.
    pub raw: Value,
}

/// A client category (Altegio: category, label or tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCategory {
    pub id: i64,
    pub title: String,
}

/// Sort order for client search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

/// A user's session with one Altegio location.
pub struct AltegioClient {
    base_url: String,
    location_id: i64,
    credentials: Credentials,
    transport: Box<dyn Transport>,
    policy: Politeness,
    limiter: Mutex<Limiter>,
}

impl std::fmt::Debug for AltegioClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AltegioClient")
            .field("location_id", &self.location_id)
            .finish_non_exhaustive()
    }
}

/// What a request may do when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Idempotence {
    /// Reads: retry on anything transient.
    Safe,
    /// Writes: retry only when the server said it did nothing (429); anything else is
    /// reported as an unknown outcome for the caller to reconcile.
    Write,
}

impl AltegioClient {
    /// `base_url` is the API root such as `https://api.alteg.io/api/v1` (a bare host gets
    /// `/api/v1` added).
    pub fn new(
        base_url: &str,
        location_id: i64,
        credentials: Credentials,
        transport: Box<dyn Transport>,
        policy: Politeness,
    ) -> Self {
        let mut base = base_url.trim_end_matches('/').to_string();
        if !base.contains("/api/") {
            base.push_str("/api/v1");
        }
        AltegioClient {
            base_url: base,
            location_id,
            credentials,
            transport,
            limiter: Mutex::new(Limiter::new(policy.per_second, policy.per_minute)),
            policy,
        }
    }

    pub fn location_id(&self) -> i64 {
        self.location_id
    }

    pub fn policy(&self) -> &Politeness {
        &self.policy
    }

    fn limiter(&self) -> std::sync::MutexGuard<'_, Limiter> {
        self.limiter.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sleeps, waking early when the operation is cancelled.
    fn sleep(&self, total: Duration, call: &Call<'_>) -> Result<()> {
        let end = Instant::now() + total;
        loop {
            call.cancel.check()?;
            let now = Instant::now();
            if now >= end {
                return Ok(());
            }
            std::thread::sleep((end - now).min(Duration::from_millis(50)));
        }
    }

    /// Waits for the limiter, then records the send (in the log first, so a process killed
    /// right after still leaves it for the next one).
    fn wait_for_slot(&self, call: &Call<'_>) -> Result<()> {
        loop {
            call.cancel.check()?;
            let now = now_ms();
            let earlier = match call.log {
                Some(log) => log.recent_sends(now - 60_000)?,
                None => Vec::new(),
            };
            let wait = {
                let mut limiter = self.limiter();
                limiter.adopt(&earlier);
                let wait = limiter.delay(now);
                if wait.is_zero() {
                    limiter.record(now);
                }
                wait
            };
            if wait.is_zero() {
                if let Some(log) = call.log {
                    log.record_send(now)?;
                }
                return Ok(());
            }
            self.sleep(wait, call)?;
        }
    }

    fn request(&self, method: HttpMethod, path: &str, body: Option<Value>) -> HttpRequest {
        HttpRequest {
            method,
            url: format!("{}{}", self.base_url, path),
            headers: vec![
                HttpHeader {
                    name: "Accept".into(),
                    value: "application/vnd.api.v2+json".into(),
                },
                HttpHeader {
                    name: "Content-Type".into(),
                    value: "application/json".into(),
                },
                HttpHeader {
                    name: "Authorization".into(),
                    value: self.credentials.header(),
                },
            ],
            body: body.map(|b| b.to_string()),
            timeout_ms: self.policy.timeout.as_millis().min(u32::MAX as u128) as u32,
        }
    }

    /// Sends with limiter and retries; returns the envelope's `data` and `meta`, read as `T`
    /// and `M`. A cut-off or unsuccessful answer to a read is retried; an answer of the wrong
    /// shape is a `Protocol` error naming the field (retrying would get the same).
    fn call<T: DeserializeOwned, M: DeserializeOwned>(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
        kind: Idempotence,
        call: &Call<'_>,
    ) -> Result<(T, M)> {
        self.exchange(method, path, body, kind, call, &|r| {
            parse_envelope::<T, M>(&r.body)
        })
    }

    /// [`call`](Self::call) for answers read by `read`: a 204 has no envelope to read.
    fn exchange<R>(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
        kind: Idempotence,
        call: &Call<'_>,
        read: &dyn Fn(&HttpResponse) -> std::result::Result<R, Unreadable>,
    ) -> Result<R> {
        let endpoint = path.split('/').nth(1).unwrap_or("").to_string();
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.wait_for_slot(call)?;
            let outcome = self
                .transport
                .send(self.request(method, path, body.clone()));
            let (transient, after) = match outcome {
                Err(TransportError(detail)) => {
                    tracing::debug!(%endpoint, attempt, "transport failure");
                    if kind == Idempotence::Write {
                        return Err(RemoteError::OutcomeUnknown { detail }.into());
                    }
                    (detail, None)
                }
                Ok(resp) => match resp.status {
                    200..=299 => match read(&resp) {
                        Ok(v) => return Ok(v),
                        Err(Unreadable::Malformed(detail)) => {
                            tracing::debug!(%endpoint, attempt, "malformed response");
                            if kind == Idempotence::Write {
                                return Err(RemoteError::OutcomeUnknown { detail }.into());
                            }
                            (detail, None)
                        }
                        Err(Unreadable::Shape(detail)) => {
                            tracing::debug!(%endpoint, attempt, "unexpected response shape");
                            let detail = format!("{endpoint}: {detail}");
                            return Err(if kind == Idempotence::Write {
                                RemoteError::OutcomeUnknown { detail }
                            } else {
                                RemoteError::Protocol { detail }
                            }
                            .into());
                        }
                    },
                    401 => return Err(RemoteError::Unauthorized.into()),
                    402 => {
                        return Err(RemoteError::Licence {
                            detail: server_message(&resp.body),
                        }
                        .into())
                    }
                    403 => return Err(RemoteError::Forbidden.into()),
                    404 => {
                        return Err(RemoteError::NotFound {
                            detail: server_message(&resp.body),
                        }
                        .into())
                    }
                    429 => {
                        let after = retry_after(&resp);
                        self.limiter()
                            .throttle(now_ms(), after.unwrap_or(Duration::ZERO));
                        tracing::debug!(%endpoint, attempt, "rate limited; slowing down");
                        (format!("rate limited ({})", resp.status), after)
                    }
                    500..=599 => {
                        tracing::debug!(%endpoint, attempt, status = resp.status, "server error");
                        if kind == Idempotence::Write {
                            return Err(RemoteError::OutcomeUnknown {
                                detail: format!("server error {}", resp.status),
                            }
                            .into());
                        }
                        (format!("server error {}", resp.status), retry_after(&resp))
                    }
                    other => {
                        return Err(RemoteError::Rejected {
                            status: other,
                            detail: server_message(&resp.body),
                        }
                        .into())
                    }
                },
            };
            if attempt >= self.policy.max_attempts {
                return Err(RemoteError::Unavailable { detail: transient }.into());
            }
            let wait = backoff(&self.policy, attempt, after, fastrand::f64());
            tracing::debug!(%endpoint, attempt, wait_ms = wait.as_millis() as u64, "retrying");
            self.sleep(wait, call)?;
        }
    }

    /// The user's client rights at this location.
    pub fn rights(&self, call: &Call<'_>) -> Result<Rights> {
        let (data, _): (PermissionsData, IgnoredAny) = self.call(
            HttpMethod::Get,
            &format!("/user/permissions/{}", self.location_id),
            None,
            Idempotence::Safe,
            call,
        )?;
        Ok(Rights::from_permissions_json(&data.clients))
    }

    /// Whether the location shows the surname field: `Some(false)` hides it, `None` when the
    /// API does not say (the flag is undocumented; unknown is not "disabled").
    pub fn surname_field_enabled(&self, call: &Call<'_>) -> Result<Option<bool>> {
        let (data, _): (CompanyData, IgnoredAny) = self.call(
            HttpMethod::Get,
            &format!("/company/{}?my=1", self.location_id),
            None,
            Idempotence::Safe,
            call,
        )?;
        Ok(data.is_surname_field_enabled.map(|Flag(on)| on))
    }

    /// One page of clients, 1-based.
    pub fn search(
        &self,
        page: u32,
        page_size: u32,
        order: Order,
        call: &Call<'_>,
    ) -> Result<SearchPage> {
        let body = json!({
            "page": page,
            "page_size": page_size,
            "fields": ["id", "name", "surname", "middle_name", "phone", "email"],
            "order_by": "id",
            "order_by_direction": match order { Order::OldestFirst => "ASC", Order::NewestFirst => "DESC" },
        });
        let (rows, meta) = self.search_rows::<ClientRow>(body, call)?;
        Ok(SearchPage {
            clients: rows.into_iter().map(ClientRow::into_client).collect(),
            total_count: meta.total_count,
        })
    }

    /// One `clients/search` request: its rows, read as `T`, and its `meta`.
    fn search_rows<T: DeserializeOwned>(
        &self,
        body: Value,
        call: &Call<'_>,
    ) -> Result<(Vec<T>, SearchMeta)> {
        let (Rows(rows), meta): (Rows<T>, SearchMeta) = self.call(
            HttpMethod::Post,
            &format!("/company/{}/clients/search", self.location_id),
            Some(body),
            Idempotence::Safe,
            call,
        )?;
        Ok((rows, meta))
    }

    /// One client's card; `None` when the server has no such client (deleted).
    pub fn client(&self, id: i64, call: &Call<'_>) -> Result<Option<RemoteCard>> {
        let answer: Result<(Value, IgnoredAny)> = self.call(
            HttpMethod::Get,
            &format!("/client/{}/{id}", self.location_id),
            None,
            Idempotence::Safe,
            call,
        );
        let raw = match answer {
            Ok((raw, _)) => raw,
            Err(Error::Remote(RemoteError::NotFound { .. })) => return Ok(None),
            Err(e) => return Err(e),
        };
        let card: CardData = serde_json::from_value(raw.clone()).map_err(|e| {
            Error::from(RemoteError::Protocol {
                detail: format!("client: {e}"),
            })
        })?;
        Ok(Some(RemoteCard {
            client: card.row.into_client(),
            visits: card.visits.map(|Count(n)| n),
            categories: card
                .categories
                .map(|Rows(c)| c)
                .unwrap_or_default()
                .into_iter()
                .map(|c| match c {
                    CategoryRef::Id(Id(id)) | CategoryRef::Object { id: Id(id) } => id,
                })
                .collect(),
            raw,
        }))
    }

    /// Deletes a client for good (there is no restore). True when it was there; false when
    /// it was already gone. Safe to repeat: a lost answer is retried, and a delete that
    /// landed answers 404 the second time.
    pub fn delete_client(&self, id: i64, call: &Call<'_>) -> Result<bool> {
        let answer = self.exchange(
            HttpMethod::Delete,
            &format!("/client/{}/{id}", self.location_id),
            None,
            Idempotence::Safe,
            call,
            &|r| {
                if r.body.trim().is_empty() {
                    Ok(())
                } else {
                    no_data_expected(&r.body)
                }
            },
        );
        match answer {
            Ok(()) => Ok(true),
            Err(Error::Remote(RemoteError::NotFound { .. })) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes a whole card (`PUT`): the caller sends every field it read, changed or not,
    /// because whether an omitted field is blanked is undocumented. Idempotent: the same
    /// card written twice is the same card.
    pub fn update_client(&self, id: i64, card: &Value, call: &Call<'_>) -> Result<()> {
        let _: (IgnoredAny, IgnoredAny) = self.call(
            HttpMethod::Put,
            &format!("/client/{}/{id}", self.location_id),
            Some(card.clone()),
            Idempotence::Safe,
            call,
        )?;
        Ok(())
    }

    /// The location's client categories (deleted ones left out).
    pub fn categories(&self, call: &Call<'_>) -> Result<Vec<RemoteCategory>> {
        let (Rows(rows), _): (Rows<LabelRow>, IgnoredAny) = self.call(
            HttpMethod::Get,
            &format!("/labels/{}/1", self.location_id),
            None,
            Idempotence::Safe,
            call,
        )?;
        Ok(rows
            .into_iter()
            .filter(|l| !l.deleted.is_some_and(|Flag(d)| d))
            .map(|l| RemoteCategory {
                id: l.id.0,
                title: l.title.trim().to_string(),
            })
            .collect())
    }

    /// Creates a client category. The answer carries no id: list them to learn it. A title
    /// that exists already is refused (400), which the caller treats as "it exists".
    pub fn create_category(&self, title: &str, color: &str, call: &Call<'_>) -> Result<()> {
        self.exchange(
            HttpMethod::Post,
            &format!("/labels/{}/clients/create", self.location_id),
            Some(json!({"title": title, "color": color})),
            Idempotence::Write,
            call,
            &|r| no_data_expected(&r.body),
        )
    }

    /// The ids of the clients in category `category`, from `clients/search` (which cannot
    /// return a client's categories, but can filter by one).
    /// Only ids from `since` up are read: newest first, stopping below it (ids grow with
    /// creation), so checking one import does not page through every earlier import's clients.
    pub fn clients_in_category(
        &self,
        category: i64,
        since: i64,
        call: &Call<'_>,
    ) -> Result<HashSet<i64>> {
        let mut ids = HashSet::new();
        let mut page = 1;
        loop {
            let body = json!({
                "page": page,
                "page_size": crate::sync::PAGE_SIZE,
                "fields": ["id"],
                "order_by": "id",
                "order_by_direction": "DESC",
                "filters": [{"type": "category", "state": {"value": [category]}}],
            });
            let (rows, meta) = self.search_rows::<IdRow>(body, call)?;
            let got = rows.len();
            let oldest = rows.iter().map(|r| r.id.0).min();
            ids.extend(rows.into_iter().map(|r| r.id.0).filter(|&id| id >= since));
            let read_all = (page as u64) * crate::sync::PAGE_SIZE as u64 >= meta.total_count;
            if got == 0 || read_all || oldest.is_some_and(|id| id < since) {
                return Ok(ids);
            }
            page += 1;
        }
    }

    /// Creates clients in one request. Rows the server rejects come back in `errors`.
    /// A lost response is `RemoteError::OutcomeUnknown`: the caller must reconcile.
    pub fn bulk_create(&self, clients: &[RemoteNewClient], call: &Call<'_>) -> Result<BulkResult> {
        let body = serde_json::to_value(clients).map_err(|e| Error::BadInput(e.to_string()))?;
        let (data, _): (BulkData, IgnoredAny) = self.call(
            HttpMethod::Post,
            &format!("/clients/{}/bulk", self.location_id),
            Some(body),
            Idempotence::Write,
            call,
        )?;
        let rows = |Rows(rows): Rows<BulkRowData>| -> Vec<BulkRow> {
            rows.into_iter()
                .map(|r| BulkRow {
                    id: r.id.map(|Id(id)| id),
                    phone: r.phone.and_then(|Text(t)| t),
                    name: r.name,
                    error: r.error,
                })
                .collect()
        };
        Ok(BulkResult {
            created: rows(data.created),
            errors: rows(data.errors),
        })
    }
}

/// Wraps a field's own error with its name, so a changed answer says which field broke:
/// `named!(fn_name, "field", Type)` makes a `deserialize_with` function for it.
macro_rules! named {
    ($fn:ident, $name:literal, $ty:ty) => {
        fn $fn<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<$ty, D::Error> {
            <$ty>::deserialize(d)
                .map_err(|e| serde::de::Error::custom(format_args!("{}: {}", $name, e)))
        }
    };
}

named!(id_field, "id", Id);
named!(opt_id_field, "id", Option<Id>);
named!(name_field, "name", Option<String>);
named!(surname_field, "surname", Option<String>);
named!(middle_name_field, "middle_name", Option<String>);
named!(phone_field, "phone", Option<Text>);
named!(email_field, "email", Option<String>);
named!(error_field, "error", Option<String>);
named!(total_count_field, "total_count", u64);
named!(created_field, "created", Rows<BulkRowData>);
named!(errors_field, "errors", Rows<BulkRowData>);
named!(surname_flag_field, "is_surname_field_enabled", Option<Flag>);
named!(visits_field, "visits", Option<Count>);
named!(categories_field, "categories", Option<Rows<CategoryRef>>);

/// A list whose element errors say which element: `[3] id: invalid type …`.
#[derive(Debug)]
struct Rows<T>(Vec<T>);

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows(Vec::new())
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Rows<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Vec::<Value>::deserialize(d)?;
        raw.into_iter()
            .enumerate()
            .map(|(i, v)| {
                T::deserialize(v).map_err(|e| serde::de::Error::custom(format_args!("[{i}] {e}")))
            })
            .collect::<std::result::Result<Vec<T>, D::Error>>()
            .map(Rows)
    }
}

/// An id, as a number or a numeric string (some answers quote numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Id(i64);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected a whole number or a numeric string"))?
        {
            Raw::Number(n) => Ok(Id(n)),
            Raw::Text(t) => t
                .trim()
                .parse()
                .map(Id)
                .map_err(|_| serde::de::Error::custom("expected a numeric string")),
        }
    }
}

/// Text that may come as a number (Altegio sends phones both ways); empty is none.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected text or a number"))?
        {
            Raw::Text(t) if t.is_empty() => Ok(Text(None)),
            Raw::Text(t) => Ok(Text(Some(t))),
            Raw::Number(n) => Ok(Text(Some(n.to_string()))),
        }
    }
}

/// A flag as `true`/`false` or `1`/`0` (YCLIENTS sends numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected true/false or 1/0"))?
        {
            Raw::Bool(b) => Ok(Flag(b)),
            Raw::Number(n) => Ok(Flag(n != 0)),
            // Numbers may come quoted ("deleted": "0").
            Raw::Text(t) => match t.trim() {
                "1" | "true" => Ok(Flag(true)),
                "0" | "false" | "" => Ok(Flag(false)),
                _ => Err(serde::de::Error::custom("expected true/false or 1/0")),
            },
        }
    }
}

/// `GET /user/permissions/{id}`: the `clients` group, whose many keys (bool or 1/0, two
/// vocabularies) the rights module reads.
#[derive(Debug, Deserialize)]
struct PermissionsData {
    #[serde(default)]
    clients: Value,
}

/// `GET /company/{id}`: only the undocumented surname flag (missing is unknown).
#[derive(Debug, Deserialize)]
struct CompanyData {
    #[serde(default, deserialize_with = "surname_flag_field")]
    is_surname_field_enabled: Option<Flag>,
}

/// `clients/search`'s `meta`.
#[derive(Debug, Deserialize)]
struct SearchMeta {
    #[serde(deserialize_with = "total_count_field")]
    total_count: u64,
}

/// One `clients/search` row. `middle_name` is YCLIENTS' `patronymic` on some servers.
#[derive(Debug, Deserialize)]
struct ClientRow {
    #[serde(deserialize_with = "id_field")]
    id: Id,
    #[serde(default, deserialize_with = "name_field")]
    name: Option<String>,
    #[serde(default, deserialize_with = "surname_field")]
    surname: Option<String>,
    #[serde(default, alias = "patronymic", deserialize_with = "middle_name_field")]
    middle_name: Option<String>,
    #[serde(default, deserialize_with = "phone_field")]
    phone: Option<Text>,
    #[serde(default, deserialize_with = "email_field")]
    email: Option<String>,
}

impl ClientRow {
    fn into_client(self) -> RemoteClient {
        let text = |t: Option<String>| t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        RemoteClient {
            id: self.id.0,
            name: text(self.name).unwrap_or_default(),
            surname: text(self.surname),
            middle_name: text(self.middle_name),
            phone: self.phone.and_then(|Text(t)| t),
            email: text(self.email),
        }
    }
}

/// `GET /client/{location}/{id}`'s `data`: the search row's fields, plus visits and
/// categories (as ids or objects).
#[derive(Debug, Deserialize)]
struct CardData {
    #[serde(flatten)]
    row: ClientRow,
    #[serde(default, alias = "visits_count", deserialize_with = "visits_field")]
    visits: Option<Count>,
    #[serde(default, deserialize_with = "categories_field")]
    categories: Option<Rows<CategoryRef>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CategoryRef {
    Id(Id),
    Object { id: Id },
}

/// A count as a number or a numeric string; null is none.
#[derive(Debug, Clone, Copy)]
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Id::deserialize(d).map(|Id(n)| Count(n.max(0) as u64))
    }
}

/// `GET /labels/{location}/1` rows.
#[derive(Debug, Deserialize)]
struct LabelRow {
    #[serde(deserialize_with = "id_field")]
    id: Id,
    #[serde(default)]
    title: String,
    #[serde(default)]
    deleted: Option<Flag>,
}

/// A `clients/search` row with `fields: ["id"]`.
#[derive(Debug, Deserialize)]
struct IdRow {
    #[serde(deserialize_with = "id_field")]
    id: Id,
}

/// `clients/{id}/bulk`'s `data`.
#[derive(Debug, Deserialize)]
struct BulkData {
    #[serde(default, deserialize_with = "created_field")]
    created: Rows<BulkRowData>,
    #[serde(default, deserialize_with = "errors_field")]
    errors: Rows<BulkRowData>,
}

#[derive(Debug, Deserialize)]
struct BulkRowData {
    #[serde(default, deserialize_with = "opt_id_field")]
    id: Option<Id>,
    #[serde(default, deserialize_with = "phone_field")]
    phone: Option<Text>,
    #[serde(default, deserialize_with = "name_field")]
    name: Option<String>,
    #[serde(default, deserialize_with = "error_field")]
    error: Option<String>,
}

/// Why a 2xx answer could not be read.
#[derive(Debug)]
enum Unreadable {
    /// Not JSON (cut off), `success` not true, or no `data`: worth another try for a read.
    Malformed(String),
    /// JSON of the wrong shape: names the field.
    Shape(String),
}

/// The envelope, before its parts are read as their types.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    meta: Value,
}

/// `{"success": true, "data": …, "meta": …}` → (data, meta), each read as its type.
fn parse_envelope<T: DeserializeOwned, M: DeserializeOwned>(
    body: &str,
) -> std::result::Result<(T, M), Unreadable> {
    let envelope: Envelope = serde_json::from_str(body)
        .map_err(|e| Unreadable::Malformed(format!("response is not JSON ({e})")))?;
    if envelope.success != Some(true) {
        return Err(Unreadable::Malformed(format!(
            "request failed: {}",
            server_message(body)
        )));
    }
    if envelope.data.is_null() {
        return Err(Unreadable::Malformed("response has no data".into()));
    }
    let data =
        T::deserialize(envelope.data).map_err(|e| Unreadable::Shape(format!("data: {e}")))?;
    let meta =
        M::deserialize(envelope.meta).map_err(|e| Unreadable::Shape(format!("meta: {e}")))?;
    Ok((data, meta))
}

/// An answer whose `data` is documented as `null` (v1 category create): only `success`.
fn no_data_expected(body: &str) -> std::result::Result<(), Unreadable> {
    let envelope: Envelope = serde_json::from_str(body)
        .map_err(|e| Unreadable::Malformed(format!("response is not JSON ({e})")))?;
    match envelope.success {
        Some(true) => Ok(()),
        _ => Err(Unreadable::Malformed(format!(
            "request failed: {}",
            server_message(body)
        ))),
    }
}

/// The server's `meta.message`, which never carries client data for these endpoints.
fn server_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/meta/message")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "no details".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_paces_under_five_a_second_and_two_hundred_a_minute() {
        let mut l = Limiter::new(5, 200);
        let t0 = 1_000_000;
        // Four a second, evenly spaced: 250 ms apart.
        assert_eq!(l.delay(t0), Duration::ZERO);
        l.record(t0);
        assert_eq!(l.delay(t0 + 100), Duration::from_millis(150));
        for i in 1..4 {
            assert_eq!(l.delay(t0 + i * 250), Duration::ZERO, "send {i}");
            l.record(t0 + i * 250);
        }
        assert_eq!(l.delay(t0 + 900), Duration::from_millis(100));
        // 180 a minute: the 181st waits until the first leaves the window.
        let mut l = Limiter::new(5, 200);
        for i in 0..180 {
            let at = t0 + i * 250;
            assert_eq!(l.delay(at), Duration::ZERO, "request {i}");
            l.record(at);
        }
        assert_eq!(l.delay(t0 + 45_000), Duration::from_secs(15));
        assert_eq!(l.delay(t0 + 60_000), Duration::ZERO);
    }

    #[test]
    fn limiter_adopts_another_process_sends_and_slows_down_after_a_429() {
        let t0 = 1_000_000;
        let mut l = Limiter::new(5, 200);
        // The process before a restart sent four in the last second: no burst now.
        l.adopt(&[t0 - 900, t0 - 650, t0 - 400, t0 - 150]);
        l.adopt(&[t0 - 150]);
        assert_eq!(l.delay(t0), Duration::from_millis(100));
        // A 429 with Retry-After 2 s: nothing for 2 s, then 2 a second (500 ms apart).
        let mut l = Limiter::new(5, 200);
        l.throttle(t0, Duration::from_secs(2));
        assert_eq!(l.delay(t0), Duration::from_secs(2));
        l.record(t0 + 2000);
        assert_eq!(l.delay(t0 + 2250), Duration::from_millis(250));
        assert_eq!(l.delay(t0 + 2500), Duration::ZERO);
        // A minute later the pace is back to four a second.
        l.record(t0 + 70_000);
        assert_eq!(l.delay(t0 + 70_250), Duration::ZERO);
    }

    #[test]
    fn backoff_grows_caps_jitters_and_honours_retry_after() {
        let p = Politeness {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            ..Default::default()
        };
        assert_eq!(backoff(&p, 1, None, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(&p, 3, None, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(&p, 10, None, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(&p, 3, None, 0.5), Duration::from_millis(200));
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_secs(5)), 0.1),
            Duration::from_secs(5)
        );
    }

    fn unreadable(r: std::result::Result<(Value, Value), Unreadable>) -> String {
        match r {
            Ok(_) => panic!("read a bad answer"),
            Err(Unreadable::Malformed(d)) => format!("malformed: {d}"),
            Err(Unreadable::Shape(d)) => format!("shape: {d}"),
        }
    }

    #[test]
    fn envelope_parsing() {
        let (data, meta): (Value, Value) =
            parse_envelope(r#"{"success":true,"data":[{"id":1}],"meta":{"total_count":1}}"#)
                .unwrap();
        assert_eq!(data[0]["id"], 1);
        assert_eq!(meta["total_count"], 1);
        assert!(
            unreadable(parse_envelope("{not json")).starts_with("malformed: response is not JSON")
        );
        assert!(unreadable(parse_envelope(
            r#"{"success":false,"data":null,"meta":{"message":"Access denied."}}"#
        ))
        .contains("Access denied."));
        assert_eq!(
            unreadable(parse_envelope(r#"{"success":true,"data":null,"meta":[]}"#)),
            "malformed: response has no data"
        );
        // Cut off mid-answer, as the test server's malformed fault does.
        let cut = r#"{"success":true,"data":[{"id":1,"na"#;
        assert!(unreadable(parse_envelope(cut)).starts_with("malformed: "));
    }

    #[test]
    fn answers_of_the_wrong_shape_name_the_field() {
        let search = |body: &str| -> String {
            match parse_envelope::<Rows<ClientRow>, SearchMeta>(body) {
                Ok(_) => panic!("read a bad answer"),
                Err(Unreadable::Malformed(d) | Unreadable::Shape(d)) => d,
            }
        };
        assert_eq!(
            search(r#"{"success":true,"data":[{"id":1},{"id":"x7"}],"meta":{"total_count":2}}"#),
            "data: [1] id: expected a numeric string"
        );
        assert_eq!(
            search(r#"{"success":true,"data":[{"name":"no id"}],"meta":{"total_count":1}}"#),
            "data: [0] missing field `id`"
        );
        assert!(search(
            r#"{"success":true,"data":[{"id":1,"phone":[7]}],"meta":{"total_count":1}}"#
        )
        .starts_with("data: [0] phone: expected text or a number"),);
        assert!(search(r#"{"success":true,"data":[],"meta":[]}"#).starts_with("meta: "));
        assert!(
            search(r#"{"success":true,"data":[],"meta":{"total_count":"many"}}"#)
                .starts_with("meta: total_count: invalid type")
        );
        let bulk = match parse_envelope::<BulkData, IgnoredAny>(
            r#"{"success":true,"data":{"created":[{"id":1,"name":5}]},"meta":[]}"#,
        ) {
            Ok(_) => panic!("read a bad answer"),
            Err(Unreadable::Malformed(d) | Unreadable::Shape(d)) => d,
        };
        assert!(
            bulk.starts_with("data: created: [0] name: invalid type"),
            "{bulk}"
        );
    }

    #[test]
    fn credentials_never_print() {
        let c = Credentials::new("partner-secret", "user-secret");
        assert_eq!(format!("{c:?}"), "Credentials(<redacted>)");
        assert_eq!(c.header(), "Bearer partner-secret, User user-secret");
    }

    #[test]
    fn remote_clients_accept_numbers_and_strings() {
        let (Rows(rows), meta): (Rows<ClientRow>, SearchMeta) = parse_envelope(
            r#"{"success":true,"data":[{"id":"5","name":" Anna ","phone":79161234567,"patronymic":"S","email":""}],"meta":{"total_count":1}}"#,
        )
        .unwrap();
        let c = rows.into_iter().next().unwrap().into_client();
        assert_eq!(meta.total_count, 1);
        assert_eq!((c.id, c.name.as_str()), (5, "Anna"));
        assert_eq!(c.phone.as_deref(), Some("79161234567"));
        assert_eq!(c.middle_name.as_deref(), Some("S"));
        assert_eq!(c.email, None);
    }
}
