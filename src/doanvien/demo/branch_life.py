"""A year in the branches of the national data set (`demo.national`): meetings with their
attendance and dues payments with the months they cover, made branch by branch with the
members, and the roll-up rows the meetings and dues apps keep, written from the counts kept
while making them.

For the data set's year up to the current month (`meetings.rules.months_to_check`: every month
of a past year, none of a year to come):

- Meetings. Every branch holds the regular meetings its cadence asks each month (the default
  cadence rule's, 1 a month) on about the same day of the month; one branch in five skips a
  month now and then, so about 3 % of the branch-months have no meeting. Every meeting's
  attendance is taken: a row for each member on the roll at its date (joined by then), mostly
  present, some excused, a few absent (each branch has its own turnout, 78 to 97 % present).
- Dues. Every member pays the rate of his category (`dues.rules.category_for` with the category
  defaults, as `dues.services.category_of` guesses it; the rate of the first month paid, as
  `rate_on`) for every month since he joined: month by month, on the day of the branch's
  meeting, or, in one branch in five, whose members' dues profiles say "pays every 3 months",
  once a quarter for the quarter's months. About 6 % of the members owe their last one to three
  months (their last quarter). A branch's receipts are numbered in the order received, per
  branch and year, as `dues.services.payment_record` numbers them, and its receipt book holds
  the last number.
- Roll-ups. Each unit's meeting figures for the year and its count of active branches (year 0),
  each branch's row holding its own figures, as `meetings.rollup` keeps them; each unit's dues
  ledger row for each month with money (a branch: its payments by the month received; a unit
  above: its children's thirds, `dues.rules`). `manage.py recompute_meetings` and
  `recompute_dues` find no difference.

No remittances, exemptions, monthly themes, committee meetings or training steps are made.
"""

import calendar
import json
import random
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock
from zoneinfo import ZoneInfo

from django.conf import settings

from doanvien.dues import rules as dues_rules
from doanvien.dues.models import (
    Category,
    CategoryDefault,
    Exemption,
    LedgerDelta,
    LedgerRow,
    PaidMonth,
    Payment,
    Profile,
    Rate,
    ReceiptBook,
    Remittance,
    RemovalRule,
)
from doanvien.meetings import rules as meeting_rules
from doanvien.meetings.models import COUNTERS as MEETING_COUNTERS
from doanvien.meetings.models import (
    STANDING_YEAR,
    Attendance,
    CadenceRule,
    CommitteeAttendance,
    Kind,
    Meeting,
    MeetingStats,
    MeetingStatsDelta,
    Presence,
    Theme,
    TrainingStep,
)
from doanvien.meetings.rollup import DEFAULT_PER_MONTH
from doanvien.units.models import Unit

TZ = ZoneInfo(settings.TIME_ZONE)

# Branches that skip a month now and then, and how often they do.
SKIPPING_BRANCHES = 0.2
SKIP_CHANCE = 0.15
# Each branch's share of members present at a meeting: between these; of the others, this
# share had the branch's leave (excused), the rest were absent.
TURNOUT = (0.78, 0.97)
EXCUSED_OF_AWAY = 0.6
TURNOUT_STEPS = 64  # a presence is drawn with 6 random bits
# Branches whose members pay every 3 months; members who owe their last months.
QUARTERLY_BRANCHES = 0.2
OWING_SHARE = 0.06
OWED_AT_MOST = 3  # months (a quarterly payer owes his last quarter)

# The monthly meeting's theme (invented wording, one a month).
MONTH_THEMES = (
    "Mừng Đảng, mừng Xuân, đoàn kết xây dựng chi đoàn",
    "Tuổi trẻ với truyền thống quê hương",
    "Tháng Thanh niên: tuổi trẻ xung kích, tình nguyện",
    "Tuổi trẻ chung tay giữ gìn môi trường xanh",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Tuổi trẻ vì cộng đồng, an toàn giao thông",
    "Tri ân các anh hùng liệt sĩ",
    "Mùa hè tình nguyện, kỹ năng sống cho thiếu nhi",
    "Tuổi trẻ với truyền thống cách mạng tháng Tám",
    "Rèn luyện đoàn viên, đánh giá chất lượng chi đoàn",
    "Tôn sư trọng đạo, học tập suốt đời",
    "Tuổi trẻ với quốc phòng toàn dân",
)

