"""The unit chooser (`units.selectors.units_matching`) on a province of tens of thousands of
units: the directives' form finds the units under the issuing unit by name (folded) or code,
at most 20 at a time, instead of listing them.

The province is built here (no members are needed): BENCH_UNITS units (default 30,000) under
one province, in districts, base unions (communes, wards, schools) and their branches named
like the demo's, written in bulk with their tree paths; it is kept for the next run. Then each
search term is timed BENCH_REPEAT times (default 30) after two warm-up calls, from the
province and from one district, and the plan of one search is printed.

    BENCH_DATABASE_URL=postgres://…/mybench .venv/bin/python bench/unit_chooser.py

The figures are printed; nothing is asserted.
"""

import os
import random

import _common

UNITS = int(os.environ.get("BENCH_UNITS", "30000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
CODE = "BCH"  # the benchmark province's code
TERMS = ("tan hoa", "Tân Hòa", "thpt le", "chi doan 12a1", "khu pho 7", "BCH-D03-B01", "xyz")


def build(total: int) -> None:
    """A province with districts of about 40 base unions of about 15 branches each."""
    from django.db import transaction

    from doanvien.core.text import fold
    from doanvien.demo import vocab
    from doanvien.units.models import Level, Unit

    rng = random.Random(_common.SEED)
    levels = {level.code: level for level in Level.objects.all()}
    communes = list(vocab.COMMUNE_NAMES)
    roots = Unit.objects.filter(depth=1).count()
    rows: list[Unit] = []

    def add(path, depth, name, code, level, kind="union", children=0):
        rows.append(
            Unit(
                path=path, depth=depth, numchild=children, name=name, name_folded=fold(name),
                code=code, level=levels[level], kind=kind,
            )
        )  # fmt: skip

    province = Unit._get_path(None, 1, roots + 1)
    districts = max(1, total // (40 * 16))
    add(province, 1, "Tỉnh đoàn Bình Chuẩn", CODE, "province", children=districts)
    made = 1
    for d in range(1, districts + 1):
        district = Unit._get_path(province, 2, d)
        name = f"Huyện đoàn {rng.choice(communes)} {d}"
        add(district, 2, name, f"{CODE}-D{d:02d}", "district", children=40)
        made += 1
        for b in range(1, 41):
            base = Unit._get_path(district, 3, b)
            kind = rng.choice(("Đoàn xã", "Đoàn phường", "Đoàn trường THPT", "Đoàn trường THCS"))
            code = f"{CODE}-D{d:02d}-B{b:02d}"
            add(base, 3, f"{kind} {rng.choice(communes)}", code, "base", children=15)
            made += 1
            for c in range(1, 16):
                if kind.startswith("Đoàn trường"):
                    name = f"Chi đoàn {rng.randint(10, 12)}A{c}"
                else:
                    name = f"Chi đoàn {rng.choice(('Khu phố', 'Ấp', 'Thôn'))} {c}"
                path = Unit._get_path(base, 4, c)
                add(path, 4, name, f"{code}-{c:02d}", "branch", kind="branch")
                made += 1
    with transaction.atomic():
        Unit.objects.bulk_create(rows, batch_size=5000)
    print(f"Built the province {CODE}: {made:,} units.")


def main() -> None:
    _common.setup()
    from django.db import connection

    from doanvien.units.models import Unit
    from doanvien.units.selectors import active_below, units_matching

    if not Unit.objects.filter(code=CODE).exists():
        build(UNITS)
    province = Unit.objects.get(code=CODE)
    district = Unit.objects.filter(path__startswith=province.path, depth=2).order_by("path").first()
    under = Unit.objects.filter(path__startswith=province.path).count() - 1
    print(_common.machine())
    print(f"province {province.name}: {under:,} units under it")
    for name, unit in (("province", province), ("district", district)):
        for term in TERMS:
            found = len(units_matching(unit, term))
            samples = _common.timed(lambda u=unit, t=term: units_matching(u, t), REPEAT)
            print(
                f"  {name:8} {term!r:18} {found:3} found  "
                f"p50 {_common.percentile(samples, 0.5):6.1f} ms  "
                f"p95 {_common.percentile(samples, 0.95):6.1f} ms"
            )
    # The query units_matching makes, explained.
    below = active_below(province)
    query = below.filter(name_folded__contains="tan hoa").union(
        below.filter(code__startswith="TAN HOA")
    )
    sql, params = query.order_by("depth", "name_folded", "pk")[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
