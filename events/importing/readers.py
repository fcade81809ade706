"""Streaming readers: one record at a time from JSON and YAML fixtures, CSV lists and workbooks.

None of them holds a whole file: JSON is parsed incrementally (ijson), YAML is composed one
list item at a time from the parser's events, CSV is read row by row in whatever encoding
Excel or WPS saved it, and an .xlsx workbook sheet by sheet, row by row (openpyxl's
read-only parser). A file that cannot be read any further raises SourceError; a record that
is malformed is yielded with its problem.

CSV lists and sheets are tables as people write them: the header row names each column by
field name or by the field's Chinese label, in any order, and may sit below a title row; a
序号 column and columns without a header are ignored, and so are empty rows.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from xml.etree.ElementTree import ParseError

import ijson
import yaml
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse
from yaml import events as yaml_events
from yaml import nodes

from .limits import (
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    MAX_RECORD_BYTES,
    MAX_RECORD_VALUES,
    MAX_STRING_BYTES,
    MAX_WORKBOOK_CELLS,
    GuardedJSON,
    LimitExceeded,
    WorkbookRefused,
    check_workbook,
    number_too_long,
    record_too_large,
    string_too_long,
    too_deep,
    too_many_cells,
    too_many_values,
)
from .report import Location, Problem
from .specs import registry

# .xlsm is known only to be refused: a workbook with macros is not read.
FORMATS = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}

NOT_UTF8 = "文件不是 UTF-8 编码（可能是 GBK 或 UTF-16）。"
NOT_UTF8_EN = "The file is not UTF-8 (perhaps GBK or UTF-16); "
ENCODING_HINTS = {
    "json": (
        NOT_UTF8 + "JSON 文件须用 UTF-8 保存：请在编辑器中另存为 UTF-8 后再导入。",
        NOT_UTF8_EN + "JSON must be UTF-8: save it as UTF-8 and import it again.",
    ),
    "yaml": (
        NOT_UTF8 + "YAML 文件须用 UTF-8 保存：请在编辑器中另存为 UTF-8 后再导入。",
        NOT_UTF8_EN + "YAML must be UTF-8: save it as UTF-8 and import it again.",
    ),
}


def encoding_problem(source, **place):
    """The problem of a file that is not UTF-8, in the words of its own format."""
    return Problem(Location(source.name, **place), *ENCODING_HINTS[source.format])


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Several values in one cell: 北京、天津, 北京;天津, 北京，天津, one per line…
CSV_LIST_SEPARATORS = re.compile(r"[;；、|,，\r\n]")
# A CSV cell that starts like a spreadsheet formula, after any apostrophes (see exporting).
FORMULA_START = re.compile("'*[=+\\-@\t\r]")


class SourceError(Exception):
    """The file cannot be read on: its problems say where and why."""

    def __init__(self, *problems):
        super().__init__(problems[0].message if problems else "")
        self.problems = list(problems)


@dataclass
class RawRecord:
    location: Location
    label: str = ""
    fields: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    from_csv: bool = False


@dataclass
class Source:
    """A file to import, named as the person gave it."""

    path: Path
    name: str = ""
    format: str = ""
    csv_model: str = ""
    # Values every row shares when it gives none ({field name: value}): --set, or the admin page.
    shared: dict = field(default_factory=dict)
    # What the reader learnt about the file (its encoding, its sheets), for the report.
    notes: list = field(default_factory=list)

    def __post_init__(self):
        self.path = Path(self.path)
        self.name = self.name or self.path.name
        self.format = self.format or FORMATS.get(Path(self.name).suffix.lower(), "")

    @property
    def size(self):
        return self.path.stat().st_size


class ProgressFile(io.RawIOBase):
    """A binary file that reports how far it has been read, for the progress display."""

    def __init__(self, raw, on_read):
        self.raw = raw
        self.on_read = on_read

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self.raw.readinto(buffer)
        if count:
            self.on_read(count)
        return count

    def seek(self, offset, whence=io.SEEK_SET):
        return self.raw.seek(offset, whence)

    def tell(self):
        return self.raw.tell()

    def seekable(self):
        return True


def read(source, on_read=lambda count: None):
    """The records of one source, in file order."""
    if not source.format:
        raise SourceError(
            Problem(
                Location(source.name),
                "不支持的文件类型：请使用 .json、.yaml、.yml、.csv 或 .xlsx 文件。"
                + (
                    "旧版 Excel 97-2003 工作簿（.xls）请在 Excel 或 WPS 中另存为 .xlsx。"
                    if source.name.lower().endswith(".xls")
                    else ""
                ),
                "Unsupported file type: use .json, .yaml, .yml, .csv or .xlsx.",
            )
        )
    reader = {"json": read_json, "yaml": read_yaml, "csv": read_csv, "xlsx": read_xlsx}[source.format]
    with source.path.open("rb") as raw:
        yield from reader(source, io.BufferedReader(ProgressFile(raw, on_read), buffer_size=256 * 1024))


def _skip_utf8_bom(stream, source):
    head = stream.read(4)
    if head.startswith(UTF16_BOMS):
        raise SourceError(encoding_problem(source))
    stream.seek(3 if head.startswith(codecs.BOM_UTF8) else 0)
    return head


def _record_from_mapping(item, location):
    """A fixture entry {"model": ..., "fields": {...}} as a record; anything else is a problem."""
    if not isinstance(item, dict):
        return RawRecord(
            location,
            problems=[
                Problem(location, "记录应为对象（含 model 和 fields）。", "A record must be an object.")
            ],
        )
    record = RawRecord(location, label=str(item.get("model") or "").lower())
    unknown = set(item) - {"model", "fields", "pk"}
    if unknown:
        record.problems.append(
            Problem(
                location,
                f"未知的键：{', '.join(sorted(map(str, unknown)))}。"
                "记录只能有 model、fields（以及被忽略的 pk）。",
                f"Unknown keys: {', '.join(sorted(map(str, unknown)))}.",
            )
        )
    if not record.label:
        record.problems.append(Problem(location, "缺少 model。", "The record has no model."))
    fields = item.get("fields")
    if not isinstance(fields, dict):
        record.problems.append(
            Problem(location, "缺少 fields，或 fields 不是对象。", "fields is missing or not an object.")
        )
    else:
        record.fields = fields
    return record


def read_json(source, stream):
    _skip_utf8_bom(stream, source)
    start = stream.tell()
    first = b""
    while (char := stream.read(1)) and char.isspace():
        continue
    first = char
    if first != b"[":
        raise SourceError(
            Problem(
                Location(source.name),
                "JSON 文件应是一个记录数组（以 [ 开头），与 dumpdata 导出的格式相同。",
                "A JSON fixture must be an array of records, as dumpdata writes it.",
            )
        )
    stream.seek(start)
    number = 0
    guarded = GuardedJSON(stream)
    try:
        for number, item in enumerate(ijson.items(guarded, "item", use_float=False), 1):
            yield _record_from_mapping(item, Location(source.name, record=number))
    except LimitExceeded as error:
        raise SourceError(_limit_problem(source, error, max(error.record or 0, number + 1))) from None
    except ijson.JSONError as error:
        detail = str(error.args[0] if error.args else error)
        if isinstance(error.args[0] if error.args else None, bytes) or "UTF8" in detail:
            raise SourceError(encoding_problem(source, record=number + 1)) from None
        first_line = detail.strip().splitlines()[0] if detail.strip() else "invalid JSON"
        raise SourceError(_json_problem(source, number, first_line[:200])) from None
    except (ValueError, ArithmeticError) as error:
        # A number the parser could not convert (the guard keeps numbers short; this is
        # the last line of defence).
        raise SourceError(
            _json_problem(source, number, f"无法读取的数值（{error.__class__.__name__}）")
        ) from None


def _json_problem(source, number, detail):
    return Problem(
        Location(source.name, record=number + 1),
        f"JSON 格式错误（在第 {number} 条记录之后）：{detail}",
        f"Invalid JSON after record {number}: {detail}",
    )


def _limit_problem(source, error, record, line=None, sheet=None):
    return Problem(
        Location(source.name, record=record, line=line, sheet=sheet),
        f"文件超出导入限制：{error.message}请检查文件是否完整、正确。",
        f"The file exceeds an import limit: {error.message_en}",
    )


class _FixtureLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """Safe YAML, but dates stay text so that 2023-02-30 gets the same message as in JSON."""


_FixtureLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


class _Composer:
    """Build the node of one list item from parser events, so a list is read item by item.

    Counts what the item would be once its aliases are expanded, so that a few hundred bytes
    of nested aliases ("billion laughs") are refused instead of turned into gigabytes; and
    bounds its nesting, its numbers, its text and its size in the file.
    """

    def __init__(self, loader):
        self.loader = loader
        self.anchors = {}  # anchor name: (node, expanded size)
        self.values = 0
        self.start = 0

    def item(self, event):
        self.values = 0
        self.start = event.start_mark.index
        return self.compose(event, 1)

    def _count(self, size, event):
        self.values += size
        if self.values > MAX_RECORD_VALUES:
            raise too_many_values()
        if event.end_mark.index - self.start > MAX_RECORD_BYTES:
            raise record_too_large()

    def compose(self, event, depth):
        if depth > MAX_DEPTH:
            raise too_deep()
        loader = self.loader
        if isinstance(event, yaml_events.AliasEvent):
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor}", event.start_mark
                )
            node, size = self.anchors[event.anchor]
            self._count(size, event)
            return node
        before = self.values
        if isinstance(event, yaml_events.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(nodes.ScalarNode, event.value, event.implicit)
            if len(event.value) > MAX_STRING_BYTES:
                raise string_too_long()
            if tag in _NUMBER_TAGS and len(event.value) > MAX_NUMBER_LENGTH:
                raise number_too_long()
            node = nodes.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            self._count(1, event)
        elif isinstance(event, yaml_events.SequenceStartEvent):
            tag = (
                event.tag
                if event.tag not in (None, "!")
                else loader.resolve(nodes.SequenceNode, None, event.implicit)
            )
            node = nodes.SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            self._count(1, event)
            while not isinstance(child := loader.get_event(), yaml_events.SequenceEndEvent):
                node.value.append(self.compose(child, depth + 1))
            node.end_mark = child.end_mark
        elif isinstance(event, yaml_events.MappingStartEvent):
            tag = (
                event.tag
                if event.tag not in (None, "!")
                else loader.resolve(nodes.MappingNode, None, event.implicit)
            )
            node = nodes.MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            self._count(1, event)
            while not isinstance(child := loader.get_event(), yaml_events.MappingEndEvent):
                key = self.compose(child, depth + 1)
                node.value.append((key, self.compose(loader.get_event(), depth + 1)))
            node.end_mark = child.end_mark
        else:
            raise yaml.composer.ComposerError(
                None, None, f"unexpected {event.__class__.__name__}", event.start_mark
            )
        if getattr(event, "anchor", None):
            self.anchors[event.anchor] = (node, self.values - before)
        return node


def read_yaml(source, stream):
    _skip_utf8_bom(stream, source)
    loader = _FixtureLoader(stream)
    # The record being read: a parse error belongs to it, not to the one after.
    current = 1
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml_events.StreamEndEvent):
            return
        loader.get_event()  # document start
        if loader.check_event(yaml_events.DocumentEndEvent):
            return
        if not loader.check_event(yaml_events.SequenceStartEvent):
            raise SourceError(
                Problem(
                    Location(source.name),
                    "YAML 文件应是一个记录列表（每条以 - model: 开头），与 dumpdata 导出的格式相同。",
                    "A YAML fixture must be a list of records, as dumpdata writes it.",
                )
            )
        loader.get_event()
        composer = _Composer(loader)
        number = 0
        while True:
            current = number + 1
            event = loader.get_event()
            if isinstance(event, yaml_events.SequenceEndEvent):
                break
            number = current
            node = composer.item(event)
            location = Location(source.name, record=number, line=node.start_mark.line + 1)
            yield _record_from_mapping(loader.construct_document(node), location)
    except LimitExceeded as error:
        raise SourceError(_limit_problem(source, error, current)) from None
    except yaml.reader.ReaderError:
        raise SourceError(encoding_problem(source, record=current)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = getattr(error, "problem", None) or str(error)
        raise SourceError(
            Problem(
                Location(source.name, record=current, line=line),
                f"YAML 格式错误：{detail}",
                f"Invalid YAML: {detail}",
            )
        ) from None
    except (ValueError, ArithmeticError) as error:
        # A value the YAML constructor could not build (an out-of-range date or number).
        raise SourceError(
            Problem(
                Location(source.name, record=current),
                f"YAML 中有无法读取的值：{str(error)[:200]}",
                f"A value in the YAML cannot be read: {str(error)[:200]}",
            )
        ) from None
    finally:
        loader.dispose()


# -- tables: CSV lists and workbook sheets ---------------------------------------------------

# The header row is looked for among the first rows that are not empty: above it may sit a
# title (a merged cell: 2023年国家级高技能人才培训基地名单) and a note or two.
HEADER_SEARCH_ROWS = 10
# Columns a person adds for their own use, ignored unless the model has a field so named
# (an event's 序号 is its rank).
IGNORED_HEADERS = {"序号"}
WHITESPACE = re.compile(r"\s+")


def _spec_for_list(source):
    """The model a CSV list or a workbook's only sheet holds: as chosen, or from the file name."""
    return registry().get(source.csv_model) if source.csv_model else registry().for_csv_file(source.name)


