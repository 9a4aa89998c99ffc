//! The two screens as objects the shells hold: the core owns their state and transitions
//! (`clientbook_core::screen`); this file only converts arguments and forwards the state to
//! the shell's observer.

use std::sync::Arc;

use clientbook_core::contact::PhonebookContact;
use clientbook_core::export::{ContactToWrite, ExportRow};
use clientbook_core::history::ImportRecord;
use clientbook_core::import::PreviewRow;
use clientbook_core::permission::ContactsPermission;
use clientbook_core::rights::Rights;
use clientbook_core::screen::{self, ExportScreenState, ImportScreenState, ScreenObserver};
use clientbook_core::session::Target;

use crate::error::Result;
use crate::remote::AltegioConnection;
use crate::session::{local_target, pairs, settings, ClientDatabase, WrittenContact};
use crate::LocationSettings;

/// Implemented by the shell: receives every new import screen state, on the thread that made
/// the change (a worker thread during a long job). Publish it to the UI thread.
#[uniffi::export(foreign)]
pub trait ImportScreenObserver: Send + Sync {
    fn on_state(&self, state: ImportScreenState) -> Result<()>;
}

/// Implemented by the shell: receives every new export screen state.
#[uniffi::export(foreign)]
pub trait ExportScreenObserver: Send + Sync {
    fn on_state(&self, state: ExportScreenState) -> Result<()>;
}

struct ImportForward(Arc<dyn ImportScreenObserver>);

impl ScreenObserver<ImportScreenState> for ImportForward {
    fn changed(&self, state: &ImportScreenState) {
        // A failing observer must not stop the job; the next state reaches it again.
        if self.0.on_state(state.clone()).is_err() {
            tracing::warn!("the import screen observer failed");
        }
    }
}

struct ExportForward(Arc<dyn ExportScreenObserver>);

impl ScreenObserver<ExportScreenState> for ExportForward {
    fn changed(&self, state: &ExportScreenState) {
        if self.0.on_state(state.clone()).is_err() {
            tracing::warn!("the export screen observer failed");
        }
    }
}

/// The import screen ("Export from phonebook"). Calls block: make them off the UI thread,
/// one at a time, except `state`, `rows` and `cancel`, which are safe from any thread.
#[derive(uniffi::Object)]
pub struct ImportScreen {
    inner: screen::ImportScreen,
}

impl ImportScreen {
    fn with(
        target: Target,
        settings: &LocationSettings,
        observer: Option<Arc<dyn ImportScreenObserver>>,
    ) -> Arc<Self> {
        let observer = observer
            .map(|o| Box::new(ImportForward(o)) as Box<dyn ScreenObserver<ImportScreenState>>);
        Arc::new(ImportScreen {
            inner: screen::ImportScreen::new(target, self::settings(settings), observer),
        })
    }
}

#[uniffi::export]
impl ImportScreen {
    /// Against the local database, with the signed-in user's rights.
    #[uniffi::constructor]
    pub fn local(
        db: Arc<ClientDatabase>,
        rights: Rights,
        settings: LocationSettings,
        observer: Option<Arc<dyn ImportScreenObserver>>,
    ) -> Result<Arc<Self>> {
        let target = local_target(&db, rights, &settings.region)?;
        Ok(Self::with(target, &settings, observer))
    }

    /// Against the salon's Altegio location: rights and the surname setting from the server.
    #[uniffi::constructor]
    pub fn altegio(
        connection: Arc<AltegioConnection>,
        settings: LocationSettings,
        observer: Option<Arc<dyn ImportScreenObserver>>,
    ) -> Arc<Self> {
        Self::with(
            Target::Altegio(connection.inner.clone()),
            &settings,
            observer,
        )
    }

    pub fn state(&self) -> ImportScreenState {
        self.inner.state()
    }

    /// On open and whenever the app returns to the foreground.
    pub fn permission_changed(&self, permission: ContactsPermission) -> ImportScreenState {
        self.inner.permission_changed(permission)
    }

    /// Contacts read so far; false means stop reading.
    pub fn reading_progress(&self, done: u64) -> bool {
        self.inner.reading_progress(done)
    }

    pub fn reading_failed(&self) -> ImportScreenState {
        self.inner.reading_failed()
    }

    pub fn contacts_read(&self, contacts: Vec<PhonebookContact>) -> ImportScreenState {
        self.inner.contacts_read(contacts)
    }

    pub fn search(&self, query: String) -> ImportScreenState {
        self.inner.search(query)
    }

    /// A page of the visible (searched) rows.
    pub fn rows(&self, offset: u64, limit: u64) -> Vec<PreviewRow> {
        self.inner.rows(offset, limit)
    }

    pub fn select_all(&self) -> ImportScreenState {
        self.inner.select_all()
    }

    pub fn select_none(&self) -> ImportScreenState {
        self.inner.select_none()
    }

    pub fn select_suggested(&self) -> ImportScreenState {
        self.inner.select_suggested()
    }

    /// Ticks filling in one existing client's missing email from the phonebook.
    pub fn set_fill_in(&self, index: u64, fill: bool) -> ImportScreenState {
        self.inner.set_fill_in(index, fill)
    }

