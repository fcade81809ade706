"""The home page lists the latest year's published events."""

import re

import pytest

from events.models import PublicationStatus

from .factories import make_event


def test_home_lists_the_ten_events_of_2023(client, seed_content):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "2023年职业能力建设领域十件大事" in html
    # Each event is linked from its card (key figures link back to their events too).
    assert len(set(re.findall(r'href="/events/(2023-[\w-]+)/"', html))) == 10
    assert html.index("世界技能博物馆开馆") < html.index("展示技能魅力")


@pytest.mark.django_db
def test_home_hides_drafts(client):
    make_event(title="已发布的大事")
    make_event(title="草稿中的大事", status=PublicationStatus.DRAFT)

    html = client.get("/").content.decode()

    assert "已发布的大事" in html
    assert "草稿中的大事" not in html
