//! `clientbook --altegio` against the local Altegio test server, through the real ureq
//! transport.

use std::path::Path;
use std::process::{Command, Output};

use altegio_testserver::{Config, TestServer};
use serde_json::Value;

fn clientbook(server: &TestServer, db: &Path, user_token: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clientbook"))
        .args([
            "--altegio",
            &format!("http://127.0.0.1:{}", server.port()),
            "--location",
            "4242",
        ])
        .arg("--db")
        .arg(db)
        .args(args)
        .env("ALTEGIO_PARTNER_TOKEN", "partner-token")
        .env("ALTEGIO_USER_TOKEN", user_token)
        .env("CLIENTBOOK_LOG", "debug")
        .env("LC_ALL", "C")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sample_phonebook_into_altegio_twice_creates_each_client_once() {
    let server = TestServer::start(Config::default());
    // Card 0 of the sample is already a client of the salon.
    server.seed([("Мария".to_string(), "79161234567".to_string())]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/phonebook.vcf");
    let sample = sample.to_str().unwrap();

    let preview = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["import", sample, "--dry-run", "--json"],
    ));
    assert!(server.clients().len() == 1, "a dry run writes nothing");
    let s = &preview["summary"];
    let importable = s["new"].as_u64().unwrap() + s["needs_choice"].as_u64().unwrap();
    assert!(s["existing_client"].as_u64().unwrap() >= 1);

    let first = clientbook(&server, &db, "user-token", &["import", sample, "--json"]);
    let stderr = String::from_utf8_lossy(&first.stderr).to_string();
    let first = json(&first);
    assert_eq!(
        first["report"]["created"].as_array().unwrap().len() as u64,
        importable
    );
    assert_eq!(server.clients().len() as u64, importable + 1);
    for secret in ["partner-token", "user-token", "79161234567", "Мария"] {
        assert!(!stderr.contains(secret), "log leaks {secret}");
    }

    let again = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["import", sample, "--json"],
    ));
    assert_eq!(again["report"]["created"].as_array().unwrap().len(), 0);
    assert_eq!(server.clients().len() as u64, importable + 1);

    let listed = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["clients", "--json"],
    ));
    assert_eq!(listed.as_array().unwrap().len() as u64, importable + 1);

    let out = dir.path().join("out.vcf");
    let exported = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["export", "--out", out.to_str().unwrap(), "--json"],
    ));
    assert_eq!(exported["written"].as_u64().unwrap(), importable + 1);
}

#[test]
fn wrong_token_missing_token_and_missing_rights_fail_cleanly() {
    let server = TestServer::start(Config {
        rights: serde_json::json!({"clients_access": true, "clients_phones_email_access": false, "clients_excel_access": true, "clients_visit_master_id": 0}),
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    let out = clientbook(&server, &db, "wrong", &["clients"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sign in again"));

    let no_token = Command::new(env!("CARGO_BIN_EXE_clientbook"))
        .args([
            "--altegio",
            &format!("http://127.0.0.1:{}", server.port()),
            "--location",
            "4242",
            "clients",
        ])
        .env_remove("ALTEGIO_USER_TOKEN")
        .env("ALTEGIO_PARTNER_TOKEN", "partner-token")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("ALTEGIO_USER_TOKEN is not set"));

    // Rights come from the server: this user may not export.
    let refused = clientbook(
        &server,
        &db,
        "user-token",
        &[
            "export",
            "--out",
            dir.path().join("x.vcf").to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("Show phone numbers and emails in the list of clients"));
}

#[test]
fn imports_and_undo_import_on_altegio_with_a_category() {
    let server = TestServer::start(Config {
        rights: serde_json::json!({"clients_access": true, "clients_phones_email_access": true,
            "clients_excel_access": true, "clients_visit_master_id": 0}),
        ..Config::default()
    });
    server.seed([("Already here".to_string(), "79160000001".to_string())]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    let vcf = dir.path().join("book.vcf");
    std::fs::write(
        &vcf,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Already here\r\nTEL:+7 916 000-00-01\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nN:Petrova;Olga;;;\r\nTEL:+7 916 000-00-02\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nN:Sidorov;Ivan;;;\r\nTEL:8 916 000-00-03\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let vcf = vcf.to_str().unwrap();
    let imported = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["import", vcf, "--category", "Walk-ins", "--json"],
    ));
    let category = &imported["report"]["category"];
    assert_eq!(category["title"], "Walk-ins");
    assert_eq!(category["set"], 2);
    assert_eq!(server.categories().len(), 1);
    let history = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["imports", "--json"],
    ));
    assert_eq!(history[0]["created"], 2);
    assert_eq!(history[0]["target"], "altegio:4242");

    // Without the delete right: refused with the right named, nothing deleted.
    let refused = clientbook(&server, &db, "user-token", &["undo-import"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Delete clients"));
    assert_eq!(server.clients().len(), 3);

    server.update_config(|c| c.rights["clients_delete_access"] = serde_json::json!(true));
    let dry = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["undo-import", "--dry-run", "--json"],
    ));
    assert_eq!(
        (dry["deleted"].as_u64(), dry["dry_run"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(server.clients().len(), 3);
    let done = json(&clientbook(
        &server,
        &db,
        "user-token",
        &["undo-import", "--json"],
    ));
    assert_eq!(done["deleted"], 2);
    let left: Vec<String> = server.clients().into_iter().map(|c| c.phone).collect();
    assert_eq!(left, vec!["79160000001".to_string()]);
    assert_eq!(server.categories().len(), 1, "the category stays");
    // Nothing left to undo.
    let none = clientbook(&server, &db, "user-token", &["undo-import"]);
    assert_eq!(none.status.code(), Some(2));
}
