"""Export content with natural keys as JSON, YAML, CSV or an .xlsx workbook, as import_content reads it.

Rows are read in chunks and written as they come, so a large export streams. Drafts and
scheduled rows are exported with published ones: an export is a copy of the content.
"""

import csv
import datetime
import decimal
import json
import re

import yaml
from django.core import serializers
from django.core.serializers.pyyaml import DjangoSafeDumper
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .readers import FORMULA_START
from .specs import EXPORTED_BY_NAME, registry

CHUNK_SIZE = 2000
FORMATS = ("json", "yaml", "csv", "xlsx")

PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(cell):
    """A CSV cell that a spreadsheet shows as text instead of running it: '=HYPERLINK(…).

    A cell that starts like a formula (OWASP's list: = + - @, tab, carriage return), after
    any apostrophes of its own, gets one more apostrophe in front; a plain number (-2) is
    left as it is. The importer takes exactly one apostrophe off such a cell
    (readers.cell_text), so every value survives export and import unchanged.
    """
    if isinstance(cell, str) and FORMULA_START.match(cell) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def queryset(spec):
    """Every row of a model, with what its natural keys need fetched in the same queries."""
    return (
        spec.model._default_manager.select_related(*[f.name for f in spec.foreign_keys])
        .prefetch_related(*[f.name for f in spec.many_to_many])
        .order_by("pk")
    )


def _chunks(spec):
    chunk = []
    for instance in queryset(spec).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(instance)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def records(specs):
    """Fixture records {"model", "fields"} with natural keys, model by model in dependency order."""
    for spec in specs:
        for chunk in _chunks(spec):
            yield from serializers.serialize(
                "python", chunk, use_natural_foreign_keys=True, use_natural_primary_keys=True
            )


def _plain(value):
    """Values as text a person reads: local times to the microsecond, decimals as written."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def write_json(stream, specs):
    stream.write("[")
    first = True
    for record in records(specs):
        stream.write("\n" if first else ",\n")
        first = False
        text = json.dumps(_plain(record), ensure_ascii=False, indent=2)
        stream.write("\n".join("  " + line for line in text.splitlines()))
    stream.write("\n]\n" if not first else "]\n")


def write_yaml(stream, specs):
    empty = True
    batch = []
    for record in records(specs):
        batch.append(_plain(record))
        if len(batch) >= CHUNK_SIZE:
            stream.write(_yaml_items(batch))
            batch, empty = [], False
    if batch or empty:
        stream.write(_yaml_items(batch) if batch else "[]\n")


def _yaml_items(batch):
    # Each chunk is written as list items; the chunks together are one list.
    return yaml.dump(
        batch, Dumper=DjangoSafeDumper, allow_unicode=True, default_flow_style=False, sort_keys=False
    )


def csv_cell(spec, instance, name):
    model_field = spec.fields_by_name[name]
    if model_field.many_to_many:
        target = registry().for_model(model_field.related_model)
        related = getattr(instance, name).all()
        return ";".join(sorted(_reference_text(target, item) for item in related))
    if model_field.is_relation:
        related = getattr(instance, name)
        if related is None:
            return ""
        return _reference_text(registry().for_model(model_field.related_model), related)
    value = getattr(instance, model_field.attname)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


def _reference_text(target, instance):
    """A reference in a CSV cell: a province by its name (北京市), anything else by its key."""
    if target.label in EXPORTED_BY_NAME:
        return instance.name
    return str(getattr(instance, target.key_field))


def write_csv(stream, spec, *, empty=False, rows=None):
    """One model as a CSV list with a header row (UTF-8 with BOM, so spreadsheets read it).

    With empty=True only the header is written: the model's CSV template. `rows` are the
    instances to write, their references fetched (the API's filtered lists); by default
    every row of the model.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(spec.columns)
    if empty:
        return
    if rows is None:
        rows = (instance for chunk in _chunks(spec) for instance in chunk)
    for instance in rows:
        writer.writerow([spreadsheet_safe(csv_cell(spec, instance, name)) for name in spec.columns])


def csv_template(spec):
    """The empty CSV file for a model: the header row of every column it accepts."""
    return ",".join(spec.columns) + "\r\n"


# -- workbooks ---------------------------------------------------------------------------------

# Characters a cell's XML cannot hold, and the start of an escape that a cell must not be
# mistaken for, written as Excel writes them (_x000D_); the importer reads them back.
XLSX_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x0d\x0e-\x1f]")
# The rows a template's drop-down lists apply to.
TEMPLATE_ROWS = 5000
# A reference column gets a drop-down list when its model has at most this many rows.
TEMPLATE_LIST_LIMIT = 100
HIDDEN_LISTS_SHEET = "选项"


