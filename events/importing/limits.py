"""Bounds on what one file may ask of the importer, enforced while the bytes are read.

A fixture is data written by people and programs we do not control. Without these bounds a
few hundred bytes can ask for gigabytes (YAML aliases expanded, JSON nested thousands deep,
every level remembered by the streaming parser) and a long number can crash the C JSON
parser (yajl2_c fails on an integer longer than Python's 4,300-digit conversion limit). The
limits are far beyond any real record: an event's body is a few thousand characters.
"""

import re
import zipfile

# Levels of nesting, counting the file's own list: [ {record} {fields} [a list] [a key] ].
MAX_DEPTH = 32
# Characters of one number, sign, point and exponent included.
MAX_NUMBER_LENGTH = 40
# Digits of an exponent: 1e999 is the largest power a file may write.
MAX_EXPONENT_DIGITS = 3
# Bytes of one text value in a file.
MAX_STRING_BYTES = 512 * 1024
# Bytes of one record (a fixture entry, a CSV row).
MAX_RECORD_BYTES = 1024 * 1024
# Values of one record once YAML aliases are expanded: scalars, lists and mappings.
MAX_RECORD_VALUES = 10_000
# References in one list field (regions, sectors): far more than there are provinces or
# sectors, few enough that a refused list costs one message, not one per item.
MAX_LIST_ITEMS = 1000
# Problems kept with their text; beyond that only counted, so a file of a million bad
# records cannot fill the memory with its report.
MAX_PROBLEMS_KEPT = 1000


class LimitExceeded(Exception):
    """A file asked for more than the limits allow; `record` is the record being read (1-based)."""

    def __init__(self, message, message_en, record=None):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en
        self.record = record


def too_deep(record=None):
    return LimitExceeded(
        f"嵌套超过 {MAX_DEPTH} 层。",
        f"Nested deeper than {MAX_DEPTH} levels.",
        record,
    )


def number_too_long(record=None):
    return LimitExceeded(
        f"数字超过 {MAX_NUMBER_LENGTH} 个字符，或指数超过 {MAX_EXPONENT_DIGITS} 位。",
        f"A number longer than {MAX_NUMBER_LENGTH} characters or with an exponent of more than "
        f"{MAX_EXPONENT_DIGITS} digits.",
        record,
    )


def string_too_long(record=None):
    return LimitExceeded(
        f"文本值超过 {MAX_STRING_BYTES // 1024} KB。",
        f"A text value longer than {MAX_STRING_BYTES // 1024} KB.",
        record,
    )


def record_too_large(record=None):
    return LimitExceeded(
        f"一条记录超过 {MAX_RECORD_BYTES // 1024} KB。",
        f"A record larger than {MAX_RECORD_BYTES // 1024} KB.",
        record,
    )


def too_many_values(record=None):
    return LimitExceeded(
        f"一条记录展开后超过 {MAX_RECORD_VALUES:,} 个值（YAML 别名也计算在内）。",
        f"A record of more than {MAX_RECORD_VALUES:,} values once YAML aliases are expanded.",
        record,
    )


# Outside strings, only structure and numbers matter: a whole string (its escapes included),
# a quote that opens a string not complete in this chunk, runs of openers or closers, a run
# of number characters too long for a number, and an exponent too long.
_JSON_TOKENS = re.compile(
    rb'"[^"\\]*(?:\\.[^"\\]*)*"'
    rb'|(")'
    rb"|([\[{]+)"
    rb"|([\]}]+)"
    rb"|([-+.eE0-9]{%d,}|[eE][-+]?[0-9]{%d,})" % (MAX_NUMBER_LENGTH + 1, MAX_EXPONENT_DIGITS + 1)
)
_NUMBER_TAIL = re.compile(rb"[-+.eE0-9]+\Z")


