"""What a visitor reads on each page: the seed content, in order, at its own precision."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.models import Province, PublicationStatus

from .factories import make_award, make_category, make_event, make_milestone, make_training_base


def text_of(response):
    return response.content.decode()


def test_home_shows_the_ten_events_in_rank_order_with_summaries(client, seed_content):
    html = text_of(client.get("/"))

    ranks = re.findall(r'<span class="rank" aria-hidden="true">(.)</span>', html)
    assert ranks == list("一二三四五六七八九十")
    assert "2023年9月，中华人民共和国第二届职业技能大赛在天津举办" in html  # a summary


def test_home_shows_key_figures_with_their_exact_qualifiers(client, seed_content):
    html = text_of(client.get("/"))

    for figure in ("近12万人次", "4045名", "109个", "300多份", "6000余名", "9万余篇", "18亿人次"):
        assert f'<span class="figure-value">{figure}</span>' in html
    assert "12万人次</span>" not in html.replace("近12万人次</span>", "")


def test_home_links_to_latest_milestones_timeline_awards_and_bases(client, seed_content):
    html = text_of(client.get("/"))

    assert 'href="/milestones/2023-12-hebei-co-building-agreement/"' in html  # the newest
    for url in ("/milestones/", "/awards/", "/bases/", "/search/"):
        assert f'href="{url}"' in html


@pytest.mark.django_db
def test_home_on_an_empty_site_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "暂无已发布的大事" in text_of(response)


def test_event_page_shows_text_milestones_figures_regions_neighbours_and_source(client, seed_content):
    html = text_of(client.get("/events/2023-second-national-skills-competition/"))

    assert "<h1>成功举办中华人民共和国第二届职业技能大赛" in html
    assert html.count("<p>经国务院批准") == 1  # paragraphs of the body
    assert '<span class="figure-value">近12万人次</span>' in html
    # Milestones in date order: the year-only one opens the year.
    assert html.index("举办一类职业技能大赛9项") < html.index("在天津举办</a>")
    assert '<a href="/regions/tianjin/">天津市</a>' in html
    assert 'rel="prev" href="/events/2023-training-evaluation-rectification/"' in html
    assert 'rel="next" href="/events/2023-high-skilled-talent-commendation/"' in html
    assert "来源：《盘点2023年职业能力建设领域十件大事》，蓝领荟" in html


def test_event_page_links_related_awards_and_bases(client, seed_content):
    commendation = text_of(client.get("/events/2023-high-skilled-talent-commendation/"))
    carriers = text_of(client.get("/events/2023-training-carriers/"))

    assert 'href="/awards/16th-china-skills-award/"' in commendation
    assert (
        '第十六届全国技术能手</a>（<time datetime="2023-05-07">2023年5月7日</time>，295名）' in commendation
    )
    assert 'href="/bases/beijing-light-industry-technician-college/"' in carriers
    assert "公布115家" in carriers


@pytest.mark.django_db
def test_event_body_is_escaped_never_trusted(client):
    event = make_event(body="<script>alert(1)</script>\n\n第二段")

    html = text_of(client.get(event.get_absolute_url()))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_timeline_groups_by_month_with_dates_at_their_precision(client, seed_content):
    html = text_of(client.get("/milestones/"))

    assert '<h2 id="month-1"><time datetime="2023">2023年（全年）</time></h2>' in html
    assert '<time datetime="2023-05-07">2023年5月7日</time>' in html
    assert '<time datetime="2023-09">2023年9月</time>' in html
    assert '<time datetime="2023-05">2023年5月</time>至<time datetime="2023-12">12月</time>' in html
    months = re.findall(r'<h2 id="month-\d+"><time datetime="([\d-]+)">', html)
    assert months == sorted(months)


def test_milestone_page_links_to_its_event(client, seed_content):
    html = text_of(client.get("/milestones/2023-05-08-high-skilled-talent-symposium/"))

    assert "<h1>高技能人才座谈会在中南海召开</h1>" in html
    assert '<time datetime="2023-05-08">2023年5月8日</time>' in html
    assert 'href="/events/2023-high-skilled-talent-commendation/"' in html
    assert "中南海" in html


def test_award_page_shows_session_date_body_and_count(client, seed_content):
    html = text_of(client.get("/awards/16th-national-technical-experts/"))

    assert "<h1>第十六届全国技术能手</h1>" in html
    assert "<dd>第十六届</dd>" in html
    assert '<time datetime="2023-05-07">2023年5月7日</time>' in html
    assert "<dd>人力资源社会保障部</dd>" in html
    assert "<dd>295名</dd>" in html


def test_award_without_a_count_quotes_the_source(client, seed_content):
    html = text_of(client.get("/awards/16th-skills-cultivation-contributors/"))

    assert "原文未给出人数" in html
    assert "一批为国家技能人才培育工作作出突出贡献的单位和个人" in html


@pytest.mark.django_db
def test_award_page_lists_named_recipients(client):
    award = make_award(recipient_count=2)
    award.recipients.create(name="张三", organization="某技师学院", occupation="数控车工")
    award.recipients.create(name="李四", organization="某公司")

    html = text_of(client.get(award.get_absolute_url()))

    assert '<th scope="row">张三</th><td>某技师学院</td><td>数控车工</td>' in html
    assert html.index("张三") < html.index("李四")


def test_base_directory_counts_each_kind_against_its_announced_total(client, seed_content):
    html = text_of(client.get("/bases/"))

    def row(kind, announced, listed):
        return f'{kind}</a></th><td class="number">{announced}</td><td class="number">{listed}</td>'

    assert row("国家级高技能人才培训基地", 115, 1) in html
    assert row("国家级技能大师工作室", 139, 1) in html
    assert row("技能根基工程培训基地", 59, 0) in html
    assert "覆盖29个省（自治区、直辖市）和新疆生产建设兵团" in html
    assert "80%以上依托院校、培训机构建设" in html


def test_base_directory_chart_is_inline_svg_with_text_labels(client, seed_content):
    html = text_of(client.get("/bases/"))

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert '<text class="chart-label" x="64" y="18" text-anchor="end">北京</text>' in svg
    assert "<script" not in html
    assert 'href="?region=beijing"' in html  # the chart's province links filter the list


def test_base_page_shows_kind_batch_province_and_host(client, seed_content):
    html = text_of(client.get("/bases/beijing-light-industry-technician-college/"))

    assert "<h1>北京轻工技师学院</h1>" in html
    assert "2023年国家级高技能人才培训基地建设项目</a>（新一轮，共115家）" in html
    assert '<a href="/regions/beijing/">北京市</a>' in html
    assert '<a href="/bases/?host=institution">院校</a>' in html


def test_province_page_gathers_events_milestones_and_bases(client, seed_content):
    html = text_of(client.get("/regions/beijing/"))

    assert "<h1>北京市</h1>" in html
    assert 'href="/events/2023-high-skilled-talent-commendation/"' in html
    assert 'href="/milestones/2023-05-08-high-skilled-talent-symposium/"' in html
    assert 'href="/bases/beijing-light-industry-technician-college/"' in html
    assert 'href="/bases/?region=beijing"' in html


def test_province_without_content_says_so(client, seed_content):
    html = text_of(client.get("/regions/xizang/"))

    assert "暂无涉及西藏的大事" in html


@pytest.mark.django_db
def test_images_render_as_renditions_with_alt_width_and_height(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = io.BytesIO()
    Image.new("RGB", (1600, 900), "teal").save(photo, "PNG")
    event = make_event(
        image=SimpleUploadedFile("photo.png", photo.getvalue(), content_type="image/png"),
        image_alt="大赛开幕式现场",
    )

    detail = text_of(client.get(event.get_absolute_url()))
    listing = text_of(client.get("/events/"))

    detail_image = re.search(
        r'<img src="([^"]+)" width="1200" height="675" alt="大赛开幕式现场"[^>]*>', detail
    )
    assert detail_image and 'class="image image-detail"' in detail_image.group(0)
    list_image = re.search(r'<img src="[^"]+" width="480" height="270" alt="大赛开幕式现场"[^>]*>', listing)
    assert list_image and 'loading="lazy"' in list_image.group(0)
    assert default_storage.exists(detail_image.group(1).removeprefix(settings.MEDIA_URL))
    assert f'<meta property="og:image" content="http://testserver{event.image.url}">' in detail


# Drafts and scheduled content, and staff preview.


def draft_and_scheduled():
    later = timezone.now() + datetime.timedelta(days=3)
    return [
        make_event(status=PublicationStatus.DRAFT),
        make_event(published_at=later),
        make_award(status=PublicationStatus.DRAFT),
        make_training_base(published_at=later),
        make_milestone(event=make_event(status=PublicationStatus.DRAFT)),
    ]


@pytest.mark.django_db
def test_drafts_and_scheduled_content_are_404_to_visitors(client):
    for obj in draft_and_scheduled():
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 404, obj
        assert "找不到页面" in text_of(response)


@pytest.mark.django_db
def test_scheduled_event_appears_once_its_time_has_come(client):
    event = make_event(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get(event.get_absolute_url()).status_code == 404

    event.published_at = timezone.now() - datetime.timedelta(seconds=1)
    event.save()

    assert client.get(event.get_absolute_url()).status_code == 200
    assert event.title in text_of(client.get("/events/"))


@pytest.mark.django_db
def test_drafts_are_missing_from_lists_search_feed_and_sitemap(client):
    make_event(title="草稿大事标题", slug="draft-event", status=PublicationStatus.DRAFT)
    make_award(name="草稿奖项", slug="draft-award", status=PublicationStatus.DRAFT)

    for url in (
        "/",
        "/events/",
        "/milestones/",
        "/awards/",
        "/search/?q=草稿",
        "/feeds/events/",
        "/sitemap.xml",
    ):
        html = text_of(client.get(url))
        assert "草稿大事标题" not in html and "draft-event" not in html, url
        assert "草稿奖项" not in html and "draft-award" not in html, url


def staff_user(*codenames):
    user = User.objects.create_user("editor", password="secret-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.django_db
def test_staff_with_view_permission_preview_drafts_with_banner_noindex_and_no_cache(client):
    objects = draft_and_scheduled()
    client.force_login(staff_user("view_event", "view_award", "view_trainingbase", "view_milestone"))

    for obj in objects:
        response = client.get(obj.get_absolute_url())
        html = text_of(response)
        assert response.status_code == 200, obj
        assert "<strong>预览</strong>" in html
        assert '<meta name="robots" content="noindex">' in html
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_published_pages_have_no_preview_banner_for_staff(client):
    event = make_event()
    client.force_login(staff_user("view_event"))

    response = client.get(event.get_absolute_url())

    assert "预览" not in text_of(response)
    assert "noindex" not in text_of(response)


@pytest.mark.django_db
def test_staff_without_the_view_permission_get_404_for_drafts(client):
    draft = make_event(status=PublicationStatus.DRAFT)
    client.force_login(staff_user("view_award"))

    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_non_staff_users_with_permission_get_404_for_drafts(client):
    draft = make_event(status=PublicationStatus.DRAFT)
    user = staff_user("view_event")
    user.is_staff = False
    user.save()
    client.force_login(user)

    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_home_shows_ten_events_and_links_to_the_rest_of_a_larger_year(client):
    for rank in range(1, 13):
        make_event(year=2024, rank=rank, title=f"二〇二四年第{rank}件")

    html = text_of(client.get("/"))

    assert "二〇二四年第10件" in html
    assert "二〇二四年第11件" not in html
    assert '<a href="/events/?year=2024">查看2024年全部大事</a>' in html


@pytest.mark.django_db
def test_province_page_lists_twenty_of_each_and_links_to_the_rest(client):
    province = Province.objects.create(
        code="990000", name="测试省", short_name="测试", slug="test", kind="province"
    )
    for rank in range(1, 23):
        make_event(rank=rank).regions.add(province)

    html = text_of(client.get("/regions/test/"))

    assert html.count('href="/events/test-event-') == 20
    assert '<a href="/events/?region=test">查看涉及测试的全部大事</a>' in html


@pytest.mark.django_db
def test_a_long_year_is_cut_around_the_event_in_its_side_list(client):
    category = make_category()
    events = [make_event(year=2040, rank=rank, category=category) for rank in range(1, 41)]

    html = text_of(client.get(events[19].get_absolute_url()))
    side = html.split('id="year-heading"')[1].split("</aside>")[0]

    assert side.count("<li>") == 21
    assert events[9].get_absolute_url() in side and events[8].get_absolute_url() not in side
    assert 'href="/events/?year=2040"' in side
    previous = re.search(r'<a rel="prev" href="([^"]+)"', html)
    assert previous and previous.group(1) == events[18].get_absolute_url()


@pytest.mark.django_db
def test_a_year_of_ten_is_shown_whole(client, seed_content):
    html = text_of(client.get("/events/2023-world-skills-museum/"))
    side = html.split('id="year-heading"')[1].split("</aside>")[0]

    assert side.count("<li>") == 10
    assert "全部大事" not in side
