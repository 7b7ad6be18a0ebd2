"""Spreadsheet header matching: which columns of a file name which fields, in which unit.

Offices lay out the same form in many ways: title rows on top; a header of one to four rows
whose upper rows are section headings ("一、研究开发人员情况", "（二）") merged over their
leaves; leaves short ("合计", "全职人员") or full ("研究开发人员合计", "其中：本科毕业及以上人员");
numbering "1." "（1）" "①"; full- and half-width punctuation, spaces and line breaks inside
cells; a units line ("计量单位：人、千元、个、件") above or below the header, units in brackets
("研究开发费用合计（万元）"); a code row (甲 乙 1 2 3 …) under the header; total rows.

`locate(rows, vocabulary)` finds the header band and matches every column's stack of labels
(top to bottom, merged parents carried right) against a `Vocabulary` of `Term`s. A term is
named by full headers on their own, or by short leaves that mean it only under one of its
headings. Units are decided per column: the column's own header (or the units row under
it), then the units line, then the caller's default; two different units at the same level
are a conflict the caller reports.

Input rows are lists of cell values as a spreadsheet reader returns them (str, int, float,
None). Nothing here imports Django.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MONEY_UNITS: dict[str, int] = {"元": 1, "千元": 1_000, "万元": 10_000}
"""Money units by name, in yuan per unit."""
COUNT_UNITS = frozenset("人 个 件 项 篇 家 户 台 套 人年 人月 次 % ％".split())
OTHER_UNITS = frozenset("亿元 年月日 年 月 日 平方米 吨".split())
TOTAL_WORDS = ("合计", "总计", "小计", "汇总")
CODE_MARKS = frozenset("甲 乙 丙 丁 戊 己 庚 辛 壬 癸".split())
BLANK_MARKS = frozenset("— － - -- —— / ／ ― ─".split())

_CIRCLED = re.compile(r"^[\u2460-\u2473\u2474-\u2487\u2488-\u249b\u3251-\u325f\u32b1-\u32bf]")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]"
    r"|\((?:[一二三四五六七八九十]+|\d+)\)"
    r"|\d+(?:\.\d+)*[、.](?!\d)"
    r"|\d+(?:\.\d+)+(?=[^\d.])"
    r"|\d+\s*[、)])"
)
_UNIT_PREFIX = re.compile(r"^(?:计量|金额|货币)?单位[:：]?")
_LEAD = re.compile(r"^(?:其中[:：]?|\*|#|△|▲)")
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|【([^【】]*)】")
_UNIT_CLAUSE = re.compile(r"(?:计量|金额|货币)?单位\s*[:：]?\s*([^\s;；,，]*)")
_SPELLINGS = (
    ("研究与试验发展", "研发"),
    ("研究与开发", "研发"),
    ("研究开发", "研发"),
    ("R&D", "研发"),
)


def canonical(text: object) -> str:
    """A cell's text with full-width forms folded (NFKC), circled numbers as "1." and no
    whitespace of any kind (spaces, U+3000, line breaks)."""
    value = "" if text is None else str(text)
    value = _CIRCLED.sub(lambda m: f"{unicodedata.numeric(m.group(0)):g}.", value.strip())
    value = unicodedata.normalize("NFKC", value)
    return re.sub(r"\s+", "", value)


def _is_note_of_unit(inner: str) -> bool:
    inner = _UNIT_PREFIX.sub("", inner)
    return (
        not inner
        or inner in MONEY_UNITS
        or inner in COUNT_UNITS
        or inner in CODE_MARKS
        or inner.isdigit()
        or all(ch in "一二三四五六七八九十" for ch in inner)
    )


def normalise(text: object, *, keep_notes: bool = True, keep_units: bool = False) -> str:
    """A header reduced to the words that name its field.

    Numbering, "其中：", units in brackets, punctuation and the "情况" of section headings
    go; "研究开发" and "研究与试验发展" become "研发". A bracketed note that is not a unit
    ("研发费用（高企认定口径）") stays unless `keep_notes` is false, since it tells one caliber
    from another; with `keep_units`, a bracketed unit stays too, for forms that give one
    field two columns in different units ("注册资本（万元）", "注册资本（元）")."""
    value = canonical(text)

    def note(match: re.Match) -> str:
        inner = next(g for g in match.groups() if g is not None)
        if keep_units and (inner in MONEY_UNITS or inner in COUNT_UNITS):
            return inner
        return "" if not keep_notes or _is_note_of_unit(inner) else inner

    value = _BRACKETS.sub(note, value)
    previous = None
    while previous != value:
        previous = value
        value = _ORDINAL.sub("", value)
        value = _LEAD.sub("", value)
    for old, new in _SPELLINGS:
        value = value.replace(old, new)
    value = re.sub(r"[:：*＊·、,，.。;；'\"“”‘’_\-—()]", "", value)
    if value.endswith("情况") and len(value) > 2:
        value = value[:-2]
    return value


def money_units_in(text: object) -> set[str]:
    """The money units a header or units-line cell names: in brackets ("（万元）"), after
    "单位：" ("计量单位：人、千元、个、件"), or as the whole cell ("千元")."""
    value = canonical(text)
    found: set[str] = set()
    if value in MONEY_UNITS:
        found.add(value)
    for groups in _BRACKETS.findall(value):
        inner = _UNIT_PREFIX.sub("", "".join(groups))
        if inner in MONEY_UNITS:
            found.add(inner)
    for clause in _UNIT_CLAUSE.findall(value):
        for part in re.split(r"[、/，,]", clause):
            part = part.strip("()")
            if part in MONEY_UNITS:
                found.add(part)
    return found


def is_total_label(text: object) -> bool:
    """Whether a cell labels a total or subtotal row ("合计", "全县合计", "南明街道小计")."""
    value = normalise(text)
    if not value or len(value) > 10 or any(word in value for word in ("公司", "厂", "中心")):
        return False
    return any(value.endswith(word) or value.startswith(word) for word in TOTAL_WORDS)


@dataclass(frozen=True)
class Term:
    """One field of a form and the headers that name it.

    `names`: headers that name it on their own ("研究开发人员合计"). `short`: leaves that
    name it only below one of `under`, the headings of its section or group ("合计" under
    "研究开发人员")."""

    field: str
    names: tuple[str, ...]
    short: tuple[str, ...] = ()
    under: tuple[str, ...] = ()


class Vocabulary:
    """Terms indexed by their normalised names; `match` reads a column's label stack."""

    def __init__(self, terms: Iterable[Term], *, keep_units: bool = False) -> None:
        self.terms = tuple(terms)
        self.keep_units = keep_units
        self.names: dict[str, str] = {}
        shorts: dict[str, set[str]] = {}
        self.context: list[tuple[str, str, str]] = []  # (heading, leaf, field)
        for term in self.terms:
            for name in term.names:
                key = normalise(name, keep_units=keep_units)
                if self.names.get(key, term.field) != term.field:
                    raise ValueError(
                        f"header {name!r} names both {self.names[key]} and {term.field}"
                    )
                self.names[key] = term.field
            for leaf in term.short:
                shorts.setdefault(normalise(leaf), set()).add(term.field)
                for heading in term.under:
                    self.context.append((normalise(heading), normalise(leaf), term.field))
        self.unique_shorts = {
            leaf: next(iter(fields))
            for leaf, fields in shorts.items()
            if len(fields) == 1 and leaf not in self.names and leaf not in TOTAL_WORDS
        }

    def match(self, stack: Sequence[object]) -> str | None:
        """The field a column's labels (top to bottom) name, or None."""
        for keep_notes in (True, False):
            labels = [
                normalise(s, keep_notes=keep_notes, keep_units=self.keep_units) for s in stack
            ]
            labels = [label for i, label in enumerate(labels) if label and label not in labels[:i]]
            if not labels:
                continue
            leaf = labels[-1]
            for parent in reversed(labels[:-1]):
                found = [
                    (len(heading), name)
                    for heading, short, name in self.context
                    if short == leaf and heading in parent
                ]
                if found:
                    return max(found)[1]
            for start in range(len(labels) - 1, -1, -1):
                joined = "".join(labels[start:])
                if joined in self.names:
                    return self.names[joined]
            if leaf in self.unique_shorts:
                return self.unique_shorts[leaf]
        return None


