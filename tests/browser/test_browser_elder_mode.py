"""The 长辈版 (elder-friendly display) in a real browser at 1280 and 390 px: switched on
from the header without JavaScript, held across pages, and measured as MIIT's rules ask —
text at least 20px, line spacing at least 1.5, links and controls at least 44×44px,
contrast at least 7:1 (axe-core's color-contrast-enhanced), focus visible."""

import pytest

from .conftest import screenshot
from .test_browser_pages import assert_accessible, assert_fits_the_screen

# axe-core's WCAG AAA contrast rule (7:1, 4.5:1 for large text), off by default.
ENHANCED_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}}
ELDER_WIDTHS = {"elder-phone": 390, "elder-desktop": 1280}
PAGES = (
    "/",
    "/events/?year=2023",
    "/events/2023-second-national-skills-competition/",
    "/milestones/",
    "/awards/16th-china-skills-award/",
    "/bases/",
    "/regions/beijing/",
    "/sitemap/",
)

# Text nodes inside these are not body text: hidden labels, the chart's SVG labels.
TEXT_SIZES = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest('svg, .visually-hidden, .skip-link')) continue;
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const size = parseFloat(style.fontSize);
    const lineHeight = style.lineHeight === 'normal' ? 1.2 * size : parseFloat(style.lineHeight);
    found.push({text: node.textContent.trim().slice(0, 20), size, ratio: lineHeight / size});
  }
  return found;
}"""

# Links inside running text (a sentence's link) are exempt from the target size, as in
# WCAG 2.5.5; every other link and control is measured.
SMALL_TARGETS = """() => {
  const small = [];
  for (const element of document.querySelectorAll('a[href], button, input, select, textarea')) {
    if (element.closest('p, dd, td, figcaption, .batch-notes, .visually-hidden')) continue;
    if (element.matches('.skip-link')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < 44 || box.height < 44) {
      const label = element.textContent.trim().slice(0, 20);
      small.push(`${element.tagName} "${label}" ${box.width}×${box.height}`);
    }
  }
  return small;
}"""


@pytest.fixture(params=list(ELDER_WIDTHS), ids=list(ELDER_WIDTHS))
def elder_page(request, chromium):
    """A page at 390 or 1280 px. JavaScript stays on for the measurements (axe needs it);
    the site itself has none."""
    context = chromium.new_context(
        viewport={"width": ELDER_WIDTHS[request.param], "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def switch_on(page, site, path="/events/"):
    page.goto(site + path)
    page.get_by_role("link", name="长辈版", exact=True).click()
    assert page.url == site + path
    assert page.locator("html").get_attribute("class") == "elder"


def test_switch_works_without_javascript_and_holds_until_switched_off(chromium, site):
    page = chromium.new_context(locale="zh-CN", java_script_enabled=False).new_page()
    switch_on(page, site, "/events/?year=2023")

    page.get_by_role("link", name="培训载体", exact=True).click()
    assert page.locator("html").get_attribute("class") == "elder"
    page.get_by_role("link", name="退出长辈版").click()
    assert page.url == site + "/bases/"
    assert page.locator("html").get_attribute("class") is None
    assert page.get_by_role("link", name="长辈版", exact=True).is_visible()


def test_elder_mode_text_is_large_and_well_spaced(elder_page, site):
    page = elder_page
    switch_on(page, site)
    for path in PAGES:
        page.goto(site + path)
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        h1 = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        assert body >= 20, path
        assert h1 > body, path
        texts = page.evaluate(TEXT_SIZES)
        too_small = [text for text in texts if text["size"] < 20]
        too_tight = [text for text in texts if text["ratio"] < 1.5]
        assert too_small == [], f"{path}: {too_small}"
        assert too_tight == [], f"{path}: {too_tight}"


def test_elder_mode_targets_are_at_least_44_px(elder_page, site):
    page = elder_page
    switch_on(page, site)
    for path in PAGES:
        page.goto(site + path)
        small = page.evaluate(SMALL_TARGETS)
        assert small == [], f"{path}: {small}"


def test_elder_mode_meets_enhanced_contrast_and_axe(elder_page, site, axe):
    page = elder_page
    switch_on(page, site)
    for path in PAGES:
        page.goto(site + path)
        results = axe.run(page, options=ENHANCED_CONTRAST)
        low = [
            f"{node['target']}: {node['any'][0]['message'] if node['any'] else ''}"
            for violation in results.response["violations"]
            for node in violation["nodes"]
        ]
        assert low == [], path
        assert_fits_the_screen(page)
        assert_accessible(page, axe)
    screenshot(page, "sitemap")
    page.goto(site + "/")
    screenshot(page, "home")


def test_elder_mode_focus_is_visible(elder_page, site):
    page = elder_page
    switch_on(page, site, "/")
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", page.evaluate("document.activeElement.outerHTML")
