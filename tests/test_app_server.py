"""The production app server: gunicorn loads the site once and forks its workers from it.

A worker replaced after its `max_requests` (gunicorn.conf.py) starts from the loaded
application, so it answers at once and correctly; nothing loaded before the fork may hold a
connection that the workers would then share.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.template import engines

from events.models import PublicationStatus
from skillsite.warmup import project_templates, warm_up

from .factories import make_event
from .test_multi_server import AppServer, production_environment


def test_warming_up_compiles_the_sites_templates_without_touching_the_database():
    # No django_db mark: any query here would fail the test.
    backend = engines["django"]
    names = list(project_templates(backend))
    assert "base.html" in names and "events/event_list.html" in names
    assert not any(name.startswith("admin/base.html") for name in names)  # Django's own are left
    for loader in backend.engine.template_loaders:
        loader.reset()
    warm_up()
    cached = backend.engine.template_loaders[0].get_template_cache
    assert "base.html" in cached and "includes/card.html" in cached


@pytest.mark.django_db(transaction=True)
def test_workers_replaced_every_few_requests_answer_every_request(redis_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the app server shares PostgreSQL with the test; this runs in the PostgreSQL pass")
    make_event(title="工作进程轮换后照常显示", status=PublicationStatus.PUBLISHED)
    env = production_environment(
        redis_url,
        tmp_path / "static",
        PAGE_CACHE_SECONDS="0",
        # Each worker is replaced after three requests: forty requests see a dozen workers.
        GUNICORN_CMD_ARGS="--max-requests 3 --max-requests-jitter 0",
    )
    server = AppServer(env)
    server.env["WEB_CONCURRENCY"] = "2"
    server.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda _: server.get("/events/"), range(40)))
    finally:
        server.stop()
    assert [status for status, _headers, _html in answers] == [200] * 40
    assert all("工作进程轮换后照常显示" in html for _status, _headers, html in answers)
