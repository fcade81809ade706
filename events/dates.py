"""Dates at their own precision: 2023年11月6日, 2023年9月, 2023年, 2023年5月至12月."""

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "日"
    MONTH = "month", "月"
    YEAR = "year", "年"


def truncate(value, precision):
    """The first day of the period a date stands for, so equal periods compare equal."""
    if value is None or precision == DatePrecision.DAY:
        return value
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value.replace(month=1, day=1)


def chinese_date(value, precision, *, omit_year=False, omit_month=False):
    parts = [] if omit_year else [f"{value.year}年"]
    if precision in (DatePrecision.MONTH, DatePrecision.DAY) and not omit_month:
        parts.append(f"{value.month}月")
    if precision == DatePrecision.DAY:
        parts.append(f"{value.day}日")
    return "".join(parts)


def iso_date(value, precision):
    """The value of a <time datetime="…"> attribute at the given precision."""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def chinese_range(start, end, precision):
    """A date or range written as the article writes it: the end omits what it repeats."""
    if end is None or end == start:
        return chinese_date(start, precision)
    same_year = start.year == end.year
    same_month = same_year and start.month == end.month
    end_text = chinese_date(
        end,
        precision,
        omit_year=same_year,
        omit_month=same_month and precision == DatePrecision.DAY,
    )
    return f"{chinese_date(start, precision)}至{end_text}"


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def english_date(value, precision):
    """The English edition's form: 6 November 2023, September 2023, 2023."""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def english_range(start, end, precision):
    if end is None or end == start:
        return english_date(start, precision)
    return f"{english_date(start, precision)} to {english_date(end, precision)}"


def local_date(value, precision):
    """A date in the active language: 2023年11月6日 or 6 November 2023."""
    from events.models.translation import english_active

    return english_date(value, precision) if english_active() else chinese_date(value, precision)


def local_range(start, end, precision):
    from events.models.translation import english_active

    return english_range(start, end, precision) if english_active() else chinese_range(start, end, precision)