def _no_model_problem(source):
    names = "、".join(s.name for s in registry())
    return Problem(
        Location(source.name),
        f"无法从文件名判断 CSV 的内容类型。文件名应以内容类型开头（{names}），或另行指定类型。",
        "Cannot tell the content type from the CSV file name; start the name with one of "
        f"{', '.join(s.name for s in registry())} or give the type.",
    )


def header_key(title):
    """A header cell as it is matched: without spaces, line breaks or a required-mark, any case."""
    return WHITESPACE.sub("", str(title)).strip("*＊").lower()


_HEADER_ALIASES = {}


def header_aliases(spec):
    """{header key: field name} for every name and label a column of the model may have."""
    if spec.label not in _HEADER_ALIASES:
        _HEADER_ALIASES[spec.label] = {header_key(title): name for title, name in spec.column_aliases.items()}
    return _HEADER_ALIASES[spec.label]


def _filled(cell):
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


def _find_header(spec, rows):
    """(row number, cells, rows read after it) of the header, or (None, [], []) for no rows at all.

    The header is the first row, among the first few that are not empty, whose cells mostly
    name columns of the model. Failing that, the first row that is not empty is taken, and
    its unknown columns are reported.
    """
    aliases = header_aliases(spec)
    seen = []
    for number, cells in rows:
        keys = [header_key(cell) for cell in cells if _filled(cell)]
        if not keys:
            continue
        seen.append((number, cells))
        known = sum(key in aliases for key in keys)
        ignored = sum(key in IGNORED_HEADERS and key not in aliases for key in keys)
        if known and 2 * (known + ignored) > len(keys):
            return number, cells, []
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        return None, [], []
    number, cells = seen[0]
    return number, cells, seen[1:]


