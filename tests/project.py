"""Where the project's own files are, for tests that read them all (templates, code)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def own_app_paths() -> list[Path]:
    """The folders of hubmod's own apps (not Django's or a library's), nested ones included."""
    root = Path(settings.BASE_DIR)
    venv = root / ".venv"
    return sorted(
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(root) and not Path(app.path).is_relative_to(venv)
    )


def template_roots() -> list[Path]:
    """The project's template folder and every own app's."""
    return [
        Path(settings.BASE_DIR) / "templates",
        *(p / "templates" for p in own_app_paths() if (p / "templates").is_dir()),
    ]
