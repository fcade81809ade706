"""Slugs are proposed from the Chinese title's pinyin; a public page that is renamed keeps its old URL."""

import pytest
from django.contrib.redirects.models import Redirect
from django.urls import reverse

from events.models import Award, Event, Milestone, PublicationStatus
from events.slugs import pinyin_slug, unique_slug

from .factories import make_category, make_event
from .staff import EDITOR, PUBLISHER, form_post_data, make_rich_event, staff_client

pytestmark = pytest.mark.django_db


def test_pinyin_slugs_are_ascii_and_readable():
    assert pinyin_slug("世界技能博物馆开馆") == "shi-jie-ji-neng-bo-wu-guan-kai-guan"
    assert pinyin_slug("2023年“新八级工”制度") == "2023-nian-xin-ba-ji-gong-zhi-du"
    assert pinyin_slug("重庆") == "chong-qing"  # phrases read right, not character by character
    assert pinyin_slug("技能" * 100, max_length=20) == "ji-neng-ji-neng-ji"


def test_a_taken_slug_gets_the_next_free_number():
    make_event(slug="2031-xin-da-shi")
    make_event(slug="2031-xin-da-shi-2")

    assert unique_slug(Event, "2031-xin-da-shi") == "2031-xin-da-shi-3"


def add_event(client, **fields):
    data = form_post_data(client.get(reverse("admin:events_event_add")))
    data |= {
        "year": "2031",
        "rank": str(Event.objects.filter(year=2031).count() + 1),
        "title": "新设立的大事",
        "short_title": "新大事",
        "summary": "摘要。",
        "body": "正文。",
        "category": str(make_category().pk),
    }
    return client.post(reverse("admin:events_event_add"), data | fields)


def test_an_empty_slug_is_proposed_from_the_year_and_short_title(client):
    staff_client(client, EDITOR)

    add_event(client)
    add_event(client)

    assert sorted(Event.objects.values_list("slug", flat=True)) == ["2031-xin-da-shi", "2031-xin-da-shi-2"]


def test_a_typed_slug_is_kept(client):
    staff_client(client, EDITOR)

    add_event(client, slug="my-own-slug")

    assert Event.objects.get().slug == "my-own-slug"


def test_a_slug_in_use_is_refused_with_a_free_alternative(client):
    staff_client(client, EDITOR)
    make_event(slug="taken", short_title="已有")

    response = add_event(client, slug="taken")

    assert response.status_code == 200
    assert "网址名“taken”已被“" in response.content.decode()
    assert "可改用“taken-2”" in response.content.decode()
    assert not Event.objects.filter(year=2031).exists()


def test_milestones_added_inline_get_dated_slugs(client):
    staff_client(client, EDITOR)
    event = make_event(year=2031, status=PublicationStatus.DRAFT)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_post_data(client.get(url))
    data |= {
        "milestones-TOTAL_FORMS": "1",
        "milestones-0-title": "技能大赛开幕",
        "milestones-0-date": "2031-09-16",
        "milestones-0-precision": "month",
        "milestones-0-description": "开幕。",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert event.milestones.get().slug == "2031-09-ji-neng-da-sai-kai-mu"


def test_an_award_slug_starts_with_its_session(client):
    staff_client(client, EDITOR)
    data = form_post_data(client.get(reverse("admin:events_award_add")))
    data |= {
        "name": "中华技能大奖",
        "session_number": "17",
        "conferred_on": "2031-05-01",
        "conferring_body": "人力资源社会保障部",
        "kind": "commendation",
    }

    assert client.post(reverse("admin:events_award_add"), data).status_code == 302
    assert Award.objects.get().slug == "17th-zhong-hua-ji-neng-da-jiang"


def rename(client, obj, new_slug, **buttons):
    url = reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])
    return client.post(url, form_post_data(client.get(url)) | {"slug": new_slug} | buttons, follow=True)


def test_renaming_a_published_event_redirects_its_old_address_once_published(client):
    staff_client(client, PUBLISHER)
    event = make_event(slug="old-name")

    rename(client, event, "new-name")  # saved for review: the public address is unchanged
    assert client.get("/events/old-name/").status_code == 200
    response = rename(client, event, "new-name", _publish="保存并发布")

    assert "旧网址会自动跳转到新网址" in response.content.decode()
    client.logout()
    old = client.get("/events/old-name/")
    assert old.status_code == 301
    assert old["Location"] == "/events/new-name/"
    assert client.get("/events/new-name/").status_code == 200


def test_renaming_twice_and_back_leaves_no_chain_or_loop(client):
    staff_client(client, PUBLISHER)
    event = make_event(slug="first")

    rename(client, event, "second", _publish="保存并发布")
    rename(client, event, "third", _publish="保存并发布")
    rename(client, event, "first", _publish="保存并发布")

    redirects = dict(Redirect.objects.values_list("old_path", "new_path"))
    assert redirects == {"/events/second/": "/events/first/", "/events/third/": "/events/first/"}
    assert client.get("/events/first/").status_code == 200


def test_renaming_a_draft_makes_no_redirect(client):
    staff_client(client, EDITOR)
    event = make_event(slug="draft-name", status=PublicationStatus.DRAFT)

    rename(client, event, "better-name")

    assert not Redirect.objects.exists()


def test_renaming_a_milestone_of_a_published_event_inline_keeps_its_old_address(client):
    staff_client(client, PUBLISHER)
    event = make_rich_event(milestones=1, figures=0)
    milestone = event.milestones.get()
    old_url = milestone.get_absolute_url()
    url = reverse("admin:events_event_change", args=[event.pk])

    data = form_post_data(client.get(url)) | {"milestones-0-slug": "renamed-milestone"}
    client.post(url, data | {"_publish": "保存并发布"})

    assert Milestone.objects.get(pk=milestone.pk).slug == "renamed-milestone"
    assert Redirect.objects.get(old_path=old_url).new_path == "/milestones/renamed-milestone/"
