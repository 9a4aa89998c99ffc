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
use crate::history::UndoReport;
use crate::import::{ImportReport, PreviewRow, Summary};
use crate::messages::{Locale, Message};
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
    /// Import: an import is being undone (on Altegio a request per client, with progress).
    Undoing,
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
    /// Select only the contacts that look like clients (see `suggested`).
    pub select_suggested: bool,
    pub select_none: bool,
    pub import_selected: bool,
    pub cancel: bool,
    pub retry: bool,
    pub search: bool,
    pub choose_number: bool,
    pub back_to_list: bool,
    /// Undo the import just made (ask for confirmation with `undo_count` first).
    pub undo: bool,
    /// "Fill in all": existing clients lacking an email get the phonebook's.
    pub fill_in_all: bool,
    /// The switch "Put the new clients into a category" (see `category`).
    pub set_category: bool,
    /// Undo an import from the history list (`undo_import`).
    pub undo_from_history: bool,
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
    /// passing notice (why a row cannot be ticked), in the screen's language.
    pub message: Option<String>,
    /// The same as a code with its arguments, for a shell that branches or picks an icon.
    pub message_code: Option<Message>,
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
    /// Contacts "Select suggested" selects: importable ones that look like clients.
    pub suggested: u64,
    /// Existing clients offered a missing email from the phonebook, and how many are ticked.
    pub fill_in_offered: u64,
    pub fill_in_selected: u64,
    pub summary: Summary,
    /// The last commit's outcome, in `Result` (and after a failed commit, what it wrote).
    pub report: Option<ImportReport>,
    /// Clients "Undo import" would remove: the screen asks for confirmation with this count.
    pub undo_count: u64,
    /// What the last undo did.
    pub undo_report: Option<UndoReport>,
    /// The category the import puts the clients it creates in (found by title or created);
    /// `None` when switched off.
    pub category: Option<String>,
    /// The title the switch would use, on or off (for its label); `None` before the list.
    pub category_title: Option<String>,
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
    pub message_code: Option<Message>,
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
pub struct Flow {
    phase: ScreenPhase,
    progress: Option<ScreenProgress>,
    permission: Option<ContactsPermission>,
    context: Option<Context>,
    /// Why asking for `context` failed, kept for `admit` to show (the asking happens outside
    /// the screen's lock: for Altegio it is network).
    context_error: Option<Error>,
    message: Option<Message>,
    failure: Option<(FailureKind, Step)>,
    missing_rights: Vec<Right>,
    query: String,
    rows_version: u64,
    /// The running operation's token: a cancel reaches exactly the job it was meant for.
    op: Option<CancelToken>,
    locale: Locale,
}

impl Flow {
    fn new(locale: Locale) -> Flow {
        Flow {
            locale,
            phase: ScreenPhase::Start,
            progress: None,
            permission: None,
            context: None,
            context_error: None,
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
            self.message = Some(m.message());
            self.failure = None;
            return;
        }
        let kind = FailureKind::of(error);
        self.phase = ScreenPhase::Failed;
        self.failure = Some((kind, step));
        self.message = Some(match kind {
            FailureKind::Cancelled => Message::LoadingCancelled,
            _ => error.message(),
        });
    }

    /// The message as the state carries it: text in the screen's language, and the code.
    fn rendered(&self) -> (Option<String>, Option<Message>) {
        (
            self.message.as_ref().map(|m| m.render(self.locale)),
            self.message.clone(),
        )
    }

