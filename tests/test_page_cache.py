"""Anonymous visitors get cached pages that are never stale; re-visits cost a 304."""

import datetime
import io
import json
import random
import string
import uuid
from urllib.parse import urlencode

import pytest
import redis
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.content_version import content_changed
from events.models import Event, KeyFigure, PublicationStatus
from skillsite.settings import cache_from_url

from .factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_event(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_event(title="世界技能博物馆开馆")


def test_a_second_visit_is_served_from_the_cache_without_queries(
    client, page_cache, published_event, django_assert_num_queries
):
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get("/")

    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_saving_content_replaces_the_cached_page_at_once(
    client, page_cache, published_event, django_capture_on_commit_callbacks
):
    assert "世界技能博物馆开馆" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        published_event.title = "世界技能博物馆在上海开馆"
        published_event.save()

    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "世界技能博物馆在上海开馆" in response.content.decode()


def test_unpublishing_and_deleting_hide_the_event_at_once(
    client, page_cache, published_event, django_capture_on_commit_callbacks
):
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        published_event.status = PublicationStatus.DRAFT
        published_event.save()
    assert "世界技能博物馆开馆" not in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        published_event.delete()
    assert client.get(published_event.get_absolute_url()).status_code == 404


def test_a_scheduled_event_appears_when_its_time_comes_without_any_write(
    client, page_cache, published_event, django_capture_on_commit_callbacks, monkeypatch
):
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        make_event(title="定时发布的大事", published_at=publish_at)
    assert "定时发布的大事" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"

    later = publish_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "定时发布的大事" in response.content.decode()


def test_a_revisit_with_the_etag_costs_a_304(client, page_cache, published_event):
    etag = client.get("/")["ETag"]

    response = client.get("/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_pages_tell_browsers_to_revalidate(client, page_cache, published_event):
    response = client.get("/")

    assert "max-age=0" in response["Cache-Control"] and "public" in response["Cache-Control"]


def test_a_visitor_with_a_stale_session_cookie_gets_the_cached_page(client, page_cache, published_event):
    client.get("/")
    client.cookies["sessionid"] = "a0" * 16  # logged out long ago, or made up

    response = client.get("/")

    assert response["X-Page-Cache"] == "hit"
    assert response.cookies["sessionid"].value == ""  # the browser is told to forget it
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_visitors_with_a_session_and_the_admin_are_never_cached(
    client, page_cache, published_event, admin_user
):
    client.force_login(admin_user)

    assert "X-Page-Cache" not in client.get("/")
    assert "X-Page-Cache" not in client.get("/admin/")


def test_bulk_writes_declare_their_change(
    client, page_cache, published_event, django_capture_on_commit_callbacks
):
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        Event.objects.filter(pk=published_event.pk).update(title="批量修改后的标题")
        content_changed()

    assert "批量修改后的标题" in client.get("/").content.decode()


@pytest.fixture
def redis_page_cache(settings, redis_url):
    """The production cache: Redis on 127.0.0.1:6379 (required in CI, skipped elsewhere),
    configured as production configures it."""
    settings.CACHES = {
        "default": cache_from_url(redis_url) | {"KEY_PREFIX": f"skillsite-test-{uuid.uuid4().hex}"}
    }
    settings.PAGE_CACHE_SECONDS = 600
    yield cache
    cache.clear()


def test_invalidation_works_through_redis(client, redis_page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(title="缓存在 Redis 中的大事")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Redis 中已更新的大事"
        event.save()

    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Redis 中已更新的大事" in response.content.decode()


def test_list_counts_and_year_choices_are_computed_once_per_content_version(
    client, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            make_event(year=2023)
    assert "共 3 件大事" in client.get("/events/?year=2023").content.decode()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/events/?year=2023&category=")
    assert "共 3 件大事" in response.content.decode()
    assert not [query for query in queries if "COUNT(" in query["sql"] or "DISTINCT" in query["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        make_event(year=2023)
    assert "共 4 件大事" in client.get("/events/?year=2023").content.decode()


def test_an_import_makes_cached_pages_stale(
    client, page_cache, seed_content, tmp_path, django_capture_on_commit_callbacks
):
    page = "/events/2023-second-national-skills-competition/"
    assert "现场观赛" in client.get(page).content.decode()
    figure = serializers.serialize(
        "python",
        [KeyFigure.objects.get(key="spectators")],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )[0]
    figure["fields"]["label"] = "现场观赛的观众"
    fixture = tmp_path / "figure.json"
    fixture.write_text(json.dumps([figure], cls=DjangoJSONEncoder, ensure_ascii=False), encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_content", str(fixture), "--no-progress", stdout=io.StringIO())

    assert "现场观赛的观众" in client.get(page).content.decode()


def redis_keys(redis_url, cache):
    server = redis.Redis.from_url(redis_url)
    return set(server.scan_iter(match=f"{cache.key_prefix}:*", count=1000))


def test_junk_query_parameters_add_no_cache_keys(client, redis_page_cache, redis_url, seed_content):
    canonical = client.get("/events/?year=2023")
    assert client.get("/events/?year=2023")["X-Page-Cache"] == "hit"
    keys = redis_keys(redis_url, redis_page_cache)
    rng = random.Random(10)

    def junk(length):
        return "".join(rng.choices(string.ascii_letters + string.digits, k=length))

    for n in range(1000):
        # Names of two letters or more: no filter of the list is named so.
        extra = [(junk(rng.randint(2, 12)), junk(rng.randint(0, 12))) for _ in range(rng.randint(1, 3))]
        parameters = [("year", "2023"), *extra]
        if n % 2:
            parameters += [("category", ""), ("page", "1")]  # blank filters and page 1 name nothing
        rng.shuffle(parameters)
        response = client.get("/events/?" + urlencode(parameters))
        assert response["X-Page-Cache"] == "hit", parameters
        assert response.content == canonical.content

    assert redis_keys(redis_url, redis_page_cache) == keys


def test_nonsense_filter_values_add_no_cache_keys(client, redis_page_cache, redis_url, seed_content):
    client.get("/events/")
    keys = redis_keys(redis_url, redis_page_cache)

    for value in ["abc", "1900", "99999", "\u00b2", "<b>"]:
        response = client.get(f"/events/?{urlencode({'year': value})}")
        assert "筛选条件有误" in response.content.decode()
        assert "private" in response["Cache-Control"]

    assert redis_keys(redis_url, redis_page_cache) == keys
