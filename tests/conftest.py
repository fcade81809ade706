"""Shared test fixtures: the shipped content, loaded as `make run` loads it."""

from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURE_FILES = sorted(str(path) for path in (Path(__file__).parent.parent / "fixtures").glob("*.json"))


@pytest.fixture(autouse=True)
def login_throttling_off(settings):
    """Tests log in many times; the throttling tests switch it back on for themselves."""
    settings.AXES_ENABLED = False


@pytest.fixture
def seed_content(db):
    """The site's shipped content, loaded exactly as `make run` loads it."""
    call_command("loaddata", *FIXTURE_FILES, verbosity=0)
