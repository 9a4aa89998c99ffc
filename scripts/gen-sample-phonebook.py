#!/usr/bin/env python3
"""Generate the Clientbook sample phonebook (examples/phonebook.vcf).

    python3 scripts/gen-sample-phonebook.py > examples/phonebook.vcf
    python3 scripts/gen-sample-phonebook.py --index   # list the special cards

Standard library only.  Every pseudo-random choice comes from
random.Random(SEED) and the output is written as raw bytes with explicit
CRLF line endings, so the same script always produces the same file byte
for byte.

The special cases live at fixed card indexes (counted from 0 in file
order, see SPECIAL and DUP_PAIRS below and examples/README.md).  The rest
of the first TOTAL cards is filled with ordinary contacts.  After them come
the SERVICE cards: short codes and service numbers, which are not people.
"""

import base64
import random
import sys
import uuid

SEED = 20240917
# Cards before the SERVICE cards: the special cards and the ordinary contacts.
TOTAL = 216
VERSIONS = ("2.1", "3.0", "4.0")
UID_NAMESPACE = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5")

RNG = random.Random(SEED)

# ---------------------------------------------------------------------------
# Name data
# ---------------------------------------------------------------------------

RU_MALE = ["Александр", "Алексей", "Андрей", "Дмитрий", "Сергей", "Иван",
           "Михаил", "Николай", "Павел", "Игорь", "Олег", "Владимир",
           "Евгений", "Артём", "Максим", "Роман", "Кирилл", "Денис",
           "Георгий", "Фёдор"]
RU_FEMALE = ["Мария", "Анна", "Екатерина", "Ольга", "Татьяна", "Наталья",
             "Елена", "Ирина", "Светлана", "Юлия", "Ксения", "Дарья",
             "Анастасия", "Полина", "Виктория", "Алёна", "Марина", "Вера",
             "Людмила", "Галина", "Александра", "Софья", "Евгения",
             "Кристина", "Валерия"]
RU_FAMILY = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов",
             "Лебедев", "Козлов", "Новиков", "Морозов", "Волков",
             "Васильев", "Зайцев", "Павлов", "Семёнов", "Голубев",
             "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов",
             "Беляев", "Тарасов", "Белов", "Комаров", "Орлов", "Киселёв",
             "Макаров", "Андреев", "Ковалёв", "Ильин", "Гусев", "Титов",
             "Кудрявцев", "Баранов", "Куликов", "Алексеев", "Степанов",
             "Яковлев", "Сорокин", "Никитин", "Захаров", "Романов",
             "Григорьев", "Жуков", "Данилов", "Громов", "Островский",
             "Вишневский", "Шевченко", "Ткаченко", "Лысенко"]
RU_PATRONYMIC = [("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"),
                 ("Викторович", "Викторовна"), ("Николаевич", "Николаевна"),
                 ("Игоревич", "Игоревна"), ("Владимирович", "Владимировна"),
                 ("Андреевич", "Андреевна"), ("Михайлович", "Михайловна"),
                 ("Петрович", "Петровна"), ("Юрьевич", "Юрьевна"),
                 ("Дмитриевич", "Дмитриевна"), ("Иванович", "Ивановна"),
                 ("Олегович", "Олеговна"), ("Геннадьевич", "Геннадьевна")]

KK_MALE = ["Нұрлан", "Ержан", "Асхат", "Данияр", "Бауыржан", "Серік",
           "Арман", "Қанат", "Ерлан", "Әлібек", "Тимур", "Айдос"]
KK_FEMALE = ["Айгерім", "Динара", "Жанар", "Гүлнара", "Әсел", "Салтанат",
             "Айгүл", "Жұлдыз", "Мадина", "Ұлжан", "Аружан", "Айгерим",
             "Асель", "Гульнара"]
KK_FAMILY = ["Ахметов", "Жумабаев", "Оспанов", "Қасымов", "Сәрсенбаев",
             "Әбенов", "Байжанов", "Мұқанов", "Серікбаев", "Омаров",
             "Нұрғалиев", "Тұрсынов", "Есенов", "Исмаилов"]
KK_PATRONYMIC = [("Серікұлы", "Серікқызы"), ("Нұрланұлы", "Нұрланқызы"),
                 ("Ерланович", "Ерлановна"), ("Болатович", "Болатовна"),
                 ("Қанатұлы", "Қанатқызы")]

EN_MALE = ["James", "John", "Michael", "David", "Robert", "William",
           "Thomas", "Daniel", "Oliver", "Jack", "Christopher", "Matthew",
           "Andrew"]
EN_FEMALE = ["Emily", "Sarah", "Jessica", "Emma", "Olivia", "Sophie",
             "Hannah", "Laura", "Rachel", "Charlotte", "Grace", "Amelia",
             "Elizabeth", "Katherine", "Megan"]
EN_FAMILY = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller",
             "Davis", "Wilson", "Taylor", "Anderson", "Thomas", "Moore",
             "Clark", "Walker", "Harris", "Evans", "Wright", "Hughes",
             "Green", "O'Brien", "Baker", "Robinson", "Campbell", "Turner"]
EN_MIDDLE = ["Ann", "Marie", "J.", "Lee", "Rose", "Edward"]

DE_MALE = ["Lukas", "Jonas", "Felix", "Maximilian", "Paul", "Leon", "Jürgen",
           "Klaus", "Stefan", "Jörg", "Björn", "Matthias", "Andreas"]
DE_FEMALE = ["Anna", "Lena", "Sophie", "Marie", "Julia", "Katharina",
             "Sabine", "Ute", "Grete", "Jana", "Lea", "Birgit", "Anke"]
DE_FAMILY = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
             "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch",
             "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
             "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange",
             "Weiß", "Groß", "Köhler", "von Bergen"]

# Salon services people write next to a name ("Оля маникюр").
SERVICES = ["маникюр", "педикюр", "брови", "ресницы", "стрижка",
            "окрашивание", "массаж", "косметолог", "визажист", "барбер",
            "колорист", "шугаринг"]

DIMINUTIVE = {
    "Мария": "Маша", "Анна": "Аня", "Екатерина": "Катя", "Ольга": "Оля",
    "Татьяна": "Таня", "Наталья": "Наташа", "Елена": "Лена", "Ирина": "Ира",
    "Светлана": "Света", "Юлия": "Юля", "Ксения": "Ксюша", "Дарья": "Даша",
    "Анастасия": "Настя", "Полина": "Поля", "Виктория": "Вика",
    "Людмила": "Люда", "Галина": "Галя", "Александра": "Саша",
    "Софья": "Соня", "Евгения": "Женя", "Валерия": "Лера",
    "Александр": "Саша", "Алексей": "Лёша", "Дмитрий": "Дима",
    "Сергей": "Серёжа", "Михаил": "Миша", "Николай": "Коля",
    "Владимир": "Вова", "Евгений": "Женя", "Максим": "Макс",
    "Michael": "Mike", "William": "Bill", "Robert": "Bob",
    "Christopher": "Chris", "Matthew": "Matt", "Andrew": "Andy",
    "Elizabeth": "Liz", "Katherine": "Kate", "Jessica": "Jess",
    "Daniel": "Dan", "Thomas": "Tom", "James": "Jim",
}

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
    "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
}


