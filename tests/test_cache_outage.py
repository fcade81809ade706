"""With Redis unreachable the site keeps answering: pages are rendered afresh, staff keep working.

The cache server here is an address where nothing listens (connection refused) or a socket
that accepts connections and never answers (a hanging server).
"""

import logging
import socket
from urllib.parse import urlparse

import pytest
import redis
from django.urls import reverse

from events.models import Event
from skillsite import redis_cache as resilient_cache
from skillsite.settings import cache_from_url

from .factories import make_event
from .staff import PUBLISHER, form_post_data, staff_client

pytestmark = pytest.mark.django_db

PAGES = ["/", "/events/", "/milestones/", "/awards/", "/bases/", "/search/?q=工匠精神", "/feeds/events/"]


@pytest.fixture(autouse=True)
def fresh_outage_state(monkeypatch):
    monkeypatch.setattr(resilient_cache, "_unavailable_until", {})


def use_cache_server(settings, url, timeout="0.2"):
    settings.CACHES = {"default": cache_from_url(url)}
    settings.CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": float(timeout),
        "socket_timeout": float(timeout),
    }
    settings.PAGE_CACHE_SECONDS = 600
    settings.CONTENT_CACHE_SECONDS = 3600


@pytest.fixture
def refused_port():
    """A local port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def connection_attempts(monkeypatch):
    attempts = []
    connect = redis.connection.AbstractConnection.connect

    def counting_connect(self, *args, **kwargs):
        attempts.append(self)
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect", counting_connect)
    return attempts


def test_public_pages_answer_while_the_cache_server_is_down(
    client, settings, refused_port, seed_content, caplog
):
    use_cache_server(settings, f"redis://127.0.0.1:{refused_port}/0")

    with caplog.at_level(logging.WARNING, logger="skillsite.redis_cache"):
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Page-Cache" not in response or response["X-Page-Cache"] == "miss"

    assert "高技能人才" in client.get("/").content.decode()
    warnings = [record.getMessage() for record in caplog.records if record.name == "skillsite.redis_cache"]
    assert len(warnings) == 1, "one warning per outage, not one per request"
    assert f"127.0.0.1:{refused_port}" in warnings[0]


def test_staff_log_in_and_publish_while_the_cache_server_is_down(
    client, settings, refused_port, django_capture_on_commit_callbacks
):
    use_cache_server(settings, f"redis://127.0.0.1:{refused_port}/0")
    event = make_event(title="缓存宕机前的标题")
    assert "缓存宕机前的标题" in client.get("/events/").content.decode()

    staff_client(client, PUBLISHER)
    change_url = reverse("admin:events_event_change", args=[event.pk])
    data = form_post_data(client.get(change_url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url, data | {"title": "缓存宕机时改的标题", "_publish": "保存并发布"})

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "缓存宕机时改的标题"
    client.logout()
    assert "缓存宕机时改的标题" in client.get("/events/").content.decode()


def test_a_hanging_cache_server_costs_one_timeout_then_is_left_alone_for_a_while(
    client, settings, silent_server, connection_attempts
):
    use_cache_server(settings, f"redis://127.0.0.1:{silent_server}/0")
    make_event()

    assert client.get("/events/").status_code == 200
    assert connection_attempts, "the first request tried the cache server"
    tried = len(connection_attempts)

    assert client.get("/events/").status_code == 200
    assert client.get("/").status_code == 200
    assert len(connection_attempts) == tried, "no further attempt within the retry interval"

    resilient_cache._unavailable_until.update(dict.fromkeys(resilient_cache._unavailable_until, 0.0))
    assert client.get("/events/").status_code == 200
    assert len(connection_attempts) > tried, "the cache server is tried again once the interval is over"


def test_recovery_is_logged_and_the_cache_used_again(client, settings, redis_url, caplog):
    use_cache_server(settings, redis_url)
    settings.CACHES["default"]["KEY_PREFIX"] = "skillsite-test-recovery"
    make_event()
    resilient_cache._unavailable_until[redis_url] = 0.0  # an outage whose retry interval is over

    with caplog.at_level(logging.WARNING, logger="skillsite.redis_cache"):
        client.get("/events/")

    address = urlparse(redis_url).netloc.rsplit("@", 1)[-1]  # host:port, never a password
    assert [record.getMessage() for record in caplog.records] == [f"Cache server {address} answers again."]
    assert client.get("/events/")["X-Page-Cache"] == "hit"


def test_a_logout_made_while_the_cache_server_is_down_sticks_when_it_is_back(
    client, settings, redis_url, refused_port
):
    use_cache_server(settings, redis_url)
    settings.CACHES["default"]["KEY_PREFIX"] = "skillsite-test-logout"
    staff_client(client, PUBLISHER)
    assert client.get("/admin/").status_code == 200
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    use_cache_server(settings, f"redis://127.0.0.1:{refused_port}/0")
    client.post("/admin/logout/")

    use_cache_server(settings, redis_url)
    settings.CACHES["default"]["KEY_PREFIX"] = "skillsite-test-logout"
    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
