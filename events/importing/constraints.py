"""Check constraints evaluated in Python, so validating 100,000 rows costs no query per row.

The conditions in our models are comparisons of a field with a constant or another field,
joined by AND/OR/NOT. Each is compiled once into a Python function with SQL's three-valued
logic (a comparison with NULL is unknown, and a CHECK passes unless it is false). Anything
else falls back to Django's own CheckConstraint.validate(), which asks the database.
"""

import operator
from functools import cache

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CheckConstraint, F, Q

UNKNOWN = None

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class Unsupported(Exception):
    pass


def _attname(model, name):
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise Unsupported(name) from None
    if model_field.many_to_many or not model_field.concrete:
        raise Unsupported(name)
    return model_field.attname


def _compile_lookup(model, lookup, expected):
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if "__" in kind:
        raise Unsupported(lookup)
    attname = _attname(model, name)
    if isinstance(expected, F):
        other = _attname(model, expected.name)

        def right(instance):
            return getattr(instance, other)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(lookup)
    else:

        def right(instance):
            return expected

    if kind == "isnull":
        return lambda instance: (getattr(instance, attname) is None) == bool(expected)
    if kind == "in":
        values = list(expected)

        def contains(instance):
            actual = getattr(instance, attname)
            return UNKNOWN if actual is None else actual in values

        return contains
    if kind not in COMPARISONS:
        raise Unsupported(lookup)
    compare = COMPARISONS[kind]

    def comparison(instance):
        actual, wanted = getattr(instance, attname), right(instance)
        if kind == "exact" and wanted is None:
            return actual is None
        if actual is None or wanted is None:
            return UNKNOWN
        return compare(actual, wanted)

    return comparison


def compile_condition(model, condition):
    """A function instance → True, False or None (unknown) for a Q object."""
    parts = []
    for child in condition.children:
        if isinstance(child, Q):
            parts.append(compile_condition(model, child))
        elif isinstance(child, tuple) and len(child) == 2:
            parts.append(_compile_lookup(model, *child))
        else:
            raise Unsupported(child)
    if condition.connector not in (Q.AND, Q.OR):
        raise Unsupported(condition.connector)
    conjunction, negated = condition.connector == Q.AND, condition.negated

    def evaluate(instance):
        unknown = False
        for part in parts:
            result = part(instance)
            if result is UNKNOWN:
                unknown = True
            elif result is not conjunction:
                # False in an AND, True in an OR decides the whole.
                value = not conjunction
                return (not value) if negated else value
        if unknown:
            return UNKNOWN
        return (not conjunction) if negated else conjunction

    return evaluate


@cache
def _checks(model):
    """(constraint, compiled condition or None when only the database can judge it) per check."""
    checks = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                checks.append((constraint, compile_condition(model, constraint.condition)))
            except Unsupported:
                checks.append((constraint, None))
    return checks


def evaluate(condition, instance):
    """True, False or None (unknown) for a Q object on an unsaved instance."""
    return compile_condition(type(instance), condition)(instance)


def check_constraints(instance):
    """Raise a ValidationError with every violated check constraint's own message."""
    errors = []
    for constraint, compiled in _checks(type(instance)):
        if compiled is not None:
            if compiled(instance) is False:
                errors.append(ValidationError(constraint.get_violation_error_message(), code=constraint.name))
            continue
        try:
            constraint.validate(type(instance), instance)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