def translit(s):
    out = []
    for ch in s:
        low = ch.lower()
        if low in TRANSLIT:
            t = TRANSLIT[low]
            out.append(t.capitalize() if ch != low else t)
        else:
            out.append(ch)
    return "".join(out)


def feminine(family):
    for suffix in ("ский", "цкий"):
        if family.endswith(suffix):
            return family[:-2] + "ая"
    if family.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return family + "а"
    return family


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------

RU_MOBILE = ["903", "905", "906", "909", "910", "915", "916", "917", "919",
             "925", "926", "929", "936", "962", "963", "965", "967", "968",
             "977", "985", "999"]
RU_LAND = ["495", "495", "499", "812"]
KZ_MOBILE = ["701", "702", "705", "707", "747", "771", "775", "777", "778"]
US_AREA = ["212", "415", "646", "718", "917", "310", "312", "617"]
DE_MOBILE = ["151", "152", "157", "160", "162", "170", "171", "176", "179"]
DE_LAND = [("30", 7), ("30", 8), ("40", 7), ("89", 7), ("221", 6), ("69", 7)]

USED = set()


class Num:
    """A phone number: country calling code + national significant number."""

    def __init__(self, cc, nsn, area_len):
        self.cc, self.nsn, self.area_len = cc, nsn, area_len
        USED.add((cc, nsn))

    def parts(self):
        return self.nsn[:self.area_len], self.nsn[self.area_len:]

    def styles(self):
        n, cc = self.nsn, self.cc
        area, rest = self.parts()
        if cc == "7":
            a, b, c, d = n[:3], n[3:6], n[6:8], n[8:]
            return [f"8 ({a}) {b}-{c}-{d}", f"+7 {a} {b}{c}{d}", f"{n}",
                    f"+7({a}){b}-{c}-{d}", f"+7 {a} {b}-{c}-{d}", f"8{n}",
                    f"+7{n}", f"8-{a}-{b}-{c}-{d}", f"8 {a} {b} {c} {d}",
                    f"+7 ({a}) {b} {c} {d}", f"+7 ({a}) {b}-{c}-{d}",
                    f"+7 {a} {b} {c}{d}"]
        if cc == "1":
            a, b, c = n[:3], n[3:6], n[6:]
            return [f"+1 ({a}) {b}-{c}", f"+1 {a}-{b}-{c}", f"+1{n}",
                    f"+1 {a} {b} {c}", f"+1.{a}.{b}.{c}"]
        if cc == "44":
            grouped = f"{rest[:4]} {rest[4:]}" if len(rest) == 8 else rest
            return [f"+44 {area} {grouped}", f"+44 (0){area} {grouped}",
                    f"+44{n}", f"0044 {area} {grouped}"]
        if cc == "49":
            return [f"+49 {area} {rest}", f"00 49 {area} {rest}",
                    f"+49 (0){area} {rest}", f"+49{n}", f"+49-{area}-{rest}"]
        if cc == "375":
            b, c, d = rest[:3], rest[3:5], rest[5:]
            return [f"8 10 375 {area} {b} {c} {d}", f"+375 {area} {b}-{c}-{d}",
                    f"+375{n}", f"+375 ({area}) {b}-{c}-{d}"]
        raise ValueError(cc)

    def fmt(self, style):
        s = self.styles()
        return s[style % len(s)]

    def uri(self):
        n, cc = self.nsn, self.cc
        area, rest = self.parts()
        if cc in ("7", "375"):
            a = n[:self.area_len]
            r = n[self.area_len:]
            return f"tel:+{cc}-{a}-{r[:3]}-{r[3:5]}-{r[5:]}"
        if cc == "1":
            return f"tel:+1-{n[:3]}-{n[3:6]}-{n[6:]}"
        return f"tel:+{cc}-{area}-{rest}"


def digits(k):
    return "".join(str(RNG.randrange(10)) for _ in range(k))


def fresh(cc, make, area_len):
    while True:
        nsn = make()
        if (cc, nsn) not in USED:
            return Num(cc, nsn, area_len)


def ru_mobile():
    return fresh("7", lambda: RNG.choice(RU_MOBILE) + digits(7), 3)


def ru_land():
    return fresh("7", lambda: RNG.choice(RU_LAND) + str(RNG.randrange(2, 10)) + digits(6), 3)


def kz_mobile():
    return fresh("7", lambda: RNG.choice(KZ_MOBILE) + digits(7), 3)


def kz_land():
    return fresh("7", lambda: "727" + str(RNG.randrange(2, 4)) + digits(6), 3)


def us_number():
    def make():
        area = RNG.choice(US_AREA)
        if RNG.random() < 0.7:
            return area + "55501" + digits(2)
        return area + str(RNG.randrange(2, 10)) + digits(2) + digits(4)
    return fresh("1", make, 3)


def gb_number(mobile):
    if mobile:
        return fresh("44", lambda: "7400" + digits(6), 4)
    return fresh("44", lambda: "2079460" + digits(3), 2)


def de_mobile():
    return fresh("49", lambda: RNG.choice(DE_MOBILE) + str(RNG.randrange(1, 10)) + digits(7), 3)


def de_land():
    area, k = RNG.choice(DE_LAND)
    return fresh("49", lambda: area + str(RNG.randrange(2, 10)) + digits(k - 1), len(area))


def mobile_for(lang):
    if lang == "ru":
        r = RNG.random()
        if r < 0.04:
            return de_mobile()
        if r < 0.08:
            return kz_mobile()
        return ru_mobile()
    if lang == "kk":
        return ru_mobile() if RNG.random() < 0.12 else kz_mobile()
    if lang == "en":
        return us_number() if RNG.random() < 0.6 else gb_number(True)
    return de_mobile()


def landline_for(lang):
    if lang in ("ru",):
        return ru_land()
    if lang == "kk":
        return kz_land()
    if lang == "en":
        return us_number() if RNG.random() < 0.6 else gb_number(False)
    return de_land()


# Numbers spelled literally by the special cards below; reserve them so the
# random filler never reuses them by accident.
for _cc, _nsn in [("7", "9161234567"), ("7", "4951234567"), ("7", "7011234567"),
                  ("7", "7272501234"), ("7", "8005553535"), ("1", "4155550134"),
                  ("1", "2125550147"), ("44", "2079460958"), ("44", "7700900123"),
                  ("49", "301234567"), ("49", "15123456789"), ("375", "291234567")]:
    USED.add((_cc, _nsn))


# ---------------------------------------------------------------------------
# Cards and serialisation
# ---------------------------------------------------------------------------

class Tel:
    def __init__(self, kind, num=None, style=0, text=None, uri=False, params=None):
        self.kind, self.num, self.style = kind, num, style
        self.text, self.uri, self.params = text, uri, params

    def value(self):
        if self.text is not None:
            return self.text
        return self.num.uri() if self.uri else self.num.fmt(self.style)


