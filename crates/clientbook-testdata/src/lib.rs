//! Seeded test data shaped like a salon's real phonebooks and client databases, for the
//! benchmarks (`crates/clientbook-core/benches`, the bench binaries here and the JVM
//! benchmark in `bindings/kotlin`).
//!
//! Everything is a pure function of `(size, seed)`: the same seed gives the same contacts,
//! spellings, names and clients on every run and every machine.
//!
//! The shape of a phonebook (checked by the tests below, within tolerance):
//! - 1–4 numbers per contact (62% one, 25% two, 9% three, 4% four), plus 1% of contacts with
//!   none (email-only cards), in many spellings (`+7 916 123-45-67`, `8 (916) 123-45-67`,
//!   `89161234567`, `00 49 …`, `8 10 1 …`, `+44 (0) …`, extensions `доб. 12`) and five
//!   countries: RU 60%, KZ 15%, US 10%, GB 8%, DE 7%;
//! - about 5% of all numbers invalid (too short, too long, text, unknown country code);
//! - about 10% of contacts repeat, in another spelling, a number of an earlier contact;
//! - names in Cyrillic (60%), Latin (30%) and CJK (10%): structured given/family names
//!   (sometimes a patronymic), display-name-only ("FN-only") cards, organisation- and
//!   nickname-only cards, and 2% with no name at all;
//! - besides these people, about 2% of contacts are services' (banks, carriers, city
//!   services, hotlines), named like one ("Сбербанк", "Такси"): short codes such as `900` or
//!   `0611` (no client's phone, so never importable), toll-free `8 800 …` and premium-rate
//!   `8 809 …` lines (importable, but not suggested), or a bank's short code beside its
//!   toll-free line. The shares above are the people's.
//!
//! A client database overlaps the phonebook: about 30% of the phonebook's contacts are
//! already clients (capped by the size of the database); the other clients have numbers no
//! contact has.

use std::collections::{HashMap, HashSet};

use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::phone::{self, PhoneLabel, Region};
use clientbook_core::store::{NewClient, Store};

/// The seed every benchmark uses unless told otherwise.
pub const SEED: u64 = 0x00C1_1E47_B00C;

/// Phonebook sizes the benchmarks use.
pub const PHONEBOOK_SIZES: [usize; 4] = [1_000, 10_000, 50_000, 100_000];
/// Client database sizes the benchmarks use.
pub const CLIENT_DB_SIZES: [usize; 2] = [10_000, 100_000];

/// Share of all numbers that are invalid.
pub const INVALID_SHARE: f64 = 0.05;
/// Share of contacts that repeat an earlier contact's number.
pub const DUPLICATE_SHARE: f64 = 0.10;
/// Share of contacts with no number at all.
pub const NO_PHONE_SHARE: f64 = 0.01;
/// Share of the phonebook's contacts that are already clients.
pub const CLIENT_OVERLAP: f64 = 0.30;
/// Share of contacts that are a service's (short codes, toll-free and premium-rate lines).
pub const SERVICE_SHARE: f64 = 0.02;

/// A generated phonebook and what the core must make of each number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phonebook {
    pub contacts: Vec<PhonebookContact>,
    /// Per contact, per number (parallel to `contacts[i].phones`): the match key the core
    /// gives that spelling with region RU, or `None` for a number meant to be invalid.
    pub keys: Vec<Vec<Option<String>>>,
    /// Contacts that were given, on purpose, a number of an earlier contact.
    pub planted_duplicates: usize,
    /// Per contact: the service line it is (what "Select suggested" must leave out), or
    /// `None` for a person.
    pub services: Vec<Option<ServiceLine>>,
}

/// What a service's contact holds, by the number the core would import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceLine {
    /// Short codes only (a carrier's `0611`, a parking SMS number): no client's phone.
    ShortCode,
    /// A toll-free `8 800` line, alone or beside the company's short code.
    TollFree,
    /// A premium-rate `8 809` / `8 803` line.
    PremiumRate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Country {
    Ru,
    Kz,
    Us,
    Gb,
    De,
}

impl Country {
    fn code(self) -> &'static str {
        match self {
            Country::Ru | Country::Kz => "7",
            Country::Us => "1",
            Country::Gb => "44",
            Country::De => "49",
        }
    }
}

/// One real (valid) number: its country, national significant number and extension.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Number {
    country: Country,
    mobile: bool,
    nsn: String,
    extension: Option<String>,
}

impl Number {
    fn e164(&self) -> String {
        format!("+{}{}", self.country.code(), self.nsn)
    }

    fn key(&self) -> String {
        phone::match_key(&self.e164(), self.extension.as_deref())
    }
}

/// The generator's state: a seeded RNG plus the salon's region (numbers are checked against
/// the core with it, so the ground truth in [`Phonebook::keys`] is what the core computes).
struct Gen {
    rng: fastrand::Rng,
    region: Region,
}

fn digits(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(0..items.len())]
}

/// Groups `s` by the sizes in `parts` (which must add up to its length), joined by `sep`.
fn group(s: &str, parts: &[usize], sep: &str) -> String {
    let mut out = Vec::with_capacity(parts.len());
    let mut at = 0;
    for &p in parts {
        out.push(&s[at..at + p]);
        at += p;
    }
    debug_assert_eq!(at, s.len());
    out.join(sep)
}

