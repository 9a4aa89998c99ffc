//! The objects behind the screens: the client database, import and export sessions, and a
//! cancel handle. Thin wrappers over `clientbook_core::session`: each method converts
//! arguments, calls the core and maps its error; no rule lives here.

use std::sync::Arc;

use clientbook_core::cancel::CancelToken;
use clientbook_core::contact::PhonebookContact;
use clientbook_core::export::{ContactToWrite, ExportRow, ExportSummary};
use clientbook_core::import::{ImportReport, PreviewRow, Summary};
use clientbook_core::messages::Locale;
use clientbook_core::permission::ContactsPermission;
use clientbook_core::phone::Region;
use clientbook_core::rights::Rights;
use clientbook_core::session::{self, ProgressStage, Settings, Target};
use clientbook_core::store::{Client, Store};

use crate::error::{ClientbookError, Result};
use crate::remote::AltegioConnection;
use crate::LocationSettings;

/// Implemented by the shell to show progress. Called on the thread that runs the job, at
/// most once per thousand contacts or once per batch. An exception thrown here stops the job
/// at its next check, like a cancel.
#[uniffi::export(foreign)]
pub trait ImportProgress: Send + Sync {
    fn on_progress(&self, stage: ProgressStage, done: u64, total: u64) -> Result<()>;
}

/// A phonebook contact the shell has just written, with the id the platform gave it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WrittenContact {
    pub client_id: i64,
    pub platform_id: String,
}

/// Stops one operation (a session's preview or commit) from any thread. Make a new one per
/// operation: once cancelled it stays cancelled.
#[derive(uniffi::Object, Default)]
pub struct CancelHandle {
    pub(crate) token: CancelToken,
}

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn cancel(&self) {
        self.token.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

fn token(cancel: Option<Arc<CancelHandle>>) -> CancelToken {
    cancel.map(|c| c.token.clone()).unwrap_or_default()
}

/// Calls the shell's listener; its first exception cancels `cancel` and is kept to be
/// returned instead of `Cancelled`.
struct Listener<'a> {
    progress: Option<Arc<dyn ImportProgress>>,
    failed: Option<ClientbookError>,
    cancel: &'a CancelToken,
}

impl<'a> Listener<'a> {
    fn new(progress: Option<Arc<dyn ImportProgress>>, cancel: &'a CancelToken) -> Self {
        Listener {
            progress,
            failed: None,
            cancel,
        }
    }

    fn report(&mut self, stage: ProgressStage, done: u64, total: u64) {
        if let (Some(p), None) = (&self.progress, &self.failed) {
            if let Err(e) = p.on_progress(stage, done, total) {
                self.failed = Some(e);
                self.cancel.cancel();
            }
        }
    }

    /// The listener's exception wins over the `Cancelled` it caused.
    fn outcome<T>(self, result: clientbook_core::Result<T>) -> Result<T> {
        match (self.failed, result) {
            (Some(e), _) => Err(e),
            (None, r) => Ok(r?),
        }
    }
}

pub(crate) fn require_contacts(permission: ContactsPermission, locale: &str) -> Result<()> {
    if permission.can_read() {
        Ok(())
    } else {
        Err(ClientbookError::ContactsPermissionNotGranted {
            explanation: permission.advice_in(Locale::parse(locale)).explanation,
        })
    }
}

/// The local client database file (the embedded default, and the mirror of the salon's
/// remote database).
#[derive(uniffi::Object)]
pub struct ClientDatabase {
    pub(crate) store: Arc<Store>,
}

#[uniffi::export]
impl ClientDatabase {
    /// Opens or creates the database at `path`. A file from a newer app version or a damaged
    /// file is refused untouched.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>> {
        Ok(Arc::new(ClientDatabase {
            store: Arc::new(Store::open(path)?),
        }))
    }

    /// A database that lives only as long as this object.
    #[uniffi::constructor]
    pub fn in_memory() -> Result<Arc<Self>> {
        Ok(Arc::new(ClientDatabase {
            store: Arc::new(Store::open_in_memory()?),
        }))
    }

    pub fn client_count(&self) -> Result<u64> {
        Ok(self.store.client_count()?)
    }

    /// The clients the user may see, numbers masked without the phones-and-emails right.
    pub fn clients(&self, rights: Rights) -> Result<Vec<Client>> {
        Ok(clientbook_core::rights::visible_clients(
            &rights,
            self.store.clients()?,
        )?)
    }
}

