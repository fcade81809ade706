"""Generated files through the JSON, YAML and CSV readers: a clean report or a clean import.

Structures, numbers, text and nesting are generated around the real models' fields, so that
most examples reach validation rather than stopping at the first unknown name. Whatever the
file, the importer returns a report: it never raises, and a report with problems wrote nothing.
"""

import csv
import io
import json

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from events.importing.importer import run_import
from events.importing.readers import Source
from events.importing.specs import registry

from .content_io import counts

pytestmark = pytest.mark.django_db

SPECS = list(registry())
LABELS = [spec.label for spec in SPECS]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        ["2023-11-06", "2023-02-30", "0", "-1", "1e999", "北京", "110000", "true", "\x00", "=1+1"]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def records(draw):
    spec = draw(st.sampled_from(SPECS))
    names = draw(st.lists(st.sampled_from(spec.columns), max_size=len(spec.columns), unique=True))
    fields = {name: draw(values) for name in names}
    if draw(st.booleans()):
        fields[draw(st.text(max_size=8))] = draw(values)
    record = {
        "model": draw(st.one_of(st.just(spec.label), st.sampled_from(LABELS), values)),
        "fields": fields,
    }
    return draw(st.one_of(st.just(record), values))


fixtures = st.lists(records(), max_size=5)
fuzz_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_clean(path, before, csv_model=""):
    report = run_import([Source(path, csv_model=csv_model)])

    assert report.ok or counts() == before
    for problem in report.problems:
        assert problem.location.file == path.name
        assert problem.message


def deeply_nested(depth):
    return "[" * depth + "]" * depth


@fuzz_settings
@given(content=fixtures.map(lambda items: json.dumps(items, ensure_ascii=False)))
@example(
    content="["
    + json.dumps({"model": "events.category", "fields": {"slug": "x", "name": 0}})[:-2]
    + "1" * 5000
    + "}}]"
)
@example(content=f'[{{"model": "events.category", "fields": {{"slug": {deeply_nested(5000)}}}}}]')
@example(content='[{"model": "events.edition", "fields": {"year": 1e99999}}]')
# Found by this test once: an image given as null.
@example(content='[{"model": "events.event", "fields": {"slug": "x", "image": null}}]')
def test_generated_json_is_reported_or_imported_never_a_crash(db, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.json"
    path.write_text(content, encoding="utf-8")

    assert_clean(path, counts())


@fuzz_settings
@given(raw=st.binary(max_size=200))
@example(raw=b'[{"model": "events.category", "fields": {"slug": "\\ud800"}}]')
@example(raw=b"[" + b"-" * 100 + b"]")
def test_arbitrary_bytes_after_a_bracket_are_reported_never_a_crash(db, tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.json"
    path.write_bytes(b"[" + raw)

    assert_clean(path, counts())


@fuzz_settings
@given(content=fixtures.map(lambda items: yaml.safe_dump(items, allow_unicode=True)))
@example(content="- model: events.edition\n  fields: {year: .inf}\n")
@example(content="- &a [*a]\n")
@example(content=f"- model: events.category\n  fields: {{slug: {deeply_nested(5000)}}}\n")
def test_generated_yaml_is_reported_or_imported_never_a_crash(db, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"
    path.write_text(content, encoding="utf-8")

    assert_clean(path, counts())


@st.composite
def csv_files(draw):
    spec = draw(st.sampled_from(SPECS))
    columns = draw(st.lists(st.sampled_from(spec.columns), min_size=1, unique=True))
    cells = st.one_of(
        st.text(max_size=20),
        values.map(lambda value: json.dumps(value, ensure_ascii=False)),
        st.sampled_from([deeply_nested(3000), "9" * 5000, "\x00", "1e999", "是", "四川省;;北京"]),
    )
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns) + 1), max_size=4))
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(columns)
    writer.writerows(rows)
    return spec.name, stream.getvalue()


@fuzz_settings
@given(generated=csv_files())
def test_generated_csv_is_reported_or_imported_never_a_crash(db, tmp_path_factory, generated):
    model, content = generated
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.csv"
    path.write_text(content, encoding="utf-8")

    assert_clean(path, counts(), csv_model=model)
