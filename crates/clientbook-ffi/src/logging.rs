//! Core logs reach the app: a [`LogSink`] the shell implements (forwarding to Logcat or
//! `os_log`), installed with a level filter by [`install_log_sink`].
//!
//! The core logs through `tracing`, and on a phone nothing listens unless the shell installs
//! a sink. The first install sets a process-wide `tracing` subscriber whose one layer hands
//! each event to the current sink; later installs **replace** the sink and its level (an app
//! re-created by the system installs again, and should not get an error for it), and
//! [`remove_log_sink`] stops forwarding. The only error is a process where something else
//! already set the global subscriber (a host Rust program, never an app), which is reported
//! instead of silently logging nowhere.
//!
//! What reaches the sink is what the core logs: counts, states, error kinds and timings,
//! never a phone number, name, email or token (`tests/log_sink.rs` captures a whole import,
//! export and Altegio round trip and searches it for every personal value).
//!
//! Threads: `log` is called on whichever thread logged (a worker of the preview, a session's
//! caller), possibly several at once, so the implementation must be thread-safe and quick.
//! It must not throw: a failing call drops that record and nothing else.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::error::ClientbookError;

/// How severe a log record is; a sink installed at a level gets that level and every more
/// severe one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    /// 1 (error) to 5 (trace); 0 means nothing is forwarded.
    fn rank(self) -> u8 {
        match self {
            LogLevel::Error => 1,
            LogLevel::Warn => 2,
            LogLevel::Info => 3,
            LogLevel::Debug => 4,
            LogLevel::Trace => 5,
        }
    }

    fn of(level: &tracing::Level) -> LogLevel {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

/// Implemented by the shell: receives the core's log records. `target` is the Rust module
/// that logged (`clientbook_core::import`); `message` is the text followed by the record's
/// fields as `key=value`.
#[uniffi::export(foreign)]
pub trait LogSink: Send + Sync {
    fn log(&self, level: LogLevel, target: String, message: String);
}

/// The sink events go to, if any.
static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
/// The most verbose level forwarded ([`LogLevel::rank`]), 0 when no sink is installed.
static MAX_RANK: AtomicU8 = AtomicU8::new(0);
/// Whether the process-wide subscriber is ours: set once, by the first install.
static SUBSCRIBER: OnceLock<Result<(), String>> = OnceLock::new();

/// Forwards the core's logs at `level` and above to `sink`. Call it once at app start; a
/// second call replaces the sink and the level. Fails only when another `tracing`
/// subscriber already owns the process (see the module header).
#[uniffi::export]
pub fn install_log_sink(sink: Arc<dyn LogSink>, level: LogLevel) -> Result<(), ClientbookError> {
    SUBSCRIBER
        .get_or_init(|| {
            let subscriber = tracing_subscriber::registry().with(SinkLayer);
            tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|reason| ClientbookError::Platform {
            reason: format!(
                "another log subscriber already owns this process, so the log sink cannot be installed: {reason}"
            ),
        })?;
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    set_max_rank(level.rank());
    Ok(())
}

/// Stops forwarding logs; the sink is released. Installing again resumes.
#[uniffi::export]
pub fn remove_log_sink() {
    set_max_rank(0);
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = None;
}

fn set_max_rank(rank: u8) {
    MAX_RANK.store(rank, Ordering::SeqCst);
    // `tracing` caches, per call site, whether anyone listens and the most verbose level
    // anyone wants; recompute both so a changed level applies at once and a disabled level
    // costs a call site nothing.
    tracing::callsite::rebuild_interest_cache();
}

fn allowed(level: &tracing::Level) -> bool {
    LogLevel::of(level).rank() <= MAX_RANK.load(Ordering::Relaxed)
}

/// The one layer of the subscriber: every enabled event, formatted, to the current sink.
struct SinkLayer;

impl<S: tracing::Subscriber> Layer<S> for SinkLayer {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // The level can change at run time: ask `enabled` each time.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        allowed(metadata.level())
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(match MAX_RANK.load(Ordering::Relaxed) {
            0 => LevelFilter::OFF,
            1 => LevelFilter::ERROR,
            2 => LevelFilter::WARN,
            3 => LevelFilter::INFO,
            4 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        if !allowed(metadata.level()) {
            return;
        }
        // Clone the sink out of the lock: a sink that logs (or installs) cannot deadlock.
        let Some(sink) = SINK.read().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let mut text = Text::default();
        event.record(&mut text);
        let level = LogLevel::of(metadata.level());
        let target = metadata.target().to_string();
        // A sink that throws must not take the logging thread down with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sink.log(level, target, text.finish())
        }));
    }
}

/// An event's message and fields, as `message key=value key=value`.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Text {
    fn finish(self) -> String {
        match (self.message.is_empty(), self.fields.is_empty()) {
            (_, true) => self.message,
            (true, false) => self.fields,
            (false, false) => format!("{} {}", self.message, self.fields),
        }
    }

    fn field(&mut self, field: &Field, value: std::fmt::Arguments<'_>) {
        if field.name() == "message" {
            let _ = self.message.write_fmt(value);
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={}", field.name(), value);
        }
    }
}

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.field(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.field(field, format_args!("{value:?}"));
    }
}