impl Gen {
    fn new(seed: u64) -> Self {
        Gen {
            rng: fastrand::Rng::with_seed(seed),
            region: Region::default(),
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.f64() < p
    }

    fn country(&mut self) -> Country {
        match self.rng.u32(0..100) {
            0..=59 => Country::Ru,
            60..=74 => Country::Kz,
            75..=84 => Country::Us,
            85..=92 => Country::Gb,
            _ => Country::De,
        }
    }

    /// A national significant number from ranges in use; checked by [`Gen::valid_number`].
    fn nsn(&mut self, country: Country, mobile: bool) -> String {
        let r = &mut self.rng;
        match (country, mobile) {
            (Country::Ru, true) => {
                let code = pick(
                    r,
                    &[
                        "901", "903", "905", "906", "909", "910", "915", "916", "917", "918",
                        "919", "920", "921", "925", "926", "929", "950", "951", "952", "958",
                        "960", "961", "962", "963", "964", "965", "967", "968", "977", "980",
                        "981", "985", "988", "991", "996", "999",
                    ],
                );
                format!("{code}{}", digits(r, 7))
            }
            (Country::Ru, false) => {
                let code = pick(r, &["495", "499", "812", "343", "383", "843", "861"]);
                format!("{code}{}{}", r.u8(2..10), digits(r, 6))
            }
            (Country::Kz, true) => {
                let code = pick(
                    r,
                    &[
                        "700", "701", "702", "705", "707", "708", "747", "771", "775", "776",
                        "777", "778",
                    ],
                );
                format!("{code}{}", digits(r, 7))
            }
            (Country::Kz, false) => {
                let code = pick(r, &["727", "7172", "7212"]);
                let rest = 10 - code.len();
                format!("{code}{}{}", r.u8(2..6), digits(r, rest - 1))
            }
            (Country::Us, _) => {
                let area = pick(
                    r,
                    &[
                        "201", "206", "212", "213", "305", "310", "312", "347", "404", "415",
                        "512", "617", "646", "702", "718", "773", "917",
                    ],
                );
                format!("{area}{}{}{}", r.u8(2..10), digits(r, 2), digits(r, 4))
            }
            (Country::Gb, true) => format!("7{}{}", r.u8(1..4), digits(r, 8)),
            (Country::Gb, false) => {
                format!("20{}{}", pick(r, &["3", "7", "8"]), digits(r, 7))
            }
            (Country::De, true) => {
                let (code, rest) = *pick(
                    r,
                    &[
                        ("151", 8),
                        ("152", 8),
                        ("157", 8),
                        ("160", 7),
                        ("170", 7),
                        ("171", 7),
                        ("172", 7),
                        ("176", 8),
                        ("177", 7),
                        ("179", 7),
                    ],
                );
                format!("{code}{}", digits(r, rest))
            }
            (Country::De, false) => {
                let code = pick(r, &["30", "40", "89", "69", "221"]);
                format!("{code}{}{}", r.u8(2..10), digits(r, 6))
            }
        }
    }

    /// A number the core accepts as valid (drawn again until it does).
    fn valid_number(&mut self) -> Number {
        let country = self.country();
        let mobile = self.chance(0.8);
        loop {
            let nsn = self.nsn(country, mobile);
            let extension =
                (!mobile && self.chance(0.05)).then(|| self.rng.u16(1..1000).to_string());
            let n = Number {
                country,
                mobile,
                nsn,
                extension,
            };
            let plain = format!("+{}{}", n.country.code(), n.nsn);
            if phone::normalize(&plain, PhoneLabel::Mobile, self.region).valid {
                return n;
            }
        }
    }

    /// One way people write this number in a phonebook.
    fn spell(&mut self, n: &Number) -> String {
        let cc = n.country.code();
        let s = n.nsn.as_str();
        let r = &mut self.rng;
        let body = match n.country {
            Country::Ru | Country::Kz if s.len() == 10 => match r.u8(0..10) {
                0 => format!("+7 {}", group(s, &[3, 3, 2, 2], "-").replacen('-', " ", 1)),
                1 => format!("+7{s}"),
                2 => format!("8 ({}) {}", &s[..3], group(&s[3..], &[3, 2, 2], "-")),
                3 => format!("8{s}"),
                4 => format!("8-{}", group(s, &[3, 3, 2, 2], "-")),
                5 => s.to_string(),
                6 => format!("+7 ({}) {}", &s[..3], group(&s[3..], &[3, 2, 2], " ")),
                7 => format!("7{s}"),
                8 => format!("8 {}", group(s, &[3, 3, 4], " ")),
                _ => format!("+7 {}", group(s, &[3, 7], " ")),
            },
            Country::Us => match r.u8(0..6) {
                0 => format!("+1 ({}) {}-{}", &s[..3], &s[3..6], &s[6..]),
                1 => format!("+1 {}", group(s, &[3, 3, 4], "-")),
                2 => format!("+1{s}"),
                3 => format!("8 10 1 {}", group(s, &[3, 3, 4], " ")),
                4 => format!("00 1 {}", group(s, &[3, 3, 4], " ")),
                _ => format!("+1.{}", group(s, &[3, 3, 4], ".")),
            },
            Country::Gb => {
                let parts: &[usize] = if s.starts_with('7') {
                    &[4, 6]
                } else {
                    &[2, 4, 4]
                };
                match r.u8(0..5) {
                    0 => format!("+44 {}", group(s, parts, " ")),
                    1 => format!("+44 (0) {}", group(s, parts, " ")),
                    2 => format!("0044 {}", group(s, parts, " ")),
                    3 => format!("+44{s}"),
                    _ => format!("8 10 44 {}", group(s, parts, " ")),
                }
            }
            _ => {
                let split = if n.mobile { 3 } else { s.len() - 7 };
                match r.u8(0..5) {
                    0 => format!("+{cc} {} {}", &s[..split], &s[split..]),
                    1 => format!("+{cc} (0){} {}", &s[..split], &s[split..]),
                    2 => format!("00{cc} {} {}", &s[..split], &s[split..]),
                    3 => format!("+{cc}-{}-{}", &s[..split], &s[split..]),
                    _ => format!("+{cc}{s}"),
                }
            }
        };
        match &n.extension {
            None => body,
            Some(ext) => match r.u8(0..3) {
                0 => format!("{body} доб. {ext}"),
                1 => format!("{body} ext. {ext}"),
                _ => format!("{body} x{ext}"),
            },
        }
    }

    /// A spelling of `n` that the core reads back as `n` (falls back to `+<cc><nsn>`, which
    /// it always does, if a fancier spelling does not).
    fn spelled(&mut self, n: &Number) -> String {
        let want = n.key();
        for _ in 0..3 {
            let s = self.spell(n);
            if phone::normalize(&s, PhoneLabel::Mobile, self.region)
                .key()
                .as_deref()
                == Some(want.as_str())
            {
                return s;
            }
        }
        match &n.extension {
            Some(ext) => format!("{} ext. {ext}", n.e164()),
            None => n.e164(),
        }
    }

    /// A number the core rejects, in one of the ways phonebooks hold them.
    fn invalid_number(&mut self) -> String {
        loop {
            let r = &mut self.rng;
            let s = match r.u8(0..8) {
                // A local number's tail (digits alone would read as a service's short code).
                0 => format!("{}-{}", digits(r, 2), digits(r, 2)),
                1 => format!("+7 916 {}", digits(r, 3)),
                2 => format!(
                    "8 (9{}) {}-{}-{}-{}",
                    digits(r, 2),
                    digits(r, 3),
                    digits(r, 2),
                    digits(r, 2),
                    digits(r, 2)
                ),
                3 => pick(r, &["нет", "unknown", "—", "n/a", "спросить", "???"]).to_string(),
                4 => format!("+999 {} {}", digits(r, 3), digits(r, 6)),
                5 => format!("8 (000) {}", digits(r, 7)),
                6 => format!("+1 {}", digits(r, 5)),
                _ => format!("{}#", digits(r, 4)),
            };
            if !phone::normalize(&s, PhoneLabel::Mobile, self.region).valid {
                return s;
            }
        }
    }

    fn label(&mut self, first: bool, n: Option<&Number>) -> PhoneLabel {
        let mobile = n.is_none_or(|n| n.mobile);
        let r = self.rng.u8(0..100);
        match (first, mobile) {
            (true, true) if r < 85 => PhoneLabel::Mobile,
            (_, true) if r < 60 => PhoneLabel::Mobile,
            (_, false) if r < 45 => PhoneLabel::Work,
            (_, false) if r < 85 => PhoneLabel::Home,
            _ if r < 92 => PhoneLabel::Main,
            _ if r < 98 => PhoneLabel::Other,
            _ => PhoneLabel::Fax,
        }
    }

    /// A service's contact: its name, its numbers (spellings, with the key the core gives
    /// each, `None` for a short code) and what it is. `used` keeps its lines unique.
    fn service(
        &mut self,
        used: &mut HashSet<String>,
    ) -> (String, Vec<(String, Option<String>)>, ServiceLine) {
        let r = &mut self.rng;
        let short_code = |r: &mut fastrand::Rng| -> String {
            if r.bool() {
                (*pick(r, SHORT_CODES)).to_string()
            } else {
                let len = r.usize(4..=6);
                format!("{}{}", r.u8(1..10), digits(r, len - 1))
            }
        };
        let kind = match r.u32(0..100) {
            0..=44 => ServiceLine::ShortCode,
            45..=89 => ServiceLine::TollFree,
            _ => ServiceLine::PremiumRate,
        };
        let mut numbers = Vec::with_capacity(2);
        if kind == ServiceLine::ShortCode {
            numbers.push((short_code(r), None));
            if r.u8(0..5) == 0 {
                numbers.push((short_code(r), None));
            }
            return (pick(r, SERVICE_NAMES).to_string(), numbers, kind);
        }
        // A bank often has its SMS short code beside its line.
        if kind == ServiceLine::TollFree && r.u8(0..3) == 0 {
            numbers.push((short_code(r), None));
        }
        let line = loop {
            let prefix = match kind {
                ServiceLine::PremiumRate => *pick(r, &["809", "803"]),
                _ => "800",
            };
            let nsn = format!("{prefix}{}{}", r.u8(1..10), digits(r, 6));
            if used.insert(nsn.clone()) {
                break nsn;
            }
        };
        let spelled = match r.u8(0..4) {
            0 => format!("8 {} {}", &line[..3], group(&line[3..], &[3, 2, 2], "-")),
            1 => format!("8-{}", group(&line, &[3, 3, 2, 2], "-")),
            2 => format!("+7 ({}) {}", &line[..3], group(&line[3..], &[3, 2, 2], "-")),
            _ => format!("8{line}"),
        };
        numbers.push((spelled, Some(format!("+7{line}"))));
        (pick(r, SERVICE_NAMES).to_string(), numbers, kind)
    }

    fn phone_count(&mut self) -> usize {
        if self.chance(NO_PHONE_SHARE) {
            return 0;
        }
        match self.rng.u32(0..100) {
            0..=61 => 1,
            62..=86 => 2,
            87..=95 => 3,
            _ => 4,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Names

const RU_MALE: &[&str] = &[
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Максим",
    "Евгений",
    "Иван",
    "Михаил",
    "Артём",
    "Никита",
    "Павел",
    "Роман",
    "Владимир",
    "Олег",
    "Юрий",
];
const RU_FEMALE: &[&str] = &[
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Екатерина",
    "Светлана",
    "Юлия",
    "Анастасия",
    "Дарья",
    "Ксения",
    "Алёна",
    "Виктория",
    "Полина",
];
const RU_SURNAME_M: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
];
/// Short codes phonebooks hold: banks' SMS numbers, carriers' service lines, city services.
const SHORT_CODES: &[&str] = &[
    "900", "0611", "0500", "0890", "611", "7757", "115", "3443", "8464", "1000",
];
const SERVICE_NAMES: &[&str] = &[
    "Сбербанк",
    "Т-Банк",
    "Альфа-Банк",
    "ВТБ",
    "МТС",
    "Билайн",
    "МегаФон",
    "Tele2",
    "Госуслуги",
    "Парковки",
    "Такси",
    "Доставка",
    "Горячая линия",
    "Справочная",
    "Баланс",
];
const KZ_MALE: &[&str] = &["Нурлан", "Ерлан", "Асхат", "Данияр", "Айдос", "Бауыржан"];
const KZ_FEMALE: &[&str] = &["Айгерим", "Динара", "Жанна", "Гульнара", "Асель", "Мадина"];
const KZ_SURNAME_M: &[&str] = &[
    "Нурланов",
    "Касымов",
    "Ахметов",
    "Сейткали",
    "Жумабаев",
    "Оспанов",
];
const RU_PATRONYMIC_ROOTS: &[&str] = &[
    "Сергеев",
    "Александров",
    "Иванов",
    "Петров",
    "Викторов",
    "Николаев",
];
const RU_FN_ONLY: &[&str] = &[
    "маникюр",
    "брови",
    "такси",
    "мама",
    "сосед",
    "салон",
    "педикюр",
    "стрижка",
    "работа",
    "ресницы",
    "визажист",
    "массаж",
];
const LATIN_GIVEN: &[&str] = &[
    "James",
    "Emily",
    "Olivia",
    "Noah",
    "Liam",
    "Sophia",
    "Lukas",
    "Anna",
    "Jürgen",
    "Zoë",
    "Chloé",
    "Mia",
    "Leon",
    "Hannah",
    "Oliver",
    "Charlotte",
];
const LATIN_FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weiß",
    "O'Brien",
    "García",
    "Davies",
    "Evans",
    "Becker",
    "Hoffmann",
];
const LATIN_FN_ONLY: &[&str] = &[
    "nails", "Dr.", "taxi", "Mom", "plumber", "hair", "boss", "gym",
];
const CJK_FAMILY: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "佐藤", "鈴木", "高橋", "田中", "김", "이",
];
const CJK_GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "健", "花子", "翔太", "美咲", "민준", "서연",
];
const ORGS: &[&str] = &[
    "Салон красоты «Лилия»",
    "ООО Ромашка",
    "Beauty Lab",
    "Studio Nails & Co",
    "Барбершоп Борода",
    "Клиника Здоровье",
    "Friseur Schnittpunkt",
    "美容院 花",
    "Доставка цветов",
    "Coffee Point",
];
const NICKS: &[&str] = &[
    "Котик",
    "Boss",
    "Малыш",
    "Sunny",
    "Док",
    "小美",
    "Шеф",
    "Ace",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Cyrillic,
    Latin,
    Cjk,
}

