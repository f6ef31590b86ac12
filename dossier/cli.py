"""The ``dossier`` command: check the data, write JSON Schemas, render pages, export the data, report coverage,
propose passages, preview the site."""

from __future__ import annotations

import atexit
import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from dossier import editor, model, shares
from dossier.coverage import Coverage, coverage
from dossier.errors import DossierError, did_you_mean, format_github, format_json, format_text
from dossier.kinds import DEFAULT
from dossier.model import Dossier
from dossier.project import Project, ProjectError, load_project
from dossier.resolve import Validated, display_path, load, stored_text_of, validate
from dossier.schema import ID_RE

if TYPE_CHECKING:
    from types import FrameType

    from dossier import publish, scaffold

EXIT_INVALID = 1
EXIT_USAGE = 2


def _project(data: Path | None, config_file: Path | None) -> Project:
    try:
        project = load_project(config_file=config_file)
    except ProjectError as exc:
        name = display_path(config_file) if config_file else "mkdocs.yml"
        click.echo(f"{name}: cannot be loaded:\n{exc}", err=True)
        sys.exit(EXIT_USAGE)
    for warning in project.warnings:
        click.echo(f"{display_path(project.config_file or Path('mkdocs.yml'))}: warning: {warning}", err=True)
    if data is not None:
        return replace(project, data_dir=data.resolve())
    return project


def _invalid(exc: DossierError, fmt: str) -> NoReturn:
    if fmt == "json":
        click.echo(format_json(exc.problems))
    elif fmt == "github":
        click.echo(format_github(exc.problems))
        click.echo(format_text(exc.problems), err=True)
    else:
        click.echo(format_text(exc.problems), err=True)
    sys.exit(EXIT_INVALID)


def _load_or_exit(project: Project, fmt: str = "text") -> Dossier:
    try:
        return load(project.data_dir, lang=project.lang, workers=shares.cores())
    except DossierError as exc:
        _invalid(exc, fmt)


data_option = click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The data folder (default: the one the dossier plugin uses in mkdocs.yml, else ./data).",
)
config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="The MkDocs configuration (default: the nearest mkdocs.yml).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dossier")
def main() -> None:
    """Validate and render annotated news dossiers."""
    # A command is a short-lived program: nothing it loads is cyclic garbage, so the collector has nothing to do.
    gc.disable()
    # Not even at exit, where Python would still look through every object once (0.08 s of a check of M).
    atexit.unregister(gc.freeze)  # once, however many commands a test runs in one process
    atexit.register(gc.freeze)


@main.command()
@data_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print problems; 'github' prints GitHub Actions annotations.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail on citations that cannot be verified (their source stores neither its text nor excerpts).",
)
def check(data: Path | None, config_file: Path | None, fmt: str, strict: bool) -> None:
    """Validate the data folder; exit 1 and list every problem if it has any."""
    started = time.perf_counter()
    project = _project(data, config_file)
    try:
        validated = validate(project.data_dir, workers=shares.cores(), strict=strict, records=False)
    except DossierError as exc:
        _invalid(exc, fmt)
    elapsed = time.perf_counter() - started
    if fmt == "json":
        click.echo("[]")
        return
    counts = ", ".join(f"{validated.count(kind.name)} {kind.folder}" for kind in validated.registry)
    click.echo(f"{display_path(project.data_dir)}: {counts}: no problems ({elapsed:.2f} s)", err=fmt == "github")
    if validated.unverified:
        head = (
            f"citations not verified: {len(validated.unverified)} (their source stores neither its text nor excerpts "
            "of it; dossier check --strict fails on them):"
        )
        click.echo(head, err=fmt == "github")
        if fmt == "github":
            click.echo(format_github(validated.unverified, level="warning"))
        for problem in validated.unverified:
            click.echo(f"  {problem}", err=fmt == "github")
    for (_, record_id), report in _coverage(validated):
        cited = f"{report.cited_count}/{report.total} sentences cited ({report.percent}%)"
        summary = f"source coverage: {record_id}: {cited}"
        click.echo(summary, err=fmt == "github")


def _coverage(validated: Validated) -> list[tuple[tuple[str, str], Coverage]]:
    """The coverage of every stored text, by the (kind, id) of the record holding it."""
    cited: dict[str, list[tuple[int, int]]] = {}
    for (source_id, _, _, _), span in validated.spans.items():
        cited.setdefault(source_id, []).append(span)
    return [(key, coverage(text, cited.get(key[1], []))) for key, text in sorted(validated.texts.items())]


