"""domain.parsing, the one strict reader of typed-in values: unit tests, no database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import parsing
from tests.test_cli_input_forms import MALFORMED_AMOUNTS


@pytest.mark.parametrize("written", MALFORMED_AMOUNTS + ["0", "", "1.23456", "1" * 16, 1.5, True, None])
def test_malformed_amounts_are_refused(written):
    with pytest.raises(ValueError):
        parsing.amount(written)


@pytest.mark.parametrize("written, value", [
    ("1,000.00", "1000.00"), ("1000", "1000.00"), ("0.5", "0.50"), (1000, "1000.00"),
    ("1.234", "1.234"), ("1.2300", "1.23"), ("999,999,999,999,999.99", "999999999999999.99"),
])
def test_plain_amounts_keep_their_value_with_at_least_two_places(written, value):
    assert str(parsing.amount(written)) == value


def test_places_are_judged_by_value():
    assert [parsing.places(parsing.amount(a)) for a in ("100000000.00", "1.230", "0.001")] == [0, 2, 3]


@pytest.mark.parametrize("currency, units", [("JPY", 0), ("USD", 2), ("BHD", 3), ("CLF", 4)])
def test_minor_units_come_from_iso_4217(currency, units):
    assert parsing.minor_units(currency) == units


@pytest.mark.parametrize("currency", ["ZZZ", "XAU", "usd"])
def test_currencies_without_minor_units_are_refused(currency):
    with pytest.raises(ValueError):
        parsing.minor_units(currency)


def _library_exponent(currency):
    from iso4217 import Currency

    try:
        return Currency(currency).exponent
    except ValueError:
        return None


def test_the_table_read_without_the_library_agrees_with_the_library_on_every_code():
    """parsing reads the iso4217 package's table.xml itself (start-up); the package decides."""
    from iso4217 import raw_table

    listed = parsing._listed_minor_units()
    assert {"USD": 2, "JPY": 0, "BHD": 3, "CLF": 4}.items() <= listed.items()  # the fast path answers these
    assert len(listed) > 150
    for code in raw_table:
        if code in listed:
            assert listed[code] == _library_exponent(code), code
        assert parsing._iso4217_exponent.__wrapped__(code) == _library_exponent(code), code


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=4)
       | st.sampled_from(["USD", "XAU", "XTS", "XXX", "usd", "USN", "ZWL", "VES"]))
def test_any_code_gets_the_libraries_answer(code):
    assert parsing._iso4217_exponent.__wrapped__(code) == _library_exponent(code)


def test_rates_are_plain_and_signed_only_where_allowed():
    assert parsing.rate("-0.25", negative_allowed=True) == Decimal("-0.25")
    for written in ("-0.25", "5%", "1e1", "+5", "08", "1,5", 1.5):
        with pytest.raises(ValueError):
            parsing.rate(written, negative_allowed=False)


def test_dates_are_exactly_year_month_day():
    assert parsing.day("2024-01-16") == date(2024, 1, 16)
    for written in ("2024-1-16", "20240116", "2024-W03-2", "2024-01-16 ", "٢٠٢٤-٠١-١٦", "2024-02-30"):
        with pytest.raises(ValueError):
            parsing.day(written)


@pytest.mark.parametrize("written", ["a\nb", "a\tb", "\x1b[2J", "a\x00", "a\x9bb", "a\u202eb", " ", "x" * 201])
def test_text_is_one_plain_line_of_bounded_length(written):
    with pytest.raises(ValueError):
        parsing.text(written, max_length=200)


def test_whole_numbers_are_plain_digits():
    assert parsing.whole_number("15") == 15
    for written in ("1_5", "015", "+15", " 15", "15.0", "١٥", 15.0, True):
        with pytest.raises(ValueError):
            parsing.whole_number(written)
