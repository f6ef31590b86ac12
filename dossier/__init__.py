"""Dossier: a static-site generator for annotated news dossiers.

YAML facts under ``data/`` are loaded strictly, validated, resolved into an immutable :class:`Dossier` and
rendered to Markdown pages that MkDocs (with Material for MkDocs) builds into a searchable site.
"""

from dossier.errors import DossierError, Problem
from dossier.model import Dossier
from dossier.resolve import load

__all__ = ["Dossier", "DossierError", "Problem", "load"]
