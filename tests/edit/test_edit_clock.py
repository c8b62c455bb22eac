import pytest

from pipeline.edit.clock import format_clock, format_length, parse_clock, parse_duration


@pytest.mark.parametrize(
    "ms, text",
    [(0, "00:00.00"), (1200, "00:01.20"), (4805, "00:04.805"), (61_000, "01:01.00"), (3_723_450, "62:03.45")],
)
def test_clock_round_trip(ms, text):
    assert format_clock(ms) == text
    assert parse_clock(text) == ms


@pytest.mark.parametrize("text, ms", [("1:02:03.5", 3_723_500), ("0:05", 5000), ("00:01.2", 1200)])
def test_clock_other_spellings(text, ms):
    assert parse_clock(text) == ms


@pytest.mark.parametrize("text", ["00:60.00", "1.20", "a:00.00", "00:01.2345", "", "1:60:00.00"])
def test_clock_refuses(text):
    assert parse_clock(text) is None


@pytest.mark.parametrize(
    "text, ms",
    [
        ("4m", 240_000),
        ("3m30s", 210_000),
        ("240s", 240_000),
        ("240", 240_000),
        ("3.5m", 210_000),
        ("4:00", 240_000),
        (" 4M ", 240_000),
    ],
)
def test_durations(text, ms):
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "m", "4h", "four", "3:75", "-4m"])
def test_durations_refused(text):
    assert parse_duration(text) is None


def test_length_for_messages():
    assert format_length(161_000) == "2:41"
    assert format_length(180_400) == "3:00"
    assert format_length(3_725_000) == "1:02:05"
