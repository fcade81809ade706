"""The admin in Chromium at a 1280×900 desk and a 390×844 phone, as a publisher uses it.

Every change list, add page and change page of the content models: the page never scrolls
sideways (a wide inline scrolls in its own box), list titles take three lines at most, and no
English interface text shows. axe-core finds nothing serious on the home page, the event list,
the event form and the import page. Then the main tasks on a phone: edit a text, add a milestone, publish.

One browser and one loaded site serve the whole module: the content is loaded once, not per
page, and removed when the module is done.
"""

import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from events.models import Award, AwardRecipient, Event

from ..conftest import FIXTURE_FILES
from ..staff import PUBLISHER, ensure_groups, make_staff
from .conftest import CHROMIUM, CHROMIUM_ARGS

VIEWPORTS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "layout-pass-1"
CONTENT_MODELS = [
    "edition",
    "event",
    "milestone",
    "keyfigure",
    "category",
    "sourcearticle",
    "award",
    "awardrecipient",
    "trainingbasekind",
    "trainingbasebatch",
    "trainingbase",
    "sector",
    "province",
]
# Provinces are the fixed GB/T 2260 list: publishers correct them but add none.
PAGES = [
    (model, kind)
    for model in CONTENT_MODELS
    for kind in ("list", "add", "change")
    if (model, kind) != ("province", "add")
]

# Django admin's own English, as it would show if a translation were missing: button labels,
# links, filters, the two-box picker, the date shortcuts, messages.
ENGLISH = re.compile(
    r"\b(?:Save and (?:continue editing|add another)|Save|Delete|History|View on site|"
    r"Add another|Add|Change|Filter|Search|Show all|Show counts|Hide counts|Action|Go|"
    r"Choose(?: all)?|Remove(?: all)?|Chosen|Available|Today|Now|Midnight|Noon|Yesterday|"
    r"Tomorrow|Cancel|Clear|Currently|Yes|No|Unknown|All|By \w+|Select all|selected|"
    r"Please correct|This field is required|Log out|Welcome|Home|Toggle theme|Recent actions|"
    r"Start typing to filter|Close|Hide|Show|Note: You are)\b"
)

VISIBLE_TEXT = """() => {
    const parts = [document.body.innerText, document.title];
    for (const element of document.querySelectorAll(
            "input[type=submit], input[type=button], button, [placeholder], [title], [aria-label]")) {
        if (element.closest("[hidden], .empty-form")) continue;
        for (const name of ["value", "placeholder", "title", "aria-label"]) {
            if (name === "value" && element.tagName !== "INPUT") continue;
            const value = element.getAttribute(name);
            if (value) parts.push(value);
        }
    }
    return parts.join("\\n");
}"""

TITLE_LINES = """() => [...document.querySelectorAll(
        "#result_list tbody :is(.field-__str__, .field-name, .field-title, .model-keyfigure .field-label)")]
    .map(cell => {
        const style = getComputedStyle(cell);
        const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
        const text = document.createRange();
        text.selectNodeContents(cell);
        return Math.round(text.getBoundingClientRect().height / lineHeight);
    })"""


@pytest.fixture(scope="module")
def admin_site(django_db_setup, django_db_blocker):
    """A live server of its own with the shipped content and a publisher, for the module.

    The database stays open to the server's thread while the module runs; this thread does
    no database work between the browser's steps.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", *FIXTURE_FILES, verbosity=0)
        ensure_groups()
        publisher = make_staff(PUBLISHER, "layout-publisher")
        publisher.set_password(PASSWORD)
        publisher.save()
        award = Award.objects.order_by("pk").first()
        AwardRecipient.objects.get_or_create(award=award, name="张三", defaults={"occupation": "焊工"})
        pks = {
            model: apps.get_model("events", model).objects.order_by("pk").first().pk
            for model in CONTENT_MODELS
        }
        event = Event.objects.get(slug="2023-world-skills-museum")
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield SimpleNamespace(url=server.url, pks=pks, event=event)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def pages(admin_site):
    """A signed-in page at each width, in one Chromium."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            signed_in = {}
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
                page = context.new_page()
                page.goto(admin_site.url + "/admin/login/")
                page.fill("#id_username", "layout-publisher")
                page.fill("#id_password", PASSWORD)
                page.click("input[type=submit]")
                page.wait_for_url(re.compile(r"/admin/$"))
                signed_in[name] = page
            yield signed_in
        finally:
            browser.close()


@pytest.mark.django_db
def test_every_content_model_is_checked():
    """Every model the content app edits in the admin is on the list above. (Asking for the
    database also has it set up when this module runs alone.)"""
    registered = {
        model._meta.model_name for model in admin.site._registry if model._meta.app_label == "events"
    }

    assert registered == set(CONTENT_MODELS)


def admin_path(admin_site, model, kind):
    base = f"/admin/events/{model}/"
    return {"list": base, "add": base + "add/", "change": f"{base}{admin_site.pks[model]}/change/"}[kind]


