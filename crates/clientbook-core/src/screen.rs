//! The import and export screens' state and transitions, owned by the core.
//!
//! Why the core owns them (the headless-core pattern): the Android ViewModel and the iOS
//! ObservableObject used to hold the same state machine twice (phases, what is enabled, how an
//! error or a cancel moves the screen), and the Swift copy cannot even be compiled here. Now a
//! screen is one object in the core: the shell sends it events (the permission changed, the
//! phonebook was read, a row was ticked, Import was tapped), performs the effects the state
//! asks for (when the phase is [`ScreenPhase::Reading`], read the phonebook; when an export
//! begins, write the contacts it hands out), and renders one state record. Every transition
//! is a plain Rust method, tested here and through the Kotlin bindings.
//!
//! Events never fail: an error becomes state ([`ScreenPhase::Failed`] with a
//! [`FailureKind`], or a passing notice). An event that makes no sense in the current phase
//! (a second tap on Import while committing) is ignored. Calls block (SQLite, network); a
//! shell makes them off its UI thread, one at a time per screen, except [`ImportScreen::cancel`],
//! [`ImportScreen::state`] and the row pages, which are safe from any thread at any time:
//! a long job never holds the screen's lock while it works.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::cancel::CancelToken;
use crate::contact::PhonebookContact;
use crate::error::{Error, RemoteError};
use crate::export::{ContactToWrite, ExportRow, ExportSummary};
use crate::import::{ImportReport, PreviewRow, Summary};
use crate::permission::{ContactsPermission, PermissionAction, PermissionAdvice};
use crate::rights::{Action, Right};
use crate::session::{
    numbered, Context, ExportSession, ImportSession, ProgressStage, Settings, Target,
};

/// Where a screen is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ScreenPhase {
    /// Just opened: the shell reports the contacts permission with `permission_changed`.
    Start,
    /// The phonebook cannot be read yet; `permission` says what to show and offer.
    NeedsPermission,
    /// The user lacks a right; `message` names each one and where an administrator grants it.
    RightsMissing,
    /// The shell is reading the device phonebook (its effect), reporting counts.
    Reading,
    /// The core is matching (and, for Altegio, refreshing its mirror first).
    Matching,
    /// Nothing to list; `message` says why.
    Empty,
    /// The rows are ready.
    List,
    /// Import: clients are being created. Export: the shell is writing contacts.
    Committing,
    /// The job finished or was cancelled; the report says what was done.
    Result,
    /// Something failed; `failure` and `message` say what, `retry` is offered.
    Failed,
}

/// Why a screen failed, for the shell to pick an icon or an action (sign in again, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FailureKind {
    /// Loading was cancelled by the user; retry loads again.
    Cancelled,
    /// The device phonebook could not be read or written.
    Phonebook,
    /// The sign-in expired or the token is wrong.
    SignInRequired,
    /// The server now refuses this user.
    RightsChanged,
    /// The location's licence has expired.
    LicenceExpired,
    /// The server could not be reached or answered badly.
    Network,
    /// The database file on the phone cannot be used.
    Storage,
    /// A bug or an unexpected answer; the message says what.
    Internal,
}

impl FailureKind {
    fn of(error: &Error) -> FailureKind {
        match error {
            Error::Cancelled => FailureKind::Cancelled,
            Error::Remote(RemoteError::Unauthorized) => FailureKind::SignInRequired,
            Error::Remote(RemoteError::Forbidden) => FailureKind::RightsChanged,
            Error::Remote(RemoteError::Licence { .. }) => FailureKind::LicenceExpired,
            Error::Remote(_) => FailureKind::Network,
            Error::NewerSchema { .. }
            | Error::Corrupt { .. }
            | Error::Locked { .. }
            | Error::ReadOnly { .. }
            | Error::Sqlite(_)
            | Error::Io { .. } => FailureKind::Storage,
            Error::BadInput(_) | Error::MissingRights(_) => FailureKind::Internal,
        }
    }
}

/// Progress of the running job; `total` is 0 while unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScreenProgress {
    pub stage: ProgressStage,
    pub done: u64,
    pub total: u64,
}

/// What the import screen offers now. A shell shows a control only when it is enabled here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportActions {
    pub select_all: bool,
    pub select_none: bool,
    pub import_selected: bool,
    pub cancel: bool,
    pub retry: bool,
    pub search: bool,
    pub choose_number: bool,
    pub back_to_list: bool,
}