pub(crate) fn local_target(db: &ClientDatabase, rights: Rights, region: &str) -> Result<Target> {
    Ok(Target::Local {
        store: db.store.clone(),
        rights,
        region: Region::parse(region)?,
    })
}

pub(crate) fn settings(s: &LocationSettings) -> Settings {
    Settings {
        last_name_hidden: s.last_name_hidden,
        batch_size: s.batch_size as usize,
        locale: Locale::parse(&s.locale),
        known_numbers: clientbook_core::import::KnownNumbers {
            location: s.location_numbers.clone(),
            staff: s.staff_numbers.clone(),
        },
        category: s.import_category,
        category_title: s.category_title.clone(),
    }
}

/// The import screen's data: preview rows, selection, and the commit.
#[derive(uniffi::Object)]
pub struct ImportSession {
    inner: session::ImportSession,
}

impl ImportSession {
    fn open(
        target: Target,
        contacts: Vec<PhonebookContact>,
        permission: ContactsPermission,
        settings: &LocationSettings,
        progress: Option<Arc<dyn ImportProgress>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Arc<Self>> {
        require_contacts(permission, &settings.locale)?;
        let cancel = token(cancel);
        let mut listener = Listener::new(progress, &cancel);
        let result = session::ImportSession::open(
            target,
            session::numbered(contacts),
            self::settings(settings),
            None,
            &mut |stage, done, total| listener.report(stage, done, total),
            &cancel,
        );
        let inner = listener.outcome(result)?;
        Ok(Arc::new(ImportSession { inner }))
    }
}

#[uniffi::export]
impl ImportSession {
    /// Builds the preview of `contacts` against the client database. Refuses without the
    /// import right or without contacts permission, before looking at any contact. `cancel`
    /// stops the matching promptly (the constructor then throws `Cancelled`).
    #[uniffi::constructor(default(cancel = None))]
    pub fn new(
        db: Arc<ClientDatabase>,
        contacts: Vec<PhonebookContact>,
        rights: Rights,
        permission: ContactsPermission,
        settings: LocationSettings,
        progress: Option<Arc<dyn ImportProgress>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Arc<Self>> {
        let target = local_target(&db, rights, &settings.region)?;
        Self::open(target, contacts, permission, &settings, progress, cancel)
    }

    /// The same against the salon's Altegio database: rights and the surname setting come
    /// from the server, matching reads the refreshed mirror, and the commit goes through the
    /// journal, so it survives lost answers and restarts without duplicates.
    #[uniffi::constructor(default(cancel = None))]
    pub fn for_altegio(
        connection: Arc<AltegioConnection>,
        contacts: Vec<PhonebookContact>,
        permission: ContactsPermission,
        settings: LocationSettings,
        progress: Option<Arc<dyn ImportProgress>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Arc<Self>> {
        let target = Target::Altegio(connection.inner.clone());
        Self::open(target, contacts, permission, &settings, progress, cancel)
    }

    pub fn row_count(&self) -> u64 {
        self.inner.row_count()
    }

    /// Rows `offset..offset+limit`; fewer at the end.
    pub fn rows(&self, offset: u64, limit: u64) -> Vec<PreviewRow> {
        self.inner.rows(offset, limit)
    }

    /// The rows with these indexes, in the given order (for a filtered list).
    pub fn rows_at(&self, indexes: Vec<u64>) -> Result<Vec<PreviewRow>> {
        Ok(self.inner.rows_at(&indexes)?)
    }

    /// Indexes of the contacts matching `query` by name or number.
    pub fn filter(&self, query: String) -> Vec<u64> {
        self.inner.filter(&query)
    }

    pub fn summary(&self) -> Summary {
        self.inner.summary()
    }

    /// Selects every contact that can be imported; returns how many.
    pub fn select_all(&self) -> u64 {
        self.inner.select_all()
    }

    /// Selects the contacts that look like clients (not service numbers, the location's or
    /// its staff's numbers, or contacts from this app's own export group).
    pub fn select_suggested(&self) -> u64 {
        self.inner.select_suggested()
    }

    pub fn select_none(&self) {
        self.inner.select_none()
    }

    /// Flips one contact; returns whether it is now selected.
    pub fn toggle(&self, index: u64) -> Result<bool> {
        Ok(self.inner.toggle(index)?)
    }

    pub fn set_selected(&self, index: u64, selected: bool) -> Result<()> {
        Ok(self.inner.set_selected(index, selected)?)
    }

    /// Picks which of the contact's numbers to import (`phone` indexes its `phones`).
    pub fn choose_number(&self, index: u64, phone: u32) -> Result<()> {
        Ok(self.inner.choose_number(index, phone)?)
    }

    /// Writes the selected contacts, one transaction per batch, reporting progress after
    /// each. Call it off the UI thread. `cancel` stops it after the current batch; the report
    /// then says `cancelled`. After a cancel or an error, calling it again sends only what is
    /// left; nothing is ever created twice.
    #[uniffi::method(default(cancel = None))]
    pub fn commit(
        &self,
        progress: Option<Arc<dyn ImportProgress>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<ImportReport> {
        let cancel = token(cancel);
        let mut listener = Listener::new(progress, &cancel);
        let result = self.inner.commit(
            &mut |done, total| listener.report(ProgressStage::Importing, done, total),
            &cancel,
        );
        listener.outcome(result.map_err(|failed| failed.error))
    }
}

/// The export screen's data: clients not yet in the phonebook, selection, and what to write.
#[derive(uniffi::Object)]
pub struct ExportSession {
    inner: session::ExportSession,
}

impl ExportSession {
    fn open(
        target: Target,
        device_contacts: Vec<PhonebookContact>,
        permission: ContactsPermission,
        settings: &LocationSettings,
    ) -> Result<Arc<Self>> {
        require_contacts(permission, &settings.locale)?;
        let inner = session::ExportSession::open(
            target,
            &device_contacts,
            self::settings(settings),
            None,
            &mut |_, _, _| {},
            &CancelToken::new(),
        )?;
        Ok(Arc::new(ExportSession { inner }))
    }
}

#[uniffi::export]
impl ExportSession {
    /// Refuses without all three export rights (naming each missing one) or without
    /// contacts permission. `device_contacts` are the contacts already on the device, read
    /// with their platform ids, so clients already there are not written again.
    #[uniffi::constructor]
    pub fn new(
        db: Arc<ClientDatabase>,
        device_contacts: Vec<PhonebookContact>,
        rights: Rights,
        permission: ContactsPermission,
        settings: LocationSettings,
    ) -> Result<Arc<Self>> {
        let target = local_target(&db, rights, &settings.region)?;
        Self::open(target, device_contacts, permission, &settings)
    }

    /// Export from the salon's Altegio database: rights from the server (all three export
    /// rights), clients from the freshly refreshed mirror.
    #[uniffi::constructor]
    pub fn for_altegio(
        connection: Arc<AltegioConnection>,
        device_contacts: Vec<PhonebookContact>,
        permission: ContactsPermission,
        settings: LocationSettings,
    ) -> Result<Arc<Self>> {
        let target = Target::Altegio(connection.inner.clone());
        Self::open(target, device_contacts, permission, &settings)
    }

    pub fn row_count(&self) -> u64 {
        self.inner.row_count()
    }

    pub fn rows(&self, offset: u64, limit: u64) -> Vec<ExportRow> {
        self.inner.rows(offset, limit)
    }

    /// Ids of the clients matching `query` by name or number.
    pub fn filter(&self, query: String) -> Vec<i64> {
        self.inner.filter(&query)
    }

    /// The rows of these clients, in the order given (for a filtered list).
    pub fn rows_for(&self, client_ids: Vec<i64>) -> Result<Vec<ExportRow>> {
        Ok(self.inner.rows_for(&client_ids)?)
    }

    pub fn summary(&self) -> ExportSummary {
        self.inner.summary()
    }

    pub fn select_all(&self) -> u64 {
        self.inner.select_all()
    }

    pub fn select_none(&self) {
        self.inner.select_none()
    }

    pub fn toggle(&self, client_id: i64) -> Result<bool> {
        Ok(self.inner.toggle(client_id)?)
    }

    pub fn set_selected(&self, client_id: i64, selected: bool) -> Result<()> {
        Ok(self.inner.set_selected(client_id, selected)?)
    }

    /// The selected clients as structured contacts for the platform's contacts API.
    pub fn contacts_to_write(&self) -> Vec<ContactToWrite> {
        self.inner.contacts_to_write()
    }

    /// Records the platform ids the shell assigned, so exporting again writes nothing new.
    pub fn confirm_written(&self, written: Vec<WrittenContact>) -> Result<()> {
        Ok(self.inner.confirm_written(&pairs(written))?)
    }
}

pub(crate) fn pairs(written: Vec<WrittenContact>) -> Vec<(i64, String)> {
    written
        .into_iter()
        .map(|w| (w.client_id, w.platform_id))
        .collect()
}
