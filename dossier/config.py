"""The ``dossier`` plugin's options, declared with MkDocs' own config options.

MkDocs validates them when it loads ``mkdocs.yml`` (for ``mkdocs build`` and ``serve``, and for the ``dossier``
command, which loads the configuration the same way: see :mod:`dossier.project`), so a wrong value is an error that
names the option, never a silent fallback.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from dossier import i18n
from dossier.registry import PAGE_SIZE

MAX_PAGE_SIZE = 100_000


class Count(BaseConfigOption[int]):
    """A whole number between ``low`` and ``high``."""

    def __init__(self, low: int, high: int, default: int) -> None:
        super().__init__()
        self.low, self.high, self.default = low, high, default

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"expected a whole number, got {value!r}")
        if not self.low <= value <= self.high:
            raise ValidationError(f"must be between {self.low:,} and {self.high:,}, got {value:,}")
        return value


class Language(c.OptionallyRequired[str]):
    """An interface language the package has a catalogue for."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not i18n.supported(value):
            raise ValidationError(
                f"no interface strings for {value!r}: expected one of {', '.join(i18n.languages())} "
                "(a translator adds a language with a catalogue in dossier/locale/)"
            )
        return value


LICENSE_KEYS = ("name", "path", "title")
_LICENSE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


class License(BaseConfigOption[dict[str, str]]):
    """The data's licence, as a Data Package declares it: ``name`` (an identifier such as ``CC-BY-4.0``), ``path``
    (the licence's http(s) address) and ``title`` (its name for readers); ``name`` or ``path`` at least."""

    def run_validation(self, value: object) -> dict[str, str]:
        expected = "name (an identifier such as CC-BY-4.0), path (the licence's http(s) address) and title"
        if not isinstance(value, dict):
            raise ValidationError(f"expected a mapping of {expected}, got {value!r}")
        unknown = sorted(str(key) for key in value if key not in LICENSE_KEYS)
        if unknown:
            raise ValidationError(f"unknown key {', '.join(repr(u) for u in unknown)}: expected {expected}")
        for key, text in value.items():
            if not isinstance(text, str) or not text.strip() or "\n" in text or text != text.strip():
                raise ValidationError(f"'{key}' must be a single line of text, got {text!r}")
        if "name" not in value and "path" not in value:
            raise ValidationError(f"give 'name' or 'path' (or both): {expected}")
        if "name" in value and not _LICENSE_NAME.match(value["name"]):
            raise ValidationError(
                f"'name' must be a licence identifier of letters, digits, '.', '+' and '-' (CC-BY-4.0, ODbL-1.0), "
                f"got {value['name']!r}"
            )
        if "path" in value:
            parts = urlsplit(value["path"])
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in value["path"]:
                raise ValidationError(f"'path' must be the licence's http(s) address, got {value['path']!r}")
        return {key: value[key] for key in LICENSE_KEYS if key in value}


class DossierConfig(Config):  # type: ignore[no-untyped-call]
    data_dir = c.Dir(exists=False, default="data")
    """The data folder, relative to mkdocs.yml."""
    lang = c.Optional(Language())
    """Language of the interface strings; default: `theme.language` when there is a catalogue for it, else English."""
    templates = c.Optional(c.Dir(exists=True))
    """A folder of templates overriding the packaged ones, relative to mkdocs.yml."""
    page_size = Count(1, MAX_PAGE_SIZE, PAGE_SIZE)
    """At most this many records on one list page (timeline, quotes, claims, actor and source indexes)."""
    license = c.Optional(License())
    """The licence of the published data (the Dati page, the Data Package): ``{name, path, title}``."""


def interface_language(option: str | None, theme_language: str | None) -> str:
    """The plugin's ``lang``, else the theme's language when the package speaks it, else English."""
    if option:
        return option
    if theme_language and i18n.supported(theme_language):
        return theme_language
    if theme_language and i18n.supported(theme_language.split("-")[0]):
        return theme_language.split("-")[0]
    return i18n.SOURCE_LANGUAGE
