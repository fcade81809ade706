"""The public pages in a real browser at phone and desktop widths: they render, fit the
screen, respond to keyboard and form use, and axe-core finds no accessibility violations."""

import re

from .conftest import screenshot


def assert_accessible(page, axe):
    results = axe.run(page)
    violations = [
        f"{found['id']}: {found['help']} ({len(found['nodes'])}×, e.g. {found['nodes'][0]['target']})"
        for found in results.response["violations"]
    ]
    assert violations == []


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def test_home(page, site, axe):
    page.goto(site + "/")

    assert page.locator("h1").inner_text() == "2023年职业能力建设领域十件大事"
    assert page.locator(".event-list > li").count() == 10
    assert page.get_by_text("近12万人次", exact=True).is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, axe)
    screenshot(page, "home")


def test_skip_link_appears_on_focus_and_moves_to_the_content(page, site):
    page.goto(site + "/")

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0  # on screen while focused
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_filtered_list_and_its_pagination(page, site, axe):
    page.goto(site + "/events/")
    page.get_by_label("地区").select_option("beijing")
    page.get_by_label("类别").select_option("commendation")
    page.get_by_role("button", name="筛选").click()

    assert re.search(r"region=beijing", page.url) and re.search(r"category=commendation", page.url)
    assert page.locator(".result-count").inner_text() == "共 1 件大事"
    assert page.locator(".event-list .card-title").inner_text().endswith("服务人民的优秀高技能人才受到表彰")
    assert page.get_by_label("地区").input_value() == "beijing"
    assert_fits_the_screen(page)
    assert_accessible(page, axe)
    screenshot(page, "events-filtered")


def test_filter_error_is_shown_next_to_its_field(page, site, axe):
    page.goto(site + "/milestones/?month=5")

    assert page.get_by_text("按月份筛选时，请同时选择年份。").is_visible()
    assert page.get_by_label("月份").get_attribute("aria-invalid") == "true"
    assert_accessible(page, axe)


def test_event_detail(page, site, axe):
    page.goto(site + "/events/2023-second-national-skills-competition/")

    assert "第二届职业技能大赛" in page.locator("h1").inner_text()
    assert page.locator(".milestones time").first.get_attribute("datetime") == "2023"
    page.get_by_role("link", name=re.compile("下一件")).click()
    assert page.url.endswith("/events/2023-high-skilled-talent-commendation/")
    page.go_back()
    assert_fits_the_screen(page)
    assert_accessible(page, axe)
    screenshot(page, "event-detail")


def test_training_base_directory_with_chart(page, site, axe):
    page.goto(site + "/bases/")

    chart = page.get_by_role("img", name="各地区收录的培训载体数量（当前筛选条件下）")
    assert chart.is_visible()
    page.get_by_role("link", name="北京（1）").click()
    assert page.url.endswith("/bases/?region=beijing")
    assert page.locator(".result-count").inner_text() == "共 1 个培训载体"
    assert_fits_the_screen(page)
    assert_accessible(page, axe)
    screenshot(page, "bases")


def test_search_from_the_header(page, site, axe):
    page.goto(site + "/")
    page.get_by_label("搜索全站").fill("大师工作室")
    page.get_by_label("搜索全站").press("Enter")

    assert page.url.endswith("/search/?q=%E5%A4%A7%E5%B8%88%E5%B7%A5%E4%BD%9C%E5%AE%A4")
    assert page.locator("mark").first.inner_text() == "大师工作室"
    assert page.get_by_role("heading", name=re.compile("^培训载体")).is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, axe)
    screenshot(page, "search")


def test_timeline_award_and_not_found_pages_are_accessible(page, site, axe):
    for path in ("/milestones/", "/awards/16th-china-skills-award/", "/regions/beijing/", "/no-such-page/"):
        page.goto(site + path)
        assert_fits_the_screen(page)
        assert_accessible(page, axe)
    screenshot(page, "not-found")
