//! `clientbook`: the whole import and export job on a laptop, on vCard files, against the
//! local SQLite client database or a salon's Altegio location (`--altegio`). Thin: argument
//! parsing, files, output; it drives the core's import and export sessions, and every
//! decision is theirs.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

mod http;

use clap::{Parser, Subcommand};
use clientbook_core::altegio::{AltegioClient, Credentials, Politeness};
use clientbook_core::cancel::CancelToken;
use clientbook_core::contact::PhonebookContact;
use clientbook_core::export::ExportRow;
use clientbook_core::import::{self, ImportReport, PreviewRow, Summary};
use clientbook_core::messages::Locale;
use clientbook_core::phone::{self, Region};
use clientbook_core::rights::Rights;
use clientbook_core::session::{
    Altegio, Context, ExportSession, ImportSession, ProgressStage, Settings, Target,
};
use clientbook_core::store::Store;
use clientbook_core::vcard::{self, CardError};
use clientbook_core::Error;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "clientbook",
    version,
    about = "Move contacts between a phonebook (vCard) and the salon's client database"
)]
struct Cli {
    /// Client database file. Default: $CLIENTBOOK_DB, else $XDG_DATA_HOME/clientbook/clients.db,
    /// else ~/.local/share/clientbook/clients.db.
    #[arg(long, global = true, env = "CLIENTBOOK_DB")]
    db: Option<PathBuf>,
    /// The location's country, used to read numbers written without a country code.
    #[arg(long, global = true, default_value = "RU")]
    region: String,
    /// The user's rights as Altegio keys, comma-separated; a key left out is not granted.
    /// Default: all rights.
    #[arg(long, global = true)]
    rights: Option<String>,
    /// The location hides the "Last Name" field: lists show first names only.
    #[arg(long, global = true)]
    last_name_hidden: bool,
    /// Work against the salon's Altegio database at this API address (e.g.
    /// https://api.alteg.io) instead of the local one. Tokens come from ALTEGIO_PARTNER_TOKEN
    /// and ALTEGIO_USER_TOKEN; rights and the surname setting come from the server. The --db
    /// file then holds the mirror and the import journal.
    #[arg(long, global = true, requires = "location")]
    altegio: Option<String>,
    /// The Altegio location (branch) id, with --altegio.
    #[arg(long, global = true)]
    location: Option<i64>,
    /// One of the location's own numbers: contacts with it are left out of `--select
    /// suggested`. Repeatable.
    #[arg(long = "location-phone", global = true, value_name = "NUMBER")]
    location_phones: Vec<String>,
    /// A staff member's number, likewise. Repeatable.
    #[arg(long = "staff-phone", global = true, value_name = "NUMBER")]
    staff_phones: Vec<String>,
    /// Language of the texts for staff (row problems, refusals): "ru" or "en". Default:
    /// from LC_ALL, LC_MESSAGES or LANG; anything but Russian is English.
    #[arg(long, global = true, value_name = "LANGUAGE")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct ImportArgs {
    file: PathBuf,
    /// `all` (every contact that can be imported), `suggested` (those that look like
    /// clients: not service numbers, the location's or staff's numbers, or contacts exported
    /// by this app) or card indexes such as `1,4,7`.
    #[arg(long, default_value = "all")]
    select: String,
    /// Which number to import for a contact with several: CONTACT=INDEX, INDEX into
    /// the contact's `phones` in the preview. Repeatable.
    #[arg(long = "number", value_name = "CONTACT=INDEX")]
    numbers: Vec<String>,
    /// Fill in the email of existing clients who have none, from the phonebook (never
    /// overwrites an email a client has).
    #[arg(long)]
    fill_in: bool,
    /// Put the clients the import creates into this category (found by title, created if
    /// missing). Default on Altegio: "From phonebook" in --lang; locally: none.
    #[arg(long, value_name = "TITLE", conflicts_with = "no_category")]
    category: Option<String>,
    /// Put the created clients into no category (Altegio's default puts them in one).
    #[arg(long)]
    no_category: bool,
    /// Show what would happen; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Import contacts from a vCard file into the client database.
    Import(ImportArgs),
    /// Save clients to a vCard phonebook file (appends; clients already there are skipped).
    Export {
        #[arg(long)]
        out: PathBuf,
        /// Another phonebook to check for clients already present.
        #[arg(long)]
        phonebook: Option<PathBuf>,
        /// `all` or client ids such as `3,8`.
        #[arg(long, default_value = "all")]
        select: String,
        #[arg(long)]
        json: bool,
    },
    /// List the client database.
    Clients {
        #[arg(long)]
        json: bool,
    },
    /// List the imports committed to the client database, newest first.
    Imports {
        #[arg(long)]
        json: bool,
    },
    /// Undo an import: delete the clients it created (not those already there), keeping any
    /// edited since. Needs the clients_delete_access right.
    UndoImport {
        /// The import's id from `imports`; default: the newest one with clients to undo.
        id: Option<i64>,
        /// Show what would be deleted; delete nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLIENTBOOK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let locale = cli.locale();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A refusal is for staff, in their language; other errors keep their detailed
            // English text for support.
            let text = match &e {
                Error::MissingRights(m) => m.render(locale),
                other => other.to_string(),
            };
            let text = text.replace('\n', " ");
            eprintln!("clientbook: {text}");
            ExitCode::from(match e {
                Error::BadInput(_) => 2,
                Error::MissingRights(_) => 3,
                Error::Remote(_) => 4,
                _ => 1,
            })
        }
    }
}