#[derive(Debug, Default)]
struct Name {
    given: Option<String>,
    middle: Option<String>,
    family: Option<String>,
    display: Option<String>,
    organization: Option<String>,
    nickname: Option<String>,
}

impl Gen {
    fn script(&mut self) -> Script {
        match self.rng.u32(0..100) {
            0..=59 => Script::Cyrillic,
            60..=89 => Script::Latin,
            _ => Script::Cjk,
        }
    }

    /// (given, family, patronymic) in `script`.
    fn person(&mut self, script: Script) -> (String, String, Option<String>) {
        let r = &mut self.rng;
        match script {
            Script::Cyrillic => {
                let female = r.bool();
                let kz = r.u8(0..5) == 0;
                let given = match (kz, female) {
                    (false, false) => pick(r, RU_MALE),
                    (false, true) => pick(r, RU_FEMALE),
                    (true, false) => pick(r, KZ_MALE),
                    (true, true) => pick(r, KZ_FEMALE),
                };
                let family = pick(r, if kz { KZ_SURNAME_M } else { RU_SURNAME_M });
                let family = if female && family.ends_with(['в', 'н']) {
                    format!("{family}а")
                } else {
                    family.to_string()
                };
                let middle = (!kz && r.u8(0..4) == 0).then(|| {
                    let root = pick(r, RU_PATRONYMIC_ROOTS);
                    format!("{root}{}", if female { "на" } else { "ич" })
                });
                (given.to_string(), family, middle)
            }
            Script::Latin => (
                pick(r, LATIN_GIVEN).to_string(),
                pick(r, LATIN_FAMILY).to_string(),
                None,
            ),
            Script::Cjk => (
                pick(r, CJK_GIVEN).to_string(),
                pick(r, CJK_FAMILY).to_string(),
                None,
            ),
        }
    }

