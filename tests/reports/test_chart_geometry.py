"""The charts' geometry: bars carry their numbers where they fit, columns sit on a scale of round numbers, month
labels never crowd and the last one stays inside the chart. Pure functions: no database."""

from collections import Counter
from datetime import date

import pytest

from commitments.status import Status
from reports.charts import label_steps, nice_step, stacked_bar, stacked_columns
from reports.templatetags.charts import heat_cells, heat_level, status_bar

ORDER = [Status.ACHIEVED, Status.ON_TRACK, Status.DELAYED, Status.NOT_ASSESSED]


def month_ends(count: int) -> list[date]:
    days, year, month = [], 2025, 5
    for _ in range(count):
        following = date(year + month // 12, month % 12 + 1, 1)
        days.append(date.fromordinal(following.toordinal() - 1))
        year, month = following.year, following.month
    return days


def test_a_bar_places_its_segments_in_percent_and_says_what_each_has_room_to_print():
    segments = stacked_bar(Counter({Status.ON_TRACK: 30, Status.DELAYED: 3, Status.NOT_ASSESSED: 67}), ORDER,
                           lambda status: f"/list?status={status}")
    assert [(s.status, s.left, s.extent, s.middle) for s in segments] == [
        (Status.ON_TRACK, 0.0, 30.0, 15.0), (Status.DELAYED, 30.0, 3.0, 31.5), (Status.NOT_ASSESSED, 33.0, 67.0, 66.5)]
    assert [s.shows for s in segments] == ["glyph", "", "glyph"]
    assert stacked_bar(Counter({Status.ON_TRACK: 6, Status.NOT_ASSESSED: 94}), ORDER, str)[0].shows == "count"


def test_a_drawn_bar_prints_glyph_and_count_in_its_segments_and_its_total_beside_it():
    segments = stacked_bar(Counter({Status.ON_TRACK: 30, Status.DELAYED: 3, Status.NOT_ASSESSED: 67}), ORDER,
                           lambda status: f"/list?status={status}")
    html = status_bar("EU side", segments)
    assert '<span class="hbar-total">100</span>' in html
    assert 'aria-hidden="true">✓ 30</text>' in html and 'aria-hidden="true">? 67</text>' in html
    assert ">▼ 3<" not in html and ">3</text>" not in html  # 3% has no room: its tooltip and name say it
    assert 'aria-label="EU side: Delayed, 3 (3.0%)"' in html and "<title>Delayed: 3 (3.0%)</title>" in html
    assert 'class="seg fill-delayed"' in html and 'href="/list?status=delayed"' in html


@pytest.mark.parametrize("top, step", [(1, 1), (3, 1), (5, 1), (7, 2), (12, 5), (25, 5), (89, 20), (172, 50),
                                       (250, 50), (1720, 500)])
def test_the_scale_steps_by_round_numbers(top, step):
    assert nice_step(top) == step


@pytest.mark.parametrize("count, steps", [(1, (1, 1)), (6, (1, 1)), (12, (1, 2)), (20, (2, 4)), (24, (2, 4)),
                                          (30, (3, 6)), (37, (4, 8))])
def test_labels_thin_out_to_twelve_at_most_and_six_on_a_phone(count, steps):
    assert label_steps(count) == steps


def test_columns_stand_on_a_round_scale_and_label_the_latest_as_today():
    days = month_ends(19) + [date(2026, 12, 1)]
    points = [(day, Counter({Status.ON_TRACK: n, Status.NOT_ASSESSED: 172 - n})) for n, day in enumerate(days)]
    chart = stacked_columns(points, ORDER, today=date(2026, 12, 1))
    assert [t.value for t in chart.ticks] == [0, 50, 100, 150, 200]
    assert [t.y for t in chart.ticks] == [230.0, 175.0, 120.0, 65.0, 10.0]
    labels = [(c.label, c.narrow, c.anchor) for c in chart.columns if c.label]
    # Every other month counted back from today, every fourth on a phone.
    assert labels == [("Jun 25", False, "middle"), ("Aug 25", True, "middle"), ("Oct 25", False, "middle"),
                      ("Dec 25", True, "middle"), ("Feb 26", False, "middle"), ("Apr 26", True, "middle"),
                      ("Jun 26", False, "middle"), ("Aug 26", True, "middle"), ("Oct 26", False, "middle"),
                      ("Today", True, "end")]
    last = chart.columns[-1]
    assert (last.x, last.width, last.label_x) == (95.5, 4.0, 99.5)  # anchored at its right edge: not cut off
    assert chart.columns[0].anchor == "start"
    top = last.segments[-1]  # on track, drawn last, on top: 19 of a 200 scale
    assert (top.status, top.count, top.height) == (Status.ON_TRACK, 19, 20.9)


def test_a_single_point_still_makes_a_chart_and_no_points_none():
    chart = stacked_columns([(date(2025, 5, 31), Counter({Status.NOT_ASSESSED: 3}))], ORDER)
    assert [(c.label, c.anchor, c.x, c.width) for c in chart.columns] == [("May 25", "end", 10.0, 80.0)]
    assert stacked_columns([], ORDER).columns == []


@pytest.mark.parametrize("count, total, level", [(0, 10, 0), (1, 10, 1), (2, 8, 2), (5, 10, 3), (3, 4, 4), (4, 4, 4)])
def test_heat_cells_are_shaded_by_quarters_of_their_row(count, total, level):
    assert heat_level(count, total) == level


def test_a_heat_cell_says_its_share_in_words_too():
    html = heat_cells(Counter({Status.ON_TRACK: 1, Status.DELAYED: 3}), ORDER)
    assert '<td class="heat-2" title="25% of the row">1<span class="visually-hidden"> (25%)</span></td>' in html
    assert '<td class="heat-4" title="75% of the row">3' in html
    assert html.count('<td class="heat-0"></td>') == 2
