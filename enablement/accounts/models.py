import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from enablement.accounts.roles import BY_GROUP, PRECEDENCE, ROLES, Role


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role (group) and, for
    staff, their staff record in the catalogue."""

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    @property
    def roles(self) -> frozenset[Role]:
        cached = getattr(self, "_roles", None)
        if cached is None:
            # groups.all() rather than values_list so a prefetch of user__groups is used.
            names = [g.name for g in self.groups.all()] if self.pk else []
            cached = frozenset(BY_GROUP[n] for n in names if n in BY_GROUP)
            self._roles = cached
        return cached

    @property
    def primary_role(self) -> Role | None:
        return next((r for r in PRECEDENCE if r in self.roles), None)

    @property
    def role_label(self) -> str:
        role = self.primary_role
        return ROLES[role].label if role else "No role"

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A per-user key for other systems. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Mosaic link'")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    # Chosen when the token is made (rules.token_lifetimes); an expired token is refused.
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    PREFIX = "enb_"

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are 256 random bits, so a fast hash is enough: no dictionary to attack.
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


ROLE_CHOICES = [(info.role.value, info.label) for info in ROLES.values()]


class RoleGrantRequest(models.Model):
    """A system administrator's request to give an account a role that sees case data.

    The role (its group) is added only when a provision manager of the service concerned, or
    a quality manager, approves; neither the one who asked nor the one who would gain the
    role may decide (accounts.rules.grant_decision_problem)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests")
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    team = models.ForeignKey(
        "catalogue.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    services = models.ManyToManyField("catalogue.Service", blank=True, related_name="+")
    reason = models.CharField(max_length=500)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} ({self.get_status_display()})"

    @property
    def role_label(self) -> str:
        return ROLES[Role(self.role)].label


class BreakGlassGrant(models.Model):
    """A system administrator's emergency, read-only sight of one person's record.

    Live while `expires_at` is after the clock at the moment of reading (access.py compares
    on every request), so it stops at once without a job to end it. Never changed or deleted:
    the rows are the record of who looked, whom, why and for how long."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} opened {self.person_id} at {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Break-glass grants are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Break-glass grants are never deleted")