    fn name(&mut self) -> Name {
        let script = self.script();
        let (given, family, middle) = self.person(script);
        let shape = self.rng.u32(0..100);
        let whole = |given: &str, family: &str| match script {
            Script::Cjk => format!("{family}{given}"),
            _ => format!("{given} {family}"),
        };
        match shape {
            // Structured: the platform gives the parts and its own display name.
            0..=71 => Name {
                display: Some(whole(&given, &family)),
                given: Some(given),
                middle,
                family: Some(family),
                ..Default::default()
            },
            // Given name only.
            72..=75 => Name {
                display: Some(given.clone()),
                given: Some(given),
                ..Default::default()
            },
            // FN-only: a whole name typed into one field, often with a note.
            76..=90 => {
                let text = match (script, self.rng.u8(0..3)) {
                    (Script::Cyrillic, 0) => format!("{given} {}", pick(&mut self.rng, RU_FN_ONLY)),
                    (Script::Latin, 0) => format!("{} {given}", pick(&mut self.rng, LATIN_FN_ONLY)),
                    (_, 1) => given,
                    _ => whole(&given, &family),
                };
                // Messy spacing, as typed on a phone keyboard.
                let text = if self.rng.u8(0..10) == 0 {
                    format!("  {}  ", text.replace(' ', "  "))
                } else {
                    text
                };
                Name {
                    display: Some(text),
                    ..Default::default()
                }
            }
            91..=95 => Name {
                organization: Some(pick(&mut self.rng, ORGS).to_string()),
                ..Default::default()
            },
            96..=97 => Name {
                nickname: Some(pick(&mut self.rng, NICKS).to_string()),
                ..Default::default()
            },
            _ => Name::default(),
        }
    }