class Card:
    def __init__(self, version):
        self.version = version
        self.n = None          # 5-tuple, None = no N line
        self.fn = None         # str, None = no FN line ("" = empty FN)
        self.nickname = None
        self.org = None        # list of components
        self.title = None
        self.tels = []
        self.raw_after_tel = []  # logical lines, already escaped
        self.emails = []       # (kind, address)
        self.adr = None        # (kind, 7 components)
        self.bday = None       # "YYYY-MM-DD" or "--MM-DD"
        self.note = None
        self.photo = None      # bytes
        self.uid = None
        self.raw_end = []
        self.person = None
        self.tags = []


TEL_PARAMS = {
    "2.1": {"cell": "TEL;CELL", "home": "TEL;HOME;VOICE", "work": "TEL;WORK",
            "work_voice": "TEL;WORK;VOICE", "main": "TEL;VOICE", "none": "TEL",
            "pref_cell": "TEL;PREF;CELL", "fax": "TEL;WORK;FAX",
            "ios_cell": "TEL;CELL;VOICE"},
    "3.0": {"cell": "TEL;TYPE=CELL", "home": "TEL;TYPE=HOME",
            "work": "TEL;TYPE=WORK,VOICE", "work_voice": "TEL;TYPE=WORK,VOICE",
            "main": "TEL;TYPE=MAIN", "none": "TEL", "pref_cell": "TEL;TYPE=pref,cell",
            "fax": "TEL;TYPE=WORK,FAX",
            "ios_cell": "TEL;type=CELL;type=VOICE;type=pref"},
    "4.0": {"cell": "TEL;TYPE=cell", "home": "TEL;TYPE=home",
            "work": 'TEL;TYPE="voice,work"', "work_voice": "TEL;TYPE=work",
            "main": "TEL;TYPE=voice", "none": "TEL", "pref_cell": "TEL;TYPE=cell;PREF=1",
            "fax": "TEL;TYPE=fax", "ios_cell": "TEL;TYPE=cell,voice;PREF=1"},
}

EMAIL_PARAMS = {
    "2.1": {"home": "EMAIL;HOME", "work": "EMAIL;WORK", "internet": "EMAIL;INTERNET",
            "pref": "EMAIL;PREF;INTERNET"},
    "3.0": {"home": "EMAIL;TYPE=INTERNET,HOME", "work": "EMAIL;TYPE=INTERNET,WORK",
            "internet": "EMAIL;TYPE=INTERNET",
            "pref": "EMAIL;type=INTERNET;type=HOME;type=pref"},
    "4.0": {"home": "EMAIL;TYPE=home", "work": "EMAIL;TYPE=work", "internet": "EMAIL",
            "pref": "EMAIL;PREF=1"},
}

ADR_PARAMS = {"2.1": {"home": "ADR;HOME", "work": "ADR;WORK"},
              "3.0": {"home": "ADR;TYPE=HOME", "work": "ADR;TYPE=WORK"},
              "4.0": {"home": "ADR;TYPE=home", "work": "ADR;TYPE=work"}}


def esc(s):
    """RFC 2426 / RFC 6350 text escaping."""
    return (s.replace("\\", "\\\\").replace("\n", "\\n")
             .replace(",", "\\,").replace(";", "\\;"))


def fold(line):
    """Fold a logical line at 75 octets, only at UTF-8 character boundaries."""
    if len(line.encode("utf-8")) <= 75:
        return [line]
    out, cur = [], ""
    for ch in line:
        if len((cur + ch).encode("utf-8")) > 75:
            # Never leave trailing whitespace on a physical line (editors
            # strip it); carry the space over to the continuation instead.
            carry = ""
            while cur.endswith(" ") and len(cur) > 2:
                carry, cur = cur[-1] + carry, cur[:-1]
            out.append(cur)
            cur = " " + carry
        cur += ch
    out.append(cur)
    return out


QP_LITERAL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def qp_lines(prefix, components):
    """Quoted-printable encode UTF-8 components, joined with literal ';'.

    Soft line breaks ('=' at the end of a line) keep every physical line at
    most 76 characters; an encoded octet (=XX) is never split, but a
    multi-byte character may be (exactly as phones do it)."""
    tokens = []
    for i, comp in enumerate(components):
        if i:
            tokens.append(";")
        for byte in comp.replace("\n", "\r\n").encode("utf-8"):
            ch = chr(byte)
            tokens.append(ch if ch in QP_LITERAL else "=%02X" % byte)
    lines, cur = [], prefix + ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
    for tok in tokens:
        if len(cur) + len(tok) + 1 > 76:
            lines.append(cur + "=")
            cur = ""
        cur += tok
    lines.append(cur)
    return lines


def text_prop(version, name, value, compound=False):
    comps = list(value) if compound else [value]
    if version == "2.1":
        if all(c.isascii() and "\n" not in c for c in comps):
            if compound:
                return [name + ":" + ";".join(c.replace(";", "\\;") for c in comps)]
            return [name + ":" + value]
        return qp_lines(name, comps)
    return fold(name + ":" + ";".join(esc(c) for c in comps))


def raw_prop(version, line):
    return [line] if version == "2.1" else fold(line)


