"""Shared test fixtures: the shipped content, loaded as `make run` loads it."""

from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURE_FILES = sorted(str(path) for path in (Path(__file__).parent.parent / "fixtures").glob("*.json"))


@pytest.fixture
def seed_content(db):
    """The site's shipped content, loaded exactly as `make run` loads it."""
    call_command("loaddata", *FIXTURE_FILES, verbosity=0)
