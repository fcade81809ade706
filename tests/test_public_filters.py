"""Filters narrow every list, survive pagination, and answer nonsense with a message, never a 500."""

import datetime
import re

import pytest
from django.utils import timezone

from events.models import Event, Province, Sector
from events.views.mixins import PublicPaginator

from .factories import make_award, make_category, make_event, make_milestone, make_training_base


def text_of(response):
    return response.content.decode()


def event_links(html):
    return re.findall(r'href="/events/([\w-]+)/"', html)


def test_events_filter_by_year_category_region_and_keyword(client, seed_content):
    make_event(year=2022, rank=1, slug="event-of-2022", category=make_category())

    assert set(event_links(text_of(client.get("/events/?year=2022")))) >= {"event-of-2022"}
    assert "event-of-2022" not in event_links(text_of(client.get("/events/?year=2023")))

    competitions = text_of(client.get("/events/?category=competitions"))
    assert "共 1 件大事" in competitions
    assert "2023-second-national-skills-competition" in competitions

    shanghai = text_of(client.get("/events/?region=shanghai"))
    assert "共 1 件大事" in shanghai and "2023-world-skills-museum" in shanghai

    keyword = text_of(client.get("/events/?q=新八级工"))
    assert "共 1 件大事" in keyword and "2023-new-eight-level-system" in keyword


def test_filters_combine(client, seed_content):
    html = text_of(client.get("/events/?year=2023&region=beijing&category=commendation"))

    assert "共 1 件大事" in html
    assert "2023-high-skilled-talent-commendation" in html


def test_the_filter_form_shows_the_active_values(client, seed_content):
    html = text_of(client.get("/events/?year=2023&region=beijing"))

    assert '<option value="2023" selected>2023年</option>' in html
    assert '<option value="beijing" selected>北京市</option>' in html
    assert '<a href="/events/">清除筛选</a>' in html


def test_the_filter_selects_have_the_markup_of_djangos_own_select(seed_content):
    from django import forms
    from django.test.html import parse_html

    from events.filters import EventFilter, OptionListSelect

    form = EventFilter({"year": "2023", "region": "beijing"}, queryset=Event.objects.published()).form
    for name in ("year", "category", "region"):
        field = form[name]
        assert isinstance(field.field.widget, OptionListSelect)
        stock = forms.Select(attrs=field.field.widget.attrs, choices=list(field.field.widget.choices))
        stock.is_required = field.field.widget.is_required
        attrs = field.build_widget_attrs({"id": field.auto_id})
        ours = field.field.widget.render(field.html_name, field.value(), attrs)
        assert parse_html(ours) == parse_html(stock.render(field.html_name, field.value(), attrs)), name


def test_region_options_follow_the_content_with_caching_on(
    client, seed_content, page_cache, django_capture_on_commit_callbacks
):
    assert "新地区" not in text_of(client.get("/events/"))

    with django_capture_on_commit_callbacks(execute=True):
        Province.objects.create(
            code="990000", name="新地区", short_name="新", slug="new-region", kind="province"
        )

    html = text_of(client.get("/events/"))
    assert '<option value="new-region">新地区</option>' in html
    assert "共 0 件大事" in text_of(client.get("/events/?region=new-region"))


@pytest.mark.django_db
def test_pagination_keeps_the_active_filters(client):
    category = make_category(slug="many")
    for rank in range(1, 26):
        make_event(year=2021, rank=rank, category=category)
    make_event(year=2020, rank=1, category=category)

    first = text_of(client.get("/events/?year=2021&category=many"))
    assert "共 25 件大事" in first
    assert 'href="?year=2021&amp;category=many&amp;page=2" rel="next"' in first

    second = client.get("/events/?year=2021&category=many&page=2")
    assert second.status_code == 200
    assert len(second.context["object_list"]) == 5
    assert all(event.year == 2021 for event in second.context["object_list"])
    assert 'href="?year=2021&amp;category=many&amp;page=1" rel="prev"' in text_of(second)
    assert 'href="?year=2021&amp;category=many&amp;page=1" aria-label="第1页"' in text_of(second)
    assert '<span class="current" aria-current="page">2</span>' in text_of(second)