def render(card):
    v = card.version
    out = ["BEGIN:VCARD", "VERSION:" + v]
    if card.n is not None:
        out += text_prop(v, "N", card.n, compound=True)
    if card.fn is not None:
        out += text_prop(v, "FN", card.fn)
    if card.nickname is not None:
        assert v != "2.1"
        out += text_prop(v, "NICKNAME", card.nickname)
    if card.org is not None:
        out += text_prop(v, "ORG", card.org, compound=True)
    if card.title is not None:
        out += text_prop(v, "TITLE", card.title)
    for tel in card.tels:
        if tel.params is not None:
            params = tel.params
        elif tel.uri:
            assert v == "4.0"
            params = ('TEL;VALUE=uri;TYPE="voice,work"' if tel.kind == "work"
                      else TEL_PARAMS[v][tel.kind] + ";VALUE=uri")
        else:
            params = TEL_PARAMS[v][tel.kind]
        value = tel.value()
        if v == "2.1":
            assert value.isascii(), value
        out += raw_prop(v, params + ":" + value)
    for line in card.raw_after_tel:
        out += raw_prop(v, line)
    for kind, addr in card.emails:
        out += raw_prop(v, EMAIL_PARAMS[v][kind] + ":" + addr)
    if card.adr is not None:
        kind, comps = card.adr
        out += text_prop(v, ADR_PARAMS[v][kind], comps, compound=True)
    if card.bday is not None:
        b = card.bday
        if v == "4.0":
            b = b.replace("-", "") if not b.startswith("--") else "--" + b[2:].replace("-", "")
        out += raw_prop(v, "BDAY:" + b)
    if card.note is not None:
        out += text_prop(v, "NOTE", card.note)
    if card.photo is not None:
        assert v == "3.0"
        out += fold("PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(card.photo).decode())
    if card.uid is not None:
        out += raw_prop(v, "UID:" + card.uid)
    for line in card.raw_end:
        out += raw_prop(v, line)
    out.append("END:VCARD")
    return out


# ---------------------------------------------------------------------------
# Ordinary contacts
# ---------------------------------------------------------------------------

RU_NOTES = ["Аллергия на латекс", "Любит кофе без сахара",
            "Клиентка с 2019 года", "Окрашивание 7.1 + тонирование",
            "Только по субботам", "Скидка 10% (постоянный клиент)",
            "Предпочитает мастера Ольгу", "Стрижка, укладка, окрашивание",
            "Не звонить после 21:00", "Подарочный сертификат № 0457"]
EN_NOTES = ["Gel manicure every 3 weeks", "Prefers morning appointments",
            "Allergic to acrylic, use gel only", "Gift card holder",
            "Referred by Sarah"]
DE_NOTES = ["Termin immer freitags", "Allergie gegen Nickel",
            "Färbung: Naturblond, Strähnchen", "Stammkundin seit 2018"]

RU_ORGS = [["ООО «Ромашка»"], ["ИП Соколова"], ["Школа № 57"],
           ["Городская поликлиника № 3"], ["ООО «Техстрой»", "Отдел кадров"],
           ["Фитнес-клуб «Атлет»"], ["Студия йоги «Лотос»"]]
RU_TITLES = ["Бухгалтер", "Менеджер", "Учитель", "Врач-терапевт", "Директор",
             "Администратор", "Тренер"]
EN_ORGS = [["Acme Corp"], ["Northwind Traders", "Sales"], ["Contoso Ltd."],
           ["Fabrikam, Inc."]]
EN_TITLES = ["Account Manager", "Software Engineer", "Nurse", "Teacher",
             "Office Manager"]
DE_ORGS = [["Müller & Söhne GmbH"], ["Bäckerei Schulz"], ["Praxis Dr. Weber"],
           ["Autohaus Lange KG", "Service"]]
DE_TITLES = ["Geschäftsführer", "Ärztin", "Ingenieur", "Steuerberaterin"]

RU_STREETS = ["ул. Ленина, д. 10, кв. 5", "Ленинский пр-т, 32",
              "ул. Профсоюзная, 56-2-118", "ул. Арбат, 20, кв. 14",
              "Кутузовский проспект, д. 2/1", "ул. Садовая-Кудринская, 3"]
RU_CITIES = [("Москва", "", "119049"), ("Москва", "", "121248"),
             ("Химки", "Московская обл.", "141400"),
             ("Санкт-Петербург", "", "190000")]


def make_person(lang, female):
    p = {"lang": lang, "female": female, "prefix": "", "suffix": "", "middle": ""}
    if lang == "ru":
        p["given"] = RNG.choice(RU_FEMALE if female else RU_MALE)
        fam = RNG.choice(RU_FAMILY)
        p["family"] = feminine(fam) if female else fam
        if RNG.random() < 0.3:
            p["middle"] = RNG.choice(RU_PATRONYMIC)[1 if female else 0]
    elif lang == "kk":
        p["given"] = RNG.choice(KK_FEMALE if female else KK_MALE)
        fam = RNG.choice(KK_FAMILY)
        p["family"] = feminine(fam) if female else fam
        if RNG.random() < 0.3:
            p["middle"] = RNG.choice(KK_PATRONYMIC)[1 if female else 0]
    elif lang == "en":
        p["given"] = RNG.choice(EN_FEMALE if female else EN_MALE)
        p["family"] = RNG.choice(EN_FAMILY)
        r = RNG.random()
        if r < 0.1:
            p["middle"] = RNG.choice(EN_MIDDLE)
        elif r < 0.18:
            p["prefix"] = RNG.choice(["Dr.", "Mrs.", "Ms."] if female else ["Dr.", "Mr."])
        elif r < 0.22 and not female:
            p["suffix"] = RNG.choice(["Jr.", "III"])
    else:
        p["given"] = RNG.choice(DE_FEMALE if female else DE_MALE)
        p["family"] = RNG.choice(DE_FAMILY)
        if RNG.random() < 0.1:
            p["prefix"] = RNG.choice(["Dr.", "Prof. Dr."])
    return p


def display_name(p, family_first=False):
    if family_first:
        parts = [p["family"], p["given"], p["middle"]]
    else:
        parts = [p["prefix"], p["given"], p["middle"], p["family"], p["suffix"]]
    return " ".join(x for x in parts if x)


def email_for(p):
    given = translit(p["given"]).lower()
    family = translit(p["family"]).lower().replace("'", "").replace(" ", "")
    style = RNG.randrange(5)
    if style == 0:
        local = f"{given}.{family}"
    elif style == 1:
        local = f"{given[0]}.{family}"
    elif style == 2:
        local = f"{family}{RNG.randrange(70, 100)}"
    elif style == 3:
        local = f"{given}_{family}"
    else:
        local = f"{given}{RNG.randrange(1, 30)}"
    domain = RNG.choice(["example.com", "example.org", "example.net", "mail.example.com"])
    return f"{local}@{domain}"


def address_for(p):
    lang = p["lang"]
    if lang == "ru":
        city, region, code = RNG.choice(RU_CITIES)
        return ["", "", RNG.choice(RU_STREETS), city, region, code, "Россия"]
    if lang == "kk":
        return ["", "", f"пр. Абая, {RNG.randrange(10, 200)}, кв. {RNG.randrange(1, 90)}",
                "Алматы", "", "050000", "Казахстан"]
    if lang == "en":
        return ["", "Apt 4B", f"{RNG.randrange(100, 2000)} Market St", "San Francisco",
                "CA", "94102", "USA"]
    return ["", "", f"Hauptstraße {RNG.randrange(1, 120)}", "Berlin", "", "10115",
            "Deutschland"]


def uid_for(i):
    return "urn:uuid:" + str(uuid.uuid5(UID_NAMESPACE, f"clientbook-sample-{i}"))


def pick_cell_kind():
    r = RNG.random()
    if r < 0.72:
        return "cell"
    if r < 0.80:
        return "none"
    if r < 0.86:
        return "pref_cell"
    if r < 0.92:
        return "ios_cell"
    if r < 0.96:
        return "home"
    return "main"


def add_tel(card, kind, num, style=None):
    if style is None:
        style = RNG.randrange(12)
    uri = card.version == "4.0" and RNG.random() < 0.45
    card.tels.append(Tel(kind, num, style, uri=uri))


def fill_extras(card, p, i):
    v = card.version
    if RNG.random() < 0.45:
        card.emails.append((RNG.choice(["home", "internet", "internet", "work", "pref"]),
                            email_for(p)))
    if RNG.random() < 0.12:
        year = RNG.randrange(1958, 2006)
        md = f"{RNG.randrange(1, 13):02d}-{RNG.randrange(1, 29):02d}"
        card.bday = f"--{md}" if v == "4.0" and RNG.random() < 0.3 else f"{year}-{md}"
    if RNG.random() < 0.08:
        card.adr = ("home", address_for(p))
    if RNG.random() < 0.09:
        notes = {"ru": RU_NOTES, "kk": RU_NOTES, "en": EN_NOTES, "de": DE_NOTES}[p["lang"]]
        card.note = RNG.choice(notes)
    if RNG.random() < 0.08:
        orgs, titles = {"ru": (RU_ORGS, RU_TITLES), "kk": (RU_ORGS, RU_TITLES),
                        "en": (EN_ORGS, EN_TITLES), "de": (DE_ORGS, DE_TITLES)}[p["lang"]]
        card.org = RNG.choice(orgs)
        if RNG.random() < 0.7:
            card.title = RNG.choice(titles)
    if v == "4.0" and RNG.random() < 0.5:
        card.uid = uid_for(i)


def suits(p, how):
    if how == "diminutive":
        return p["given"] in DIMINUTIVE
    if how == "ascii":
        return ascii_de(p["given"] + p["family"]) != p["given"] + p["family"]
    return True


def build_regular(i, version, n_tels):
    card = Card(version)
    if i in DUP_SOURCES:
        lang, how = DUP_SOURCES[i]
        p = make_person(lang, RNG.random() < 0.72)
        while not suits(p, how):
            p = make_person(lang, p["female"])
        r = 1.0  # full structured name
    else:
        lang = RNG.choices(["ru", "kk", "en", "de"], weights=[58, 12, 15, 15])[0]
        p = make_person(lang, RNG.random() < 0.72)
        r = RNG.random()
    card.person = p
    if lang in ("ru", "kk") and r < 0.07:
        service = RNG.choice(SERVICES)
        card.n = (service, p["given"], "", "", "")
        card.fn = f"{p['given']} {service}"
    elif r < 0.12:
        card.n = ("", p["given"], "", "", "")
        card.fn = p["given"]
    else:
        card.n = (p["family"], p["given"], p["middle"], p["prefix"], p["suffix"])
        family_first = lang in ("ru", "kk") and RNG.random() < 0.3
        card.fn = display_name(p, family_first)
    add_tel(card, pick_cell_kind(), mobile_for(lang))
    extra_kinds = RNG.sample(["work", "home", "cell", "work_voice"], n_tels - 1)
    for kind in extra_kinds:
        num = mobile_for(lang) if kind == "cell" else landline_for(lang)
        add_tel(card, kind, num)
    fill_extras(card, p, i)
    return card


# ---------------------------------------------------------------------------
# Cross-card duplicates
# ---------------------------------------------------------------------------

# (source index, duplicate index, how the name differs).  Three more
# duplicate cards are written by hand below: 24 and 131 repeat card 5,
# 143 repeats card 60.
# The source card is generated with the given language so that the
# variant is meaningful (a diminutive exists, the name has umlauts, ...).
DUP_PAIRS = [
    (9, 46, "ru", "identical"), (17, 74, "ru", "swap"), (30, 88, "ru", "diminutive"),
    (42, 96, "ru", "translit"), (51, 115, "kk", "given_whole"),
    (64, 128, "en", "diminutive"), (79, 137, "kk", "swap"), (95, 153, "kk", "translit"),
    (103, 168, "de", "identical"), (120, 184, "de", "ascii"),
    (146, 198, "ru", "given_whole"), (176, 211, "en", "swap"),
]
DUP_OF = {dst: (src, how) for src, dst, _, how in DUP_PAIRS}
DUP_SOURCES = {src: (lang, how) for src, _, lang, how in DUP_PAIRS}


def ascii_de(s):
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"),
                 ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        s = s.replace(a, b)
    return s


def build_dup(i, version, src, how):
    card = Card(version)
    p = dict(src.person)
    lang = p["lang"]
    if how == "identical":
        card.n, card.fn = src.n, src.fn
    elif how == "swap":
        # Saved again with the name in the other order.
        if src.fn.startswith(p["family"]):
            card.n = (p["family"], p["given"], "", "", "")
            card.fn = f"{p['given']} {p['family']}"
        else:
            card.n = (p["family"], p["given"], "", "", "")
            card.fn = f"{p['family']} {p['given']}"
    elif how == "diminutive":
        dim = DIMINUTIVE[p["given"]]
        card.n = (p["family"], dim, "", "", "")
        card.fn = f"{dim} {p['family']}".strip()
    elif how == "translit":
        given, family = translit(p["given"]), translit(p["family"])
        card.n = (family, given, "", "", "")
        card.fn = f"{given} {family}"
    elif how == "given_whole":
        whole = f"{p['given']} {p['family']}".strip()
        card.n = ("", whole, "", "", "")
        card.fn = whole
    elif how == "ascii":
        card.n = tuple(ascii_de(x) for x in src.n)
        card.fn = ascii_de(src.fn)
    card.person = p
    first = src.tels[0]
    if how == "identical":
        style = first.style
    else:
        style = first.style
        while first.num.fmt(style) == first.num.fmt(first.style):
            style = RNG.randrange(12)
    card.tels.append(Tel(RNG.choice(["cell", "cell", "none"]), first.num, style,
                         uri=version == "4.0" and how != "identical"))
    if RNG.random() < 0.2:
        add_tel(card, "work", landline_for(lang))
    if src.emails and RNG.random() < 0.5:
        card.emails.append(("internet", src.emails[0][1]))
    same = card.tels[0].value() == first.value()
    card.tags.append(f"cross-card duplicate of #{DUP_OF[i][0]} ({how}; "
                     f"{'same spelling' if same else 'number spelled differently'})")
    return card


# ---------------------------------------------------------------------------
# Special cards (fixed indexes)
# ---------------------------------------------------------------------------

def special_qp_break():
    c = Card("2.1")
    c.n = ("Белозерская", "Екатерина", "Александровна", "", "")
    c.fn = "Екатерина Александровна Белозерская"
    c.tels.append(Tel("cell", text="+7 903 214-37-90"))
    c.emails.append(("home", "ekaterina.belozerskaya@example.com"))
    c.tags.append("vCard 2.1 QP: soft line break between the two bytes of one Cyrillic letter")
    return c


def special_same_twice_petrova():
    c = Card("2.1")
    c.n = ("Петрова", "Мария", "Игоревна", "", "")
    c.fn = "Мария Игоревна Петрова"
    c.tels.append(Tel("cell", text="8 (916) 123-45-67"))
    c.tels.append(Tel("cell", text="+7 916 1234567"))
    c.emails.append(("home", "maria.petrova@example.com"))
    c.bday = "1991-03-14"
    c.tags.append("same number twice on one card (8 (916) 123-45-67 / +7 916 1234567); "
                  "duplicated by #24 and #131")
    return c


def special_fn_only(version, fn, tel_text, kind="cell", tag_extra=""):
    def build():
        c = Card(version)
        c.fn = fn
        c.tels.append(Tel(kind, text=tel_text))
        c.tags.append("FN only, no N" + tag_extra)
        return c
    return build


def special_company_lavanda():
    c = Card("3.0")
    c.n = ("", "", "", "", "")
    c.fn = "Салон «Лаванда»"
    c.org = ["Салон «Лаванда»"]
    c.tels.append(Tel("main", text="+7 (499) 253-18-40"))
    c.emails.append(("work", "info@lavanda.example.com"))
    c.adr = ("work", ["", "", "ул. Большая Никитская, д. 24/1, стр. 5", "Москва", "",
                      "125009", "Россия"])
    c.tags.append("company only: N:;;;; FN = ORG")
    return c


def special_folded_cyrillic():
    c = Card("3.0")
    c.n = ("Константинопольская-Белозерская", "Анастасия-Виктория", "Вячеславовна", "", "")
    c.fn = "Анастасия-Виктория Вячеславовна Константинопольская-Белозерская"
    c.tels.append(Tel("cell", text="+7 (985) 760-21-13"))
    c.note = "Постоянная клиентка: окрашивание в технике шатуш, уход с кератином, стрижка горячими ножницами"
    c.tags.append("vCard 3.0 folded lines (N, FN, NOTE); fold in the middle of a Cyrillic word")
    return c


def special_uri_ext():
    c = Card("4.0")
    c.n = ("Johnson", "Michael", "", "", "")
    c.fn = "Michael Johnson"
    c.org = ["Northwind Traders", "Sales"]
    c.title = "Account Manager"
    c.tels.append(Tel("cell", params="TEL;TYPE=cell;VALUE=uri", text="tel:+1-646-555-0182"))
    c.tels.append(Tel("work", params='TEL;VALUE=uri;TYPE="voice,work"',
                      text="tel:+1-212-555-0147;ext=55"))
    c.emails.append(("work", "m.johnson@example.com"))
    c.uid = uid_for(36)
    c.tags.append("vCard 4.0 tel: URIs, one with ;ext=55")
    return c


def special_no_phone(version, n, fn, emails):
    def build():
        c = Card(version)
        c.n, c.fn = n, fn
        c.emails.extend(emails)
        c.tags.append("no phone at all (name + EMAIL only)")
        return c
    return build


def special_emoji():
    c = Card("4.0")
    c.n = ("", "Катя 💅", "", "", "")
    c.fn = "Катя 💅"
    c.tels.append(Tel("cell", text="+7 926 418-02-77"))
    c.tags.append("emoji in the name")
    return c


def special_same_twice(version, num_text_a, num_text_b, n, fn, kind_a="cell", kind_b="cell",
                       params_b=None):
    def build():
        c = Card(version)
        c.n, c.fn = n, fn
        c.tels.append(Tel(kind_a, text=num_text_a))
        c.tels.append(Tel(kind_b, text=num_text_b, params=params_b))
        c.tags.append(f"same number twice on one card ({num_text_a} / {num_text_b})")
        return c
    return build


def special_given_whole(version, whole, tel_text, tag_extra=""):
    def build():
        c = Card(version)
        c.n = ("", whole, "", "", "")
        c.fn = whole
        c.tels.append(Tel("cell", text=tel_text))
        c.tags.append("whole name in the N given component" + tag_extra)
        return c
    return build


def special_german_mueller():
    c = Card("3.0")
    c.n = ("Müller", "Jürgen", "", "", "")
    c.fn = "Jürgen Müller"
    c.tels.append(Tel("work", text="+49 30 1234567"))
    c.tels.append(Tel("cell", text="+49 151 23456789"))
    c.emails.append(("internet", "juergen.mueller@example.org"))
    c.tags.append("German numbers +49 30 1234567 / +49 151 23456789; duplicated by #143")
    return c


def special_photo():
    c = Card("3.0")
    c.n = ("Соколова", "Анастасия", "", "", "")
    c.fn = "Анастасия Соколова"
    c.tels.append(Tel("cell", text="+7 916 904-55-21"))
    c.emails.append(("internet", "nastya.sokolova@example.net"))
    rng = random.Random(SEED + 66)
    c.photo = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
               + bytes(rng.randrange(256) for _ in range(96)) + b"\xff\xd9")
    c.tags.append("vCard 3.0 PHOTO;ENCODING=b base64, folded")
    return c


