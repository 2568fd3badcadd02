"""The wheel carries the routines and assets, and the installed app runs from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # no build isolation: hatchling comes with the test extra, so no download is needed here
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (found,) = out.glob("backcare-*.whl")
    return found


def test_wheel_contains_routines_assets_and_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for routine in (ROOT / "routines").glob("*.yaml"):
        assert f"backcare_gui/routines/{routine.name}" in names
    for image in (ROOT / "assets").rglob("*.*"):
        assert f"backcare_gui/assets/{image.relative_to(ROOT / 'assets').as_posix()}" in names
    assert "backcare_gui/core/routine.py" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "backcare = backcare_gui.cli:main" in zipfile.ZipFile(wheel).read(
        entry_points).decode()


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "BACKCARE_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "backcare_gui", "routines", "list", "--json"],
                          cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    rows = json.loads(done.stdout)
    assert len(rows) >= 6 and done.stderr == ""
    for row in rows:  # found inside the installed package, not the source tree
        assert Path(row["path"]).is_relative_to(target / "backcare_gui" / "routines")
    done = subprocess.run([sys.executable, "-m", "backcare_gui", "routines", "validate",
                           str(target / "backcare_gui" / "routines")], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