@dataclass
class Match:
    """A column the header names: its position, field, labels and the unit it states."""

    position: int
    field: str
    labels: tuple[str, ...]
    header_units: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return " / ".join(self.labels)


@dataclass
class Header:
    """Where a file's header is and what it says.

    `top` and `depth` give the header rows (0-based); `body` is the first row after the
    header and any units or code rows under it. `line_units`: the money units the units line
    names (above the header, or as one cell below it); `row_units`: per position, the money
    unit a units row under the header gives that column."""

    top: int
    depth: int
    body: int
    columns: list[Match]
    ignored: list[tuple[int, str]]
    line_units: set[str] = field(default_factory=set)
    row_units: dict[int, str] = field(default_factory=dict)

    def column(self, name: str) -> Match | None:
        return next((c for c in self.columns if c.field == name), None)


def _text(row: Sequence[object], position: int) -> str:
    if position >= len(row) or row[position] is None:
        return ""
    value = row[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def label_stacks(
    rows: Sequence[Sequence[object]], top: int, depth: int, width: int
) -> list[list[str]]:
    """Per column, its header labels from top to bottom. A blank cell above a labelled one
    takes the text of the nearest labelled cell to its left on the same row (a merged
    parent); a blank leaf stays blank."""
    stacks: list[list[str]] = [[] for _ in range(width)]
    for level in range(depth):
        row = rows[top + level]
        carried = ""
        last_level = level == depth - 1
        for position in range(width):
            text = _text(row, position)
            if text:
                carried = text
                stacks[position].append(text)
            elif not last_level:
                if any(_text(rows[top + lower], position) for lower in range(level + 1, depth)):
                    if carried:
                        stacks[position].append(carried)
                else:
                    carried = ""  # a column blank to the bottom ends the merged parent
    return stacks


def _bare_unit(cell: str) -> str:
    """A units-row cell without its brackets or "单位：" prefix: "（万元）" -> "万元"."""
    return _UNIT_PREFIX.sub("", cell.strip("()[]【】"))


def is_units_or_codes_row(row: Sequence[object]) -> bool:
    """A row under the header that gives only units ("人", "千元") or column codes (甲 乙 1 2)."""
    cells = [canonical(_text(row, i)) for i in range(len(row))]
    cells = [c for c in cells if c and c not in BLANK_MARKS]
    if not cells:
        return False
    if len(cells) == 1 and money_units_in(cells[0]) and "单位" in cells[0]:
        return True
    if any(not _bare_unit(c) for c in cells):  # a bare "单位：" label leads the row
        cells = [c for c in cells if _bare_unit(c)]
    unitish = [
        c
        for c in cells
        if _bare_unit(c) in MONEY_UNITS
        or _bare_unit(c) in COUNT_UNITS
        or _bare_unit(c) in OTHER_UNITS
        or money_units_in(c)
    ]
    codes = [c for c in cells if c in CODE_MARKS or re.fullmatch(r"\d{1,3}", c)]
    if unitish and len(unitish) + len(codes) == len(cells):
        return True
    if len(codes) != len(cells):
        return False
    marked = len(cells) >= 3 and any(c in CODE_MARKS for c in cells)
    return marked or _consecutive(cells)


def _consecutive(cells: list[str]) -> bool:
    numbers = [int(c) for c in cells if c.isdigit()]
    return len(numbers) >= 4 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _match_part(vocabulary: Vocabulary, stacks: list[list[str]], position: int) -> str | None:
    """A one-row "其中：…" header read under the nearest column to its left that is not a
    "其中" itself, as a flat layout means it ("当年形成用于研发的固定资产", "其中：仪器和设备")."""
    stack = stacks[position]
    if len(stack) != 1 or not canonical(stack[0]).startswith("其中"):
        return None
    for left in range(position - 1, -1, -1):
        if len(stacks[left]) == 1 and not canonical(stacks[left][0]).startswith("其中"):
            return vocabulary.match([stacks[left][0], stack[0]])
    return None


def locate(
    rows: Sequence[Sequence[object]],
    vocabulary: Vocabulary,
    *,
    required: Sequence[str] = (),
    search_rows: int = 25,
    max_depth: int = 4,
) -> Header | None:
    """The header band that names the most columns (ties: the shallowest), holding every
    `required` field; None if no band does."""
    width = max((len(r) for r in rows[: search_rows + max_depth]), default=0)
    best = None
    for top in range(min(search_rows, len(rows))):
        if not any(_text(rows[top], i) for i in range(width)):
            continue
        for depth in range(1, max_depth + 1):
            if top + depth > len(rows):
                break
            if depth > 1 and not any(_text(rows[top + depth - 1], i) for i in range(width)):
                break
            stacks = label_stacks(rows, top, depth, width)
            mapping: dict[int, tuple[str, list[str]]] = {}
            used: set[str] = set()
            for position, stack in enumerate(stacks):
                name = vocabulary.match(stack) or _match_part(vocabulary, stacks, position)
                if name and name not in used:
                    mapping[position] = (name, stack)
                    used.add(name)
            if not all(name in used for name in required) or not mapping:
                continue
            score = (len(mapping), -depth)
            if best is None or score > best[0]:
                best = (score, top, depth, mapping, stacks)
    if best is None:
        return None
    _, top, depth, mapping, stacks = best
    columns = [
        Match(
            position,
            name,
            tuple(stack),
            frozenset(unit for label in stack for unit in money_units_in(label)),
        )
        for position, (name, stack) in sorted(mapping.items())
    ]
    ignored = [
        (position, " / ".join(dict.fromkeys(stack)))
        for position, stack in enumerate(stacks)
        if stack and position not in mapping
    ]
    header = Header(top, depth, top + depth, columns, ignored)
    for row in rows[:top]:
        for cell in row:
            if "单位" in canonical(cell):
                header.line_units |= money_units_in(cell)
    while header.body < len(rows) and is_units_or_codes_row(rows[header.body]):
        row = rows[header.body]
        for position in range(len(row)):
            text = canonical(_text(row, position))
            units = money_units_in(text)
            if "单位" in text:
                header.line_units |= units
            elif len(units) == 1:
                header.row_units[position] = next(iter(units))
        header.body += 1
    return header
