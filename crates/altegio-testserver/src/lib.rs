//! A local Altegio-compatible server for tests: the documented subset of the REST API v1
//! that Clientbook uses, with faults a real network and a real server produce.
//!
//! Implemented: the `Authorization: Bearer <partner>, User <user>` check, `GET
//! /user/permissions/{id}`, `GET /company/{id}`, paged `POST /company/{id}/clients/search`
//! with `meta.total_count` and masked phones without `clients_phones_email_access`, and
//! `POST /clients/{id}/bulk` with the documented per-row errors. Faults: 5xx, slow answers
//! (client timeouts) that still write, writes applied only after the client stopped waiting
//! (even after its process is gone), 429 bursts and a rate limit, responses dropped after the
//! write happened, malformed JSON, a licence error, and a client base that changes between
//! page requests. Refusing a second client with the same phone is a switch: YCLIENTS documents
//! it, Altegio does not, so the sync must not depend on it. HTTP/1.1 over loopback, one thread
//! per connection.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use clientbook_core::altegio::{HttpHeader, HttpRequest, HttpResponse, Transport, TransportError};
use serde_json::{json, Value};

/// Probabilities are per request, drawn from a seeded generator so a failing run repeats.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub seed: u64,
    /// Answer 500/502/503 without doing anything.
    pub server_error: f64,
    /// Do the work, but answer only after `slow_delay` (longer than the client's timeout).
    pub slow: f64,
    pub slow_delay: Duration,
    /// Hold the request for `late_delay` (longer than the client waits) and only then do the
    /// work and answer, whether or not the client (or its process) is still there.
    pub late_write: f64,
    pub late_delay: Duration,
    /// Do the work, then close the connection without an answer.
    pub drop_after_write: f64,
    /// Do the work, answer with a cut-off body.
    pub malformed: f64,
    /// Every this many requests, start a burst of `burst_len` 429s.
    pub burst_every: u32,
    pub burst_len: u32,
    /// Added to every answer, like a real network round trip.
    pub latency: Duration,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub partner_token: String,
    pub user_token: String,
    pub location_id: i64,
    /// The `clients` group of the user's permissions.
    pub rights: Value,
    pub surname_field_enabled: Option<bool>,
    pub licence_expired: bool,
    /// Server-side rate limit (per second, per minute) over sliding windows of arrivals,
    /// refused requests included; `None` for none.
    pub rate_limit: Option<(u32, u32)>,
    /// Refuse a bulk row whose phone a client already has (documented for YCLIENTS only).
    pub refuse_duplicate_phones: bool,
    /// Add a client after each search page, as another device would.
    pub grow_between_pages: bool,
    /// Whether bulk create honours a row's `categories` (documented; a server that ignores
    /// it makes the client fall back to writing the category on each card).
    pub bulk_sets_categories: bool,
    /// The field a client `PUT` reads categories from: the docs disagree ("categories" in
    /// the 2024 Blueprint, "labels" on Altegio's update page). The other one is ignored.
    pub update_categories_field: &'static str,
    /// Ignore a search's category filter and return everyone (whether Altegio applies every
    /// documented filter is not verified; a client must not take the answer on trust).
    pub search_ignores_category_filter: bool,
    /// Leave `visits` out of a client's card (a server that does not say).
    pub card_omits_visits: bool,
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            partner_token: "partner-token".into(),
            user_token: "user-token".into(),
            location_id: 4242,
            rights: json!({
                "clients_access": true,
                "clients_phones_email_access": true,
                "clients_excel_access": true,
                "clients_visit_master_id": 0
            }),
            surname_field_enabled: Some(true),
            licence_expired: false,
            rate_limit: None,
            refuse_duplicate_phones: true,
            grow_between_pages: false,
            bulk_sets_categories: true,
            update_categories_field: "labels",
            search_ignores_category_filter: false,
            card_omits_visits: false,
            faults: Faults::default(),
        }
    }
}

/// A client the server holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClient {
    pub id: i64,
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    /// Digits only.
    pub phone: String,
    pub email: Option<String>,
    pub comment: Option<String>,
    /// Visits the client has had (the test gives them with `add_visit`).
    pub visits: u64,
    /// `YYYY-MM-DD`, as a `PUT` or a create set it.
    pub birth_date: Option<String>,
    pub categories: Vec<i64>,
}

