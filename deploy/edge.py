"""The front: Debian's nginx before gunicorn, configured from the environment.

    .venv/bin/python deploy/edge.py render    # write the nginx configuration, print where
    .venv/bin/python deploy/edge.py run       # render, start gunicorn and nginx, serve until stopped

`make edge` (PORT, default 8080) migrates, collects static files and runs `run`. The
configuration is deploy/nginx/*.template filled from these variables and the Django settings
(production settings come from the environment, as for `make serve`):

- `HOST`, `PORT` (127.0.0.1, 8080): where nginx listens.
- `EDGE_DIR` (.edge/ in the project): nginx's prefix, holding the rendered configuration,
  logs, temporary files, the cache and the app servers' sockets.
- `EDGE_APP_INSTANCES` (1): gunicorn instances to start, each on a socket in `EDGE_DIR`
  with `WEB_CONCURRENCY` workers (gunicorn.conf.py).
- `EDGE_UPSTREAMS` (none): `host:port,host:port` of app servers running elsewhere; none
  are started then.
- `EDGE_BODY_LIMIT` (the largest upload the app takes, plus 1 MiB): nginx's
  `client_max_body_size`; a larger request body is answered 413.
- `EDGE_SERVER_NAME` (`_`, any name), `EDGE_ACCESS_LOG` (`EDGE_DIR/logs/access.log`, or `off`).
- `EDGE_USER` (nobody): started as root, nginx switches to this user before it starts.
- `EDGE_APP_NICE` (0): the niceness of the app servers started here; above 0 they yield
  the CPU to nginx.
- `TLS_CERTIFICATE`, `TLS_CERTIFICATE_KEY` (none): PEM files; with both, the TLS server is
  on at `TLS_PORT` (8443) and plain HTTP only redirects to it.

`STATIC_ROOT`, `MEDIA_ROOT`, the session cookie's name, the upload limits and the HSTS
lifetime are read from the Django settings, so nginx and the app agree on them.
"""

import argparse
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
BROTLI = shutil.which("brotli")
# Multipart encoding and the form's other fields come on top of the file itself.
BODY_MARGIN = 1024 * 1024
# How long the app servers may take to import the project and listen.
APP_START_SECONDS = 120
# ManifestStaticFilesStorage's names: site.3f2a1b4c5d6e.css
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


def django_settings():
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillsite.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings


def largest_upload():
    from events.images import max_upload_bytes
    from events.importing.staging import max_upload_size

    return max(max_upload_bytes(), max_upload_size())


def render_template(text, values):
    """Fill @NAME@ and keep "#@if NAME" blocks whose NAME has a value."""
    lines, keep = [], [True]
    for line in text.splitlines():
        condition = re.fullmatch(r"\s*#@if (\w+)\s*", line)
        if condition:
            keep.append(keep[-1] and bool(values[condition.group(1)]))
        elif re.fullmatch(r"\s*#@endif\s*", line):
            keep.pop()
        elif keep[-1]:
            lines.append(line)
    return re.sub(r"@([A-Z_]+)@", lambda match: str(values[match.group(1)]), "\n".join(lines) + "\n")


