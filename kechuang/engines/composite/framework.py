"""The index framework: indicators -> pillars -> sub-indices -> index, as a tree of elements.

Tables follow COINr's conventions (iCode, Level, Parent, Direction, Weight, Denominator):
level 1 is an indicator, higher levels aggregate the level below. When more than one element
has no parent, an element named `Index` is added above them with equal weights.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

INDEX_CODE = "Index"
SKIPPED_TYPES = {"denominator", "group", "other"}


class FrameworkError(ValueError):
    """Every problem of a framework table, one line each (row, column, why)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Element:
    code: str
    level: int
    parent: str | None = None
    direction: int = 1
    weight: float = 1.0
    denominator: str | None = None
    name: str = ""
    target: float | None = None

    @property
    def label(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class Framework:
    elements: tuple[Element, ...]
    by_code: Mapping[str, Element] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_code", {element.code: element for element in self.elements})

    @property
    def top(self) -> Element:
        return next(element for element in self.elements if element.parent is None)

    @property
    def depth(self) -> int:
        return self.top.level

    def at_level(self, level: int) -> list[Element]:
        return [element for element in self.elements if element.level == level]

    @property
    def indicators(self) -> list[Element]:
        return self.at_level(1)

    @property
    def aggregates(self) -> list[Element]:
        return [element for element in self.elements if element.level > 1]

    def children(self, code: str) -> list[Element]:
        return [element for element in self.elements if element.parent == code]

    def ancestors(self, code: str) -> list[Element]:
        chain = []
        parent = self.by_code[code].parent
        while parent is not None:
            chain.append(self.by_code[parent])
            parent = self.by_code[parent].parent
        return chain

    def indicators_under(self, code: str) -> list[Element]:
        element = self.by_code[code]
        if element.level == 1:
            return [element]
        return [leaf for child in self.children(code) for leaf in self.indicators_under(child.code)]

    def with_weights(self, weights: Mapping[str, float]) -> "Framework":
        return Framework(
            tuple(
                Element(**{**element.__dict__, "weight": weights.get(element.code, element.weight)})
                for element in self.elements
            )
        )

    def without(self, code: str) -> "Framework":
        """The framework with one element (and everything under it) removed."""
        dropped = {code} | {
            element.code
            for element in self.elements
            if code in {a.code for a in self.ancestors(element.code)}
        }
        kept = tuple(element for element in self.elements if element.code not in dropped)
        return Framework(kept)

    def effective_weights(self) -> dict[str, float]:
        """Each element's share of the index: its weight within its group times its parents'."""
        shares = {self.top.code: 1.0}
        for level in range(self.depth - 1, 0, -1):
            for element in self.at_level(level):
                siblings = self.children(element.parent)
                total = sum(sibling.weight for sibling in siblings)
                own = element.weight / total if total else 0.0
                shares[element.code] = own * shares[element.parent]
        return shares

    def as_rows(self) -> list[dict]:
        return [
            {
                "iCode": element.code,
                "iName": element.name,
                "Level": element.level,
                "Parent": element.parent or "",
                "Direction": element.direction,
                "Weight": element.weight,
                "Denominator": element.denominator or "",
                "Target": "" if element.target is None else element.target,
            }
            for element in self.elements
        ]


def _number(text, row: int, column: str, problems: list[str]) -> float | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        value = float(str(text).strip())
    except ValueError:
        problems.append(f"第 {row} 行，{column}：“{text}”不是数字")
        return None
    if not math.isfinite(value):
        problems.append(f"第 {row} 行，{column}：“{text}”不是有限的数")
        return None
    return value


def read_framework(
    rows: Iterable[Mapping[str, object]],
    data_columns: Iterable[str] = (),
    *,
    columns_name: str = "数据表",
) -> Framework:
    """Build a framework from table rows (header = line 1, so the first row is line 2).
    Every problem is reported at once: those of single rows, then those of the structure
    the readable rows make. `columns_name` is what `data_columns` are (a data table's columns,
    or a catalog's codes), for the messages."""
    problems: list[str] = []
    elements: list[Element] = []
    seen: dict[str, int] = {}
    for row, cells in enumerate(rows, start=2):
        cells = {
            str(key).strip(): ("" if value is None else str(value).strip())
            for key, value in cells.items()
            if key
        }
        if not any(cells.values()):
            continue
        if cells.get("Type", "").lower() in SKIPPED_TYPES:
            continue
        code = cells.get("iCode", "")
        if not code and not cells.get("Parent") and INDEX_CODE not in seen:
            code = INDEX_CODE  # the top level without a code of its own
        if not code:
            problems.append(f"第 {row} 行，iCode：不能为空")
            continue
        if code in seen:
            problems.append(f"第 {row} 行，iCode：“{code}”与第 {seen[code]} 行重复")
            continue
        seen[code] = row
        raw_level = cells.get("Level", "")
        level = _number(raw_level, row, "Level", problems)
        if level is None:
            if raw_level == "":
                problems.append(f"第 {row} 行，Level：不能为空（1 为指标，往上为各级综合）")
            continue
        if level < 1 or level != int(level):
            problems.append(
                f"第 {row} 行，Level：应为 1 或更大的整数（1 为指标），而不是“{raw_level}”"
            )
            continue
        # A bad direction or weight is reported and the row still takes its place in the
        # tree, so that its parent and denominator are checked in the same pass.
        direction = _number(cells.get("Direction"), row, "Direction", problems)
        if direction is not None and direction not in (1, -1):
            problems.append(
                f"第 {row} 行，Direction：应为 1（越大越好）或 -1（越小越好），而不是“{cells['Direction']}”"
            )
        weight = _number(cells.get("Weight"), row, "Weight", problems)
        if weight is not None and weight < 0:
            problems.append(f"第 {row} 行，Weight：权重不能为负数（{cells['Weight']}）")
        target = _number(cells.get("Target"), row, "Target", problems)
        elements.append(
            Element(
                code=code,
                level=int(level),
                parent=cells.get("Parent") or None,
                direction=int(direction) if direction in (1, -1) else 1,
                weight=weight if weight is not None and weight >= 0 else 1.0,
                denominator=cells.get("Denominator") or None,
                name=cells.get("iName", ""),
                target=target,
            )
        )
    if problems:
        if elements:
            try:
                check_framework(elements, data_columns, seen, columns_name=columns_name)
            except FrameworkError as error:
                problems += [p for p in error.problems if p not in problems]
        raise FrameworkError(problems)
    return check_framework(elements, data_columns, seen, columns_name=columns_name)


def check_framework(
    elements: list[Element],
    data_columns: Iterable[str] = (),
    rows: Mapping[str, int] | None = None,
    *,
    columns_name: str = "数据表",
) -> Framework:
    """The structure's problems, each named by its row when the framework came from a table,
    else by the element's name."""
    rows = rows or {}
    labels = {element.code: element.label for element in elements}

    def where(code: str) -> str:
        return f"第 {rows[code]} 行" if code in rows else f"“{labels.get(code, code)}”"

    def missing(code: str) -> str:
        return f"{columns_name}中没有“{code}”" + ("这一列" if columns_name == "数据表" else "")

    problems: list[str] = []
    if not elements:
        raise FrameworkError(["框架中没有任何指标"])
    codes = {element.code: element for element in elements}
    data_columns = set(data_columns)
    tops = [element for element in elements if element.parent is None]
    implicit_index = (
        any(element.parent == INDEX_CODE for element in elements) and INDEX_CODE not in codes
    )
    if len(tops) > 1 or implicit_index:
        levels = {element.level for element in tops}
        if len(levels) > 1:
            problems.append(
                "没有上级的元素不在同一层级（"
                + "、".join(f"{element.code}:{element.level}" for element in tops)
                + "），无法在其上补一个 Index"
            )
        else:
            top_level = max(
                levels | {element.level for element in elements if element.parent == INDEX_CODE}
            )
            elements = [
                Element(**{**element.__dict__, "parent": INDEX_CODE})
                if element.parent is None
                else element
                for element in elements
            ] + [Element(code=INDEX_CODE, level=top_level + 1, name="总指数")]
            codes = {element.code: element for element in elements}
    for element in elements:
        if element.parent is not None:
            parent = codes.get(element.parent)
            if parent is None:
                problems.append(
                    f"{where(element.code)}，Parent：“{element.parent}”不是框架中的 iCode"
                )
            elif parent.level != element.level + 1:
                problems.append(
                    f"{where(element.code)}，Parent：上级“{parent.code}”在第 {parent.level} 层，"
                    f"应在第 {element.level + 1} 层"
                )
        elif element.level == 1 and len(elements) > 1:
            problems.append(f"{where(element.code)}，Parent：指标（Level 1）必须有上级")
        if element.level > 1:
            if not any(child.parent == element.code for child in elements):
                problems.append(
                    f"{where(element.code)}：第 {element.level} 层的“{element.code}”下面没有任何元素"
                )
            if element.denominator:
                problems.append(
                    f"{where(element.code)}，Denominator：只有指标（Level 1）可以设分母"
                )
        if data_columns:
            if element.level == 1 and element.code not in data_columns:
                problems.append(f"{where(element.code)}，iCode：{missing(element.code)}")
            if element.denominator and element.denominator not in data_columns:
                problems.append(
                    f"{where(element.code)}，Denominator：{missing(element.denominator)}"
                )
    if not problems:
        for element in elements:
            if element.level > 1:
                children = [child for child in elements if child.parent == element.code]
                if children and sum(child.weight for child in children) == 0:
                    problems.append(f"{where(element.code)}：下级元素的权重全为 0")
    if problems:
        raise FrameworkError(problems)
    ordered = sorted(elements, key=lambda element: element.level)
    return Framework(tuple(ordered))
