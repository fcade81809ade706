"""What every public page's layout shows: the government-site footer."""

import re

from django.conf import settings

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


def public_site(request):
    return {"site_footer": site_footer()}
