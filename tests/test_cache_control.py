"""What a cache in front may keep: anonymous public pages briefly, anything personal never."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from events.models import PublicationStatus
from skillsite.cache_control import CacheControlMiddleware

from .factories import make_event
from .staff import PUBLISHER, ensure_groups, make_staff

pytestmark = pytest.mark.django_db


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response):
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


def assert_never_stored(response):
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
    assert not any(word.startswith("s-maxage") for word in directives(response))


@pytest.fixture
def event():
    return make_event(title="世界技能博物馆开馆")


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from the page cache"])
def test_anonymous_public_pages_may_be_kept_by_shared_caches_for_seconds(client, settings, event, cached):
    if cached:
        settings.PAGE_CACHE_SECONDS = 600
        client.get(event.get_absolute_url())

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=0", "s-maxage=5", "stale-while-revalidate=30"}
    # A session would change the page; the language comes from the URL, not the browser.
    assert "cookie" in vary(response)
    assert "accept-language" not in vary(response)


def test_a_revalidation_answered_304_says_the_same(client, settings, event):
    settings.PAGE_CACHE_SECONDS = 600
    etag = client.get("/")["ETag"]

    response = client.get("/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert "s-maxage=5" in directives(response) and "public" in directives(response)


def test_the_times_come_from_the_settings(client, settings, event):
    settings.SHARED_CACHE_SECONDS = 2
    settings.SHARED_CACHE_STALE_SECONDS = 10
    settings.BROWSER_CACHE_SECONDS = 1

    response = client.get("/events/")

    assert {"max-age=1", "s-maxage=2", "stale-while-revalidate=10"} <= directives(response)


def test_staff_pages_previews_and_the_admin_are_private(client, event):
    ensure_groups()
    draft = make_event(status=PublicationStatus.DRAFT)
    client.force_login(make_staff(PUBLISHER))

    page = client.get(event.get_absolute_url())
    preview = client.get(draft.get_absolute_url())
    admin = client.get("/admin/")

    assert "预览" in preview.content.decode()
    for response in (page, preview, admin):
        assert response.status_code == 200
        assert_never_stored(response)
        assert "cookie" in vary(response)


def test_health_checks_and_form_posts_are_never_stored(client, event):
    assert "s-maxage=5" not in directives(client.get("/healthz"))
    assert_never_stored(client.post("/events/"))


def test_a_page_with_a_csrf_token_is_private():
    def form_page(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    response = CacheControlMiddleware(form_page)(RequestFactory().get("/contact/"))

    assert_never_stored(response)


def test_a_page_that_sets_a_cookie_is_private():
    def page_with_cookie(request):
        response = HttpResponse("<p>hello</p>")
        response.set_cookie("seen", "1")
        return response

    response = CacheControlMiddleware(page_with_cookie)(RequestFactory().get("/anything/"))

    assert_never_stored(response)