@main.command("migrate")
@data_option
@config_option
@click.option("--dry-run", is_flag=True, help="Only print what would change.")
def migrate_command(data: Path | None, config_file: Path | None, dry_run: bool) -> None:
    """Bring the data up to the current format: claims' topics become questions (data/questions/)."""
    from dossier import migrate

    project = _project(data, config_file)
    report = migrate.topics(project.data_dir, shown=display_path(project.data_dir), dry_run=dry_run)
    for line in report.lines:
        click.echo(line)
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    if not report.lines and not report.problems:
        click.echo(f"{display_path(project.data_dir)}: nothing to migrate: no claim has a topic")
    elif not dry_run and report.questions:
        click.echo(
            f"questions written: {report.questions}; claims changed: {report.claims}. Reword each new question as the "
            "question its claims answer (its 'text'), then run: dossier check"
        )
    if report.problems:
        sys.exit(EXIT_INVALID)


@main.command("schema")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write one JSON Schema per kind into.",
)
@click.option(
    "--vscode",
    is_flag=True,
    help="Also map the schemas to the data folders in .vscode/settings.json (yaml.schemas), beside mkdocs.yml.",
)
def schema_command(out: Path, vscode: bool) -> None:
    """Write a JSON Schema per record kind, for completion and inline errors in editors."""
    out.mkdir(parents=True, exist_ok=True)
    for kind in DEFAULT:
        document = kind.model.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["title"] = f"Dossier {kind.name} (data/{kind.folder}/*.yml)"
        target = out / editor.schema_file(kind.name)
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        click.echo(f"wrote {display_path(target)}")
    if vscode:
        project = _project(None, None)
        kinds = [(kind.folder, kind.name) for kind in DEFAULT]
        mapping = editor.yaml_schemas(kinds, out, project.data_dir, project.root)
        target = project.root / ".vscode" / "settings.json"
        try:
            changed = editor.update_settings(target, mapping)
        except editor.SettingsError as exc:
            click.echo(f"error: cannot update {display_path(target)}: {exc}; add this to it by hand:", err=True)
            click.echo(editor.snippet(mapping), err=True)
            sys.exit(EXIT_INVALID)
        click.echo(f"wrote {display_path(target)} (yaml.schemas)" if changed else f"{display_path(target)}: unchanged")


