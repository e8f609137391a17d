"""Passwords are hashed with Argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane:
the Password Storage Cheat Sheet's first option) rather than Django's default (100 MiB, 8
lanes), so that a branch's evening of log-ins on a 2-core server does not queue behind the
hashing. The cost is settings (ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM); a
password hashed with other parameters still verifies and is hashed again at log-in."""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    @property
    def time_cost(self) -> int:
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:
        return settings.ARGON2_MEMORY_KIB

    @property
    def parallelism(self) -> int:
        return settings.ARGON2_PARALLELISM
