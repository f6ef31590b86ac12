"""A project as the ``dossier`` command sees it: ``mkdocs.yml`` loaded by MkDocs itself, the plugin's options included.

``mkdocs.config.load_config`` reads the file as ``mkdocs build`` does (``INHERIT:``, ``!ENV``, ``!relative``) and
validates every option, those of the ``dossier`` plugin with its own :class:`~dossier.config.DossierConfig`; so
``dossier check``, ``dossier render --out`` and ``mkdocs build`` always work from the same settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from dossier.config import DossierConfig, interface_language

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class ProjectError(Exception):
    """mkdocs.yml cannot be loaded; MkDocs' own messages say why."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Project:
    root: Path  # the folder holding mkdocs.yml (or the current folder when there is none)
    config_file: Path | None
    docs_dir: Path
    data_dir: Path
    lang: str
    templates_dir: Path | None
    page_size: int
    site_name: str = "Dossier"  # MkDocs' site_name: the exports' title
    site_url: str | None = None  # where the site is published, if mkdocs.yml says: absolute links in the exports
    directory_urls: bool = True  # MkDocs' use_directory_urls: how pages become URLs
    license: dict[str, str] | None = None  # the plugin's `license` option: {name, path, title}
    warnings: tuple[str, ...] = ()  # what MkDocs said of the configuration (`mkdocs build --strict` fails on them)


def find_config(start: Path) -> Path | None:
    """The nearest ``mkdocs.yml`` in ``start`` or its parents."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_project(start: Path | None = None, config_file: Path | None = None) -> Project:
    """The project around ``start`` (default: the current folder); raises :class:`ProjectError`."""
    start = (start or Path.cwd()).resolve()
    config_file = config_file or find_config(start)
    if config_file is None:
        defaults = DossierConfig()
        defaults.load_dict({})
        defaults.validate()
        return Project(
            root=start, config_file=None, docs_dir=start / "docs", data_dir=start / "data",
            lang=interface_language(None, None), templates_dir=None, page_size=defaults.page_size,
        )  # fmt: skip
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collected = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collected)
    propagate, logger.propagate = logger.propagate, False  # the messages are reported through ProjectError
    try:
        config = load_config(str(config_file))
    except (MkDocsException, OSError) as exc:
        reason = exc.format_message() if isinstance(exc, MkDocsException) else str(exc)
        raise ProjectError("\n".join([*collected.messages, reason])) from None
    finally:
        logger.removeHandler(collected)
        logger.propagate = propagate
    plugin = config.plugins.get("dossier")
    options = plugin.config if plugin is not None else None
    if not isinstance(options, DossierConfig):
        options = DossierConfig(config_file_path=str(config_file))
        options.load_dict({})
        options.validate()
    return Project(
        root=config_file.parent,
        config_file=config_file,
        docs_dir=Path(config.docs_dir),
        data_dir=Path(options.data_dir),
        lang=interface_language(options.lang, config.theme.get("language") if config.theme else None),
        templates_dir=Path(options.templates) if options.templates else None,
        page_size=options.page_size,
        site_name=config.site_name,
        site_url=config.site_url or None,
        directory_urls=config.use_directory_urls,
        license=options.license,
        warnings=tuple(collected.messages),
    )
