"""The front as deployed: `make edge` runs gunicorn behind Debian's nginx, tested over HTTP.

Needs nginx (`apt-get install nginx`): without it these tests are skipped, except where
REQUIRE_NGINX is set, as .ci/run sets it. The stack runs on free ports with a database, a
static root and a media root of its own; the shared cache is the test Redis when it answers.
"""

import http.client
import http.cookiejar
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from PIL import Image

PROJECT = Path(__file__).resolve().parent.parent
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
SHARED_CACHE_SECONDS = 3
DRAFT_TITLE = "尚未发布的新大事"
STAFF = {"username": "edge-staff", "password": secrets.token_urlsafe(12), "email": ""}


def require_nginx():
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("nginx is not installed, and REQUIRE_NGINX says these tests must run")
        pytest.skip("nginx is not installed (apt-get install nginx)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_cache_url():
    """The test Redis if it answers (required where REQUIRE_REDIS is set); else no cache."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        return "dummy://"
    return url


def base_environment(folder):
    """Production settings, as `make serve` and `make edge` take them, on throw-away storage."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TLS_", "EDGE_", "DATABASE_URL", "PYTEST_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CACHE_URL=shared_cache_url(),
        CACHE_KEY_PREFIX=f"edge-test-{secrets.token_hex(4)}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        EDGE_DIR=str(folder / "edge"),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="2",
        SHARED_CACHE_SECONDS=str(SHARED_CACHE_SECONDS),
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
    )
    return env


def throwaway_folder():
    # Readable by the unprivileged user nginx runs as when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="skillsite-edge-"))
    folder.chmod(0o755)
    return folder


def wait_for(url, process, log, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the stack stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.5)
    pytest.fail(f"the stack did not answer {url}:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process):
    # The stack runs in a session of its own: make, the launcher, gunicorn and nginx.
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def manage(env, code):
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )


def write_media(media_root):
    media_root.mkdir(parents=True, exist_ok=True)
    for name, image_format in (
        ("photo.jpg", "JPEG"),
        ("chart.png", "PNG"),
        ("cover.webp", "WEBP"),
        ("icon.gif", "GIF"),
    ):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buffer, image_format)
        (media_root / name).write_bytes(buffer.getvalue())
    (media_root / "upload.html").write_text("<script>alert(1)</script>")
    (media_root / "staged-imports").mkdir(exist_ok=True)
    (media_root / "staged-imports" / "waiting").write_text("[]")


class Stack:
    def __init__(self, env, port):
        self.env = env
        self.base = f"http://127.0.0.1:{port}"
        self.port = port

    def get(self, path, headers=None, timeout=30):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def stack():
    """`make data`, then `make edge` on a free port, as a developer or a server runs them."""
    require_nginx()
    folder = throwaway_folder()
    port = free_port()
    env = base_environment(folder) | {"PORT": str(port)}
    log = folder / "stack.log"
    with log.open("wb") as output:
        subprocess.run(
            ["make", "data"], cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT, check=True
        )
    write_media(folder / "media")
    manage(
        env,
        "from tests.factories import make_event; from events.models import PublicationStatus; "
        f"make_event(year=2024, rank=1, slug='edge-draft', title='{DRAFT_TITLE}', "
        "status=PublicationStatus.DRAFT)",
    )
    manage(env, f"from django.contrib.auth.models import User; User.objects.create_superuser(**{STAFF!r})")
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["make", "edge"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
        yield Stack(env, port)
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def cache_control(headers):
    return {part.strip() for part in (headers["Cache-Control"] or "").split(",")}


def test_public_pages_come_through_nginx_and_are_kept_for_seconds(stack):
    status, first, body = stack.get("/awards/")
    _status, second, _body = stack.get("/awards/")

    assert status == 200
    assert "中华技能大奖" in body.decode()
    assert first["Server"] == "nginx"
    assert f"s-maxage={SHARED_CACHE_SECONDS}" in cache_control(first)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")


def test_staff_and_the_admin_go_past_the_cache(stack):
    _status, with_session, _body = stack.get("/events/", headers={"Cookie": "sessionid=abc"})
    status, admin, _body = stack.get("/admin/login/")

    assert with_session["X-Cache"] == "BYPASS"
    assert "private" in cache_control(with_session)
    assert status == 200
    assert admin["X-Cache"] is None
    assert "no-store" in cache_control(admin)


def test_staff_log_in_through_nginx_and_get_fresh_private_pages(stack):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{stack.base}/admin/login/", timeout=30) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    form = {"username": STAFF["username"], "password": STAFF["password"], "csrfmiddlewaretoken": token}
    login = urllib.request.Request(
        f"{stack.base}/admin/login/?next=/admin/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Origin": stack.base},  # as a browser sends it with a form
    )
    with opener.open(login, timeout=30) as response:
        admin_home = response.url, response.read().decode()
    with opener.open(f"{stack.base}/awards/", timeout=30) as response:
        page_headers = response.headers

    assert admin_home[0] == f"{stack.base}/admin/"
    assert STAFF["username"] in admin_home[1]
    assert page_headers["X-Cache"] == "BYPASS"
    assert "private" in cache_control(page_headers)


