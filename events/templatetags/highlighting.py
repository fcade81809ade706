"""Search results: the words searched for marked in titles and in a short passage of the text."""

import functools
import html
import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

EXCERPT_RADIUS = 60


def _pattern(terms):
    return _compiled(tuple(terms))


@functools.lru_cache(maxsize=64)
def _compiled(terms):
    words = sorted({term for term in terms if term}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _marked(text, pattern):
    """Escape text and wrap every match in <mark>; nothing of the text is trusted. (Plain
    html.escape, as Django's escape is, without a safe string made for every piece.)"""
    if pattern is None:
        return conditional_escape(text)
    parts = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(html.escape(text[position : match.start()]))
        parts.append(f"<mark>{html.escape(match.group())}</mark>")
        position = match.end()
    parts.append(html.escape(text[position:]))
    return mark_safe("".join(parts))


@register.filter
def highlight(text, terms):
    """The text, escaped, with each search term marked."""
    return _marked(str(text or ""), _pattern(terms or []))


@register.filter
def excerpt(text, terms):
    """A short passage around the first match, escaped, with the terms marked."""
    return _excerpt(" ".join(str(text or "").split()), _pattern(terms or []))


@register.simple_tag
def matching_excerpt(terms, *texts):
    """The excerpt of the first of the texts (a summary, a body; plain text) holding a term,
    or of the last one when none does."""
    pattern = _pattern(terms or [])
    flattened = [" ".join(str(text or "").split()) for text in texts]
    if pattern is not None:
        for text in flattened:
            if pattern.search(text):
                return _excerpt(text, pattern)
    return _excerpt(flattened[-1], pattern)


def _excerpt(text, pattern):
    match = pattern.search(text) if pattern else None
    if match is None:
        start, end = 0, EXCERPT_RADIUS * 2
    else:
        start = max(0, match.start() - EXCERPT_RADIUS)
        end = match.end() + EXCERPT_RADIUS
    passage = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _marked(passage, pattern) + suffix)
