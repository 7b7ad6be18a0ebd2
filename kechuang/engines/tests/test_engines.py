"""The plain-Python engines: USCC checks, pinyin initials, ID numbers, and PII masking."""

import pytest
from stdnum.cn import uscc as stdnum_uscc

from kechuang.core.masking import mask
from kechuang.engines import uscc
from kechuang.engines.identity import id_check_character, id_number_valid
from kechuang.engines.text import (
    pinyin_full,
    pinyin_initials,
    pinyin_sort_key,
    without_place_prefix,
)
from kechuang.engines.uscc import UsccStatus

# Published codes of well-known enterprises (华为, 阿里巴巴(中国), 腾讯, 小米) and the
# python-stdnum documentation example; all pass GB 32100-2015.
REAL_CODES = [
    "914403001922038216",
    "91330100799655058B",
    "9144030071526726XG",
    "91110108551385082Q",
    "91110000600037341L",
]
PILOT_CODE = "91350100M0001TGQXM"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _with_check(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


# -- USCC: valid codes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registration", "region", "body"),
    [
        ("91", "330624", "MA2D8K3L"),
        ("91", "330000", "70450358"),
        ("92", "330624", "L1234567"),
        ("93", "330624", "MA000001"),
        ("12", "330624", "47000123"),
        ("52", "330624", "MJ9X0017"),
        ("Y1", "330624", "00000000"),
    ],
)
def test_made_codes_are_valid_without_warnings(registration, region, body):
    code = uscc.make(registration, region, body)
    assert len(code) == 18
    result = uscc.check(code)
    assert result.status == UsccStatus.VALID
    assert result.code == code
    assert result.expected_check == code[17]
    assert result.warnings == ()
    assert result.region_code == region


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    result = uscc.check(code)
    assert result.status == UsccStatus.VALID
    assert result.warnings == ()


def test_region_code_is_positions_three_to_eight():
    assert uscc.check("91330100799655058B").region_code == "330100"
    assert uscc.check("914403001922038216").region_code == "440300"


def test_every_alphabet_character_can_be_the_check_character():
    """Bodies chosen so that each of the 31 check values occurs at least once."""
    seen = set()
    for n in range(3000):
        code = uscc.make("91", "330624", f"MA{n:06d}")
        assert uscc.check(code).status == UsccStatus.VALID
        seen.add(code[17])
    assert seen == set(ALPHABET)


# -- USCC: invalid codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "9133062",
        "91330100799655058",  # 17 characters
        "91330100799655058BB",  # 19 characters
        "91330100799655058B0",
    ],
)
def test_wrong_length_is_bad_format(raw):
    result = uscc.check(raw)
    assert result.status == UsccStatus.BAD_FORMAT
    assert result.expected_check is None
    assert result.region_code == ""


@pytest.mark.parametrize("letter", list("IOZSV"))
@pytest.mark.parametrize("position", [0, 1, 9, 16, 17])
def test_forbidden_letters_are_bad_format_in_every_letter_position(letter, position):
    valid = "91330100799655058B"
    code = valid[:position] + letter + valid[position + 1 :]
    assert uscc.check(code).status == UsccStatus.BAD_FORMAT


@pytest.mark.parametrize("letter", list("ABCDEFGHJKLMNPQRTUWXY"))
def test_allowed_letters_in_the_body_are_not_a_format_error(letter):
    code = _with_check(f"91330624MA{letter}000001")
    assert uscc.check(code).status == UsccStatus.VALID


@pytest.mark.parametrize("position", range(2, 8))
def test_region_part_must_be_digits(position):
    valid = "91330100799655058B"
    code = valid[:position] + "A" + valid[position + 1 :]
    assert uscc.check(code).status == UsccStatus.BAD_FORMAT


@pytest.mark.parametrize(
    "raw",
    [
        "91330100799655058b",
        " 91330100799655058B ",
        "9133 0100 7996 5505 8B",
        "913301-00799655058-B",
        "９１３３０１００７９９６５５０５８Ｂ",
        "９１３３０１００\u3000７９９６５５０５８ｂ",
        "\t91330100799655058B\n",
    ],
)
def test_lowercase_spaces_dashes_and_full_width_are_normalised(raw):
    result = uscc.check(raw)
    assert result.status == UsccStatus.VALID
    assert result.code == "91330100799655058B"
    assert uscc.normalise(raw) == "91330100799655058B"


