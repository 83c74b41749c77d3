"""One colour per status (static/css/status.css), the same for badges, legend swatches, bars and PDFs: every status
has one, each its own, legible text on it, and told apart in each common kind of colour blindness."""

import itertools
import math
import re
from pathlib import Path

import pytest

STATUS_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "status.css"
RULE = re.compile(r"\.status-(\w+), \.fill-(\w+) \{ --status: (#[0-9a-f]{6}); --status-ink: (#[0-9a-f]{6}); fill: (#[0-9a-f]{6}); \}")

# Machado, Oliveira and Fernandes (2009), severity 1: what each kind of dichromat sees, in linear RGB.
SIMULATIONS = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def colours() -> dict[str, tuple[str, str, str]]:
    found = {}
    for status, again, paint, ink, fill in RULE.findall(STATUS_CSS.read_text()):
        assert status == again
        found[status] = (paint, ink, fill)
    return found


def linear(hex_colour: str) -> tuple[float, ...]:
    channels = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def luminance(hex_colour: str) -> float:
    r, g, b = linear(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def lab(rgb) -> tuple[float, float, float]:
    rgb = [min(1.0, max(0.0, c)) for c in rgb]
    xyz = [sum(w * c for w, c in zip(row, rgb)) / white for row, white in zip(
        ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505)), (0.95047, 1.0, 1.08883))]
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def seen(hex_colour: str, matrix) -> tuple[float, float, float]:
    rgb = linear(hex_colour)
    return lab([sum(m * c for m, c in zip(row, rgb)) for row in matrix])


def test_every_status_has_one_colour_written_alike_for_html_and_svg():
    found = colours()
    assert set(found) == {"not_assessed", "not_started", "in_progress", "on_track", "at_risk", "delayed", "achieved",
                          "ongoing", "discontinued"}
    assert {status: paint for status, (paint, _, fill) in found.items() if paint != fill} == {}
    assert len({paint for paint, _, _ in found.values()}) == 9


def test_the_statuses_the_issue_named_are_told_apart_now():
    found = colours()
    assert found["ongoing"][0] == "#56b4e9" and found["on_track"][0] == "#009e73"  # blue, and green
    assert found["at_risk"][0] != found["in_progress"][0]
    assert found["delayed"][0] != found["discontinued"][0]


def test_text_on_each_colour_has_a_contrast_of_five_to_one_or_more():
    for status, (paint, ink, _) in colours().items():
        light, dark = sorted((luminance(paint), luminance(ink)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 5, status


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_every_two_statuses_stay_apart_in_normal_and_colour_blind_vision(vision):
    # 10 in CIELAB: well past the 2.3 of a just-noticeable difference, as a swatch beside its label needs.
    looks = {status: seen(paint, SIMULATIONS[vision]) for status, (paint, _, _) in colours().items()}
    closest = min(itertools.combinations(looks, 2), key=lambda pair: math.dist(looks[pair[0]], looks[pair[1]]))
    assert math.dist(looks[closest[0]], looks[closest[1]]) >= 10, closest
