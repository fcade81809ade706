"""Visitors keep reading while editors save: no "database is locked" ever reaches a user."""

import threading
import urllib.request

import pytest
from django.db import connection, transaction

from .factories import make_event, make_milestone


def save_repeatedly(event, times, failures):
    try:
        for n in range(times):
            with transaction.atomic():
                event.title = f"修改第{n}次"
                event.save()
                make_milestone(event=event).delete()
    except Exception as error:  # the test reports whatever a writer hit
        failures.append(repr(error))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_readers_and_writers_share_the_database_without_locking_errors(live_server):
    events = [make_event() for _ in range(3)]
    stop = threading.Event()
    failures, statuses = [], []

    def read():
        while not stop.is_set():
            try:
                with urllib.request.urlopen(live_server.url + "/", timeout=30) as response:
                    response.read()
                    statuses.append(response.status)
            except Exception as error:
                failures.append(repr(error))

    readers = [threading.Thread(target=read) for _ in range(4)]
    writers = [threading.Thread(target=save_repeatedly, args=(event, 20, failures)) for event in events[1:]]
    for thread in readers + writers:
        thread.start()
    save_repeatedly(events[0], 20, failures)
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()

    assert failures == []
    assert len(statuses) >= 4 and set(statuses) == {200}
