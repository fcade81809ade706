"""Every admin page answers, in Chinese, with a number of queries that does not grow with content."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import (
    Award,
    AwardRecipient,
    Category,
    Event,
    KeyFigure,
    Milestone,
    Province,
    Sector,
    SourceArticle,
    TrainingBase,
    TrainingBaseBatch,
    TrainingBaseKind,
)

from .staff import EDITOR, PUBLISHER, make_award_with_recipients, make_rich_event, populate, staff_client

pytestmark = pytest.mark.django_db

# Each model's list with a search (Chinese substrings) and a filter a person would use.
LIST_PAGES = [
    (Event, {"q": "大事"}, {"state": "public"}),
    (Event, {"q": "测试"}, {"year": "2023"}),
    (Milestone, {"q": "节点"}, {"year": "2023"}),
    (KeyFigure, {"q": "数字"}, {"is_headline__exact": "0"}),
    (Award, {"q": "奖项"}, {"year": "2023"}),
    (AwardRecipient, {"q": "获奖"}, {"province__id__exact": "1"}),
    (TrainingBase, {"q": "基地"}, {"state": "draft"}),
    (TrainingBaseBatch, {"q": "批次"}, {"year": "2023"}),
    (TrainingBaseKind, {"q": "类型"}, {}),
    (Sector, {"q": "领域"}, {"level": "top"}),
    (Category, {"q": "类别"}, {}),
    (SourceArticle, {"q": "盘点"}, {"year": "2023"}),
    (Province, {"q": "北京"}, {"kind__exact": "municipality"}),
    (LogEntry, {"q": "大事"}, {"action_flag__exact": "2"}),
]


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def log_some_changes(user, count):
    for event in Event.objects.all()[:count]:
        LogEntry.objects.log_actions(user.pk, [event], 2, change_message="测试改动", single_object=True)


@pytest.mark.parametrize(
    ("model", "search", "filters"),
    LIST_PAGES,
    ids=[f"{model.__name__}-{'-'.join(filters) or 'all'}" for model, _, filters in LIST_PAGES],
)
def test_list_search_and_filter_pages_answer_in_constant_queries(
    admin_client, admin_user, seed_content, django_assert_num_queries, model, search, filters
):
    url = changelist_url(model)
    populate(2)
    log_some_changes(admin_user, 2)
    admin_client.get(url)  # fill the process-wide caches (content types, site) first

    counts = {
        "list": count_queries(admin_client, url),
        "search": count_queries(admin_client, f"{url}?{'&'.join(f'{k}={v}' for k, v in search.items())}"),
        "filter": count_queries(admin_client, f"{url}?{'&'.join(f'{k}={v}' for k, v in filters.items())}"),
    }

    populate(6)
    log_some_changes(admin_user, 12)
    with django_assert_num_queries(counts["list"]):
        response = admin_client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(counts["search"]):
        assert admin_client.get(url, search).status_code == 200
    with django_assert_num_queries(counts["filter"]):
        assert admin_client.get(url, filters).status_code == 200


def test_the_event_list_shows_what_an_editor_needs(admin_client, seed_content):
    html = admin_client.get(changelist_url(Event)).content.decode()

    assert "2023年 七、世界技能博物馆开馆" in html
    assert "已公开" in html
    assert "节点数" in html and "数字数" in html
    for filter_title in ("发布状态", "年份", "类别", "涉及地区"):
        assert f"以 {filter_title}" in html
    assert 'href="/events/2023-world-skills-museum/"' in html


def test_a_chinese_substring_finds_events(admin_client, seed_content):
    response = admin_client.get(changelist_url(Event), {"q": "博物馆"})

    assert list(response.context["cl"].result_list) == [Event.objects.get(slug="2023-world-skills-museum")]


def test_search_words_must_all_match_latin_letters_in_any_case_and_quotes_keep_a_phrase(
    admin_client, seed_content
):
    museum = Event.objects.get(slug="2023-world-skills-museum")
    museum.summary += " The WorldSkills Museum opened in Shanghai."
    museum.save()

    def found(term):
        return list(admin_client.get(changelist_url(Event), {"q": term}).context["cl"].result_list)

    assert found("worldskills 博物馆") == [museum]
    assert found("WORLDSKILLS") == [museum]
    assert found("worldskills 大赛") == []
    assert found('"skills museum"') == [museum]
    assert found('"museum skills"') == []
    assert found("2023-world-skills") == [museum]  # its slug


def test_a_chinese_search_is_a_plain_substring_match(admin_client, seed_content):
    """No upper-casing for a word without letter case: the trigram indexes can serve it."""
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(changelist_url(Event), {"q": "工匠精神"})

    searches = [query["sql"] for query in queries if "工匠精神" in query["sql"]]
    assert searches
    assert not any("UPPER(" in sql for sql in searches)


def test_autocomplete_finds_events_by_a_chinese_substring(admin_client, seed_content):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "博物馆", "app_label": "events", "model_name": "milestone", "field_name": "event"},
    )

    assert [result["text"] for result in response.json()["results"]] == [
        str(Event.objects.get(slug="2023-world-skills-museum"))
    ]


def test_a_nonsense_filter_value_is_not_an_error(admin_client, seed_content):
    for params in ({"year": "abc"}, {"state": "sideways"}, {"published_at__year": "x"}):
        response = admin_client.get(changelist_url(Award), params)
        assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "model",
    [
        Event,
        Milestone,
        KeyFigure,
        Award,
        AwardRecipient,
        TrainingBase,
        TrainingBaseBatch,
        TrainingBaseKind,
        Sector,
        Category,
        SourceArticle,
        Province,
    ],
    ids=lambda model: model.__name__,
)
def test_every_model_has_add_and_change_pages(admin_client, seed_content, model):
    populate(1)  # the seed has no named recipients
    obj = model.objects.order_by("pk").first()
    opts = model._meta

    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    history = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))

    assert add.status_code == change.status_code == history.status_code == 200


def test_an_event_page_costs_the_same_with_thirty_milestones_as_with_two(
    admin_client, seed_content, django_assert_num_queries
):
    small = make_rich_event(milestones=2, figures=2)
    large = make_rich_event(milestones=30, figures=30)
    admin_client.get(reverse("admin:events_event_change", args=[small.pk]))

    queries = count_queries(admin_client, reverse("admin:events_event_change", args=[small.pk]))

    with django_assert_num_queries(queries):
        response = admin_client.get(reverse("admin:events_event_change", args=[large.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 30


def test_an_award_page_costs_the_same_with_forty_recipients_as_with_two(
    admin_client, seed_content, django_assert_num_queries
):
    small = make_award_with_recipients(recipients=2)
    large = make_award_with_recipients(recipients=40)
    admin_client.get(reverse("admin:events_award_change", args=[small.pk]))

    queries = count_queries(admin_client, reverse("admin:events_award_change", args=[small.pk]))

    with django_assert_num_queries(queries):
        response = admin_client.get(reverse("admin:events_award_change", args=[large.pk]))
    assert response.status_code == 200
    assert "获奖者" in response.content.decode()


def test_the_index_is_in_chinese_and_summarises_the_workflow(client, seed_content):
    staff_client(client, EDITOR)

    html = client.get(reverse("admin:index")).content.decode()

    assert "<title>内容管理首页 | 大事记内容管理</title>" in html
    assert "职业能力建设大事记 · 内容管理" in html
    assert "发布概况" in html
    assert '<a href="/admin/events/event/?state=public">10</a>' in html


def test_the_index_links_to_the_import_page_for_those_who_may_import(client, seed_content):
    staff_client(client, PUBLISHER)
    html = client.get(reverse("admin:index")).content.decode()
    assert "批量导入" in html
    assert 'href="/admin/import/"' in html

    staff_client(client, EDITOR)
    assert "批量导入" not in client.get(reverse("admin:index")).content.decode()


def test_the_deletion_page_lists_what_goes_with_an_event(admin_client, seed_content):
    event = Event.objects.get(slug="2023-world-skills-museum")

    html = admin_client.get(reverse("admin:events_event_delete", args=[event.pk])).content.decode()

    assert "大事节点" in html
    assert "2023年11月6日 世界技能博物馆在上海开馆" in html
