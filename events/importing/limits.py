"""Bounds on what one file may ask of the importer, enforced while the bytes are read.

A fixture is data written by people and programs we do not control. Without these bounds a
few hundred bytes can ask for gigabytes (YAML aliases expanded, JSON nested thousands deep,
every level remembered by the streaming parser) and a long number can crash the C JSON
parser (yajl2_c fails on an integer longer than Python's 4,300-digit conversion limit). The
limits are far beyond any real record: an event's body is a few thousand characters.
"""

import re

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