def test_chinese_or_punctuation_inside_the_code_is_still_a_format_error():
    assert uscc.check("91330100799655058号").status == UsccStatus.BAD_FORMAT
    assert uscc.check("9133010079965505.B").status == UsccStatus.BAD_FORMAT


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_wrong_check_character_is_bad_check_with_the_expected_one(code):
    for wrong in ALPHABET:
        if wrong == code[17]:
            continue
        result = uscc.check(code[:17] + wrong)
        assert result.status == UsccStatus.BAD_CHECK, wrong
        assert result.expected_check == code[17]
        assert result.code == code[:17] + wrong


def test_a_changed_body_character_is_caught_by_the_check_character():
    code = "91330100799655058B"
    tampered = code[:10] + ("8" if code[10] != "8" else "7") + code[11:]
    result = uscc.check(tampered)
    assert result.status == UsccStatus.BAD_CHECK
    assert result.expected_check == stdnum_uscc.calc_check_digit(tampered[:17])


def test_bad_check_in_lowercase_reports_the_expected_character_in_upper_case():
    result = uscc.check("9144030071526726xa")
    assert result.status == UsccStatus.BAD_CHECK
    assert result.expected_check == "G"


# -- USCC: legacy pilot and the GB 11714 warning ------------------------------------------


def test_early_fujian_pilot_code_fails_the_check_character():
    result = uscc.check(PILOT_CODE)
    assert result.status == UsccStatus.BAD_CHECK
    assert result.expected_check == "1"
    assert result.code == PILOT_CODE
    assert result.region_code == "350100"


def test_org_code_check_is_only_a_warning():
    first17 = "91330624MA2D8K3L0"  # the GB 11714 check character of MA2D8K3L is 1
    assert not uscc.org_code_valid(first17[8:17])
    result = uscc.check(_with_check(first17))
    assert result.status == UsccStatus.VALID
    assert len(result.warnings) == 1
    assert "GB 11714" in result.warnings[0]


def test_org_code_warning_is_also_reported_with_a_bad_check_character():
    first17 = "91330624MA2D8K3L0"
    good = _with_check(first17)
    wrong = next(c for c in ALPHABET if c != good[17])
    result = uscc.check(first17 + wrong)
    assert result.status == UsccStatus.BAD_CHECK
    assert result.warnings and "GB 11714" in result.warnings[0]


@pytest.mark.parametrize(
    ("org_code", "valid"),
    [
        ("799655058", True),
        ("192203821", True),
        ("715267269", False),
        ("71526726X", True),
        ("M0001TGQX", True),
        ("MA2D8K3L1", True),
        ("MA2D8K3L2", False),
        ("MA2D8K3L", False),
        ("MA2D8K3L10", False),
        ("ma2d8k3l1", False),
        ("#A2D8K3L1", False),
    ],
)
def test_org_code_valid(org_code, valid):
    assert uscc.org_code_valid(org_code) is valid


def test_org_code_check_character_zero_and_x():
    """Remainder 0 gives check '0' (11 -> 0); remainder 1 gives 'X' (10 -> X)."""
    found = {"0": None, "X": None}
    for n in range(2000):
        body = f"{n:08d}"
        code = uscc.make("91", "330624", body)
        if code[16] in found and found[code[16]] is None:
            found[code[16]] = code
    assert all(found.values())
    for code in found.values():
        assert uscc.org_code_valid(code[8:17])
        assert uscc.check(code).warnings == ()