impl Cli {
    /// `--lang`, else the POSIX environment.
    fn locale(&self) -> Locale {
        match &self.lang {
            Some(lang) => Locale::parse(lang),
            None => {
                let var = |name| std::env::var(name).ok();
                Locale::from_environment(
                    var("LC_ALL").as_deref(),
                    var("LC_MESSAGES").as_deref(),
                    var("LANG").as_deref(),
                )
            }
        }
    }
}

fn default_db() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("clientbook").join("clients.db")
}

fn open_store(path: Option<PathBuf>) -> Result<Store, Error> {
    let path = path.unwrap_or_else(default_db);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            context: format!("cannot create {}", parent.display()),
            source,
        })?;
    }
    Store::open(path)
}

fn secret(name: &str) -> Result<String, Error> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            Error::BadInput(format!(
                "{name} is not set; --altegio needs the partner and user tokens in the environment"
            ))
        })
}

fn run(cli: Cli) -> Result<(), Error> {
    let region = Region::parse(&cli.region)?;
    let locale = cli.locale();
    // Arguments and tokens are checked before the database is opened or created: a
    // mistyped command must not touch any file.
    let remote = match (&cli.altegio, cli.location) {
        (Some(url), Some(location)) => Some((
            url.clone(),
            location,
            Credentials::new(
                secret("ALTEGIO_PARTNER_TOKEN")?,
                secret("ALTEGIO_USER_TOKEN")?,
            ),
        )),
        _ => None,
    };
    let rights = match &cli.rights {
        Some(list) => Rights::parse_list(list)?,
        None => Rights::full(),
    };
    let store = Arc::new(open_store(cli.db)?);
    let target = match remote {
        Some((url, location, credentials)) => {
            let api = AltegioClient::new(
                &url,
                location,
                credentials,
                Box::new(http::UreqTransport::new()),
                Politeness::default(),
            );
            Target::Altegio(Arc::new(Altegio { store, api, region }))
        }
        None => Target::Local {
            store,
            rights,
            region,
        },
    };
    let settings = Settings {
        last_name_hidden: cli.last_name_hidden,
        locale,
        known_numbers: import::KnownNumbers {
            location: cli.location_phones.clone(),
            staff: cli.staff_phones.clone(),
        },
        ..Settings::default()
    };
    let context = target.context(cli.last_name_hidden, &CancelToken::new())?;
    match cli.command {
        Command::Import(args) => {
            let settings = Settings {
                category: match (&args.category, args.no_category) {
                    (Some(_), _) => Some(true),
                    (None, true) => Some(false),
                    (None, false) => None,
                },
                category_title: args.category.clone(),
                ..settings
            };
            import_cmd(target, settings, context, &args)
        }
        Command::Export {
            out,
            phonebook,
            select,
            json,
        } => export_cmd(
            target,
            settings,
            context,
            &out,
            phonebook.as_deref(),
            &select,
            json,
        ),
        Command::Clients { json } => clients_cmd(&target, &context, json),
        Command::Imports { json } => imports_cmd(&target, json),
        Command::UndoImport { id, dry_run, json } => undo_cmd(&target, &context, id, dry_run, json),
    }
}

fn print_json(value: &impl Serialize) -> Result<(), Error> {
    println!(
        "{}",
        serde_json::to_string(value).map_err(|e| Error::BadInput(e.to_string()))?
    );
    Ok(())
}

