"""An export too large to send while the user waits: made by the worker, kept for its owner
for a while, then removed (issue 14 item 3, ADR 0036)."""

import uuid

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Could not be prepared"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Spreadsheet (XLSX)"

    # The address of the page and the download: not guessable, and only its owner is served.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40, help_text="Which export: a key of SOURCES")
    format = models.CharField(max_length=4, choices=Format.choices)
    path = models.CharField(max_length=300, help_text="The address the export was asked at")
    query = models.CharField("filter", max_length=500, blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the file is removed"
    )
    row_count = models.PositiveIntegerField(null=True, blank=True)
    expected_rows = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=100, help_text="The name the download is given")

    class Meta:
        indexes = [models.Index(fields=["user", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.filename} for {self.user_id} ({self.state})"

    @property
    def stored_name(self) -> str:
        return f"{self.pk}.{self.format}"
