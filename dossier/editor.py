"""Editor set-up: the ``yaml.schemas`` mapping that ties each data folder to the JSON Schema of its kind.

The YAML language server (VS Code's YAML extension by Red Hat, and the editors that embed the same server: Neovim,
Helix, Zed, JetBrains through LSP4IJ, ...) reads ``yaml.schemas``: schema file -> glob of the files it describes,
both relative to the workspace root. ``dossier schema --vscode`` writes it into ``.vscode/settings.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

SETTINGS_KEY = "yaml.schemas"


class SettingsError(Exception):
    """The settings file exists but cannot be updated safely (not plain JSON)."""


def _workspace_path(path: Path, root: Path) -> str:
    """``path`` relative to the workspace root, '/'-separated; a file URI when it lies outside the root."""
    relative = os.path.relpath(path.resolve(), root.resolve())
    if relative == ".." or relative.startswith(".." + os.sep):
        return path.resolve().as_uri()
    return Path(relative).as_posix()


def schema_file(kind: str) -> str:
    """The name ``dossier schema`` gives the JSON Schema of a record kind."""
    return f"{kind}.schema.json"


def yaml_schemas(kinds: Iterable[tuple[str, str]], schema_dir: Path, data_dir: Path, root: Path) -> dict[str, str]:
    """The ``yaml.schemas`` mapping for (folder, kind) pairs: ``{"schemas/actor.schema.json": "data/actors/*.yml"}``."""
    schemas, data = _workspace_path(schema_dir, root), _workspace_path(data_dir, root)
    return {f"{schemas}/{schema_file(kind)}": f"{data}/{folder}/*.yml" for folder, kind in kinds}


def merged_settings(existing: str | None, mapping: dict[str, str]) -> str:
    """The text of a settings file holding ``mapping`` under ``yaml.schemas``, other settings and entries kept.

    Raises :class:`SettingsError` when ``existing`` is not a JSON object (VS Code allows comments in settings
    files; rewriting one would drop them, so it is left for the editor to change by hand).
    """
    settings: dict[str, object] = {}
    if existing is not None and existing.strip():
        try:
            loaded = json.loads(existing)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"not plain JSON (comments?): {exc.msg} at line {exc.lineno}") from None
        if not isinstance(loaded, dict):
            raise SettingsError("not a JSON object")
        settings = loaded
    current = settings.get(SETTINGS_KEY, {})
    if not isinstance(current, dict):
        raise SettingsError(f"'{SETTINGS_KEY}' is not an object")
    settings[SETTINGS_KEY] = {**current, **mapping}
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def snippet(mapping: dict[str, str]) -> str:
    """The mapping as a settings object to paste by hand."""
    return json.dumps({SETTINGS_KEY: mapping}, ensure_ascii=False, indent=2)


def update_settings(path: Path, mapping: dict[str, str]) -> bool:
    """Put ``mapping`` into the settings file at ``path`` (created if missing); whether the file changed."""
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(str(exc)) from None
    text = merged_settings(existing, mapping)
    if text == existing:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
