"""Shared test fixtures: the shipped content, loaded as `make run` loads it."""

import os
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

FIXTURE_FILES = sorted(str(path) for path in (Path(__file__).parent.parent / "fixtures").glob("*.json"))


@pytest.fixture(scope="session", autouse=True)
def site_domain_is_the_test_clients_host():
    """Links the sites framework makes absolute (feed, sitemaps, "view on site") use the
    domain the migrations write to the Site record: the test client's host."""
    settings.SITE_DOMAIN = "testserver"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Staff accounts are made in many tests; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def login_throttling_off(settings):
    """Tests log in many times; the throttling tests switch it back on for themselves."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Pages render afresh in tests, so query counts measure the page; tests of the page
    cache switch it on with the `page_cache` fixture."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.CONTENT_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.CONTENT_CACHE_SECONDS = 3600
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def seed_content(db):
    """The site's shipped content, loaded exactly as `make run` loads it."""
    call_command("loaddata", *FIXTURE_FILES, verbosity=0)


@pytest.fixture
def redis_url():
    """The test Redis (TEST_REDIS_URL): required where REQUIRE_REDIS is set, as in CI;
    elsewhere the tests that need it are skipped when it does not answer."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not reachable at {url}")
    return url


@pytest.fixture
def editor(client):
    """`client`, logged in as a new member of the editors' group."""
    from .staff import EDITOR, staff_client

    staff_client(client, EDITOR)
    return client