def _table_columns(spec, header, location, provided=()):
    """The field of each header cell, None for a column to ignore; SourceError for bad headers.

    A required column may be missing if its value is `provided` for every row (--set).
    """
    aliases = header_aliases(spec)
    problems, columns = [], []
    for title in header:
        key = header_key(title) if _filled(title) else ""
        name = aliases.get(key)
        if name is None and (not key or key in IGNORED_HEADERS):
            columns.append(None)
            continue
        if name is None:
            accepted = "、".join(
                f"{spec.fields_by_name[column].verbose_name}（{column}）" for column in spec.columns
            )
            problems.append(
                Problem(
                    location,
                    f"未知的列「{title}」。{spec.verbose_name}可用的列（中文名或字段名均可）：{accepted}。",
                    f"Unknown column {str(title)!r}; the columns of {spec.name} are "
                    f"{', '.join(spec.columns)}.",
                    spec.label,
                    field=str(title),
                )
            )
        elif name in columns:
            problems.append(
                Problem(location, f"列「{title}」重复。", f"Column {str(title)!r} appears twice.", spec.label)
            )
        columns.append(name)
    missing = [name for name in spec.required_columns if name not in columns and name not in provided]
    if missing:
        problems.append(
            Problem(
                location,
                f"缺少必需的列：{', '.join(missing)}。",
                f"Required columns missing: {', '.join(missing)}.",
                spec.label,
            )
        )
    if problems:
        raise SourceError(*problems)
    return columns


