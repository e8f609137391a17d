"""Invented Vietnamese demo data: people and a provincial Union tree.

Everything here is made up. Names are random combinations of common family, middle and given
names; ID numbers, phone numbers and e-mail addresses are random; provinces, their ID codes and
the Union units are invented. Any resemblance to a real person is a coincidence.

All randomness comes from the `random.Random` passed in, never from the global generator, so the
same seed always gives the same data. Pure Python: no Django imports.
"""

import random
import unicodedata
from datetime import date, timedelta

from doanvien.core.text import fold


def _words(text: str) -> tuple[str, ...]:
    """Split a comma-separated list: keeps long lists of names compact."""
    return tuple(word.strip() for word in text.split(","))


def _weighted(text: str) -> dict[str, float]:
    """Parse "Kinh 85, Ê Đê 0.5" into {"Kinh": 85.0, "Ê Đê": 0.5} (weight = last word)."""
    pairs = (item.rsplit(" ", 1) for item in _words(text))
    return {name: float(weight) for name, weight in pairs}


TODAY = date(2026, 11, 22)
UNION_MIN_AGE = 16
UNION_MAX_AGE = 30
PARTY_MIN_AGE = 18

# --- Places (invented) ----------------------------------------------------------------------------

PROVINCES = ("Sông Xanh", "Đồng Lúa", "Núi Tím", "Biển Bạc", "Hoa Sen", "Cánh Cò")
HOME_PROVINCE = "Sông Xanh"
# First three digits of an ID number. Real codes stop at 096, so these can never match one.
PROVINCE_ID_CODES = {
    "Sông Xanh": "101",
    "Đồng Lúa": "102",
    "Núi Tím": "103",
    "Biển Bạc": "104",
    "Hoa Sen": "105",
    "Cánh Cò": "106",
}
COMMUNE_NAMES = _words(
    "An Phú, Tân Hòa, Tân Phú, Bình An, Phước Long, Hòa Bình, Thạnh Mỹ, Long Hưng, Vĩnh Phúc, "
    "Tân Lập, Phú Thạnh, Long Điền, Mỹ Lộc, Đông Hòa, Tây Sơn, Bến Nghé, Hiệp Thành, Tân Định, "
    "Xuân An, Thuận Giao"
)
HAMLETS = ("Ấp Tân Lập", "Ấp Tân Phước", "Ấp Hòa Bình", "Thôn 1", "Thôn 2", "Thôn 3", "Xóm Mới")
STREETS = _words(
    "Lê Lợi, Trần Hưng Đạo, Nguyễn Huệ, Hai Bà Trưng, Quang Trung, Lý Thường Kiệt, Hùng Vương, "
    "Lê Duẩn, Điện Biên Phủ, Cách Mạng Tháng Tám, Nguyễn Trãi, Phan Bội Châu, Bà Triệu, "
    "Võ Thị Sáu, Ngô Quyền, Trần Phú, Lạc Long Quân, Âu Cơ"
)

# --- Names ----------------------------------------------------------------------------------------

