"""Pain scale, meaningful change, the GP nudge and the red-flag screening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backcare_gui.core.pain import (
    RED_FLAG_IDS,
    RED_FLAGS,
    Change,
    Screening,
    Urgency,
    band,
    change,
    feedback,
    needs_gp_nudge,
    screening_needed,
)


@pytest.mark.parametrize(("rating", "name"), [(0, "No pain"), (1, "Mild"), (3, "Mild"),
                                              (4, "Moderate"), (6, "Moderate"), (7, "Severe"),
                                              (10, "Severe")])
def test_bands(rating: int, name: str) -> None:
    assert band(rating) == name


def test_band_refuses_out_of_scale() -> None:
    with pytest.raises(ValueError):
        band(11)


@pytest.mark.parametrize(("before", "after", "expected"), [
    (6, 4, Change.RELIEF),  # 2 points
    (3, 2, Change.RELIEF),  # 1 point but 33 %
    (10, 8, Change.RELIEF),
    (10, 9, Change.NONE),  # 10 %
    (1, 0, Change.RELIEF),  # 100 %
    (0, 0, Change.NONE),
    (5, 5, Change.NONE),
    (4, 5, Change.NONE),
    (4, 6, Change.RISE),
    (0, 2, Change.RISE),
])
def test_meaningful_change(before: int, after: int, expected: Change) -> None:
    assert change(before, after) is expected


def test_feedback_for_a_rise_is_calm_advice() -> None:
    text = feedback(3, 6, "Core basics")
    assert text.change is Change.RISE
    assert "Rest from Core basics for today" in text.message
    assert "gentler routine" in text.message and "doctor or physiotherapist" in text.message


def test_gp_nudge_needs_two_weeks_without_relief() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)

    def days_ago(n: float, before: int, after: int) -> tuple[datetime, int, int]:
        return (now - timedelta(days=n), before, after)

    no_relief = [days_ago(14, 6, 6), days_ago(9, 6, 5), days_ago(4, 6, 6), days_ago(1, 5, 5)]
    assert needs_gp_nudge(no_relief, now)
    assert not needs_gp_nudge(no_relief[1:], now)  # only nine days of records
    assert not needs_gp_nudge([*no_relief, days_ago(0.5, 6, 3)], now)  # relief lately
    assert not needs_gp_nudge([no_relief[0], no_relief[-1]], now)  # too few sessions


def test_red_flags_one_question_each_with_emergency_signs() -> None:
    assert len(set(RED_FLAG_IDS)) == len(RED_FLAGS) >= 12
    assert {f.id for f in RED_FLAGS if f.urgency is Urgency.EMERGENCY} >= {
        "saddle-numbness", "bladder", "bowel"}
    assert all(f.question.endswith("?") for f in RED_FLAGS)


def test_screening_outcomes() -> None:
    none = Screening(dict.fromkeys(RED_FLAG_IDS, False))
    assert none.complete and none.urgency is None and "None of these signs apply" in none.advice
    urgent = Screening({**none.answers, "fever": True})
    assert urgent.urgency is Urgency.URGENT and "GP today" in urgent.advice
    emergency = Screening({**urgent.answers, "bladder": True})
    assert emergency.urgency is Urgency.EMERGENCY and "now" in emergency.advice
    assert not Screening({"fever": False}).complete


def test_when_the_screening_is_shown() -> None:
    assert screening_needed(completed_before=False, pain_before=2)
    assert not screening_needed(completed_before=True, pain_before=7)
    assert screening_needed(completed_before=True, pain_before=8)
    assert not screening_needed(completed_before=True, pain_before=None)