    fn email(&mut self, i: usize) -> Vec<String> {
        if self.chance(0.2) {
            let domain = pick(
                &mut self.rng,
                &["mail.ru", "yandex.ru", "gmail.com", "example.com"],
            );
            vec![format!("client{i}@{domain}")]
        } else {
            Vec::new()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Phonebooks and client databases

/// A phonebook of `size` contacts. The same `(size, seed)` gives the same phonebook; each
/// size is drawn on its own (a 10k phonebook is not the first 10k of the 100k one).
pub fn phonebook(size: usize, seed: u64) -> Phonebook {
    let mut g = Gen::new(seed ^ (size as u64).rotate_left(32));
    let mut contacts = Vec::with_capacity(size);
    let mut keys = Vec::with_capacity(size);
    // Valid numbers already in the phonebook, for planting duplicates.
    let mut pool: Vec<Number> = Vec::with_capacity(size * 2);
    let mut planted = 0;
    let mut services = Vec::with_capacity(size);
    let mut service_lines: HashSet<String> = HashSet::new();
    for i in 0..size {
        if g.chance(SERVICE_SHARE) {
            let (name, numbers, line) = g.service(&mut service_lines);
            let label = PhoneLabel::Work;
            contacts.push(PhonebookContact {
                platform_id: (i + 1).to_string(),
                display_name: Some(name),
                phones: numbers
                    .iter()
                    .map(|(number, _)| RawPhone {
                        number: number.clone(),
                        label,
                    })
                    .collect(),
                ..Default::default()
            });
            keys.push(numbers.into_iter().map(|(_, key)| key).collect());
            services.push(Some(line));
            continue;
        }
        services.push(None);
        let name = g.name();
        let count = g.phone_count();
        let mut phones = Vec::with_capacity(count);
        let mut contact_keys = Vec::with_capacity(count);
        // About 10% of contacts repeat an earlier contact's number; the share of contacts
        // with at least one number is 99%, so plant at a slightly higher rate.
        let duplicate = count > 0 && !pool.is_empty() && g.chance(DUPLICATE_SHARE / 0.99);
        let mut own: Vec<Number> = Vec::with_capacity(count);
        for slot in 0..count {
            if slot == 0 && duplicate {
                let n = pool[g.rng.usize(0..pool.len())].clone();
                let label = g.label(true, Some(&n));
                phones.push(RawPhone {
                    number: g.spelled(&n),
                    label,
                });
                contact_keys.push(Some(n.key()));
                planted += 1;
                own.push(n);
                continue;
            }
            if g.chance(INVALID_SHARE) {
                let label = g.label(slot == 0, None);
                phones.push(RawPhone {
                    number: g.invalid_number(),
                    label,
                });
                contact_keys.push(None);
                continue;
            }
            // Messengers repeat a number under a second row in another spelling.
            let n = if slot > 0 && !own.is_empty() && g.chance(0.05) {
                own[0].clone()
            } else {
                g.valid_number()
            };
            let label = g.label(slot == 0, Some(&n));
            phones.push(RawPhone {
                number: g.spelled(&n),
                label,
            });
            contact_keys.push(Some(n.key()));
            own.push(n);
        }
        if !duplicate {
            pool.extend(own.iter().cloned());
        }
        let Name {
            given,
            middle,
            family,
            display,
            organization,
            nickname,
        } = name;
        let emails = g.email(i);
        contacts.push(PhonebookContact {
            platform_id: (i + 1).to_string(),
            given_name: given,
            middle_name: middle,
            family_name: family,
            display_name: display,
            organization,
            nickname,
            phones,
            emails,
            in_app_group: false,
            birthday: None,
        });
        keys.push(contact_keys);
    }
    Phonebook {
        contacts,
        keys,
        planted_duplicates: planted,
        services,
    }
}

/// A client database of `size` clients. About [`CLIENT_OVERLAP`] of the phonebook's
/// contacts (those with a valid number, at most `size`) are already clients under their
/// first valid number; the rest have numbers that appear nowhere in the phonebook. Every
/// client's phone key is unique, as the database requires.
pub fn clients(size: usize, phonebook: &Phonebook, seed: u64) -> Vec<NewClient> {
    let mut g = Gen::new(seed ^ 0xC1 ^ (size as u64).rotate_left(16));
    let mut taken: HashSet<String> = phonebook.keys.iter().flatten().flatten().cloned().collect();
    let mut used: HashSet<String> = HashSet::with_capacity(size);
    let mut out = Vec::with_capacity(size);

    // Contacts holding each key: picking one contact's number as a client's also makes every
    // contact repeating that number an existing client, and the overlap counts them all.
    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, keys) in phonebook.keys.iter().enumerate() {
        for k in keys.iter().flatten() {
            holders.entry(k.as_str()).or_default().push(i);
        }
    }
    let want = (phonebook.contacts.len() as f64 * CLIENT_OVERLAP).round() as usize;
    let mut matched = vec![false; phonebook.contacts.len()];
    let mut matched_count = 0;
    let mut order: Vec<usize> = (0..phonebook.contacts.len()).collect();
    g.rng.shuffle(&mut order);
    for i in order {
        if matched_count >= want || out.len() == size {
            break;
        }
        // A salon's clients are people, not its phonebook's bank or taxi lines.
        if matched[i] || phonebook.services[i].is_some() {
            continue;
        }
        let Some(key) = phonebook.keys[i].iter().flatten().next() else {
            continue;
        };
        if !used.insert(key.clone()) {
            continue;
        }
        for &j in &holders[key.as_str()] {
            if !matched[j] {
                matched[j] = true;
                matched_count += 1;
            }
        }
        let (phone, extension) = match key.split_once(";ext=") {
            Some((e, x)) => (e.to_string(), Some(x.to_string())),
            None => (key.clone(), None),
        };
        let c = &phonebook.contacts[i];
        let name = c
            .given_name
            .clone()
            .or_else(|| c.display_name.clone())
            .or_else(|| c.organization.clone())
            .unwrap_or_else(|| "Клиент".to_string());
        out.push(NewClient {
            name: name.trim().to_string(),
            surname: c.family_name.clone(),
            middle_name: c.middle_name.clone(),
            phone,
            phone_extension: extension,
            email: c.emails.first().cloned(),
            birth_date: None,
        });
    }
    while out.len() < size {
        let n = g.valid_number();
        let key = n.key();
        if taken.contains(&key) || !used.insert(key.clone()) {
            continue;
        }
        taken.insert(key);
        let script = g.script();
        let (given, family, middle) = g.person(script);
        let email = g.email(out.len()).pop();
        out.push(NewClient {
            name: given,
            surname: Some(family),
            middle_name: middle,
            phone: n.e164(),
            phone_extension: n.extension.clone(),
            email,
            birth_date: None,
        });
    }
    g.rng.shuffle(&mut out);
    out
}

/// Fresh contacts, each with one valid number that is in none of `avoid` (nor in another
/// fresh contact): what a commit of `size` new clients writes.
pub fn new_contacts(size: usize, avoid: &[NewClient], seed: u64) -> Vec<PhonebookContact> {
    let mut g = Gen::new(seed ^ 0x0E3 ^ (size as u64).rotate_left(8));
    let mut used: HashSet<String> = avoid.iter().map(NewClient::key).collect();
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        let n = g.valid_number();
        if !used.insert(n.key()) {
            continue;
        }
        let script = g.script();
        let (given, family, middle) = g.person(script);
        let number = g.spelled(&n);
        out.push(PhonebookContact {
            platform_id: format!("new-{}", out.len()),
            display_name: Some(format!("{given} {family}")),
            given_name: Some(given),
            middle_name: middle,
            family_name: Some(family),
            phones: vec![RawPhone {
                number,
                label: PhoneLabel::Mobile,
            }],
            ..Default::default()
        });
    }
    out
}

/// Writes `clients` into `store` in batches of 500, as an import would.
pub fn fill_store(store: &Store, clients: &[NewClient]) -> clientbook_core::Result<()> {
    for chunk in clients.chunks(500) {
        store.insert_batch(chunk)?;
    }
    Ok(())
}

/// The phonebook as a vCard 3.0 file (the core's own writer).
pub fn vcard(contacts: &[PhonebookContact]) -> Vec<u8> {
    clientbook_core::vcard::write(contacts).into_bytes()
}

/// Every raw number of the phonebook, in order: the input of the phone-parsing benchmarks.
pub fn raw_numbers(phonebook: &Phonebook) -> Vec<String> {
    phonebook
        .contacts
        .iter()
        .flat_map(|c| c.phones.iter().map(|p| p.number.clone()))
        .collect()
}

/// Peak resident set size of this process (`VmHWM` in `/proc/self/status`), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM:")
}

