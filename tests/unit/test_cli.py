"""The command line, a public contract: names, output formats and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcare_gui import __version__
from backcare_gui.cli import main
from tests.helpers.routines import minimal, write


def run_cli(*args: str, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backcare_gui", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=60)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"BackCare {__version__}"


def test_routines_list_json(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(data_home / "routines", "mine.yaml", minimal("mine"))
    assert main(["routines", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    mine = next(r for r in rows if r["id"] == "mine")
    assert mine == {"id": "mine", "title": "Mini", "level": None, "seconds": 15,
                    "origin": "user", "path": str((data_home / "routines/mine.yaml").resolve())}
    morning = next(r for r in rows if r["id"] == "morning-mobility")
    assert morning["origin"] == "bundled" and Path(morning["path"]).is_file()
    assert isinstance(morning["seconds"], int)


def test_routines_list_text_reports_bad_files_on_stderr(
        data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(data_home / "routines", "bad.yaml", "format: backcare-routine/1\n")
    write(data_home / "routines", "ok.yaml", minimal("ok", hold="2.5"))
    assert main(["routines", "list"]) == 0
    out, err = capsys.readouterr()
    ok_line = next(line for line in out.splitlines() if line.startswith("ok\t"))
    assert ok_line.split("\t")[:5] == ["ok", "Mini", "-", "12.5", "user"]
    assert "bad.yaml:1:1: error: missing required key 'id'" in err


@pytest.mark.parametrize("position", ["before", "after", "middle"])
def test_global_options_before_or_after_the_subcommand(
        tmp_path: Path, position: str, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "elsewhere"
    write(home / "routines", "far.yaml", minimal("far-away"))
    args = {"before": ["--data-dir", str(home), "routines", "list"],
            "middle": ["routines", "--data-dir", str(home), "list"],
            "after": ["routines", "list", "--data-dir", str(home)]}[position]
    assert main(args) == 0
    assert "far-away\t" in capsys.readouterr().out


def test_env_backcare_home_is_the_data_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BACKCARE_HOME", str(tmp_path / "h"))
    write(tmp_path / "h/routines", "x.yaml", minimal("from-env"))
    main(["routines", "list"])
    assert "from-env\t" in capsys.readouterr().out


def test_validate_exit_codes_and_compiler_style_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good/a.yaml", minimal("a"))
    assert main(["routines", "validate", str(good)]) == 0
    bad = write(tmp_path, "bad/b.yml", minimal("b", hold="0"))
    write(tmp_path, "bad/deeper/c.yaml", "")
    capsys.readouterr()
    assert main(["routines", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{bad}:7:11: error: 'hold' must be more than 0 and at most 3600 seconds (got 0)" in out
    assert any(line.startswith(f"{tmp_path / 'bad/deeper/c.yaml'}: error: the file is empty")
               for line in out)
    assert main(["routines", "validate", str(good), str(tmp_path / "nope.yaml")]) == 2


def test_validate_the_bundled_folder_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    from backcare_gui import resources

    assert main(["routines", "validate", str(resources.routines_dir())]) == 0


def _no_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return env


def test_no_display_is_one_clear_sentence_and_exit_2(tmp_path: Path) -> None:
    done = run_cli("--data-dir", str(tmp_path), env=_no_display_env())
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "No display was found" in done.stderr
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr


def test_a_display_that_cannot_be_opened_is_probed_first(tmp_path: Path) -> None:
    env = _no_display_env() | {"DISPLAY": ":457"}
    done = run_cli("--data-dir", str(tmp_path), env=env)
    assert done.returncode == 2
    assert "The display ':457' cannot be opened" in done.stderr


def test_unknown_start_id_is_an_error_before_any_display_is_needed(tmp_path: Path) -> None:
    done = run_cli("--data-dir", str(tmp_path), "--start", "no-such-routine",
                   env=_no_display_env())
    assert done.returncode == 1
    assert "there is no routine with the id 'no-such-routine'" in done.stderr


def test_pain_before_must_be_0_to_10(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--pain-before", "11"])
    assert done.value.code == 2
    assert "must be a whole number from 0 to 10" in capsys.readouterr().err


def test_python_dash_m_and_console_script_are_the_same(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("backcare")
    if not script.exists():
        pytest.skip("the console script is not installed in this environment")
    a = subprocess.run([str(script), "routines", "list", "--json"], capture_output=True,
                       text=True, cwd=tmp_path, check=True)
    b = run_cli("routines", "list", "--json", cwd=tmp_path)
    assert a.stdout == b.stdout and b.returncode == 0


def test_red_flags_prints_every_sign(capsys: pytest.CaptureFixture[str], data_home: Path) -> None:
    from backcare_gui.core.pain import RED_FLAGS

    assert main(["red-flags"]) == 0
    out = capsys.readouterr().out
    assert all(flag.question in out for flag in RED_FLAGS)
    assert "call 999" in out and "--none-apply" in out
    assert not (data_home / "backcare.sqlite3").exists()  # reading records nothing


def test_red_flags_none_apply_records_like_the_screen(
        capsys: pytest.CaptureFixture[str], data_home: Path) -> None:
    from backcare_gui.store.db import Database
    from backcare_gui.store.safety import SafetyRecords

    assert main(["red-flags", "--none-apply"]) == 0
    assert "Recorded" in capsys.readouterr().out
    db = Database.open(data_home / "backcare.sqlite3")
    try:
        safety = SafetyRecords(db)
        assert safety.red_flags_completed()
        record = safety.latest_red_flags()
        assert record is not None and record.source == "cli" and not record.any_yes
    finally:
        db.close()