def test_static_files_are_served_by_nginx_precompressed_and_immutable(stack):
    _status, _headers, body = stack.get("/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode()).group(1)

    status, gzipped, _body = stack.get(stylesheet, headers={"Accept-Encoding": "gzip"})

    assert status == 200
    assert gzipped["Content-Type"] == "text/css"
    assert gzipped["Content-Encoding"] == "gzip"
    assert cache_control(gzipped) == {"public", "max-age=31536000", "immutable"}
    assert gzipped["X-Content-Type-Options"] == "nosniff"
    if BROTLI_MODULE.exists() and shutil.which("brotli"):
        _status, brotli, _body = stack.get(stylesheet, headers={"Accept-Encoding": "br, gzip"})
        assert brotli["Content-Encoding"] == "br"


def test_uploads_are_served_with_their_image_type_and_nothing_else_renders(stack):
    types = {}
    for name in ("photo.jpg", "chart.png", "cover.webp", "icon.gif", "upload.html"):
        status, headers, _body = stack.get(f"/media/{name}")
        assert status == 200
        assert headers["X-Content-Type-Options"] == "nosniff"
        types[name] = headers["Content-Type"]

    assert types == {
        "photo.jpg": "image/jpeg",
        "chart.png": "image/png",
        "cover.webp": "image/webp",
        "icon.gif": "image/gif",
        "upload.html": "application/octet-stream",
    }


def test_import_files_waiting_for_confirmation_are_not_served(stack):
    status, _headers, _body = stack.get("/media/staged-imports/waiting")

    assert status == 404


def post_with_length(stack, path, length, body=b""):
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        if body:
            connection.send(body)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_body_beyond_the_upload_limit_is_refused_with_413(stack):
    megabytes = 2**20
    # The admin's uploads (20 MB imports) fit; far more does not, and is never read.
    assert post_with_length(stack, "/admin/login/", 5 * megabytes, b"x" * (5 * megabytes)) == 403
    assert post_with_length(stack, "/admin/login/", 200 * megabytes) == 413


def test_what_the_app_hears_about_the_client_cannot_be_forged(stack):
    forged = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Ssl": "on",
        "Forwarded": "for=1.2.3.4;proto=https;host=evil.example",
    }

    status, _headers, body = stack.get("/events/?forged=1", headers=forged)

    assert status == 200
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', body.decode()).group(1)
    assert canonical.startswith(f"{stack.base}/events/")


def test_a_publish_is_visible_within_the_micro_cache_time(stack):
    assert DRAFT_TITLE not in stack.get("/events/")[2].decode()

    manage(
        stack.env,
        "from django.utils import timezone; from events.models import Event, PublicationStatus; "
        "Event.objects.filter(slug='edge-draft').update(status=PublicationStatus.PUBLISHED); "
        "event = Event.objects.get(slug='edge-draft'); event.published_at = timezone.now(); event.save()",
    )

    # Kept for SHARED_CACHE_SECONDS, then one request refreshes it in the background.
    deadline = time.monotonic() + SHARED_CACHE_SECONDS + 20
    while DRAFT_TITLE not in stack.get("/events/")[2].decode():
        assert time.monotonic() < deadline, "the published event never appeared through the cache"
        time.sleep(0.5)