/// A client category the server holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCategory {
    pub id: i64,
    pub title: String,
}

/// What the server saw, for assertions.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub requests: u64,
    /// Every 429: the rate limiter's and the injected bursts'.
    pub rate_limited: u64,
    /// 429s from the rate limiter alone (arrivals over the limit).
    pub limit_refusals: u64,
    pub server_errors: u64,
    pub slow: u64,
    pub late: u64,
    pub dropped: u64,
    pub malformed: u64,
    pub bulk_requests: u64,
    /// Rows rejected because the phone already existed.
    pub duplicate_rejections: u64,
    pub card_reads: u64,
    /// Search pages filtered by a category.
    pub category_searches: u64,
    pub updates: u64,
    pub deletes: u64,
    /// Category creations refused because the title existed.
    pub duplicate_categories: u64,
}

struct State {
    config: Config,
    clients: Vec<StoredClient>,
    categories: Vec<StoredCategory>,
    next_id: i64,
    rng: u64,
    burst_left: u32,
    recent: Vec<Instant>,
    stats: Stats,
}

impl State {
    fn random(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }

    fn add_client(
        &mut self,
        name: String,
        surname: Option<String>,
        middle: Option<String>,
        phone: String,
        email: Option<String>,
        comment: Option<String>,
    ) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.clients.push(StoredClient {
            id,
            name,
            surname,
            middle_name: middle,
            phone,
            email,
            comment,
            visits: 0,
            birth_date: None,
            categories: Vec::new(),
        });
        id
    }

    fn right(&self, key: &str) -> bool {
        self.config
            .rights
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

pub struct TestServer {
    port: u16,
    state: Arc<Mutex<State>>,
    /// Requests read and not yet finished (late writes included).
    active: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl TestServer {
    pub fn start(config: Config) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let seed = config.faults.seed | 1;
        let state = Arc::new(Mutex::new(State {
            config,
            clients: Vec::new(),
            categories: Vec::new(),
            next_id: 1000,
            rng: seed,
            burst_left: 0,
            recent: Vec::new(),
            stats: Stats::default(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let active = Arc::new(AtomicUsize::new(0));
        let thread = {
            let state = state.clone();
            let stop = stop.clone();
            let active = active.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let state = state.clone();
                            active.fetch_add(1, Ordering::SeqCst);
                            let active = active.clone();
                            std::thread::spawn(move || {
                                serve(stream, &state);
                                active.fetch_sub(1, Ordering::SeqCst);
                            });
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(2));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        TestServer {
            port,
            state,
            active,
            stop,
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The API root to give the client.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }

    pub fn clients(&self) -> Vec<StoredClient> {
        lock(&self.state).clients.clone()
    }

    pub fn stats(&self) -> Stats {
        lock(&self.state).stats.clone()
    }

    /// Waits until every request taken so far is finished, late writes included, so the
    /// client base can be checked once nothing can still land.
    pub fn wait_idle(&self) {
        while self.active.load(Ordering::SeqCst) > 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Adds clients (name, phone digits) directly, as existing data.
    pub fn seed(&self, clients: impl IntoIterator<Item = (String, String)>) {
        let mut s = lock(&self.state);
        for (name, phone) in clients {
            s.add_client(name, None, None, phone, None, None);
        }
    }

    /// Removes a client, as if deleted in the web app.
    pub fn delete(&self, id: i64) {
        lock(&self.state).clients.retain(|c| c.id != id);
    }

    /// Books a visit for a client, as the salon would.
    pub fn add_visit(&self, id: i64) {
        if let Some(c) = lock(&self.state).clients.iter_mut().find(|c| c.id == id) {
            c.visits += 1;
        }
    }

    /// Edits a client, as staff would in the web app.
    pub fn edit(&self, id: i64, change: impl FnOnce(&mut StoredClient)) {
        if let Some(c) = lock(&self.state).clients.iter_mut().find(|c| c.id == id) {
            change(c);
        }
    }

    pub fn categories(&self) -> Vec<StoredCategory> {
        lock(&self.state).categories.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        let mut s = lock(&self.state);
        s.rng = faults.seed | 1;
        s.burst_left = 0;
        s.config.faults = faults;
    }

    pub fn update_config(&self, change: impl FnOnce(&mut Config)) {
        change(&mut lock(&self.state).config);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    // The query string (`?my=1`) changes nothing this server answers.
    let path = target
        .split_once('?')
        .map_or(target.clone(), |(p, _)| p.to_string());
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn write_response(mut stream: &TcpStream, status: u16, extra: &[(&str, String)], body: &str) {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Service Unavailable",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

fn error_body(message: &str) -> String {
    json!({"success": false, "data": null, "meta": {"message": message}}).to_string()
}

enum After {
    Answer,
    Slow(Duration),
    Drop,
    Malformed,
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let Some(req) = read_request(&stream) else {
        return;
    };
    let latency = lock(state).config.faults.latency;
    if !latency.is_zero() {
        std::thread::sleep(latency);
    }
    let (status, body, after, extra) = {
        let mut s = lock(state);
        s.stats.requests += 1;
        let faults = s.config.faults.clone();
        // Rate limit and bursts answer before any work, like a gateway would. The limiter
        // counts arrivals, refused ones too: a client that keeps knocking stays refused.
        if let Some((per_second, per_minute)) = s.config.rate_limit {
            let now = Instant::now();
            s.recent
                .retain(|t| now.duration_since(*t) < Duration::from_secs(60));
            let last_second = s
                .recent
                .iter()
                .filter(|t| now.duration_since(**t) < Duration::from_secs(1))
                .count();
            s.recent.push(now);
            if last_second >= per_second as usize || s.recent.len() > per_minute as usize {
                s.stats.rate_limited += 1;
                s.stats.limit_refusals += 1;
                drop(s);
                write_response(
                    &stream,
                    429,
                    &[("Retry-After", "1".into())],
                    &error_body("Too many requests"),
                );
                return;
            }
        }
        if faults.burst_every > 0
            && s.stats
                .requests
                .is_multiple_of(u64::from(faults.burst_every))
        {
            s.burst_left = faults.burst_len;
        }
        if s.burst_left > 0 {
            s.burst_left -= 1;
            s.stats.rate_limited += 1;
            drop(s);
            write_response(&stream, 429, &[], &error_body("Too many requests"));
            return;
        }
        if s.random() < faults.server_error {
            s.stats.server_errors += 1;
            let status = [500, 502, 503][(s.random() * 3.0) as usize % 3];
            drop(s);
            write_response(&stream, status, &[], "<html>upstream error</html>");
            return;
        }
        if faults.late_write > 0.0 && s.random() < faults.late_write {
            s.stats.late += 1;
            drop(s);
            // The connection may be long closed by then: the write happens anyway.
            std::thread::sleep(faults.late_delay);
            let (status, body) = handle(&mut lock(state), &req);
            write_response(&stream, status, &[], &body);
            return;
        }
        let (status, body) = handle(&mut s, &req);
        let after = if s.random() < faults.slow {
            s.stats.slow += 1;
            After::Slow(faults.slow_delay)
        } else if s.random() < faults.drop_after_write {
            s.stats.dropped += 1;
            After::Drop
        } else if s.random() < faults.malformed {
            s.stats.malformed += 1;
            After::Malformed
        } else {
            After::Answer
        };
        (status, body, after, Vec::<(&str, String)>::new())
    };
    match after {
        After::Answer => write_response(&stream, status, &extra, &body),
        After::Slow(delay) => {
            std::thread::sleep(delay);
            write_response(&stream, status, &extra, &body);
        }
        After::Drop => {
            let _ = stream.shutdown(Shutdown::Both);
        }
        After::Malformed => {
            let cut = &body[..body.len() / 2];
            write_response(&stream, status, &extra, cut);
        }
    }
}

fn handle(s: &mut State, req: &Request) -> (u16, String) {
    let expected = format!(
        "Bearer {}, User {}",
        s.config.partner_token, s.config.user_token
    );
    if req.headers.get("authorization") != Some(&expected) {
        return (401, error_body("Authentication needed."));
    }
    let segments: Vec<&str> = req.path.trim_start_matches("/api/v1/").split('/').collect();
    let location = s.config.location_id.to_string();
    let ok = |data: Value, meta: Value| {
        (
            200,
            json!({"success": true, "data": data, "meta": meta}).to_string(),
        )
    };
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["user", "permissions", id]) if *id == location => {
            ok(json!({"clients": s.config.rights}), json!([]))
        }
        ("GET", ["company", id]) if *id == location => {
            let mut data = json!({"id": s.config.location_id, "title": "Test salon"});
            if let Some(flag) = s.config.surname_field_enabled {
                data["is_surname_field_enabled"] = json!(flag);
            }
            ok(data, json!([]))
        }
        ("POST", ["company", id, "clients", "search"]) if *id == location => {
            if s.config.licence_expired {
                return (
                    402,
                    error_body(&format!(
                        "It is necessary to renew the license in the branch with id: {location}"
                    )),
                );
            }
            search(s, &req.body)
        }
        ("POST", ["clients", id, "bulk"]) if *id == location => {
            if s.config.licence_expired {
                return (
                    402,
                    error_body(&format!(
                        "It is necessary to renew the license in the branch with id: {location}"
                    )),
                );
            }
            s.stats.bulk_requests += 1;
            bulk(s, &req.body)
        }
        ("GET", ["client", id, client]) if *id == location => {
            if !s.right("clients_access") {
                return (403, error_body("Недостаточно прав"));
            }
            s.stats.card_reads += 1;
            card(s, client)
        }
        ("PUT", ["client", id, client]) if *id == location => {
            if !s.right("clients_edit_access") {
                return (403, error_body("Недостаточно прав"));
            }
            s.stats.updates += 1;
            update(s, client, &req.body)
        }
        ("DELETE", ["client", id, client]) if *id == location => {
            if !s.right("clients_delete_access") {
                return (403, error_body("Недостаточно прав"));
            }
            let before = s.clients.len();
            s.clients.retain(|c| c.id.to_string() != *client);
            if s.clients.len() == before {
                return (404, error_body("Client not found"));
            }
            s.stats.deletes += 1;
            (204, String::new())
        }
        ("GET", ["labels", id, "1"]) if *id == location => {
            // Ids and flags as strings, as the docs warn they may come; one deleted row.
            let mut rows: Vec<Value> = s
                .categories
                .iter()
                .map(|c| json!({"id": c.id.to_string(), "salon_id": location, "title": c.title, "color": "#000000", "entity": "1", "deleted": "0"}))
                .collect();
            rows.push(
                json!({"id": "1", "title": "Deleted long ago", "entity": "1", "deleted": "1"}),
            );
            ok(Value::Array(rows), json!([]))
        }
        ("POST", ["labels", id, "clients", "create"]) if *id == location => {
            let Ok(q) = serde_json::from_slice::<Value>(&req.body) else {
                return (400, error_body("Invalid request body"));
            };
            let title = q
                .get("title")
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("");
            if title.is_empty() || q.get("color").and_then(Value::as_str).is_none() {
                return (400, error_body("title and color are required"));
            }
            if s.categories
                .iter()
                .any(|c| c.title.to_lowercase() == title.to_lowercase())
            {
                s.stats.duplicate_categories += 1;
                return (
                    400,
                    error_body("Категория с таким названием уже существует."),
                );
            }
            let id = 100 + s.categories.len() as i64;
            s.categories.push(StoredCategory {
                id,
                title: title.to_string(),
            });
            // v1 answers without the id.
            (
                200,
                json!({"success": true, "data": null, "meta": {"message": "Accepted"}}).to_string(),
            )
        }
        (_, [_, id, ..]) if *id != location => (404, error_body("Location not specified.")),
        _ => (404, error_body("Not found")),
    }
}

/// `GET /client/{location}/{id}`: the whole card, phone as a JSON number (as Altegio's docs
/// show it), categories as objects.
fn card(s: &State, id: &str) -> (u16, String) {
    let Some(c) = s.clients.iter().find(|c| c.id.to_string() == id) else {
        return (404, error_body("Client not found"));
    };
    let show = s.right("clients_phones_email_access");
    let phone = if show {
        c.phone
            .parse::<u64>()
            .map_or_else(|_| json!(c.phone), |n| json!(n))
    } else {
        json!(masked(&c.phone))
    };
    let categories: Vec<Value> = c
        .categories
        .iter()
        .filter_map(|id| s.categories.iter().find(|k| k.id == *id))
        .map(|k| json!({"id": k.id, "title": k.title, "color": "#000000"}))
        .collect();
    let data = json!({
        "id": c.id, "name": c.name, "surname": c.surname.clone().unwrap_or_default(),
        "middle_name": c.middle_name.clone().unwrap_or_default(), "phone": phone,
        "email": if show { c.email.clone().unwrap_or_default() } else { "***".into() },
        "categories": categories, "gender": "unknown", "discount": 0, "card": "",
        "birth_date": c.birth_date, "comment": c.comment.clone().unwrap_or_default(), "sms_check": 0,
        "sms_not": 0, "spent": 0, "balance": 0, "visits": c.visits, "custom_fields": []
    });
    let mut data = data;
    if s.config.card_omits_visits {
        if let Some(card) = data.as_object_mut() {
            card.remove("visits");
        }
    }
    (
        200,
        json!({"success": true, "data": data, "meta": []}).to_string(),
    )
}

/// `PUT /client/{location}/{id}`, as strict as the docs allow: `name` and `phone` are
/// required, and every field the body omits is **blanked** (whether the real server does is
/// undocumented; a client that sends the whole card is safe either way). Categories come
/// from `update_categories_field` only.
fn update(s: &mut State, id: &str, body: &[u8]) -> (u16, String) {
    let Ok(Value::Object(q)) = serde_json::from_slice::<Value>(body) else {
        return (400, error_body("Invalid request body"));
    };
    let text = |k: &str| {
        q.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let phone: Option<String> = match q.get("phone") {
        Some(Value::String(p)) => Some(p.chars().filter(char::is_ascii_digit).collect()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (Some(name), Some(phone)) = (text("name"), phone) else {
        return (400, error_body("name and phone are required"));
    };
    if !(9..=15).contains(&phone.len()) {
        return (400, error_body("Телефон должен содержать от 9 до 15 цифр"));
    }
    let field = s.config.update_categories_field;
    let categories: Vec<i64> = q
        .get(field)
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
                .collect()
        })
        .unwrap_or_default();
    let known: Vec<i64> = s.categories.iter().map(|c| c.id).collect();
    let Some(c) = s.clients.iter_mut().find(|c| c.id.to_string() == id) else {
        return (404, error_body("Client not found"));
    };
    c.name = name;
    c.phone = phone;
    c.surname = text("surname");
    c.middle_name = text("middle_name");
    c.email = text("email");
    c.comment = text("comment");
    c.birth_date = text("birth_date");
    c.categories = categories
        .into_iter()
        .filter(|k| known.contains(k))
        .collect();
    let id = c.id;
    (
        200,
        json!({"success": true, "data": {"id": id}, "meta": []}).to_string(),
    )
}

fn masked(phone: &str) -> String {
    let tail: String = phone
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("+{} *** ***-**-{tail}", phone.chars().next().unwrap_or('7'))
}

fn search(s: &mut State, body: &[u8]) -> (u16, String) {
    let Ok(q) = serde_json::from_slice::<Value>(body) else {
        return (400, error_body("Invalid request body"));
    };
    let page = q.get("page").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
    let size = q
        .get("page_size")
        .and_then(Value::as_u64)
        .unwrap_or(25)
        .clamp(1, 200) as usize;
    let newest_first = q.get("order_by_direction").and_then(Value::as_str) == Some("DESC");
    let show_phones = s
        .config
        .rights
        .get("clients_phones_email_access")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let in_categories: Option<Vec<i64>> = q
        .get("filters")
        .filter(|_| !s.config.search_ignores_category_filter)
        .and_then(Value::as_array)
        .and_then(|f| {
            f.iter()
                .find(|f| f.get("type").and_then(Value::as_str) == Some("category"))
        })
        .and_then(|f| f.pointer("/state/value"))
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect());
    if in_categories.is_some() {
        s.stats.category_searches += 1;
    }
    let mut sorted: Vec<&StoredClient> = s
        .clients
        .iter()
        .filter(|c| {
            in_categories
                .as_ref()
                .is_none_or(|ids| c.categories.iter().any(|k| ids.contains(k)))
        })
        .collect();
    sorted.sort_by_key(|c| c.id);
    if newest_first {
        sorted.reverse();
    }
    let total = sorted.len();
    let rows: Vec<Value> = sorted
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "surname": c.surname,
                "middle_name": c.middle_name,
                "phone": if show_phones { c.phone.clone() } else { masked(&c.phone) },
                "email": if show_phones { c.email.clone().unwrap_or_default() } else { "***".into() },
            })
        })
        .collect();
    if s.config.grow_between_pages {
        let n = s.next_id;
        s.add_client(
            format!("Walk-in {n}"),
            None,
            None,
            format!("7999{:07}", n),
            None,
            None,
        );
    }
    (
        200,
        json!({"success": true, "data": rows, "meta": {"total_count": total}}).to_string(),
    )
}

fn bulk(s: &mut State, body: &[u8]) -> (u16, String) {
    let Ok(Value::Array(rows)) = serde_json::from_slice::<Value>(body) else {
        return (400, error_body("A list of clients is expected"));
    };
    let mut created = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        let name = row
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let phone_raw = match row.get("phone") {
            Some(Value::String(p)) => Some(p.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let phone: Option<String> = phone_raw
            .as_ref()
            .map(|p| p.chars().filter(char::is_ascii_digit).collect());
        let err = |e: &str| json!({"phone": phone_raw, "name": name, "error": e});
        let Some(phone) = phone.filter(|p| !p.is_empty()) else {
            errors.push(err("Номер телефона клиента не может быть пустым"));
            continue;
        };
        let Some(name) = name.clone() else {
            errors.push(err("Не указано имя клиента"));
            continue;
        };
        if !(9..=15).contains(&phone.len()) {
            errors.push(err("Телефон должен содержать от 9 до 15 цифр"));
            continue;
        }
        if s.config.refuse_duplicate_phones && s.clients.iter().any(|c| c.phone == phone) {
            s.stats.duplicate_rejections += 1;
            errors.push(err("Клиент с указанным телефоном уже существует в базе"));
            continue;
        }
        let text = |k: &str| {
            row.get(k)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let id = s.add_client(
            name.clone(),
            text("surname"),
            text("middle_name"),
            phone.clone(),
            text("email"),
            text("comment"),
        );
        let birth_date = text("birth_date");
        if let Some(c) = s.clients.iter_mut().find(|c| c.id == id) {
            c.birth_date = birth_date;
        }
        if s.config.bulk_sets_categories {
            let known: Vec<i64> = s.categories.iter().map(|c| c.id).collect();
            let ids: Vec<i64> = row
                .get("categories")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(Value::as_i64)
                        .filter(|k| known.contains(k))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(c) = s.clients.iter_mut().find(|c| c.id == id) {
                c.categories = ids;
            }
        }
        created.push(json!({"id": id, "name": name, "phone": format!("+{phone}")}));
    }
    (
        200,
        json!({"success": true, "data": {"created": created, "errors": errors}, "meta": []})
            .to_string(),
    )
}

/// A plain HTTP/1.1 transport over loopback for tests (no TLS: the test server has none).
/// The CLI and the apps bring their own transports.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoopbackTransport;

impl Transport for LoopbackTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let fail = |e: std::io::Error| TransportError(e.to_string());
        let rest = request
            .url
            .strip_prefix("http://")
            .ok_or_else(|| TransportError("only http:// on loopback".into()))?;
        let (host, path) = rest
            .split_once('/')
            .map(|(h, p)| (h, format!("/{p}")))
            .unwrap_or((rest, "/".into()));
        let mut stream = TcpStream::connect(host).map_err(fail)?;
        let timeout = Duration::from_millis(u64::from(request.timeout_ms.max(1)));
        stream.set_read_timeout(Some(timeout)).map_err(fail)?;
        stream.set_write_timeout(Some(timeout)).map_err(fail)?;
        let body = request.body.unwrap_or_default();
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n",
            request.method.as_str(),
            path,
            body.len()
        );
        for h in &request.headers {
            head.push_str(&format!("{}: {}\r\n", h.name, h.value));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).map_err(fail)?;
        stream.write_all(body.as_bytes()).map_err(fail)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).map_err(fail)?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .ok_or_else(|| TransportError("connection closed without a response".into()))?;
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| TransportError("bad status line".into()))?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| HttpHeader {
                name: k.trim().to_string(),
                value: v.trim().to_string(),
            })
            .collect();
        Ok(HttpResponse {
            status,
            headers,
            body: body.to_string(),
        })
    }
}