/// Everything the import screen draws, except the rows, which it pages with `rows`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportScreenState {
    pub phase: ScreenPhase,
    pub progress: Option<ScreenProgress>,
    /// The permission advice while it blocks the screen, or while it limits what is seen
    /// (iOS limited access: the list shows, with a control to share more contacts).
    pub permission: Option<PermissionAdvice>,
    /// The text to show for the phase (missing rights, failure, empty phonebook) or a
    /// passing notice (why a row cannot be ticked).
    pub message: Option<String>,
    pub failure: Option<FailureKind>,
    /// The rights an administrator must grant, in `RightsMissing`.
    pub missing_rights: Vec<Right>,
    /// The search text; `visible_count` rows match it.
    pub query: String,
    pub visible_count: u64,
    pub row_count: u64,
    /// Changes whenever rows change: a list re-pages when it does.
    pub rows_version: u64,
    pub selected: u64,
    /// Contacts that can be imported (new or with a number to choose).
    pub importable: u64,
    /// Contacts whose number already belongs to a client.
    pub already_clients: u64,
    pub summary: Summary,
    /// The last commit's outcome, in `Result` (and after a failed commit, what it wrote).
    pub report: Option<ImportReport>,
    pub actions: ImportActions,
}

/// What the export screen offers now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExportActions {
    pub select_all: bool,
    pub select_none: bool,
    pub export_selected: bool,
    pub cancel: bool,
    pub retry: bool,
    pub search: bool,
    pub back_to_list: bool,
}

/// Everything the export screen draws, except the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExportScreenState {
    pub phase: ScreenPhase,
    pub progress: Option<ScreenProgress>,
    pub permission: Option<PermissionAdvice>,
    pub message: Option<String>,
    pub failure: Option<FailureKind>,
    pub missing_rights: Vec<Right>,
    pub query: String,
    pub visible_count: u64,
    pub row_count: u64,
    pub rows_version: u64,
    pub selected: u64,
    /// Clients not on the phone yet.
    pub exportable: u64,
    pub already_on_phone: u64,
    pub summary: ExportSummary,
    /// Contacts written by the last export (in `Result`, and what was written before a
    /// failure or a cancel).
    pub written: Option<u64>,
    /// True when the last export stopped on request.
    pub cancelled: bool,
    pub actions: ExportActions,
}

/// Told about every state change, on the thread that made it (a worker thread during a long
/// job). The shell publishes the state to its UI thread.
pub trait ScreenObserver<S>: Send + Sync {
    fn changed(&self, state: &S);
}

/// The step a failure interrupted, so `retry` knows what to run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Asking the server for rights and settings.
    Access,
    /// Reading the phonebook or matching it.
    Load,
    /// Creating clients, or writing contacts.
    Commit,
}

/// The part of a screen's state that both screens share, and the permission and failure
/// transitions, which are the same for both.
#[derive(Debug)]
struct Flow {
    phase: ScreenPhase,
    progress: Option<ScreenProgress>,
    permission: Option<ContactsPermission>,
    context: Option<Context>,
    message: Option<String>,
    failure: Option<(FailureKind, Step)>,
    missing_rights: Vec<Right>,
    query: String,
    rows_version: u64,
    /// The running operation's token: a cancel reaches exactly the job it was meant for.
    op: Option<CancelToken>,
}

impl Flow {
    fn new() -> Flow {
        Flow {
            phase: ScreenPhase::Start,
            progress: None,
            permission: None,
            context: None,
            message: None,
            failure: None,
            missing_rights: Vec::new(),
            query: String::new(),
            rows_version: 0,
            op: None,
        }
    }

    /// Starts an operation: a fresh token, never one reused from an earlier job.
    fn begin(&mut self, phase: ScreenPhase, stage: ProgressStage) -> CancelToken {
        let token = CancelToken::new();
        self.op = Some(token.clone());
        self.phase = phase;
        self.progress = Some(ScreenProgress {
            stage,
            done: 0,
            total: 0,
        });
        self.message = None;
        self.failure = None;
        token
    }

    fn fail(&mut self, error: &Error, step: Step) {
        self.op = None;
        self.progress = None;
        if let Error::MissingRights(m) = error {
            self.phase = ScreenPhase::RightsMissing;
            self.missing_rights = m.missing.clone();
            self.message = Some(m.to_string());
            self.failure = None;
            return;
        }
        let kind = FailureKind::of(error);
        self.phase = ScreenPhase::Failed;
        self.failure = Some((kind, step));
        self.message = Some(match kind {
            FailureKind::Cancelled => "Loading was cancelled.".to_string(),
            _ => error.to_string(),
        });
    }

