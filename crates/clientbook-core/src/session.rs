//! Import and export sessions: one preview, its selection and its commit, against the local
//! database or a salon's Altegio location.
//!
//! Why here and not in the FFI crate or the CLI: what a session does (which index it matches
//! against, how a remote mirror is refreshed first, how big a batch may be, whose surname
//! setting wins, where export links are kept) is the same for the apps and the command line.
//! Written once, in plain Rust, it is tested once; the FFI wraps these types and the CLI
//! drives them. Sessions do I/O (SQLite, and HTTP through a [`Transport`]) and block; callers
//! run them off the UI thread. Every method takes `&self`: the plan sits behind a mutex that a
//! commit holds only to read the selection and to record the outcome, so a screen keeps
//! paging rows while a commit runs.
//!
//! [`Transport`]: crate::altegio::Transport

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::altegio::{AltegioClient, Call};
use crate::cancel::CancelToken;
use crate::contact::PhonebookContact;
use crate::error::Result;
use crate::export::{ContactToWrite, ExportPlan, ExportRow, ExportSummary};
use crate::history;
use crate::import::{
    self, CommitFailed, CommitOptions, ImportPlan, ImportReport, PreviewOptions, PreviewRow,
    Summary,
};
use crate::messages::Locale;
use crate::phone::Region;
use crate::rights::{Action, Rights};
use crate::store::{Client, ClientIndex, Store};
use crate::sync::{self, RefreshMode};

/// Clients per bulk request to Altegio, whatever the local batch size: a bigger request
/// risks the server's timeout, and an answer lost for a big batch means a big lookup.
pub const ALTEGIO_BATCH_MAX: usize = 100;

/// Which long job a progress report belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ProgressStage {
    /// The shell reading the device phonebook (reported to the core by the shell).
    Reading,
    /// Bringing the local mirror of the salon's Altegio base up to date.
    Refreshing,
    /// Matching the phonebook against the client database (building the preview).
    Matching,
    /// Writing the selected contacts as clients.
    Importing,
    /// The shell writing clients into the device phonebook.
    Writing,
    /// Deleting the clients an import created (undo).
    Undoing,
}

/// A progress listener: `(stage, done, total)`; `total` is 0 while unknown.
pub type Progress<'a> = &'a mut dyn FnMut(ProgressStage, u64, u64);

/// A signed-in user's connection to one Altegio location: the API client, and the local
/// file holding its mirror and import journal. Tokens live in the client, in memory only.
#[derive(Debug)]
pub struct Altegio {
    pub store: Arc<Store>,
    pub api: AltegioClient,
    pub region: Region,
}

/// What the server (or, locally, the caller) says about the user and the location.
pub type Context = sync::RemoteContext;

/// Where a session's clients live.
#[derive(Debug, Clone)]
pub enum Target {
    /// The embedded database; rights are the signed-in user's, as the caller knows them.
    Local {
        store: Arc<Store>,
        rights: Rights,
        region: Region,
    },
    /// The salon's Altegio location; rights and the surname setting come from the server.
    Altegio(Arc<Altegio>),
}

impl Target {
    pub fn region(&self) -> Region {
        match self {
            Target::Local { region, .. } => *region,
            Target::Altegio(a) => a.region,
        }
    }

    /// The user's rights and the location's surname setting, merged with the shell's own
    /// setting: the surname is hidden when either the location or the shell hides it.
    pub fn context(&self, shell_hides_surname: bool, cancel: &CancelToken) -> Result<Context> {
        let mut context = match self {
            Target::Local { rights, .. } => Context {
                rights: rights.clone(),
                last_name_hidden: false,
            },
            Target::Altegio(a) => {
                sync::connect(&a.api, &Call::new(cancel).logged_in(a.store.as_ref()))?
            }
        };
        context.last_name_hidden |= shell_hides_surname;
        Ok(context)
    }

    /// Clients per commit batch: the caller's choice, capped for Altegio's bulk endpoint.
    pub fn batch_size(&self, requested: usize) -> usize {
        let requested = requested.max(1);
        match self {
            Target::Local { .. } => requested,
            Target::Altegio(_) => requested.min(ALTEGIO_BATCH_MAX),
        }
    }

