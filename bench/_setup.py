"""Shared start-up for the benchmark scripts: Django on the configured DATABASE_URL."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailadmin.settings")
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
