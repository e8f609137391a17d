"""Indexes for member search and member lists at province and national size.

- member_sort (sort_key, id): a member list's page is read in the list's order from this index
  (keyset paging: core.pagination.keyset_page) instead of sorting the whole subtree.
- member_code_upper (UPPER(member_code)): the search looks a member code up in any case
  (`member_code__iexact`, which is UPPER(member_code) = UPPER(term) on PostgreSQL); the unique
  index on the code does not answer that.
- member_phone: the search looks a phone number up.

- member_name_pairs (PostgreSQL only, beside the trigram index of 0002): a name search of
  several words. Every trigram of a Vietnamese name is common (a few hundred words make all the
  names), so the trigram index answers "nguyen thanh anh" by intersecting lists of hundreds of
  thousands of members (30-40 ms on a million). This index keeps, for each space of the folded
  name, the text around it: two or three characters on each side ("yen tha", "anh anh"): two
  words at once, which few members share. A term of several words holds some of them
  (selectors.name_pairs_sought), and every name containing the term holds them too, so the
  index finds a small superset of the names that the LIKE then checks.

On PostgreSQL they are built CONCURRENTLY, so a national member table stays writable while they
are built (the migration is therefore not atomic).
"""

from django.db import migrations, models
from django.db.models.functions import Upper

INDEXES = [
    models.Index(fields=["sort_key", "id"], name="member_sort"),
    models.Index(Upper("member_code"), name="member_code_upper"),
    models.Index(fields=["phone"], name="member_phone"),
]


# The SQL twin of selectors.name_pairs_sought: for each space at position i (1-based), the text
# from b characters before it to a characters after it, b and a being 2 or 3, where the name has
# them. Immutable (an index expression): only text functions of the name. PL/pgSQL: about four
# times faster than the same in one SQL query over generate_series (3 µs a name here).
NAME_PAIRS_FUNCTION = """
CREATE OR REPLACE FUNCTION member_name_pairs(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  pairs text[] := '{}';
  size int := length(name);
  i int := position(' ' in name);
  next_space int;
BEGIN
  WHILE i > 0 LOOP
    IF i >= 3 AND i + 2 <= size THEN
      pairs := pairs || substr(name, i - 2, 5);
      IF i + 3 <= size THEN
        pairs := pairs || substr(name, i - 2, 6);
      END IF;
      IF i >= 4 THEN
        pairs := pairs || substr(name, i - 3, 6);
        IF i + 3 <= size THEN
          pairs := pairs || substr(name, i - 3, 7);
        END IF;
      END IF;
    END IF;
    next_space := position(' ' in substr(name, i + 1));
    i := CASE WHEN next_space = 0 THEN 0 ELSE i + next_space END;
  END LOOP;
  RETURN pairs;
END
$$
"""


def create_name_pairs(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(NAME_PAIRS_FUNCTION)
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS member_name_pairs ON members_member "
        "USING gin (member_name_pairs(name_folded))"
    )


def drop_name_pairs(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS member_name_pairs")
    schema_editor.execute("DROP FUNCTION IF EXISTS member_name_pairs(text)")


def _options(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def create(apps, schema_editor):
    member = apps.get_model("members", "Member")
    for index in INDEXES:
        schema_editor.add_index(member, index, **_options(schema_editor))


def drop(apps, schema_editor):
    member = apps.get_model("members", "Member")
    for index in INDEXES:
        schema_editor.remove_index(member, index, **_options(schema_editor))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("members", "0012_duplicate_id_reports")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="member", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
        migrations.RunPython(create_name_pairs, drop_name_pairs),
    ]
