"""schema.org data of each public detail page, as JSON-LD built from the same objects the page shows.

An event is an Article, a milestone an Event at its dates, an award the list of its recipients
(each with the honour as `award`), a training base an EducationalOrganization (an Organization
when an enterprise hosts it), a province an AdministrativeArea; every page has its BreadcrumbList.
"""

from django.urls import reverse

from events import dates
from events.models import Award, Event, HostType, Milestone, Province, TrainingBase

SITE_NAME = "职业能力建设大事记"
LANGUAGE = "zh-Hans"
CHINA = {"@type": "Country", "name": "中国", "identifier": "CN"}


def organization(name):
    return {"@type": "Organization", "name": name}


def place(regions, venue=""):
    """Where something happened: its venue and provinces, or China when neither is known."""
    names = [region.name for region in regions]
    if not names and not venue:
        return {
            "@type": "Place",
            "name": "中国",
            "address": {"@type": "PostalAddress", "addressCountry": "CN"},
        }
    address = {"@type": "PostalAddress", "addressCountry": "CN"}
    if names:
        address["addressRegion"] = "、".join(names)
    return {"@type": "Place", "name": venue or "、".join(names), "address": address}


def article(event, url):
    data = {
        "@type": "Article",
        "@id": f"{url}#article",
        "url": url,
        "mainEntityOfPage": url,
        "headline": event.short_title,
        "alternativeHeadline": event.title,
        "description": event.summary,
        "datePublished": event.published_at.isoformat(),
        "dateModified": event.updated_at.isoformat(),
        "inLanguage": LANGUAGE,
        "articleSection": event.category.name,
        "author": organization(SITE_NAME),
        "publisher": organization(SITE_NAME),
    }
    regions = list(event.regions.all())
    if regions:
        data["contentLocation"] = [place([region]) for region in regions]
    if event.source_id:
        source = {"@type": "Article", "name": event.source.title}
        if event.source.url:
            source["url"] = event.source.url
        if event.source.publisher:
            source["publisher"] = organization(event.source.publisher)
        data["isBasedOn"] = source
    return data


def milestone_event(milestone, url, request):
    data = {
        "@type": "Event",
        "@id": f"{url}#event",
        "url": url,
        "name": milestone.title,
        "description": milestone.description,
        "startDate": milestone.date_iso,
        "location": place(milestone.regions.all(), milestone.venue),
        "inLanguage": LANGUAGE,
        "subjectOf": {
            "@type": "Article",
            "headline": milestone.event.short_title,
            "url": request.build_absolute_uri(milestone.event.get_absolute_url()),
        },
    }
    if milestone.end_date and milestone.end_date != milestone.date:
        data["endDate"] = milestone.end_date_iso
    return data


def award_recipients(award, url):
    recipients = list(award.recipients.all())
    honour = str(award)
    items = []
    for position, recipient in enumerate(recipients, 1):
        person = {"@type": "Person", "name": recipient.name, "award": honour}
        if recipient.organization:
            person["worksFor"] = organization(recipient.organization)
        if recipient.occupation:
            person["jobTitle"] = recipient.occupation
        if recipient.province_id:
            person["homeLocation"] = place([recipient.province])
        items.append({"@type": "ListItem", "position": position, "item": person})
    return {
        "@type": "ItemList",
        "@id": f"{url}#recipients",
        "url": url,
        "name": f"{honour}获奖者",
        "description": (
            f"{dates.chinese_date(award.conferred_on, 'day')}由{award.conferring_body}授予。"
            + (f"获奖{award.recipient_count}名。" if award.recipient_count is not None else "")
        ),
        "numberOfItems": award.recipient_count if award.recipient_count is not None else len(recipients),
        "itemListElement": items,
    }


def training_base(base, url):
    hosted_by_enterprise = base.host_type == HostType.ENTERPRISE
    data = {
        "@type": "Organization" if hosted_by_enterprise else "EducationalOrganization",
        "@id": f"{url}#organization",
        "url": url,
        "name": base.name,
        "description": base.description or f"{base.batch.name}之一。",
        "address": {"@type": "PostalAddress", "addressCountry": "CN"},
    }
    if base.province_id:
        data["address"]["addressRegion"] = base.province.name
    if base.host_organization and base.host_organization != base.name:
        data["parentOrganization"] = organization(base.host_organization)
    sectors = [sector.name for sector in base.sectors.all()]
    if sectors:
        data["knowsAbout"] = sectors
    return data


def administrative_area(province, url):
    return {
        "@type": "AdministrativeArea",
        "@id": f"{url}#place",
        "url": url,
        "name": province.name,
        "alternateName": province.short_name,
        "identifier": province.code,
        "containedInPlace": CHINA,
    }


def breadcrumb_list(request, breadcrumbs):
    """The page's breadcrumbs (首页 first, the page itself last) as a BreadcrumbList."""
    trail = [("首页", reverse("events:home")), *breadcrumbs]
    items = []
    for position, (name, path) in enumerate(trail, 1):
        items.append(
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": request.build_absolute_uri(path if path else request.path),
            }
        )
    return {"@type": "BreadcrumbList", "itemListElement": items}


def structured_data(obj, request, breadcrumbs):
    """The JSON-LD document of a detail page: its main entity and its breadcrumbs."""
    url = request.build_absolute_uri(obj.get_absolute_url())
    if isinstance(obj, Event):
        main = article(obj, url)
    elif isinstance(obj, Milestone):
        main = milestone_event(obj, url, request)
    elif isinstance(obj, Award):
        main = award_recipients(obj, url)
    elif isinstance(obj, TrainingBase):
        main = training_base(obj, url)
    elif isinstance(obj, Province):
        main = administrative_area(obj, url)
    else:
        raise TypeError(f"no structured data for {type(obj).__name__}")
    return {"@context": "https://schema.org", "@graph": [main, breadcrumb_list(request, breadcrumbs)]}