class GuardedJSON:
    """A binary stream that checks JSON's nesting, numbers, strings and records as it is read.

    The streaming parser only ever sees bytes that passed the checks, so it never holds more
    than one record within the limits. Bytes are passed on unchanged; a string or number cut
    by the end of a chunk is scanned again with the next one.
    """

    def __init__(self, stream):
        self.stream = stream
        self.pending = b""  # the end of the last chunk, not yet judged
        self.offset = 0  # position in the file of pending's first byte
        self.depth = 0
        self.records = 0  # records begun so far: the one being read is this number
        self.record_start = None

    def read(self, size=-1):
        data = self.stream.read(size)
        if not data:
            if self.pending.startswith(b'"') and len(self.pending) > MAX_STRING_BYTES:
                raise string_too_long(self.records)
            return data
        self._scan(self.pending + data)
        return data

    def _scan(self, text):
        depth, position = self.depth, 0
        for match in _JSON_TOKENS.finditer(text):
            position = match.end()
            opened, openers, closers, number = match.groups()
            if opened is not None:
                position = match.start()
                break
            if openers is not None:
                if depth < 2 <= depth + len(openers):
                    self.records += 1
                    self.record_start = self.offset + match.start() + (1 - depth)
                depth += len(openers)
                if depth > MAX_DEPTH:
                    raise too_deep(self.records)
            elif closers is not None:
                depth -= len(closers)
                if depth < 2:
                    self.record_start = None
            elif number is not None:
                raise number_too_long(self.records)
            elif match.end() - match.start() > MAX_STRING_BYTES:
                raise string_too_long(self.records)
            self._check_record(self.offset + match.end())
        else:
            tail = _NUMBER_TAIL.search(text, position)
            position = tail.start() if tail else len(text)
        self.depth = depth
        self.pending = text[position:]
        self.offset += position
        if len(self.pending) > MAX_STRING_BYTES + 1:
            raise string_too_long(self.records)
        self._check_record(self.offset + len(self.pending))

    def _check_record(self, end):
        if self.record_start is not None and end - self.record_start > MAX_RECORD_BYTES:
            raise record_too_large(self.records)


def depth_of(value, limit=MAX_DEPTH):
    """How deeply lists and mappings nest in a value, counted up to limit + 1."""
    depth, level = 0, [value]
    while level and depth <= limit:
        containers = [item for item in level if isinstance(item, (list, tuple, dict))]
        if not containers:
            break
        depth += 1
        level = [
            child
            for container in containers
            for child in (container.values() if isinstance(container, dict) else container)
        ]
    return depth


# -- workbooks ---------------------------------------------------------------------------------
#
# An .xlsx file is a zip of XML parts. Its central directory says, before anything is
# decompressed, how many parts it has and how large each becomes: a "zip bomb" of a few
# kilobytes that inflates to gigabytes is refused from those figures, and Python's zipfile
# never inflates a part beyond the size the directory gives it. While the sheets are read the
# cells are counted, so a small file cannot ask for a million cells either.

# Bytes of all parts once decompressed: a workbook of 100,000 rows of eight columns is about
# 40 MB of XML.
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
# How many times larger than its compressed size a part may become. Spreadsheet XML
# compresses ten to thirty times; a zip bomb a thousand times and more. Parts under
# COMPRESSION_RATIO_FLOOR bytes are not judged: a tiny part may compress well.
MAX_COMPRESSION_RATIO = 200
COMPRESSION_RATIO_FLOOR = 1024 * 1024
# Parts of one workbook: a sheet costs two or three.
MAX_WORKBOOK_MEMBERS = 1000
# Sheets are read as a stream; other XML parts are read whole, and the shared strings (every
# text of every sheet, once) are held in memory while the sheets are read.
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_XML_PART_BYTES = 16 * 1024 * 1024
# Bytes of the part that lists a workbook's relationships, read whole to find external links.
MAX_RELATIONSHIPS_BYTES = 1024 * 1024
# Cells of one workbook, as read: each row counts as wide as its last cell, so a row of one
# cell in column XFD counts 16,384. 100,000 rows of ten columns are within it.
MAX_WORKBOOK_CELLS = 1_000_000

# What a file starts with: a zip (.xlsx), or an OLE compound document (a workbook with an
# opening password, or an old .xls).
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookRefused(Exception):
    """A workbook that is not opened at all: (Chinese, English) say why."""

    def __init__(self, message, message_en):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def too_many_cells():
    return LimitExceeded(
        f"工作簿超过 {MAX_WORKBOOK_CELLS:,} 个单元格（按读到的行数×列数计算）。"
        "请把内容拆成几个工作簿，或另存为 CSV 导入。",
        f"The workbook has more than {MAX_WORKBOOK_CELLS:,} cells (rows × columns as read); "
        "split it or save it as CSV.",
    )


