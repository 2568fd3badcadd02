"""Property tests: whatever bytes arrive, the loader returns a routine or a clear error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare_gui.core.routine import (
    EXERCISE_KEYS,
    STEP_KEYS,
    TOP_KEYS,
    Routine,
    RoutineFileError,
    parse_routine,
)
from tests.helpers.routines import EXAMPLE, resolver

PATH = Path("/tmp/property.yaml")
RESOLVER = resolver()


def outcome(text: str) -> Routine | RoutineFileError:
    try:
        return parse_routine(text, PATH, RESOLVER)
    except RoutineFileError as exc:
        return exc


def check(text: str) -> None:
    result = outcome(text)
    if isinstance(result, Routine):
        return
    assert result.problems
    lines = len(re.split("\r\n|[\n\r\x85\u2028\u2029]", text)) + 1  # YAML's line breaks
    for problem in result.problems:
        assert problem.path == PATH
        assert isinstance(problem.message, str) and problem.message
        assert "Traceback" not in problem.message
        if problem.pos is not None:
            assert 1 <= problem.pos.line <= lines
            assert problem.pos.col >= 1


@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    check(text)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    text = EXAMPLE
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 30)))
        insert = draw(st.one_of(
            st.just(""), st.text(alphabet=":-[]{}&*!|>'\"#\n ,?%@`\t0123456789.ex", max_size=8),
            st.text(max_size=5)))
        text = text[:start] + insert + text[end:]
    return text


@given(mutated_example())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_valid_file(text: str) -> None:
    check(text)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5000),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["left", "right", "gentle", "images/childs-pose.svg",
                                     "../x.png", "backcare-routine/1"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12)


def shaped(keys: tuple[str, ...], child: st.SearchStrategy[Any] = values,
           ) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from([*keys, "x-ext", "nmae"]), child, max_size=len(keys))


steps = st.lists(shaped(STEP_KEYS), max_size=3)
exercise = shaped(EXERCISE_KEYS, st.one_of(values, steps))
routine_data = st.builds(
    lambda top, exercises: {"format": "backcare-routine/1", **top, "exercises": exercises},
    shaped(TOP_KEYS), st.lists(exercise, max_size=3))


@given(routine_data)
@settings(max_examples=300)
def test_structurally_plausible_data(data: dict[str, Any]) -> None:
    check(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
