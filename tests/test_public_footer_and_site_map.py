"""The footer a Chinese government site carries, and the site map for people (/sitemap/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event

from .factories import make_event

FOOTER = {
    "sponsor": "人力资源和社会保障部",
    "organizer": "人力资源和社会保障部职业能力建设司",
    "contact": "电话 010-12345678",
    "site_code": "bm10000001",
    "icp_number": "京ICP备12345678号",
    "police_number": "京公网安备 11010502030143号",
}


@pytest.fixture
def footer(settings):
    settings.SITE_FOOTER = dict(FOOTER)
    return settings.SITE_FOOTER


def test_footer_shows_the_site_record_from_the_environment(client, db, footer):
    html = client.get("/").content.decode()

    assert "<dt>主办单位</dt><dd>人力资源和社会保障部</dd>" in html
    assert "<dt>承办单位</dt><dd>人力资源和社会保障部职业能力建设司</dd>" in html
    assert "<dt>联系方式</dt><dd>电话 010-12345678</dd>" in html
    assert "<dt>网站标识码</dt><dd>bm10000001</dd>" in html
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备12345678号</a>' in html
    assert (
        '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143" rel="noopener">'
        "京公网安备 11010502030143号</a>"
    ) in html


def test_footer_omits_what_is_not_set(client, db, footer):
    footer.update(organizer="", contact="  ", police_number="")

    html = client.get("/events/").content.decode()

    assert "主办单位" in html and "ICP备案号" in html
    assert "承办单位" not in html
    assert "联系方式" not in html
    assert "公安机关备案号" not in html


def test_footer_without_any_setting_has_no_record(client, db, settings):
    settings.SITE_FOOTER = {name: "" for name in FOOTER}

    html = client.get("/").content.decode()

    assert 'class="site-record"' not in html
    assert "ICP备案号" not in html


def test_site_map_for_people_lists_sections_years_kinds_and_regions(client, seed_content):
    response = client.get("/sitemap/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>网站地图</h1>" in html
    assert '<a href="/events/?year=2023">2023年大事</a>' in html
    assert '<a href="/events/2023-second-national-skills-competition/">' in html
    assert '<a href="/regions/beijing/">北京市</a>' in html
    assert '<a href="/bases/?kind=' in html
    # The XML sitemap stays where search engines know it, linked from the page for people.
    assert '<a href="/sitemap.xml">' in html
    assert client.get("/sitemap.xml")["Content-Type"].startswith("application/xml")


def test_footer_links_to_the_site_map_for_people(client, db):
    assert '<a href="/sitemap/">网站地图</a>' in client.get("/").content.decode()


def test_site_map_queries_do_not_grow_with_the_events(client, seed_content):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sitemap/").status_code == 200
        return len(queries)

    before = count_queries()
    for rank in range(1, 6):
        make_event(year=2019, rank=rank)
    assert Event.objects.filter(year=2019).count() == 5

    assert count_queries() == before
