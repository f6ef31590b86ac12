"""The ``dossier`` plugin's options, declared with MkDocs' own config options.

MkDocs validates them when it loads ``mkdocs.yml`` (for ``mkdocs build`` and ``serve``, and for the ``dossier``
command, which loads the configuration the same way: see :mod:`dossier.project`), so a wrong value is an error that
names the option, never a silent fallback.
"""

from __future__ import annotations

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


class DossierConfig(Config):  # type: ignore[no-untyped-call]
    data_dir = c.Dir(exists=False, default="data")
    """The data folder, relative to mkdocs.yml."""
    lang = c.Optional(Language())
    """Language of the interface strings; default: `theme.language` when there is a catalogue for it, else English."""
    templates = c.Optional(c.Dir(exists=True))
    """A folder of templates overriding the packaged ones, relative to mkdocs.yml."""
    page_size = Count(1, MAX_PAGE_SIZE, PAGE_SIZE)
    """At most this many records on one list page (timeline, quotes, claims, actor and source indexes)."""


def interface_language(option: str | None, theme_language: str | None) -> str:
    """The plugin's ``lang``, else the theme's language when the package speaks it, else English."""
    if option:
        return option
    if theme_language and i18n.supported(theme_language):
        return theme_language
    if theme_language and i18n.supported(theme_language.split("-")[0]):
        return theme_language.split("-")[0]
    return i18n.SOURCE_LANGUAGE
