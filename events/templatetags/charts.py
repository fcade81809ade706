"""Charts drawn as inline SVG: they need no script, scale with the page and print as shown."""

from django import template

register = template.Library()

# The bar chart's geometry, in SVG units: province names right-aligned in a column on the
# left, then bars scaled so that the longest fills BAR_SPACE, each followed by its count.
CHART_WIDTH = 320
ROW_HEIGHT = 28
LABEL_END = 64
BAR_START = 72
BAR_SPACE = 200
BAR_TOP = 4
BAR_HEIGHT = 18
BASELINE = 18
VALUE_GAP = 6
# A province with one base still shows a bar beside one with hundreds.
MIN_BAR_WIDTH = 2


@register.inclusion_tag("includes/province_chart.html")
def province_chart(rows):
    """A horizontal bar per province, in the order given.

    `rows` are dictionaries with `count` and the province's `province__slug` and
    `province__short_name`, both None for bases whose province the source does not name.
    """
    largest = max((row["count"] for row in rows), default=1)
    bars = []
    for index, row in enumerate(rows):
        width = max(MIN_BAR_WIDTH, round(BAR_SPACE * row["count"] / largest))
        bars.append(
            {
                "slug": row["province__slug"],
                "label": row["province__short_name"] or "未载明",
                "count": row["count"],
                "y": index * ROW_HEIGHT,
                "width": width,
                "value_x": BAR_START + width + VALUE_GAP,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(bars) * ROW_HEIGHT,
        "label_end": LABEL_END,
        "bar_start": BAR_START,
        "bar_top": BAR_TOP,
        "bar_height": BAR_HEIGHT,
        "baseline": BASELINE,
    }
