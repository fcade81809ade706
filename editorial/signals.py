"""Signals the workflow sends, so content apps can react without the workflow knowing them."""

from django.dispatch import Signal

# An item's changes reached the public: sent with `item` and `previous_addresses`
# ({(model, pk): url} of its rows' pages as the public knew them before), so the content app
# can keep renamed pages answering at their old addresses.
item_published = Signal()