# Weights are rough percentages of the population; Nguyễn ends up near 38 %.
FAMILY_NAMES = _weighted(
    "Nguyễn 39.5, Trần 12, Lê 9.5, Phạm 7, Hoàng 3, Huỳnh 2.1, Phan 4.5, Vũ 2.1, Võ 1.8, Đặng 2.1, "
    "Bùi 2, Đỗ 1.4, Hồ 1.3, Ngô 1.3, Dương 1, Lý 0.5, Đinh 1.2, Trương 1.2, Lâm 0.8, Mai 0.8, "
    "Lương 0.8, Trịnh 0.8, Đào 0.8, Cao 0.6, Hà 0.8, Tạ 0.4, Tô 0.4, Châu 0.4, Thái 0.4, La 0.3"
)
# Some groups mostly carry their own family names.
ETHNIC_FAMILY_NAMES = {
    "Khmer": ("Thạch", "Sơn", "Danh", "Kim", "Lâm"),
    "Hoa": ("Lý", "Trương", "Lâm", "Quách", "Mã", "Tăng", "Châu"),
}
MIDDLE_NAMES = {
    "male": _words(
        "Văn, Đức, Minh, Quốc, Hoàng, Thanh, Gia, Bảo, Hải, Công, Hữu, Trọng, Xuân, Quang, "
        "Nhật, Đình, Tiến, Anh, Thành, Đăng"
    ),
    "female": _words(
        "Thị, Ngọc, Thu, Thanh, Minh, Bảo, Hải, Khánh, Phương, Mai, Kim, Hoài, Diệu, Bích, "
        "Hồng, Quỳnh, Như, Gia, Tuệ, Thùy"
    ),
}
# The first of two middle names (e.g. "Thị Thu", "Văn Minh").
FIRST_OF_TWO_MIDDLE = {"male": ("Văn", "Đức", "Hoàng", "Quốc"), "female": ("Thị", "Ngọc", "Bảo")}
GIVEN_NAMES = {
    "male": _words(
        "An, Anh, Bảo, Bình, Cường, Dũng, Duy, Đạt, Đông, Đức, Hải, Hiếu, Hoàng, Huy, Hùng, "
        "Hưng, Khang, Khánh, Khoa, Kiên, Lâm, Long, Lộc, Luân, Minh, Nam, Nghĩa, Nhân, Phát, "
        "Phong, Phúc, Quân, Quang, Sơn, Tài, Thắng, Thành, Thiện, Thịnh, Tín, Toàn, Trí, "
        "Trung, Tuấn, Tùng, Việt, Vinh, Vũ"
    ),
    "female": _words(
        "An, Anh, Chi, Diệp, Dung, Duyên, Giang, Hà, Hạnh, Hằng, Hân, Hiền, Hoa, Hương, Huyền, "
        "Khuê, Lan, Linh, Loan, Ly, Mai, My, Nga, Ngân, Ngọc, Nhi, Nhung, Oanh, Phương, Quyên, "
        "Quỳnh, Tâm, Thảo, Thanh, Thư, Thủy, Trang, Trâm, Tú, Uyên, Vân, Vy, Yến"
    ),
}

# --- Personal details -----------------------------------------------------------------------------

SEXES = ("male", "female")
ETHNICITIES = _weighted(
    "Kinh 85, Tày 2.5, Thái 2, Mường 2, Khmer 2, Hoa 2, Nùng 1.5, H'Mông 1.5, Dao 1, Ê Đê 0.5"
)
RELIGIONS = _weighted(
    "Không 80, Phật giáo 10, Công giáo 5.5, Cao Đài 1.5, Hòa Hảo 1.5, Tin Lành 1.5"
)
ID_ISSUED_PLACE = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
# Mobile prefixes in use (3 digits, then 7 more digits).
PHONE_PREFIXES = _words(
    "032, 033, 034, 035, 036, 037, 038, 039, 056, 058, 059, 070, 076, 077, 078, 079, 081, 082, "
    "083, 084, 085, 086, 088, 089, 090, 091, 092, 093, 094, 096, 097, 098, 099"
)
EMAIL_DOMAIN = "example.vn"
EDUCATION_LEVELS = ("12/12", "9/12")
QUALIFICATIONS = ("Không", "Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ")
POLITICAL_THEORY_LEVELS = ("Chưa qua đào tạo", "Sơ cấp", "Trung cấp")
IT_LEVELS = ("Cơ bản", "Nâng cao", "Không")
FOREIGN_LANGUAGES = _weighted(
    "Tiếng Anh A2 25, Tiếng Anh B1 25, Tiếng Anh B2 8, TOEIC 550 6, IELTS 6.0 4, "
    "Tiếng Nhật N3 2, Tiếng Trung HSK 3 2, Tiếng Hàn TOPIK 2 2, Không 26"
)
# Chance of Party membership for those eligible (18+, a year in the Union): about 8 % of all
# 16–30 year olds.
PARTY_CHANCE = 0.1

SECTORS = ("school", "workers", "residential", "armed_forces", "public_admin", "overseas")

# --- The Union tree (invented) --------------------------------------------------------------------