def check_workbook(stream, name=""):
    """Refuse a workbook before it is opened: not a zip, encrypted, a bomb, macros, external links.

    `stream` is a seekable binary file; it is left at its start.
    """
    stream.seek(0)
    magic = stream.read(8)
    stream.seek(0)
    if magic.startswith(OLE_MAGIC):
        raise WorkbookRefused(
            "这个文件设置了打开密码，或是旧版 Excel 97-2003 工作簿（.xls）：无法读取。"
            "请在 Excel 或 WPS 中取消密码，另存为“Excel 工作簿（.xlsx）”后再导入。",
            "The workbook is password-protected or an old .xls file; remove the password and "
            "save it as .xlsx.",
        )
    if not magic.startswith(ZIP_MAGIC):
        raise WorkbookRefused(
            "这不是有效的 .xlsx 工作簿（不是 zip 格式）：请在 Excel 或 WPS 中另存为“Excel 工作簿（.xlsx）”。",
            "This is not a valid .xlsx workbook (not a zip file); save it as .xlsx.",
        )
    if name.lower().endswith(".xlsm"):
        raise _macros()
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise WorkbookRefused(
            f"工作簿已损坏，无法打开（{error}）：请在 Excel 或 WPS 中重新保存后再导入。",
            f"The workbook is damaged and cannot be opened ({error}).",
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_WORKBOOK_MEMBERS:
            raise WorkbookRefused(
                f"工作簿由 {len(members):,} 个部分组成，超过 {MAX_WORKBOOK_MEMBERS:,} 个的限制。",
                f"The workbook has {len(members):,} parts, more than {MAX_WORKBOOK_MEMBERS:,}.",
            )
        total = 0
        for member in members:
            if member.flag_bits & 0x1:
                raise WorkbookRefused(
                    "工作簿的内容是加密的：请取消密码后另存为 .xlsx 再导入。",
                    "The workbook is encrypted; remove the password and save it again.",
                )
            total += member.file_size
            if member.file_size > COMPRESSION_RATIO_FLOOR and member.file_size > MAX_COMPRESSION_RATIO * max(
                member.compress_size, 1
            ):
                raise WorkbookRefused(
                    f"工作簿中的「{member.filename[:100]}」解压后是压缩时的 "
                    f"{member.file_size // max(member.compress_size, 1):,} 倍"
                    f"（上限 {MAX_COMPRESSION_RATIO} 倍）："
                    "这不像是表格软件保存的文件，不予读取。",
                    f"The part {member.filename[:100]!r} inflates "
                    f"{member.file_size // max(member.compress_size, 1):,} times (the limit is "
                    f"{MAX_COMPRESSION_RATIO}); a spreadsheet program does not write such a file.",
                )
            lowered = member.filename.lower()
            if lowered.endswith((".xml", ".rels")) and not lowered.startswith("xl/worksheets/"):
                limit = MAX_SHARED_STRINGS_BYTES if lowered == "xl/sharedstrings.xml" else MAX_XML_PART_BYTES
                if member.file_size > limit:
                    raise _part_too_large(member, limit)
            if lowered.endswith("vbaproject.bin"):
                raise _macros()
            if lowered.startswith("xl/externallinks/"):
                raise _external_links()
        if total > MAX_WORKBOOK_BYTES:
            raise WorkbookRefused(
                f"工作簿解压后有 {total / 1024 / 1024:,.0f} MB，"
                f"超过 {MAX_WORKBOOK_BYTES // 1024 // 1024} MB 的限制。"
                "请拆分工作簿，或另存为 CSV 导入。",
                f"The workbook inflates to {total / 1024 / 1024:,.0f} MB, more than "
                f"{MAX_WORKBOOK_BYTES // 1024 // 1024} MB; split it or save it as CSV.",
            )
        for member in members:
            if member.filename.lower().endswith(".rels") and member.file_size <= MAX_RELATIONSHIPS_BYTES:
                if b"/externalLink" in archive.read(member):
                    raise _external_links()
            elif (
                member.filename.lower() == "[content_types].xml"
                and member.file_size <= MAX_RELATIONSHIPS_BYTES
                and b"macroEnabled" in archive.read(member)
            ):
                raise _macros()
    stream.seek(0)


def _macros():
    return WorkbookRefused(
        "工作簿含有宏（.xlsm 或 VBA 代码），不予读取：请另存为不含宏的“Excel 工作簿（.xlsx）”。",
        "The workbook contains macros; save it as a macro-free .xlsx workbook.",
    )


def _external_links():
    return WorkbookRefused(
        "工作簿引用了其他工作簿（外部链接），不予读取：请在 Excel 中“数据→编辑链接→断开链接”"
        "（WPS：“数据→编辑链接”），保存后再导入。",
        "The workbook links to other workbooks (external links); break the links and save it again.",
    )


def _part_too_large(member, limit):
    size, limit_mb = f"{member.file_size / 1024 / 1024:,.0f}", limit // 1024 // 1024
    return WorkbookRefused(
        f"工作簿中的「{member.filename[:100]}」解压后有 {size} MB，超过 {limit_mb} MB 的限制。"
        "请拆分工作簿，或另存为 CSV 导入。",
        f"The part {member.filename[:100]!r} inflates to {size} MB, more than {limit_mb} MB; "
        "split the workbook or save it as CSV.",
    )
