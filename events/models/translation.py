"""The English edition's content: a plain `_en` twin beside each translated field.

Chinese stays the source and is always required; an English twin may be empty, and then
the Chinese text is shown with a notice. `obj.localized.title` is the text to show in the
active language.
"""

from django.utils.translation import get_language

ENGLISH = "en"


def english_active():
    return (get_language() or "").startswith(ENGLISH)


class LocalizedView:
    """Reads `name_en` instead of `name` when English is active and the twin is filled."""

    __slots__ = ("_object",)

    def __init__(self, obj):
        self._object = obj

    def __getattr__(self, name):
        obj = self._object
        if name in obj.english_fields and english_active():
            value = getattr(obj, f"{name}_en")
            if value:
                return value
        return getattr(obj, name)


class EnglishTwins:
    """A model with `_en` twins of `english_fields`; the first of them names the item."""

    english_fields = ()

    @property
    def localized(self):
        return LocalizedView(self)

    @property
    def lacks_english(self):
        """English is being read and this item has no English name yet: shown in Chinese."""
        return english_active() and not getattr(self, f"{self.english_fields[0]}_en")
