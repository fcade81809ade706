"""The importer judges check constraints in Python exactly as the database does."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint

from events.importing.constraints import check_constraints
from events.models import (
    Award,
    Event,
    KeyFigure,
    Magnitude,
    Milestone,
    Qualifier,
    QualifierPosition,
    TrainingBaseBatch,
)

pytestmark = pytest.mark.django_db


def database_says_valid(instance):
    """Django's own CheckConstraint.validate, which asks the database."""
    for constraint in instance._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                constraint.validate(type(instance), instance)
            except ValidationError:
                return False
            except ValueError:
                # Django formats the message of a violated constraint with %, and
                # "占比不能超过 100%。" is not a valid format: the violation shows as ValueError.
                return False
    return True


def python_says_valid(instance):
    try:
        check_constraints(instance)
    except ValidationError:
        return False
    return True


def cases():
    for qualifier, position, magnitude, value in itertools.product(
        Qualifier.values,
        QualifierPosition.values,
        Magnitude.values,
        [Decimal("-1"), Decimal("0"), Decimal("12")],
    ):
        yield KeyFigure(qualifier=qualifier, qualifier_position=position, magnitude=magnitude, value=value)
    days = [datetime.date(2023, 5, 1), datetime.date(2023, 12, 1)]
    for start, end in itertools.product(days, [None, *days]):
        yield Milestone(date=start, end_date=end)
    for session in [None, 0, 1, 16]:
        yield Award(session_number=session)
    for share in [None, 0, 80, 100, 101]:
        yield TrainingBaseBatch(main_host_share=share)
    for year, rank in itertools.product([1948, 1949, 2023, 2100, 2101], [0, 1, 10]):
        yield Event(year=year, rank=rank)


def test_every_combination_is_judged_as_the_database_judges_it():
    disagreements = [
        instance.__dict__
        for instance in cases()
        if python_says_valid(instance) != database_says_valid(instance)
    ]

    assert disagreements == []


def test_a_message_with_a_percent_sign_is_reported_as_written():
    with pytest.raises(ValidationError) as error:
        check_constraints(TrainingBaseBatch(main_host_share=101))

    assert error.value.messages == ["占比不能超过 100%。"]


def test_a_violation_carries_the_constraints_own_message():
    figure = KeyFigure(qualifier="近", qualifier_position="after_unit", magnitude="", value=Decimal("-1"))

    with pytest.raises(ValidationError) as error:
        check_constraints(figure)

    assert "数值不能为负数。" in error.value.messages
    assert any(message.startswith("限定词与其位置不相符") for message in error.value.messages)