def xlsx_text(text):
    return XLSX_ESCAPED.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def sheet_title(spec):
    """A model's sheet: its Chinese name, which the importer reads as the model."""
    return spec.verbose_name[:31]


def xlsx_header(spec):
    """Each column's Chinese label, or its field name where another column has the same label."""
    header = []
    for name in spec.columns:
        label = str(spec.fields_by_name[name].verbose_name)
        header.append(label if spec.column_aliases.get(label) == name else name)
    return header


def xlsx_cell(spec, instance, name, sheet):
    """A value as a cell: dates, numbers and yes/no as typed cells, text as text, never a formula.

    Timestamps are text (2023-11-06T09:30:00.123456+08:00): a spreadsheet's date-time has no
    time zone and keeps milliseconds only, and an export must import back unchanged.
    """
    model_field = spec.fields_by_name[name]
    if model_field.many_to_many:
        target = registry().for_model(model_field.related_model)
        value = "、".join(sorted(_reference_text(target, item) for item in getattr(instance, name).all()))
    elif model_field.is_relation:
        related = getattr(instance, name)
        value = (
            ""
            if related is None
            else _reference_text(registry().for_model(model_field.related_model), related)
        )
    else:
        value = getattr(instance, model_field.attname)
        if isinstance(value, datetime.datetime):
            value = _plain(value)
        elif isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, FieldFile):
            value = value.name or ""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=xlsx_text(value))
        cell.data_type = "s"  # "=SUM(…)" stays text
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def write_xlsx(target, specs, *, empty=False):
    """One workbook, one sheet per model in import order, header row first; streamed.

    `target` is a path or a binary file. Rows are written as they are read (openpyxl's
    write-only mode keeps each sheet in a temporary file, not in memory).
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in specs:
        sheet = workbook.create_sheet(sheet_title(spec))
        sheet.freeze_panes = "A2"
        header = []
        for title in xlsx_header(spec):
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        if empty:
            continue
        for chunk in _chunks(spec):
            for instance in chunk:
                sheet.append([xlsx_cell(spec, instance, name, sheet) for name in spec.columns])
    workbook.save(target)


def _template_choices(spec, name):
    """The values a column's drop-down offers: labels of choices, names of a short list, 是/否."""
    model_field = spec.fields_by_name[name]
    if model_field.many_to_many:
        return []
    if model_field.is_relation:
        target = registry().for_model(model_field.related_model)
        column = "name" if "name" in target.reference_fields else target.key_field
        if column is None:
            return []
        rows = target.model._base_manager.order_by("pk").values_list(column, flat=True)
        values = list(rows[: TEMPLATE_LIST_LIMIT + 1])
        return values if len(values) <= TEMPLATE_LIST_LIMIT else []
    if model_field.choices:
        return [str(label) for value, label in model_field.flatchoices if value != ""]
    if model_field.get_internal_type() == "BooleanField":
        return ["是", "否"]
    return []


def write_xlsx_template(target, spec):
    """A model's empty workbook: Chinese headers, and drop-down lists where the values are few.

    The lists live on a hidden sheet (a list written into the validation itself is limited to
    255 characters); the importer passes hidden sheets over, so the template imports as it is.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(spec)
    sheet.append(xlsx_header(spec))
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    lists = None
    for position, name in enumerate(spec.columns, 1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(10, 2 * len(str(sheet.cell(1, position).value)) + 2)
        choices = _template_choices(spec, name)
        if not choices:
            continue
        if lists is None:
            lists = workbook.create_sheet(HIDDEN_LISTS_SHEET)
            lists.sheet_state = "hidden"
        column = lists.max_column + 1 if lists.max_row > 1 or lists.cell(1, 1).value else 1
        lists.cell(1, column, str(spec.fields_by_name[name].verbose_name))
        for row, choice in enumerate(choices, 2):
            lists.cell(row, column, xlsx_text(str(choice)))
        list_letter = get_column_letter(column)
        validation = DataValidation(
            type="list",
            formula1=f"'{HIDDEN_LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(choices) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="不是可选的值",
            error=f"请从下拉列表中选择{spec.fields_by_name[name].verbose_name}。",
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    workbook.save(target)
