"""Uploaded files kept between the admin's dry run and the confirmation that applies them.

The file waits in the database (events.StagedImport), so whichever app server receives the
confirmation finds it; the page carries only a signed token naming it, so the confirmation
applies exactly the file that was checked, by the same user, within the hour.
"""

import hashlib
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import StagedImport

from .readers import FORMATS, Source

SALT = "events.importing.staged"
MAX_AGE = 60 * 60  # a dry run may be confirmed within the hour
DEFAULT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024


def max_upload_size():
    return getattr(settings, "IMPORT_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


def stage(upload, csv_model, user):
    """Keep an uploaded file (already checked to be within the size limit) for `user`."""
    remove_stale()
    content = b"".join(upload.chunks())
    return StagedImport.objects.create(
        uploaded_by=user,
        file_name=Path(upload.name).name,
        csv_model=csv_model,
        content=content,
        digest=hashlib.sha256(content).hexdigest(),
    )


def token_for(staged):
    return signing.dumps({"id": str(staged.pk), "digest": staged.digest}, salt=SALT)


def staged_from_token(token, user):
    """The staged file a token names, or None if it is forged, stale, someone else's or gone."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        staged = StagedImport.objects.get(pk=data["id"], uploaded_by=user)
    except (signing.BadSignature, KeyError, TypeError, ValidationError, StagedImport.DoesNotExist):
        return None
    if hashlib.sha256(staged.content).hexdigest() != data.get("digest"):
        return None
    return staged


@contextmanager
def source_of(staged):
    """The staged file as a Source the importer reads, from a temporary copy on this server."""
    suffix = Path(staged.file_name).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"not an importable file: {staged.file_name}")
    with tempfile.TemporaryDirectory(prefix="skillsite-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(staged.content)
        yield Source(path, name=staged.file_name, csv_model=staged.csv_model)


def remove_stale():
    """Forget uploads that were never confirmed."""
    StagedImport.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=2 * MAX_AGE)).delete()