    /// Rights first (no point reading 50,000 contacts for a refusal), then the permission.
    /// Returns true when the shell should now read the phonebook.
    fn admit(&mut self, target: &Target, settings: Settings, action: Action) -> bool {
        let context = match &self.context {
            Some(c) => c.clone(),
            None => match target.context(settings.last_name_hidden) {
                Ok(c) => {
                    self.context = Some(c.clone());
                    c
                }
                Err(e) => {
                    self.fail(&e, Step::Access);
                    return false;
                }
            },
        };
        if let Err(missing) = context.rights.check(action) {
            self.fail(&Error::MissingRights(missing), Step::Access);
            return false;
        }
        self.missing_rights.clear();
        let permission = self.permission.unwrap_or(ContactsPermission::AndroidDenied);
        if !permission.can_read() {
            self.phase = ScreenPhase::NeedsPermission;
            self.progress = None;
            self.message = None;
            self.failure = None;
            return false;
        }
        self.begin(ScreenPhase::Reading, ProgressStage::Reading);
        true
    }

    /// The permission the shell reports, on open and whenever the app comes back to the
    /// foreground (the user may have changed it in Settings).
    fn permission_changed(
        &mut self,
        permission: ContactsPermission,
        target: &Target,
        settings: Settings,
        action: Action,
    ) {
        let before = self.permission.replace(permission);
        match self.phase {
            ScreenPhase::Start | ScreenPhase::NeedsPermission | ScreenPhase::RightsMissing => {
                self.admit(target, settings, action);
            }
            ScreenPhase::Failed if self.failure.is_some_and(|(_, s)| s != Step::Commit) => {
                self.admit(target, settings, action);
            }
            // Reading again picks up what the user shared or allowed meanwhile.
            ScreenPhase::List | ScreenPhase::Empty | ScreenPhase::Result
                if before != Some(permission) =>
            {
                self.admit(target, settings, action);
            }
            ScreenPhase::Reading | ScreenPhase::Matching if !permission.can_read() => {
                if let Some(op) = self.op.take() {
                    op.cancel();
                }
                self.admit(target, settings, action);
            }
            _ => {}
        }
    }

    fn reading_progress(&mut self, done: u64) -> bool {
        if self.phase != ScreenPhase::Reading {
            return false;
        }
        let Some(op) = &self.op else { return false };
        if op.is_cancelled() {
            return false;
        }
        self.progress = Some(ScreenProgress {
            stage: ProgressStage::Reading,
            done,
            total: 0,
        });
        true
    }

    fn cancel(&mut self) {
        if let Some(op) = &self.op {
            op.cancel();
        }
    }

    /// The advice to show: the blocking one, or iOS's "limited" note next to the list.
    fn advice(&self) -> Option<PermissionAdvice> {
        let p = self.permission?;
        let advice = p.advice();
        match self.phase {
            ScreenPhase::NeedsPermission => Some(advice),
            _ if advice.action == PermissionAction::ProceedLimited => Some(advice),
            _ => None,
        }
    }

    fn retry_step(&self) -> Option<Step> {
        match self.phase {
            ScreenPhase::Failed => self.failure.map(|(_, s)| s),
            _ => None,
        }
    }

