"""Trigram indexes for the people search on PostgreSQL (issue 14).

The search finds a name anywhere in the given, family or preferred name
(`people.selectors.search_people`: `UPPER(column) LIKE UPPER('%term%')`), which a btree
index cannot serve: at 200,000 people every search, and its page count, read the whole
table. A GIN index of each column's trigrams (pg_trgm, a trusted extension the database's
owner may create) serves `LIKE '%term%'` for any term of three letters or more.

PostgreSQL only, so not declared on the model (SQLite has no such index; the demo's few
hundred people are read whole in no time).
"""

from django.db import migrations

COLUMNS = ("given_name", "family_name", "preferred_name")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        # The expression as Django's icontains writes it, so the planner matches it.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{column}_trigrams ON people_person "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
    # The search's fourth alternative, the case-system ID exactly: with it indexed too the
    # planner can OR the four indexes together instead of reading every person.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_case_system_id_upper ON people_person "
        '(UPPER("case_system_id"::text))'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_{column}_trigrams")
    schema_editor.execute("DROP INDEX IF EXISTS person_case_system_id_upper")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_person_team_diagnosis")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
