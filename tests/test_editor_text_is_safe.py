"""Whatever an editor types reaches the public pages as text, never as markup.

Bodies, summaries and titles are plain text (paragraphs split on blank lines) and are
escaped when shown, so script, event-handler and javascript: payloads typed into the admin
end up as harmless visible text.
"""

from html.parser import HTMLParser

import pytest

from .factories import make_event
from .staff import PUBLISHER, form_post_data, staff_client

PAYLOADS = [
    '<script>alert("x")</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">点我</a>',
    '"><svg onload=alert(1)>',
    "<iframe src=//example.com></iframe>",
]


class ActiveContent(HTMLParser):
    """Collects what a browser would run: scripts, frames, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        # schema.org JSON-LD is a data block: browsers do not run it.
        is_data = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if tag in {"script", "iframe", "object", "embed", "svg"} and not is_data:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}={value}]")


def active_content(html):
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.mark.django_db
def test_payloads_posted_through_the_admin_are_shown_as_text(client):
    staff_client(client, PUBLISHER)
    event = make_event(year=2024)
    change_url = f"/admin/events/event/{event.pk}/change/"
    data = form_post_data(client.get(change_url))
    data.update(
        title="大事标题" + PAYLOADS[0],
        short_title="短标题" + PAYLOADS[1][:40],
        summary="摘要" + PAYLOADS[2],
        body="\n\n".join(PAYLOADS),
    )

    response = client.post(change_url, data | {"_publish": "保存并发布"})
    assert response.status_code == 302, response.content.decode()[:2000]

    client.logout()
    for path in (event.get_absolute_url(), "/events/", "/", "/search/?q=alert", "/feeds/events/"):
        html = client.get(path).content.decode()
        assert active_content(html) == [], path
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in detail