/// Current resident set size of this process (`VmRSS`), in KiB.
pub fn rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS:")
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets the kernel's peak-RSS mark to the current RSS (`echo 5 > /proc/self/clear_refs`,
/// Linux 4.0+), so a measurement excludes what data generation used and freed before it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Files of one scenario, as `gen-data` writes them and the bench binaries and the JVM
/// benchmark read them.
pub mod files {
    use std::io::{BufRead, BufWriter, Write};
    use std::path::{Path, PathBuf};

    use clientbook_core::contact::PhonebookContact;
    use clientbook_core::store::Store;

    /// Where each file of a scenario lives in its directory.
    #[derive(Debug, Clone)]
    pub struct Scenario {
        pub dir: PathBuf,
    }

    impl Scenario {
        pub fn new(dir: impl Into<PathBuf>) -> Self {
            Scenario { dir: dir.into() }
        }
        /// One `PhonebookContact` as JSON per line.
        pub fn phonebook_jsonl(&self) -> PathBuf {
            self.dir.join("phonebook.jsonl")
        }
        /// The same contacts as a vCard 3.0 file.
        pub fn phonebook_vcf(&self) -> PathBuf {
            self.dir.join("phonebook.vcf")
        }
        /// The client database (SQLite, the core's schema).
        pub fn clients_db(&self) -> PathBuf {
            self.dir.join("clients.db")
        }
        /// One `store::Client` (with its database id) as JSON per line.
        pub fn clients_jsonl(&self) -> PathBuf {
            self.dir.join("clients.jsonl")
        }
        pub fn manifest(&self) -> PathBuf {
            self.dir.join("manifest.json")
        }
    }

    fn other(e: impl std::fmt::Display) -> std::io::Error {
        std::io::Error::other(e.to_string())
    }