    /// "Fill in all" (or none).
    pub fn fill_in_all(&self, fill: bool) -> ImportScreenState {
        self.inner.fill_in_all(fill)
    }

    pub fn toggle(&self, index: u64) -> ImportScreenState {
        self.inner.toggle(index)
    }

    pub fn choose_number(&self, index: u64, phone: u32) -> ImportScreenState {
        self.inner.choose_number(index, phone)
    }

    pub fn commit(&self) -> ImportScreenState {
        self.inner.commit()
    }

    pub fn cancel(&self) {
        self.inner.cancel()
    }

    pub fn retry(&self) -> ImportScreenState {
        self.inner.retry()
    }

    pub fn back_to_list(&self) -> ImportScreenState {
        self.inner.back_to_list()
    }

    /// After the user confirmed `undo_count`: removes the clients this import created.
    pub fn undo(&self) -> ImportScreenState {
        self.inner.undo()
    }

    /// The imports made to this screen's client base, newest first.
    pub fn history(&self) -> Result<Vec<ImportRecord>> {
        Ok(self.inner.history()?)
    }

    /// Undo from the history list, after the user confirmed that record's
    /// `created - undone`. Blocks (on Altegio a request per client, `Undoing` with progress;
    /// `cancel` stops it between clients).
    pub fn undo_import(&self, import_id: i64) -> ImportScreenState {
        self.inner.undo_import(import_id)
    }

    /// The switch "Put the new clients into the category `category`".
    pub fn set_category(&self, enabled: bool) -> ImportScreenState {
        self.inner.set_category(enabled)
    }
}

/// The export screen ("Save to phonebook"). Same threading rules as [`ImportScreen`].
#[derive(uniffi::Object)]
pub struct ExportScreen {
    inner: screen::ExportScreen,
}

impl ExportScreen {
    fn with(
        target: Target,
        settings: &LocationSettings,
        observer: Option<Arc<dyn ExportScreenObserver>>,
    ) -> Arc<Self> {
        let observer = observer
            .map(|o| Box::new(ExportForward(o)) as Box<dyn ScreenObserver<ExportScreenState>>);
        Arc::new(ExportScreen {
            inner: screen::ExportScreen::new(target, self::settings(settings), observer),
        })
    }
}

#[uniffi::export]
impl ExportScreen {
    #[uniffi::constructor]
    pub fn local(
        db: Arc<ClientDatabase>,
        rights: Rights,
        settings: LocationSettings,
        observer: Option<Arc<dyn ExportScreenObserver>>,
    ) -> Result<Arc<Self>> {
        let target = local_target(&db, rights, &settings.region)?;
        Ok(Self::with(target, &settings, observer))
    }

    #[uniffi::constructor]
    pub fn altegio(
        connection: Arc<AltegioConnection>,
        settings: LocationSettings,
        observer: Option<Arc<dyn ExportScreenObserver>>,
    ) -> Arc<Self> {
        Self::with(
            Target::Altegio(connection.inner.clone()),
            &settings,
            observer,
        )
    }

    pub fn state(&self) -> ExportScreenState {
        self.inner.state()
    }

    pub fn permission_changed(&self, permission: ContactsPermission) -> ExportScreenState {
        self.inner.permission_changed(permission)
    }

    pub fn reading_progress(&self, done: u64) -> bool {
        self.inner.reading_progress(done)
    }

    pub fn reading_failed(&self) -> ExportScreenState {
        self.inner.reading_failed()
    }

    /// The device's contacts with their platform ids.
    pub fn contacts_read(&self, device_contacts: Vec<PhonebookContact>) -> ExportScreenState {
        self.inner.contacts_read(device_contacts)
    }

    pub fn search(&self, query: String) -> ExportScreenState {
        self.inner.search(query)
    }

    pub fn rows(&self, offset: u64, limit: u64) -> Vec<ExportRow> {
        self.inner.rows(offset, limit)
    }

    pub fn select_all(&self) -> ExportScreenState {
        self.inner.select_all()
    }

    pub fn select_none(&self) -> ExportScreenState {
        self.inner.select_none()
    }

    pub fn toggle(&self, client_id: i64) -> ExportScreenState {
        self.inner.toggle(client_id)
    }

    /// The contacts to write; the phase becomes `Committing`.
    pub fn begin_write(&self) -> Vec<ContactToWrite> {
        self.inner.begin_write()
    }

    /// After each written batch; false means the user cancelled: stop and call
    /// `write_finished(false)`.
    pub fn written(&self, batch: Vec<WrittenContact>) -> bool {
        self.inner.written(pairs(batch))
    }

    pub fn write_finished(&self, failed: bool) -> ExportScreenState {
        self.inner.write_finished(failed)
    }

    pub fn cancel(&self) {
        self.inner.cancel()
    }

    pub fn retry(&self) -> ExportScreenState {
        self.inner.retry()
    }

    pub fn back_to_list(&self) -> ExportScreenState {
        self.inner.back_to_list()
    }
}