@pytest.mark.django_db
def test_pager_links_carry_other_parameters_encoded(client):
    for rank in range(1, 26):
        make_event(year=2021, rank=rank)
    html = text_of(client.get('/events/?utm_source="><script>x</script>&page=2'))
    assert 'href="?utm_source=%22%3E%3Cscript%3Ex%3C%2Fscript%3E&amp;page=1" rel="prev"' in html
    assert "<script>x" not in html


@pytest.mark.parametrize(
    "url, message",
    [
        ("/events/?year=abc", "选择一个有效的选项"),
        ("/events/?year=1900", "选择一个有效的选项"),
        ("/events/?region=%3Cscript%3Ealert(1)%3C/script%3E", "选择一个有效的选项"),
        ("/events/?category=nothing", "选择一个有效的选项"),
        ("/milestones/?month=13&year=2023", "选择一个有效的选项"),
        ("/milestones/?month=5", "按月份筛选时，请同时选择年份。"),
        ("/milestones/?event=no-such-event", "选择一个有效的选项"),
        ("/awards/?year=二〇二三", "选择一个有效的选项"),
        ("/bases/?host=palace", "选择一个有效的选项"),
        ("/bases/?region=%3Cscript%3E", "选择一个有效的选项"),
        ("/bases/?sector=%00", "id_sector_error"),
        ("/events/?q=" + "长" * 101, "不超过 100 字符"),
    ],
)
def test_nonsense_filter_values_are_form_errors_with_no_rows(client, seed_content, url, message):
    response = client.get(url)
    html = text_of(response)

    assert response.status_code == 200
    assert message in html
    assert "筛选条件有误" in html
    assert response.context["paginator"].count == 0
    assert "<script>" not in html