    fn empty_message(&self) -> String {
        if self.permission == Some(ContactsPermission::IosLimited) {
            "No contacts are shared with the app. Tap \"Choose more contacts\" to share the ones to import.".to_string()
        } else {
            "The phonebook has no contacts the app can see. Add contacts in the Contacts app (contacts in hidden groups and Google's \"Other contacts\" are not shown), then open this screen again.".to_string()
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Which rows a search shows: all of them, or the ones matching the query, in list order.
#[derive(Debug, Default)]
enum Visible<K> {
    #[default]
    All,
    Only(Vec<K>),
}

impl<K: Copy> Visible<K> {
    fn count(&self, all: u64) -> u64 {
        match self {
            Visible::All => all,
            Visible::Only(keys) => keys.len() as u64,
        }
    }

    fn page(&self, offset: u64, limit: u64) -> Option<Vec<K>> {
        match self {
            Visible::All => None,
            Visible::Only(keys) => Some(crate::import::page(keys, offset, limit).to_vec()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct ImportInner {
    flow: Flow,
    session: Option<Arc<ImportSession>>,
    visible: Visible<u64>,
    report: Option<ImportReport>,
}

/// The import screen ("Export from phonebook" in the Altegio app's menu).
pub struct ImportScreen {
    target: Target,
    settings: Settings,
    observer: Option<Box<dyn ScreenObserver<ImportScreenState>>>,
    inner: Mutex<ImportInner>,
}

impl std::fmt::Debug for ImportScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportScreen")
            .field("phase", &lock(&self.inner).flow.phase)
            .finish_non_exhaustive()
    }
}

impl ImportScreen {
    pub fn new(
        target: Target,
        settings: Settings,
        observer: Option<Box<dyn ScreenObserver<ImportScreenState>>>,
    ) -> ImportScreen {
        ImportScreen {
            target,
            settings,
            observer,
            inner: Mutex::new(ImportInner {
                flow: Flow::new(),
                session: None,
                visible: Visible::All,
                report: None,
            }),
        }
    }

    pub fn state(&self) -> ImportScreenState {
        Self::render(&lock(&self.inner))
    }

    fn render(inner: &ImportInner) -> ImportScreenState {
        let flow = &inner.flow;
        let summary = inner
            .session
            .as_ref()
            .map(|s| s.summary())
            .unwrap_or_default();
        let row_count = summary.total;
        let importable = summary.new + summary.needs_choice;
        let phase = flow.phase;
        let list = phase == ScreenPhase::List;
        ImportScreenState {
            phase,
            progress: flow.progress,
            permission: flow.advice(),
            message: flow.message.clone(),
            failure: flow.failure.map(|(k, _)| k),
            missing_rights: flow.missing_rights.clone(),
            query: flow.query.clone(),
            visible_count: inner.visible.count(row_count),
            row_count,
            rows_version: flow.rows_version,
            selected: summary.selected,
            importable,
            already_clients: summary.existing_client,
            report: inner.report.clone(),
            actions: ImportActions {
                select_all: list && summary.selected < importable,
                select_none: list && summary.selected > 0,
                import_selected: list && summary.selected > 0,
                cancel: matches!(
                    phase,
                    ScreenPhase::Reading | ScreenPhase::Matching | ScreenPhase::Committing
                ),
                retry: phase == ScreenPhase::Failed
                    || (phase == ScreenPhase::Result
                        && inner.report.as_ref().is_some_and(|r| r.cancelled)),
                search: list,
                choose_number: list,
                back_to_list: phase == ScreenPhase::Result,
            },
            summary,
        }
    }

    /// Applies `change` under the lock, then tells the observer (outside the lock).
    fn update(&self, change: impl FnOnce(&mut ImportInner)) -> ImportScreenState {
        let state = {
            let mut inner = lock(&self.inner);
            change(&mut inner);
            Self::render(&inner)
        };
        if let Some(o) = &self.observer {
            o.changed(&state);
        }
        state
    }

    /// The contacts permission, on open and whenever the app returns to the foreground.
    /// Moves to `RightsMissing`, `NeedsPermission`, or `Reading` (then read the phonebook).
    pub fn permission_changed(&self, permission: ContactsPermission) -> ImportScreenState {
        self.update(|i| {
            i.flow
                .permission_changed(permission, &self.target, self.settings, Action::Import);
            if i.flow.phase == ScreenPhase::Reading {
                i.session = None;
                i.visible = Visible::All;
                i.report = None;
            }
        })
    }

    /// Contacts read so far; false means stop reading (the user cancelled).
    pub fn reading_progress(&self, done: u64) -> bool {
        let mut go_on = false;
        self.update(|i| go_on = i.flow.reading_progress(done));
        go_on
    }

    /// The phonebook could not be read (the shell's own failure; its text is not for staff).
    pub fn reading_failed(&self) -> ImportScreenState {
        self.update(|i| {
            if matches!(i.flow.phase, ScreenPhase::Reading) {
                i.flow.op = None;
                i.flow.progress = None;
                i.flow.phase = ScreenPhase::Failed;
                i.flow.failure = Some((FailureKind::Phonebook, Step::Load));
                i.flow.message = Some(
                    "The phonebook could not be read. Try again; if it keeps failing, restart the phone."
                        .to_string(),
                );
            }
        })
    }

    /// The phonebook as read: matches it and shows the list (or why it is empty). Blocks
    /// while matching; `cancel` from another thread stops it promptly.
    pub fn contacts_read(&self, contacts: Vec<PhonebookContact>) -> ImportScreenState {
        let (token, context) = {
            let mut i = lock(&self.inner);
            let op = i
                .flow
                .op
                .clone()
                .filter(|_| i.flow.phase == ScreenPhase::Reading);
            match op {
                Some(op) if !op.is_cancelled() => {
                    i.flow.phase = ScreenPhase::Matching;
                    i.flow.progress = Some(ScreenProgress {
                        stage: ProgressStage::Matching,
                        done: 0,
                        total: contacts.len() as u64,
                    });
                    (op, i.flow.context.clone())
                }
                Some(_) => {
                    drop(i);
                    return self.update(|i| i.flow.fail(&Error::Cancelled, Step::Load));
                }
                None => return Self::render(&i),
            }
        };
        self.update(|_| {});
        let result = ImportSession::open(
            self.target.clone(),
            numbered(contacts),
            self.settings,
            context,
            &mut |stage, done, total| {
                self.update(|i| i.flow.progress = Some(ScreenProgress { stage, done, total }));
            },
            &token,
        );
        self.update(|i| {
            // A permission change or a new load may have replaced this operation meanwhile.
            if !i.flow.op.as_ref().is_some_and(|op| same(op, &token)) {
                return;
            }
            i.flow.op = None;
            i.flow.progress = None;
            match result {
                Ok(session) => {
                    let empty = session.row_count() == 0;
                    i.session = Some(Arc::new(session));
                    i.visible = Visible::All;
                    i.flow.query.clear();
                    i.flow.rows_version += 1;
                    i.flow.phase = if empty {
                        ScreenPhase::Empty
                    } else {
                        ScreenPhase::List
                    };
                    i.flow.message = empty.then(|| i.flow.empty_message());
                }
                Err(e) => i.flow.fail(&e, Step::Load),
            }
        })
    }

    /// Shows only rows whose name or number contains `query`; empty shows all.
    pub fn search(&self, query: String) -> ImportScreenState {
        self.update(|i| {
            let Some(session) = &i.session else { return };
            i.visible = if query.trim().is_empty() {
                Visible::All
            } else {
                Visible::Only(session.filter(&query))
            };
            i.flow.query = query;
            i.flow.rows_version += 1;
        })
    }

    /// A page of the visible (searched) rows.
    pub fn rows(&self, offset: u64, limit: u64) -> Vec<PreviewRow> {
        let (session, keys) = {
            let i = lock(&self.inner);
            let Some(session) = i.session.clone() else {
                return Vec::new();
            };
            (session, i.visible.page(offset, limit))
        };
        match keys {
            None => session.rows(offset, limit),
            Some(keys) => session.rows_at(&keys).unwrap_or_default(),
        }
    }

    fn edit(&self, change: impl FnOnce(&ImportSession) -> crate::Result<()>) -> ImportScreenState {
        self.update(|i| {
            if i.flow.phase != ScreenPhase::List {
                return;
            }
            let Some(session) = i.session.clone() else {
                return;
            };
            i.flow.message = change(&session).err().map(|e| e.to_string());
            i.flow.rows_version += 1;
        })
    }

    pub fn select_all(&self) -> ImportScreenState {
        self.edit(|s| {
            s.select_all();
            Ok(())
        })
    }

    pub fn select_none(&self) -> ImportScreenState {
        self.edit(|s| {
            s.select_none();
            Ok(())
        })
    }

    /// Ticks or unticks a contact; a contact that cannot be imported stays unticked and the
    /// message says why.
    pub fn toggle(&self, index: u64) -> ImportScreenState {
        self.edit(|s| s.toggle(index).map(|_| ()))
    }

    /// Picks the number to import; the chooser stays available to change it again.
    pub fn choose_number(&self, index: u64, phone: u32) -> ImportScreenState {
        self.edit(|s| s.choose_number(index, phone))
    }

    /// Creates the selected clients, in batches, with progress. Blocks; `cancel` stops it
    /// after the current batch (what was written stays written).
    pub fn commit(&self) -> ImportScreenState {
        let (session, token) = {
            let mut i = lock(&self.inner);
            let ready = matches!(i.flow.phase, ScreenPhase::List)
                || i.flow.retry_step() == Some(Step::Commit)
                || (i.flow.phase == ScreenPhase::Result
                    && i.report.as_ref().is_some_and(|r| r.cancelled));
            match (&i.session, ready) {
                (Some(s), true) if s.summary().selected > 0 => {
                    let s = s.clone();
                    let token = i
                        .flow
                        .begin(ScreenPhase::Committing, ProgressStage::Importing);
                    i.report = None;
                    (s, token)
                }
                _ => return Self::render(&i),
            }
        };
        self.update(|_| {});
        let result = session.commit(
            &mut |done, total| {
                self.update(|i| {
                    i.flow.progress = Some(ScreenProgress {
                        stage: ProgressStage::Importing,
                        done,
                        total,
                    })
                });
            },
            &token,
        );
        self.update(|i| {
            i.flow.rows_version += 1;
            match result {
                Ok(report) => {
                    i.flow.op = None;
                    i.flow.progress = None;
                    i.flow.phase = ScreenPhase::Result;
                    i.report = Some(report);
                }
                Err(failed) => {
                    i.report = Some(failed.partial);
                    i.flow.fail(&failed.error, Step::Commit);
                }
            }
        })
    }

    /// Stops what is running: reading or matching at once, a commit after its current batch.
    /// Safe from any thread.
    pub fn cancel(&self) {
        lock(&self.inner).flow.cancel();
    }

    /// From `Failed`: loads again (the shell reads when the phase is `Reading`) or commits
    /// the rest. From a cancelled `Result`: commits the rest. Blocks like what it runs.
    pub fn retry(&self) -> ImportScreenState {
        let step = {
            let i = lock(&self.inner);
            let cancelled_result = i.flow.phase == ScreenPhase::Result
                && i.report.as_ref().is_some_and(|r| r.cancelled);
            if cancelled_result {
                Some(Step::Commit)
            } else {
                i.flow.retry_step()
            }
        };
        match step {
            Some(Step::Commit) => self.commit(),
            Some(Step::Access) => self.update(|i| {
                i.flow.context = None;
                i.flow.admit(&self.target, self.settings, Action::Import);
            }),
            Some(Step::Load) => self.update(|i| {
                i.session = None;
                i.flow.admit(&self.target, self.settings, Action::Import);
            }),
            None => self.state(),
        }
    }

    /// From `Result` (or a failed commit) back to the list: committed contacts now show as
    /// clients; the rest keep their selection.
    pub fn back_to_list(&self) -> ImportScreenState {
        self.update(|i| {
            let from_commit =
                i.flow.phase == ScreenPhase::Result || i.flow.retry_step() == Some(Step::Commit);
            if from_commit && i.session.is_some() {
                i.flow.phase = ScreenPhase::List;
                i.flow.failure = None;
                i.flow.message = None;
                i.flow.rows_version += 1;
            }
        })
    }
}

fn same(a: &CancelToken, b: &CancelToken) -> bool {
    a.is_same(b)
}

// ---------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct ExportInner {
    flow: Flow,
    session: Option<Arc<ExportSession>>,
    visible: Visible<i64>,
    written: Option<u64>,
    cancelled: bool,
    /// The contacts handed to the shell by `begin_write`, not yet confirmed.
    handed_out: u64,
}

/// The export screen ("Save to phonebook").
pub struct ExportScreen {
    target: Target,
    settings: Settings,
    observer: Option<Box<dyn ScreenObserver<ExportScreenState>>>,
    inner: Mutex<ExportInner>,
}

impl std::fmt::Debug for ExportScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportScreen")
            .field("phase", &lock(&self.inner).flow.phase)
            .finish_non_exhaustive()
    }
}

impl ExportScreen {
    pub fn new(
        target: Target,
        settings: Settings,
        observer: Option<Box<dyn ScreenObserver<ExportScreenState>>>,
    ) -> ExportScreen {
        ExportScreen {
            target,
            settings,
            observer,
            inner: Mutex::new(ExportInner {
                flow: Flow::new(),
                session: None,
                visible: Visible::All,
                written: None,
                cancelled: false,
                handed_out: 0,
            }),
        }
    }

    pub fn state(&self) -> ExportScreenState {
        Self::render(&lock(&self.inner))
    }

    fn render(inner: &ExportInner) -> ExportScreenState {
        let flow = &inner.flow;
        let summary = inner
            .session
            .as_ref()
            .map(|s| s.summary())
            .unwrap_or_default();
        let phase = flow.phase;
        let list = phase == ScreenPhase::List;
        ExportScreenState {
            phase,
            progress: flow.progress,
            permission: flow.advice(),
            message: flow.message.clone(),
            failure: flow.failure.map(|(k, _)| k),
            missing_rights: flow.missing_rights.clone(),
            query: flow.query.clone(),
            visible_count: inner.visible.count(summary.total),
            row_count: summary.total,
            rows_version: flow.rows_version,
            selected: summary.selected,
            exportable: summary.new,
            already_on_phone: summary.in_phonebook,
            written: inner.written,
            cancelled: inner.cancelled,
            actions: ExportActions {
                select_all: list && summary.selected < summary.new,
                select_none: list && summary.selected > 0,
                export_selected: list && summary.selected > 0,
                cancel: matches!(
                    phase,
                    ScreenPhase::Reading | ScreenPhase::Matching | ScreenPhase::Committing
                ),
                retry: phase == ScreenPhase::Failed,
                search: list,
                back_to_list: phase == ScreenPhase::Result,
            },
            summary,
        }
    }

    fn update(&self, change: impl FnOnce(&mut ExportInner)) -> ExportScreenState {
        let state = {
            let mut inner = lock(&self.inner);
            change(&mut inner);
            Self::render(&inner)
        };
        if let Some(o) = &self.observer {
            o.changed(&state);
        }
        state
    }

    /// Checks the three export rights, then the permission; `Reading` asks the shell to read
    /// the device contacts (with their platform ids) so clients already there are marked.
    pub fn permission_changed(&self, permission: ContactsPermission) -> ExportScreenState {
        self.update(|i| {
            i.flow
                .permission_changed(permission, &self.target, self.settings, Action::Export);
            if i.flow.phase == ScreenPhase::Reading {
                i.session = None;
                i.visible = Visible::All;
                i.written = None;
            }
        })
    }

    pub fn reading_progress(&self, done: u64) -> bool {
        let mut go_on = false;
        self.update(|i| go_on = i.flow.reading_progress(done));
        go_on
    }

    pub fn reading_failed(&self) -> ExportScreenState {
        self.update(|i| {
            if i.flow.phase == ScreenPhase::Reading {
                i.flow.op = None;
                i.flow.progress = None;
                i.flow.phase = ScreenPhase::Failed;
                i.flow.failure = Some((FailureKind::Phonebook, Step::Load));
                i.flow.message = Some(
                    "The phonebook could not be read. Try again; if it keeps failing, restart the phone."
                        .to_string(),
                );
            }
        })
    }

    /// The device's contacts: builds the client list (for Altegio after refreshing the
    /// mirror, with progress). Blocks; `cancel` stops it between pages.
    pub fn contacts_read(&self, device_contacts: Vec<PhonebookContact>) -> ExportScreenState {
        let (token, context) = {
            let mut i = lock(&self.inner);
            let op = i
                .flow
                .op
                .clone()
                .filter(|_| i.flow.phase == ScreenPhase::Reading);
            match op {
                Some(op) if !op.is_cancelled() => {
                    i.flow.phase = ScreenPhase::Matching;
                    i.flow.progress = Some(ScreenProgress {
                        stage: ProgressStage::Matching,
                        done: 0,
                        total: 0,
                    });
                    (op, i.flow.context.clone())
                }
                Some(_) => {
                    drop(i);
                    return self.update(|i| i.flow.fail(&Error::Cancelled, Step::Load));
                }
                None => return Self::render(&i),
            }
        };
        self.update(|_| {});
        let result = ExportSession::open(
            self.target.clone(),
            &device_contacts,
            self.settings,
            context,
            &mut |stage, done, total| {
                self.update(|i| i.flow.progress = Some(ScreenProgress { stage, done, total }));
            },
            &token,
        );
        self.update(|i| {
            if !i.flow.op.as_ref().is_some_and(|op| same(op, &token)) {
                return;
            }
            i.flow.op = None;
            i.flow.progress = None;
            match result {
                Ok(session) => {
                    let empty = session.row_count() == 0;
                    i.session = Some(Arc::new(session));
                    i.visible = Visible::All;
                    i.flow.query.clear();
                    i.flow.rows_version += 1;
                    i.flow.phase = if empty {
                        ScreenPhase::Empty
                    } else {
                        ScreenPhase::List
                    };
                    i.flow.message = empty.then(|| {
                        "There are no clients to save: the client base is empty.".to_string()
                    });
                }
                Err(e) => i.flow.fail(&e, Step::Load),
            }
        })
    }

    pub fn search(&self, query: String) -> ExportScreenState {
        self.update(|i| {
            let Some(session) = &i.session else { return };
            i.visible = if query.trim().is_empty() {
                Visible::All
            } else {
                Visible::Only(session.filter(&query))
            };
            i.flow.query = query;
            i.flow.rows_version += 1;
        })
    }

    pub fn rows(&self, offset: u64, limit: u64) -> Vec<ExportRow> {
        let (session, keys) = {
            let i = lock(&self.inner);
            let Some(session) = i.session.clone() else {
                return Vec::new();
            };
            (session, i.visible.page(offset, limit))
        };
        match keys {
            None => session.rows(offset, limit),
            Some(keys) => session.rows_for(&keys).unwrap_or_default(),
        }
    }

    fn edit(&self, change: impl FnOnce(&ExportSession) -> crate::Result<()>) -> ExportScreenState {
        self.update(|i| {
            if i.flow.phase != ScreenPhase::List {
                return;
            }
            let Some(session) = i.session.clone() else {
                return;
            };
            i.flow.message = change(&session).err().map(|e| e.to_string());
            i.flow.rows_version += 1;
        })
    }

    pub fn select_all(&self) -> ExportScreenState {
        self.edit(|s| {
            s.select_all();
            Ok(())
        })
    }

    pub fn select_none(&self) -> ExportScreenState {
        self.edit(|s| {
            s.select_none();
            Ok(())
        })
    }

    pub fn toggle(&self, client_id: i64) -> ExportScreenState {
        self.edit(|s| s.toggle(client_id).map(|_| ()))
    }

    /// Starts writing: returns the selected clients as contacts for the platform's API and
    /// moves to `Committing`. The shell writes them in batches, calling `written` after each.
    pub fn begin_write(&self) -> Vec<ContactToWrite> {
        let mut out = Vec::new();
        self.update(|i| {
            let ready =
                i.flow.phase == ScreenPhase::List || i.flow.retry_step() == Some(Step::Commit);
            let Some(session) = i.session.clone().filter(|_| ready) else {
                return;
            };
            out = session.contacts_to_write();
            if out.is_empty() {
                return;
            }
            i.flow
                .begin(ScreenPhase::Committing, ProgressStage::Writing);
            i.flow.progress = Some(ScreenProgress {
                stage: ProgressStage::Writing,
                done: 0,
                total: out.len() as u64,
            });
            i.written = Some(0);
            i.cancelled = false;
            i.handed_out = out.len() as u64;
        });
        out
    }

    /// A batch the shell has written, with the ids the platform gave the contacts. Returns
    /// false when the user cancelled: the shell stops and calls `write_finished`.
    pub fn written(&self, batch: Vec<(i64, String)>) -> bool {
        let mut go_on = false;
        self.update(|i| {
            if i.flow.phase != ScreenPhase::Committing {
                return;
            }
            let Some(session) = i.session.clone() else {
                return;
            };
            if let Err(e) = session.confirm_written(&batch) {
                i.flow.fail(&e, Step::Commit);
                return;
            }
            let done = i.written.unwrap_or(0) + batch.len() as u64;
            i.written = Some(done);
            i.flow.progress = Some(ScreenProgress {
                stage: ProgressStage::Writing,
                done,
                total: i.handed_out,
            });
            go_on = !i.flow.op.as_ref().is_some_and(CancelToken::is_cancelled);
        });
        go_on
    }

    /// The shell has stopped writing: all done, cancelled, or `failed` (the phonebook refused
    /// a batch; what `written` confirmed stays recorded, so retrying writes only the rest).
    pub fn write_finished(&self, failed: bool) -> ExportScreenState {
        self.update(|i| {
            if i.flow.phase != ScreenPhase::Committing {
                return;
            }
            i.flow.rows_version += 1;
            if failed {
                i.flow.op = None;
                i.flow.progress = None;
                i.flow.phase = ScreenPhase::Failed;
                i.flow.failure = Some((FailureKind::Phonebook, Step::Commit));
                i.flow.message = Some(
                    "The phonebook refused to save some contacts. Those saved are kept; try again to save the rest."
                        .to_string(),
                );
                return;
            }
            i.cancelled = i.flow.op.as_ref().is_some_and(CancelToken::is_cancelled);
            i.flow.op = None;
            i.flow.progress = None;
            i.flow.phase = ScreenPhase::Result;
        })
    }

    pub fn cancel(&self) {
        lock(&self.inner).flow.cancel();
    }

    /// From `Failed`: loads again, or (after a failed write) returns to the list with what
    /// is left still selected, ready to export again.
    pub fn retry(&self) -> ExportScreenState {
        self.update(|i| match i.flow.retry_step() {
            Some(Step::Commit) => {
                i.flow.phase = ScreenPhase::List;
                i.flow.failure = None;
                i.flow.message = None;
            }
            Some(Step::Access) => {
                i.flow.context = None;
                i.flow.admit(&self.target, self.settings, Action::Export);
            }
            Some(Step::Load) => {
                i.session = None;
                i.flow.admit(&self.target, self.settings, Action::Export);
            }
            None => {}
        })
    }

    pub fn back_to_list(&self) -> ExportScreenState {
        self.update(|i| {
            if i.flow.phase == ScreenPhase::Result && i.session.is_some() {
                i.flow.phase = ScreenPhase::List;
                i.flow.rows_version += 1;
            }
        })
    }
}
