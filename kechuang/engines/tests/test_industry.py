from kechuang.engines import industry


def test_industry_section_reads_codes_with_or_without_the_letter():
    codes = ("C3451", "3451", "0610", "c", "", None)
    assert [industry.industry_section(c) for c in codes] == ["C", "C", "B", "C", None, None]


def test_split_code_takes_the_section_letter_off_as_typed():
    assert industry.split_code("c3484") == ("C", "3484")
    assert industry.split_code(" C 3484 ") == ("C", "3484")
    assert industry.split_code("3484") == (None, "3484")
    assert industry.split_code("C") == ("C", "")
    assert industry.split_code("") == (None, "")
    assert industry.split_code("Z123") == (None, "Z123")  # no section Z: left for validation