def _table_records(spec, rows, source, *, to_text, sheet=None):
    """The records of a table: `rows` are (row number, cells); `to_text` reads a cell for a field."""
    number, header, after = _find_header(spec, rows)
    if number is None and sheet is not None:
        return  # an empty sheet
    location = Location(source.name, line=number or 1, sheet=sheet)
    columns = _table_columns(spec, header, location, provided=source.shared)
    while columns and columns[-1] is None:
        columns.pop()
    where = f"工作表「{sheet}」：" if sheet is not None else ""
    if number and number > 1:
        source.notes.append(f"{where}表头在第 {number} 行，上面的标题行已跳过")
    fields = [spec.fields_by_name[name] if name else None for name in columns]
    for number, cells in chain(after, rows):
        width = len(cells)
        while width and not _filled(cells[width - 1]):
            width -= 1
        if not width:
            continue
        location = Location(source.name, line=number, sheet=sheet)
        record = RawRecord(location, label=spec.label, from_csv=True)
        if width > len(columns):
            record.problems.append(
                Problem(
                    location,
                    f"这一行有 {width} 列，表头有 {len(columns)} 列"
                    + (f"：{get_column_letter(width)} 列有内容但没有表头。" if sheet is not None else "。"),
                    f"This line has {width} cells; the header has {len(columns)}.",
                    spec.label,
                )
            )
        else:
            record.fields = {
                name: to_text(model_field, cells[position] if position < len(cells) else None)
                for position, (name, model_field) in enumerate(zip(columns, fields, strict=True))
                if name is not None
            }
        yield record


