"""The ``dossier`` command: check the data, write JSON Schemas, render pages, report source coverage."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from dossier import output, schema, search
from dossier.coverage import coverage
from dossier.errors import DossierError, did_you_mean, format_github, format_json, format_text
from dossier.model import Dossier
from dossier.project import Project, load_project
from dossier.render import Renderer, RenderError
from dossier.resolve import display_path, load

EXIT_INVALID = 1


def _project(data: Path | None) -> Project:
    project = load_project()
    if data is not None:
        return Project(root=project.root, data_dir=data, lang=project.lang, templates_dir=project.templates_dir)
    return project


def _load_or_exit(project: Project, fmt: str = "text") -> Dossier:
    try:
        return load(project.data_dir, lang=project.lang)
    except DossierError as exc:
        if fmt == "json":
            click.echo(format_json(exc.problems))
        elif fmt == "github":
            click.echo(format_github(exc.problems))
            click.echo(format_text(exc.problems), err=True)
        else:
            click.echo(format_text(exc.problems), err=True)
        sys.exit(EXIT_INVALID)


data_option = click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The data folder (default: the one the dossier plugin uses in mkdocs.yml, else ./data).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dossier")
def main() -> None:
    """Validate and render annotated news dossiers."""


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print problems; 'github' prints GitHub Actions annotations.",
)
def check(data: Path | None, fmt: str) -> None:
    """Validate the data folder; exit 1 and list every problem if it has any."""
    started = time.perf_counter()
    project = _project(data)
    dossier = _load_or_exit(project, fmt)
    elapsed = time.perf_counter() - started
    if fmt == "json":
        click.echo("[]")
        return
    counts = ", ".join(
        f"{len(records)} {name}"
        for name, records in (
            ("actors", dossier.actors),
            ("events", dossier.events),
            ("quotes", dossier.quotes),
            ("claims", dossier.claims),
            ("sources", dossier.sources),
        )
    )
    click.echo(f"{display_path(project.data_dir)}: {counts}: no problems ({elapsed:.2f} s)", err=fmt == "github")
    for source in dossier.sources:
        report = coverage(dossier, source)
        if report is not None:
            summary = (
                f"source coverage: {source.id}: {report.cited_count}/{report.total} sentences cited ({report.percent}%)"
            )
            click.echo(summary, err=fmt == "github")


@main.command("schema")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write one JSON Schema per kind into.",
)
def schema_command(out: Path) -> None:
    """Write a JSON Schema per record kind, for completion and inline errors in editors."""
    out.mkdir(parents=True, exist_ok=True)
    for folder, (kind, model_type) in schema.KINDS.items():
        document = model_type.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["title"] = f"Dossier {kind} (data/{folder}/*.yml)"
        target = out / f"{kind}.schema.json"
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        click.echo(f"wrote {display_path(target)}")


@main.command()
@data_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the complete docs tree into (replaced as a whole, atomically).",
)
@click.option(
    "--docs",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Hand-written pages to include (default: docs/ beside mkdocs.yml).",
)
def render(data: Path | None, out: Path, docs: Path | None) -> None:
    """Write the site's pages as Markdown files, for engines that run no MkDocs plugins."""
    project = _project(data)
    dossier = _load_or_exit(project)
    renderer = Renderer(dossier, lang=project.lang, templates_dir=project.templates_dir)
    docs_dir = docs if docs is not None else project.root / "docs"
    if docs_dir.resolve() == out.resolve() or out.resolve() in docs_dir.resolve().parents:
        raise click.UsageError("--out must not be the docs folder or contain it")
    try:
        files = output.tree(renderer, docs_dir)
        changed = output.write(out, files)
    except (output.OutputError, RenderError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    state = f"wrote {len(files) - 1} files" if changed else "unchanged"
    click.echo(f"{display_path(out)}: {state}")


@main.command("coverage")
@data_option
@click.argument("source", required=False)
def coverage_command(data: Path | None, source: str | None) -> None:
    """List the sentences of a source's stored text that no record cites (all sources when none is named)."""
    project = _project(data)
    dossier = _load_or_exit(project)
    sources = {s.id: s for s in dossier.sources}
    if source is not None and source not in sources:
        raise click.BadParameter(f"no source '{source}'{did_you_mean(source, sources)}", param_hint="SOURCE")
    selected = [sources[source]] if source else list(sources.values())
    for item in selected:
        report = coverage(dossier, item)
        if report is None:
            click.echo(f"{item.id}: no stored text")
            continue
        click.echo(f"{item.id}: {report.cited_count}/{report.total} sentences cited ({report.percent}%)")
        assert item.text is not None
        for (start, end), cited in zip(report.sentences, report.cited, strict=True):
            if not cited:
                line = item.text.original.count("\n", 0, start) + 1
                click.echo(f"  line {line}: {item.text.original[start:end]}")


@main.command("index")
@click.argument("site_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
def index_command(site_dir: Path) -> None:
    """Build the search index of a built site (SITE_DIR/pagefind): for sites built by another engine from
    `dossier render --out`; `mkdocs build` with the dossier plugin does it itself."""
    report = search.index_site(site_dir)  # a SearchError is printed by click as "Error: ...", exit status 1
    others = "".join(f", {count} passages in {lang}" for lang, count in report.records.items())
    click.echo(f"{display_path(site_dir / search.BUNDLE)}: {report.pages} pages{others} ({report.seconds:.1f} s)")
    if not report.marked:
        click.echo(
            "warning: no page marks its content for search (data-pagefind-body), so every page was indexed whole,"
            " menus included: build the site with the theme overrides in dossier/theme (see the README)",
            err=True,
        )
