"""The layers of DESIGN.md hold, and the lint step's import-linter contract catches an import that
breaks them: a copy of the project with one wrong import fails it, naming the import."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copy(PROJECT / "pyproject.toml", root)
    for app in APPS:
        shutil.copytree(PROJECT / app, root / app, ignore=shutil.ignore_patterns("__pycache__", "*.html", "*.txt"))
    return root


def test_the_project_keeps_its_layers():
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "message"),
    [
        ("hub/services.py", "import reports.services", "hub is not allowed to import reports"),
        (
            "moderation/selectors.py",
            "from transparency import figures",
            "moderation is not allowed to import transparency",
        ),
        ("hubmod/errors.py", "import moderation.models", "hubmod is not allowed to import moderation"),
        ("policy/ladder.py", "from moderation.models import Case", "policy is not allowed to import moderation"),
    ],
)
def test_an_import_from_a_higher_layer_fails_the_lint_step(project_copy, module, wrong_import, message):
    path = project_copy / module
    original = path.read_text()
    path.write_text(f"{original}\n{wrong_import}  # noqa\n")
    try:
        result = lint_imports(project_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert message in result.stdout