# -- CSV ---------------------------------------------------------------------------------------

# The bytes looked at to tell a file's encoding, from its first byte that is not ASCII.
ENCODING_SAMPLE = 64 * 1024
# NUL bytes at the start of a file that make it binary (or UTF-16 without its BOM), not text.
BINARY_NULS = 4
NOT_ASCII = re.compile(rb"[\x80-\xff]")
# Bytes of valid multi-byte UTF-8 (three Chinese characters) that make a file UTF-8.
UTF8_EVIDENCE = 9
ENCODING_NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}


def _not_text(source, detail, detail_en, **place):
    return SourceError(
        Problem(
            Location(source.name, **place),
            f"这不是文本格式的 CSV 文件：{detail}请在表格软件中另存为 CSV（逗号分隔）后再导入。",
            f"This is not a text CSV file: {detail_en} Save it as CSV and import it again.",
        )
    )


def detect_encoding(stream, source):
    """(codec, label) of a CSV file, its BOM skipped: the stream is left where the text starts.

    A BOM says UTF-8 or UTF-16. Otherwise the bytes from the first that is not ASCII are tried
    as strict UTF-8, then as GB18030 (which reads GBK and GB2312 too); a file all ASCII is
    both. Only a sample is read, so a file of any size is judged in constant memory.
    """
    head = stream.read(4)
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), *zip(UTF16_BOMS, ("utf-16-le", "utf-16-be"), strict=True)):
        if head.startswith(bom):
            stream.seek(len(bom))
            return codec, f"{ENCODING_NAMES[codec]}（带 BOM）"
    stream.seek(0)
    first = stream.read(ENCODING_SAMPLE)
    if first.startswith(b"PK\x03\x04"):
        raise _not_text(
            source,
            "它是一个 Excel 工作簿（.xlsx）。请把文件扩展名改为 .xlsx 再导入，",
            "it is an Excel workbook (.xlsx): rename it to .xlsx, or",
        )
    if first.count(b"\x00") >= BINARY_NULS:
        raise _not_text(
            source,
            "文件中有空字节（NUL），可能是二进制文件或不带 BOM 的 UTF-16。",
            "it holds NUL bytes (binary, or UTF-16 without a BOM).",
        )
    chunk = first
    while chunk and not (found := NOT_ASCII.search(chunk)):
        chunk = stream.read(ENCODING_SAMPLE)
    stream.seek(0)
    if not chunk:
        return "utf-8", "UTF-8"
    sample = chunk[found.start() : found.start() + ENCODING_SAMPLE]
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)("strict").decode(sample, final=len(sample) < ENCODING_SAMPLE)
        except UnicodeDecodeError as error:
            # A few characters of GBK may happen to be UTF-8 ("省" is); a run of them is not.
            # A file that starts in UTF-8 and goes on in GBK is read as UTF-8, and the line
            # where it stops being UTF-8 is named.
            if codec == "utf-8" and len(NOT_ASCII.findall(sample, 0, error.start)) >= UTF8_EVIDENCE:
                return codec, ENCODING_NAMES[codec]
            continue
        return codec, ENCODING_NAMES[codec]
    raise _not_text(
        source,
        "它既不是 UTF-8 也不是 GB18030（GBK）编码的文本。",
        "it is neither UTF-8 nor GB18030 (GBK) text.",
    )


