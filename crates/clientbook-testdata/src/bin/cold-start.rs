//! Cold start: from `main` of a fresh process to the first import preview row, the way a
//! screen opens. rlibphonenumber builds its metadata and compiles its regexes lazily on first
//! use, so only a new process sees this cost; criterion, which warms up, never does.
//!
//! ```text
//! cold-start [--runs 20]     re-executes itself N times and prints the distribution
//! ```
//!
//! Each child times, from its first instruction in `main`: opening the client database (an
//! empty in-memory one) and reading its phone index, building the preview of one contact
//! (the first phone parse happens here) and copying out row 0. It also times a second,
//! warm preview so the one-off cost stands out. The parent also reports spawn-to-exit time,
//! which adds `fork`/`exec`, dynamic linking and process teardown.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::import::{ImportPlan, PreviewOptions};
use clientbook_core::phone::PhoneLabel;
use clientbook_core::store::Store;

const CHILD: &str = "CLIENTBOOK_COLD_START_CHILD";

fn contact(number: &str) -> PhonebookContact {
    PhonebookContact {
        platform_id: "1".into(),
        given_name: Some("Анна".into()),
        family_name: Some("Иванова".into()),
        display_name: Some("Анна Иванова".into()),
        phones: vec![RawPhone {
            number: number.into(),
            label: PhoneLabel::Mobile,
        }],
        ..Default::default()
    }
}

/// One measurement in this (fresh) process. Prints `first_row_us=… warm_row_us=…`.
fn child() -> ExitCode {
    let t0 = Instant::now();
    let store = Store::open_in_memory().expect("in-memory database");
    let index = store.client_index().expect("client index");
    let t_db = t0.elapsed();
    let plan = ImportPlan::build(
        &[contact("8 (916) 123-45-67")],
        &index,
        PreviewOptions::default(),
        &mut |_, _| {},
    );
    let row = plan.page(0, 1)[0].clone();
    let first = t0.elapsed();
    assert!(row.phones[0].valid);

    let t1 = Instant::now();
    let plan = ImportPlan::build(
        &[contact("+7 495 765-43-21")],
        &index,
        PreviewOptions::default(),
        &mut |_, _| {},
    );
    let row = plan.page(0, 1)[0].clone();
    let warm = t1.elapsed();
    assert!(row.phones[0].valid);
    println!(
        "first_row_us={} db_us={} warm_row_us={}",
        first.as_micros(),
        t_db.as_micros(),
        warm.as_micros()
    );
    ExitCode::SUCCESS
}

fn field(line: &str, name: &str) -> Option<f64> {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let median = if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    };
    (median, v[0], v[v.len() - 1])
}

fn main() -> ExitCode {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let mut runs = 20usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {}
        [flag, n] if flag == "--runs" => match n.parse() {
            Ok(n) if n > 0 => runs = n,
            _ => {
                eprintln!("usage: cold-start [--runs N]");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: cold-start [--runs N]");
            return ExitCode::from(2);
        }
    }
    let exe = std::env::current_exe().expect("own path");
    let (mut first, mut db, mut warm, mut wall) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new(&exe)
            .env(CHILD, "1")
            .output()
            .expect("run child");
        let elapsed: Duration = started.elapsed();
        let line = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            eprintln!(
                "cold-start: child failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return ExitCode::FAILURE;
        }
        first.push(field(&line, "first_row_us").expect("first_row_us") / 1000.0);
        db.push(field(&line, "db_us").expect("db_us") / 1000.0);
        warm.push(field(&line, "warm_row_us").expect("warm_row_us") / 1000.0);
        wall.push(elapsed.as_secs_f64() * 1000.0);
    }
    let show = |name: &str, v: Vec<f64>| {
        let (median, min, max) = stats(v);
        println!("{name}: median_ms={median:.3} min_ms={min:.3} max_ms={max:.3}");
    };
    println!("cold-start runs={runs}");
    show("first_row", first);
    show("db_open_and_index", db);
    show("warm_row", warm);
    show("process_spawn_to_exit", wall);
    ExitCode::SUCCESS
}
