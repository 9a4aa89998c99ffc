//! The `clientbook` binary on real vCard files and a real SQLite database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_clientbook"))
            .arg("--db")
            .arg(self.path("clients.db"))
            .args(args)
            .env("CLIENTBOOK_LOG", "trace")
            // English whatever the machine's language, unless a test asks otherwise.
            .env("LC_ALL", "C")
            .output()
            .unwrap()
    }

    /// [`Env::run`] with the environment's language set to `lang`.
    fn run_in(&self, lang: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_clientbook"))
            .arg("--db")
            .arg(self.path("clients.db"))
            .args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    }
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/phonebook.vcf")
}

const SMALL: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Иванова;Анна;Сергеевна;;\r\nFN:Анна Иванова\r\nTEL;TYPE=CELL:8 (916) 123-45-67\r\nTEL;TYPE=WORK:+7 495 123-45-67 доб. 123\r\nEMAIL:anna@example.com\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Маша маникюр\r\nTEL:+7 903 000 11 22\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Broken\r\nTEL;CELL:+7 903 000 11 23\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith;John;;;\r\nTEL;CELL:+1 (415) 555-0134 ext. 12\r\nEND:VCARD\r\n";

#[test]
fn dry_run_json_has_the_documented_shape_and_writes_nothing() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    let v = env.json(&["import", file.to_str().unwrap(), "--dry-run", "--json"]);
    let contacts = v["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 3);
    let anna = &contacts[0];
    assert_eq!(anna["index"], 0);
    assert_eq!(anna["name"], "Анна");
    assert_eq!(anna["surname"], "Иванова");
    assert_eq!(anna["middle_name"], "Сергеевна");
    assert_eq!(anna["display_name"], "Анна Иванова");
    assert_eq!(anna["status"], "needs_choice");
    assert_eq!(anna["chosen_phone"], 0);
    assert_eq!(anna["phones"][0]["e164"], "+79161234567");
    assert_eq!(anna["phones"][0]["label"], "mobile");
    assert_eq!(anna["phones"][1]["extension"], "123");
    assert_eq!(contacts[1]["name"], "Маша маникюр");
    assert!(contacts[1]["surname"].is_null());
    // The broken card keeps its position: the card after it is index 3.
    assert_eq!(contacts[2]["index"], 3);
    assert_eq!(v["errors"][0]["index"], 2);
    assert_eq!(v["errors"][0]["line"], 14);
    assert_eq!(v["summary"]["new"], 2);
    assert_eq!(v["summary"]["needs_choice"], 1);
    let clients = env.json(&["clients", "--json"]);
    assert_eq!(clients.as_array().unwrap().len(), 0);
}

#[test]
fn import_twice_creates_nothing_the_second_time() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    let f = file.to_str().unwrap();
    let first = env.json(&["import", f, "--json"]);
    assert_eq!(first["report"]["created"].as_array().unwrap().len(), 3);
    let second = env.json(&["import", f, "--json"]);
    assert_eq!(second["report"]["created"].as_array().unwrap().len(), 0);
    assert_eq!(second["summary"]["existing_client"], 3);
    assert_eq!(
        env.json(&["clients", "--json"]).as_array().unwrap().len(),
        3
    );
}

