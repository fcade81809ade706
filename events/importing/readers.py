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

from .report import Location, Problem
from .specs import registry

FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}

ENCODING_HINT = (
    "文件不是 UTF-8 编码（可能是 GBK 或 UTF-16）。请在表格软件中另存为“CSV UTF-8”或用 UTF-8 保存后再导入。"
)
ENCODING_HINT_EN = "The file is not UTF-8 (perhaps GBK or UTF-16); save it as UTF-8 and import it again."

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CSV_LIST_SEPARATORS = re.compile(r"[;；、|]")


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
        raise SourceError(Problem(Location(source.name), ENCODING_HINT, ENCODING_HINT_EN))
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
    try:
        for number, item in enumerate(ijson.items(stream, "item", use_float=False), 1):
            yield _record_from_mapping(item, Location(source.name, record=number))
    except ijson.JSONError as error:
        detail = str(error.args[0] if error.args else error)
        if isinstance(error.args[0] if error.args else None, bytes) or "UTF8" in detail:
            raise SourceError(
                Problem(Location(source.name, record=number + 1), ENCODING_HINT, ENCODING_HINT_EN)
            ) from None
        first_line = detail.strip().splitlines()[0] if detail.strip() else "invalid JSON"
        raise SourceError(
            Problem(
                Location(source.name, record=number + 1),
                f"JSON 格式错误（在第 {number} 条记录之后）：{first_line}",
                f"Invalid JSON after record {number}: {first_line}",
            )
        ) from None


class _FixtureLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """Safe YAML, but dates stay text so that 2023-02-30 gets the same message as in JSON."""


_FixtureLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose(loader, event, anchors):
    """Build the node for one item from parser events, so a list is read item by item."""
    if isinstance(event, yaml_events.AliasEvent):
        if event.anchor not in anchors:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor}", event.start_mark
            )
        return anchors[event.anchor]
    if isinstance(event, yaml_events.ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(nodes.ScalarNode, event.value, event.implicit)
        node = nodes.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    elif isinstance(event, yaml_events.SequenceStartEvent):
        tag = (
            event.tag
            if event.tag not in (None, "!")
            else loader.resolve(nodes.SequenceNode, None, event.implicit)
        )
        node = nodes.SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
        while not isinstance(child := loader.get_event(), yaml_events.SequenceEndEvent):
            node.value.append(_compose(loader, child, anchors))
        node.end_mark = child.end_mark
    elif isinstance(event, yaml_events.MappingStartEvent):
        tag = (
            event.tag
            if event.tag not in (None, "!")
            else loader.resolve(nodes.MappingNode, None, event.implicit)
        )
        node = nodes.MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
        while not isinstance(child := loader.get_event(), yaml_events.MappingEndEvent):
            key = _compose(loader, child, anchors)
            node.value.append((key, _compose(loader, loader.get_event(), anchors)))
        node.end_mark = child.end_mark
    else:
        raise yaml.composer.ComposerError(
            None, None, f"unexpected {event.__class__.__name__}", event.start_mark
        )
    if getattr(event, "anchor", None):
        anchors[event.anchor] = node
    return node


def read_yaml(source, stream):
    _skip_utf8_bom(stream, source)
    loader = _FixtureLoader(stream)
    number = 0
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
        anchors = {}
        while not isinstance(event := loader.get_event(), yaml_events.SequenceEndEvent):
            number += 1
            node = _compose(loader, event, anchors)
            location = Location(source.name, record=number, line=node.start_mark.line + 1)
            yield _record_from_mapping(loader.construct_document(node), location)
    except yaml.reader.ReaderError:
        raise SourceError(
            Problem(Location(source.name, record=number + 1), ENCODING_HINT, ENCODING_HINT_EN)
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = getattr(error, "problem", None) or str(error)
        raise SourceError(
            Problem(
                Location(source.name, record=number + 1, line=line),
                f"YAML 格式错误：{detail}",
                f"Invalid YAML: {detail}",
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
    try:
        header_line = text.readline()
        dialect = csv.excel_tab if "\t" in header_line and "," not in header_line else csv.excel
        header = next(csv.reader([header_line], dialect), [])
        columns = _csv_columns(spec, [cell.strip() for cell in header], source)
        rows = csv.reader(text, dialect)
        while True:
            start = line + 1
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
                record.fields = dict(zip(columns, row, strict=True))
            yield record
    except UnicodeDecodeError:
        raise SourceError(
            Problem(Location(source.name, line=line), ENCODING_HINT, ENCODING_HINT_EN)
        ) from None
    except csv.Error as error:
        raise SourceError(
            Problem(Location(source.name, line=line), f"CSV 格式错误：{error}", f"Invalid CSV: {error}")
        ) from None
    finally:
        text.detach()


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
    missing = [name for name in spec.required_columns if name not in columns]
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


def split_list(text):
    """A list cell of a CSV file: 北京;天津, 北京、天津 or 北京|天津."""
    return [part.strip() for part in CSV_LIST_SEPARATORS.split(text) if part.strip()]