    /// Generates and writes a scenario: `contacts` phonebook contacts and a database of
    /// `clients` clients overlapping it (see [`crate::clients`]). Replaces older files.
    pub fn write_scenario(
        dir: &Path,
        contacts: usize,
        clients: usize,
        seed: u64,
    ) -> std::io::Result<Scenario> {
        std::fs::create_dir_all(dir)?;
        let sc = Scenario::new(dir);
        let pb = crate::phonebook(contacts, seed);
        let db = crate::clients(clients, &pb, seed);

        let mut out = BufWriter::new(std::fs::File::create(sc.phonebook_jsonl())?);
        for c in &pb.contacts {
            serde_json::to_writer(&mut out, c).map_err(other)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        std::fs::write(sc.phonebook_vcf(), crate::vcard(&pb.contacts))?;

        let path = sc.clients_db();
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
        let store = Store::open(&path).map_err(other)?;
        crate::fill_store(&store, &db).map_err(other)?;
        let mut out = BufWriter::new(std::fs::File::create(sc.clients_jsonl())?);
        for c in store.clients().map_err(other)? {
            serde_json::to_writer(&mut out, &c).map_err(other)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        drop(store);

        let numbers: usize = pb.contacts.iter().map(|c| c.phones.len()).sum();
        let manifest = serde_json::json!({
            "seed": seed,
            "contacts": contacts,
            "numbers": numbers,
            "clients": clients,
            "planted_duplicates": pb.planted_duplicates,
        });
        std::fs::write(sc.manifest(), manifest.to_string())?;
        Ok(sc)
    }

    /// Reads a phonebook written by [`write_scenario`], one line at a time.
    pub fn read_phonebook(path: &Path) -> std::io::Result<Vec<PhonebookContact>> {
        let reader = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut out = Vec::new();
        for line in reader.lines() {
            let line = line?;
            if !line.trim().is_empty() {
                let mut c: PhonebookContact = serde_json::from_str(&line).map_err(other)?;
                // Exact sizes, as uniffi lifts lists from Kotlin or Swift: serde's growing
                // Vecs would otherwise add slack to the peak-RSS measurement.
                c.phones.shrink_to_fit();
                c.emails.shrink_to_fit();
                out.push(c);
            }
        }
        out.shrink_to_fit();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(actual: f64, target: f64, tolerance: f64, what: &str) {
        assert!(
            (actual - target).abs() <= tolerance,
            "{what}: {actual:.4} is not within {tolerance} of {target}"
        );
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let a = phonebook(2_000, SEED);
        let b = phonebook(2_000, SEED);
        assert_eq!(a, b);
        assert_eq!(clients(3_000, &a, SEED), clients(3_000, &b, SEED));
        assert_eq!(vcard(&a.contacts), vcard(&b.contacts));
        assert_eq!(new_contacts(500, &[], SEED), new_contacts(500, &[], SEED));
        let c = phonebook(2_000, SEED + 1);
        assert_ne!(a.contacts, c.contacts);
    }

    #[test]
    fn ground_truth_is_what_the_core_computes() {
        let pb = phonebook(3_000, SEED);
        for (c, keys) in pb.contacts.iter().zip(&pb.keys) {
            assert_eq!(c.phones.len(), keys.len());
            for (p, want) in c.phones.iter().zip(keys) {
                let got = phone::normalize(&p.number, p.label, Region::default()).key();
                assert_eq!(&got, want, "{:?}", p.number);
            }
        }
    }

    #[test]
    fn phonebook_has_the_stated_shape() {
        let all = phonebook(10_000, SEED);
        within(
            all.services.iter().flatten().count() as f64 / all.contacts.len() as f64,
            SERVICE_SHARE,
            0.005,
            "services",
        );
        // The rest of the shape is the people's.
        let people = |i: &usize| all.services[*i].is_none();
        let pb = Phonebook {
            contacts: (0..all.contacts.len())
                .filter(people)
                .map(|i| all.contacts[i].clone())
                .collect(),
            keys: (0..all.keys.len())
                .filter(people)
                .map(|i| all.keys[i].clone())
                .collect(),
            planted_duplicates: all.planted_duplicates,
            services: Vec::new(),
        };
        let n = pb.contacts.len() as f64;
        let counts: Vec<usize> = pb.contacts.iter().map(|c| c.phones.len()).collect();
        assert!(counts.iter().all(|&k| k <= 4));
        within(
            counts.iter().filter(|&&k| k == 0).count() as f64 / n,
            NO_PHONE_SHARE,
            0.005,
            "no phone",
        );
        within(
            counts.iter().filter(|&&k| k == 1).count() as f64 / n,
            0.62 * 0.99,
            0.02,
            "one number",
        );
        within(
            counts.iter().filter(|&&k| k >= 2).count() as f64 / n,
            0.38 * 0.99,
            0.02,
            "several",
        );

        let numbers: Vec<&Option<String>> = pb.keys.iter().flatten().collect();
        let invalid = numbers.iter().filter(|k| k.is_none()).count() as f64 / numbers.len() as f64;
        within(invalid, INVALID_SHARE, 0.01, "invalid numbers");

        // Contacts with a number an earlier contact has: planted ones plus chance collisions.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut repeats = 0;
        for (i, keys) in pb.keys.iter().enumerate() {
            let mut hit = false;
            for k in keys.iter().flatten() {
                if seen.get(k.as_str()).is_some_and(|&j| j < i) {
                    hit = true;
                }
            }
            for k in keys.iter().flatten() {
                seen.entry(k.as_str()).or_insert(i);
            }
            repeats += hit as usize;
        }
        within(
            repeats as f64 / n,
            DUPLICATE_SHARE,
            0.015,
            "duplicates across contacts",
        );
        assert!(pb.planted_duplicates <= repeats);

        // Mixed spellings and countries.
        let raw = raw_numbers(&pb);
        let share = |f: &dyn Fn(&str) -> bool| {
            raw.iter().filter(|s| f(s)).count() as f64 / raw.len() as f64
        };
        assert!(share(&|s| s.starts_with("8 (")) > 0.02);
        assert!(share(&|s| s.starts_with('+')) > 0.2);
        assert!(share(&|s| s.starts_with("00")) > 0.005);
        assert!(share(&|s| s.contains("доб.")) > 0.0005);
        let keys: Vec<&String> = numbers.iter().filter_map(|k| k.as_ref()).collect();
        let kshare =
            |p: &str| keys.iter().filter(|k| k.starts_with(p)).count() as f64 / keys.len() as f64;
        within(
            kshare("+79") + kshare("+74") + kshare("+78") + kshare("+73"),
            0.60,
            0.06,
            "RU",
        );
        within(kshare("+77"), 0.15, 0.03, "KZ");
        within(kshare("+1"), 0.10, 0.03, "US");
        within(kshare("+44"), 0.08, 0.03, "GB");
        within(kshare("+49"), 0.07, 0.03, "DE");

        // Names: three scripts, FN-only cards, organisation/nickname-only and nameless cards.
        let has = |f: &dyn Fn(&PhonebookContact) -> bool| {
            pb.contacts.iter().filter(|c| f(c)).count() as f64 / n
        };
        let any_name = |c: &PhonebookContact| {
            [
                &c.given_name,
                &c.family_name,
                &c.display_name,
                &c.organization,
                &c.nickname,
            ]
            .into_iter()
            .flatten()
            .any(|s| !s.trim().is_empty())
        };
        let text = |c: &PhonebookContact| format!("{:?}{:?}", c.display_name, c.family_name);
        let cyr = has(&|c| {
            text(c)
                .chars()
                .any(|ch| ('\u{400}'..='\u{4FF}').contains(&ch))
        });
        let cjk = has(&|c| {
            text(c).chars().any(|ch| {
                ('\u{3040}'..='\u{9FFF}').contains(&ch) || ('\u{AC00}'..='\u{D7AF}').contains(&ch)
            })
        });
        let latin = has(&|c| {
            text(c).chars().any(|ch| ch.is_ascii_alphabetic())
                && !text(c).chars().any(|ch| ch as u32 > 0x3000)
        });
        assert!(
            cyr > 0.4 && cjk > 0.05 && latin > 0.2,
            "{cyr} {cjk} {latin}"
        );
        within(
            has(&|c| c.display_name.is_some() && c.given_name.is_none() && c.family_name.is_none()),
            0.15,
            0.02,
            "FN-only",
        );
        within(
            has(&|c| c.organization.is_some()),
            0.05,
            0.015,
            "organisation-only",
        );
        within(has(&|c| !any_name(c)), 0.02, 0.01, "no name");
    }

    #[test]
    fn suggested_selection_leaves_out_every_service_line_and_no_person() {
        use clientbook_core::import::{ContactStatus, ImportPlan, NotSuggested};
        use clientbook_core::messages::PhoneProblem;
        use clientbook_core::phone::ServiceKind;
        let pb = phonebook(10_000, SEED);
        let mut plan = ImportPlan::build(
            &pb.contacts,
            &clientbook_core::store::ClientIndex::new(),
            Default::default(),
            &mut |_, _| {},
        );
        let all = plan.select_all();
        let suggested = plan.select_suggested();
        let mut left_out = [0usize; 3];
        for (row, service) in plan.rows().iter().zip(&pb.services) {
            let importable = row.status.importable();
            match service {
                None => {
                    assert_eq!(row.not_suggested, None, "{:?}", row.phones);
                    assert!(row
                        .phones
                        .iter()
                        .all(|p| p.problem_code != Some(PhoneProblem::ShortCode)));
                    assert_eq!(row.selected, importable, "{:?}", row.phones);
                }
                Some(ServiceLine::ShortCode) => {
                    assert_eq!(row.status, ContactStatus::InvalidPhone, "{:?}", row.phones);
                    assert!(row
                        .phones
                        .iter()
                        .all(|p| p.problem_code == Some(PhoneProblem::ShortCode)));
                    assert!(!row.selected && row.not_suggested.is_none());
                    left_out[0] += 1;
                }
                Some(line) => {
                    let kind = match line {
                        ServiceLine::TollFree => ServiceKind::TollFree,
                        _ => ServiceKind::PremiumRate,
                    };
                    assert!(importable, "{:?}", row.phones);
                    assert_eq!(
                        row.not_suggested,
                        Some(NotSuggested::ServiceNumber { kind }),
                        "{:?}",
                        row.phones
                    );
                    assert!(!row.selected);
                    left_out[1 + (kind == ServiceKind::PremiumRate) as usize] += 1;
                }
            }
        }
        assert_eq!(
            left_out.iter().sum::<usize>(),
            pb.services.iter().flatten().count()
        );
        // Every kind occurs (this seed: 78 short codes, 102 toll-free, 5 premium-rate lines).
        assert!(left_out.iter().all(|&k| k > 0), "{left_out:?}");
        assert_eq!(all - suggested, (left_out[1] + left_out[2]) as u64);
        assert_eq!(suggested, plan.suggested_count());
    }

    #[test]
    fn clients_overlap_the_phonebook_by_about_30_percent() {
        let pb = phonebook(5_000, SEED);
        let db = clients(20_000, &pb, SEED);
        assert_eq!(db.len(), 20_000);
        let keys: HashSet<String> = db.iter().map(NewClient::key).collect();
        assert_eq!(keys.len(), db.len(), "phone keys are unique");
        let overlapping = pb
            .keys
            .iter()
            .filter(|ks| ks.iter().flatten().any(|k| keys.contains(k)))
            .count() as f64
            / pb.contacts.len() as f64;
        within(overlapping, CLIENT_OVERLAP, 0.005, "overlap");
        // Every client number is one the core accepts.
        for c in db.iter().take(2_000) {
            let p = phone::normalize(&c.phone, PhoneLabel::Mobile, Region::default());
            assert_eq!(p.e164.as_deref(), Some(c.phone.as_str()));
        }
        // A database smaller than 30% of the phonebook is all overlap.
        let small = clients(500, &pb, SEED);
        assert!(small
            .iter()
            .all(|c| pb.keys.iter().flatten().flatten().any(|k| *k == c.key())));
    }

    #[test]
    fn stores_and_vcard_round_trip() {
        let pb = phonebook(1_000, SEED);
        let db = clients(2_000, &pb, SEED);
        let store = Store::open_in_memory().unwrap();
        fill_store(&store, &db).unwrap();
        assert_eq!(store.client_count().unwrap(), 2_000);
        let parsed = clientbook_core::vcard::parse(&vcard(&pb.contacts));
        assert!(parsed.errors.is_empty());
        assert_eq!(parsed.cards.len(), pb.contacts.len());
        for (card, c) in parsed.cards.iter().zip(&pb.contacts) {
            assert_eq!(card.contact.phones, c.phones);
        }
        let fresh = new_contacts(1_000, &db, SEED);
        let index = store.client_index().unwrap();
        let plan = clientbook_core::import::ImportPlan::build(
            &fresh,
            &index,
            Default::default(),
            &mut |_, _| {},
        );
        assert_eq!(plan.summary().new, 1_000);
    }
}
