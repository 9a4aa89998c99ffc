//! Starts the test server on a loopback port and prints `PORT <n>`; runs until stdin closes.
//! The Kotlin tests start it to exercise their `java.net.http` transport.
//!
//! Options: `--partner TOKEN --user TOKEN --location ID [--seed-clients N]
//! [--grant KEY,KEY]` (extra client rights, such as `clients_delete_access`).

use std::io::Read;

use altegio_testserver::{Config, TestServer};

fn main() {
    let mut config = Config::default();
    let mut seed_clients = 0usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().cloned().unwrap_or_default();
        match flag.as_str() {
            "--partner" => config.partner_token = value,
            "--user" => config.user_token = value,
            "--location" => config.location_id = value.parse().unwrap_or(config.location_id),
            "--seed-clients" => seed_clients = value.parse().unwrap_or(0),
            "--grant" => {
                for key in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    config.rights[key] = serde_json::Value::Bool(true);
                }
            }
            other => {
                eprintln!("altegio-testserver: unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let server = TestServer::start(config);
    server.seed((0..seed_clients).map(|i| (format!("Seeded {i}"), format!("7903{:07}", i))));
    println!("PORT {}", server.port());
    // Serve until the parent closes our stdin (or dies).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
