//! A remote import in its own process, for the kill test: `import-worker DB URL COUNT`, paced
//! for a server at four times Altegio's limits (`clientbook_e2e::scaled`).
//! Prints `committing` when the writes start and `batch` after each settled batch. Exits 0 when every contact is confirmed, 3
//! when some are left for another run.
//!
//! `import-worker DB URL undo` undoes the newest import with clients left, printing
//! `deleted` after each client and the report's counts (`deleted N already_gone N kept N`)
//! at the end: the undo kill test kills it partway.

use std::sync::Arc;

use clientbook_core::cancel::CancelToken;
use clientbook_core::phone::Region;
use clientbook_core::session::{numbered, Altegio, ImportSession, Settings, Target};
use clientbook_core::store::Store;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let undo = args.get(3).map(String::as_str) == Some("undo");
    let (Some(db), Some(url), Some(count)) = (
        args.get(1),
        args.get(2),
        args.get(3)
            .and_then(|c| c.parse().ok())
            .or(undo.then_some(0)),
    ) else {
        eprintln!("usage: import-worker DB URL COUNT | import-worker DB URL undo");
        std::process::exit(2);
    };
    let store = Store::open(db).unwrap_or_else(|e| {
        eprintln!("import-worker: {e}");
        std::process::exit(1)
    });
    let api = clientbook_e2e::client(
        url,
        4242,
        "partner-token",
        "user-token",
        clientbook_e2e::scaled(),
    );
    let contacts = clientbook_e2e::phonebook(count);
    // The app's own path: an import session against the Altegio target.
    let target = Target::Altegio(Arc::new(Altegio {
        store: Arc::new(store),
        api,
        region: Region::default(),
    }));
    if undo {
        let result = target.undo_import(
            None,
            false,
            None,
            &mut |done, _| {
                if done > 0 {
                    println!("deleted");
                }
            },
            &CancelToken::new(),
        );
        match result {
            Ok(r) => {
                println!(
                    "deleted {} already_gone {} kept {}",
                    r.deleted,
                    r.already_gone,
                    r.kept.len()
                );
                std::process::exit(0)
            }
            Err(e) => {
                eprintln!("import-worker: {e}");
                std::process::exit(1)
            }
        }
    }
    let settings = Settings {
        batch_size: 20,
        ..Settings::default()
    };
    let result = ImportSession::open(
        target,
        numbered(contacts),
        settings,
        None,
        &mut |_, _, _| {},
        &CancelToken::new(),
    )
    .and_then(|session| {
        session.select_all();
        // Tells the kill test the preview is done and writes are about to start.
        println!("committing");
        session
            .commit(
                // One line per settled batch: the kill test counts them to kill mid-import
                // however fast or slow the machine is.
                &mut |done, _| {
                    if done > 0 {
                        println!("batch");
                    }
                },
                &CancelToken::new(),
            )
            .map_err(|f| f.error)
    });
    match result {
        Ok(report) if report.skipped.is_empty() => std::process::exit(0),
        Ok(_) => std::process::exit(3),
        Err(e) => {
            eprintln!("import-worker: {e}");
            std::process::exit(1)
        }
    }
}
