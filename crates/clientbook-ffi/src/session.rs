//! The objects a screen holds: the client database, an import session, an export session.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use clientbook_core::altegio::Call;
use clientbook_core::cancel::CancelToken;
use clientbook_core::contact::PhonebookContact;
use clientbook_core::export::{ContactToWrite, ExportPlan, ExportRow, ExportSummary};
use clientbook_core::import::{
    self, CommitOptions, ImportPlan, ImportReport, PreviewOptions, PreviewRow, Summary,
};
use clientbook_core::permission::ContactsPermission;
use clientbook_core::phone::Region;
use clientbook_core::rights::{Action, Rights};
use clientbook_core::store::{Client, Store};
use clientbook_core::sync;

use crate::error::{ClientbookError, Result};
use crate::remote::AltegioConnection;
use crate::LocationSettings;

/// Which long job a progress report belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ProgressStage {
    /// Matching the phonebook against the client database (building the preview).
    Matching,
    /// Writing the selected contacts as clients.
    Importing,
}

/// Implemented by the shell to show progress. Called on the thread that runs the job;
/// an exception thrown here stops the job after the current batch.
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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic inside a method cannot leave a plan half-updated in a way that matters more
    // than losing the session, so keep serving it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn require_contacts(permission: ContactsPermission) -> Result<()> {
    if permission.can_read() {
        Ok(())
    } else {
        Err(ClientbookError::ContactsPermissionNotGranted {
            explanation: permission.advice().explanation,
        })
    }
}

fn check(rights: &Rights, action: Action) -> Result<()> {
    rights
        .check(action)
        .map_err(|m| clientbook_core::Error::MissingRights(m).into())
}

/// The local client database file (the embedded default, and the mirror of the salon's
/// remote database).
#[derive(uniffi::Object)]
pub struct ClientDatabase {
    store: Store,
}

impl ClientDatabase {
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

#[uniffi::export]
impl ClientDatabase {
    /// Opens or creates the database at `path`. A file from a newer app version or a damaged
    /// file is refused untouched.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>> {
        Ok(Arc::new(ClientDatabase {
            store: Store::open(path)?,
        }))
    }

    /// A database that lives only as long as this object.
    #[uniffi::constructor]
    pub fn in_memory() -> Result<Arc<Self>> {
        Ok(Arc::new(ClientDatabase {
            store: Store::open_in_memory()?,
        }))
    }

    pub fn client_count(&self) -> Result<u64> {
        Ok(self.store.client_count()?)
    }

    /// The clients the user may see, numbers masked without the phones-and-emails right.
    pub fn clients(&self, rights: Rights) -> Result<Vec<Client>> {
        check(&rights, Action::Import)?;
        Ok(self
            .store
            .clients()?
            .into_iter()
            .map(|c| c.as_seen_by(&rights))
            .collect())
    }
}

/// Clients per bulk request to Altegio, whatever the local batch size.
const REMOTE_BATCH_MAX: usize = 100;

/// Where a session's clients live.
enum Target {
    Local(Arc<ClientDatabase>),
    Remote(Arc<AltegioConnection>),
}

/// The import screen: preview rows, selection, and the commit.
#[derive(uniffi::Object)]
pub struct ImportSession {
    target: Target,
    plan: Mutex<ImportPlan>,
    options: CommitOptions,
    cancel: AtomicBool,
    /// The same request for a commit to Altegio, which also stops its network waits.
    remote_cancel: CancelToken,
    /// One commit at a time per session.
    committing: Mutex<()>,
}

impl ImportSession {
    fn build(
        target: Target,
        contacts: Vec<PhonebookContact>,
        index: &clientbook_core::store::ClientIndex,
        options: PreviewOptions,
        settings: &LocationSettings,
        progress: Option<Arc<dyn ImportProgress>>,
    ) -> Result<Arc<Self>> {
        let mut callback_error = None;
        let plan = ImportPlan::build_owned(contacts, index, options, &mut |done, total| {
            if let (Some(p), None) = (&progress, &callback_error) {
                if let Err(e) = p.on_progress(ProgressStage::Matching, done, total) {
                    callback_error = Some(e);
                }
            }
        });
        if let Some(e) = callback_error {
            return Err(e);
        }
        Ok(Arc::new(ImportSession {
            target,
            plan: Mutex::new(plan),
            options: CommitOptions {
                batch_size: settings.batch_size.max(1) as usize,
            },
            cancel: AtomicBool::new(false),
            remote_cancel: CancelToken::new(),
            committing: Mutex::new(()),
        }))
    }
}