    /// The phone index to match a phonebook against. For Altegio the mirror is first brought
    /// up to date with the clients added since the last look.
    fn match_index(&self, progress: Progress, cancel: &CancelToken) -> Result<Arc<ClientIndex>> {
        match self {
            Target::Local { store, .. } => store.client_index(),
            Target::Altegio(a) => {
                refresh(a, RefreshMode::NewOnly, progress, cancel)?;
                Ok(Arc::new(a.store.mirror_index(a.api.location_id())?))
            }
        }
    }

    /// Every client, for export and listing. For Altegio after a full refresh, so clients
    /// deleted on the server are not offered.
    pub fn clients(&self, progress: Progress, cancel: &CancelToken) -> Result<Vec<Client>> {
        match self {
            Target::Local { store, .. } => store.clients(),
            Target::Altegio(a) => {
                refresh(a, RefreshMode::Full, progress, cancel)?;
                a.store.mirror_clients(a.api.location_id())
            }
        }
    }

    /// Where export links (client → device contact) are kept. Only local clients have them:
    /// the links table keys local client ids, and a remote client is recognised on the
    /// device by its number instead.
    fn link_store(&self) -> Option<&Store> {
        match self {
            Target::Local { store, .. } => Some(store),
            Target::Altegio(_) => None,
        }
    }

    fn commit(
        &self,
        job: import::CommitJob,
        batch_size: usize,
        category: Option<String>,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &CancelToken,
    ) -> std::result::Result<ImportReport, Box<CommitFailed>> {
        let store = self.history_store();
        let failed = |error| {
            Box::new(CommitFailed {
                partial: ImportReport::default(),
                error,
            })
        };
        let import = store.begin_import(&self.history_name()).map_err(failed)?;
        let options = CommitOptions {
            batch_size: self.batch_size(batch_size),
            record_as: Some(import),
            category,
        };
        let result = match self {
            Target::Local { store, .. } => {
                import::run_commit(store, job, options, progress, cancel.flag())
            }
            Target::Altegio(a) => {
                sync::commit_remote(&a.store, &a.api, a.region, job, options, progress, cancel)
            }
        };
        let (report, error) = match &result {
            Ok(r) => (r, false),
            Err(f) => (&f.partial, true),
        };
        if let Err(e) = store.finish_import(import, report, error) {
            // The clients and their history rows are written; only the counts of the entry
            // are missing, and `imports` counts created clients itself.
            tracing::warn!(error = %e, "could not close the import's history entry");
        }
        result
    }
}

impl Target {
    /// The name the import history files this target's imports under.
    fn history_name(&self) -> String {
        match self {
            Target::Local { .. } => history::LOCAL.to_string(),
            Target::Altegio(a) => format!("altegio:{}", a.api.location_id()),
        }
    }

    /// The file holding this target's history: the database, or the Altegio mirror's file.
    fn history_store(&self) -> &Store {
        match self {
            Target::Local { store, .. } => store,
            Target::Altegio(a) => &a.store,
        }
    }

    /// The imports committed to this target, newest first.
    pub fn imports(&self) -> Result<Vec<history::ImportRecord>> {
        self.history_store().imports(&self.history_name())
    }

    /// Undoes import `import` (default: the newest one with clients left to undo). Needs the
    /// delete right (from `context` when the caller has it, else asked); `dry_run` reports
    /// what would happen and changes nothing. On Altegio it reports `(done, total)` per
    /// client and stops between clients once `cancel` is set.
    pub fn undo_import(
        &self,
        import: Option<i64>,
        dry_run: bool,
        context: Option<&Context>,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &CancelToken,
    ) -> Result<history::UndoReport> {
        let store = self.history_store();
        let import = match import {
            Some(id) => id,
            None => store
                .last_undoable_import(&self.history_name())?
                .ok_or_else(|| crate::Error::BadInput("there is no import to undo".into()))?,
        };
        match self {
            Target::Local { store, rights, .. } => store.undo_local_import(rights, import, dry_run),
            Target::Altegio(a) => {
                let rights = match context {
                    Some(c) => c.rights.clone(),
                    None => self.context(false, cancel)?.rights,
                };
                history::undo_altegio_import(
                    &a.store, &a.api, a.region, &rights, import, dry_run, progress, cancel,
                )
            }
        }
    }
}