def special_nickname_only():
    c = Card("3.0")
    c.n = ("", "", "", "", "")
    c.fn = ""
    c.nickname = "Зайка"
    c.tels.append(Tel("cell", text="+7 (968) 311-70-26"))
    c.tags.append("NICKNAME only: N:;;;; and empty FN")
    return c


def special_invalid_short():
    c = Card("3.0")
    c.n = ("Гусева", "Полина", "", "", "")
    c.fn = "Полина Гусева"
    c.tels.append(Tel("none", text="12345"))
    c.tags.append("invalid number TEL:12345")
    return c


def special_ios_grouped():
    c = Card("3.0")
    c.n = ("Лебедева", "Алёна", "", "", "")
    c.fn = "Алёна Лебедева"
    c.tels.append(Tel("ios_cell", text="+7 (926) 555-12-34"))
    c.raw_after_tel.append("item1.TEL:+7 (977) 802-64-19")
    c.raw_after_tel.append("item1.X-ABLabel:WhatsApp")
    c.raw_end.append("X-PHONETIC-LAST-NAME:Lebedeva")
    c.tags.append("iOS grouped property item1.TEL + item1.X-ABLabel, "
                  "custom X-PHONETIC-LAST-NAME")
    return c


def special_ext_dob():
    c = Card("3.0")
    c.n = ("Кузнецов", "Андрей", "Павлович", "", "")
    c.fn = "Андрей Павлович Кузнецов"
    c.org = ["ООО «Ромашка»", "Бухгалтерия"]
    c.title = "Главный бухгалтер"
    c.tels.append(Tel("work", text="+7 495 123-45-67 доб. 123"))
    c.tels.append(Tel("cell", text="+7 915 602-88-14"))
    c.tags.append("Russian extension: +7 495 123-45-67 доб. 123")
    return c


