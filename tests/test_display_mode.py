"""The 长辈版 switch: a plain link that sets a cookie and goes back, held across pages,
cached apart from the standard display."""

import pytest

from events.display import COOKIE_NAME

pytestmark = pytest.mark.django_db


def elder_on(client):
    return client.get("/display/", {"mode": "elder", "next": "/events/?year=2023"})


def test_header_offers_the_switch_back_to_this_page(client):
    html = client.get("/events/?year=2023").content.decode()

    switch = (
        '<a class="display-switch" href="/display/?mode=elder&amp;next=%2Fevents%2F%3Fyear%3D2023"'
        ' rel="nofollow">'
    )
    assert switch + "长辈版</a>" in html
    assert '<html lang="zh-Hans">' in html


def test_switching_on_sets_the_cookie_and_goes_back(client):
    response = elder_on(client)

    assert response.status_code == 302
    assert response["Location"] == "/events/?year=2023"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == "elder"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert "no-store" in response["Cache-Control"]


def test_elder_mode_holds_across_pages_until_switched_off(client):
    elder_on(client)

    for path in ("/", "/events/", "/sitemap/"):
        html = client.get(path).content.decode()
        assert '<html lang="zh-Hans" class="elder">' in html, path
        assert ">退出长辈版</a>" in html, path

    response = client.get("/display/", {"mode": "standard", "next": "/awards/"})
    assert response["Location"] == "/awards/"
    assert response.cookies[COOKIE_NAME].value == ""
    html = client.get("/awards/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert ">长辈版</a>" in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "http://testserver.evil/",
        "",
        "\\\\evil",
    ],
)
def test_switch_goes_home_rather_than_to_another_site(client, target):
    response = client.get("/display/", {"mode": "elder", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_both_modes_are_cached_each_with_its_own_page(client, page_cache, django_assert_num_queries):
    standard = client.get("/events/")
    assert standard["X-Page-Cache"] == "miss"
    assert "Cookie" in standard["Vary"]
    elder_on(client)
    elder = client.get("/events/")
    assert elder["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        elder_again = client.get("/events/")
    assert elder_again["X-Page-Cache"] == "hit"
    assert 'class="elder"' in elder_again.content.decode()

    client.cookies.pop(COOKIE_NAME)
    with django_assert_num_queries(0):
        standard_again = client.get("/events/")
    assert standard_again["X-Page-Cache"] == "hit"
    assert 'class="elder"' not in standard_again.content.decode()