def read_csv(source, stream):
    spec = _spec_for_list(source)
    if spec is None:
        raise SourceError(_no_model_problem(source))
    codec, label = detect_encoding(stream, source)
    source.notes.append(f"编码：{label}")
    text = None
    if codec.startswith("utf-16"):
        # A line break may fall inside a UTF-16 character's bytes: decoded as a stream.
        text = io.TextIOWrapper(stream, encoding=codec, errors="strict", newline="")
        lines = _BoundedLines(text.readline)
    else:
        # UTF-8 and GB18030 never use the byte of a line break inside a character: each line
        # is decoded as it is read, so a byte that is not text is found on its own line.
        lines = _BoundedLines(stream.readline, codecs.getincrementaldecoder(codec)("strict").decode)
    line = 0
    try:
        head = []
        while len(head) < HEADER_SEARCH_ROWS:
            lines.begin_row()
            if (next_line := next(lines, None)) is None:
                break
            head.append(next_line)
        tabs, commas = sum(x.count("\t") for x in head), sum(x.count(",") for x in head)
        dialect = csv.excel_tab if tabs > commas else csv.excel
        reader = csv.reader(chain(head, lines), dialect)

        def rows():
            nonlocal line
            while True:
                start = line + 1
                lines.begin_row()
                try:
                    row = next(reader)
                except StopIteration:
                    return
                line = reader.line_num
                yield start, row

        yield from _table_records(
            spec, rows(), source, to_text=lambda model_field, cell: cell_text(cell or "")
        )
    except LimitExceeded as error:
        raise SourceError(_limit_problem(source, error, None, line=lines.number)) from None
    except UnicodeDecodeError:
        name = ENCODING_NAMES[codec]
        raise _not_text(
            source,
            f"第 {lines.number} 行有不能按 {name} 读取的字节（文件的开头是 {name}）："
            "文件可能混用了几种编码。",
            f"line {lines.number} holds bytes that are not {name}, as the start of the file is.",
            line=lines.number,
        ) from None
    except csv.Error as error:
        raise SourceError(
            Problem(Location(source.name, line=line), f"CSV 格式错误：{error}", f"Invalid CSV: {error}")
        ) from None
    finally:
        if text is not None:
            text.detach()


class _BoundedLines:
    """The lines of a CSV file for csv.reader, no row (its quoted line breaks included) over the limit.

    `readline` reads a line, bounded; `decode` turns a line of bytes into text, if it is bytes.
    `number` is the number of the line read last.
    """

    def __init__(self, readline, decode=None):
        self.readline = readline
        self.decode = decode
        self.row_size = 0
        self.number = 0

    def __iter__(self):
        return self

    def begin_row(self):
        self.row_size = 0

    def __next__(self):
        line = self.readline(MAX_RECORD_BYTES + 1)
        if not line:
            if self.decode is not None:
                self.decode(b"", True)  # a character cut short at the end of the file
            raise StopIteration
        self.number += 1
        self.row_size += len(line)
        if self.row_size > MAX_RECORD_BYTES:
            raise record_too_large()
        return self.decode(line) if self.decode is not None else line