/// Refreshes the mirror, reporting pages as [`ProgressStage::Refreshing`], and stops between
/// pages once `cancel` is set.
pub fn refresh(
    a: &Altegio,
    mode: RefreshMode,
    progress: Progress,
    cancel: &CancelToken,
) -> Result<sync::RefreshReport> {
    cancel.check()?;
    sync::refresh_mirror(
        &a.store,
        &a.api,
        a.region,
        mode,
        &mut |done, total| progress(ProgressStage::Refreshing, done, total),
        cancel,
    )
}

/// Settings the shell or the command line chooses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The shell hides surnames (the location may hide them too; either one hides them).
    pub last_name_hidden: bool,
    /// Clients per transaction (capped for Altegio).
    pub batch_size: usize,
    /// The language of every text the core writes for staff.
    pub locale: Locale,
    /// The location's own and its staff's numbers, left out of "Select suggested". Altegio's
    /// API gives no staff phone numbers we could rely on, so the caller passes what it knows.
    pub known_numbers: import::KnownNumbers,
    /// Put the clients an import creates into a category: `None` takes the target's default
    /// (on for Altegio, where a batch is otherwise hard to find again among thousands; off
    /// for the local database).
    pub category: Option<bool>,
    /// The category's title; `None` is "From phonebook" in `locale`.
    pub category_title: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            last_name_hidden: false,
            batch_size: CommitOptions::default().batch_size,
            locale: Locale::default(),
            known_numbers: import::KnownNumbers::default(),
            category: None,
            category_title: None,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic inside a method cannot leave a plan half-updated in a way that matters more
    // than losing the session, so keep serving it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Numbers contacts by their position, for callers without numbering of their own.
pub fn numbered(contacts: Vec<PhonebookContact>) -> Vec<(u64, PhonebookContact)> {
    contacts
        .into_iter()
        .enumerate()
        .map(|(i, c)| (i as u64, c))
        .collect()
}

/// The import screen's data: preview rows, selection, number choices and the commit.
#[derive(Debug)]
pub struct ImportSession {
    target: Target,
    plan: Mutex<ImportPlan>,
    batch_size: usize,
    /// The category the next commit puts created clients in, and its title when switched on.
    category: Mutex<Option<String>>,
    category_title: String,
    /// One commit at a time per session.
    committing: Mutex<()>,
}