def special_org_escaped():
    c = Card("3.0")
    c.n = ("Williams", "Sarah", "", "", "")
    c.fn = "Sarah Williams"
    c.org = ["Beauty, Nails & Co"]
    c.title = "Nail technician"
    c.tels.append(Tel("cell", text="+44 7700 900123"))
    c.tels.append(Tel("work", text="+44 20 7946 0958"))
    c.emails.append(("work", "sarah@beautynails.example.com"))
    c.tags.append("escaped comma ORG:Beauty\\, Nails & Co; GB numbers +44 7700 900123 / "
                  "+44 20 7946 0958")
    return c


def special_kz():
    c = Card("3.0")
    c.n = ("Жумабаева", "Айгерім", "Серікқызы", "", "")
    c.fn = "Айгерім Серікқызы Жумабаева"
    c.tels.append(Tel("cell", text="+7 701 123 4567"))
    c.tels.append(Tel("work", text="8 (727) 250-12-34"))
    c.adr = ("home", ["", "", "пр. Абая, 150, кв. 12", "Алматы", "", "050000", "Казахстан"])
    c.tags.append("Kazakhstan numbers +7 701 123 4567 / 8 (727) 250-12-34 (Kazakh letters)")
    return c


def special_belarus():
    c = Card("2.1")
    c.n = ("Ковалёва", "Татьяна", "", "", "")
    c.fn = "Татьяна Ковалёва"
    c.tels.append(Tel("cell", text="8 10 375 29 123 45 67"))
    c.tags.append("international call via Russian 8 10 prefix: 8 10 375 29 123 45 67 (Belarus)")
    return c