# --- Columns ----------------------------------------------------------------------------------

# As in demo.national: the columns in the order the rows are made, with their types; values
# from one pool entry are adjacent, then those that are the same for the whole branch.
MEETING_LAYOUT = (
    ("id", "int8"),
    # by day
    ("date", "date"),
    ("created_at", "timestamptz"),
    # by month
    ("theme_text", "text"),
    # the same for the whole branch
    ("unit_id", "int8"),
    ("unit_path", "text"),
    ("kind", "text"),
    ("minutes", "text"),
    ("minutes_file", "text"),
    ("decisions", "text"),
    ("attendance_taken", "bool"),
    ("cancelled", "bool"),
    ("cancel_reason", "text"),
    ("theme_id", "int8"),
    ("created_by_id", "int8"),
)
ATTENDANCE_LAYOUT = (  # the id is the server's
    ("meeting_id", "int8"),
    ("member_id", "int8"),
    ("presence", "text"),
)
PROFILE_LAYOUT = (
    ("id", "int8"),
    ("member_id", "int8"),
    ("category", "text"),
    ("pays_quarterly", "bool"),
)
PAYMENT_LAYOUT = (
    ("id", "int8"),
    ("member_id", "int8"),
    # by day
    ("received_on", "date"),
    ("created_at", "timestamptz"),
    # by category and months paid
    ("amount", "int4"),
    ("category", "text"),
    # by receipt
    ("receipt_seq", "int4"),
    ("receipt_no", "text"),
    # the same for the whole branch
    ("unit_id", "int8"),
    ("unit_path", "text"),
    ("year", "int2"),
    ("state", "text"),
    ("cancel_reason", "text"),
    ("cancelled_at", "timestamptz"),
    ("created_by_id", "int8"),
)
PAID_MONTH_LAYOUT = (  # the id is the server's
    ("payment_id", "int8"),
    ("member_id", "int8"),
    ("month", "date"),
    ("valid", "bool"),
)
LAYOUTS = {
    Meeting: MEETING_LAYOUT,
    Attendance: ATTENDANCE_LAYOUT,
    Profile: PROFILE_LAYOUT,
    Payment: PAYMENT_LAYOUT,
    PaidMonth: PAID_MONTH_LAYOUT,
}
# The roll-up rows, written after the load (ids from the server).
MEETING_STATS_COLUMNS = ("unit_id", "year", "unit_path", *MEETING_COUNTERS, "own")
LEDGER_COLUMNS = ("unit_id", "unit_path", "depth", "year", "month", "collected")
RECEIPT_BOOK_COLUMNS = ("unit_id", "year", "last_no")
ROLLUP_COLUMNS = {
    MeetingStats: MEETING_STATS_COLUMNS,
    LedgerRow: LEDGER_COLUMNS,
    ReceiptBook: RECEIPT_BOOK_COLUMNS,
}
# Every table written here, parents first (emptied and loaded like the members' tables).
MODELS = (Meeting, Attendance, MeetingStats, Profile, Payment, PaidMonth, ReceiptBook, LedgerRow)
SERVER_IDS = (Attendance, PaidMonth, MeetingStats, LedgerRow, ReceiptBook)


# What hangs off the units, members, meetings and payments in the two apps and is not generated:
# deleted before the tables above are emptied (rows made by hand would point to units that are
# gone); of the rules, only those set on a unit (the default rows stay).
RESET_MODELS = (
    TrainingStep,
    CommitteeAttendance,
    MeetingStatsDelta,
    Theme,
    LedgerDelta,
    Exemption,
    Remittance,
)
UNIT_RULE_MODELS = (CadenceRule, RemovalRule)


# --- What the year needs from the database -------------------------------------------------------


@dataclass
class LifeSettings:
    year: int
    today: date
    months: list[int]  # the months with meetings and dues
    per_month: int  # regular meetings a month (the default cadence rule)
    defaults: list[tuple[str, str, str]]  # the category defaults, in priority order
    rates: dict[str, dict[int, int]]  # category → month → monthly amount on its first day