#[test]
fn select_and_number_choice() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    let f = file.to_str().unwrap();
    let v = env.json(&[
        "import", f, "--select", "0,1,2", "--number", "0=1", "--json",
    ]);
    let created: Vec<u64> = v["report"]["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(created, vec![0, 1]);
    assert!(v["report"]["skipped"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("no contact 2"));
    let clients = env.json(&["clients", "--json"]);
    assert_eq!(clients[0]["phone"], "+74951234567;ext=123");
    let bad = env.run(&["import", f, "--number", "0=9"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("number 9 does not exist"), "{err}");
}

#[test]
fn export_needs_rights_and_never_writes_twice() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    env.json(&["import", file.to_str().unwrap(), "--json"]);
    let out = env.path("out.vcf");
    let o = out.to_str().unwrap();

    let refused = env.run(&[
        "--rights",
        "clients_access,clients_phones_email_access",
        "export",
        "--out",
        o,
    ]);
    assert_eq!(refused.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&refused.stderr);
    assert!(msg.contains("Download a list of clients in Excel"), "{msg}");
    assert!(msg.contains("Show clients of all employees"), "{msg}");
    assert!(msg.contains("Settings > System settings > Users"), "{msg}");
    assert_eq!(
        msg.trim()
            .lines()
            .filter(|l| l.starts_with("clientbook:"))
            .count(),
        1,
        "{msg}"
    );
    assert!(!out.exists());

    let first = env.json(&["export", "--out", o, "--json"]);
    assert_eq!(first["written"], 3);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.matches("BEGIN:VCARD").count(), 3);
    assert!(text.contains("N:Иванова;Анна;Сергеевна;;"), "{text}");
    let second = env.json(&["export", "--out", o, "--json"]);
    assert_eq!(second["written"], 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);

    // Against a separate phonebook that already has one client's number in another spelling.
    let phonebook = env.write(
        "device.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Masha\r\nTEL:8 903 000-11-22\r\nEND:VCARD\r\n",
    );
    let out2 = env.path("out2.vcf");
    let v = env.json(&[
        "export",
        "--out",
        out2.to_str().unwrap(),
        "--phonebook",
        phonebook.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(v["written"], 2);
}

#[test]
fn export_replaces_the_file_whole_and_leaves_no_temporary_file() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    env.json(&["import", file.to_str().unwrap(), "--json"]);
    // A file where the old fixed temporary name was: it must neither be used nor clobbered.
    let stale = env.write("out.vcf.tmp", "not mine");
    let out = env.path("out.vcf");
    env.write(
        "out.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Old\r\nTEL:+44 20 7946 0958\r\nEND:VCARD\r\n",
    );
    let v = env.json(&["export", "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(v["written"], 3);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Old"),
        "the old cards stay first"
    );
    assert_eq!(text.matches("BEGIN:VCARD").count(), 4);
    assert_eq!(std::fs::read_to_string(&stale).unwrap(), "not mine");
    let mut names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("clients.db"))
        .collect();
    names.sort();
    assert_eq!(names, ["out.vcf", "out.vcf.tmp", "pb.vcf"]);
}

#[test]
fn staff_texts_follow_lang_and_the_environment() {
    let env = Env::new();
    let file = env.write(
        "pb.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad\r\nTEL:12\r\nEND:VCARD\r\n",
    );
    let f = file.to_str().unwrap();
    let problem = |out: Output| -> String {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["contacts"][0]["reason"]["code"], "invalid_phone");
        v["contacts"][0]["problem"].as_str().unwrap().to_string()
    };
    let args = ["import", f, "--dry-run", "--json"];
    assert_eq!(problem(env.run(&args)), "12: too short");
    assert_eq!(
        problem(env.run_in("ru_RU.UTF-8", &args)),
        "12: слишком короткий"
    );
    let mut with_flag = vec!["--lang", "en"];
    with_flag.extend(args);
    assert_eq!(
        problem(env.run_in("ru_RU.UTF-8", &with_flag)),
        "12: too short"
    );
    let refused = env.run(&["--lang", "ru", "--rights", "", "import", f]);
    assert_eq!(refused.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&refused.stderr);
    assert!(
        msg.contains("нет права «Доступ к разделу Клиентская база»"),
        "{msg}"
    );
    assert!(
        msg.contains("Настройки > Системные настройки > Пользователи"),
        "{msg}"
    );
}

#[test]
fn import_right_is_checked_and_phones_masked_without_contact_right() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    let refused = env.run(&["--rights", "", "import", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("Access to the Client Database section")
    );
    env.json(&["import", file.to_str().unwrap(), "--json"]);
    let masked = env.json(&["--rights", "clients_access", "clients", "--json"]);
    assert_eq!(masked[0]["phone"], "+7********67");
    assert_eq!(masked[0]["email"], "***");
}