def special_note_newline():
    c = Card("4.0")
    c.n = ("Орлова", "Вера", "Николаевна", "", "")
    c.fn = "Вера Николаевна Орлова"
    c.tels.append(Tel("cell", text="+7 999 215-63-08"))
    c.note = "Аллергия на латекс\nЗаписывать только на утро"
    c.bday = "1978-11-02"
    c.uid = uid_for(110)
    c.tags.append("escaped newline NOTE:...\\n...")
    return c


def special_invalid_plus7():
    c = Card("2.1")
    c.n = ("Степанов", "Кирилл", "", "", "")
    c.fn = "Кирилл Степанов"
    c.tels.append(Tel("cell", text="+7 000"))
    c.tags.append("invalid number TEL;CELL:+7 000")
    return c


def special_same_twice_21():
    c = Card("2.1")
    c.n = ("Зайцева", "Ксения", "", "", "")
    c.fn = "Ксения Зайцева"
    c.tels.append(Tel("cell", text="89037715526"))
    c.tels.append(Tel("cell", text="+7 903 771-55-26"))
    c.tels.append(Tel("home", text="+7 (495) 614-20-93"))
    c.note = "Записывать к Ольге\nокрашивание раз в 6 недель"
    c.tags.append("same number twice on one card (89037715526 / +7 903 771-55-26) + home; "
                  "2.1 QP NOTE with =0D=0A")
    return c


def special_letters_only():
    c = Card("4.0")
    c.n = ("", "Незнакомец с выставки", "", "", "")
    c.fn = "Незнакомец с выставки"
    c.tels.append(Tel("none", text="unknown"))
    c.tags.append("letters-only number TEL:unknown")
    return c


def special_us_main():
    c = Card("3.0")
    c.n = ("Brown", "Emily", "", "", "")
    c.fn = "Emily Brown"
    c.org = ["Bay Area Beauty Supply"]
    c.tels.append(Tel("work", text="+1 (415) 555-0134"))
    c.emails.append(("work", "emily.brown@example.com"))
    c.tags.append("US number +1 (415) 555-0134 (company main line, see #134)")
    return c


def special_petrova_uri():
    c = Card("4.0")
    c.n = ("Петрова", "Маша", "", "", "")
    c.fn = "Маша Петрова"
    c.tels.append(Tel("cell", params="TEL;TYPE=cell;VALUE=uri", text="tel:+7-916-123-45-67"))
    c.uid = uid_for(131)
    c.tags.append("cross-card duplicate of #5 (diminutive name; tel: URI +7-916-123-45-67)")
    return c


def special_petrova_given():
    c = Card("3.0")
    c.n = ("", "Мария Петрова", "", "", "")
    c.fn = "Мария Петрова"
    c.tels.append(Tel("cell", text="9161234567"))
    c.tags.append("cross-card duplicate of #5 (whole name in N given; number 9161234567); "
                  "whole name in the N given component")
    return c


def special_us_ext():
    c = Card("2.1")
    c.n = ("Davis", "Robert", "", "", "")
    c.fn = "Robert Davis"
    c.org = ["Bay Area Beauty Supply"]
    c.tels.append(Tel("work", text="+1 (415) 555-0134 ext. 12"))
    c.tels.append(Tel("cell", text="+1 (646) 555-0193"))
    c.tags.append("US extension +1 (415) 555-0134 ext. 12: same main line as #125 but a "
                  "different person, not a duplicate")
    return c


def special_mueller_0049():
    c = Card("2.1")
    c.n = ("Mueller", "Juergen", "", "", "")
    c.fn = "Juergen Mueller"
    c.tels.append(Tel("work", text="00 49 30 1234567"))
    c.tags.append("cross-card duplicate of #60 (ASCII spelling, number as 00 49 30 1234567)")
    return c


def special_company_fn_empty():
    c = Card("4.0")
    c.fn = ""
    c.org = ["ООО «Бьюти Опт»", "Отдел продаж"]
    c.tels.append(Tel("work", text="8-800-555-35-35"))
    c.emails.append(("work", "sales@beauty-opt.example.com"))
    c.uid = uid_for(161)
    c.tags.append("company only: no N, empty FN, ORG; toll-free 8-800-555-35-35")
    return c


def special_ussd():
    c = Card("3.0")
    c.n = ("", "Баланс", "", "", "")
    c.fn = "Баланс"
    c.tels.append(Tel("none", text="*100#"))
    c.tags.append("service code TEL:*100# (not a phone number)")
    return c


# ---------------------------------------------------------------------------
# Service cards (after the first TOTAL cards)
# ---------------------------------------------------------------------------
#
# What a salon's phonebook holds besides people: banks' and carriers' short
# codes and companies' service lines.  "Select suggested" leaves them out.
# They are appended after the first TOTAL cards and use no randomness, so
# adding them left cards 0..TOTAL-1 exactly as they were (the indexes the
# tests and examples/README.md name).  Short codes are 3-6 digits written
# alone (clientbook-core `phone::is_short_code`); the others are classified
# by libphonenumber's metadata, which for Russia knows toll-free (800, 804)
# and premium-rate (803, 809) numbers but no shared-cost or voicemail ones,
# so those two are German (0180 hotlines, a Mobilbox).

def service_card(version, name, tels, tag, org=None):
    def build():
        c = Card(version)
        c.n = ("", name, "", "", "")
        c.fn = name
        if org is not None:
            c.org = [org]
        for kind, text in tels:
            c.tels.append(Tel(kind, text=text))
        c.tags.append(tag)
        return c
    return build


SERVICE = {
    216: service_card("3.0", "Сбербанк", [("cell", "900"), ("work", "8 800 555-55-50")],
                      "bank: SMS short code 900 and toll-free 8 800 555-55-50 (the one "
                      "imported; not suggested: toll-free)"),
    217: service_card("2.1", "Билайн", [("none", "0611")],
                      "carrier's service line, short code 0611 (not a person's phone)"),
    218: service_card("4.0", "МегаФон", [("main", "0500")],
                      "carrier's service line, short code 0500"),
    219: service_card("2.1", "Парковки Москвы", [("cell", "7757")],
                      "city parking SMS number, short code 7757"),
    220: service_card("3.0", "Госуслуги", [("none", "115")],
                      "public services line, 3-digit short code 115"),
    221: service_card("4.0", "Юрист (платная линия)", [("work", "8 (809) 505-12-34")],
                      "premium-rate 8 (809) 505-12-34 (not suggested: premium-rate)"),
    222: service_card("3.0", "Friseurbedarf Hotline", [("work", "+49 180 6 123456")],
                      "German shared-cost 0180 hotline +49 180 6 123456 "
                      "(not suggested: shared-cost)", org="Friseurbedarf Nord GmbH"),
    223: service_card("4.0", "Mobilbox", [("none", "+49 177 99 1234567")],
                      "German mobile voicemail +49 177 99 1234567 (not suggested: voicemail)"),
    224: service_card("2.1", "Почта России", [("main", "8-800-100-00-00")],
                      "toll-free 8-800-100-00-00 (not suggested: toll-free)"),
}


