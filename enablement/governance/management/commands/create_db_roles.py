"""Create (or bring up to date) the two PostgreSQL roles of a deployment.

- the **owner** owns every table and runs `manage.py migrate`;
- the **application** role, which the web and worker processes connect as, may SELECT,
  INSERT, UPDATE and DELETE elsewhere but only INSERT and SELECT the audit tables. Not owning
  them, it cannot ALTER, DROP or TRUNCATE them or disable their triggers.

Run once, as a superuser, against the application's database, before or after the first
migrate; running it again changes nothing. Passwords come from the environment
(DB_OWNER_PASSWORD, DB_APP_PASSWORD), never the command line, and are set only when given.
See docs/SECURITY.md "Tamper-evident audit".
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from enablement.governance.triggers import revoke_changes

ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


class Command(BaseCommand):
    help = "Create the owner and application roles on PostgreSQL (idempotent; run as a superuser)."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="enablement_owner")
        parser.add_argument("--app", default="enablement_app")
        parser.add_argument("--database", default="default")

    def handle(self, *args, owner, app, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        if owner == app:
            raise CommandError("The owner and the application role must differ.")
        q = connection.ops.quote_name
        db = connection.settings_dict["NAME"]
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for role, env in ((owner, "DB_OWNER_PASSWORD"), (app, "DB_APP_PASSWORD")):
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                verb = "ALTER" if cursor.fetchone() else "CREATE"
                cursor.execute(f"{verb} ROLE {q(role)} {ATTRIBUTES}")
                if os.environ.get(env):
                    cursor.execute(f"ALTER ROLE {q(role)} PASSWORD %s", [os.environ[env]])
            # Were the application a member of the owner, it would hold the owner's rights.
            cursor.execute(
                "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = %s AND u.rolname = %s",
                [owner, app],
            )
            if cursor.fetchone():
                cursor.execute(f"REVOKE {q(owner)} FROM {q(app)}")

            cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {q(db)} TO {q(owner)}, {q(app)}")
            # The people search's trigram indexes (people 0006) need pg_trgm. Creating an
            # extension needs the right to create in the database, which the owner role is
            # not given: it is made here, by whoever runs this, and the migration finds it.
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {q(owner)}")
            self._give_to_owner(cursor, owner, q)

            cursor.execute(f"GRANT USAGE ON SCHEMA public TO {q(app)}")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(app)}"
            )
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q(app)}")
            # On the audit tables, only INSERT and SELECT. Tables not created yet get the
            # same treatment after every migrate (triggers.revoke_changes).
            revoke_changes(connection)
            # Tables and sequences the owner creates in later migrations.
            cursor.execute(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(app)}"
            )
            cursor.execute(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
                f"GRANT USAGE, SELECT ON SEQUENCES TO {q(app)}"
            )
        self.stdout.write(
            f"Roles ready on {db}: {owner} owns the tables and runs migrate; {app} connects "
            "for the application (INSERT and SELECT only on the audit tables)."
        )

    def _give_to_owner(self, cursor, owner, q):
        """Every table, view and free-standing sequence in public, and our trigger functions.
        Sequences that belong to a column move with their table."""
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND pg_get_userbyid(c.relowner) <> %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
            "  AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "  AND c.relkind = 'S')",
            [owner],
        )
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
        for name, kind in cursor.fetchall():
            cursor.execute(f"ALTER {kinds.get(kind, 'SEQUENCE')} {q(name)} OWNER TO {q(owner)}")
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'enablement\\_%%' "
            "AND pg_get_userbyid(p.proowner) <> %s",
            [owner],
        )
        for (signature,) in cursor.fetchall():
            cursor.execute(f"ALTER FUNCTION {signature} OWNER TO {q(owner)}")
