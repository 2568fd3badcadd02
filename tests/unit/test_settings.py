"""Settings: declared once, validated on load, never lost, written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backcare_gui.core.settings import BY_KEY, SCHEMA, SECTIONS, Settings


def test_schema_is_complete_and_defaults_are_valid() -> None:
    assert len({s.key for s in SCHEMA}) == len(SCHEMA)
    for setting in SCHEMA:
        assert setting.section in SECTIONS
        assert setting.label and setting.description.endswith(".")
        assert setting.check(setting.default) == setting.default


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "settings.yaml")
    assert settings.get("sound.volume") == 80 and settings.notices == []


def test_round_trip_writes_only_changes(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "settings.yaml"
    settings = Settings.load(path)
    settings.set("sound.volume", 35)
    settings.set("session.prepare_seconds", 4)
    settings.save()
    assert yaml.safe_load(path.read_text()) == {"sound.volume": 35,
                                                "session.prepare_seconds": 4}
    again = Settings.load(path)
    assert again.get("sound.volume") == 35 and again.get("session.prepare_seconds") == 4
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(("key", "value"), [
    ("sound.volume", 101), ("sound.volume", "loud"), ("sound.volume", True),
    ("sound.muted", "yes please"), ("session.prepare_seconds", -1),
])
def test_invalid_values_are_refused(key: str, value: object) -> None:
    with pytest.raises(ValueError):
        BY_KEY[key].check(value)


def test_bad_and_unknown_values_fall_back_with_a_notice_and_the_file_is_kept(
        tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    original = "sound.volume: 400\nsound.muted: true\nfuture.thing: 3\n"
    path.write_text(original)
    settings = Settings.load(path)
    assert settings.get("sound.volume") == 80
    assert settings.get("sound.muted") is True
    assert any("'sound.volume' must be from 0 to 100 (it was 400)" in n
               for n in settings.notices)
    assert any("'future.thing' is not one BackCare knows" in n for n in settings.notices)
    assert path.read_text() == original  # loading never writes
    settings.save()
    kept = list(tmp_path.glob("settings.yaml.*.bad"))
    assert [p.read_text() for p in kept] == [original]
    assert yaml.safe_load(path.read_text()) == {"sound.muted": True, "future.thing": 3}


def test_broken_yaml_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("sound.volume: [\n")
    settings = Settings.load(path)
    assert "not valid YAML (line 2)" in settings.notices[0]
    settings.set("sound.volume", 10)
    settings.save()
    assert [p.read_text() for p in tmp_path.glob("*.bad")] == ["sound.volume: [\n"]


def test_listeners_hear_changes_once(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "s.yaml")
    heard: list[tuple[str, object]] = []
    settings.subscribe(lambda k, v: heard.append((k, v)))
    settings.set("sound.muted", True)
    settings.set("sound.muted", True)
    assert heard == [("sound.muted", True)]


@pytest.mark.parametrize(("key", "good", "bad"), [
    ("breaks.work_start", "08:30", "8.30"),
    ("breaks.work_end", "23:59", "24:00"),
    ("breaks.work_days", "mon,wed,fri", "monday"),
    ("reminder.routine", "desk-break", "Desk Break"),
])
def test_text_settings_are_checked_against_their_form(key: str, good: str, bad: str) -> None:
    assert BY_KEY[key].check(good) == good
    with pytest.raises(ValueError, match="must be written like"):
        BY_KEY[key].check(bad)


def test_reminders_and_breaks_are_off_until_chosen() -> None:
    # nothing surprising: no window or sound without a reason the person chose
    assert BY_KEY["breaks.enabled"].default is False
    assert BY_KEY["reminder.enabled"].default is False
    assert BY_KEY["app.autostart"].default is False