SPECIAL = {
    3: special_qp_break,
    5: special_same_twice_petrova,
    7: special_fn_only("2.1", "Маша маникюр", "+7 (905) 387-11-42"),
    12: special_company_lavanda,
    15: special_folded_cyrillic,
    19: special_fn_only("4.0", "Anna Smith", "+1 (212) 555-0163"),
    24: special_petrova_given,
    28: special_same_twice("3.0", "+7 (925) 480-19-72", "89254801972",
                           ("Новикова", "Дарья", "", "", ""), "Дарья Новикова",
                           kind_b="pref_cell"),
    33: special_fn_only("4.0", "Света брови", "8 (929) 614-33-05"),
    36: special_uri_ext,
    40: special_no_phone("3.0", ("Волкова", "Дарья", "Андреевна", "", ""),
                         "Дарья Андреевна Волкова",
                         [("internet", "d.volkova@example.org")]),
    44: special_emoji,
    48: special_fn_only("2.1", "Dr. Becker (Zahnarzt)", "+49 89 2185520", kind="work"),
    53: special_same_twice("4.0", "+7 977 356-40-81", "tel:+7-977-356-40-81",
                           ("Морозов", "Максим", "", "", ""), "Максим Морозов",
                           params_b="TEL;TYPE=cell;VALUE=uri"),
    57: special_given_whole("4.0", "Нұрлан Ахметов", "+7 705 318 2290"),
    60: special_german_mueller,
    62: special_fn_only("4.0", "Оля стрижка", "+79167025518"),
    66: special_photo,
    70: special_nickname_only,
    77: special_invalid_short,
    81: special_ios_grouped,
    85: special_fn_only("2.1", "Ирина Викторовна (мама Лизы)", "8-926-740-12-55"),
    90: special_ext_dob,
    93: special_given_whole("2.1", "Елена Смирнова", "+7 917 530-86-41", " (2.1 QP)"),
    99: special_org_escaped,
    101: special_fn_only("4.0", "Айгерім Алматы", "+7 777 402 1186"),
    104: special_kz,
    107: special_belarus,
    110: special_note_newline,
    112: special_invalid_plus7,
    117: special_same_twice_21,
    121: special_letters_only,
    125: special_us_main,
    131: special_petrova_uri,
    134: special_us_ext,
    140: special_given_whole("3.0", "John Miller", "+1 (646) 555-0178"),
    143: special_mueller_0049,
    150: special_fn_only("4.0", "Галина Петровна соседка", "8 (499) 188-41-07", kind="home"),
    161: special_company_fn_empty,
    166: special_same_twice("3.0", "+7 910 442-18-93", "8 910 442 18 93",
                            ("Беляев", "Роман", "Олегович", "", ""),
                            "Роман Олегович Беляев"),
    172: special_ussd,
    178: special_fn_only("4.0", "Кристина наращивание", "+7 962 118-50-34"),
    188: special_no_phone("4.0", ("Schneider", "Lena", "", "", ""), "Lena Schneider",
                          [("home", "lena.schneider@example.org"),
                           ("work", "l.schneider@example.com")]),
    205: special_fn_only("2.1", "Jess lashes", "+44 7400 900417"),
}


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------

def build_cards():
    assert not set(SPECIAL) & set(DUP_OF)
    assert not set(DUP_SOURCES) & set(SPECIAL) and not set(DUP_SOURCES) & set(DUP_OF)
    specials = {i: f() for i, f in SPECIAL.items()}
    fixed = {i: c.version for i, c in specials.items()}
    # Balance versions: exactly TOTAL/3 cards of each.
    pool = []
    for v in VERSIONS:
        pool += [v] * (TOTAL // 3 - list(fixed.values()).count(v))
    RNG.shuffle(pool)
    free = [i for i in range(TOTAL) if i not in fixed]
    assert len(pool) == len(free)
    versions = dict(fixed)
    versions.update(zip(free, pool))

    regular = [i for i in free if i not in DUP_OF]
    multi_count = 37 - sum(1 for c in specials.values()
                           if len(c.tels) + len(c.raw_after_tel) // 2 >= 2)
    multi = dict(zip(sorted(RNG.sample(regular, multi_count)),
                     (RNG.choices([2, 3, 4], weights=[6, 3, 1])[0]
                      for _ in range(multi_count))))

    cards = []
    for i in range(TOTAL):
        if i in specials:
            card = specials[i]
        elif i in DUP_OF:
            src, how = DUP_OF[i]
            card = build_dup(i, versions[i], cards[src], how)
        else:
            card = build_regular(i, versions[i], multi.get(i, 1))
            if i in DUP_SOURCES:
                dsts = [d for d, (s, _) in DUP_OF.items() if s == i]
                card.tags.append("duplicated by " + ", ".join(f"#{d}" for d in dsts))
        cards.append(card)
    assert min(SERVICE) == TOTAL and sorted(SERVICE) == list(range(TOTAL, TOTAL + len(SERVICE)))
    cards += [SERVICE[i]() for i in sorted(SERVICE)]
    return cards


def check(cards, rendered):
    """Guard the properties the special cards exist for."""
    def hexbyte(s):
        return int(s, 16)

    # 2.1 QP soft break between the bytes of one character (card 3).
    lines = rendered[3]
    assert any(a.endswith("=") and b.startswith("=") and 0x80 <= hexbyte(b[1:3]) <= 0xBF
               for a, b in zip(lines, lines[1:])), lines
    # 3.0 fold inside a Cyrillic word (card 15).
    lines = rendered[15]
    assert any(b.startswith(" ") and a[-1].isalpha() and b[1].isalpha()
               and "\u0400" <= a[-1] <= "\u04ff" and "\u0400" <= b[1] <= "\u04ff"
               for a, b in zip(lines, lines[1:])), lines
    assert any(line.startswith(" ") for line in rendered[66])
    for c, lines in zip(cards, rendered):
        for line in lines:
            if c.version == "2.1":
                assert len(line) <= 76 or "QUOTED" not in line, line
            else:
                assert len(line.encode("utf-8")) <= 75, line


def main():
    cards = build_cards()
    rendered = [render(c) for c in cards]
    check(cards, rendered)
    if "--index" in sys.argv[1:]:
        counts = {v: sum(c.version == v for c in cards) for v in VERSIONS}
        multi = sum(1 for c in cards if len(c.tels) + len(c.raw_after_tel) // 2 >= 2)
        print(f"{len(cards)} cards; versions {counts}; cards with 2+ numbers: {multi}")
        for i, c in enumerate(cards):
            if c.tags:
                print(f"#{i:<4} {c.version}  {c.fn!r:42}  " + "; ".join(c.tags))
        return
    out = "".join(line + "\r\n" for lines in rendered for line in lines)
    sys.stdout.buffer.write(out.encode("utf-8"))


if __name__ == "__main__":
    main()
