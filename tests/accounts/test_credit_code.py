import pytest

from drafting.accounts import credit_code


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91110000802100433B", " 91350100m000100y43 "]
)
def test_valid_codes(code):
    assert credit_code.is_valid(code)
    assert credit_code.problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y431", "length"),
        ("91350100M000100YO3", "characters"),  # letter O is not in the alphabet
        ("91350100M000100Y44", "check"),
        ("91110000802100433A", "check"),
    ],
)
def test_invalid_codes(code, problem):
    assert not credit_code.is_valid(code)
    assert credit_code.problem(code) == problem


def test_check_character_round_trip():
    first17 = "91440300MA5F00001"
    code = first17 + credit_code.check_character(first17)
    assert credit_code.is_valid(code)
    wrong = first17 + ("0" if code[-1] != "0" else "1")
    assert not credit_code.is_valid(wrong)
