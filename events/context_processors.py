"""What every public page's layout shows: the language and display switches, the
hreflang alternates and the government-site footer."""

import functools
import re
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language

from .display import ELDER, STANDARD, display_mode
from .models.translation import english_active

ICP_FILING_URL = "https://beian.miit.gov.cn/"
POLICE_FILING_URL = "https://beian.mps.gov.cn/#/query/webSearch?code="


def site_footer():
    footer = {name: value.strip() for name, value in settings.SITE_FOOTER.items() if value and value.strip()}
    if "icp_number" in footer:
        footer["icp_url"] = ICP_FILING_URL
    if "police_number" in footer:
        # 京公网安备 11010502030143号 is looked up by its digits.
        digits = "".join(re.findall(r"\d", footer["police_number"]))
        footer["police_url"] = POLICE_FILING_URL + digits if digits else ""
    return footer


def display_switch(request):
    """The 长辈版 switch: a link that sets the other mode and comes back to this page."""
    elder = display_mode(request) == ELDER
    query = urlencode({"mode": STANDARD if elder else ELDER, "next": request.get_full_path()})
    return {"elder_mode": elder, "display_switch_url": f"{reverse('events:display_mode')}?{query}"}


@functools.lru_cache(maxsize=4096)
def _translated_path(path, language, active_language):
    return translate_url(path, language)


def translated(full_path, language):
    """translate_url() for this page: the path is resolved and reversed once per process (it
    depends on the path and the languages only); the query is carried over as it does."""
    path, separator, query = full_path.partition("?")
    return _translated_path(path, language, get_language()) + separator + query


def languages(request):
    """The page's lang attribute, and this page in each language (for the switch and the
    hreflang alternates); a page that exists in one language only has no alternates."""
    english = english_active()
    path = request.get_full_path()
    chinese_url = translated(path, "zh-hans")
    english_url = translated(path, "en")
    context = {"html_lang": "en" if english else "zh-Hans", "english": english}
    if chinese_url != english_url:
        # x-default: the Chinese page, which is the site's own.
        context["alternates"] = [("zh-Hans", chinese_url), ("en", english_url), ("x-default", chinese_url)]
        context["other_language_url"] = chinese_url if english else english_url
    return context


def public_site(request):
    return {"site_footer": site_footer(), **display_switch(request), **languages(request)}