impl ImportSession {
    /// Builds the preview of `contacts` (numbered, ascending) against the target. Refuses
    /// without the import right before looking at any contact. `context` is the one the
    /// caller already fetched (a screen asks before reading the phonebook), else it is asked.
    pub fn open(
        target: Target,
        contacts: Vec<(u64, PhonebookContact)>,
        settings: Settings,
        context: Option<Context>,
        progress: Progress,
        cancel: &CancelToken,
    ) -> Result<ImportSession> {
        let context = match context {
            Some(c) => c,
            None => target.context(settings.last_name_hidden, cancel)?,
        };
        context.rights.check(Action::Import)?;
        cancel.check()?;
        let index = target.match_index(progress, cancel)?;
        let options = PreviewOptions {
            region: target.region(),
            last_name_hidden: context.last_name_hidden || settings.last_name_hidden,
            locale: settings.locale,
            altegio: matches!(target, Target::Altegio(_)),
        };
        let mut plan = ImportPlan::build_owned_numbered(
            contacts,
            &index,
            options,
            &mut |done, total| progress(ProgressStage::Matching, done, total),
            cancel,
        )?;
        plan.mark_known_numbers(&settings.known_numbers, target.region());
        // Filling in a missing email is offered where the user may write it: always locally;
        // on Altegio with the edit right (it rewrites the card), for clients the mirror knows
        // without one (a masked email is not "missing").
        match &target {
            Target::Local { store, .. } => plan.offer_fill_in(
                &store.clients_lacking_email()?,
                Some(&store.clients_lacking_birthday()?),
            ),
            // The mirror cannot know birthdays (the search does not return them): offered,
            // and the commit reads the card before it writes.
            Target::Altegio(a) if context.rights.clients_edit_access => {
                plan.offer_fill_in(&a.store.mirror_lacking_email(a.api.location_id())?, None)
            }
            Target::Altegio(_) => {}
        }
        let category_title = settings
            .category_title
            .clone()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| crate::messages::Message::DefaultCategory.render(settings.locale));
        let category_on = settings
            .category
            .unwrap_or(matches!(target, Target::Altegio(_)));
        Ok(ImportSession {
            batch_size: target.batch_size(settings.batch_size),
            target,
            plan: Mutex::new(plan),
            category: Mutex::new(category_on.then(|| category_title.clone())),
            category_title,
            committing: Mutex::new(()),
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The category the next commit puts the clients it creates in; `None` when off.
    pub fn category(&self) -> Option<String> {
        lock(&self.category).clone()
    }

    /// The title the category switch puts clients under, whether it is on or off.
    pub fn category_title(&self) -> &str {
        &self.category_title
    }

    /// Switches the category on (with the session's title) or off.
    pub fn set_category(&self, enabled: bool) {
        *lock(&self.category) = enabled.then(|| self.category_title.clone());
    }

    /// The plan, for reads and selection changes the session does not wrap (the CLI's
    /// `--select` and `--number`, its JSON output). Do not hold it across a commit.
    pub fn plan(&self) -> MutexGuard<'_, ImportPlan> {
        lock(&self.plan)
    }

    pub fn row_count(&self) -> u64 {
        lock(&self.plan).len() as u64
    }

    pub fn rows(&self, offset: u64, limit: u64) -> Vec<PreviewRow> {
        lock(&self.plan).page(offset, limit).to_vec()
    }

    pub fn rows_at(&self, indexes: &[u64]) -> Result<Vec<PreviewRow>> {
        let plan = lock(&self.plan);
        indexes.iter().map(|&i| Ok(plan.row(i)?.clone())).collect()
    }

    pub fn filter(&self, query: &str) -> Vec<u64> {
        lock(&self.plan).filter(query)
    }

    pub fn summary(&self) -> Summary {
        lock(&self.plan).summary()
    }

    pub fn select_all(&self) -> u64 {
        lock(&self.plan).select_all()
    }

    pub fn select_none(&self) {
        lock(&self.plan).select_none()
    }

    /// Ticks filling in one existing client's missing email from the phonebook.
    pub fn set_fill_in(&self, index: u64, fill: bool) -> Result<()> {
        lock(&self.plan).set_fill_in(index, fill)
    }

    /// "Apply to all" for the offered fill-ins.
    pub fn fill_in_all(&self, fill: bool) -> u64 {
        lock(&self.plan).fill_in_all(fill)
    }

    /// Selects the contacts that look like clients (see [`import::NotSuggested`]).
    pub fn select_suggested(&self) -> u64 {
        lock(&self.plan).select_suggested()
    }

    pub fn toggle(&self, index: u64) -> Result<bool> {
        lock(&self.plan).toggle(index)
    }

    pub fn set_selected(&self, index: u64, selected: bool) -> Result<()> {
        lock(&self.plan).set_selected(index, selected)
    }

    pub fn choose_number(&self, index: u64, phone: u32) -> Result<()> {
        lock(&self.plan).choose_number(index, phone)
    }

    /// Writes the selected contacts in batches, reporting `(done, total)` after each. After a
    /// cancel or an error, what was written is recorded in the plan, so committing again
    /// sends only the rest; nothing is ever created twice.
    pub fn commit(
        &self,
        progress: &mut dyn FnMut(u64, u64),
        cancel: &CancelToken,
    ) -> std::result::Result<ImportReport, Box<CommitFailed>> {
        let _one_at_a_time = lock(&self.committing);
        let job = lock(&self.plan).prepare_commit();
        let category = self.category();
        let result = self
            .target
            .commit(job, self.batch_size, category, progress, cancel);
        let report = match &result {
            Ok(report) => report,
            Err(failed) => &failed.partial,
        };
        lock(&self.plan).apply_report(report);
        result
    }
}

/// The export screen's data: clients, which are already on the phone, the selection, and
/// what to write.
#[derive(Debug)]
pub struct ExportSession {
    target: Target,
    plan: Mutex<ExportPlan>,
}

impl ExportSession {
    /// Refuses without all three export rights (naming each missing one). `device_contacts`
    /// are the contacts already on the device, with their platform ids, so clients already
    /// there are not written again.
    pub fn open(
        target: Target,
        device_contacts: &[PhonebookContact],
        settings: Settings,
        context: Option<Context>,
        progress: Progress,
        cancel: &CancelToken,
    ) -> Result<ExportSession> {
        let context = match context {
            Some(c) => c,
            None => target.context(settings.last_name_hidden, cancel)?,
        };
        context.rights.check(Action::Export)?;
        cancel.check()?;
        let clients = target.clients(progress, cancel)?;
        let linked = match target.link_store() {
            Some(store) => {
                let present: HashSet<String> = device_contacts
                    .iter()
                    .map(|c| c.platform_id.clone())
                    .filter(|id| !id.is_empty())
                    .collect();
                store.linked_clients(&present)?
            }
            None => HashSet::new(),
        };
        let plan = ExportPlan::build(
            &context.rights,
            clients,
            device_contacts,
            &linked,
            target.region(),
            context.last_name_hidden || settings.last_name_hidden,
        )?;
        Ok(ExportSession {
            target,
            plan: Mutex::new(plan),
        })
    }

