"""How passwords are stored: Argon2id with the first of OWASP's recommended settings (19 MiB of
memory, 2 passes, 1 lane; Password Storage Cheat Sheet).

Django's default, PBKDF2 with 1,000,000 iterations, cost half a second of CPU per log-in on the
2-core machine, so 150 people logging in within 10 s (bench/load.py) queued for up to 42 s.
Argon2id at these settings costs about 30 ms, and being memory-hard it resists graphics-card
guessing better than PBKDF2 does. Hashes stored with other settings or hashers (PBKDF2 from
before) still verify, and are stored again in this form at the person's next log-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
