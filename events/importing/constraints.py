"""Check constraints evaluated in Python, so validating 100,000 rows costs no query per row.

The conditions in our models are comparisons of a field with a constant or another field,
joined by AND/OR/NOT. Those are evaluated here with SQL's three-valued logic (a comparison
with NULL is unknown, and a CHECK passes unless it is false). Anything else falls back to
Django's own CheckConstraint.validate(), which asks the database.
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CheckConstraint, F, Q

UNKNOWN = None


class Unsupported(Exception):
    pass


def _value(instance, name):
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise Unsupported(name) from None
    if model_field.many_to_many or not model_field.concrete:
        raise Unsupported(name)
    return getattr(instance, model_field.attname)


def _compare(instance, lookup, expected):
    name, _, operator = lookup.partition("__")
    operator = operator or "exact"
    if "__" in operator:
        raise Unsupported(lookup)
    actual = _value(instance, name)
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(lookup)
    if operator == "isnull":
        return (actual is None) == bool(expected)
    if operator == "exact" and expected is None:
        return actual is None
    if actual is None:
        return UNKNOWN
    if operator == "in":
        return actual in expected
    if expected is None:
        return UNKNOWN
    comparisons = {
        "exact": lambda a, b: a == b,
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    if operator not in comparisons:
        raise Unsupported(lookup)
    return comparisons[operator](actual, expected)


def evaluate(condition, instance):
    """True, False or None (unknown) for a Q object on an unsaved instance."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(evaluate(child, instance))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_compare(instance, *child))
        else:
            raise Unsupported(child)
    if condition.connector == Q.AND:
        result = False if False in results else (UNKNOWN if UNKNOWN in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (UNKNOWN if UNKNOWN in results else False)
    else:
        raise Unsupported(condition.connector)
    if condition.negated and result is not UNKNOWN:
        result = not result
    return result


def check_constraints(instance):
    """Raise a ValidationError with every violated check constraint's own message."""
    errors = []
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            if evaluate(constraint.condition, instance) is False:
                errors.append(ValidationError(constraint.get_violation_error_message(), code=constraint.name))
        except Unsupported:
            try:
                constraint.validate(type(instance), instance)
            except ValidationError as error:
                errors.append(error)
    if errors:
        raise ValidationError(errors)