def life_settings(year: int, today: date) -> LifeSettings:
    """The cadence, category defaults and rates as the database has them. Raises LookupError
    when a category has no rate in a month to be paid."""
    months = meeting_rules.months_to_check(year, today)
    default_rule = CadenceRule.objects.filter(unit=None).first()
    rates: dict[str, dict[int, int]] = {}
    rows = list(
        Rate.objects.order_by("effective_from").values_list(
            "category", "effective_from", "monthly_amount"
        )
    )
    for category in Category.values:
        rates[category] = {}
        for month in months:
            first = date(year, month, 1)
            found = [amount for c, since, amount in rows if c == category and since <= first]
            if not found:
                raise LookupError(f"No dues rate for {category} on {first:%d/%m/%Y}.")
            rates[category][month] = found[-1]
    return LifeSettings(
        year=year,
        today=today,
        months=months,
        per_month=default_rule.per_month if default_rule else DEFAULT_PER_MONTH,
        defaults=list(CategoryDefault.objects.values_list("match", "value", "category")),
        rates=rates,
    )


# --- The rows -----------------------------------------------------------------------------------


def _moment(day: int, hour: int, minute: int, latest: datetime) -> datetime:
    """A time on the day (an ordinal), never after `latest` (the run's start)."""
    return min(datetime.combine(date.fromordinal(day), clock(hour, minute), TZ), latest)


