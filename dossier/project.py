"""Where a project's data lives: the ``dossier`` plugin's options in ``mkdocs.yml``, read without MkDocs.

The command line uses this so that ``dossier check`` validates the same folder the site is built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULTS: dict[str, Any] = {"data_dir": "data", "lang": None, "templates": None}


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml is trusted, but may use tags such as ``!!python/name:``: read them as nothing."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("", _ignore_tag)


@dataclass(frozen=True, kw_only=True, slots=True)
class Project:
    root: Path  # the folder holding mkdocs.yml (or the current folder when there is none)
    data_dir: Path
    lang: str
    templates_dir: Path | None


def find_config(start: Path) -> Path | None:
    """The nearest ``mkdocs.yml`` in ``start`` or its parents."""
    for folder in (start, *start.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    return None


def plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The options given to the ``dossier`` plugin, or None when the plugin is not listed."""
    for entry in config.get("plugins") or []:
        if entry == "dossier":
            return {}
        if isinstance(entry, dict) and "dossier" in entry:
            return dict(entry["dossier"] or {})
    return None


def load_project(start: Path | None = None, config_file: Path | None = None) -> Project:
    """The project around ``start`` (default: the current folder)."""
    start = (start or Path.cwd()).resolve()
    config_file = config_file or find_config(start)
    if config_file is None:
        return Project(root=start, data_dir=start / DEFAULTS["data_dir"], lang="it", templates_dir=None)
    root = config_file.parent
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        config = {}  # MkDocs reports a broken mkdocs.yml itself; here we fall back to the defaults
    options = {**DEFAULTS, **(plugin_options(config) or {})} if isinstance(config, dict) else dict(DEFAULTS)
    theme = config.get("theme") if isinstance(config, dict) else None
    lang = options["lang"] or (theme.get("language") if isinstance(theme, dict) else None) or "it"
    templates = options["templates"]
    return Project(
        root=root,
        data_dir=root / str(options["data_dir"]),
        lang=str(lang),
        templates_dir=root / str(templates) if templates else None,
    )
