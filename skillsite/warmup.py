"""What an app-server process would otherwise do on its first requests, done when it loads.

gunicorn loads the application once in its master process and forks the workers from it
(`preload_app` in gunicorn.conf.py), so this runs once per server and every worker, the ones
started to replace a worker that served its `max_requests` included, begins with the site's
templates compiled, the URL patterns resolved and both languages' translations read.
Without it each new worker spent its first requests compiling templates while requests
waited behind it. Nothing here opens a database or cache connection: a connection made
before the fork would be shared by every worker.
"""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


def project_templates(backend):
    """The names of the templates this project's own directories hold (not the admin's)."""
    root = Path(settings.BASE_DIR).resolve()
    for directory in backend.template_dirs:
        directory = Path(directory).resolve()
        if not directory.is_relative_to(root) or ".venv" in directory.parts:
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml"}:
                yield path.relative_to(directory).as_posix()


def warm_up():
    """Compile the project's templates, resolve every URL pattern and load each language's
    catalogue, in this process."""
    backend = engines["django"]
    for name in project_templates(backend):
        backend.engine.get_template(name)
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # Reversing needs the patterns of each language's URL prefix.
            resolver.reverse_dict  # noqa: B018
    return resolver