@main.command()
@data_option
@config_option
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
    help="Hand-written pages to include (default: the docs_dir of mkdocs.yml).",
)
def render(data: Path | None, config_file: Path | None, out: Path, docs: Path | None) -> None:
    """Write the site's pages as Markdown files, for engines that run no MkDocs plugins."""
    from dossier import output, publish
    from dossier.render import Renderer, RenderError

    project = _project(data, config_file)
    dossier = _load_or_exit(project)
    docs_dir = docs if docs is not None else project.docs_dir
    if docs_dir.resolve() == out.resolve() or out.resolve() in docs_dir.resolve().parents:
        raise click.UsageError("--out must not be the docs folder or contain it")
    try:
        renderer = Renderer(
            dossier, lang=project.lang, templates_dir=project.templates_dir, page_size=project.page_size,
            site_url=project.site_url, directory_urls=project.directory_urls, workers=shares.cores(),
        )  # fmt: skip
        data_files = publish.published(dossier, renderer, _publication(project))
        published = {publish.PAGE: data_files.page.encode("utf-8"), **data_files.files}
        files = output.tree(renderer, docs_dir, published)
        changed = output.write(out, files)
    except (output.OutputError, RenderError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    state = f"wrote {len(files) - 1} files" if changed else "unchanged"
    click.echo(f"{display_path(out)}: {state}")


def _publication(project: Project) -> publish.Publication:
    from dossier import publish

    return publish.Publication(
        title=project.site_name, site_url=project.site_url, directory_urls=project.directory_urls,
        license=project.license, data_dir=project.data_dir,
    )  # fmt: skip


def _formats(value: tuple[str, ...]) -> list[str]:
    """``--format json,csv --format atom``: every format named, in the order of :data:`dossier.export.FORMATS`."""
    from dossier.export import FORMATS, UnknownFormat, check_formats

    named = {name.strip() for item in value for name in item.split(",") if name.strip()}
    try:
        check_formats(named)
    except UnknownFormat as exc:
        raise click.BadParameter(str(exc), param_hint="'--format'") from None
    return [fmt for fmt in FORMATS if fmt in named] if named else list(FORMATS)


@main.command("export")
@data_option
@config_option
@click.option(
    "--format",
    "fmt",
    multiple=True,
    metavar="FORMAT[,FORMAT...]",
    help="json, csv, timeline, ftm, jsonld, atom (comma-separated or repeated); default: all of them.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the files into (replaced as a whole, atomically).",
)
def export_command(data: Path | None, config_file: Path | None, fmt: tuple[str, ...], out: Path) -> None:
    """Export the data for other tools: JSON, CSV tables, TimelineJS, FollowTheMoney, JSON-LD, an Atom feed."""
    from dossier import output, publish
    from dossier.render import Site

    formats = _formats(fmt)
    project = _project(data, config_file)
    dossier = _load_or_exit(project)
    exported = publish.export(dossier, Site(dossier, project.page_size), _publication(project), formats)
    files = {output.MARKER: b"Written by `dossier export`; replaced as a whole on every run.\n", **exported.files}
    try:
        changed = output.write(out, files)
    except output.OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    if exported.undated:
        click.echo(f"note: the feed is dated by the data's own dates only: {exported.undated}", err=True)
    state = f"wrote {len(files) - 1} files ({', '.join(formats)})" if changed else "unchanged"
    click.echo(f"{display_path(out)}: {state}")


@main.command("coverage")
@data_option
@config_option
@click.argument("record", metavar="ID", required=False)
def coverage_command(data: Path | None, config_file: Path | None, record: str | None) -> None:
    """List the sentences of a stored text (a source's) that no record cites; every stored text without ID."""
    project = _project(data, config_file)
    try:
        validated = validate(project.data_dir, workers=shares.cores(), records=False)
    except DossierError as exc:
        _invalid(exc, "text")
    cited_kinds = [k.name for k in validated.registry.cited()]
    records = {i: (k, i) for k in cited_kinds for i in sorted(validated.data[k])}
    if record is not None and record not in records:
        names = " or ".join(cited_kinds)
        raise click.BadParameter(f"no {names} '{record}'{did_you_mean(record, records)}", param_hint="ID")
    reports = dict(_coverage(validated))
    for record_id in [record] if record else list(records):
        key = records[record_id]
        report = reports.get(key)
        if report is None:
            click.echo(f"{record_id}: no stored text")
            continue
        click.echo(f"{record_id}: {report.cited_count}/{report.total} sentences cited ({report.percent}%)")
        text = validated.texts[key].original
        for start, end in report.uncited_spans():
            line = text.count("\n", 0, start) + 1
            click.echo(f"  line {line}: {text[start:end]}")


@main.command("candidates")
@data_option
@config_option
@click.argument("source", metavar="ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="'text' prints YAML citations to paste, each after a comment saying why; 'json' a list for tools.",
)
def candidates_command(data: Path | None, config_file: Path | None, source: str, fmt: str) -> None:
    """Propose the passages of a source worth a record: quotations, numbers and dates, uncited sentences."""
    from dossier import candidates  # only here: `dossier check` starts sooner without it

    project = _project(data, config_file)
    dossier = _load_or_exit(project)
    holders = {r.id: r for kind in dossier.registry.cited() for r in dossier.records[kind.name]}
    if source not in holders:
        names = " or ".join(k.name for k in dossier.registry.cited())
        raise click.BadParameter(f"no {names} '{source}'{did_you_mean(source, holders)}", param_hint="ID")
    record = holders[source]
    text = model.stored_text(record)
    if text is None:
        click.echo(f"error: source '{source}' has no stored text (text_file): there is nothing to read", err=True)
        sys.exit(EXIT_INVALID)
    cited = [c.span for _, c in dossier.citations_of.get((record.record_kind, source), ()) if c.span is not None]
    found = candidates.candidates(text, cited, lang=record.lang)
    click.echo(candidates.to_json(source, found) if fmt == "json" else candidates.to_yaml(source, found).rstrip("\n"))


@main.command("new")
@data_option
@config_option
@click.argument("kind")
@click.argument("record_id", metavar="ID")
@click.option("--source", "source_id", metavar="ID", help="A source to cite: its stored text must hold --passage.")
@click.option("--passage", help="The exact words of the source that support the fact.")
def new_command(
    data: Path | None, config_file: Path | None, kind: str, record_id: str, source_id: str | None, passage: str | None
) -> None:
    """Start a record of KIND (actor, event, ...) named ID: every required field, the optional ones as comments."""
    project = _project(data, config_file)
    declared = DEFAULT.by_name.get(kind) or DEFAULT.by_folder.get(kind)
    if declared is None:
        names = [k.name for k in DEFAULT]
        raise click.BadParameter(
            f"no kind '{kind}'{did_you_mean(kind, names)}; kinds: {', '.join(names)}", param_hint="KIND"
        )
    if not ID_RE.match(record_id) or len(record_id) > 80:
        raise click.BadParameter(
            f"'{record_id}' is not a valid id: use lowercase letters a-z, digits and single hyphens, at most 80 "
            "characters (the id is the file name)",
            param_hint="ID",
        )
    if record_id in declared.reserved_ids:
        raise click.BadParameter(
            f"'{record_id}' is reserved for the page listing every {declared.name}", param_hint="ID"
        )
    folder = project.data_dir / declared.folder
    target = folder / f"{record_id}.yml"
    for existing in (target, folder / f"{record_id}.yaml"):
        if existing.exists():
            click.echo(
                f"error: {display_path(existing)} exists already: choose another id (nothing was written)", err=True
            )
            sys.exit(EXIT_INVALID)
    if (source_id is None) != (passage is None):
        raise click.UsageError("--source and --passage go together")
    from dossier import scaffold  # only here: it loads the languages' month names, which `dossier check` needs not

    cite = None
    if source_id is not None and passage is not None:
        cite = _cite(project, source_id, passage)
    try:
        scaffold.write_new(target, scaffold.starting_record(declared, record_id, display_path(target), cite))
    except FileExistsError:  # written by someone else in between
        click.echo(f"error: {display_path(target)} exists already: choose another id (nothing was written)", err=True)
        sys.exit(EXIT_INVALID)
    except OSError as exc:
        click.echo(f"error: cannot write {display_path(target)}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"wrote {display_path(target)}")


def _cite(project: Project, source_id: str, passage: str) -> scaffold.Cite:
    """A verified citation of ``passage`` in the source ``source_id``, or exit with why not."""
    try:
        _, text = stored_text_of(project.data_dir, source_id)
    except KeyError:
        folders = [project.data_dir / k.folder for k in DEFAULT.cited()]
        known = sorted(p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.y*ml"))
        raise click.BadParameter(
            f"no source '{source_id}'{did_you_mean(source_id, known)}", param_hint="--source"
        ) from None
    except DossierError as exc:
        click.echo(format_text(exc.problems), err=True)
        sys.exit(EXIT_INVALID)
    if text is None:
        click.echo(
            f"error: source '{source_id}' has no stored text (text_file): the passage cannot be verified", err=True
        )
        sys.exit(EXIT_INVALID)
    from dossier import scaffold

    try:
        return scaffold.verified(text, source_id, passage)
    except scaffold.ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        if exc.detail:
            click.echo("\n".join("    " + line for line in exc.detail.splitlines()), err=True)
        sys.exit(EXIT_INVALID)


MEMORY = Path("/dev/shm")  # Linux's shared memory, a file system in memory (none on macOS or Windows)
PREVIEW_WEIGHT = 30  # room asked for: the preview's pages weigh about 13 times their data (M: 10.9 MB of data, 139 MB)
PREVIEW_MARGIN = 128 * 1024 * 1024
PREVIEW_PREFIX = "dossier-preview-"  # then the pid of the `dossier serve` that made the folder
LOCK = ".lock"  # in each such folder, locked by its `dossier serve` as long as it runs


def preview_folder(data_dir: Path, memory: Path = MEMORY) -> tuple[Path | None, str]:
    """Where `mkdocs serve` should keep the preview's pages: ``memory`` when it is there and has room for them with a
    margin, else None (the system's temporary folder, as MkDocs chooses it); and why, in words."""
    if os.environ.get("TMPDIR"):
        return None, f"TMPDIR is set to {os.environ['TMPDIR']}"
    if not memory.is_dir() or not os.access(memory, os.W_OK):
        return None, f"{memory} is not available here"
    asked = PREVIEW_WEIGHT * _size(data_dir) + PREVIEW_MARGIN
    status = os.statvfs(memory)
    free = status.f_bavail * status.f_frsize
    room = f"{_megabytes(asked)} asked for: {PREVIEW_WEIGHT} times the data folder, and {_megabytes(PREVIEW_MARGIN)}"
    if free < asked:
        return None, f"{memory} has {_megabytes(free)} free, less than the {room}"
    return memory, f"{_megabytes(free)} free, {room}"


def _size(folder: Path) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:  # gone meanwhile, or a broken link
                continue
    return total


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def _config_file_in(arguments: tuple[str, ...]) -> Path | None:
    """The ``-f``/``--config-file`` among `mkdocs serve`'s options, if given, as MkDocs' own command line reads them
    (``-sf x.yml`` too); None also for options it refuses, which `mkdocs serve` then reports."""
    from mkdocs.__main__ import cli as mkdocs_cli

    serve = mkdocs_cli.commands["serve"]
    try:
        options, _, _ = serve.make_parser(click.Context(serve)).parse_args(list(arguments))
    except click.UsageError:
        return None
    given = options.get("config_file")
    return Path(given) if isinstance(given, str) else None


@main.command("serve", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("mkdocs_options", nargs=-1, type=click.UNPROCESSED)
def serve_command(mkdocs_options: tuple[str, ...]) -> None:
    """`mkdocs serve` (every option is its own), with the preview's pages kept in memory where the system has room:
    each rebuild writes every page again, which on a large dossier takes seconds on a disk."""
    given = _config_file_in(mkdocs_options)
    project = _project(None, given)
    options = list(mkdocs_options)
    if given is None and project.config_file is not None and project.config_file.parent != Path.cwd():
        options += ["--config-file", str(project.config_file)]  # found in a folder above, as every command finds it
    command = [sys.executable, "-m", "mkdocs", "serve", *options]
    folder, why = preview_folder(project.data_dir)
    if folder is None:
        click.echo(f"dossier serve: the preview's pages are written to {tempfile.gettempdir()} ({why})", err=True)
        sys.exit(_serve(command, dict(os.environ)))
    import fcntl  # (a folder in memory: Linux; fcntl is POSIX's)

    _forget_previews(folder)
    scratch = Path(tempfile.mkdtemp(prefix=f"{PREVIEW_PREFIX}{os.getpid()}-", dir=folder))
    with (scratch / LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held as long as this process lives: see _forget_previews
        click.echo(f"dossier serve: the preview's pages are kept in memory, in {scratch} ({why})", err=True)
        try:
            code = _serve(command, {**os.environ, "TMPDIR": str(scratch)})
        finally:  # MkDocs removes its own folder on Ctrl-C, not when it is killed; memory, unlike a disk, is missed
            shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(code)


def _serve(command: list[str], environment: dict[str, str]) -> int:
    """Run ``command`` (mkdocs serve) until it ends, passing it the signals that end this process; its exit status,
    as a shell reports it (128 + N when signal N ended it)."""
    if os.name != "posix":  # pragma: no cover - Windows: the console's Ctrl-C reaches every process in it
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            return subprocess.call(command, env=environment)
        finally:
            signal.signal(signal.SIGINT, previous)
    server: subprocess.Popen[bytes] | None = None
    pending: list[int] = []

    def forward(signal_number: int, _frame: FrameType | None) -> None:
        if server is None:
            pending.append(signal_number)  # before it started: passed on once it has
        else:
            server.send_signal(signal_number)

    # A signal this process was started ignoring (SIGINT for a command run with `&` by a script, SIGHUP under nohup)
    # stays ignored, here and in mkdocs serve, as it would be for mkdocs serve run alone.
    numbers = [n for n in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) if signal.getsignal(n) != signal.SIG_IGN]
    before = {number: signal.signal(number, forward) for number in numbers}
    try:
        # In a process group of its own, so that each signal reaches it once, from here: Ctrl-C in the terminal
        # reaches this process, which passes it on (twice, mkdocs serve would print a traceback of its cleanup). And
        # on Linux it is ended when this process ends, however that happens (SIGKILL included): no preview is left
        # running with no one to stop it.
        server = subprocess.Popen(command, env=environment, process_group=0, preexec_fn=_end_with_parent)
        for number in pending:
            server.send_signal(number)
        code = server.wait()
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
    return 128 - code if code < 0 else code


def _end_with_parent() -> None:  # in the child, before mkdocs serve starts
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: the signal a process gets when its parent ends


def _forget_previews(folder: Path) -> None:
    """Remove what earlier `dossier serve` runs left in ``folder`` when they were killed outright (SIGKILL): a folder
    whose lock no process holds (a preview still running holds its own, in this container or another)."""
    import fcntl

    for entry in folder.glob(f"{PREVIEW_PREFIX}*"):
        try:
            with (entry / LOCK).open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:  # held: a preview running; or not ours to remove
            continue


@main.command("index")
@click.argument("site_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
def index_command(site_dir: Path) -> None:
    """Build the search index of a built site (SITE_DIR/pagefind): for sites built by another engine from
    `dossier render --out`; `mkdocs build` with the dossier plugin does it itself."""
    from dossier import search

    report = search.index_site(site_dir)  # a SearchError is printed by click as "Error: ...", exit status 1
    others = "".join(f", {count} passages in {lang}" for lang, count in report.records.items())
    click.echo(f"{display_path(site_dir / search.BUNDLE)}: {report.pages} pages{others} ({report.seconds:.1f} s)")
    if not report.marked:
        click.echo(
            "warning: no page marks its content for search (data-pagefind-body), so every page was indexed whole,"
            " menus included: build the site with the theme overrides in dossier/theme (see the README)",
            err=True,
        )


__all__ = ["main"]
