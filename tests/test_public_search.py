"""Site search: Chinese substrings across all content, grouped by type, matches highlighted."""

import re

import pytest

from editorial import workflow
from events import search
from events.models import PublicationStatus

from .content_io import import_content, write_json
from .factories import make_event, make_milestone


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


def result_links(html, group="events"):
    """The result links of one group, in the order shown."""
    section = html.split(f'<h2 id="group-{group}">', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<p class="result-title"><a href="([^"]+)"', section)


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["匠", "工匠"])
def test_a_one_or_two_character_word_finds_exactly_the_items_holding_it(client, word):
    holding = make_event(slug="holding", body="弘扬工匠精神。")
    make_event(slug="apart", body="工人与巧匠。" if word == "工匠" else "工人。")
    milestone = make_milestone(event=holding, slug="holding-milestone", description="表彰大国工匠。")

    html = text_of(client.get(f"/search/?q={word}"))

    assert result_links(html) == ["/events/holding/"]
    assert result_links(html, "milestones") == [milestone.get_absolute_url()]
    assert f"<mark>{word}</mark>" in html


@pytest.mark.django_db
def test_a_mixed_latin_and_digit_word_is_found_whatever_its_letter_case(client):
    make_event(slug="worldskills", summary="第46届WorldSkills2022特别赛。")

    html = text_of(client.get("/search/?q=worldskills2022"))

    assert result_links(html) == ["/events/worldskills/"]
    assert "<mark>WorldSkills2022</mark>" in html


@pytest.mark.django_db
def test_a_title_match_ranks_before_a_summary_match_before_a_body_only_match(client):
    # In the list's usual order (year, newest first) the body-only match would come first.
    make_event(slug="in-body", year=2024, body="世赛选手。")
    make_event(slug="in-summary", year=2023, summary="世赛的摘要。")
    make_event(slug="in-title", year=2022, title="世赛开幕")

    html = text_of(client.get("/search/?q=世赛"))

    assert result_links(html) == ["/events/in-title/", "/events/in-summary/", "/events/in-body/"]


@pytest.mark.django_db
def test_with_many_matches_the_title_matches_still_come_first(client, monkeypatch):
    monkeypatch.setattr(search, "SPARSE_MATCHES", 3)
    for rank in range(1, 26):
        make_event(slug=f"body-{rank}", year=2024, rank=rank, body="世赛选手。")
    make_event(slug="title-late", year=2001, title="世赛开幕")
    make_event(slug="title-later", year=2000, title="世赛闭幕")

    links = result_links(text_of(client.get("/search/?q=世赛")))

    assert links[:3] == ["/events/title-late/", "/events/title-later/", "/events/body-1/"]
    assert len(links) == 20


@pytest.mark.django_db
def test_the_snippet_marks_the_word_in_the_escaped_plain_text(client):
    make_event(slug="snippet", body="开头。" * 30 + "<script>alert(1)</script>培养大国工匠。" + "结尾。" * 30)

    html = text_of(client.get("/search/?q=工匠"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;培养大国<mark>工匠</mark>。" in html
    assert "<script>alert(1)" not in html
    assert "…" in html


@pytest.mark.django_db
def test_saving_an_item_makes_it_findable_and_editing_forgets_the_old_word(client):
    event = make_event(slug="edited", summary="技能大师。")
    assert result_links(text_of(client.get("/search/?q=大师"))) == ["/events/edited/"]

    event.summary = "能工巧匠。"
    event.save()

    assert "没有找到" in text_of(client.get("/search/?q=大师"))
    assert result_links(text_of(client.get("/search/?q=巧"))) == ["/events/edited/"]


@pytest.mark.django_db
def test_publishing_a_draft_makes_it_findable(client):
    draft = make_event(slug="draft", title="绝技绝活", status=PublicationStatus.DRAFT)
    assert "没有找到" in text_of(client.get("/search/?q=绝活"))

    workflow.publish(draft, user=None)

    assert result_links(text_of(client.get("/search/?q=绝活"))) == ["/events/draft/"]


@pytest.mark.django_db
def test_an_imported_change_is_found_and_the_replaced_word_is_not(client, tmp_path):
    make_event(slug="imported", summary="技能大师。")
    changed = write_json(
        tmp_path / "events.json",
        [{"model": "events.event", "fields": {"slug": "imported", "summary": "世赛冠军。"}}],
    )

    import_content(changed)

    assert result_links(text_of(client.get("/search/?q=冠军"))) == ["/events/imported/"]
    assert "没有找到" in text_of(client.get("/search/?q=大师"))
