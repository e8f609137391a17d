"""The computed cells of a statistics return: `returns.selectors.computed_values` for each
computed form 1–5 alone, then for all of them in one call (as a return's page reads them: one
statement a source for the whole return), for the central unit, the province with the most
units, a district and a base union, BENCH_REPEAT times (default 5) after one warm-up call; then
a draft's read of them all as its page and the API make it (`cached=True`: counted once, then
from the cache within RETURNS_COMPUTED_CACHE_SECONDS). A submitted return reads its snapshot.

    BENCH_DATABASE_URL=postgres://…/mybench .venv/bin/python bench/returns_compute.py
"""

import os

import _common

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def main() -> None:
    _common.setup()
    _common.ensure_data()
    from doanvien.returns.campaigns import campaign_for
    from doanvien.returns.selectors import computed_values, forms_of
    from doanvien.units.models import Unit

    year = _common.YEAR
    central = Unit.objects.get(depth=1)
    province = max(Unit.objects.filter(depth=2), key=lambda u: u.children().count())
    district = Unit.objects.filter(level__code="district").order_by("pk").first()
    base = Unit.objects.filter(level__code="base").order_by("pk").first()
    print(_common.machine())
    for name, unit in (
        ("central", central),
        ("province", province),
        ("district", district),
        ("base", base),
    ):
        campaign = campaign_for(unit, year, "year")
        forms = [f for f in forms_of(campaign) if any("source" in s for s in f.cells.values())]
        for form in forms:
            samples = _common.timed(
                lambda f=form, u=unit, c=campaign: computed_values(u, c, [f]), REPEAT, warm=1
            )
            print(
                f"{name:9} form {form.number}  {len(form.cells):3} cells  "
                f"p50 {_common.percentile(samples, 0.5):8.1f} ms  "
                f"max {max(samples):8.1f} ms"
            )
        samples = _common.timed(
            lambda u=unit, c=campaign, fs=forms: computed_values(u, c, fs), REPEAT, warm=1
        )
        print(
            f"{name:9} forms 1–5 together  "
            f"p50 {_common.percentile(samples, 0.5):8.1f} ms  "
            f"max {max(samples):8.1f} ms"
        )
        samples = _common.timed(
            lambda u=unit, c=campaign, fs=forms: computed_values(u, c, fs, cached=True),
            REPEAT,
            warm=1,
        )
        print(
            f"{name:9} forms 1–5 again, from the cache  "
            f"p50 {_common.percentile(samples, 0.5):8.3f} ms  "
            f"max {max(samples):8.3f} ms"
        )


if __name__ == "__main__":
    main()