class Edge:
    """One front: its settings, its rendered configuration, and the processes it runs."""

    def __init__(self, environ=os.environ):
        settings = django_settings()
        from django.contrib.messages.storage.cookie import CookieStorage

        from events import display

        self.environ = environ
        self.prefix = Path(environ.get("EDGE_DIR") or PROJECT / ".edge").resolve()
        self.host = environ.get("HOST") or "127.0.0.1"
        self.port = int(environ.get("PORT") or 8080)
        self.static_root = Path(settings.STATIC_ROOT).resolve()
        self.media_root = Path(settings.MEDIA_ROOT).resolve()
        self.body_limit = int(environ.get("EDGE_BODY_LIMIT") or largest_upload() + BODY_MARGIN)
        external = [item.strip() for item in environ.get("EDGE_UPSTREAMS", "").split(",") if item.strip()]
        instances = int(environ.get("EDGE_APP_INSTANCES") or 1)
        self.sockets = [] if external else [self.prefix / f"app-{n}.sock" for n in range(1, instances + 1)]
        self.upstreams = external or [f"unix:{path}" for path in self.sockets]
        self.tls = bool(environ.get("TLS_CERTIFICATE") and environ.get("TLS_CERTIFICATE_KEY"))
        self.tls_port = int(environ.get("TLS_PORT") or 8443)
        self.brotli = BROTLI_MODULE.exists()
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        access_log = environ.get("EDGE_ACCESS_LOG") or str(self.prefix / "logs" / "access.log")
        self.values = {
            "PREFIX": self.prefix,
            "BROTLI_MODULE": BROTLI_MODULE if self.brotli else "",
            "MIME_TYPES": MIME_TYPES,
            "ACCESS_LOG": "off" if access_log == "off" else f"{access_log} edge",
            "BODY_LIMIT": self.body_limit,
            "UPSTREAM_SERVERS": "\n".join(f"        server {upstream};" for upstream in self.upstreams),
            "SESSION_COOKIE_NAME": re.escape(settings.SESSION_COOKIE_NAME),
            "MESSAGES_COOKIE_NAME": re.escape(CookieStorage.cookie_name),
            "DISPLAY_COOKIE_NAME": display.COOKIE_NAME,
            "DISPLAY_ELDER": display.ELDER,
            "HSTS": hsts if settings.SECURE_HSTS_SECONDS else "",
            "LISTEN": f"{self.host}:{self.port}",
            "SERVER_NAME": environ.get("EDGE_SERVER_NAME") or "_",
            "PLAIN_HTTP": "" if self.tls else "yes",
            "TLS_CERTIFICATE": environ.get("TLS_CERTIFICATE", "") if self.tls else "",
            "TLS_CERTIFICATE_KEY": environ.get("TLS_CERTIFICATE_KEY", ""),
            "TLS_LISTEN": f"{self.host}:{self.tls_port}",
            "TLS_PORT_SUFFIX": "" if self.tls_port == 443 else f":{self.tls_port}",
            "STATIC_ROOT": self.static_root,
            "MEDIA_ROOT": self.media_root,
            "ADMIN_URL_PREFIX": settings.ADMIN_URL_PREFIX,
        }
        self.processes = []

    @property
    def config(self):
        return self.prefix / "nginx.conf"

    def render(self):
        for folder in ("logs", "cache", "temp"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        for name in ("nginx.conf", "locations.conf"):
            text = (TEMPLATES / f"{name}.template").read_text(encoding="utf-8")
            (self.prefix / name).write_text(render_template(text, self.values), encoding="utf-8")
        return self.config

    def precompress_brotli(self):
        """Write a .br beside each hashed static file WhiteNoise gzipped, for brotli_static.

        Pages name static files by their hashed names only (ManifestStaticFilesStorage), and
        a hashed name's content never changes, so each .br is written once. The largest files
        (the API documentation's bundles) get a quicker setting that costs about 10%.
        """
        if not (self.brotli and BROTLI and self.static_root.is_dir()):
            return
        small, large = [], []
        for gzipped in self.static_root.rglob("*.gz"):
            original = gzipped.with_suffix("")
            compressed = original.with_name(original.name + ".br")
            if HASHED_NAME.search(original.name) and original.suffix != ".map" and not compressed.exists():
                (large if original.stat().st_size > 256 * 1024 else small).append(str(original))
        for files, quality in ((small, 11), (large, 9)):
            for start in range(0, len(files), 200):
                batch = files[start : start + 200]
                subprocess.run(
                    [BROTLI, "--keep", "--force", f"--quality={quality}", "--", *batch], check=True
                )

    def nginx_user(self):
        """Started as root, nginx runs as EDGE_USER instead, owning its prefix."""
        if os.geteuid() != 0:
            return None
        user = pwd.getpwnam(self.environ.get("EDGE_USER") or "nobody")
        try:
            group = grp.getgrnam("nogroup").gr_gid if user.pw_name == "nobody" else user.pw_gid
        except KeyError:
            group = user.pw_gid
        return user.pw_uid, group

    def lower_priority(self):
        """EDGE_APP_NICE: app servers on nginx's machine may yield the CPU to it, so a page
        rendered in the background never slows the cached ones nginx is sending."""
        os.nice(int(self.environ.get("EDGE_APP_NICE") or 0))

    def app_environment(self, app_socket):
        env = dict(self.environ)
        env["GUNICORN_BIND"] = f"unix:{app_socket}"
        # nginx replaces X-Forwarded-For with the address it saw: one trusted hop.
        env.setdefault("TRUSTED_PROXY_COUNT", "1")
        if not self.tls:
            # Served over plain HTTP only (on a laptop, in tests): no redirect to HTTPS, and
            # cookies that a plain HTTP page can set.
            for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
                env.setdefault(name, "false")
        return env

    def start(self):
        self.render()
        self.precompress_brotli()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        for app_socket in self.sockets:
            app_socket.unlink(missing_ok=True)
            control = app_socket.with_suffix(".ctl")
            command = [str(gunicorn), "skillsite.wsgi", "--control-socket", str(control)]
            self.processes.append(
                subprocess.Popen(
                    command, cwd=PROJECT, env=self.app_environment(app_socket), preexec_fn=self.lower_priority
                )
            )
        self.wait_for_app_servers()
        user = self.nginx_user()
        if user:
            for path in [self.prefix, *self.prefix.rglob("*")]:
                if path.suffix not in {".sock", ".ctl"}:
                    os.chown(path, *user)
        nginx = [NGINX, "-p", str(self.prefix), "-c", str(self.config), "-e", "stderr"]
        as_user = (lambda: drop_privileges(*user)) if user else None
        subprocess.run([*nginx, "-t", "-q"], preexec_fn=as_user, check=True)
        self.processes.append(subprocess.Popen(nginx, preexec_fn=as_user))
        scheme, port = ("https", self.tls_port) if self.tls else ("http", self.port)
        print(f"skillsite at {scheme}://{self.host}:{port}/ (nginx {self.config})", flush=True)

    def wait_for_app_servers(self, seconds=APP_START_SECONDS):
        """nginx starts once every app server answers on its socket: a request that found
        none would fail, and nginx would then count the server out for its fail_timeout."""
        deadline = time.monotonic() + seconds
        waiting = list(self.sockets)
        while waiting:
            if any(process.poll() is not None for process in self.processes):
                raise SystemExit("an app server stopped while starting; see its messages above")
            if time.monotonic() > deadline:
                raise SystemExit(f"the app servers did not listen within {seconds} s: {waiting}")
            waiting = [path for path in waiting if not accepts_connections(path)]
            if waiting:
                time.sleep(0.1)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def serve(self):
        """Run until a signal or until any process ends (which ends the others)."""

        def finish(_signal, _frame):
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, finish)
        signal.signal(signal.SIGINT, finish)
        try:
            self.start()
            while all(process.poll() is None for process in self.processes):
                time.sleep(0.5)
            sys.exit("an app server or nginx stopped; stopping the rest")
        finally:
            self.stop()


def accepts_connections(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def drop_privileges(uid, gid):
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["render", "run"])
    options = parser.parse_args()
    edge = Edge()
    if options.command == "render":
        print(edge.render())
    else:
        edge.serve()


if __name__ == "__main__":
    main()
