//! Clientbook core: moving people between a phone's address book and a salon's client
//! database without ever duplicating or losing a client.
//!
//! Pure domain modules (`phone`, `name`, `rights`, `vcard`, `import`, `export`) take and
//! return plain values; only `store` does I/O. The FFI crate and the CLI are thin layers on
//! top. See ARCHITECTURE.md at the repository root.

pub mod altegio;
pub mod cancel;
pub mod contact;
pub mod error;
pub mod export;
pub mod import;
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