# -- pinyin initials ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("新和成", "xhc"),
        ("浙江新和成股份有限公司", "zjxhcgfyxgs"),
        ("重庆", "cq"),
        ("新昌县（南明）轴承", "xcxnmzc"),
        ("ABC科技", "abckj"),
        ("3D打印", "3ddy"),
        ("新和成123", "xhc123"),
        ("浙江 新和成·药业", "zjxhcyy"),
        ("IT", "it"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_pinyin_initials(text, initials):
    assert pinyin_initials(text) == initials


def test_pinyin_initials_normalise_full_width_latin_and_digits():
    assert pinyin_initials("ＡＢＣ科技") == "abckj"
    assert pinyin_initials("Ｘ光１号") == "xg1h"


def test_pinyin_full():
    assert pinyin_full("新和成") == "xinhecheng"
    assert pinyin_full("新和成Abc 12") == "xinhechengabc12"
    assert pinyin_full("ＡＢ科技") == "abkeji"


XINCHANG = ["七星街道", "新昌县", "绍兴市", "浙江省"]


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("新昌县新禾成机械有限公司", "新禾成机械有限公司"),
        ("新昌新禾成机械有限公司", "新禾成机械有限公司"),  # the county without 县
        ("浙江新昌县七星街道新禾成", "新禾成"),  # every level, in order
        ("浙江省绍兴市新禾成", "新禾成"),
        ("浙江（新昌）新禾成有限公司", "新禾成有限公司"),  # in brackets
        ("七星新禾成", "新禾成"),  # the town without 街道
        ("杭州新禾成", "杭州新禾成"),  # not one of the name's places
        ("新昌县", "新昌县"),  # a name that is only a place stays whole
        ("新昌县新昌", "新昌"),
        ("新和成", "新和成"),  # 新和 is not 新昌
        ("", ""),
    ],
)
def test_without_place_prefix(name, core):
    assert without_place_prefix(name, XINCHANG) == core


def test_place_suffix_is_dropped_only_when_two_characters_remain():
    # "南区" is not shortened to "南": a one-character prefix would eat many brand names.
    assert without_place_prefix("南方轴承", ["南区"]) == "南方轴承"
    assert without_place_prefix("南区南方轴承", ["南区"]) == "南方轴承"


def test_pinyin_sort_key_orders_syllable_by_syllable_then_by_tone():
    names = ["安防", "艾科", "阿里", "新禾成", "新昌", "重庆", "长城", "Ａ级", "1号"]
    assert sorted(names, key=pinyin_sort_key) == [
        "1号",
        "Ａ级",  # Latin letters sort with their pinyin namesakes, before any tone
        "阿里",
        "艾科",
        "安防",
        "长城",
        "重庆",
        "新昌",
        "新禾成",
    ]
    assert (
        pinyin_sort_key("妈")
        < pinyin_sort_key("麻")
        < pinyin_sort_key("马")
        < pinyin_sort_key("骂")
    )


# -- resident ID numbers ------------------------------------------------------------------


def test_id_check_character_uses_gb_11643_weights():
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("33062419800101001") == "3"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("330624198001010013", True),
        ("330624198001010014", False),  # wrong check digit
        ("11010519491231002Y", False),
        ("110105194912310020", False),  # X expected, 0 given
        ("33062419800101001", False),  # 17 characters
        ("3306241980010100133", False),  # 19 characters
        ("330624800101001", False),  # old 15-digit number
        ("33062419800101001A", False),
        ("A30624198001010013", False),
        ("3306241980010100X3", False),
        ("", False),
    ],
)
def test_id_number_valid(value, valid):
    assert id_number_valid(value) is valid


def test_id_number_with_every_check_character_only_one_passes():
    first17 = "33062419800101001"
    passing = [c for c in "0123456789X" if id_number_valid(first17 + c)]
    assert passing == ["3"]


@pytest.mark.parametrize(
    "value",
    [
        "３３０６２４１９８００１０１００１3",  # full-width digits, ASCII check digit
        "３３０６２４１９８００１０１００１３",
        "²30624198001010013",  # a digit to str.isdigit, not to int()
        "\u0663\u0663062419800101001" + "3",  # Arabic-Indic digits
    ],
)
def test_id_number_with_non_ascii_digits_is_invalid_not_an_error(value):
    assert id_number_valid(value) is False


# -- masking ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        (13812341234, "138****1234"),
        ("330624198001010013", "330624********0013"),
        ("11010519491231002X", "110105********002X"),
        ("330624800101001", "330624*****1001"),
        ("张三", "张*"),
        ("张", "张"),
        ("欧阳建国", "欧***"),
        ("欧阳建国华", "欧阳*国华"),
        ("zhang.san@example.com", "zh*****************om"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask(value, masked):
    assert mask(value) == masked


def test_mask_never_returns_the_middle_of_a_phone_or_id():
    assert "1234" not in mask("13812341234")[3:7]
    masked = mask("330624198001010013")
    assert "19800101" not in masked
    assert len(masked) == 18
