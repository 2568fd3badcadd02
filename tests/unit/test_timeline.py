"""The timeline rules of docs/routine-format.md, phase by phase."""

from __future__ import annotations

import itertools

from backcare_gui.core.timeline import PhaseKind, build_timeline, format_seconds, total_ms
from tests.helpers.routines import EXAMPLE, minimal, parse


def kinds(text: str) -> list[tuple[str, int]]:
    return [(p.kind.value, p.duration_ms) for p in build_timeline(parse(text)).phases]


def test_the_documented_example_totals_289_seconds() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    assert timeline.total_ms == 289_000
    # 10 + 100 + 15 + 64 + 15 + 85, exercise by exercise
    ends = [timeline.exercise_end_ms(i) for i in range(3)]
    assert ends == [110_000, 189_000, 289_000]


def test_phases_are_contiguous_and_numbered() -> None:
    phases = build_timeline(parse(EXAMPLE)).phases
    assert [p.index for p in phases] == list(range(len(phases)))
    for before, after in itertools.pairwise(phases):
        assert after.start_ms == before.end_ms


def test_sides_sets_and_reps_in_order() -> None:
    phases = [p for p in build_timeline(parse(EXAMPLE)).phases if p.exercise.id == "knee-to-chest"]
    got = [(p.kind.value, p.set_number, p.side.value if p.side else None, p.rep_number)
           for p in phases]
    # rest_between_reps is 0 here: no rest phases between reps
    def one_side(s: int, side: str) -> list[tuple[str, int, str | None, int]]:
        return [("hold", s, side, rep) for rep in (1, 2, 3)]

    # the exercise rest belongs to the coming exercise; then set 1 left, switch, right, ...
    expected: list[tuple[str, int, str | None, int]] = [("exercise_rest", 1, None, 1)]
    for s in (1, 2):
        if s == 2:
            expected.append(("set_rest", 2, "left", 1))
        expected += one_side(s, "left")
        expected.append(("switch", s, "right", 1))
        expected += one_side(s, "right")
    assert got == expected


def test_nothing_after_the_last_rep_side_set_or_exercise() -> None:
    text = minimal(extra="prepare_seconds: 3\n").replace(
        "hold: 5\n", "hold: 5\n    reps: 2\n    rest_between_reps: 1\n    sets: 2\n"
        "    sides: [right, left]\n    switch_seconds: 2\n    rest_between_sets: 7\n")
    assert kinds(text) == [
        ("prepare", 3000),
        ("hold", 5000), ("rest", 1000), ("hold", 5000), ("switch", 2000),
        ("hold", 5000), ("rest", 1000), ("hold", 5000),
        ("set_rest", 7000),
        ("hold", 5000), ("rest", 1000), ("hold", 5000), ("switch", 2000),
        ("hold", 5000), ("rest", 1000), ("hold", 5000),
    ]


def test_zero_second_phases_are_not_emitted() -> None:
    text = minimal(extra="prepare_seconds: 0\n").replace(
        "hold: 5\n", "hold: 5\n    sides: [left, right]\n    switch_seconds: 0\n")
    assert kinds(text) == [("hold", 5000), ("hold", 5000)]


def test_no_side_switch_from_one_set_to_the_next() -> None:
    text = minimal().replace("hold: 5\n", "hold: 5\n    sides: [left, right]\n    sets: 2\n")
    phases = build_timeline(parse(text)).phases
    assert [p.kind for p in phases].count(PhaseKind.SWITCH) == 2  # one per set, not three


def test_steps_make_a_rep_and_carry_their_picture_and_cue() -> None:
    phases = [p for p in build_timeline(parse(EXAMPLE)).phases if p.exercise.id == "cat-cow"]
    steps = [p for p in phases if p.kind is PhaseKind.STEP]
    assert len(steps) == 16
    assert [p.name for p in steps[:2]] == ["Cow", "Cat"]
    assert steps[0].image and steps[0].image.text == "images/cat-cow-cow.svg"
    assert steps[1].cue == "Breathe out, round the back"
    assert [p.rep_number for p in steps[:4]] == [1, 1, 2, 2]


def test_decimal_durations_sum_exactly() -> None:
    text = minimal(hold="0.1").replace("hold: 0.1\n", "hold: 0.1\n    reps: 30\n")
    assert total_ms(parse(text.replace("id: mini", "id: mini"))) == 10_000 + 3_000


def test_format_seconds() -> None:
    assert format_seconds(289_000) == "289"
    assert format_seconds(2_500) == "2.5"
    assert format_seconds(1_005) == "1.005"
