"""Two app servers sharing one PostgreSQL and one Redis show the same site at once.

A change made through one server's admin (publishing, unpublishing) is on the other
server's cached pages immediately, a login on one is a login on the other, and an import
checked on one can be confirmed on the other: nothing a visitor or an editor sees depends
on which process answers.
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.db import connection

from events.models import Category, Event, PublicationStatus

from .factories import make_event

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_services(redis_url):
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share PostgreSQL; this runs in the PostgreSQL pass")
    return redis_url


class AppServer:
    """gunicorn serving the project with production settings on a port of its own."""

    def __init__(self, env):
        self.port = free_port()
        self.env = env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1"}
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def start(self):
        self.process = subprocess.Popen([str(GUNICORN), "skillsite.wsgi"], cwd=PROJECT, env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the app server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body)
        with self.opener.open(request, timeout=30) as response:
            self.last_url = response.url
            return response.status, dict(response.headers), response.read().decode()

    def get(self, path):
        return self.request(path)

    def post_file(self, path, fields, file_field, file_name, content):
        """A multipart/form-data POST, as a browser sends a form with a file."""
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def log_in(self, username, password):
        _status, _headers, html = self.get("/admin/login/")
        self.request(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token(html)},
        )

    def run_action(self, action, event):
        _status, _headers, html = self.get("/admin/events/event/")
        self.request(
            "/admin/events/event/",
            {
                "action": action,
                "_selected_action": event.pk,
                "index": 0,
                "csrfmiddlewaretoken": self.csrf_token(html),
            },
        )


def production_environment(cache_url, static_root, **settings):
    """The environment of an app server with production settings on this test's database and
    `cache_url`, its static files collected into `static_root`; `settings` added."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=f"app-server-{secrets.token_hex(4)}",
        STATIC_ROOT=str(static_root),
        # Plain HTTP on loopback: no TLS front end here.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        GUNICORN_ACCESS_LOG="",
        **settings,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT, env=env, check=True
    )
    return env


@pytest.fixture
def two_servers(shared_services, tmp_path, settings):
    # The servers check passwords with the production hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    env = production_environment(shared_services, tmp_path / "static", PAGE_CACHE_SECONDS="600")
    # Each server has a temporary directory of its own, as separate machines would.
    servers = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        servers.append(AppServer(env | {"TMPDIR": str(tmp_path / name)}))
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_server_is_on_the_other_at_once(two_servers):
    visitor_server, editor_server = two_servers
    shown = make_event(title="已经公开的大事")
    draft = make_event(title="等待发布的大事", status=PublicationStatus.DRAFT)
    User.objects.create_superuser("publisher", password="a-long-correct-passphrase")

    _status, _headers, html = visitor_server.get("/events/")
    assert "已经公开的大事" in html and "等待发布的大事" not in html
    assert visitor_server.get("/events/")[1]["X-Page-Cache"] == "hit"

    editor_server.log_in("publisher", "a-long-correct-passphrase")
    editor_server.run_action("publish_selected", draft)
    editor_server.run_action("unpublish_selected", shown)

    assert Event.objects.get(pk=draft.pk).status == PublicationStatus.PUBLISHED
    _status, headers, html = visitor_server.get("/events/")
    assert headers["X-Page-Cache"] == "miss"
    assert "等待发布的大事" in html and "已经公开的大事" not in html


@pytest.mark.django_db(transaction=True)
def test_an_import_checked_on_one_server_is_confirmed_on_the_other(two_servers):
    first, second = two_servers
    User.objects.create_superuser("publisher", password="a-long-correct-passphrase")
    first.log_in("publisher", "a-long-correct-passphrase")
    categories = json.dumps(
        [{"model": "events.category", "fields": {"slug": "cross-server", "name": "跨服务器导入"}}]
    ).encode()

    _status, _headers, html = first.get("/admin/import/")
    status, html = first.post_file(
        "/admin/import/",
        {"csrfmiddlewaretoken": first.csrf_token(html)},
        "file",
        "categories.json",
        categories,
    )
    assert status == 200 and "categories.json 可以导入" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    for cookie in first.cookies:  # the same browser, sent to the other server
        second.cookies.set_cookie(cookie)
    _status, _headers, html = second.request(
        "/admin/import/", {"token": token, "csrfmiddlewaretoken": first.csrf_token(html)}
    )

    assert "已导入 categories.json：新建 1 条" in html
    assert Category.objects.filter(slug="cross-server").exists()


@pytest.mark.django_db(transaction=True)
def test_a_login_on_one_server_holds_on_the_other(two_servers):
    first, second = two_servers
    User.objects.create_superuser("publisher", password="a-long-correct-passphrase")

    first.log_in("publisher", "a-long-correct-passphrase")
    for cookie in first.cookies:
        second.cookies.set_cookie(cookie)

    status, _headers, html = second.get("/admin/")
    assert status == 200
    assert second.last_url.endswith("/admin/"), second.last_url  # not sent to the login page
    assert "publisher" in html
