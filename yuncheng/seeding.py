"""The frame `seed_demo` gives each app's ``seed.py``.

Each app that has demo data keeps a module ``<app>/seed.py`` with a function ``seed(ctx)``. The
command calls them in ``SEED_ORDER``; each must be deterministic (draw only from ``ctx.rng(name)``)
and idempotent (a second run changes nothing), and must build its figures from generated records.
"""

import random
import sys
import time
from dataclasses import dataclass, field

SEED_ORDER = ["villages", "accounts", "monitoring", "assistance", "resident_teams", "rectification", "dashboard",
              "submissions"]

DEMO_PASSWORD = "Yuncheng@2023"


@dataclass
class SeedContext:
    scale: float = 1.0
    seed: int = 2023
    stdout: object = field(default=sys.stdout)
    # Demo logins that apps add as they create users: (username, role label, area name).
    logins: list = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each part, so that one app's draws never shift another's."""
        return random.Random(f"{self.seed}:{name}")

    def scaled(self, n: int, minimum: int = 1) -> int:
        return max(minimum, round(n * self.scale))

    def log(self, message: str) -> None:
        self.stdout.write(f"{message}\n")

    def timed(self, label: str):
        return _Timer(self, label)


class _Timer:
    def __init__(self, ctx: SeedContext, label: str):
        self.ctx, self.label = ctx, label

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.ctx.log(f"  {self.label}: {time.perf_counter() - self.start:.1f} s")