    pub fn plan(&self) -> MutexGuard<'_, ExportPlan> {
        lock(&self.plan)
    }

    pub fn row_count(&self) -> u64 {
        lock(&self.plan).rows().len() as u64
    }

    pub fn rows(&self, offset: u64, limit: u64) -> Vec<ExportRow> {
        lock(&self.plan).page(offset, limit).to_vec()
    }

    pub fn rows_for(&self, client_ids: &[i64]) -> Result<Vec<ExportRow>> {
        lock(&self.plan).rows_for(client_ids)
    }

    pub fn filter(&self, query: &str) -> Vec<i64> {
        lock(&self.plan).filter(query)
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
        lock(&self.plan).toggle(client_id)
    }

    pub fn set_selected(&self, client_id: i64, selected: bool) -> Result<()> {
        lock(&self.plan).set_selected(client_id, selected)
    }

    pub fn contacts_to_write(&self) -> Vec<ContactToWrite> {
        lock(&self.plan).contacts_to_write()
    }

    /// Records what the shell wrote (client id, the id the platform gave the contact), so
    /// exporting again writes nothing new: locally as links, and in the plan either way.
    pub fn confirm_written(&self, written: &[(i64, String)]) -> Result<()> {
        if let Some(store) = self.target.link_store() {
            store.link_to_phonebook(written)?;
        }
        lock(&self.plan).mark_written(&written.iter().map(|(id, _)| *id).collect());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::RawPhone;
    use crate::error::Error;
    use crate::phone::PhoneLabel;

    fn contact(given: &str, number: &str) -> PhonebookContact {
        PhonebookContact {
            given_name: Some(given.to_string()),
            phones: vec![RawPhone {
                number: number.to_string(),
                label: PhoneLabel::Mobile,
            }],
            ..Default::default()
        }
    }

    fn local(rights: Rights) -> Target {
        Target::Local {
            store: Arc::new(Store::open_in_memory().unwrap()),
            rights,
            region: Region::default(),
        }
    }

    fn open(target: Target, contacts: Vec<PhonebookContact>) -> Result<ImportSession> {
        ImportSession::open(
            target,
            numbered(contacts),
            Settings::default(),
            None,
            &mut |_, _, _| {},
            &CancelToken::new(),
        )
    }

    #[test]
    fn import_then_reimport_creates_nothing_twice() {
        let target = local(Rights::full());
        let contacts = vec![
            contact("Anna", "+7 916 123-45-67"),
            contact("Boris", "8 903 000 11 22"),
        ];
        let s = open(target.clone(), contacts.clone()).unwrap();
        assert_eq!(s.select_all(), 2);
        let report = s.commit(&mut |_, _| {}, &CancelToken::new()).unwrap();
        assert_eq!(report.created.len(), 2);
        assert_eq!(
            s.summary().selected,
            0,
            "committed contacts leave the selection"
        );
        let again = open(target, contacts).unwrap();
        assert_eq!(again.summary().existing_client, 2);
        assert_eq!(again.select_all(), 0);
    }

    #[test]
    fn a_cancelled_token_stops_before_matching_and_commit_resumes_the_rest() {
        let cancel = CancelToken::new();
        cancel.cancel();
        let err = ImportSession::open(
            local(Rights::full()),
            numbered(vec![contact("Anna", "+79161234567")]),
            Settings::default(),
            None,
            &mut |_, _, _| {},
            &cancel,
        )
        .unwrap_err();
        assert!(matches!(err, Error::Cancelled));

        let contacts: Vec<_> = (0..7)
            .map(|i| contact(&format!("C{i}"), &format!("+7916123450{i}")))
            .collect();
        let s = ImportSession::open(
            local(Rights::full()),
            numbered(contacts),
            Settings {
                batch_size: 2,
                ..Settings::default()
            },
            None,
            &mut |_, _, _| {},
            &CancelToken::new(),
        )
        .unwrap();
        s.select_all();
        let stop = CancelToken::new();
        let report = s
            .commit(
                &mut |done, _| {
                    if done >= 2 {
                        stop.cancel();
                    }
                },
                &stop,
            )
            .unwrap();
        assert!(report.cancelled);
        assert_eq!(report.created.len(), 2, "whole batches only");
        let rest = s.commit(&mut |_, _| {}, &CancelToken::new()).unwrap();
        assert_eq!(rest.created.len(), 5);
        assert_eq!(s.summary().existing_client, 7);
    }

    #[test]
    fn import_refuses_without_the_right_and_export_names_each_missing_right() {
        let err = open(local(Rights::none()), vec![contact("Anna", "+79161234567")]).unwrap_err();
        assert!(matches!(err, Error::MissingRights(ref m) if m.action == Action::Import));
        let err = ExportSession::open(
            local(Rights::none()),
            &[],
            Settings::default(),
            None,
            &mut |_, _, _| {},
            &CancelToken::new(),
        )
        .unwrap_err();
        match err {
            Error::MissingRights(m) => assert_eq!(m.missing.len(), 3),
            other => panic!("expected missing rights, got {other:?}"),
        }
    }

    #[test]
    fn export_links_make_a_second_export_write_nothing() {
        let target = local(Rights::full());
        let s = open(target.clone(), vec![contact("Anna", "+79161234567")]).unwrap();
        s.select_all();
        s.commit(&mut |_, _| {}, &CancelToken::new()).unwrap();
        let export = |device: &[PhonebookContact]| {
            ExportSession::open(
                target.clone(),
                device,
                Settings::default(),
                None,
                &mut |_, _, _| {},
                &CancelToken::new(),
            )
            .unwrap()
        };
        let first = export(&[]);
        assert_eq!(first.select_all(), 1);
        let written: Vec<(i64, String)> = first
            .contacts_to_write()
            .iter()
            .map(|c| (c.client_id, "device-1".to_string()))
            .collect();
        first.confirm_written(&written).unwrap();
        // The device card carries no number at all: the link alone recognises it.
        let device = vec![PhonebookContact {
            platform_id: "device-1".into(),
            given_name: Some("Anna".into()),
            ..Default::default()
        }];
        let second = export(&device);
        assert_eq!(second.summary().in_phonebook, 1);
        assert_eq!(second.select_all(), 0);
    }

    #[test]
    fn local_batches_follow_the_caller_and_never_reach_zero() {
        let local = local(Rights::full());
        assert_eq!(local.batch_size(500), 500);
        assert_eq!(local.batch_size(0), 1);
    }
}
