"""The chart of bases per province on the training base directory, drawn by its template tag."""

import re

from django.template import RequestContext, Template
from django.test import RequestFactory


def draw(rows, query=""):
    request = RequestFactory().get(f"/bases/?{query}")
    template = Template("{% load charts %}{% province_chart rows %}")
    return template.render(RequestContext(request, {"rows": rows}))


def row(slug, name, count):
    return {"province__slug": slug, "province__short_name": name, "province__code": None, "count": count}


def bars(svg):
    """(label, bar width, count, where the count is written) for each bar, top to bottom."""
    return [
        (label, int(width), int(count), int(value_x))
        for label, width, value_x, count in re.findall(
            r'<g transform="translate\(0 \d+\)">\s*<text class="chart-label"[^>]*>([^<]+)</text>\s*'
            r'<rect class="chart-bar" x="72" y="4" width="(\d+)" height="18"></rect>\s*'
            r'<text class="chart-value" x="(\d+)" y="18">(\d+)</text>',
            svg,
        )
    ]


def test_the_longest_bar_fills_the_chart_and_one_base_still_shows():
    svg = draw([row("beijing", "北京", 150), row("shanghai", "上海", 75), row("tianjin", "天津", 1)])

    assert bars(svg) == [("北京", 200, 150, 278), ("上海", 100, 75, 178), ("天津", 2, 1, 80)]
    assert 'viewBox="0 0 320 84" width="320" height="84"' in svg  # three rows of 28
    assert re.findall(r"translate\(0 (\d+)\)", svg) == ["0", "28", "56"]
    assert '<desc id="chart-desc">北京150个；上海75个；天津1个</desc>' in svg


def test_each_province_links_to_the_list_filtered_by_it_keeping_other_filters():
    svg = draw([row("beijing", "北京", 3), row(None, None, 2)], query="kind=studio&page=2")

    assert '<a href="?kind=studio&amp;region=beijing">北京（3）</a>' in svg
    # Bases whose province the source does not name are counted, with nothing to filter by.
    assert "、未载明（2）</figcaption>" in svg
    assert ">未载明</text>" in svg
