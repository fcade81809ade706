"""Uploaded files kept between the admin's dry run and the confirmation that applies them.

The file stays on the server under a random name; the page carries only a signed token
naming it, so the confirmation applies exactly the file that was checked, by the same user.
"""

import hashlib
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

from .readers import FORMATS, Source

SALT = "events.importing.staged"
MAX_AGE = 60 * 60  # a dry run may be confirmed within the hour
DEFAULT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024


def staging_dir():
    folder = Path(getattr(settings, "IMPORT_STAGING_DIR", Path(tempfile.gettempdir()) / "skillsite-imports"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def max_upload_size():
    return getattr(settings, "IMPORT_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


@dataclass
class StagedFile:
    id: str
    name: str
    suffix: str
    digest: str
    csv_model: str = ""

    @property
    def path(self):
        return staging_dir() / f"{self.id}{self.suffix}"

    def source(self):
        return Source(self.path, name=self.name, csv_model=self.csv_model)

    def token(self, user):
        data = {
            "id": self.id,
            "name": self.name,
            "suffix": self.suffix,
            "digest": self.digest,
            "csv_model": self.csv_model,
            "user": user.pk,
        }
        return signing.dumps(data, salt=SALT)

    def delete(self):
        self.path.unlink(missing_ok=True)

    @classmethod
    def store(cls, upload, csv_model=""):
        remove_stale()
        suffix = Path(upload.name).suffix.lower()
        staged = cls(uuid.uuid4().hex, Path(upload.name).name, suffix, "", csv_model)
        digest = hashlib.sha256()
        with staged.path.open("wb") as target:
            for chunk in upload.chunks():
                digest.update(chunk)
                target.write(chunk)
        staged.digest = digest.hexdigest()
        return staged

    @classmethod
    def from_token(cls, token, user):
        """The staged file a token names, or None if it is forged, stale, someone else's or gone."""
        try:
            data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            return None
        if data.get("user") != user.pk or data.get("suffix") not in FORMATS:
            return None
        staged = cls(data["id"], data["name"], data["suffix"], data["digest"], data.get("csv_model", ""))
        try:
            uuid.UUID(hex=staged.id)
        except ValueError:
            return None
        if not staged.path.is_file() or _digest(staged.path) != staged.digest:
            return None
        return staged


def _digest(path):
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def remove_stale():
    """Forget uploads that were never confirmed."""
    limit = time.time() - 2 * MAX_AGE
    for path in staging_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