ROOT = ("Tỉnh đoàn Sông Xanh", "SX")
# (name, code suffix, sector) of the district-level units under the root.
DISTRICTS = (
    ("Thành đoàn Bến Nghé", "BN", ""),
    ("Huyện đoàn Tân Hòa", "TH", ""),
    ("Đoàn Khối các cơ quan tỉnh", "KCQ", "public_admin"),
)
# (district suffix, name, code suffix, sector, branches). Branches are "CODE=Name" items, named
# "Chi đoàn <Name>"; a bare "CODE" is its own name ("12A1" → "Chi đoàn 12A1").
BASE_UNIONS = (
    (
        "BN",
        "Đoàn trường THPT Lê Quý Đôn",
        "LQD",
        "school",
        "10A1, 10A2, 11A1, 11A2, 12A1, 12A2, GV=Giáo viên",
    ),
    (
        "BN",
        "Đoàn trường Đại học Sông Xanh",
        "DHSX",
        "school",
        "KT48=Kế toán K48, CNTT48=Công nghệ thông tin K48, CNTT49=Công nghệ thông tin K49, "
        "SPT49=Sư phạm Toán K49, LUAT50=Luật K50, CBGV=Cán bộ - Giảng viên",
    ),
    (
        "BN",
        "Đoàn phường An Phú",
        "AP",
        "residential",
        "KP1=Khu phố 1, KP2=Khu phố 2, KP3=Khu phố 3, KP4=Khu phố 4",
    ),
    (
        "BN",
        "Đoàn cơ sở Công ty May Sông Xanh",
        "MSX",
        "workers",
        "PXM1=Phân xưởng May 1, PXM2=Phân xưởng May 2, PXM3=Phân xưởng May 3, "
        "PXC=Phân xưởng Cắt, VP=Khối Văn phòng",
    ),
    (
        "TH",
        "Đoàn xã Tân Hòa",
        "XTH",
        "residential",
        "ATL=Ấp Tân Lập, ATP=Ấp Tân Phước, AHB=Ấp Hòa Bình, APT=Ấp Phú Thạnh",
    ),
    (
        "TH",
        "Đoàn xã Long Điền",
        "XLD",
        "residential",
        "ALT=Ấp Long Thạnh, ALH=Ấp Long Hòa, ABS=Ấp Bàu Sen",
    ),
    (
        "TH",
        "Đoàn cơ sở Công ty Cổ phần Thực phẩm Tân Hòa",
        "TPTH",
        "workers",
        "PXCB=Phân xưởng Chế biến, PXDG=Phân xưởng Đóng gói",
    ),
    (
        "KCQ",
        "Đoàn cơ sở Sở Tài chính",
        "STC",
        "public_admin",
        "NS=Phòng Ngân sách, TCDN=Phòng Tài chính doanh nghiệp, VP=Văn phòng Sở Tài chính",
    ),
    (
        "KCQ",
        "Đoàn cơ sở Sở Y tế",
        "SYT",
        "public_admin",
        "VP=Văn phòng Sở Y tế, NVY=Phòng Nghiệp vụ Y, CDC=Trung tâm Kiểm soát bệnh tật",
    ),
)
# "Chi đoàn cơ sở": branches at base level, straight under a district (suffix, name, code, sector).
BASE_BRANCHES = (("TH", "Chi đoàn cơ sở Trung tâm Y tế Tân Hòa", "TTYT", "public_admin"),)
# Members per branch by sector. Every minimum is at least 40, so the 38 member-holding units
# always hold at least 1,555 members (the sum of the minimums).
MEMBERS_PER_BRANCH = {
    "school": (40, 50),
    "residential": (40, 55),
    "workers": (45, 60),
    "public_admin": (40, 48),
    "armed_forces": (40, 50),
    "overseas": (35, 45),
}

# --- Helpers --------------------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _pick(rng: random.Random, weighted: dict[str, float]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birthday(born: date, years: int) -> date:
    """The day someone born on `born` turns `years` (29 February → 1 March in common years)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def _years_before(day: date, years: int) -> date:
    """Same day `years` earlier (29 February → 28 February in common years)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


# --- A person -------------------------------------------------------------------------------------


def _date_of_birth(rng: random.Random, today: date, age_min: int, age_max: int) -> date:
    latest = _years_before(today, age_min)
    earliest = _years_before(today, age_max + 1) + timedelta(days=1)
    return _random_date(rng, earliest, latest)