class BranchLife:
    """Makes a branch's meetings, attendance, dues profiles, payments and paid months, in the
    formats of their tables (demo.national's TextFormat or BinaryFormat), and the counts its
    roll-up rows are written from. Ids of meetings and payments run on from branch to branch;
    one random generator of its own, so the members made beside it stay as they were."""

    def __init__(self, seed: int, life: LifeSettings, formats: dict, occupations: dict, now):
        self.rng = random.Random(seed * 7919 + 31)
        self.life = life
        self.occupations = occupations  # audience → occupation of each profile of the pool
        self.categories: dict[tuple[str, str], list[str]] = {}
        self.fm, self.fa = formats[Meeting], formats[Attendance]
        self.fp, self.fpay, self.fpm = formats[Profile], formats[Payment], formats[PaidMonth]
        self.next_meeting = 1
        self.next_payment = 1
        year, fm, fpay, fpm = life.year, self.fm, self.fpay, self.fpm
        self.day0 = date(year, 1, 1).toordinal()
        days = range(self.day0, date(year, 12, 31).toordinal() + 1)
        # A meeting is recorded that evening; a payment in the evening, a few minutes apart.
        self.meeting_days = [fm.group([fm.day(o), fm.ts(_moment(o, 21, 0, now))]) for o in days]
        self.payment_days = [
            [fpay.group([fpay.day(o), fpay.ts(_moment(o, 20, 7 * i, now))]) for i in range(4)]
            for o in days
        ]
        self.month_of = [date.fromordinal(o).month for o in days]
        self.month_starts = {m: fpm.day(date(year, m, 1).toordinal()) for m in range(1, 13)}
        self.themes = {m: fm.text(f"Tháng {m}: {MONTH_THEMES[m - 1]}") for m in range(1, 13)}
        self.amounts: dict[tuple[str, int], object] = {}  # (category, amount) → its values
        self.meeting_row = fm.row_maker(len(MEETING_LAYOUT))
        self.profile_row = self.fp.row_maker(len(PROFILE_LAYOUT))
        self.payment_row = fpay.row_maker(len(PAYMENT_LAYOUT))
        self.paid_month_row = fpm.row_maker(len(PAID_MONTH_LAYOUT))
        self.paid_valid = fpm.bool(True)

    def branch(self, chunk, node, first_id: int, joined: list[int], picks: list[int]) -> None:
        """The branch's year; `joined` and `picks` are, for each of its members (ids from
        `first_id` on), the day he joined (an ordinal) and his profile in the pool."""
        usual, meetings = self.schedule()
        held, presence = self.meetings(chunk, node, first_id, joined, meetings)
        collected, receipts = self.payments(chunk, node, first_id, joined, picks, usual)
        chunk.life.append((node.id, held, *presence, collected, receipts))

    # Meetings

    def schedule(self) -> tuple[dict[int, int], dict[int, list[int]]]:
        """The branch's usual day in each month (an ordinal, never after today) and the days
        of the meetings it held (none in a month it skipped)."""
        rnd, life = self.rng.random, self.life
        skips = rnd() < SKIPPING_BRANCHES
        usual_day = int(rnd() * 28)
        today = life.today
        usual, meetings = {}, {}
        for month in life.months:
            length = calendar.monthrange(life.year, month)[1]
            last = today.day if (life.year, month) == (today.year, today.month) else length
            span = length // life.per_month
            days = []
            for i in range(life.per_month):
                day = 1 + i * span + (usual_day + int(rnd() * 7) - 3) % span
                if day > last:
                    day = 1 + (day - 1) % last
                days.append(date(life.year, month, day).toordinal())
            usual[month] = days[0]
            if not (skips and rnd() < SKIP_CHANCE):
                meetings[month] = sorted(days)
        return usual, meetings

    def turnout(self) -> list[int]:
        """The branch's presences to draw from (0 present, 1 excused, 2 absent)."""
        low, high = TURNOUT
        present = round(TURNOUT_STEPS * (low + (high - low) * self.rng.random()))
        excused = round((TURNOUT_STEPS - present) * EXCUSED_OF_AWAY)
        return [0] * present + [1] * excused + [2] * (TURNOUT_STEPS - present - excused)

    def meetings(self, chunk, node, first_id, joined, meetings) -> tuple[list[int], tuple]:
        """The meetings' rows and their attendance (one block of rows a meeting); returns the
        meetings held by month and (present, excused, expected)."""
        fm, fa = self.fm, self.fa
        tail = fm.group(
            [
                fm.int8(node.id),
                fm.text(node.path),
                fm.text(Kind.REGULAR),
                fm.empty,
                fm.empty,
                fm.empty,
                fm.bool(True),
                fm.bool(False),
                fm.empty,
                fm.null,
                fm.null,
            ]
        )
        presences = [fa.text(p) for p in (Presence.PRESENT, Presence.EXCUSED, Presence.ABSENT)]
        pieces = [
            [fa.group([fa.int8(first_id + k), p]) + fa.end for p in presences]
            for k in range(len(joined))
        ]
        everyone = list(range(len(joined)))
        latest = max(joined, default=0)
        drawn, bits = self.turnout(), self.rng.getrandbits
        held, counts = [0] * 12, [0, 0, 0]
        for month, days in meetings.items():
            for day in days:
                meeting_id = self.next_meeting
                self.next_meeting += 1
                chunk.meetings.append(
                    self.meeting_row(
                        [
                            fm.int8(meeting_id),
                            self.meeting_days[day - self.day0],
                            self.themes[month],
                            tail,
                        ]
                    )
                )
                held[month - 1] += 1
                roll = everyone if day >= latest else [k for k in everyone if joined[k] <= day]
                if not roll:
                    continue
                codes = [drawn[bits(6)] for _k in roll]
                for code in (0, 1, 2):
                    counts[code] += codes.count(code)
                prefix = fa.head(len(ATTENDANCE_LAYOUT)) + fa.int8(meeting_id) + fa.sep
                chunk.attendance.append(
                    prefix + prefix.join([pieces[k][c] for k, c in zip(roll, codes, strict=True)])
                )
                chunk.attendance_rows += len(roll)
        present, excused, absent = counts
        return held, (present, excused, present + excused + absent)

    # Dues

    def category_list(self, node) -> list[str]:
        """The dues category of each profile of the branch's pool, in its sector (as
        dues.services.category_of guesses it: no category is set by hand)."""
        key = (node.audience, node.sector)
        if key not in self.categories:
            self.categories[key] = [
                dues_rules.category_for(occupation, node.sector, self.life.defaults)
                for occupation in self.occupations[node.audience]
            ]
        return self.categories[key]

    def periods(self, quarterly: bool) -> list[list[int]]:
        """The months paid together, in order: each month, or the months of each quarter."""
        if not quarterly:
            return [[m] for m in self.life.months]
        quarters: dict[int, list[int]] = {}
        for m in self.life.months:
            quarters.setdefault((m - 1) // 3, []).append(m)
        return list(quarters.values())

    def payments(self, chunk, node, first_id, joined, picks, usual) -> tuple[list[int], int]:
        """The members' payments; returns what the branch collected in each month and its
        last receipt number."""
        quarterly = self.rng.random() < QUARTERLY_BRANCHES
        if quarterly:
            fp = self.fp
            flag = fp.group([fp.empty, fp.bool(True)])
            chunk.profiles += [
                self.profile_row([fp.int8(first_id + k), fp.int8(first_id + k), flag])
                for k in range(len(joined))
            ]
        payers = self.payers(self.periods(quarterly), joined, quarterly, usual)
        return self.receipts(chunk, node, first_id, picks, payers)

    def payers(self, periods, joined, quarterly, usual) -> list[list[tuple]]:
        """For each period, who pays it, in the order received: (day, the member's index, the
        months he pays). A member pays from the month he joined, on the branch's usual day
        (or the day he joined); a few owe their last months."""
        rnd, bits = self.rng.random, self.rng.getrandbits
        period_of = {m: p for p, months in enumerate(periods) for m in months}
        year_start, today = self.day0, self.life.today.toordinal()
        found: list[list[tuple]] = [[] for _ in periods]
        for k, day in enumerate(joined):
            month = 1 if day < year_start else self.month_of[day - year_start]
            if day > today or month not in period_of:
                continue
            first = period_of[month]
            owed = 0
            if rnd() < OWING_SHARE:
                owed = 1 if quarterly else 1 + bits(4) % OWED_AT_MOST
            for p in range(first, max(first, len(periods) - owed)):
                months = periods[p]
                if month > months[0]:  # joined during the quarter
                    months = [m for m in months if m >= month]
                found[p].append((max(usual[months[0]], day), k, months))
        for period in found:
            period.sort()
        return found

    def receipts(self, chunk, node, first_id, picks, payers) -> tuple[list[int], int]:
        """The payments' rows and their months' rows, the receipts numbered in the order
        received (as dues.services.payment_record numbers them)."""
        life, fpay, fpm = self.life, self.fpay, self.fpm
        int8, int4, text, bits = fpay.int8, fpay.int4, fpay.text, self.rng.getrandbits
        payment_row, paid_month_row = self.payment_row, self.paid_month_row
        days, month_of, year_start = self.payment_days, self.month_of, self.day0
        month_starts, valid, rates = self.month_starts, self.paid_valid, life.rates
        categories = self.category_list(node)
        category_of = [categories[pick] for pick in picks]
        member_ids = [int8(first_id + k) for k in range(len(picks))]
        paid_ids = [fpm.int8(first_id + k) for k in range(len(picks))]
        tail = fpay.group(
            [
                int8(node.id),
                text(node.path),
                fpay.int2(life.year),
                text(Payment.State.VALID),
                fpay.empty,
                fpay.null,
                fpay.null,
            ]
        )
        receipt = f"{node.code}/{life.year}/"
        payments, paid_months = chunk.payments, chunk.paid_months
        collected, seq, payment_id = [0] * 12, 0, self.next_payment
        same_ids = type(fpay) is type(fpm)  # the same encoding of the payment's id
        for period in payers:
            for day, k, months in period:
                seq += 1
                category = category_of[k]
                amount = rates[category][months[0]] * len(months)
                encoded_id = int8(payment_id)
                payments.append(
                    payment_row(
                        [
                            encoded_id,
                            member_ids[k],
                            days[day - year_start][bits(2)],
                            self.amount(category, amount),
                            int4(seq),
                            text(f"{receipt}{seq:05d}"),
                            tail,
                        ]
                    )
                )
                paid_id = encoded_id if same_ids else fpm.int8(payment_id)
                for month in months:
                    paid_months.append(
                        paid_month_row([paid_id, paid_ids[k], month_starts[month], valid])
                    )
                collected[month_of[day - year_start] - 1] += amount
                payment_id += 1
        self.next_payment = payment_id
        return collected, seq

    def amount(self, category: str, amount: int):
        key = (category, amount)
        if key not in self.amounts:
            self.amounts[key] = self.fpay.group([self.fpay.int4(amount), self.fpay.text(category)])
        return self.amounts[key]


# --- Roll-up rows from the counts kept ------------------------------------------------------------


def _subtree_sums(nodes, own: dict[int, list[int]], width: int) -> dict[int, list[int]]:
    """Each unit's own figures plus those of every unit below it."""
    zero = [0] * width
    sums: dict[int, list[int]] = {}
    for node in reversed(nodes):  # children before parents
        parts = [own.get(node.id, zero), *(sums[c.id] for c in node.children)]
        sums[node.id] = [sum(values) for values in zip(*parts, strict=True)]
    return sums


def _meeting_figures(held: list[int], present: int, excused: int, expected: int, per_month: int):
    """A branch's own figures for the year, in the order of meetings.models.COUNTERS, as
    meetings.rollup.count_units counts them (every meeting regular, its attendance taken)."""
    figures = dict.fromkeys(MEETING_COUNTERS, 0)
    figures["meetings"] = figures[f"kind_{Kind.REGULAR}"] = sum(held)
    for month, n in enumerate(held, start=1):
        figures[f"held_{month:02d}"] = n
        figures[f"covered_{month:02d}"] = int(n >= per_month)
    figures.update(present=present, excused=excused, expected=expected)
    return [figures[k] for k in MEETING_COUNTERS]


def _own(values: list[int]) -> str:
    return json.dumps({k: v for k, v in zip(MEETING_COUNTERS, values, strict=True) if v})


def meeting_stats_rows(nodes, life_tallies: list[tuple], year: int, per_month: int) -> list:
    """Every unit's row of active branches (year 0) and, where meetings were held in its
    subtree, of the year; a branch's row keeps its own figures (`own`)."""
    width = len(MEETING_COUNTERS)
    standing = [1 if k == "branches" else 0 for k in MEETING_COUNTERS]
    own_year = {
        branch_id: _meeting_figures(held, present, excused, expected, per_month)
        for branch_id, held, present, excused, expected, _collected, _receipts in life_tallies
    }
    own_standing = {n.id: standing for n in nodes if n.kind == Unit.Kind.BRANCH}  # all active
    rows = []
    for own, row_year in ((own_standing, STANDING_YEAR), (own_year, year)):
        sums = _subtree_sums(nodes, own, width)
        meetings_at = MEETING_COUNTERS.index("meetings")
        for node in nodes:
            values = sums[node.id]
            if row_year != STANDING_YEAR and not values[meetings_at]:
                continue  # no meeting below it: no row (as meetings.rollup makes them)
            mine = _own(own[node.id]) if node.id in own else "{}"
            rows.append((node.id, row_year, node.path, *values, mine))
    return rows


def ledger_rows(nodes, life_tallies: list[tuple], year: int) -> list[tuple]:
    """Every unit's dues ledger row for each month with money: a branch's payments by the
    month received; a unit above, the thirds its children owe it (dues.rules)."""
    collected = {branch_id: months for branch_id, *_rest, months, _r in life_tallies}
    rows = []
    for node in reversed(nodes):  # children before parents
        if node.kind == Unit.Kind.BRANCH:
            months = collected.get(node.id, [0] * 12)
        else:
            months = [0] * 12
            for child in node.children:
                if dues_rules.remits_to_parent(child.depth, child.sector):
                    months = [
                        mine + dues_rules.split(theirs)[1]
                        for mine, theirs in zip(months, collected[child.id], strict=True)
                    ]
        collected[node.id] = months
        rows += [
            (node.id, node.path, node.depth, year, month, amount)
            for month, amount in enumerate(months, start=1)
            if amount
        ]
    return rows


def receipt_book_rows(life_tallies: list[tuple], year: int) -> list[tuple]:
    """Each branch's last receipt number of the year."""
    return [(tally[0], year, tally[-1]) for tally in life_tallies if tally[-1]]