def page_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def english_on(page):
    return sorted(set(ENGLISH.findall(page.evaluate(VISIBLE_TEXT))))


@pytest.mark.parametrize(("model", "kind"), PAGES, ids=[f"{model}-{kind}" for model, kind in PAGES])
def test_every_content_page_fits_and_speaks_chinese(pages, admin_site, model, kind):
    path = admin_path(admin_site, model, kind)
    for width, page in pages.items():
        response = page.goto(admin_site.url + path)

        assert response.status == 200, f"{path} at {width}"
        assert page_overflow(page) <= 0, f"{path} scrolls sideways at {width}"
        assert english_on(page) == [], f"{path} at {width}"
        if kind == "list":
            lines = page.evaluate(TITLE_LINES)
            assert lines and max(lines) <= 3, f"{path}: titles on {max(lines)} lines at {width}"


AXE_PAGES = {
    "home": "/admin/",
    "event-list": "/admin/events/event/",
    "event-form": "change",
    "import": "/admin/import/",
}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_nothing_serious(pages, admin_site, axe, name):
    path = AXE_PAGES[name]
    if path == "change":
        path = f"/admin/events/event/{admin_site.event.pk}/change/"
    for width, page in pages.items():
        page.goto(admin_site.url + path)

        found = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} e.g. {v['nodes'][0]['target']}"
            for v in found
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{path} at {width}"


def test_leaving_a_changed_form_asks_first(pages, admin_site):
    page = pages["desk"]
    page.goto(admin_site.url + f"/admin/events/event/{admin_site.event.pk}/change/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    page.get_by_role("link", name="首页").first.click()  # nothing changed: no question
    page.wait_for_url(re.compile(r"/admin/$"))
    page.go_back()
    page.fill("#id_short_title", "改了但没保存")
    page.get_by_role("link", name="首页").first.click()

    assert asked == ["beforeunload"]
    assert page.locator("#id_short_title").input_value() == "改了但没保存"


def test_a_publisher_edits_adds_a_milestone_and_publishes_on_a_phone(pages, admin_site):
    page = pages["phone"]
    page.goto(admin_site.url + f"/admin/events/event/{admin_site.event.pk}/change/")

    page.fill("#id_short_title", "世界技能博物馆开馆（手机）")
    page.fill("#id_body", "手机上写的第一段。\n\n手机上写的第二段。")  # the browser sends \r\n
    page.locator("#milestones-group .add-row a").click()
    row = page.locator(".dynamic-milestones").last
    row.locator("input[name$='-title']").fill("手机上添加的节点")
    row.locator("input[name$='-date']").fill("2023-11-07")
    row.locator("textarea[name$='-description']").fill("第一段。\n\n第二段。")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").last.fill("上海")
    page.locator(".select2-results__option", has_text="上海市").click()
    page.locator("#key_figures-group .add-row a").click()
    figure = page.locator(".dynamic-key_figures").last
    figure.locator("input[name$='-label']").fill("手机上填的数字")
    figure.locator("input[name$='-value']").fill("1.2")
    last_field = figure.locator("td.field-key input").bounding_box()
    assert last_field["x"] + last_field["width"] <= VIEWPORTS["phone"]["width"]  # stacked, all in view
    assert page_overflow(page) <= 0
    page.locator("input[name=_publish]").last.click()

    assert "已发布" in page.locator(".messagelist").inner_text()
    page.goto(admin_site.url + f"/admin/events/event/{admin_site.event.pk}/change/")
    assert page.locator("#id_key_figures-0-value").input_value() == "1.2"  # as typed, not 1.20
    page.goto(admin_site.url + admin_site.event.get_absolute_url())
    assert "世界技能博物馆开馆（手机）" in page.content()
    assert page.locator("p", has_text="手机上写的第一段。").inner_text() == "手机上写的第一段。"
    page.goto(admin_site.url + "/milestones/?year=2023&month=11")
    assert page.get_by_text("手机上添加的节点").count() >= 1


def test_the_import_page_and_its_report_fit_and_speak_chinese(pages, admin_site, tmp_path):
    refused = tmp_path / "04_events.csv"
    refused.write_text("slug,year,rank\nbad-event,二〇二三,1\n", encoding="utf-8")
    for width, signed_in in pages.items():
        # A page of its own: the one signed in may hold a changed form from an earlier test,
        # whose leave-page warning would keep it where it is.
        page = signed_in.context.new_page()
        try:
            page.goto(admin_site.url + "/admin/import/")
            assert page_overflow(page) <= 0, f"the import page scrolls sideways at {width}"
            assert english_on(page) == [], f"the import page at {width}"

            page.set_input_files("input[type=file]", str(refused))
            page.click("input[type=submit][value=检查文件]")
            assert page.locator(".errornote, .errorlist, table").count() > 0
            assert page_overflow(page) <= 0, f"the import report scrolls sideways at {width}"
            assert english_on(page) == [], f"the import report at {width}"
        finally:
            page.close()