# -- workbooks -------------------------------------------------------------------------------


def spec_for_sheet(title):
    """The model a sheet names: 培训载体, trainingbase, events.trainingbase, training_bases…"""
    title = (title or "").strip()
    spec = registry().get(title)
    if spec is not None:
        return spec
    for spec in registry():
        if title in (spec.verbose_name, str(spec.model._meta.verbose_name_plural)):
            return spec
    return registry().for_csv_file(title) if title.isascii() else None


def workbook_cell(model_field, value):
    """A workbook cell as the text a CSV cell would hold: dates, numbers and yes/no read as typed.

    A date cell gives 2023-11-06 (its time too where the field keeps one); a number 11 in a
    text column is "11", not "11.0"; 12.5 stays 12.5.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        keeps_time = model_field is not None and model_field.get_internal_type() == "DateTimeField"
        if not keeps_time and value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


# A character a cell's XML cannot hold, as Excel writes it: _x000D_ is a carriage return,
# _x005F_ an underscore that starts what would otherwise be read as such an escape.
XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class _CellBudget:
    def __init__(self):
        self.cells = 0

    def spend(self, count):
        self.cells += count
        if self.cells > MAX_WORKBOOK_CELLS:
            raise too_many_cells()


TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"
RUN_TAG = f"{{{SHEET_MAIN_NS}}}r"
SHARED_STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"


def _text_of(element):
    """The text of a string element (<is> or <si>): its <t>, or its runs without phonetic guides."""
    plain = element.find(TEXT_TAG)
    if plain is not None:
        return plain.text or ""
    return "".join(run.findtext(TEXT_TAG) or "" for run in element.iterfind(RUN_TAG))


def _shared_strings(reader):
    """The workbook's shared strings, read as plainly as the inline ones (openpyxl's own reader
    builds an object for each and drops part of an escape, _x005F_, that is read here later)."""
    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    strings = []
    with reader.archive.open(part.PartName[1:]) as xml:
        for _, element in iterparse(xml):
            if element.tag == SHARED_STRING_TAG:
                strings.append(_text_of(element))
                element.clear()
    return strings


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, with text written in the cell itself read directly.

    Programs that write workbooks (openpyxl among them, and so this site's exports) put each
    text in its cell as an "inline string", which openpyxl reads through its generic object
    model at several times the cost of a number; Excel and WPS share their strings instead.
    """

    def parse_cell(self, element):
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        text = element.find(INLINE_STRING)
        value = _text_of(text) if text is not None else None
        return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": 0}


@dataclass
class _Sheet:
    title: str
    state: str
    path: str


