"""The preview in a browser: with `mkdocs serve` running and a page open, invalid data shows in that page at once,
with the file and the line, and the page comes back by itself once the file is fixed (Chromium)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from browserkit import chromium
from servekit import Serve
from sitekit import copy_project

QUOTE = "putin-coraggio-eroismo"
STARTUP_TIMEOUT = 60
SHOWN_WITHIN = 2.0  # seconds, from saving the file to the open page showing the change (issue #11)


def _save(path: Path, text: str) -> None:
    """Write as an editor does: a whole new file moved in place (the watcher never sees half of it)."""
    temporary = path.parents[2] / f".{path.name}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_the_open_page_shows_the_problem_and_comes_back_when_fixed(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    server = Serve(root)
    try:
        server.wait_for(f"{server.url} to answer", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        quote = root / "data" / "quotes" / f"{QUOTE}.yml"
        good = quote.read_text(encoding="utf-8")
        line = next(n for n, text in enumerate(good.splitlines(), start=1) if text.startswith("speaker: "))
        with chromium() as browser:
            page = browser.new_page()
            page.goto(server.url + "actors/vladimir-putin/")
            heading = page.locator("h1").first.inner_text()
            assert "Putin" in heading
            page.wait_for_timeout(300)  # the live-reload script has asked the server for changes

            _save(quote, good.replace("speaker: vladimir-putin", "speaker: vladimir-putn"))
            saved = time.monotonic()
            where = f"data/quotes/{QUOTE}.yml:{line}:10"
            page.wait_for_function(f"document.body.innerText.includes({where!r})", timeout=30_000)
            shown = time.monotonic() - saved
            text = page.locator("body").inner_text()
            assert "unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)" in text
            assert re.search(r"speaker: vladimir-putn\s*\n\s*\^", text), text  # the line, marked at the column

            _save(quote, good)
            fixed = time.monotonic()
            page.wait_for_function(
                f"!document.body.innerText.includes({where!r}) && !!document.querySelector('h1')", timeout=30_000
            )
            back = time.monotonic() - fixed
            assert page.locator("h1").first.inner_text() == heading
        assert server.process.poll() is None, server.output
        print(f"\nshown in {shown:.2f} s, back in {back:.2f} s")
        assert shown < SHOWN_WITHIN and back < SHOWN_WITHIN, (shown, back)
    finally:
        server.stop()
