"""Hostile or nonsense requests are answered 400, 404, 413 or with a form error, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from skillsite.security import client_ip

from .staff import PUBLISHER, staff_client

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "url",
    [
        "/milestones/?year=%C2%B2",  # superscript two
        "/milestones/?year=%E2%91%A0",  # circled one
        "/milestones/?year=%C2%B2&month=1",
        "/events/?year=%C2%B2",
        "/events/?page=%C2%B2",
    ],
)
def test_unicode_digits_in_public_filters_are_form_errors(client, seed_content, url):
    response = client.get(url)

    assert response.status_code in {200, 404}
    if response.status_code == 200:
        assert "筛选条件有误" in response.content.decode() or "?page=" not in response.content.decode()


@pytest.mark.parametrize("url", ["/api/events/?page_size=%C2%B2", "/api/events.csv?page_size=%E2%91%A0"])
def test_unicode_digits_in_api_page_sizes_are_ignored(client, seed_content, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("ssl_redirect", [False, True])
@pytest.mark.parametrize("path", ["/", "/events/?year=2023", "/admin/", "/no-such-page/", "/feeds/events/"])
def test_a_forged_host_gets_a_400_page_with_the_security_headers(client, settings, path, ssl_redirect):
    settings.SECURE_SSL_REDIRECT = ssl_redirect
    settings.PAGE_CACHE_SECONDS = 600

    response = client.get(path, headers={"Host": "forged.example"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "请求有误" in body
    assert "forged.example" not in body
    for name, value in SECURITY_HEADERS.items():
        assert response[name] == value
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_missing_page_carries_the_security_headers(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()
    for name, value in SECURITY_HEADERS.items():
        assert response[name] == value


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/award/?year=99999",
        "/admin/events/award/?year=-5",
        "/admin/events/award/?year=0",
        "/admin/events/award/?year=%C2%B2",
        "/admin/events/milestone/?year=99999999999999999999",
        "/admin/events/trainingbase/?year=99999999999999999999",
        "/admin/events/event/?year=%E2%91%A0",
    ],
)
def test_admin_year_filters_out_of_range_show_no_rows(admin_client, seed_content, url):
    response = admin_client.get(url)

    if response.status_code == 302:  # Django's own filters: back to the list, "invalid filter"
        assert response["Location"].endswith("?e=1")
    else:
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/?status__exact=%00",
        "/admin/events/milestone/?precision__exact=%00",
        "/admin/events/trainingbase/?host_type__exact=%00",
        "/admin/events/event/?q=%00",
        "/admin/autocomplete/?app_label=events&model_name=event&field_name=source&term=%00",
        "/admin/autocomplete/?app_label=events&model_name=milestone&field_name=event&term=a%00b",
    ],
)
def test_a_nul_byte_in_an_admin_query_string_is_a_400(admin_client, seed_content, url):
    assert admin_client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/milestone/add/?event=abc",
        "/admin/events/milestone/add/?event=99999999999999999999",
        "/admin/events/milestone/add/?event=%C2%B2",
        "/admin/events/milestone/add/?regions=abc",
        "/admin/events/milestone/add/?date=not-a-date",
        "/admin/events/event/add/?category=nothing",
        "/admin/events/event/add/?regions=1,x",
        "/admin/events/event/add/?published_at=2024-13-45",
    ],
)
def test_add_pages_leave_out_prefill_values_their_fields_refuse(client, seed_content, url):
    staff_client(client, PUBLISHER)

    response = client.get(url)

    assert response.status_code == 200
    assert "<form" in response.content.decode()


def test_add_pages_keep_prefill_values_that_are_valid(client, seed_content):
    staff_client(client, PUBLISHER)
    from events.models import Event

    event = Event.objects.first()

    response = client.get(f"/admin/events/milestone/add/?event={event.pk}")

    assert response.context["adminform"].form.initial["event"] == event


def log_in(client, username, password, next_url="/admin/", **headers):
    return client.post(
        f"/admin/login/?next={next_url}", {"username": username, "password": password}, headers=headers
    )


def test_a_user_name_over_its_length_is_a_form_error(client, settings):
    settings.AXES_ENABLED = True

    response = log_in(client, "长" * 300, "whatever")

    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_a_refused_next_address_after_login_goes_to_the_admin(client):
    get_user_model().objects.create_user("editor", password="a-long-correct-passphrase", is_staff=True)

    response = log_in(client, "editor", "a-long-correct-passphrase", next_url="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("forwarded", ["not-an-address", "203.0.113.9, <script>", "999.1.1.1", ""])
def test_a_forwarded_for_that_is_not_an_address_counts_as_the_socket_address(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == "192.0.2.1"


def test_a_login_with_a_forwarded_for_that_is_not_an_address_is_answered(client, settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1

    response = log_in(client, "editor", "wrong", **{"X-Forwarded-For": "not-an-address"})

    assert response.status_code == 200
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def multipart_upload(size):
    return {"file": SimpleUploadedFile("big.bin", b"x" * size), "username": "someone"}


def test_an_anonymous_upload_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.ANONYMOUS_UPLOAD_MAX_BYTES = 64 * 1024

    response = client.post("/admin/login/", multipart_upload(200 * 1024))

    assert response.status_code == 413


def test_a_body_over_the_site_limit_is_refused_for_staff_too(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 100 * 1024
    staff_client(client, PUBLISHER)

    response = client.post("/admin/events/event/add/", multipart_upload(200 * 1024))

    assert response.status_code == 413


def test_staff_uploads_within_the_site_limit_are_read(client, settings, seed_content):
    settings.ANONYMOUS_UPLOAD_MAX_BYTES = 64 * 1024
    staff_client(client, PUBLISHER)

    response = client.post("/admin/events/event/add/", multipart_upload(200 * 1024))

    assert response.status_code == 200  # the form, with its errors