#[uniffi::export]
impl ImportSession {
    /// Builds the preview of `contacts` against the client database. Refuses without the
    /// import right or without contacts permission, before looking at any contact.
    #[uniffi::constructor]
    pub fn new(
        db: Arc<ClientDatabase>,
        contacts: Vec<PhonebookContact>,
        rights: Rights,
        permission: ContactsPermission,
        settings: LocationSettings,
        progress: Option<Arc<dyn ImportProgress>>,
    ) -> Result<Arc<Self>> {
        check(&rights, Action::Import)?;
        require_contacts(permission)?;
        let region = Region::parse(&settings.region)?;
        let index = db.store.client_index()?;
        let options = PreviewOptions {
            region,
            last_name_hidden: settings.last_name_hidden,
            altegio: false,
        };
        Self::build(
            Target::Local(db),
            contacts,
            &index,
            options,
            &settings,
            progress,
        )
    }

    /// The same screen against the salon's Altegio database: rights and the surname setting
    /// come from the server, matching reads the refreshed local mirror, and the commit goes
    /// through the journal, so it survives lost answers and restarts without duplicates.
    #[uniffi::constructor]
    pub fn for_altegio(
        connection: Arc<AltegioConnection>,
        contacts: Vec<PhonebookContact>,
        permission: ContactsPermission,
        settings: LocationSettings,
        progress: Option<Arc<dyn ImportProgress>>,
    ) -> Result<Arc<Self>> {
        require_contacts(permission)?;
        let (index, context) = sync::match_index(
            connection.db.store(),
            &connection.api,
            connection.region,
            &connection.begin(),
        )?;
        let options = PreviewOptions {
            region: connection.region,
            last_name_hidden: context.last_name_hidden || settings.last_name_hidden,
            altegio: true,
        };
        Self::build(
            Target::Remote(connection),
            contacts,
            &index,
            options,
            &settings,
            progress,
        )
    }

    pub fn row_count(&self) -> u64 {
        lock(&self.plan).len() as u64
    }

    /// Rows `offset..offset+limit`; fewer at the end.
    pub fn rows(&self, offset: u64, limit: u64) -> Vec<PreviewRow> {
        lock(&self.plan).page(offset, limit).to_vec()
    }

    /// The rows with these indexes, in the given order (for a filtered list).
    pub fn rows_at(&self, indexes: Vec<u64>) -> Result<Vec<PreviewRow>> {
        let plan = lock(&self.plan);
        indexes
            .into_iter()
            .map(|i| Ok(plan.row(i)?.clone()))
            .collect()
    }

    /// Indexes of the contacts matching `query` by name or number.
    pub fn filter(&self, query: String) -> Vec<u64> {
        lock(&self.plan).filter(&query)
    }

    pub fn summary(&self) -> Summary {
        lock(&self.plan).summary()
    }

    /// Selects every contact that can be imported; returns how many.
    pub fn select_all(&self) -> u64 {
        lock(&self.plan).select_all()
    }

    pub fn select_none(&self) {
        lock(&self.plan).select_none()
    }

    /// Flips one contact; returns whether it is now selected.
    pub fn toggle(&self, index: u64) -> Result<bool> {
        Ok(lock(&self.plan).toggle(index)?)
    }

    pub fn set_selected(&self, index: u64, selected: bool) -> Result<()> {
        Ok(lock(&self.plan).set_selected(index, selected)?)
    }

    /// Picks which of the contact's numbers to import (`phone` indexes its `phones`).
    pub fn choose_number(&self, index: u64, phone: u32) -> Result<()> {
        Ok(lock(&self.plan).choose_number(index, phone)?)
    }