#[test]
fn last_name_hidden_shows_first_name_but_stores_surname() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    let v = env.json(&[
        "--last-name-hidden",
        "import",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(v["contacts"][0]["display_name"], "Анна");
    let clients = env.json(&["clients", "--json"]);
    assert_eq!(clients[0]["surname"], "Иванова");
}

#[test]
fn bad_arguments_and_files_fail_with_one_line() {
    let env = Env::new();
    for (args, code, needle) in [
        (
            vec!["import", "/nonexistent.vcf"],
            1,
            "cannot read /nonexistent.vcf",
        ),
        (vec!["--region", "QQ", "clients"], 2, "unknown region code"),
        (
            vec!["--rights", "clients_everything", "clients"],
            2,
            "unknown right",
        ),
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.trim().lines().last().unwrap_or_default();
        assert!(
            last.starts_with("clientbook: ") && last.contains(needle),
            "{args:?}: {err}"
        );
    }
    let newer = env.path("newer.db");
    std::fs::write(&newer, b"").unwrap();
    let garbage = env.path("garbage.db");
    std::fs::write(&garbage, vec![b'x'; 4096]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_clientbook"))
        .args(["--db", garbage.to_str().unwrap(), "clients"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Clientbook database"));
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![b'x'; 4096]);
}

#[test]
fn piped_output_has_no_progress_bar_and_logs_no_personal_data() {
    let env = Env::new();
    let file = env.write("pb.vcf", SMALL);
    let out = env.run(&["import", file.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal control codes when piped: {stderr:?}"
    );
    assert!(
        stderr.contains("import committed"),
        "trace logging is on: {stderr}"
    );
    for secret in [
        "Анна",
        "Иванова",
        "9161234567",
        "123-45-67",
        "anna@",
        "Маша",
        "Smith",
        "4155550134",
    ] {
        assert!(!stderr.contains(secret), "stderr leaks {secret}: {stderr}");
    }
}

#[test]
fn sample_phonebook_imports_and_reimports_cleanly() {
    let env = Env::new();
    let f = sample();
    let f = f.to_str().unwrap();
    let preview = env.json(&["import", f, "--dry-run", "--json"]);
    let contacts = preview["contacts"].as_array().unwrap();
    assert!(contacts.len() >= 200, "sample has {} cards", contacts.len());
    let s = &preview["summary"];
    let sum: u64 = [
        "new",
        "existing_client",
        "duplicate_in_phonebook",
        "needs_choice",
        "no_phone",
        "invalid_phone",
        "no_name",
    ]
    .iter()
    .map(|k| s[*k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, contacts.len() as u64);
    for status in [
        "new",
        "duplicate_in_phonebook",
        "needs_choice",
        "no_phone",
        "invalid_phone",
    ] {
        assert!(
            s[status].as_u64().unwrap() > 0,
            "sample should exercise {status}: {s}"
        );
    }
    // Special cards documented in examples/README.md.
    let card = |i: u64| {
        contacts
            .iter()
            .find(|c| c["index"] == i)
            .unwrap_or_else(|| panic!("card {i}"))
    };
    let e164 = |i: u64, p: usize| {
        card(i)["phones"][p]["e164"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        card(3)["surname"],
        "Белозерская",
        "QP soft break inside a letter"
    );
    assert_eq!(
        card(15)["name"],
        "Анастасия-Виктория",
        "3.0 fold inside a word"
    );
    assert_eq!(card(12)["name"], "Салон «Лаванда»", "company-only card");
    assert_eq!(card(70)["name"], "Зайка", "nickname-only card");
    assert_eq!(card(44)["name"], "Катя 💅");
    assert_eq!(card(7)["name"], "Маша маникюр", "FN only stays whole");
    assert!(card(7)["surname"].is_null());
    assert_eq!(card(40)["status"], "no_phone");
    for i in [77, 112, 121, 172] {
        assert_eq!(card(i)["status"], "invalid_phone", "card {i}");
        assert!(card(i)["problem"].as_str().is_some_and(|p| !p.is_empty()));
    }
    assert_eq!(
        (
            card(24)["status"].as_str(),
            card(24)["duplicate_of"].as_u64()
        ),
        (Some("duplicate_in_phonebook"), Some(5))
    );
    assert_eq!(card(143)["duplicate_of"], 60);
    assert_eq!(
        card(5)["phones"].as_array().unwrap().len(),
        1,
        "same number twice collapses"
    );
    assert_eq!(
        (e164(90, 0), card(90)["phones"][0]["extension"].as_str()),
        ("+74951234567".into(), Some("123"))
    );
    assert_eq!(card(36)["phones"][1]["extension"], "55");
    assert_eq!(e164(107, 0), "+375291234567");
    assert_eq!(e164(161, 0), "+78005553535");
    assert_eq!(card(99)["phones"][0]["valid"], false);
    assert_eq!(
        card(99)["chosen_phone"],
        1,
        "the valid number is the default"
    );

    let importable = s["new"].as_u64().unwrap() + s["needs_choice"].as_u64().unwrap();
    let first = env.json(&["import", f, "--json"]);
    assert_eq!(
        first["report"]["created"].as_array().unwrap().len() as u64,
        importable
    );
    let again = env.json(&["import", f, "--json"]);
    assert_eq!(again["report"]["created"].as_array().unwrap().len(), 0);
    assert_eq!(
        env.json(&["clients", "--json"]).as_array().unwrap().len() as u64,
        importable
    );
}

/// The location's own number and two staff members' in the sample (cards 12, 7 and 33).
const SAMPLE_KNOWN_NUMBERS: [&str; 6] = [
    "--location-phone",
    "+7 499 253-18-40",
    "--staff-phone",
    "+7 905 387-11-42",
    "--staff-phone",
    "8 929 614 33 05",
];

#[test]
fn select_suggested_on_the_sample_leaves_out_service_short_code_own_and_staff_numbers() {
    let env = Env::new();
    let f = sample();
    let f = f.to_str().unwrap();
    let mut args = SAMPLE_KNOWN_NUMBERS.to_vec();
    args.extend(["import", f, "--select", "suggested", "--dry-run", "--json"]);
    let preview = env.json(&args);
    let contacts = preview["contacts"].as_array().unwrap();
    let s = &preview["summary"];
    // The sample's counts (examples/README.md).
    assert_eq!(
        [
            "total",
            "new",
            "needs_choice",
            "duplicate_in_phonebook",
            "no_phone",
            "invalid_phone",
            "no_name",
            "existing_client",
        ]
        .map(|k| s[k].as_u64().unwrap()),
        [225, 168, 32, 15, 2, 8, 0, 0],
        "{s}"
    );
    let card = |i: u64| {
        contacts
            .iter()
            .find(|c| c["index"] == i)
            .unwrap_or_else(|| panic!("card {i}"))
    };
    let service = |kind: &str| serde_json::json!({ "service_number": { "kind": kind } });
    // Every importable contact left out, with its reason, and no other.
    let left_out: Vec<(u64, Value)> = contacts
        .iter()
        .filter(|c| !c["not_suggested"].is_null())
        .map(|c| (c["index"].as_u64().unwrap(), c["not_suggested"].clone()))
        .collect();
    assert_eq!(
        left_out,
        vec![
            (7, "staff_number".into()),
            (12, "location_number".into()),
            (33, "staff_number".into()),
            (161, service("toll_free")),
            (216, service("toll_free")),
            (221, service("premium_rate")),
            (222, service("shared_cost")),
            (223, service("voicemail")),
            (224, service("toll_free")),
        ]
    );
    for (index, _) in &left_out {
        assert!(
            ["new", "needs_choice"].contains(&card(*index)["status"].as_str().unwrap()),
            "card {index} can be imported, it is only not suggested"
        );
        assert_eq!(card(*index)["selected"], false, "card {index}");
    }
    // Every other importable contact is selected, and nothing else is.
    let importable = |c: &&Value| ["new", "needs_choice"].contains(&c["status"].as_str().unwrap());
    let selected: Vec<u64> = contacts
        .iter()
        .filter(|c| c["selected"] == true)
        .map(|c| c["index"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = contacts
        .iter()
        .filter(importable)
        .map(|c| c["index"].as_u64().unwrap())
        .filter(|i| !left_out.iter().any(|(o, _)| o == i))
        .collect();
    assert_eq!(selected, expected);
    assert_eq!((selected.len(), s["selected"].as_u64()), (191, Some(191)));
    for i in [0, 5, 15, 99, 125, 134, 205] {
        assert!(selected.contains(&i), "card {i} looks like a client");
    }
    // The bank imports its toll-free line, not its SMS short code.
    assert_eq!(card(216)["chosen_phone"], 1);
    assert_eq!(card(216)["phones"][0]["problem_code"], "short_code");
    assert_eq!(card(216)["phones"][1]["e164"], "+78005555550");
    // Short codes alone: not a broken number, and never importable.
    for (i, raw) in [
        (77, "12345"),
        (217, "0611"),
        (218, "0500"),
        (219, "7757"),
        (220, "115"),
    ] {
        let c = card(i);
        assert_eq!(c["status"], "invalid_phone", "card {i}");
        assert_eq!(
            (c["selected"].as_bool(), c["not_suggested"].is_null()),
            (Some(false), true),
            "card {i}"
        );
        assert_eq!(c["phones"][0]["problem_code"], "short_code", "card {i}");
        assert_eq!(
            c["reason"],
            serde_json::json!({
                "code": "invalid_phone",
                "numbers": [{ "raw": raw, "problem": "short_code" }]
            }),
            "card {i}"
        );
        assert_eq!(
            c["problem"].as_str().unwrap(),
            format!("{raw}: a short service number (a bank, carrier or SMS service), not a person's phone")
        );
    }
    // Broken numbers keep their own problems.
    assert_eq!(card(112)["phones"][0]["problem_code"], "too_short");
    assert_eq!(card(172)["phones"][0]["problem_code"], "not_a_number");
    let mut ru = vec!["--lang", "ru"];
    ru.extend(&args);
    let in_russian = env.json(&ru);
    assert_eq!(
        in_russian["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["index"] == 217)
            .unwrap()["problem"],
        "0611: короткий сервисный номер (банк, оператор, SMS-сервис), а не телефон человека"
    );

    // Importing the suggestion creates exactly the selected contacts; staff can still tick
    // a left-out one, but a short code alone is refused with its reason.
    let mut import = SAMPLE_KNOWN_NUMBERS.to_vec();
    import.extend(["import", f, "--select", "suggested", "--json"]);
    let done = env.json(&import);
    let mut created: Vec<u64> = done["report"]["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["index"].as_u64().unwrap())
        .collect();
    created.sort_unstable();
    assert_eq!(created, selected);
    let ticked = env.json(&["import", f, "--select", "216,223,217", "--json"]);
    let created: Vec<&Value> = ticked["report"]["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["index"])
        .collect();
    assert_eq!(created, [216, 223]);
    let skipped = &ticked["report"]["skipped"];
    assert_eq!(skipped.as_array().unwrap().len(), 1, "{skipped}");
    assert_eq!(skipped[0]["index"], 217);
    let why = skipped[0]["reason"].as_str().unwrap();
    assert!(why.contains("0611: a short service number"), "{why}");
    let phones: Vec<String> = env
        .json(&["clients", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["phone"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(phones.len(), 193);
    assert!(phones.contains(&"+78005555550".to_string()));
    assert!(
        phones.iter().all(|p| p.len() > 8),
        "no short code became a client"
    );
}

#[test]
fn two_processes_importing_into_one_database_create_each_client_once() {
    let env = Env::new();
    let f = sample();
    let f = f.to_str().unwrap();
    let preview = env.json(&["import", f, "--dry-run", "--json"]);
    let importable = preview["summary"]["new"].as_u64().unwrap()
        + preview["summary"]["needs_choice"].as_u64().unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_clientbook"))
            .arg("--db")
            .arg(env.path("clients.db"))
            .args(["import", f, "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let created = |o: &Output| -> u64 {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["report"]["created"].as_array().unwrap().len() as u64
    };
    assert_eq!(
        created(&a) + created(&b),
        importable,
        "together they created each client once"
    );
    let clients = env.json(&["clients", "--json"]);
    let phones: std::collections::HashSet<&str> = clients
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["phone"].as_str().unwrap())
        .collect();
    assert_eq!(clients.as_array().unwrap().len() as u64, importable);
    assert_eq!(phones.len() as u64, importable);
}

#[test]
fn imports_are_listed_and_undo_removes_only_unedited_clients_it_created() {
    let env = Env::new();
    // One client exists before the import: the import finds it, and undo must not touch it.
    let before = env.write(
        "before.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Маша маникюр\r\nTEL:+7 903 000 11 22\r\nEND:VCARD\r\n",
    );
    env.json(&["import", before.to_str().unwrap(), "--json"]);
    let file = env.write("pb.vcf", SMALL);
    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["report"]["created"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["report"]["already_there"].as_array().unwrap().len(),
        0
    );

    let imports = env.json(&["imports", "--json"]);
    let imports = imports.as_array().unwrap();
    assert_eq!(imports.len(), 2);
    assert_eq!(imports[0]["created"], 2, "newest first: {imports:?}");
    assert_eq!(imports[1]["created"], 1);
    let last = imports[0]["id"].as_i64().unwrap();

    // Someone edits one of the imported clients.
    let db = rusqlite::Connection::open(env.path("clients.db")).unwrap();
    let edited: i64 = db
        .query_row("SELECT id FROM clients WHERE name = 'John'", [], |r| {
            r.get(0)
        })
        .unwrap();
    db.execute(
        "UPDATE clients SET email = 'john@example.com' WHERE id = ?1",
        [edited],
    )
    .unwrap();
    drop(db);

    let refused = env.run(&["--rights", "clients_access", "undo-import"]);
    assert_eq!(refused.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&refused.stderr);
    assert!(msg.contains("Delete clients"), "{msg}");

    let dry = env.json(&["undo-import", "--dry-run", "--json"]);
    assert_eq!(dry["import_id"], last);
    assert_eq!(dry["deleted"], 1);
    assert_eq!(dry["kept"][0]["client_id"], edited);
    assert_eq!(dry["kept"][0]["reason"], "edited_since");
    assert_eq!(
        env.json(&["clients", "--json"]).as_array().unwrap().len(),
        3
    );

    let done = env.json(&["undo-import", &last.to_string(), "--json"]);
    assert_eq!(done["deleted"], 1);
    let again = env.json(&["undo-import", &last.to_string(), "--json"]);
    assert_eq!(again["deleted"], 0, "a second undo deletes nothing more");
    assert_eq!(again["already_gone"], 1);
    let left: Vec<String> = env
        .json(&["clients", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "the earlier client and the edited one stay: {left:?}"
    );
    assert!(left.contains(&"John".to_string()));
}

#[test]
fn contacts_this_app_exported_are_not_suggested_when_imported_elsewhere() {
    let env = Env::new();
    let book = env.write(
        "book.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Petrova;Olga;;;\r\nTEL:+7 916 000-00-02\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nN:Sidorov;Ivan;;;\r\nTEL:8 916 000-00-03\r\nEND:VCARD\r\n",
    );
    env.json(&["import", book.to_str().unwrap(), "--json"]);
    let exported = env.path("exported.vcf");
    env.json(&["export", "--out", exported.to_str().unwrap(), "--json"]);
    assert!(std::fs::read_to_string(&exported)
        .unwrap()
        .contains("CATEGORIES:Altegio clients"));
    // Another salon's database (or another location): the exported cards come back in the
    // app's group, so "suggested" leaves them out, saying why; they can still be imported.
    let other = Command::new(env!("CARGO_BIN_EXE_clientbook"))
        .arg("--db")
        .arg(env.path("other.db"))
        .args([
            "import",
            exported.to_str().unwrap(),
            "--select",
            "suggested",
            "--dry-run",
            "--json",
        ])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    let preview: Value = serde_json::from_slice(&other.stdout).unwrap();
    let rows = preview["contacts"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["not_suggested"], "from_app_group", "{row}");
        assert_eq!(row["selected"], false);
        assert_eq!(row["status"], "new");
    }
}
