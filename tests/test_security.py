"""Safe by default: security headers, HTTPS behind a proxy, deploy checks, login throttling."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

PROJECT = Path(__file__).resolve().parent.parent


def production_environment(**extra):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="skills.example.gov.cn",
        **extra,
    )
    return env


def test_deploy_checks_pass_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_environment(),
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=PROJECT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_pages_send_security_headers(client, db, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    script_sources = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" not in script_sources
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_public_pages_allow_no_inline_styles_either(client, db):
    policy = client.get("/")["Content-Security-Policy"]

    assert "style-src 'self';" in policy


@pytest.fixture
def production_security(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_plain_http_is_redirected_to_https(client, db, production_security):
    response = client.get("/events/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/events/"


def test_https_from_the_proxy_is_trusted_and_gets_hsts(client, db, production_security):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_cookies_are_secure_and_http_only(client, db, production_security):
    response = client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"})

    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password="a-long-correct-passphrase", is_staff=True)


def log_in(client, username, password, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        headers=headers,
    )


def test_admin_login_is_throttled_after_repeated_failures(settings, editor):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()

    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200
    assert log_in(client, "editor", "wrong").status_code == 429

    locked = log_in(client, "editor", "a-long-correct-passphrase")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_is_per_user_and_address(settings, editor):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, colleague = Client(), Client()

    for _ in range(3):
        log_in(attacker, "editor", "wrong", **{"X-Forwarded-For": "203.0.113.9"})

    # Behind the proxy every request comes from one socket; the forwarded address decides.
    response = log_in(colleague, "editor", "a-long-correct-passphrase", **{"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_login_requires_csrf(db, editor):
    client = Client(enforce_csrf_checks=True)

    response = log_in(client, "editor", "a-long-correct-passphrase")

    assert response.status_code == 403


def test_many_user_names_from_one_address_are_locked_out(settings, editor):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 10
    attacker = Client()

    for n in range(10):
        log_in(attacker, f"guess-{n}", "wrong")

    locked = log_in(attacker, "editor", "a-long-correct-passphrase")
    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    elsewhere = log_in(Client(REMOTE_ADDR="198.51.100.7"), "editor", "a-long-correct-passphrase")
    assert elsewhere.status_code == 302


def test_spoofed_forwarded_for_changes_nothing_without_a_trusted_proxy(settings, editor):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 10
    settings.TRUSTED_PROXY_COUNT = 0
    attacker = Client()

    for n in range(10):
        log_in(attacker, f"guess-{n}", "wrong", **{"X-Forwarded-For": f"203.0.113.{n}"})

    response = log_in(attacker, "editor", "a-long-correct-passphrase", **{"X-Forwarded-For": "198.51.100.99"})
    assert response.status_code == 429
