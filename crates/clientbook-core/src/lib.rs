//! Clientbook core: moving people between a phone's address book and a salon's client
//! database without ever duplicating or losing a client.
//!
//! Three kinds of module:
//! - pure domain, plain values in and out, tested without mocks: `phone`, `name`, `rights`,
//!   `permission`, `contact`, `vcard`, `list`, `cancel`, `messages` (every text a user reads,
//!   in Russian and English), and the preview and selection of
//!   `import` and `export`;
//! - I/O: `store` (the SQLite file), `altegio` (requests through a caller's `Transport`),
//!   `sync` (mirror and journal), and the commits of `import` (batches into the store);
//! - what a screen or a command does: `session` (an import or export against the local
//!   database or an Altegio location) and `screen` (each screen's state and transitions,
//!   driven by the shells' events).
//!
//! The FFI crate and the CLI are thin layers over `session` and `screen`. See ARCHITECTURE.md
//! at the repository root.

pub mod altegio;
pub mod cancel;
pub mod contact;
pub mod error;
pub mod export;
pub mod history;
pub mod import;
pub mod journal;
pub mod list;
pub mod messages;
pub mod mirror;
pub mod name;
pub mod permission;
pub mod phone;
pub mod rights;
pub mod screen;
pub mod session;
pub mod store;
pub mod sync;
pub mod vcard;

pub use error::{Error, RemoteError, Result};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
