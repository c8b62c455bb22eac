"""Two-pass loudness: pass-1 parsing, the linear plan (limiter or lowered target), the linear check."""

from __future__ import annotations

import pytest

from pipeline.errors import RenderError
from pipeline.render.loudness import (
    Measurement,
    check_linear,
    fits_linearly,
    normalisation_types,
    parse_measurement,
    plan_normalisation,
)
from pipeline.render.platforms import load_platform

PASS_ONE = """[Parsed_loudnorm_12 @ 0x55d1] 
{
	"input_i" : "-23.52",
	"input_tp" : "-6.19",
	"input_lra" : "5.10",
	"input_thresh" : "-34.01",
	"output_i" : "-15.05",
	"output_tp" : "-1.00",
	"output_lra" : "4.20",
	"output_thresh" : "-25.50",
	"normalization_type" : "dynamic",
	"target_offset" : "0.05"
}
[out#0/null @ 0x55d2] video:0KiB audio:1500KiB
"""
SUMMARY = """[Parsed_loudnorm_40 @ 0x7f] 
Input Integrated:    -23.5 LUFS
Input True Peak:      -6.2 dBTP
Output Integrated:   -15.0 LUFS
Normalization Type:   {kind}
Target Offset:        +0.0 LU
"""
WEB = load_platform("web").loudness


def test_pass_one_json_is_parsed():
    assert parse_measurement(PASS_ONE) == Measurement(-23.52, -6.19, 5.1, -34.01, 0.05)


def test_pass_one_without_figures_or_on_silence_is_an_error():
    with pytest.raises(RenderError, match="printed no loudnorm figures"):
        parse_measurement("nothing here")
    with pytest.raises(RenderError, match="silent"):
        parse_measurement(PASS_ONE.replace('"-23.52"', '"-inf"'))


def test_linear_check_reads_every_branch():
    stderr = SUMMARY.format(kind="Linear") + SUMMARY.format(kind="Linear")
    assert normalisation_types(stderr) == ("linear", "linear")
    check_linear(stderr, 2, what="rendering")
    with pytest.raises(RenderError, match="fell back to dynamic mode"):
        check_linear(SUMMARY.format(kind="Linear") + SUMMARY.format(kind="Dynamic"), 2, what="rendering")
    with pytest.raises(RenderError, match="reported 1 of 2"):
        check_linear(SUMMARY.format(kind="Linear"), 2, what="rendering")


def test_a_quiet_mix_with_headroom_is_normalised_linearly():
    calls = []

    def measure(limit):
        calls.append(limit)
        return Measurement(-23.5, -12.0, 5.0, -34.0)

    plan = plan_normalisation(WEB, measure)
    assert calls == [None] and plan.limit_db is None and plan.aimed_lufs == -15.0 and not plan.note
    loudnorm = plan.filters()[0]
    for part in (
        "I=-15",
        "TP=-1",
        "LRA=11",
        "measured_I=-23.5",
        "measured_TP=-12",
        "measured_LRA=5",
        "measured_thresh=-34",
        "linear=true",
    ):
        assert part in loudnorm.split(":") or f"loudnorm={part}" in loudnorm
    assert plan.filters()[-1] == "aresample=48000"


def test_peaks_that_gain_would_push_over_the_limit_get_a_limiter_first():
    seen = []

    def measure(limit):
        seen.append(limit)
        return (
            Measurement(-26.0, -2.0, 6.0, -37.0)
            if limit is None
            else Measurement(-26.3, limit + 0.3, 5.8, -37.2)
        )

    plan = plan_normalisation(WEB, measure)
    assert seen[0] is None and seen[1] == plan.limit_db
    assert plan.limit_db == pytest.approx(-1 - 0.5 - 1 - (-15 - -26.0), abs=0.05)  # room for +11 dB of gain
    assert fits_linearly(plan.measurement, WEB)
    assert "limited" in plan.note and plan.filters()[0].startswith("alimiter=")


def test_when_even_limiting_is_not_enough_the_target_is_lowered_and_said():
    plan = plan_normalisation(WEB, lambda limit: Measurement(-40.0, -1.0, 3.0, -50.0))
    assert plan.integrated_lufs == pytest.approx(-40 + (-1 - 0.5 + 1), abs=0.05)
    assert "lowered" in plan.note and f"I={plan.integrated_lufs:g}" in plan.filters()[1]


def test_a_steady_mix_measuring_no_range_still_goes_linear():
    plan = plan_normalisation(WEB, lambda limit: Measurement(-20.0, -10.0, 0.0, -30.0))
    assert "measured_LRA=0.1" in plan.filters()[0]
