"""Append-only records: the timeline of events and the log of who viewed whose record.

Neither can be changed or deleted through the application: save() refuses an update,
delete() refuses, the queryset refuses bulk changes, and database triggers refuse UPDATE,
DELETE and TRUNCATE from anywhere else (`governance/triggers.py`). Every insert, one row or
many, is sealed into a per-table hash chain (`governance/chain.py`) in its own transaction,
so `manage.py verify_audit` finds a row changed or removed even by a database superuser.
"""

from django.conf import settings
from django.db import models, router, transaction

from enablement.governance import chain


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")

    # bulk_update goes through update().

    def bulk_create(self, objs, *args, ignore_conflicts=False, update_conflicts=False, **kwargs):
        # A row skipped or rewritten by the database would leave a hole in the chain.
        if ignore_conflicts or update_conflicts:
            raise AppendOnlyError(f"{self.model.__name__} rows are inserted whole or not at all")
        objs = list(objs)
        for obj in objs:  # ids of related rows saved after being assigned, before hashing
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        with transaction.atomic(using=self.db):
            chain.seal(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_insert(self, objs) -> list:
        """`bulk_create` for a job writing many rows at once: sealed the same way, then
        inserted in one statement with no per-value preparation in Python
        (core.batches.insert_rows). The rows' values must be plain (ids, not instances)."""
        from enablement.core.batches import insert_rows

        objs = list(objs)
        if not objs:
            return objs
        names = [*chain.HASH_FIELDS, *(f.attname for f in chain.chained_fields(self.model))]
        with transaction.atomic(using=self.db):
            chain.seal(objs, using=self.db)
            ids = insert_rows(
                self.model,
                names,
                [tuple(getattr(obj, name) for name in names) for obj in objs],
                using=self.db,
            )
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
        return objs


class AppendOnly(models.Model):
    # The chain (see chain.py): the previous row's hash and this row's, both set on insert.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # Ids of related rows saved after being assigned, which save() would set after hashing.
        self._prepare_related_fields_for_save(operation_name="save")
        with transaction.atomic(using=using):
            chain.seal([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")


class Event(AppendOnly):
    """Something that happened to a person, referral or episode: who, when, what, why."""

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=60, db_index=True)
    summary = models.CharField(max_length=500)
    # The timelines' indexes below lead with the person, referral and episode, so those
    # need none of their own: each index is written on every insert (issue 14, the sweep).
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    episode = models.ForeignKey(
        "casework.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # One per timeline, in the timeline's order, so a page (governance/timeline.py)
        # seeks to its cursor and reads only its own rows (ADR 0040).
        indexes = [
            models.Index(fields=["person", "-occurred_at", "-id"], name="event_person_timeline"),
            models.Index(fields=["episode", "-occurred_at", "-id"], name="event_episode_timeline"),
            models.Index(
                fields=["referral", "-occurred_at", "-id"], name="event_referral_timeline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind}"


class AccessLogEntry(AppendOnly):
    """One read of personal data by one user: a person's (or referral's) record opened, a
    person shown in a list or a search, or one export.

    A view, list or search writes one row per person shown, so every access to a person is
    found through the indexed `person` column. An export writes one row for the whole file
    (`person` empty): its filter, its row count, and the ids of the people in it in
    `exported_people`, so a search by person finds the exports that held them too
    (docs/adr/0016-every-read-logged.md)."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed the record"
        API_VIEW = "api_view", "Read the record through the API"
        TIMELINE = "timeline", "Viewed the timeline"
        LIST = "list", "Shown in a list"
        API_LIST = "api_list", "Listed through the API"
        SEARCH = "search", "Found by a search"
        API_SEARCH = "api_search", "Found by a search through the API"
        EXPORT = "export", "Exported"

    # Bounds of what a row keeps of the request (a longer query string is cut).
    PATH_LENGTH = 300
    QUERY_LENGTH = 500

    at = models.DateTimeField(db_index=True)
    # (user, -at) and (person, -at) below serve both columns: a row is written on every page
    # view, and each index is written with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="access_log",
        help_text="Whose record was read; empty for an export, which names its people in "
        "exported_people",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_log",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    path = models.CharField(max_length=PATH_LENGTH, blank=True)
    query = models.CharField(
        "filter",
        max_length=QUERY_LENGTH,
        blank=True,
        default="",
        help_text="The request's query string",
    )
    row_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="The rows of an export"
    )
    exported_people = models.TextField(
        # Room for the ids of the largest export the product allows, each with its spaces.
        max_length=1_000_000,
        blank=True,
        default="",
        help_text="The ids of the people in an export, each between spaces: ' 4 17 '",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"
        indexes = [
            models.Index(fields=["person", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.person_id}"

    def exported_ids(self) -> list[int]:
        return [int(n) for n in self.exported_people.split()]


class AuditChainHead(models.Model):
    """The end of one audit table's chain. Its row is locked by every insert into that table,
    which serialises writers; its hash and length also show rows removed from the end."""

    table = models.CharField(max_length=63, primary_key=True)
    length = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.table}: {self.length} rows"


class ArchivedSegment(models.Model):
    """A run of audit rows, consecutive in id order, that left the table when their month's
    partition was detached for archiving (`audit_partitions --detach`). The chain walk skips
    the gap only where a segment bridges it exactly: its first row followed `prev_hash` and
    its last row's hash is what the next row left in the table follows."""

    table = models.CharField(max_length=63)
    partition = models.CharField(max_length=63)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    rows = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    last_hash = models.CharField(max_length=64)
    archived_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "first_id"], name="one_segment_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.partition}: rows {self.first_id}-{self.last_id} ({self.rows})"
