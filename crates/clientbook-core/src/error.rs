//! The core's internal error. Rich on purpose: the CLI prints it, the FFI crate folds it into
//! the handful of cases a screen reacts to. Messages never carry phone numbers, names or
//! emails, so an error can be logged or shown in a crash report.

use std::path::PathBuf;

use crate::messages::Message;
use crate::rights::MissingRights;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadInput(String),

    #[error("{0}")]
    MissingRights(#[from] MissingRights),

    #[error("the client database {path} was written by a newer Clientbook (schema {found}, this version knows up to {supported}); update the app. The file was not changed")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "{path} is not a Clientbook database or is damaged ({detail}); the file was not changed"
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error(
        "the client database {path} is busy in another process; try again when it has finished"
    )]
    Locked { path: PathBuf },

    #[error("the client database {path} cannot be written ({detail})")]
    ReadOnly { path: PathBuf, detail: String },

    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    #[error("{0}")]
    Remote(#[from] RemoteError),

    #[error("cancelled")]
    Cancelled,
}

/// What went wrong talking to the salon's client database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    #[error("the sign-in has expired or the token is wrong; sign in again")]
    Unauthorized,
    #[error("access denied: the user's rights changed; sign in again or ask an administrator")]
    Forbidden,
    #[error("the location's licence has expired: {detail}")]
    Licence { detail: String },
    #[error("not found: {detail}")]
    NotFound { detail: String },
    #[error("the server refused the request ({status}): {detail}")]
    Rejected { status: u16, detail: String },
    #[error("the client database did not answer correctly: {detail}")]
    Protocol { detail: String },
    #[error("the client database cannot be reached: {detail}")]
    Unavailable { detail: String },
    /// A write whose result never arrived: it may or may not have happened.
    #[error("no answer to a write ({detail}); it will be checked before anything is sent again")]
    OutcomeUnknown { detail: String },
}

impl RemoteError {
    /// What a screen tells staff about this failure (see [`Error::message`]).
    pub fn message(&self) -> Message {
        match self {
            RemoteError::Unauthorized => Message::SignInRequired,
            RemoteError::Forbidden => Message::RightsChanged,
            RemoteError::Licence { .. } => Message::LicenceExpired,
            RemoteError::NotFound { .. } => Message::NotFound,
            RemoteError::Rejected { status, .. } => Message::ServerRefused { status: *status },
            RemoteError::Protocol { .. } => Message::ServerProtocol,
            RemoteError::Unavailable { .. } => Message::NetworkUnavailable,
            RemoteError::OutcomeUnknown { .. } => Message::OutcomeUnknown,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What a screen tells staff about this error, as a code it can branch on and render in
    /// their language. The `Display` text stays the detailed English one for the command
    /// line and support.
    pub fn message(&self) -> Message {
        match self {
            Error::MissingRights(m) => m.message(),
            Error::Remote(r) => r.message(),
            Error::Cancelled => Message::Cancelled,
            Error::NewerSchema { .. } => Message::StorageNewerVersion,
            Error::Corrupt { .. } => Message::StorageDamaged,
            Error::Locked { .. } => Message::StorageBusy,
            Error::ReadOnly { .. } => Message::StorageReadOnly,
            Error::Sqlite(_) | Error::Io { .. } => Message::StorageFailed,
            // A caller's mistake (an index out of range, a bad region): nothing staff can fix.
            Error::BadInput(_) => Message::Internal,
        }
    }

    /// Classifies an SQLite failure on a given file into the cases a user can act on.
    pub(crate) fn from_sqlite(path: &std::path::Path, err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match err.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt {
                path,
                detail: err.to_string(),
            },
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                Error::Locked { path }
            }
            Some(ErrorCode::ReadOnly)
            | Some(ErrorCode::CannotOpen)
            | Some(ErrorCode::PermissionDenied) => Error::ReadOnly {
                path,
                detail: err.to_string(),
            },
            Some(ErrorCode::DiskFull) => Error::ReadOnly {
                path,
                detail: "the disk is full".into(),
            },
            _ => Error::Sqlite(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Locale;
    use crate::rights::{Action, Right};

    #[test]
    fn each_error_becomes_a_message_a_screen_acts_on() {
        let cases = [
            (
                Error::Remote(RemoteError::Unauthorized),
                Message::SignInRequired,
            ),
            (
                Error::Remote(RemoteError::Forbidden),
                Message::RightsChanged,
            ),
            (
                Error::Remote(RemoteError::Licence {
                    detail: "402".into(),
                }),
                Message::LicenceExpired,
            ),
            (
                Error::Remote(RemoteError::Unavailable {
                    detail: "timeout".into(),
                }),
                Message::NetworkUnavailable,
            ),
            (
                Error::Remote(RemoteError::Rejected {
                    status: 422,
                    detail: "x".into(),
                }),
                Message::ServerRefused { status: 422 },
            ),
            (
                Error::Locked {
                    path: "c.db".into(),
                },
                Message::StorageBusy,
            ),
            (Error::Cancelled, Message::Cancelled),
            (Error::BadInput("index 9".into()), Message::Internal),
            (
                Error::MissingRights(MissingRights {
                    action: Action::Import,
                    missing: vec![Right::ClientDatabaseAccess],
                }),
                Message::MissingRights {
                    action: Action::Import,
                    rights: vec![Right::ClientDatabaseAccess],
                },
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.message(), message, "{error}");
        }
        assert_eq!(
            Error::Remote(RemoteError::Unauthorized)
                .message()
                .render(Locale::Ru),
            "Срок входа истёк или токен неверный; войдите снова."
        );
    }
}
