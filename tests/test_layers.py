"""The import contracts of pyproject.toml hold, and an import the wrong way would be reported."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    for contract in (
        "Entry points above forms",
        "The scheduler is pure",
        "Signing links is a leaf",
    ):
        assert contract in result.stdout


@pytest.mark.parametrize(
    ("contract", "module", "line"),
    [
        ("layers", "notifications/sneaky.py", "from matchmaking.services import outbox\n"),
        ("layers", "selectors/sneaky.py", "from matchmaking.notifications import messages\n"),
        ("layers", "models/sneaky.py", "from matchmaking import permissions\n"),
        ("layers", "services/sneaky.py", "from matchmaking.views import requests\n"),
        ("layers", "tasks.py", "import matchmaking.admin\n"),
        ("pure-scheduling", "scheduling/sneaky.py", "import django.db\n"),
        ("tokens-leaf", "tokens.py", "import matchmaking.selectors\n"),
    ],
)
def test_an_import_the_wrong_way_is_reported(tmp_path, contract, module, line):
    """On a copy of the app with one forbidden import added (to a new or an existing module),
    the contract that was kept breaks."""
    shutil.copytree(
        ROOT / "matchmaking",
        tmp_path / "matchmaking",
        ignore=shutil.ignore_patterns("__pycache__", "migrations", "locale"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path, "--contract", contract).returncode == 0
    with open(tmp_path / "matchmaking" / module, "a") as source:
        source.write(line)
    result = lint_imports(tmp_path, "--contract", contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