fn imports_cmd(target: &Target, json: bool) -> Result<(), Error> {
    let imports = target.imports()?;
    if json {
        return print_json(&imports);
    }
    println!(
        "{:>4}  {:<20}  {:>7}  {:>7}  {:>7}  {:>6}  state",
        "id", "started (UTC)", "created", "already", "skipped", "undone"
    );
    for i in &imports {
        let state = match i.outcome {
            clientbook_core::history::ImportOutcome::Interrupted => "interrupted",
            clientbook_core::history::ImportOutcome::Failed => "failed",
            clientbook_core::history::ImportOutcome::Cancelled => "cancelled",
            clientbook_core::history::ImportOutcome::Done => "done",
        };
        println!(
            "{:>4}  {:<20}  {:>7}  {:>7}  {:>7}  {:>6}  {state}",
            i.id, i.started_at, i.created, i.already_there, i.skipped, i.undone
        );
    }
    println!("{} import(s).", imports.len());
    Ok(())
}

fn undo_cmd(
    target: &Target,
    context: &clientbook_core::session::Context,
    id: Option<i64>,
    dry_run: bool,
    json: bool,
) -> Result<(), Error> {
    let bar = progress_bar(0, "undoing");
    let report = target.undo_import(
        id,
        dry_run,
        Some(context),
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
        &CancelToken::new(),
    );
    bar.finish_and_clear();
    let report = report?;
    if json {
        return print_json(&report);
    }
    let verb = if dry_run { "Would delete" } else { "Deleted" };
    println!(
        "Import {}: {verb} {} client(s); kept {} (edited since or with visits); {} already gone.",
        report.import_id,
        report.deleted,
        report.kept.len(),
        report.already_gone
    );
    for k in &report.kept {
        let why = match k.reason {
            clientbook_core::history::KeptReason::EditedSince => "edited since the import",
            clientbook_core::history::KeptReason::HasVisits => "has visits since the import",
            clientbook_core::history::KeptReason::VisitsUnknown => {
                "the server did not say whether it has visits"
            }
        };
        println!("  kept client {}: {why}", k.client_id);
    }
    Ok(())
}

fn read_vcard(path: &Path) -> Result<vcard::ParsedFile, Error> {
    let io = |source| Error::Io {
        context: format!("cannot read {}", path.display()),
        source,
    };
    vcard::check_size(std::fs::metadata(path).map_err(io)?.len())?;
    Ok(vcard::parse(&std::fs::read(path).map_err(io)?))
}

/// A progress bar on a terminal, nothing when output is piped.
fn progress_bar(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

fn parse_list(list: &str, what: &str) -> Result<Vec<i64>, Error> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| Error::BadInput(format!("--select: {s:?} is not a {what}")))
        })
        .collect()
}

#[derive(Serialize)]
struct ImportOutput<'a> {
    contacts: &'a [PreviewRow],
    summary: Summary,
    /// Cards that could not be read, with their line.
    errors: &'a [CardError],
    /// Lines skipped or repaired inside cards that were read.
    warnings: Vec<String>,
    report: Option<&'a ImportReport>,
}

