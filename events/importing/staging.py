"""Uploaded files kept between the admin's dry run and the confirmation that applies them.

The file waits in Django's storage (the media storage, or STORAGES["imports"] when a site
sets one), which every app server shares, so whichever server receives the confirmation
finds it; the page carries only a signed token naming it, so the confirmation applies
exactly the file that was checked, by the same user, within the hour. The file is removed
once it is applied, refused or fails, and any left over after two hours.
"""

import hashlib
import tempfile
import uuid
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


class StagedFileGone(Exception):
    """The staged file is missing from the storage or no longer the file that was checked."""


def max_upload_size():
    return getattr(settings, "IMPORT_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


def stage(upload, csv_model, user, shared=None):
    """Keep an uploaded file (already checked to be within the size limit) for `user`, with the
    model it holds and the values its rows share, which the confirmation applies too."""
    remove_stale()
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    staged = StagedImport(
        id=uuid.uuid4(),
        uploaded_by=user,
        file_name=Path(upload.name).name,
        csv_model=csv_model,
        shared_values=shared or {},
        digest=digest.hexdigest(),
    )
    # Named by its id, not by the uploader's file name: the name is never guessed or reused.
    staged.file.save(f"{staged.id.hex}{Path(upload.name).suffix.lower()}", upload, save=False)
    try:
        staged.save()
    except BaseException:
        staged.file.delete(save=False)
        raise
    return staged


def token_for(staged):
    return signing.dumps({"id": str(staged.pk), "digest": staged.digest}, salt=SALT)


def staged_from_token(token, user):
    """The staged file a token names, or None if it is forged, stale, someone else's or gone."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        staged = StagedImport.objects.get(pk=data["id"], uploaded_by=user)
    except (signing.BadSignature, KeyError, TypeError, ValidationError, StagedImport.DoesNotExist):
        return None
    if staged.digest != data.get("digest"):
        return None
    return staged


@contextmanager
def source_of(staged):
    """The staged file as a Source the importer reads, from a temporary copy on this server.

    The copy is checked against the digest taken at upload, so the file applied is the file
    that was checked.
    """
    suffix = Path(staged.file_name).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"not an importable file: {staged.file_name}")
    with tempfile.TemporaryDirectory(prefix="skillsite-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        digest = hashlib.sha256()
        try:
            with staged.file.open("rb") as stored, path.open("wb") as copy:
                while chunk := stored.read(1024 * 1024):
                    digest.update(chunk)
                    copy.write(chunk)
        except FileNotFoundError:
            raise StagedFileGone(staged.file.name) from None
        if digest.hexdigest() != staged.digest:
            raise StagedFileGone(staged.file.name)
        yield Source(path, name=staged.file_name, csv_model=staged.csv_model, shared=staged.shared_values)


def discard(staged):
    """Remove a staged upload: its file and its row."""
    staged.file.delete(save=False)
    staged.delete()


def remove_stale():
    """Forget uploads that were never confirmed, their files with them."""
    for staged in StagedImport.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=2 * MAX_AGE)):
        discard(staged)
