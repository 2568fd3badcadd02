"""The core never imports Qt, and the subcommands never import Qt widgets (quick, scriptable)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CORE = ROOT / "backcare_gui" / "core"


def test_core_modules_import_no_qt() -> None:
    offenders = []
    for module in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{module.name}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt6", "PyQt5")]
    assert offenders == []


def _imported_after(code: str, cwd: Path) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True,
                         text=True, check=True).stdout
    return set(out.split())


def test_importing_all_of_core_loads_no_qt(tmp_path: Path) -> None:
    modules = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__init__")
    code = "\n".join(f"import backcare_gui.core.{m}" for m in modules)
    loaded = _imported_after(code, tmp_path)
    assert not {m for m in loaded if m.startswith("PySide6")}


def test_subcommands_load_no_qt(tmp_path: Path) -> None:
    code = ("from backcare_gui.cli import main\n"
            f"main(['--data-dir', {str(tmp_path)!r}, 'routines', 'list', '--json'])\n"
            "import contextlib, io\n"
            "with contextlib.suppress(SystemExit): main(['routines', 'validate', '.'])")
    loaded = _imported_after(code, tmp_path)
    assert not {m for m in loaded if m.startswith("PySide6")}