fn import_cmd(
    target: Target,
    settings: Settings,
    context: Context,
    args: &ImportArgs,
) -> Result<(), Error> {
    let ImportArgs {
        file,
        select,
        numbers,
        fill_in,
        dry_run,
        json,
        ..
    } = args;
    let (dry_run, json) = (*dry_run, *json);
    let parsed = read_vcard(file)?;
    let file_name = file.display().to_string();
    let warnings: Vec<String> = parsed
        .cards
        .iter()
        .flat_map(|c| {
            c.warnings
                .iter()
                .map(|w| format!("{file_name}: card {}: {w}", c.index))
        })
        .collect();
    // Rows are numbered by card position in the file, broken cards included, so the numbers
    // staff pass to --select match what the file and the error list say.
    let bar = progress_bar(parsed.cards.len() as u64, "reading");
    let numbered = parsed
        .cards
        .iter()
        .map(|c| (c.index as u64, c.contact.clone()))
        .collect();
    let session = ImportSession::open(
        target,
        numbered,
        settings,
        Some(context),
        &mut |stage, done, _| {
            if stage == ProgressStage::Matching {
                bar.set_position(done)
            }
        },
        &CancelToken::new(),
    )?;
    bar.finish_and_clear();
    for spec in numbers {
        let (contact, index) = spec
            .split_once('=')
            .and_then(|(c, i)| Some((c.trim().parse::<u64>().ok()?, i.trim().parse::<u32>().ok()?)))
            .ok_or_else(|| {
                Error::BadInput(format!(
                    "--number {spec:?}: expected CONTACT=INDEX, e.g. 4=1"
                ))
            })?;
        session.choose_number(contact, index)?;
    }
    let mut not_selected = Vec::new();
    if select.trim() == "all" {
        session.select_all();
    } else if select.trim() == "suggested" {
        session.select_suggested();
    } else {
        for card in parse_list(select, "card index")? {
            let card = u64::try_from(card)
                .map_err(|_| Error::BadInput(format!("--select: {card} is not a card index")))?;
            if let Err(e) = session.set_selected(card, true) {
                not_selected.push(import::Skipped {
                    index: card,
                    reason: e.to_string(),
                });
            }
        }
    }
    if *fill_in {
        session.fill_in_all(true);
    }
    let report = if dry_run {
        None
    } else {
        let bar = progress_bar(session.summary().selected, "importing");
        let result = session.commit(&mut |done, _| bar.set_position(done), &CancelToken::new());
        bar.finish_and_clear();
        let mut report = result.map_err(|failed| {
            eprintln!(
                "note: {} new client(s) were saved before the error; running the same import again finishes the rest without duplicates",
                failed.partial.created.len()
            );
            failed.error
        })?;
        report.skipped.extend(not_selected.iter().cloned());
        Some(report)
    };
    let plan = session.plan();
    let summary = plan.summary();
    if json {
        let out = ImportOutput {
            contacts: plan.rows(),
            summary,
            errors: &parsed.errors,
            warnings,
            report: report.as_ref(),
        };
        println!(
            "{}",
            serde_json::to_string(&out).map_err(|e| Error::BadInput(e.to_string()))?
        );
        return Ok(());
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    for e in &parsed.errors {
        eprintln!("error: {}: {e}", file.display());
    }
    for s in &not_selected {
        eprintln!("not selected: {}", s.reason);
    }
    print_preview(plan.rows(), &summary, dry_run);
    if let Some(r) = &report {
        println!(
            "Imported: {} new client(s), {} already in the database ({} given a missing email), {} skipped{}.",
            r.created.len(),
            r.already_there.len(),
            r.filled.len(),
            r.skipped.len(),
            if r.cancelled { " (cancelled)" } else { "" }
        );
        if let Some(c) = &r.category {
            println!(
                "Category \"{}\": {} client(s) in it{}{}.",
                c.title,
                c.set,
                if c.not_set > 0 {
                    format!(", {} not confirmed", c.not_set)
                } else {
                    String::new()
                },
                if c.created_category {
                    " (new category)"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

fn print_preview(rows: &[PreviewRow], s: &Summary, dry_run: bool) {
    println!(
        "{:>5}  {:<22}  {:<32}  {:<18}  details",
        "card", "status", "name", "number"
    );
    for r in rows {
        let number = r
            .chosen_phone
            .and_then(|i| r.phones.get(i as usize))
            .and_then(|p| p.key())
            .unwrap_or_else(|| "-".into());
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let details = match (r.client_id, r.duplicate_of, &r.problem) {
            (Some(id), _, _) => format!("client {id}"),
            (_, Some(d), _) => format!("same number as card {d}"),
            (_, _, Some(p)) => p.clone(),
            _ if r.phones.len() > 1 => format!("{} numbers", r.phones.len()),
            _ => String::new(),
        };
        let mark = if r.selected { "*" } else { " " };
        println!(
            "{mark}{:>4}  {:<22}  {:<32}  {:<18}  {details}",
            r.index,
            status,
            truncate(&r.display_name, 32),
            number
        );
    }
    println!(
        "{} contact(s): {} new, {} existing clients, {} duplicates in the phonebook, {} need a number chosen, {} without phone, {} with invalid numbers, {} without name. {} selected{}.",
        s.total, s.new, s.existing_client, s.duplicate_in_phonebook, s.needs_choice, s.no_phone, s.invalid_phone, s.no_name, s.selected,
        if dry_run { " (dry run: nothing written)" } else { "" }
    );
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars()
            .take(max - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

#[derive(Serialize)]
struct ExportOutput<'a> {
    clients: &'a [ExportRow],
    written: usize,
    out: String,
}

fn export_cmd(
    target: Target,
    settings: Settings,
    context: Context,
    out: &Path,
    phonebook: Option<&Path>,
    select: &str,
    json: bool,
) -> Result<(), Error> {
    // The output file is itself a phonebook: what is already in it is not written again.
    let mut existing: Vec<PhonebookContact> = Vec::new();
    let mut existing_bytes = Vec::new();
    if out.exists() {
        existing_bytes = std::fs::read(out).map_err(|source| Error::Io {
            context: format!("cannot read {}", out.display()),
            source,
        })?;
        existing.extend(
            vcard::parse(&existing_bytes)
                .cards
                .into_iter()
                .map(|c| c.contact),
        );
    }
    if let Some(p) = phonebook {
        existing.extend(read_vcard(p)?.cards.into_iter().map(|c| c.contact));
    }
    let session = ExportSession::open(
        target,
        &existing,
        settings,
        Some(context),
        &mut |_, _, _| {},
        &CancelToken::new(),
    )?;
    if select.trim() == "all" {
        session.select_all();
    } else {
        for id in parse_list(select, "client id")? {
            session.set_selected(id, true)?;
        }
    }
    let to_write = session.contacts_to_write();
    let contacts: Vec<PhonebookContact> = to_write
        .iter()
        .map(|w| PhonebookContact {
            platform_id: format!("clientbook-client-{}", w.client_id),
            ..w.contact.clone()
        })
        .collect();
    if !contacts.is_empty() {
        let mut bytes = existing_bytes;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(vcard::write(&contacts).as_bytes());
        write_atomically(out, &bytes)?;
        let links: Vec<(i64, String)> = contacts
            .iter()
            .zip(&to_write)
            .map(|(c, w)| (w.client_id, c.platform_id.clone()))
            .collect();
        session.confirm_written(&links)?;
    }
    let plan = session.plan();
    if json {
        let output = ExportOutput {
            clients: plan.rows(),
            written: contacts.len(),
            out: out.display().to_string(),
        };
        println!(
            "{}",
            serde_json::to_string(&output).map_err(|e| Error::BadInput(e.to_string()))?
        );
    } else {
        let s = plan.summary();
        println!(
            "Exported {} client(s) to {}; {} already in the phonebook.",
            contacts.len(),
            out.display(),
            s.in_phonebook as usize - contacts.len()
        );
    }
    Ok(())
}

/// Replaces `path` in one step, so a crash leaves the old file or the new one, never half a
/// phonebook: a uniquely named temporary file in the same folder (two runs never share it),
/// flushed to disk before it is renamed over the old one, and the folder flushed after.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let io = |context: String| move |source| Error::Io { context, source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".clientbook-export")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(format!(
            "cannot create a temporary file in {}",
            dir.display()
        )))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io(format!(
            "cannot write a temporary file in {}",
            dir.display()
        )))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .map_err(io(format!("cannot replace {}", path.display())))?;
    // The rename is durable once the folder's entry is; not every platform can open a
    // folder for this, and the file itself is already complete either way.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

#[derive(Serialize)]
struct ClientOut {
    id: i64,
    name: String,
    surname: Option<String>,
    middle_name: Option<String>,
    display_name: String,
    phone: String,
    email: Option<String>,
}

fn clients_cmd(target: &Target, context: &Context, json: bool) -> Result<(), Error> {
    let last_name_hidden = context.last_name_hidden;
    let all = target.clients(&mut |_, _, _| {}, &CancelToken::new())?;
    let visible = clientbook_core::rights::visible_clients(&context.rights, all)?;
    let clients: Vec<ClientOut> = visible
        .into_iter()
        .map(|c| {
            let name = clientbook_core::name::ClientName {
                name: c.name,
                surname: c.surname,
                middle_name: c.middle_name,
            };
            ClientOut {
                id: c.id,
                display_name: name.display_name(last_name_hidden),
                name: name.name,
                surname: name.surname,
                middle_name: name.middle_name,
                phone: phone::match_key(&c.phone, c.phone_extension.as_deref()),
                email: c.email,
            }
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string(&clients).map_err(|e| Error::BadInput(e.to_string()))?
        );
    } else {
        for c in &clients {
            println!(
                "{:>6}  {:<32}  {:<22}  {}",
                c.id,
                truncate(&c.display_name, 32),
                c.phone,
                c.email.as_deref().unwrap_or("")
            );
        }
        println!("{} client(s).", clients.len());
    }
    Ok(())
}
