"""The TimelineJS export in the real TimelineJS 3 (``@knight-lab/timelinejs`` from npm, ``tests/js``), in Chromium.

The library and the data are served from 127.0.0.1; the test fails on any request elsewhere, any console error,
any error message TimelineJS shows, and any slide it drops. Without ``tests/js/node_modules`` (``npm ci`` there) or
Chromium the test is skipped, and fails under ``CI=true``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browserkit import chromium, serve_folder, unavailable
from exportkit import BUNDLED_TITLE, NODE_TIMELINEJS, ROOT, neutral, write_tiny

from dossier.export import timeline as tl
from dossier.kinds import when

PAGE = """<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>TimelineJS</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="tl/css/timeline.css">
<script src="tl/js/timeline.js"></script></head>
<body><div id="timeline" style="width: 1200px; height: 680px"></div>
<script>
window.addEventListener("error", e => { window.tlFailed = String(e.message); });
window.addEventListener("unhandledrejection", e => { window.tlFailed = String(e.reason); });
fetch("timeline.json").then(r => r.json()).then(data => {
  window.tl = new TL.Timeline("timeline", data, {
    script_path: new URL("tl/js/", location.href).href, font: null, language: "it"
  });
  window.tl.on("loaded", () => { window.tlLoaded = true; });
});
</script></body></html>
"""

# Loaded, or refused with an error message (then no "loaded" event ever comes).
LOADED_OR_FAILED = (
    "window.tlLoaded === true || window.tlFailed !== undefined"
    " || (window.tl && window.tl.config && !window.tl.config.isValid())"
)

# What TimelineJS made of each slide: its id, the date fields it parsed, and the date shown.
SLIDES = """() => tl.config.events.map(e => ({
  id: e.unique_id,
  start: ['year', 'month', 'day'].filter(k => e.start_date.data[k] !== undefined),
  end: e.end_date ? ['year', 'month', 'day'].filter(k => e.end_date.data[k] !== undefined) : null,
  shown: tl.getSlideById(e.unique_id).getFormattedDate(),
}))"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (NODE_TIMELINEJS / "js" / "timeline.js").is_file():
        unavailable("TimelineJS is not installed: run `npm ci` in tests/js")
    with chromium() as launched:
        yield launched


def _load(browser: Any, folder: Path, data: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Load ``data`` in TimelineJS; what it made of the slides, and what went wrong (errors, requests, message)."""
    (folder / "tl").symlink_to(NODE_TIMELINEJS, target_is_directory=True)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "timeline.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    errors: list[str] = []
    foreign: list[str] = []
    with serve_folder(folder) as base:
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((base, "data:")) else None)
        page.goto(base + "index.html")
        page.wait_for_function(LOADED_OR_FAILED, timeout=20_000)
        failed = page.evaluate("window.tlFailed || null")
        if failed is not None:
            page.close()
            return [], {"failed": failed, "console": errors, "foreign": foreign}
        slides = page.evaluate(SLIDES)
        state = page.evaluate(
            """() => ({
              failed: window.tlFailed || null,
              valid: tl.config.isValid(), errors: tl.config.getErrors(),
              message: (() => { const m = document.querySelector('.tl-message-full');
                                return m && m.offsetParent !== null ? m.innerText : ''; })(),
              rendered: document.querySelectorAll('.tl-slide').length,
              quotes: [...document.querySelectorAll('.tl-slide blockquote[lang]')].map(b => b.lang),
            })"""
        )
        page.close()
    return slides, {**state, "console": errors, "foreign": foreign}


def test_bundled_timeline_loads_every_slide(browser: Any, tmp_path: Path) -> None:
    core, dossier = neutral(ROOT / "data", title=BUNDLED_TITLE)
    data = tl.timeline(dossier, quotes=True)
    slides, state = _load(browser, tmp_path, data)
    assert state.get("failed") is None and state["valid"] and state["errors"] == [] and state["message"] == ""
    assert state["console"] == [] and state["foreign"] == []
    expected = {f"event-{e.id}" for e in core.events} | {f"quote-{q.id}" for q in core.quotes if when(q)}
    assert {s["id"] for s in slides} == expected
    assert len(slides) == len(data["events"])
    assert state["rendered"] == len(slides) + 1  # and the title slide
    by_id = {s["id"]: s for s in slides}
    assert by_id["event-kim-jong-un-inizio-leadership"]["start"] == ["year", "month"]  # a month, not its 1st day
    assert by_id["event-kim-jong-un-viaggio-cina-2019"]["start"] == ["year"]
    assert by_id["event-incontro-putin-kim-diaoyutai"]["shown"] == "3 settembre 2025"
    assert by_id["event-guerra-russia-ucraina"]["shown"] == "fino a settembre 2025"
    assert "en" in state["quotes"]  # Trump's words in English keep their language mark


def test_english_quote_and_interval_in_timelinejs(browser: Any, tmp_path: Path) -> None:
    _, dossier = neutral(write_tiny(tmp_path / "project"))
    folder = tmp_path / "site"
    folder.mkdir()
    slides, state = _load(browser, folder, tl.timeline(dossier, quotes=True))
    assert state.get("failed") is None and state["valid"] and state["errors"] == [] and state["message"] == ""
    assert state["console"] == [] and state["foreign"] == []
    by_id = {s["id"]: s for s in slides}
    assert set(by_id) == {"event-lite", "event-saluto", "quote-ciao"}
    assert by_id["event-lite"]["start"] == ["year", "month"] and by_id["event-lite"]["end"] == ["year", "month"]
    assert by_id["event-lite"]["shown"] == "agosto 2023 – aprile 2024"
    assert by_id["event-saluto"]["shown"] == "giugno 2024 (circa)"
    assert sorted(state["quotes"]) == ["en", "it"]