def _open_workbook(stream):
    """openpyxl's reader, given the parts that describe the workbook, and its sheets.

    load_workbook(read_only=True) would also read each sheet once to find its size before
    any row is asked for, the whole sheet when the size is not written at its top, as
    programs other than Excel leave it; the rows are read here once, and nothing else.
    (The reader's steps are openpyxl 3.1's ExcelReader.read, its sheets and charts left out.)
    """
    reader = ExcelReader(stream, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.shared_strings = _shared_strings(reader)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            _Sheet(sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except BaseException:
        reader.archive.close()
        raise
    return reader, sheets


def _sheet_rows(reader, sheet, budget, where):
    """(row number, values) of a sheet, straight from its XML.

    openpyxl's own row iterator pads every row to the width the sheet declares and yields a
    row for every number skipped, which a hostile sheet turns into millions; its parser
    yields only the rows the file holds, and each is counted before it is laid out.
    """
    workbook = reader.wb
    with reader.archive.open(sheet.path) as xml:
        parser = _SheetParser(
            xml,
            reader.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            where[0] = number
            width = max((cell["column"] for cell in cells), default=0)
            budget.spend(max(width, 1))
            values = [None] * width
            for cell in cells:
                value = cell["value"]
                if isinstance(value, str) and "_x" in value:
                    value = XLSX_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
                values[cell["column"] - 1] = value
            yield number, values


WORKBOOK_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    ParseError,
    zipfile.BadZipFile,
    InvalidFileException,
)


def _damaged_workbook(source, error, **place):
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else error.__class__.__name__
    return SourceError(
        Problem(
            Location(source.name, **place),
            f"工作簿已损坏或不是表格软件保存的 .xlsx，无法读取（{detail}）："
            "请在 Excel 或 WPS 中重新保存后再导入。",
            f"The workbook is damaged or not an .xlsx a spreadsheet program saved ({detail}).",
        )
    )


def read_xlsx(source, stream):
    """One model per sheet, named by the sheet (培训载体 or trainingbase).

    A workbook whose one sheet names no model (Sheet1) holds the model of the file name or the
    one chosen, as a CSV list does. Hidden sheets (the template's drop-down lists) and empty
    sheets are passed over.
    """
    try:
        check_workbook(stream, source.name)
    except WorkbookRefused as error:
        raise SourceError(Problem(Location(source.name), error.message, error.message_en)) from None
    try:
        reader, all_sheets = _open_workbook(stream)
    except WORKBOOK_ERRORS as error:
        raise _damaged_workbook(source, error) from None
    try:
        yield from _read_sheets(source, reader, all_sheets)
    finally:
        reader.archive.close()


def _read_sheets(source, reader, all_sheets):
    budget = _CellBudget()
    sheets = [sheet for sheet in all_sheets if sheet.state == "visible"]
    for sheet in all_sheets:
        if sheet.state != "visible":
            source.notes.append(f"隐藏的工作表「{sheet.title}」未读取")
    unnamed = [sheet for sheet in sheets if spec_for_sheet(sheet.title) is None]
    fallback = _spec_for_list(source) if len(unnamed) == 1 else None
    problems = []
    for sheet in sheets:
        spec = spec_for_sheet(sheet.title) or (fallback if sheet in unnamed else None)
        where = [None]  # the row being read, for a problem that stops the sheet
        rows = _sheet_rows(reader, sheet, budget, where)
        try:
            if spec is None:
                if any(any(map(_filled, cells)) for _, cells in rows):
                    problems.append(_unnamed_sheet_problem(source, sheet.title))
                continue
            count = 0
            for record in _table_records(spec, rows, source, to_text=workbook_cell, sheet=sheet.title):
                count += 1
                yield record
            source.notes.append(f"工作表「{sheet.title}」：{spec.verbose_name}（{spec.name}）{count} 行")
        except SourceError as error:
            problems += error.problems
        except LimitExceeded as error:
            problems.append(_limit_problem(source, error, None, line=where[0], sheet=sheet.title))
            break
        except WORKBOOK_ERRORS as error:
            problems.append(_damaged_workbook(source, error, sheet=sheet.title, line=where[0]).problems[0])
            break
        finally:
            rows.close()
    if problems:
        raise SourceError(*problems)


def _unnamed_sheet_problem(source, title):
    names = "、".join(f"{spec.verbose_name}（{spec.name}）" for spec in registry())
    return Problem(
        Location(source.name, sheet=title),
        f"无法判断工作表「{title}」的内容类型：工作表名应为内容类型的中文名或英文名（{names}）；"
        "只有一个工作表时，也可以用文件名或另行指定类型。",
        f"Cannot tell what the sheet {title!r} holds: name the sheet after a content type "
        f"({', '.join(spec.name for spec in registry())}).",
    )


def cell_text(cell):
    """A CSV cell as its value: the apostrophe that kept a formula-like cell text comes off."""
    if cell.startswith("'") and FORMULA_START.match(cell):
        return cell[1:]
    return cell


def split_list(text):
    """A list cell: 北京、天津, 北京;天津, 北京，天津, 北京|天津, or one value per line."""
    return [part.strip() for part in CSV_LIST_SEPARATORS.split(text) if part.strip()]
