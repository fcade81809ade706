"""Every natural key an import has met, and where: kept on disk so that memory stays flat.

Catching a duplicate key in a file of a million records means remembering a million keys.
Held in a dict they cost a few hundred bytes each; here they go to a throwaway SQLite file
beside the process (Python's own sqlite3, whatever the site's database), with a small page
cache, so an import's memory no longer grows with its input.
"""

import sqlite3
import tempfile
from pathlib import Path

from .report import Location

CACHE_KIB = 4096
SEPARATOR = "\x1f"  # joins the parts of a composite key (event slug, key)


class KeyLedger:
    def __init__(self):
        self.folder = tempfile.TemporaryDirectory(prefix="skillsite-import-")
        self.db = sqlite3.connect(Path(self.folder.name) / "keys.sqlite3", isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(
            "CREATE TABLE seen (model INTEGER, key TEXT, place INTEGER, PRIMARY KEY (model, key))"
            " WITHOUT ROWID"
        )
        self.db.execute("BEGIN")
        self.models = {}
        self.files = {}

    def _model(self, label):
        return self.models.setdefault(label, len(self.models))

    @staticmethod
    def _key(key):
        return key[0] if len(key) == 1 else SEPARATOR.join(str(part) for part in key)

    def add(self, label, key, location):
        """Remember a key; if it was met before, return where (and keep the first place)."""
        file_number = self.files.setdefault((location.file, location.sheet), len(self.files))
        number = location.record if location.record is not None else location.line
        place = (file_number << 40) | (number << 1) | (location.record is None)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (self._model(label), self._key(key), place)
        )
        return None if cursor.rowcount == 1 else self.get(label, key)

    def get(self, label, key):
        """Where a key was first met, or None."""
        row = self.db.execute(
            "SELECT place FROM seen WHERE model = ? AND key = ?", (self._model(label), self._key(key))
        ).fetchone()
        if row is None:
            return None
        place = row[0]
        (file, sheet), number = list(self.files)[place >> 40], (place & ((1 << 40) - 1)) >> 1
        if place & 1:
            return Location(file, line=number, sheet=sheet)
        return Location(file, record=number, sheet=sheet)

    def close(self):
        self.db.close()
        self.folder.cleanup()
