"""Problems shown to an editor in the page itself: the live preview's error page.

Under ``mkdocs serve``, invalid data does not stop the preview: every page shows the problems (each as
``path:line:col``, the message, and the line of the file with a marker under the column) until the files are
fixed, when the page reloads by itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from dossier.errors import Problem
from dossier.i18n import Words
from dossier.markup import html

_LINE_BREAK = re.compile("\r\n|\r|\n")
MAX_SHOWN = 200  # problems listed on the page; the terminal has them all


def source_line(root: Path, problem: Problem) -> str | None:
    """The line of the file a problem points at, or None when there is none to show."""
    if not problem.line:
        return None
    try:
        raw = (root / problem.path).read_bytes()
    except OSError:
        return None
    lines = _LINE_BREAK.split(raw.decode("utf-8", errors="replace"))
    return lines[problem.line - 1] if problem.line <= len(lines) else None


def problems_html(problems: Sequence[Problem], root: Path, words: Words) -> str:
    """The problems as one HTML block, in the interface language, with the offending lines of the files."""
    count = len(problems)
    parts = [
        '<div class="dossier-problems" role="alert">',
        "<p>"
        + html(
            words.ngettext(
                "The dossier has %(num)s problem: the site shows it until it is fixed.",
                "The dossier has %(num)s problems: the site shows them until they are fixed.",
                count,
            )
        )
        + "</p>",
        "<ol>",
    ]
    for problem in problems[:MAX_SHOWN]:
        where, _, message = str(problem).partition(": ")
        item = f"<li><p><code>{html(where)}</code> {html(message)}</p>"
        line = source_line(root, problem)
        if line is not None:
            marker = " " * max(problem.column - 1, 0) + "^" if problem.column else ""
            item += f"<pre><code>{html(line)}\n{marker}</code></pre>"
        parts.append(item + "</li>")
    parts.append("</ol>")
    if count > MAX_SHOWN:
        more = words.gettext("… and %(more)s more, listed in the terminal.", more=words.number(count - MAX_SHOWN))
        parts.append(f"<p>{html(more)}</p>")
    parts.append(f"<p>{html(words.gettext('Save the corrected files: this page reloads by itself.'))}</p>")
    parts.append("</div>")
    return "\n".join(parts)


def failure_html(message: str, words: Words) -> str:
    """A template or plugin failure, for the same page."""
    return (
        '<div class="dossier-problems" role="alert">\n'
        f"<p>{html(words.gettext('The site could not be generated:'))}</p>\n"
        f"<pre><code>{html(message)}</code></pre>\n"
        f"<p>{html(words.gettext('Save the corrected files: this page reloads by itself.'))}</p>\n"
        "</div>"
    )


def error_page(body_html: str, words: Words) -> str:
    """A whole Markdown page around the problems (their HTML left as it is)."""
    title = words.gettext("The dossier has problems")
    return f"---\ntitle: {html(title)}\nsearch:\n  exclude: true\n---\n\n# {title}\n\n{body_html}\n"


def error_html(body_html: str, words: Words) -> str:
    """The problems as the content of an HTML page (the preview's 404 page)."""
    return f"<h1>{html(words.gettext('The dossier has problems'))}</h1>\n{body_html}"
