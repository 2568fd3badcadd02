"""`backcare routines export ID FILE.zip` and `backcare routines import PATH [--replace]` as the
real `python -m backcare_gui` process: a therapist exports, a patient imports into another data
folder, and `routines validate` agrees with what was written."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers.cli import run_cli
from tests.helpers.routines import minimal, write

pytestmark = pytest.mark.e2e

PICTURE = b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle r='4'/></svg>"


def backcare(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, home=home, text=True)


def therapists_plan(home: Path, title: str = "Knee plan") -> Path:
    folder = home / "routines" / "knee-plan"
    write(folder, "images/wall-slide.svg", PICTURE)
    return write(folder, "knee-plan.yaml", f"""\
format: backcare-routine/1
id: knee-plan
title: {title}
exercises:
  - id: wall-slide
    name: Wall slide
    image: images/wall-slide.svg
    hold: 10
  - id: childs-pose
    name: Child's pose
    image: images/childs-pose.svg
    hold: 20
""")


def test_export_then_import_into_another_data_folder(tmp_path: Path) -> None:
    therapist, patient = tmp_path / "therapist", tmp_path / "patient"
    therapists_plan(therapist)
    archive = tmp_path / "knee-plan.zip"
    exported = backcare("routines", "export", "knee-plan", str(archive), home=therapist)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == f"Exported knee-plan to {archive} (1 picture)\n"
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == ["images/wall-slide.svg", "knee-plan.yaml"]

    imported = backcare("routines", "import", str(archive), home=patient)
    assert imported.returncode == 0, imported.stderr
    target = patient / "routines" / "knee-plan" / "knee-plan.yaml"
    assert imported.stdout == f"Imported knee-plan (Knee plan) to {target}\n"
    assert (target.parent / "images/wall-slide.svg").read_bytes() == PICTURE
    checked = backcare("routines", "validate", str(target), home=patient)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = backcare("routines", "list", home=patient)
    assert any(line.startswith("knee-plan\tKnee plan\t") for line in listed.stdout.splitlines())
    assert listed.stderr == ""


def test_your_own_routine_is_replaced_only_with_replace(tmp_path: Path) -> None:
    therapist, patient = tmp_path / "therapist", tmp_path / "patient"
    therapists_plan(therapist, title="Knee plan, week 2")
    archive = tmp_path / "week-2.zip"
    assert backcare("routines", "export", "knee-plan", str(archive),
                    home=therapist).returncode == 0
    old = write(patient / "routines", "knee.yaml", minimal("knee-plan"))
    before = old.read_bytes()

    refused = backcare("routines", "import", str(archive), home=patient)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "you already have a routine 'knee-plan'" in refused.stderr
    assert "--replace" in refused.stderr
    assert old.read_bytes() == before
    assert not (patient / "routines" / "knee-plan").exists()

    replaced = backcare("routines", "import", str(archive), "--replace", home=patient)
    assert replaced.returncode == 0, replaced.stderr
    assert not old.exists()
    listed = backcare("routines", "list", home=patient)
    assert "knee-plan\tKnee plan, week 2\t" in listed.stdout
    assert listed.stderr == ""  # no second file with the same id


def test_a_bundled_id_is_imported_as_a_custom_copy(tmp_path: Path) -> None:
    home = tmp_path / "patient"
    sent = write(tmp_path / "sent", "desk.yaml", minimal("desk-break"))
    result = backcare("routines", "import", str(sent), home=home)
    assert result.returncode == 0, result.stderr
    target = home / "routines" / "desk-break-custom" / "desk-break-custom.yaml"
    assert result.stdout.splitlines() == [
        f"Imported desk-break-custom (Mini) to {target}",
        "  BackCare has its own routine 'desk-break', which cannot be changed, so this one was "
        "imported as 'desk-break-custom'."]
    assert backcare("routines", "validate", str(target), home=home).returncode == 0


def test_an_invalid_routine_is_not_imported_and_every_problem_is_shown(tmp_path: Path) -> None:
    home = tmp_path / "patient"
    archive = tmp_path / "plan.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.yaml", minimal("good"))
        zf.writestr("bad.yaml", minimal("bad", hold="0", extra="level: hard\n"))
    result = backcare("routines", "import", str(archive), home=home)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("backcare: error: 1 of the 2 routine files in")
    assert lines[1:] == [
        f"{archive}/bad.yaml:4:8: error: 'level' must be one of gentle, moderate, challenging "
        "(got 'hard')",
        f"{archive}/bad.yaml:8:11: error: 'hold' must be more than 0 and at most 3600 seconds "
        "(got 0)"]
    assert not home.exists()


def test_a_hostile_archive_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "patient"
    archive = tmp_path / "plan.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.yaml", minimal("good"))
        zf.writestr("../evil.yaml", minimal("evil"))
    result = backcare("routines", "import", str(archive), home=home)
    assert result.returncode == 1
    assert "'../evil.yaml'" in result.stderr and "Traceback" not in result.stderr
    assert not home.exists() and not (tmp_path.parent / "evil.yaml").exists()


def test_exporting_an_unknown_id(tmp_path: Path) -> None:
    result = backcare("routines", "export", "no-such-plan", str(tmp_path / "x.zip"),
                      home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "there is no routine with the id 'no-such-plan'" in result.stderr
    assert "desk-break" in result.stderr  # the known ids, as --start says
    assert not (tmp_path / "x.zip").exists()


def test_import_and_export_load_no_qt(tmp_path: Path) -> None:
    therapists_plan(tmp_path / "home")
    code = ("import sys\n"
            "from backcare_gui.cli import main\n"
            f"home = {str(tmp_path / 'home')!r}\n"
            f"target = {str(tmp_path / 'x.zip')!r}\n"
            "assert main(['--data-dir', home, 'routines', 'export', 'knee-plan', target]) == 0\n"
            f"assert main(['--data-dir', {str(tmp_path / 'other')!r}, 'routines', 'import', "
            "target]) == 0\n"
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