    /// Writes the selected contacts, one transaction per batch, reporting progress after
    /// each. Call it off the UI thread. After a cancel or an error, calling it again sends
    /// only what is left; nothing is ever created twice.
    pub fn commit(&self, progress: Option<Arc<dyn ImportProgress>>) -> Result<ImportReport> {
        let _one_at_a_time = lock(&self.committing);
        self.cancel.store(false, Ordering::SeqCst);
        let job = lock(&self.plan).prepare_commit();
        let mut callback_error = None;
        let mut on_progress = |done, total| {
            if let (Some(p), None) = (&progress, &callback_error) {
                if let Err(e) = p.on_progress(ProgressStage::Importing, done, total) {
                    callback_error = Some(e);
                    // Stop at the next batch boundary; what was written stays recorded.
                    self.cancel.store(true, Ordering::SeqCst);
                    self.remote_cancel.cancel();
                }
            }
        };
        let result = match &self.target {
            Target::Local(db) => {
                import::run_commit(&db.store, job, self.options, &mut on_progress, &self.cancel)
            }
            Target::Remote(c) => sync::commit_remote(
                c.db.store(),
                &c.api,
                c.region,
                job,
                self.options.batch_size.min(REMOTE_BATCH_MAX),
                &mut on_progress,
                &self.remote_cancel,
            ),
        };
        let (report, error) = match result {
            Ok(report) => (report, callback_error),
            Err(failed) => (failed.partial, Some(failed.error.into())),
        };
        lock(&self.plan).apply_report(&report);
        match error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Asks a running commit to stop after the batch it is writing. Safe from any thread.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.remote_cancel.cancel();
    }
}

/// The export screen: clients not yet in the phonebook, selection, and what to write.
#[derive(uniffi::Object)]
pub struct ExportSession {
    /// Where written contacts are linked to clients; remote clients are matched by number.
    links: Option<Arc<ClientDatabase>>,
    plan: Mutex<ExportPlan>,
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
        check(&rights, Action::Export)?;
        require_contacts(permission)?;
        let region = Region::parse(&settings.region)?;
        let present: HashSet<String> = device_contacts
            .iter()
            .map(|c| c.platform_id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        let linked = db.store.linked_clients(&present)?;
        let plan = ExportPlan::build(
            &rights,
            db.store.clients()?,
            &device_contacts,
            &linked,
            region,
            settings.last_name_hidden,
        )?;
        Ok(Arc::new(ExportSession {
            links: Some(db),
            plan: Mutex::new(plan),
        }))
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
        require_contacts(permission)?;
        let cancel = connection.begin();
        let store = connection.db.store();
        let context = sync::connect(&connection.api, &Call::new(&cancel).logged_in(store))?;
        check(&context.rights, Action::Export)?;
        sync::refresh_mirror(
            store,
            &connection.api,
            connection.region,
            sync::RefreshMode::Full,
            &mut |_, _| {},
            &cancel,
        )?;
        let plan = ExportPlan::build(
            &context.rights,
            store.mirror_clients(connection.api.location_id())?,
            &device_contacts,
            &HashSet::new(),
            connection.region,
            context.last_name_hidden || settings.last_name_hidden,
        )?;
        Ok(Arc::new(ExportSession {
            links: None,
            plan: Mutex::new(plan),
        }))
    }

    pub fn row_count(&self) -> u64 {
        lock(&self.plan).rows().len() as u64
    }

    pub fn rows(&self, offset: u64, limit: u64) -> Vec<ExportRow> {
        lock(&self.plan).page(offset, limit).to_vec()
    }

    /// Ids of the clients matching `query` by name or number.
    pub fn filter(&self, query: String) -> Vec<i64> {
        lock(&self.plan).filter(&query)
    }

    /// The rows of these clients, in the order given (for a filtered list).
    pub fn rows_for(&self, client_ids: Vec<i64>) -> Result<Vec<ExportRow>> {
        Ok(lock(&self.plan).rows_for(&client_ids)?)
    }

    pub fn summary(&self) -> ExportSummary {
        lock(&self.plan).summary()
    }

    pub fn select_all(&self) -> u64 {
        lock(&self.plan).select_all()
    }

    pub fn select_none(&self) {
        lock(&self.plan).select_none()
    }

    pub fn toggle(&self, client_id: i64) -> Result<bool> {
        Ok(lock(&self.plan).toggle(client_id)?)
    }

    pub fn set_selected(&self, client_id: i64, selected: bool) -> Result<()> {
        Ok(lock(&self.plan).set_selected(client_id, selected)?)
    }

    /// The selected clients as structured contacts for the platform's contacts API.
    pub fn contacts_to_write(&self) -> Vec<ContactToWrite> {
        lock(&self.plan).contacts_to_write()
    }

    /// Records the platform ids the shell assigned, so exporting again writes nothing new.
    pub fn confirm_written(&self, written: Vec<WrittenContact>) -> Result<()> {
        let links: Vec<(i64, String)> = written
            .iter()
            .map(|w| (w.client_id, w.platform_id.clone()))
            .collect();
        if let Some(db) = &self.links {
            db.store.link_to_phonebook(&links)?;
        }
        lock(&self.plan).mark_written(&written.iter().map(|w| w.client_id).collect());
        Ok(())
    }
}
