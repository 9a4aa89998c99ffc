//! The salon's Altegio database, reached through the shell's own HTTP stack.

use std::sync::{Arc, Mutex};

use clientbook_core::altegio::{
    AltegioClient, Call, Credentials, HttpRequest, HttpResponse, Politeness, Transport,
    TransportError,
};
use clientbook_core::cancel::CancelToken;
use clientbook_core::phone::Region;
use clientbook_core::rights::Rights;
use clientbook_core::sync::{self, RefreshMode};

use crate::error::Result;
use crate::session::{ClientDatabase, ImportProgress, ProgressStage};

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
    pub(crate) db: Arc<ClientDatabase>,
    pub(crate) api: AltegioClient,
    pub(crate) region: Region,
    /// The token of the operation started last, which `cancel` stops.
    pub(crate) operation: Mutex<CancelToken>,
}

impl AltegioConnection {
    /// A fresh token for an operation starting now; `cancel` reaches it.
    pub(crate) fn begin(&self) -> CancelToken {
        let token = CancelToken::new();
        *self.operation.lock().unwrap_or_else(|p| p.into_inner()) = token.clone();
        token
    }
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
            db,
            api,
            region,
            operation: Mutex::new(CancelToken::new()),
        }))
    }

    /// The user's rights and the location's surname setting, from the server.
    pub fn info(&self) -> Result<RemoteInfo> {
        let cancel = self.begin();
        let ctx = sync::connect(&self.api, &Call::new(&cancel).logged_in(self.db.store()))?;
        Ok(RemoteInfo {
            rights: ctx.rights,
            last_name_hidden: ctx.last_name_hidden,
        })
    }

    /// Brings the local mirror up to date: everything (`full`) or the clients added since.
    pub fn refresh(
        &self,
        full: bool,
        progress: Option<Arc<dyn ImportProgress>>,
    ) -> Result<RefreshSummary> {
        let cancel = self.begin();
        let mode = if full {
            RefreshMode::Full
        } else {
            RefreshMode::NewOnly
        };
        let r = sync::refresh_mirror(
            self.db.store(),
            &self.api,
            self.region,
            mode,
            &mut |done, total| {
                if let Some(p) = &progress {
                    // Progress is advisory here; a failing listener must not stop the refresh.
                    let _ = p.on_progress(ProgressStage::Matching, done, total);
                }
            },
            &cancel,
        )?;
        Ok(RefreshSummary {
            fetched: r.fetched,
            removed: r.removed,
            total: r.total,
            complete: r.complete,
        })
    }

    /// Stops waiting on the network (backoff, rate limit) as soon as possible.
    pub fn cancel(&self) {
        self.operation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .cancel();
    }
}