@pytest.mark.parametrize(
    "url", ["/events/?page=999999", "/events/?page=abc", "/milestones/?page=-1", "/bases/?page=2"]
)
def test_pages_past_the_end_are_404_in_the_site_design(client, seed_content, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "找不到页面" in text_of(response)


def test_timeline_filters_by_year_month_region_and_event(client, seed_content):
    may = text_of(client.get("/milestones/?year=2023&month=5"))
    # 5月7日, 5月8日, the 五一 programme, and the 5月至12月 campaign that spans May.
    assert "共 4 个节点" in may
    assert "2023-05-training-evaluation-rectification" in may

    august = text_of(client.get("/milestones/?year=2023&month=8"))
    assert "2023-05-training-evaluation-rectification" in august  # still under way in August
    assert "2023-05-07-16th-high-skilled-talent-commendation" not in august

    shandong = text_of(client.get("/milestones/?region=shandong"))
    assert "共 2 个节点" in shandong

    museum = text_of(client.get("/milestones/?event=2023-world-skills-museum"))
    assert "共 1 个节点" in museum and "2023-11-06-world-skills-museum-opens" in museum


@pytest.mark.django_db
def test_timeline_year_filter_keeps_other_years_out(client):
    make_milestone(date=datetime.date(2022, 3, 1), title="二〇二二年的节点")
    make_milestone(date=datetime.date(2023, 3, 1), title="二〇二三年的节点")

    html = text_of(client.get("/milestones/?year=2022"))

    assert "二〇二二年的节点" in html
    assert "二〇二三年的节点" not in html


@pytest.mark.django_db
def test_awards_filter_by_year_and_keyword(client):
    make_award(name="二〇二二奖", conferred_on=datetime.date(2022, 4, 1))
    make_award(name="中华技能大奖", conferred_on=datetime.date(2023, 5, 7))

    assert "二〇二二奖" not in text_of(client.get("/awards/?year=2023"))
    assert "二〇二二奖" in text_of(client.get("/awards/?year=2022"))
    assert "共 1 个奖项" in text_of(client.get("/awards/?q=中华技能"))


def test_bases_filter_by_kind_region_host_sector_and_year(client, seed_content):
    by_kind = text_of(client.get("/bases/?kind=national-skill-master-studio"))
    assert "共 1 个培训载体" in by_kind and "梁自旺技能大师工作室" in by_kind

    by_region = text_of(client.get("/bases/?region=beijing"))
    assert "共 1 个培训载体" in by_region and "北京轻工技师学院" in by_region

    assert "共 1 个培训载体" in text_of(client.get("/bases/?host=institution"))
    assert "共 0 个培训载体" in text_of(client.get("/bases/?host=enterprise"))
    assert "共 2 个培训载体" in text_of(client.get("/bases/?year=2023"))
    assert "共 1 个培训载体" in text_of(client.get("/bases/?q=梁自旺"))


def test_bases_sector_filter_includes_child_sectors_and_batch_sectors(client, seed_content):
    base = make_training_base(name="只属于养老护理的基地")
    base.sectors.set([Sector.objects.get(slug="elderly-care")])

    services = text_of(client.get("/bases/?sector=modern-services"))  # the parent of 养老护理
    # The two seed bases belong to batches covering 养老护理; the new one is in it itself.
    assert "共 3 个培训载体" in services
    elderly = text_of(client.get("/bases/?sector=elderly-care"))
    assert "只属于养老护理的基地" in elderly
    manufacturing = text_of(client.get("/bases/?sector=intelligent-manufacturing"))
    assert "只属于养老护理的基地" not in manufacturing


def test_base_chart_follows_the_filters(client, seed_content):
    make_training_base(name="上海的基地", province=Province.objects.get(slug="shanghai"))

    everything = text_of(client.get("/bases/"))
    only_shanghai = text_of(client.get("/bases/?region=shanghai"))

    assert ">上海</text>" in everything and ">北京</text>" in everything
    assert ">上海</text>" in only_shanghai and ">北京</text>" not in only_shanghai


def test_the_year_filter_narrows_the_announced_totals(client, seed_content):
    assert '<td class="number">115</td>' in text_of(client.get("/bases/?year=2023"))
    html = text_of(client.get("/bases/?year=2023&kind=national-skill-master-studio"))
    assert '<td class="number">115</td>' in html  # totals are per year, whichever kind is shown


@pytest.mark.django_db
def test_timeline_offers_the_events_of_the_chosen_year_but_accepts_any(client):
    old = make_event(year=2019, rank=1, short_title="旧事")
    new = make_event(year=2023, rank=1, short_title="新事")
    make_milestone(event=old, date=datetime.date(2019, 3, 1))
    make_milestone(event=new, date=datetime.date(2023, 3, 1))

    latest = text_of(client.get("/milestones/"))
    # The latest year's events by default.
    assert f'<option value="{new.slug}">' in latest and f'<option value="{old.slug}">' not in latest
    assert f'<option value="{old.slug}">' in text_of(client.get("/milestones/?year=2019"))

    chosen = client.get(f"/milestones/?event={old.slug}")
    assert not chosen.context["filter"].form.errors
    assert f'<option value="{old.slug}" selected>2019年一、旧事</option>' in text_of(chosen)


@pytest.mark.django_db
def test_lists_stop_at_a_hundred_pages_and_say_how_to_narrow_them(client):
    category = make_event(year=2030, rank=1).category
    Event.objects.bulk_create(
        [
            Event(
                year=2031 + n // 60,
                rank=1 + n % 60,
                title=f"大事{n}",
                short_title=f"大事{n}",
                slug=f"many-{n}",
                summary="摘要",
                body="正文",
                category=category,
                status="published",
                published_at=timezone.now() - datetime.timedelta(days=1),
            )
            for n in range(PublicPaginator.MAX_PAGES * 20 + 5)
        ]
    )

    last = client.get(f"/events/?page={PublicPaginator.MAX_PAGES}")
    assert last.status_code == 200
    assert "只列出前 100 页" in last.content.decode()
    assert client.get(f"/events/?page={PublicPaginator.MAX_PAGES + 1}").status_code == 404
    assert f"共 {PublicPaginator.MAX_PAGES * 20 + 6} 件大事" in last.content.decode()
