//! The one error the shells see. Each variant is something a screen reacts to differently;
//! everything else about the core's internal error stays behind this line.

use clientbook_core::rights::{Action, Right};
use clientbook_core::{Error, RemoteError};

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ClientbookError {
    /// Show the explanation; an administrator must grant `rights`.
    #[error("{explanation}")]
    MissingRights {
        action: Action,
        rights: Vec<Right>,
        explanation: String,
    },

    /// The device's contacts permission does not allow reading; `explanation` says what to do.
    #[error("{explanation}")]
    ContactsPermissionNotGranted { explanation: String },

    /// Something the caller passed is wrong (a contact index, a region, a number choice).
    #[error("{reason}")]
    BadInput { reason: String },

    /// The client database file cannot be used; nothing was lost.
    #[error("{reason}")]
    Storage { reason: String },

    /// The client database server could not be reached or refused the request.
    #[error("{reason}")]
    Network { reason: String },

    /// The user token is wrong or expired: show the sign-in screen.
    #[error("{explanation}")]
    SignInRequired { explanation: String },

    /// The server now denies access: the user's rights changed. Sign in again or ask an
    /// administrator.
    #[error("{explanation}")]
    RightsChanged { explanation: String },

    /// The location's licence has expired: only the salon owner can renew it.
    #[error("{explanation}")]
    LicenceExpired { explanation: String },

    /// The operation was cancelled; whole batches only were written.
    #[error("cancelled")]
    Cancelled,

    /// A shell callback (progress listener, transport) failed.
    #[error("{reason}")]
    Platform { reason: String },
}

impl From<Error> for ClientbookError {
    fn from(e: Error) -> Self {
        match e {
            Error::MissingRights(m) => ClientbookError::MissingRights {
                action: m.action,
                explanation: m.to_string(),
                rights: m.missing,
            },
            Error::BadInput(reason) => ClientbookError::BadInput { reason },
            Error::Cancelled => ClientbookError::Cancelled,
            Error::Remote(r) => {
                let explanation = r.to_string();
                match r {
                    RemoteError::Unauthorized => ClientbookError::SignInRequired { explanation },
                    RemoteError::Forbidden => ClientbookError::RightsChanged { explanation },
                    RemoteError::Licence { .. } => ClientbookError::LicenceExpired { explanation },
                    _ => ClientbookError::Network {
                        reason: explanation,
                    },
                }
            }
            other @ (Error::NewerSchema { .. }
            | Error::Corrupt { .. }
            | Error::Locked { .. }
            | Error::ReadOnly { .. }
            | Error::Sqlite(_)
            | Error::Io { .. }) => ClientbookError::Storage {
                reason: other.to_string(),
            },
        }
    }
}

/// A Kotlin or Swift exception thrown by a callback becomes an error, never a Rust panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for ClientbookError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ClientbookError::Platform {
            reason: format!("a callback in the app failed: {}", e.reason),
        }
    }
}

pub type Result<T, E = ClientbookError> = std::result::Result<T, E>;