def _full_name(rng: random.Random, sex: str, ethnicity: str) -> str:
    own = ETHNIC_FAMILY_NAMES.get(ethnicity)
    family = rng.choice(own) if own and rng.random() < 0.7 else _pick(rng, FAMILY_NAMES)
    given = rng.choice(GIVEN_NAMES[sex])
    middles = [name for name in MIDDLE_NAMES[sex] if name != given]
    if rng.random() < 0.15:
        first = rng.choice(FIRST_OF_TWO_MIDDLE[sex])
        second = rng.choice([name for name in middles if name != first])
        middle = f"{first} {second}"
    else:
        middle = rng.choice(middles)
    return _nfc(f"{family} {middle} {given}")


def _religion(rng: random.Random, ethnicity: str) -> str:
    if ethnicity == "Khmer" and rng.random() < 0.8:
        return "Phật giáo"
    return _pick(rng, RELIGIONS)


def _commune(rng: random.Random) -> str:
    kind = "Phường" if rng.random() < 0.45 else "Xã"
    return f"{kind} {rng.choice(COMMUNE_NAMES)}"


def _province(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return HOME_PROVINCE
    return rng.choice(PROVINCES)


def _home_town(rng: random.Random, province: str) -> str:
    return f"{_commune(rng)}, Tỉnh {province}"


def _address(rng: random.Random) -> str:
    commune = _commune(rng)
    number = rng.randint(1, 250)
    if commune.startswith("Phường"):
        place = f"Số {number}, đường {rng.choice(STREETS)}"
    else:
        place = f"Số {number}, {rng.choice(HAMLETS)}"
    province = HOME_PROVINCE if rng.random() < 0.8 else rng.choice(PROVINCES)
    return f"{place}, {commune}, Tỉnh {province}"


def _id_number(rng: random.Random, province: str, sex: str, born: date) -> str:
    """CCCD layout: province code, century-and-sex digit, year of birth, six random digits."""
    century = (born.year // 100 - 19) * 2 + (sex == "female")
    serial = rng.randrange(1_000_000)
    return f"{PROVINCE_ID_CODES[province]}{century}{born.year % 100:02d}{serial:06d}"


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"


def _email(rng: random.Random, full_name: str, born: date) -> str:
    """E.g. "Nguyễn Thị Thu Hà", born 2005 → "ha.nguyentt0537@example.vn"."""
    words = fold(full_name).split()
    initials = "".join(word[0] for word in words[1:-1])
    local = f"{words[-1]}.{words[0]}{initials}{born.year % 100:02d}{rng.randrange(100):02d}"
    return f"{local}@{EMAIL_DOMAIN}"


def _qualification_by_age(rng: random.Random, age: int) -> str:
    if age < 18:
        return "Không"
    if age < 20:
        weights = (85, 15, 0, 0, 0)
    elif age < 22:
        weights = (50, 25, 25, 0, 0)
    elif age < 24:
        weights = (30, 15, 20, 35, 0)
    else:
        weights = (20, 15, 15, 45, 5)
    return rng.choices(QUALIFICATIONS, weights=weights)[0]


def _school_job(rng: random.Random, age: int) -> tuple[str, str]:
    if age < 18 or (age == 18 and rng.random() < 0.5):
        return "Học sinh", "Không"
    if age < 23 or rng.random() < 0.3:
        return "Sinh viên", rng.choices(("Không", "Cao đẳng"), weights=(90, 10))[0]
    return "Giáo viên", rng.choices(("Cao đẳng", "Đại học", "Thạc sĩ"), weights=(10, 75, 15))[0]


def _workers_job(rng: random.Random, age: int) -> tuple[str, str]:
    qualification = _qualification_by_age(rng, age)
    if qualification in ("Đại học", "Thạc sĩ"):
        return "Kỹ sư", qualification
    if qualification in ("Trung cấp", "Cao đẳng") and rng.random() < 0.7:
        return "Nhân viên kỹ thuật", qualification
    return "Công nhân", qualification


def _public_admin_job(rng: random.Random, age: int) -> tuple[str, str]:
    if age < 22:
        qualification = rng.choice(("Trung cấp", "Cao đẳng"))
        return "Viên chức", qualification
    if age < 24:
        qualification = rng.choices(("Cao đẳng", "Đại học"), weights=(15, 85))[0]
    else:
        qualification = rng.choices(("Cao đẳng", "Đại học", "Thạc sĩ"), weights=(10, 75, 15))[0]
    return rng.choice(("Công chức", "Viên chức", "Chuyên viên")), qualification


def _residential_job(rng: random.Random, age: int) -> tuple[str, str]:
    qualification = _qualification_by_age(rng, age)
    if age < 18 and rng.random() < 0.6:
        return "Học sinh", "Không"
    jobs = {"Lao động tự do": 30, "Kinh doanh": 15, "Nông dân": 20, "Công nhân": 25}
    if age <= 24:
        jobs["Sinh viên"] = 25
    job = _pick(rng, jobs)
    if job == "Sinh viên":
        qualification = "Không"
    return job, qualification


def _armed_forces_job(rng: random.Random, age: int) -> tuple[str, str]:
    if age < 22:
        return rng.choice(("Chiến sĩ", "Hạ sĩ quan")), "Không"
    return rng.choice(("Hạ sĩ quan", "Sĩ quan")), rng.choice(("Trung cấp", "Cao đẳng", "Đại học"))


def _overseas_job(rng: random.Random, age: int) -> tuple[str, str]:
    if age < 25 and rng.random() < 0.7:
        return "Du học sinh", "Không"
    return "Lao động", _qualification_by_age(rng, age)


_JOBS = {
    "school": _school_job,
    "workers": _workers_job,
    "public_admin": _public_admin_job,
    "residential": _residential_job,
    "armed_forces": _armed_forces_job,
    "overseas": _overseas_job,
}


def _education_level(rng: random.Random, occupation: str, qualification: str) -> str:
    if occupation == "Học sinh":
        return "9/12"  # holds the lower-secondary diploma while at high school
    if qualification in ("Không", "Trung cấp") and rng.random() < 0.1:
        return "9/12"
    return "12/12"


def _political_theory(rng: random.Random, age: int, party_member: bool) -> str:
    if party_member:
        return rng.choices(("Sơ cấp", "Trung cấp"), weights=(70, 30))[0]
    if age < 18:
        return rng.choices(("Chưa qua đào tạo", "Sơ cấp"), weights=(85, 15))[0]
    weights = (55, 40, 5) if age >= 23 else (60, 40, 0)
    return rng.choices(POLITICAL_THEORY_LEVELS, weights=weights)[0]


def _it_level(rng: random.Random, qualification: str) -> str:
    weights = (65, 25, 10) if qualification in ("Đại học", "Thạc sĩ") else (65, 5, 30)
    return rng.choices(IT_LEVELS, weights=weights)[0]


def _foreign_language(rng: random.Random, occupation: str) -> str:
    if occupation == "Học sinh":
        return rng.choices(("Tiếng Anh A2", "Không"), weights=(50, 50))[0]
    return _pick(rng, FOREIGN_LANGUAGES)


def _joined_union_on(rng: random.Random, born: date, today: date) -> date:
    """Between the 16th birthday and today, aged 16–30 on that day; usually at 16–18."""
    start = _birthday(born, UNION_MIN_AGE)
    end = min(today, _birthday(born, UNION_MAX_AGE + 1) - timedelta(days=1))
    if rng.random() < 0.75:
        end = min(end, _birthday(born, 19) - timedelta(days=1))
    return _random_date(rng, start, end)


def _joined_party_on(
    rng: random.Random, born: date, joined_union: date, today: date
) -> date | None:
    """None for most; else at 18 or older and at least a year after joining the Union."""
    start = max(joined_union + timedelta(days=365), _birthday(born, PARTY_MIN_AGE))
    if start > today or rng.random() >= PARTY_CHANCE:
        return None
    return _random_date(rng, start, today)


def person(
    rng: random.Random,
    *,
    sex: str | None = None,
    age_min: int = UNION_MIN_AGE,
    age_max: int = UNION_MAX_AGE,
    today: date = TODAY,
    sector: str | None = None,
) -> dict:
    """One invented Union member as a dict of profile fields (strings in NFC, dates as `date`).

    The age at `today` is in [age_min, age_max] (age_min must be at least 16); the member joined the
    Union aged 16–30, usually at 16–18, and never after `today`. `sector` (a unit sector, or None
    for the residential mix) shapes the occupation and qualification; callers pick the age range
    that suits the branch (e.g. 16–18 for a high-school class).
    """
    if sex is None:
        sex = rng.choice(SEXES)
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}, not {sex!r}")
    if not UNION_MIN_AGE <= age_min <= age_max:
        raise ValueError(f"need {UNION_MIN_AGE} <= age_min <= age_max, got {age_min}, {age_max}")
    job = _JOBS.get(sector or "residential")
    if job is None:
        raise ValueError(f"sector must be one of {SECTORS} or None, not {sector!r}")

    born = _date_of_birth(rng, today, age_min, age_max)
    age = _age(born, today)
    ethnicity = _pick(rng, ETHNICITIES)
    full_name = _full_name(rng, sex, ethnicity)
    home_province = _province(rng)  # the ID number's code is where the birth was registered
    occupation, qualification = job(rng, age)
    joined_union = _joined_union_on(rng, born, today)
    joined_party = _joined_party_on(rng, born, joined_union, today)
    record = {
        "full_name": full_name,
        "sex": sex,
        "date_of_birth": born,
        "ethnicity": ethnicity,
        "religion": _religion(rng, ethnicity),
        "home_town": _home_town(rng, home_province),
        "permanent_address": _address(rng),
        "id_number": _id_number(rng, home_province, sex, born),
        "id_issued_on": _random_date(rng, _birthday(born, UNION_MIN_AGE), today),
        "id_issued_place": ID_ISSUED_PLACE,
        "phone": _phone(rng),
        "email": _email(rng, full_name, born),
        "education_level": _education_level(rng, occupation, qualification),
        "professional_qualification": qualification,
        "political_theory_level": _political_theory(rng, age, joined_party is not None),
        "it_level": _it_level(rng, qualification),
        "foreign_language_level": _foreign_language(rng, occupation),
        "occupation": occupation,
        "joined_union_on": joined_union,
        "joined_party_on": joined_party,
    }
    return {key: _nfc(value) if isinstance(value, str) else value for key, value in record.items()}


# --- Building the Union tree ----------------------------------------------------------------------


def _unit(name: str, code: str, level: str, kind: str, sector: str = "") -> dict:
    return {
        "name": _nfc(name),
        "code": code,
        "level": level,
        "kind": kind,
        "sector": sector,
        "children": [],
    }


def _branches(base_code: str, sector: str, spec: str) -> list[dict]:
    branches = []
    for item in _words(spec):
        suffix, _, name = item.partition("=")
        branches.append(
            _unit(f"Chi đoàn {name or suffix}", f"{base_code}-{suffix}", "branch", "branch", sector)
        )
    return branches


def demo_tree(rng: random.Random) -> dict:
    """The invented Union of the province of Sông Xanh, root first.

    Each unit is {"name", "code", "level", "kind", "sector", "children"}. The shape and names are
    fixed (`rng` is accepted for symmetry and not used), so demo logins can rely on
    "Đoàn trường THPT Lê Quý Đôn" / "Chi đoàn 12A1" and "Đoàn phường An Phú" / "Chi đoàn Khu phố 1".
    Unit names and codes are unique across the tree.
    """
    del rng
    root_name, root_code = ROOT
    root = _unit(root_name, root_code, "province", "union")
    districts = {}
    for name, suffix, sector in DISTRICTS:
        districts[suffix] = _unit(name, f"{root_code}-{suffix}", "district", "union", sector)
        root["children"].append(districts[suffix])
    for district_suffix, name, suffix, sector, branches in BASE_UNIONS:
        district = districts[district_suffix]
        base = _unit(name, f"{district['code']}-{suffix}", "base", "union", sector)
        base["children"] = _branches(base["code"], sector, branches)
        district["children"].append(base)
    for district_suffix, name, suffix, sector in BASE_BRANCHES:
        district = districts[district_suffix]
        district["children"].append(
            _unit(name, f"{district['code']}-{suffix}", "base", "branch", sector)
        )
    return root


def iter_units(tree: dict, parent: dict | None = None):
    """Yield (unit, parent) for every unit of `tree`, parents before children."""
    yield tree, parent
    for child in tree["children"]:
        yield from iter_units(child, tree)


def members_per_branch(rng: random.Random, branch: dict) -> int:
    """How many members to create in a unit of kind "branch" (35 to 60; 40+ for the demo tree)."""
    if branch["kind"] != "branch":
        raise ValueError(f"{branch['name']} is not a branch")
    low, high = MEMBERS_PER_BRANCH.get(branch["sector"], (40, 50))
    return rng.randint(low, high)
