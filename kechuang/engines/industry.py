"""GB/T 4754-2017 industry codes: sections (门类) and class codes typed with or without them."""

# GB/T 4754-2017 sections (门类) by the first two digits of a class code (大类), so a rule can
# name 制造业 (C) without listing its thirty-one divisions.
SECTION_DIVISIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
SECTION_LABELS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
_SECTION_OF_DIVISION: dict[str, str] = {
    f"{division:02d}": section
    for section, (low, high) in SECTION_DIVISIONS.items()
    for division in range(low, high + 1)
}


def industry_section(code: object) -> str | None:
    """The 门类 letter of a GB/T 4754 code given with or without it ("C3451", "3451", "C")."""
    if not isinstance(code, str) or not code:
        return None
    head = code.strip().upper()
    if head[:1] in SECTION_DIVISIONS:
        return head[0]
    return _SECTION_OF_DIVISION.get(head[:2])


def split_code(text: str) -> tuple[str | None, str]:
    """A code as typed ("c3484", "C 3484", "3484", "C") -> its section letter, if one was
    typed, and its digits: ("C", "3484"), (None, "3484"), ("C", "")."""
    code = "".join((text or "").split()).upper()
    if code[:1] in SECTION_DIVISIONS:
        return code[0], code[1:]
    return None, code
