//! The salon's Altegio database, reached through the shell's own HTTP stack.

use std::sync::Arc;

use clientbook_core::altegio::{
    AltegioClient, Credentials, HttpRequest, HttpResponse, Politeness, Transport, TransportError,
};
use clientbook_core::phone::Region;
use clientbook_core::rights::Rights;
use clientbook_core::session;
use clientbook_core::sync::{self, RefreshMode};

use crate::error::Result;
use crate::session::{CancelHandle, ClientDatabase, ImportProgress};

/// Implemented by the shell with the platform's HTTP client (OkHttp/HttpURLConnection,
/// URLSession), so TLS, proxies and pinning stay the platform's. Throw (or return an error)
/// when no response arrived; any HTTP status is a response.
#[uniffi::export(foreign)]
pub trait HttpTransport: Send + Sync {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse>;
}

struct ForeignTransport(Arc<dyn HttpTransport>);

impl Transport for ForeignTransport {
    fn send(&self, request: HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
        self.0
            .send(request)
            .map_err(|e| TransportError(e.to_string()))
    }
}

/// What the server says about the user and the location.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RemoteInfo {
    pub rights: Rights,
    /// The location hides the surname field.
    pub last_name_hidden: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RefreshSummary {
    pub fetched: u64,
    pub removed: u64,
    pub total: u64,
    pub complete: bool,
}

/// A signed-in user's connection to one Altegio location. The tokens stay in memory.
#[derive(uniffi::Object)]
pub struct AltegioConnection {
    pub(crate) inner: Arc<session::Altegio>,
}

#[uniffi::export]
impl AltegioConnection {
    /// `base_url` such as `https://api.alteg.io`; `db` holds the mirror and the journal.
    #[uniffi::constructor]
    pub fn new(
        base_url: String,
        location_id: i64,
        partner_token: String,
        user_token: String,
        region: String,
        db: Arc<ClientDatabase>,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<Arc<Self>> {
        let region = Region::parse(&region)?;
        let api = AltegioClient::new(
            &base_url,
            location_id,
            Credentials::new(partner_token, user_token),
            Box::new(ForeignTransport(transport)),
            Politeness::default(),
        );
        Ok(Arc::new(AltegioConnection {
            inner: Arc::new(session::Altegio {
                store: db.store.clone(),
                api,
                region,
            }),
        }))
    }

    /// The user's rights and the location's surname setting, from the server.
    pub fn info(&self) -> Result<RemoteInfo> {
        let ctx = sync::connect(&self.inner.api)?;
        Ok(RemoteInfo {
            rights: ctx.rights,
            last_name_hidden: ctx.last_name_hidden,
        })
    }

    /// Brings the local mirror up to date: everything (`full`) or the clients added since.
    /// `cancel` stops it between pages.
    #[uniffi::method(default(cancel = None))]
    pub fn refresh(
        &self,
        full: bool,
        progress: Option<Arc<dyn ImportProgress>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<RefreshSummary> {
        let mode = if full {
            RefreshMode::Full
        } else {
            RefreshMode::NewOnly
        };
        let token = cancel.map(|c| c.token.clone()).unwrap_or_default();
        let r = session::refresh(
            &self.inner,
            mode,
            &mut |stage, done, total| {
                if let Some(p) = &progress {
                    // Progress is advisory here; a failing listener must not stop the refresh.
                    let _ = p.on_progress(stage, done, total);
                }
            },
            &token,
        )?;
        Ok(RefreshSummary {
            fetched: r.fetched,
            removed: r.removed,
            total: r.total,
            complete: r.complete,
        })
    }
}