    /// Rights first (no point reading 50,000 contacts for a refusal), then the permission.
    /// Returns true when the shell should now read the phonebook.
    fn admit(&mut self, target: &Target, settings: &Settings, action: Action) -> bool {
        if let Some(e) = self.context_error.take() {
            self.fail(&e, Step::Access);
            return false;
        }
        let context = match &self.context {
            Some(c) => c.clone(),
            // Only when the screen did not ask beforehand (see `Screen::ensure_context`).
            None => match target.context(settings.last_name_hidden, &CancelToken::new()) {
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
        settings: &Settings,
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
            // Reading again picks up what the user allowed meanwhile, and, with iOS's limited
            // access, the contacts they shared with the picker (the permission stays
            // "limited", so a report of it always reads again).
            ScreenPhase::List | ScreenPhase::Empty | ScreenPhase::Result
                if before != Some(permission) || permission == ContactsPermission::IosLimited =>
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

    /// The advice to show: the blocking one, or iOS's "limited" note next to the list. The
    /// export screen asks for contacts for its own reason, not the import's.
    fn advice(&self, action: Action) -> Option<PermissionAdvice> {
        let p = self.permission?;
        let mut advice = p.advice_in(self.locale);
        if action == Action::Export && advice.action == PermissionAction::RequestPermission {
            advice.explanation = Message::ExportNeedsContacts.render(self.locale);
        }
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

    fn empty_message(&self) -> Message {
        if self.permission == Some(ContactsPermission::IosLimited) {
            Message::EmptyLimited
        } else {
            Message::EmptyPhonebook
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
            Visible::Only(keys) => Some(crate::list::page(keys, offset, limit).to_vec()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// What both screens do, once
// ---------------------------------------------------------------------------------------

/// What differs between the import and the export screen; everything else (the permission
/// and rights gate, reading, matching, search, paging, selection edits, cancel) is
/// [`Screen`]'s, written once.
pub trait Kind {
    type Session: Send + Sync;
    type State: Clone;
    /// How a row is named: a contact's index, a client's id.
    type Key: Copy;
    type Row;
    /// The screen's own part of the state (import: report and undo; export: what was written).
    type Extra: Default;
    const ACTION: Action;

    fn open(
        target: Target,
        contacts: Vec<PhonebookContact>,
        settings: Settings,
        context: Option<Context>,
        progress: crate::session::Progress,
        cancel: &CancelToken,
    ) -> crate::Result<Self::Session>;
    fn row_count(session: &Self::Session) -> u64;
    fn filter(session: &Self::Session, query: &str) -> Vec<Self::Key>;
    fn page(session: &Self::Session, offset: u64, limit: u64) -> Vec<Self::Row>;
    fn rows_for(session: &Self::Session, keys: &[Self::Key]) -> Vec<Self::Row>;
    fn empty_message(flow: &Flow) -> Message;
    /// Forgets the last job's outcome when a new load starts.
    fn reset(extra: &mut Self::Extra);
    fn render(inner: &Inner<Self>) -> Self::State
    where
        Self: Sized;
}

pub struct Inner<K: Kind> {
    flow: Flow,
    session: Option<Arc<K::Session>>,
    visible: Visible<K::Key>,
    extra: K::Extra,
}

/// A screen: the shared flow plus its kind's session and state. Use [`ImportScreen`] or
/// [`ExportScreen`].
pub struct Screen<K: Kind> {
    target: Target,
    settings: Settings,
    observer: Option<Box<dyn ScreenObserver<K::State>>>,
    inner: Mutex<Inner<K>>,
}

impl<K: Kind> Screen<K> {
    pub fn new(
        target: Target,
        settings: Settings,
        observer: Option<Box<dyn ScreenObserver<K::State>>>,
    ) -> Self {
        let locale = settings.locale;
        Screen {
            target,
            settings,
            observer,
            inner: Mutex::new(Inner {
                flow: Flow::new(locale),
                session: None,
                visible: Visible::All,
                extra: K::Extra::default(),
            }),
        }
    }

    fn phase(&self) -> ScreenPhase {
        lock(&self.inner).flow.phase
    }

    pub fn state(&self) -> K::State {
        K::render(&lock(&self.inner))
    }

    /// Applies `change` under the lock, then tells the observer (outside the lock).
    fn update(&self, change: impl FnOnce(&mut Inner<K>)) -> K::State {
        let state = {
            let mut inner = lock(&self.inner);
            change(&mut inner);
            K::render(&inner)
        };
        if let Some(o) = &self.observer {
            o.changed(&state);
        }
        state
    }

    /// Runs the flow's permission/rights gate; a load that starts drops the old list.
    fn admit_with(&self, i: &mut Inner<K>, gate: impl FnOnce(&mut Flow, &Target, &Settings)) {
        gate(&mut i.flow, &self.target, &self.settings);
        if i.flow.phase == ScreenPhase::Reading {
            i.session = None;
            i.visible = Visible::All;
            K::reset(&mut i.extra);
        }
    }

    /// The contacts permission, on open and whenever the app returns to the foreground.
    /// Moves to `RightsMissing`, `NeedsPermission`, or `Reading` (then read the phonebook).
    pub fn permission_changed(&self, permission: ContactsPermission) -> K::State {
        self.ensure_context(false);
        self.update(|i| {
            self.admit_with(i, |flow, target, settings| {
                flow.permission_changed(permission, target, settings, K::ACTION)
            })
        })
    }

    /// Asks for the user's rights and the location's settings before taking the screen's
    /// lock: for Altegio that is two requests (and possibly a wait for the rate limit), and
    /// `state`, `rows` and `cancel` must never wait behind it. `fresh` asks again (a retry).
    fn ensure_context(&self, fresh: bool) {
        {
            let mut i = lock(&self.inner);
            if fresh {
                i.flow.context = None;
                i.flow.context_error = None;
            }
            if i.flow.context.is_some() {
                return;
            }
        }
        let fetched = self
            .target
            .context(self.settings.last_name_hidden, &CancelToken::new());
        let mut i = lock(&self.inner);
        match fetched {
            Ok(c) => {
                i.flow.context = Some(c);
                i.flow.context_error = None;
            }
            Err(e) => i.flow.context_error = Some(e),
        }
    }

    fn readmit(&self, i: &mut Inner<K>) {
        self.admit_with(i, |flow, target, settings| {
            flow.admit(target, settings, K::ACTION);
        });
    }

    /// Contacts read so far; false means stop reading (the user cancelled).
    pub fn reading_progress(&self, done: u64) -> bool {
        let mut go_on = false;
        self.update(|i| go_on = i.flow.reading_progress(done));
        go_on
    }

    /// The phonebook could not be read (the shell's own failure; its text is not for staff).
    pub fn reading_failed(&self) -> K::State {
        self.update(|i| {
            if i.flow.phase == ScreenPhase::Reading {
                i.flow.op = None;
                i.flow.progress = None;
                i.flow.phase = ScreenPhase::Failed;
                i.flow.failure = Some((FailureKind::Phonebook, Step::Load));
                i.flow.message = Some(Message::PhonebookUnreadable);
            }
        })
    }

    /// The phonebook as read: matches it (import) or marks clients already on the phone
    /// (export; for Altegio after refreshing the mirror), then shows the list or why it is
    /// empty. Blocks; `cancel` from another thread stops it promptly.
    pub fn contacts_read(&self, contacts: Vec<PhonebookContact>) -> K::State {
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
                None => return K::render(&i),
            }
        };
        self.update(|_| {});
        let result = K::open(
            self.target.clone(),
            contacts,
            self.settings.clone(),
            context,
            &mut |stage, done, total| {
                self.update(|i| i.flow.progress = Some(ScreenProgress { stage, done, total }));
            },
            &token,
        );
        self.update(|i| {
            // A permission change or a new load may have replaced this operation meanwhile.
            if !i.flow.op.as_ref().is_some_and(|op| op.is_same(&token)) {
                return;
            }
            i.flow.op = None;
            i.flow.progress = None;
            match result {
                Ok(session) => {
                    let empty = K::row_count(&session) == 0;
                    i.session = Some(Arc::new(session));
                    i.visible = Visible::All;
                    i.flow.query.clear();
                    i.flow.rows_version += 1;
                    i.flow.phase = if empty {
                        ScreenPhase::Empty
                    } else {
                        ScreenPhase::List
                    };
                    i.flow.message = empty.then(|| K::empty_message(&i.flow));
                }
                Err(e) => i.flow.fail(&e, Step::Load),
            }
        })
    }

    /// Shows only rows whose name or number contains `query`; empty shows all.
    pub fn search(&self, query: String) -> K::State {
        self.update(|i| {
            let Some(session) = &i.session else { return };
            i.visible = if query.trim().is_empty() {
                Visible::All
            } else {
                Visible::Only(K::filter(session, &query))
            };
            i.flow.query = query;
            i.flow.rows_version += 1;
        })
    }

    /// A page of the visible (searched) rows.
    pub fn rows(&self, offset: u64, limit: u64) -> Vec<K::Row> {
        let (session, keys) = {
            let i = lock(&self.inner);
            let Some(session) = i.session.clone() else {
                return Vec::new();
            };
            (session, i.visible.page(offset, limit))
        };
        match keys {
            None => K::page(&session, offset, limit),
            Some(keys) => K::rows_for(&session, &keys),
        }
    }

    /// A selection change in the list; its error (why a row cannot be ticked) becomes the
    /// message.
    fn edit(&self, change: impl FnOnce(&K::Session) -> crate::Result<()>) -> K::State {
        self.update(|i| {
            if i.flow.phase != ScreenPhase::List {
                return;
            }
            let Some(session) = i.session.clone() else {
                return;
            };
            i.flow.message = change(&session).err().map(|e| e.message());
            i.flow.rows_version += 1;
        })
    }

    /// Stops what is running: reading or matching at once, a commit after its current
    /// batch. Safe from any thread.
    pub fn cancel(&self) {
        lock(&self.inner).flow.cancel();
    }
}

/// Actions both screens offer the same way.
fn can_cancel(phase: ScreenPhase) -> bool {
    matches!(
        phase,
        ScreenPhase::Reading
            | ScreenPhase::Matching
            | ScreenPhase::Committing
            | ScreenPhase::Undoing
    )
}

// ---------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------

/// The import screen's kind.
pub struct ImportKind;

#[derive(Default)]
pub struct ImportExtra {
    report: Option<ImportReport>,
    undo_report: Option<UndoReport>,
    /// The user lacks the delete right (an undo was refused): undo is not offered again.
    undo_refused: bool,
}

impl ImportExtra {
    fn cancelled(&self) -> bool {
        self.report.as_ref().is_some_and(|r| r.cancelled)
    }
}

impl Kind for ImportKind {
    type Session = ImportSession;
    type State = ImportScreenState;
    type Key = u64;
    type Row = PreviewRow;
    type Extra = ImportExtra;
    const ACTION: Action = Action::Import;

    fn open(
        target: Target,
        contacts: Vec<PhonebookContact>,
        settings: Settings,
        context: Option<Context>,
        progress: crate::session::Progress,
        cancel: &CancelToken,
    ) -> crate::Result<ImportSession> {
        ImportSession::open(
            target,
            numbered(contacts),
            settings,
            context,
            progress,
            cancel,
        )
    }

    fn row_count(session: &ImportSession) -> u64 {
        session.row_count()
    }

    fn filter(session: &ImportSession, query: &str) -> Vec<u64> {
        session.filter(query)
    }

    fn page(session: &ImportSession, offset: u64, limit: u64) -> Vec<PreviewRow> {
        session.rows(offset, limit)
    }

    fn rows_for(session: &ImportSession, keys: &[u64]) -> Vec<PreviewRow> {
        session.rows_at(keys).unwrap_or_default()
    }

    fn empty_message(flow: &Flow) -> Message {
        flow.empty_message()
    }

    fn reset(extra: &mut ImportExtra) {
        *extra = ImportExtra::default();
    }

    fn render(inner: &Inner<ImportKind>) -> ImportScreenState {
        let flow = &inner.flow;
        let extra = &inner.extra;
        let (summary, suggested, (fill_in_offered, fill_in_selected)) = inner
            .session
            .as_ref()
            .map(|s| {
                let plan = s.plan();
                (
                    plan.summary(),
                    plan.suggested_count(),
                    plan.fill_in_counts(),
                )
            })
            .unwrap_or_default();
        let category = inner.session.as_ref().and_then(|s| s.category());
        let category_title = inner
            .session
            .as_ref()
            .map(|s| s.category_title().to_string());
        let importable = summary.new + summary.needs_choice;
        let phase = flow.phase;
        let list = phase == ScreenPhase::List;
        let work = summary.selected + fill_in_selected;
        let undo_count = match (&extra.report, &extra.undo_report) {
            // Clients, not contacts: on Altegio two contacts with one number are one client.
            (Some(r), None) if r.history_id.is_some() => r
                .created
                .iter()
                .map(|c| c.client_id)
                .collect::<std::collections::HashSet<_>>()
                .len() as u64,
            _ => 0,
        };
        let (message, message_code) = flow.rendered();
        ImportScreenState {
            phase,
            progress: flow.progress,
            permission: flow.advice(ImportKind::ACTION),
            message,
            message_code,
            failure: flow.failure.map(|(k, _)| k),
            missing_rights: flow.missing_rights.clone(),
            query: flow.query.clone(),
            visible_count: inner.visible.count(summary.total),
            row_count: summary.total,
            rows_version: flow.rows_version,
            selected: summary.selected,
            importable,
            already_clients: summary.existing_client,
            suggested,
            fill_in_offered,
            fill_in_selected,
            report: extra.report.clone(),
            undo_count,
            undo_report: extra.undo_report.clone(),
            category,
            category_title,
            actions: ImportActions {
                select_all: list && summary.selected < importable,
                select_suggested: list && suggested > 0,
                select_none: list && summary.selected > 0,
                import_selected: list && work > 0,
                cancel: can_cancel(phase),
                // After an undo, "retry" loads the phonebook again: the list as it now stands.
                retry: phase == ScreenPhase::Failed
                    || (phase == ScreenPhase::Result
                        && (extra.cancelled() || extra.undo_report.is_some())),
                search: list,
                choose_number: list,
                // After an undo the list would show deleted clients as clients: the screen is
                // done (a new load shows the phonebook as it stands).
                back_to_list: phase == ScreenPhase::Result && extra.undo_report.is_none(),
                undo: phase == ScreenPhase::Result && undo_count > 0 && !extra.undo_refused,
                fill_in_all: list && fill_in_offered > 0,
                set_category: list,
                undo_from_history: !extra.undo_refused
                    && matches!(
                        phase,
                        ScreenPhase::List | ScreenPhase::Result | ScreenPhase::Empty
                    ),
            },
            summary,
        }
    }
}

/// The import screen ("Export from phonebook" in the Altegio app's menu).
pub type ImportScreen = Screen<ImportKind>;

impl<K: Kind> std::fmt::Debug for Screen<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("action", &K::ACTION)
            .field("phase", &self.phase())
            .finish_non_exhaustive()
    }
}

impl Screen<ImportKind> {
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

    /// Selects the contacts that look like clients; each left out says why on its row.
    pub fn select_suggested(&self) -> ImportScreenState {
        self.edit(|s| {
            s.select_suggested();
            Ok(())
        })
    }

    /// Ticks or unticks a contact; a contact that cannot be imported stays unticked and the
    /// message says why.
    pub fn toggle(&self, index: u64) -> ImportScreenState {
        let reason = self
            .rows_at_index(index)
            .filter(|r| !r.status.importable())
            .and_then(|r| r.reason);
        match reason {
            Some(reason) => self.update(|i| i.flow.message = Some(reason)),
            None => self.edit(|s| s.toggle(index).map(|_| ())),
        }
    }

    fn rows_at_index(&self, index: u64) -> Option<PreviewRow> {
        let session = lock(&self.inner).session.clone()?;
        session.rows_at(&[index]).ok()?.pop()
    }

    /// Picks the number to import; the chooser stays available to change it again.
    pub fn choose_number(&self, index: u64, phone: u32) -> ImportScreenState {
        self.edit(|s| s.choose_number(index, phone))
    }

    /// Ticks or unticks filling in one existing client's missing email.
    pub fn set_fill_in(&self, index: u64, fill: bool) -> ImportScreenState {
        self.edit(|s| s.set_fill_in(index, fill))
    }

    /// "Fill in all" (or none): every offered missing email.
    pub fn fill_in_all(&self, fill: bool) -> ImportScreenState {
        self.edit(|s| {
            s.fill_in_all(fill);
            Ok(())
        })
    }

    /// Creates the selected clients (and fills in ticked emails), in batches, with progress.
    /// Blocks; `cancel` stops it after the current batch (what was written stays written).
    pub fn commit(&self) -> ImportScreenState {
        let (session, token) = {
            let mut i = lock(&self.inner);
            let ready = i.flow.phase == ScreenPhase::List
                || i.flow.retry_step() == Some(Step::Commit)
                || (i.flow.phase == ScreenPhase::Result && i.extra.cancelled());
            let work = i.session.as_ref().map_or(0, |s| {
                let plan = s.plan();
                plan.summary().selected + plan.fill_in_counts().1
            });
            match (&i.session, ready && work > 0) {
                (Some(s), true) => {
                    let s = s.clone();
                    let token = i
                        .flow
                        .begin(ScreenPhase::Committing, ProgressStage::Importing);
                    i.extra = ImportExtra {
                        undo_refused: i.extra.undo_refused,
                        ..ImportExtra::default()
                    };
                    (s, token)
                }
                _ => return ImportKind::render(&i),
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
                    i.extra.report = Some(report);
                }
                Err(failed) => {
                    i.extra.report = Some(failed.partial);
                    i.flow.fail(&failed.error, Step::Commit);
                }
            }
        })
    }

    /// From `Failed`: loads again (the shell reads when the phase is `Reading`) or commits
    /// the rest. From a cancelled `Result`: commits the rest. Blocks like what it runs.
    pub fn retry(&self) -> ImportScreenState {
        let step = {
            let i = lock(&self.inner);
            if i.flow.phase == ScreenPhase::Result && i.extra.undo_report.is_some() {
                Some(Step::Load)
            } else if i.flow.phase == ScreenPhase::Result && i.extra.cancelled() {
                Some(Step::Commit)
            } else {
                i.flow.retry_step()
            }
        };
        match step {
            Some(Step::Commit) => self.commit(),
            Some(Step::Access) => {
                self.ensure_context(true);
                self.update(|i| self.readmit(i))
            }
            Some(Step::Load) => self.update(|i| self.readmit(i)),
            None => self.state(),
        }
    }

    /// From `Result` (or a failed commit) back to the list: committed contacts now show as
    /// clients; the rest keep their selection.
    pub fn back_to_list(&self) -> ImportScreenState {
        self.update(|i| {
            let from_commit =
                i.flow.phase == ScreenPhase::Result || i.flow.retry_step() == Some(Step::Commit);
            if from_commit && i.session.is_some() && i.extra.undo_report.is_none() {
                i.flow.phase = ScreenPhase::List;
                i.flow.failure = None;
                i.flow.message = None;
                i.flow.rows_version += 1;
            }
        })
    }

    /// The imports committed to this screen's target, newest first, for a small history list.
    pub fn history(&self) -> crate::Result<Vec<crate::history::ImportRecord>> {
        self.target.imports()
    }

    /// "Undo import" on the result screen, after the user confirmed `undo_count`: removes
    /// the clients this import created that nobody has edited since (on Altegio, nor gave
    /// visits). Ends on `Result`, with `undo_report` saying what was removed and what was
    /// kept; a refusal (the delete right) is shown as the message where the screen was.
    pub fn undo(&self) -> ImportScreenState {
        let history_id = {
            let i = lock(&self.inner);
            match (&i.extra.report, i.flow.phase, &i.extra.undo_report) {
                (Some(r), ScreenPhase::Result, None) => r.history_id,
                _ => None,
            }
        };
        match history_id {
            Some(id) => self.run_undo(id),
            None => self.state(),
        }
    }

    /// Undoes import `import_id` from the history list, after the user confirmed its count
    /// (`created - undone` of its record). Offered while the screen is idle.
    pub fn undo_import(&self, import_id: i64) -> ImportScreenState {
        self.run_undo(import_id)
    }

    /// Blocks while it runs: `Undoing` with progress, cancellable between clients (what was
    /// deleted stays deleted and is recorded; undoing again finishes the rest).
    fn run_undo(&self, import_id: i64) -> ImportScreenState {
        let (was, token, context) = {
            let mut i = lock(&self.inner);
            let was = i.flow.phase;
            if !matches!(
                was,
                ScreenPhase::List | ScreenPhase::Result | ScreenPhase::Empty
            ) {
                return ImportKind::render(&i);
            }
            let token = i.flow.begin(ScreenPhase::Undoing, ProgressStage::Undoing);
            (was, token, i.flow.context.clone())
        };
        self.update(|_| {});
        let result = self.target.undo_import(
            Some(import_id),
            false,
            context.as_ref(),
            &mut |done, total| {
                self.update(|i| {
                    i.flow.progress = Some(ScreenProgress {
                        stage: ProgressStage::Undoing,
                        done,
                        total,
                    })
                });
            },
            &token,
        );
        self.update(|i| {
            i.flow.op = None;
            i.flow.progress = None;
            match result {
                Ok(report) => {
                    i.flow.phase = ScreenPhase::Result;
                    i.flow.message = report.cancelled.then_some(Message::UndoStopped {
                        deleted: report.deleted,
                    });
                    i.extra.undo_report = Some(report);
                    i.flow.rows_version += 1;
                }
                Err(e) => {
                    i.flow.phase = was;
                    i.extra.undo_refused |= matches!(e, Error::MissingRights(_));
                    i.flow.message = Some(e.message());
                }
            }
        })
    }

    /// Switches the category for the clients this import creates on or off.
    pub fn set_category(&self, enabled: bool) -> ImportScreenState {
        self.edit(|s| {
            s.set_category(enabled);
            Ok(())
        })
    }
}

// ---------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------

/// The export screen's kind.
pub struct ExportKind;

#[derive(Default)]
pub struct ExportExtra {
    written: Option<u64>,
    cancelled: bool,
    /// The contacts handed to the shell by `begin_write`, not yet confirmed.
    handed_out: u64,
}

impl Kind for ExportKind {
    type Session = ExportSession;
    type State = ExportScreenState;
    type Key = i64;
    type Row = ExportRow;
    type Extra = ExportExtra;
    const ACTION: Action = Action::Export;

    fn open(
        target: Target,
        contacts: Vec<PhonebookContact>,
        settings: Settings,
        context: Option<Context>,
        progress: crate::session::Progress,
        cancel: &CancelToken,
    ) -> crate::Result<ExportSession> {
        ExportSession::open(target, &contacts, settings, context, progress, cancel)
    }

    fn row_count(session: &ExportSession) -> u64 {
        session.row_count()
    }

    fn filter(session: &ExportSession, query: &str) -> Vec<i64> {
        session.filter(query)
    }

    fn page(session: &ExportSession, offset: u64, limit: u64) -> Vec<ExportRow> {
        session.rows(offset, limit)
    }

    fn rows_for(session: &ExportSession, keys: &[i64]) -> Vec<ExportRow> {
        session.rows_for(keys).unwrap_or_default()
    }

    fn empty_message(_: &Flow) -> Message {
        Message::EmptyClientBase
    }

    fn reset(extra: &mut ExportExtra) {
        *extra = ExportExtra::default();
    }

    fn render(inner: &Inner<ExportKind>) -> ExportScreenState {
        let flow = &inner.flow;
        let summary = inner
            .session
            .as_ref()
            .map(|s| s.summary())
            .unwrap_or_default();
        let phase = flow.phase;
        let list = phase == ScreenPhase::List;
        let (message, message_code) = flow.rendered();
        ExportScreenState {
            phase,
            progress: flow.progress,
            permission: flow.advice(ExportKind::ACTION),
            message,
            message_code,
            failure: flow.failure.map(|(k, _)| k),
            missing_rights: flow.missing_rights.clone(),
            query: flow.query.clone(),
            visible_count: inner.visible.count(summary.total),
            row_count: summary.total,
            rows_version: flow.rows_version,
            selected: summary.selected,
            exportable: summary.new,
            already_on_phone: summary.in_phonebook,
            written: inner.extra.written,
            cancelled: inner.extra.cancelled,
            actions: ExportActions {
                select_all: list && summary.selected < summary.new,
                select_none: list && summary.selected > 0,
                export_selected: list && summary.selected > 0,
                cancel: can_cancel(phase),
                retry: phase == ScreenPhase::Failed,
                search: list,
                back_to_list: phase == ScreenPhase::Result,
            },
            summary,
        }
    }
}

/// The export screen ("Save to phonebook").
pub type ExportScreen = Screen<ExportKind>;

impl Screen<ExportKind> {
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
            i.extra = ExportExtra {
                written: Some(0),
                cancelled: false,
                handed_out: out.len() as u64,
            };
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
            let done = i.extra.written.unwrap_or(0) + batch.len() as u64;
            i.extra.written = Some(done);
            i.flow.progress = Some(ScreenProgress {
                stage: ProgressStage::Writing,
                done,
                total: i.extra.handed_out,
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
                i.flow.message = Some(Message::PhonebookRefused);
                return;
            }
            i.extra.cancelled = i.flow.op.as_ref().is_some_and(CancelToken::is_cancelled);
            i.flow.op = None;
            i.flow.progress = None;
            i.flow.phase = ScreenPhase::Result;
        })
    }

    /// From `Failed`: loads again, or (after a failed write) returns to the list with what
    /// is left still selected, ready to export again.
    pub fn retry(&self) -> ExportScreenState {
        let step = lock(&self.inner).flow.retry_step();
        if step == Some(Step::Access) {
            self.ensure_context(true);
        }
        self.update(|i| match step {
            Some(Step::Commit) => {
                i.flow.phase = ScreenPhase::List;
                i.flow.failure = None;
                i.flow.message = None;
            }
            Some(Step::Access) | Some(Step::Load) => self.readmit(i),
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
