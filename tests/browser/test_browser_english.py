"""The English edition in a real browser: /en/ pages fit the screen and pass axe-core, in
the standard display and in the large (长辈版) one; screenshots of each for review."""

from .conftest import screenshot
from .test_browser_elder_mode import ENHANCED_CONTRAST, elder_page  # noqa: F401 (fixture)
from .test_browser_pages import assert_accessible, assert_fits_the_screen

ENGLISH_PAGES = (
    "/en/",
    "/en/events/?year=2023",
    "/en/events/2023-world-skills-museum/",
    "/en/milestones/",
    "/en/awards/16th-china-skills-award/",
    "/en/sitemap/",
)


def test_english_pages_are_accessible(page, site, axe):
    for path in ENGLISH_PAGES:
        page.goto(site + path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert_fits_the_screen(page)
        assert_accessible(page, axe)
    page.goto(site + "/en/")
    screenshot(page, "en-home")
    page.goto(site + "/en/events/2023-world-skills-museum/")
    screenshot(page, "en-event-detail")


def test_language_switch_keeps_the_page(page, site):
    page.goto(site + "/events/2023-world-skills-museum/")
    page.get_by_role("link", name="English").click()

    assert page.url == site + "/en/events/2023-world-skills-museum/"
    assert page.locator("h1").inner_text() == "The World Skills Museum opens"
    page.get_by_role("link", name="中文").click()
    assert page.url == site + "/events/2023-world-skills-museum/"


def test_english_large_display_is_accessible_with_enhanced_contrast(elder_page, site, axe):  # noqa: F811
    page = elder_page
    page.goto(site + "/en/events/")
    page.get_by_role("link", name="Large display").click()
    assert page.locator("html").get_attribute("class") == "elder"
    for path in ENGLISH_PAGES:
        page.goto(site + path)
        assert_fits_the_screen(page)
        assert_accessible(page, axe)
        results = axe.run(page, options=ENHANCED_CONTRAST)
        assert results.response["violations"] == [], path
    page.goto(site + "/en/")
    screenshot(page, "en-home")
