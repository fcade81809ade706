"""Site search: Chinese substrings across all content, grouped by type, matches highlighted."""

import pytest

from events.models import PublicationStatus

from .factories import make_event


def text_of(response):
    return response.content.decode()


def test_search_finds_chinese_substrings_grouped_by_type(client, seed_content):
    html = text_of(client.get("/search/?q=大师工作室"))

    assert '<h2 id="group-events">大事' in html
    assert '<h2 id="group-milestones">时间线节点' in html
    assert '<h2 id="group-bases">培训载体' in html
    assert 'href="/bases/liang-ziwang-skill-master-studio/"' in html
    assert "梁自旺技能<mark>大师工作室</mark>" in html


def test_search_finds_a_phrase_inside_event_bodies_and_shows_the_passage(client, seed_content):
    html = text_of(client.get("/search/?q=工匠精神"))

    assert "<mark>工匠精神</mark>" in html
    assert 'href="/events/2023-skills-culture/"' in html
    assert "共 " in html


def test_search_finds_awards(client, seed_content):
    html = text_of(client.get("/search/?q=全国技术能手"))

    assert '<h2 id="group-awards">奖项' in html
    assert 'href="/awards/16th-national-technical-experts/"' in html


def test_every_word_must_match(client, seed_content):
    both = text_of(client.get("/search/?q=世界技能博物馆 上海"))
    none = text_of(client.get("/search/?q=世界技能博物馆 火星"))

    assert 'href="/events/2023-world-skills-museum/"' in both
    assert "没有找到包含“世界技能博物馆 火星”的内容" in none


def test_empty_search_shows_the_form_and_examples(client, seed_content):
    html = text_of(client.get("/search/"))

    assert 'name="q"' in html
    assert "/search/?q=%E5%B7%A5%E5%8C%A0%E7%B2%BE%E7%A5%9E" in html  # 工匠精神
    assert "搜索结果" not in html


def test_overlong_query_is_a_form_error(client, seed_content):
    response = client.get("/search/?q=" + "技" * 101)

    assert response.status_code == 200
    assert "不超过 100 字符" in text_of(response)
    assert "搜索结果" not in text_of(response)


@pytest.mark.django_db
def test_search_escapes_the_query_and_the_content(client):
    make_event(title="<b>粗体</b>标题", summary="摘要")

    html = text_of(client.get("/search/?q=<b>"))

    assert "<b>粗体</b>" not in html
    assert "<mark>&lt;b&gt;</mark>粗体&lt;/b&gt;标题" in html
    assert "“&lt;b&gt;”的搜索结果" in html


@pytest.mark.django_db
def test_search_leaves_drafts_out(client):
    make_event(title="公开的技能大事")
    make_event(title="草稿的技能大事", status=PublicationStatus.DRAFT)

    html = text_of(client.get("/search/?q=技能大事"))

    assert "公开的" in html
    assert "草稿的" not in html


@pytest.mark.django_db
def test_many_results_link_to_the_filtered_list(client):
    for rank in range(1, 23):
        make_event(rank=rank, title=f"技能竞赛第{rank}项")

    html = text_of(client.get("/search/?q=技能竞赛"))

    assert html.count('<p class="result-title">') == 20
    assert "（22）" in html
    assert 'href="/events/?q=%E6%8A%80%E8%83%BD%E7%AB%9E%E8%B5%9B"' in html


@pytest.mark.django_db
def test_search_query_count_is_constant(client, django_assert_num_queries):
    for rank in range(1, 40):
        make_event(rank=rank, title=f"技能{rank}")

    # A count per kind of content, and the rows of each kind that has matches.
    with django_assert_num_queries(5):
        client.get("/search/?q=技能")
    for rank in range(40, 60):
        make_event(rank=rank, title=f"技能{rank}")
    with django_assert_num_queries(5):
        client.get("/search/?q=技能")
    with django_assert_num_queries(0):
        client.get("/search/")
