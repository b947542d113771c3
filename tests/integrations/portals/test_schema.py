"""Portal value formats: money as two-place decimal strings, never floats; timestamps in UTC."""

import datetime as dt
from decimal import Decimal

import pytest

from integrations.portals import schema


class TestMoney:
    @pytest.mark.parametrize(
        ("text", "amount"),
        [("412500.00", Decimal("412500.00")), ("-12.50", Decimal("-12.50")), (None, None)],
    )
    def test_parses_two_place_strings(self, text, amount):
        assert schema.parse_money(text) == amount

    @pytest.mark.parametrize("value", [412500.0, 412500, "412500", "1e3", "12.5", "12.505", ""])
    def test_rejects_floats_and_other_shapes(self, value):
        with pytest.raises(ValueError, match="two places"):
            schema.parse_money(value)

    def test_parses_rates_and_quantities_as_decimals(self):
        assert schema.parse_decimal("0.0725") == Decimal("0.0725")
        assert schema.parse_decimal("2") == Decimal(2)
        with pytest.raises(ValueError, match="decimal string"):
            schema.parse_decimal(0.0725)

    def test_formats_decimals_with_two_places(self):
        assert schema.format_money(Decimal("165")) == "165.00"
        assert schema.format_money(Decimal("2.5")) == "2.50"

    def test_refuses_to_format_a_float(self):
        with pytest.raises(TypeError):
            schema.format_money(2.5)


class TestTimes:
    def test_parses_timestamps_as_aware_utc(self):
        parsed = schema.parse_datetime("2025-03-01T09:30:00-05:00")

        assert parsed == dt.datetime(2025, 3, 1, 14, 30, tzinfo=dt.UTC)
        assert parsed.tzinfo is dt.UTC
        assert schema.parse_datetime("2025-03-01T14:30:00Z") == parsed

    def test_rejects_timestamps_without_offset(self):
        with pytest.raises(ValueError, match="offset"):
            schema.parse_datetime("2025-03-01T14:30:00")

    def test_formats_aware_times_in_utc(self):
        moment = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

        assert schema.format_datetime(moment) == "2025-03-01T14:30:00Z"

    def test_parses_dates(self):
        assert schema.parse_date("2025-03-01") == dt.date(2025, 3, 1)
        assert schema.parse_date(None) is None


def test_list_params_refuse_a_limit_above_the_maximum():
    with pytest.raises(ValueError, match="500"):
        schema.list_params(limit=501)
