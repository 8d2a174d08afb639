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
