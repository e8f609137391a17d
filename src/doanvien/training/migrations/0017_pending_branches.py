"""The branches pending, by state and sector, on the roll-up rows (training.models.PENDING):
counted once here for the rows that exist, from the branches' rows, their units and their
results; a union's row gets the sum of the branch rows under it (the ledger's deltas carry none
of these counters yet, so nothing waits below)."""

from django.db import migrations, models

STATES = ("open_short", "open_full", "sent_short", "sent_full")
SECTORS = ("", "school", "workers", "residential", "armed_forces", "public_admin", "overseas")
PENDING = [(state, sector, f"{state}_{sector or 'unset'}") for sector in SECTORS for state in STATES]


def count(apps, schema_editor):
    YearStats = apps.get_model("training", "YearStats")
    Unit = apps.get_model("units", "Unit")
    BranchResult = apps.get_model("training", "BranchResult")
    if not YearStats.objects.exists():
        return
    q = schema_editor.connection.ops.quote_name
    stats, units, results = (q(m._meta.db_table) for m in (YearStats, Unit, BranchResult))

    def when(state, sector):
        wanted = "open" if state.startswith("open") else "submitted"
        short = "<" if state.endswith("short") else ">="
        return (
            f"CASE WHEN x.sector = '{sector}' AND x.st = '{wanted}' AND {stats}.members > 0 "
            f"AND {stats}.registered {short} {stats}.members THEN 1 ELSE 0 END"
        )

    sets = ", ".join(f"{q(name)} = {when(state, sector)}" for state, sector, name in PENDING)
    sums = ", ".join(f"SUM(b.{q(name)}) AS {q(name)}" for _s, _t, name in PENDING)
    copies = ", ".join(f"{q(name)} = a.{q(name)}" for _s, _t, name in PENDING)
    years = YearStats.objects.values_list("year", flat=True).distinct()
    depths = sorted(
        set(YearStats.objects.exclude(unit__kind="branch").values_list("depth", flat=True))
    )
    with schema_editor.connection.cursor() as cursor:
        for year in years:
            cursor.execute(
                f"UPDATE {stats} SET {sets} FROM (SELECT u.id, u.sector, "
                f"COALESCE(r.state, 'open') AS st FROM {units} u LEFT JOIN {results} r "
                "ON r.branch_id = u.id AND r.year = %s WHERE u.kind = 'branch' AND u.is_active) x "
                f"WHERE {stats}.unit_id = x.id AND {stats}.year = %s",
                [year, year],
            )
        for depth in depths:
            cursor.execute(
                f"UPDATE {stats} SET {copies} FROM (SELECT b.year, SUBSTR(b.unit_path, 1, %s) "
                f"AS owner, {sums} FROM {stats} b JOIN {units} u ON u.id = b.unit_id "
                "AND u.kind = 'branch' WHERE b.depth > %s GROUP BY b.year, "
                f"SUBSTR(b.unit_path, 1, %s)) a WHERE {stats}.year = a.year "
                f"AND {stats}.unit_path = a.owner AND {stats}.depth = %s",
                [depth * 4, depth, depth * 4, depth],
            )


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0016_assessment_seq'),
    ]

    operations = [
        # (the counting runs last, once every column exists)
        migrations.AddField(
            model_name='yearstats',
            name='open_full_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_full_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_full_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_full_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_full_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_full_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_full_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='open_short_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_full_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstats',
            name='sent_short_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_full_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='open_short_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_full_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_armed_forces',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_overseas',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_public_admin',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_residential',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_school',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_unset',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='yearstatsdelta',
            name='sent_short_workers',
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
