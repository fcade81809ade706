"""The database's verdict on a row it refused, in the words of the model's constraints.

Check constraints are judged by the database when the row is written, inside the import's
transaction; the importer saves a refused batch again row by row to find the refused
records. The error names the violated constraint (PostgreSQL in its diagnostics, SQLite in
its message); its violation_error_message is the report's message, the same as a form shows.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint

from .report import Problem

SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def violated_constraint_name(error):
    """The name of the constraint a database error reports, or ""."""
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    if name:
        return name
    found = SQLITE_CHECK.search(str(error))
    return found.group(1) if found else ""


def message_of(constraint):
    """The constraint's message as written ("占比不能超过 100%。" has a % of its own)."""
    try:
        return str(constraint.get_violation_error_message())
    except (TypeError, ValueError):
        return str(constraint.violation_error_message)


def constraint_problems(spec, record, instance, error):
    """Problems for a row the database refused: every check constraint it breaks, or the error."""
    name = violated_constraint_name(error)
    checks = [c for c in spec.model._meta.constraints if isinstance(c, CheckConstraint)]
    broken = [c for c in checks if c.name == name]
    # The database names the first constraint it found broken; Django asks it about the
    # others, so that one report lists all of them (a query each, on refused rows only).
    for constraint in checks:
        if constraint not in broken and _breaks(constraint, spec.model, instance):
            broken.append(constraint)
    if not broken:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
        return [
            Problem(
                record.location,
                f"数据库拒绝写入这条记录：{detail}",
                f"The database refused this record: {detail}",
                spec.label,
                record.key_text,
            )
        ]
    return [
        Problem(record.location, message_of(c), message_of(c), spec.label, record.key_text) for c in broken
    ]


def _breaks(constraint, model, instance):
    try:
        constraint.validate(model, instance)
    except ValidationError:
        return True
    except ValueError:
        # Django formats a violated constraint's message with %; "100%。" fails that way.
        return True
    return False
