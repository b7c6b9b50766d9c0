"""Writes on geography."""

import json
from pathlib import Path

from django.db import transaction

from .models import County

COUNTIES_FILE = Path(__file__).parent / "data" / "counties.json"


def counties_reference() -> list[dict]:
    return json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))["counties"]


@transaction.atomic
def counties_load() -> int:
    """Create or refresh the 13 real counties of 运城市; returns how many were new."""
    created = 0
    for row in counties_reference():
        _, was_created = County.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "category": row["category"], "is_poverty_county": row["is_poverty_county"]},
        )
        created += was_created
    return created
