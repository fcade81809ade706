"""Streaming readers: one record at a time from JSON and YAML fixtures and from CSV lists.

None of them holds a whole file: JSON is parsed incrementally (ijson), YAML is composed one
list item at a time from the parser's events, CSV is read row by row. A file that cannot be
read any further raises SourceError; a record that is malformed is yielded with its problem.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import ijson
import yaml
from yaml import events as yaml_events
from yaml import nodes

from .limits import (
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    MAX_RECORD_BYTES,
    MAX_RECORD_VALUES,
    MAX_STRING_BYTES,
    GuardedJSON,
    LimitExceeded,
    number_too_long,
    record_too_large,
    string_too_long,
    too_deep,
    too_many_values,
)
from .report import Location, Problem
from .specs import registry

FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}

NOT_UTF8 = "文件不是 UTF-8 编码（可能是 GBK 或 UTF-16）。"
NOT_UTF8_EN = "The file is not UTF-8 (perhaps GBK or UTF-16); "
ENCODING_HINTS = {
    "csv": (
        NOT_UTF8 + "请在表格软件中另存为“CSV UTF-8”或用 UTF-8 保存后再导入。",
        NOT_UTF8_EN + "save it as CSV UTF-8 and import it again.",
    ),
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
CSV_LIST_SEPARATORS = re.compile(r"[;；、|]")
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
                "不支持的文件类型：请使用 .json、.yaml、.yml 或 .csv 文件。",
                "Unsupported file type: use .json, .yaml, .yml or .csv.",
            )
        )
    reader = {"json": read_json, "yaml": read_yaml, "csv": read_csv}[source.format]
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


def _limit_problem(source, error, record, line=None):
    return Problem(
        Location(source.name, record=record, line=line),
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


def read_csv(source, stream):
    spec = registry().get(source.csv_model) if source.csv_model else registry().for_csv_file(source.name)
    if spec is None:
        names = "、".join(s.name for s in registry())
        raise SourceError(
            Problem(
                Location(source.name),
                f"无法从文件名判断 CSV 的内容类型。文件名应以内容类型开头（{names}），或另行指定类型。",
                "Cannot tell the content type from the CSV file name; start the name with one of "
                f"{', '.join(s.name for s in registry())} or give the type.",
            )
        )
    _skip_utf8_bom(stream, source)
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    line = 1
    lines = _BoundedLines(text)
    try:
        header_line = next(lines, "")
        dialect = csv.excel_tab if "\t" in header_line and "," not in header_line else csv.excel
        header = next(csv.reader([header_line], dialect), [])
        columns = _csv_columns(spec, [cell.strip() for cell in header], source)
        rows = csv.reader(lines, dialect)
        while True:
            start = line + 1
            lines.begin_row()
            try:
                row = next(rows)
            except StopIteration:
                break
            line = rows.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            location = Location(source.name, line=start)
            record = RawRecord(location, label=spec.label, from_csv=True)
            if len(row) != len(columns):
                record.problems.append(
                    Problem(
                        location,
                        f"这一行有 {len(row)} 列，表头有 {len(columns)} 列。",
                        f"This line has {len(row)} cells; the header has {len(columns)}.",
                        spec.label,
                    )
                )
            else:
                record.fields = dict(zip(columns, map(cell_text, row), strict=True))
            yield record
    except LimitExceeded as error:
        raise SourceError(_limit_problem(source, error, None, line=line + 1)) from None
    except UnicodeDecodeError:
        raise SourceError(encoding_problem(source, line=line)) from None
    except csv.Error as error:
        raise SourceError(
            Problem(Location(source.name, line=line), f"CSV 格式错误：{error}", f"Invalid CSV: {error}")
        ) from None
    finally:
        text.detach()


class _BoundedLines:
    """The lines of a CSV file for csv.reader, no row (its quoted line breaks included) over the limit."""

    def __init__(self, text):
        self.text = text
        self.row_size = 0

    def __iter__(self):
        return self

    def begin_row(self):
        self.row_size = 0

    def __next__(self):
        line = self.text.readline(MAX_RECORD_BYTES + 1)
        if not line:
            raise StopIteration
        self.row_size += len(line)
        if self.row_size > MAX_RECORD_BYTES:
            raise record_too_large()
        return line


def _csv_columns(spec, header, source):
    location = Location(source.name, line=1)
    problems, columns = [], []
    for title in header:
        name = spec.column_aliases.get(title)
        if name is None:
            problems.append(
                Problem(
                    location,
                    f"未知的列「{title}」。{spec.verbose_name}的列见 CSV 模板。",
                    f"Unknown column {title!r}; see the CSV template for {spec.name}.",
                    spec.label,
                    field=title,
                )
            )
        elif name in columns:
            problems.append(
                Problem(location, f"列「{title}」重复。", f"Column {title!r} appears twice.", spec.label)
            )
        columns.append(name)
    missing = [name for name in spec.required_columns if name not in columns and name not in source.shared]
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


def cell_text(cell):
    """A CSV cell as its value: the apostrophe that kept a formula-like cell text comes off."""
    if cell.startswith("'") and FORMULA_START.match(cell):
        return cell[1:]
    return cell


def split_list(text):
    """A list cell of a CSV file: 北京;天津, 北京、天津 or 北京|天津."""
    return [part.strip() for part in CSV_LIST_SEPARATORS.split(text) if part.strip()]