def trickle(port, request_start, stop_event):
    """A slow client: the start of its request at once, then one byte every two seconds."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(request_start)
        while not stop_event.wait(2):
            try:
                connection.sendall(b"x")
            except OSError:
                return


# Headers that never end hold a gunicorn worker until its timeout; a form body that never
# ends holds one while the app reads it for the CSRF token.
SLOW_HEADERS = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
SLOW_BODY = (
    b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
)


def test_slow_clients_do_not_hold_the_app_servers(stack):
    # More slow clients than the stack has gunicorn workers (2).
    stop_event = threading.Event()
    starts = [SLOW_HEADERS, SLOW_BODY, SLOW_HEADERS, SLOW_BODY, SLOW_HEADERS]
    clients = [threading.Thread(target=trickle, args=(stack.port, start, stop_event)) for start in starts]
    for client in clients:
        client.start()
    try:
        time.sleep(1)
        # Every request below reaches gunicorn: health checks and pages no cache holds.
        # Straight to gunicorn, none would be answered before the slow clients gave up.
        for n in range(5):
            assert stack.get("/healthz", timeout=5)[0] == 200
            assert stack.get(f"/events/?slow={n}", timeout=5)[0] == 200
            time.sleep(1)
    finally:
        stop_event.set()
        for client in clients:
            client.join()


class EchoHandler(BaseHTTPRequestHandler):
    """An app server that answers with the headers it was sent."""

    def do_GET(self):
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_front():
    """nginx alone, from deploy/edge.py, before an app server elsewhere (EDGE_UPSTREAMS)."""
    require_nginx()
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = throwaway_folder()
    fronts = []

    def start(**extra):
        port = free_port()
        env = base_environment(folder) | {
            "PORT": str(port),
            "EDGE_UPSTREAMS": f"127.0.0.1:{server.server_port}",
            "EDGE_DIR": str(folder / f"edge-{port}"),
        }
        env.update(extra)
        log = folder / f"front-{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "deploy/edge.py", "run"],
                cwd=PROJECT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        fronts.append(process)
        return process, port, log

    start.folder = folder
    yield start
    for process in fronts:
        stop(process)
    server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


def test_forwarded_headers_are_nginx_s_own(echo_front):
    process, port, log = echo_front()
    wait_for(f"http://127.0.0.1:{port}/echo", process, log)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/echo",
        headers={
            "X-Forwarded-For": "6.6.6.6",
            "X-Real-IP": "6.6.6.6",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Ssl": "on",
            "X-Forwarded-Protocol": "ssl",
            "Forwarded": "for=6.6.6.6",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        heard = {name.lower(): value for name, value in json.load(response).items()}

    assert heard["x-forwarded-for"] == "127.0.0.1"
    assert heard["x-real-ip"] == "127.0.0.1"
    assert heard["x-forwarded-proto"] == "http"
    assert heard["host"] == heard["x-forwarded-host"] == f"127.0.0.1:{port}"
    assert not {"x-forwarded-ssl", "x-forwarded-protocol", "forwarded"} & set(heard)


def fetch(url, **options):
    try:
        with urllib.request.urlopen(url, timeout=10, **options) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_tls_server_speaks_https_with_hsts_when_given_a_certificate(echo_front):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed to make a test certificate")
    # In the front's folder: nginx reads them as the unprivileged user it runs as.
    certificate, key = echo_front.folder / "cert.pem", echo_front.folder / "key.pem"
    subject = ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject],
        check=True,
        capture_output=True,
    )
    key.chmod(0o644)
    tls_port = free_port()
    process, port, log = echo_front(
        TLS_CERTIFICATE=str(certificate), TLS_CERTIFICATE_KEY=str(key), TLS_PORT=str(tls_port)
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
    unverified = ssl._create_unverified_context()

    _status, _headers, echoed = fetch(f"https://127.0.0.1:{tls_port}/echo", context=unverified)
    status, static_headers, _body = fetch(f"https://127.0.0.1:{tls_port}/static/none.css", context=unverified)
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    plain.request("GET", "/events/")
    redirect = plain.getresponse()

    assert {name.lower(): value for name, value in json.loads(echoed).items()}["x-forwarded-proto"] == "https"
    # nginx answers /static/ itself over TLS, so it adds the HSTS header the app would.
    assert status == 404
    assert static_headers["Strict-Transport-Security"].startswith("max-age=")
    assert redirect.status == 301
    assert redirect.headers["Location"] == f"https://127.0.0.1:{tls_port}/events/"


def test_other_cookies_still_get_the_cached_page_and_each_display_mode_its_own(stack):
    stack.get("/bases/")
    _status, with_cookie, body = stack.get("/bases/", headers={"Cookie": "csrftoken=abc; _pk_id=1"})
    _status, elder_first, elder_body = stack.get("/bases/", headers={"Cookie": "display=elder"})
    _status, elder_again, _body = stack.get("/bases/", headers={"Cookie": "csrftoken=x; display=elder"})
    _status, with_message, _body = stack.get("/bases/", headers={"Cookie": "messages=abc"})

    assert with_cookie["X-Cache"] == "HIT"
    assert 'class="elder"' not in body.decode()
    assert (elder_first["X-Cache"], elder_again["X-Cache"]) == ("MISS", "HIT")
    assert 'class="elder"' in elder_body.decode()
    assert with_message["X-Cache"] == "BYPASS"
