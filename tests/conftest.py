"""Shared fixtures: a small valid dossier with overrides, the problems it yields, and the command line.

``make_data`` writes a *fixed* minimal dossier (the first version of the bundled one: five actors, one event, quote,
claim, question and source with its stored text) so that exact messages do not change whenever editors add to ``data/``;
``make_data(files, bundled=True)`` copies the real ``data/`` instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dossier import loader
from dossier.cli import main
from dossier.errors import DossierError
from dossier.model import Dossier
from dossier.resolve import load

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data"
SOURCE = "articolo-pechino-2025-09"

Files = Mapping[str, str | bytes | None]

# The stored text of the minimal dossier's one source.
ARTICLE = (
    "Putin ringrazia Kim Jong-un a Pechino per i soldati inviati dalla Corea del Nord contro l'Ucraina\n"
    "\n"
    "Il presidente russo, Vladimir Putin, ha ringraziato il leader della Corea del Nord Kim Jong-un per "
    "avere fornito truppe da schierare al fianco della Russia nella guerra contro l'Ucraina.\n"
    "Il commento è arrivato durante un incontro tra i due alleati mercoledì alla Diaoyutai State Guest "
    "House di Pechino. Qualche ora prima, i leader russo e nordcoreano erano stati ospiti d'onore del "
    "presidente cinese Xi Jinping a una parata militare nella capitale cinese per celebrare l'80° "
    "anniversario della fine della Seconda guerra mondiale.\n"
    "Nel suo discorso a Kim, Putin ha parlato con calore dell'alleanza tra i loro Paesi, rafforzata lo "
    "scorso giugno dalla firma di un patto di difesa che ha portato migliaia di soldati della Corea del "
    "Nord a combattere e morire al fronte, soprattutto nella regione russa di Kursk dopo l'avanzata "
    "dell'esercito ucraino nel 2024.\n"
    '"I vostri soldati hanno combattuto con coraggio ed eroismo", ha detto Putin a Kim.\n'
    "Secondo i rapporti dell'intelligence sudcoreana, dall'anno scorso la Corea del Nord ha inviato in "
    "Russia circa 15mila soldati. In cambio, gli esperti ritengono che Mosca abbia inviato alla Corea del"
    " Nord attrezzature militari e petrolio.\n"
    "Pyongyang, che ha riconosciuto pubblicamente di avere inviato soldati vicino al confine tra Russia e"
    " Ucraina solo lo scorso aprile, ha promesso di inviare lavoratori edili per aiutare a ricostruire "
    "parti della regione di Kursk, devastata dalla guerra.\n"
    "Durante l'incontro a Pechino, Kim ha affermato che le relazioni bilaterali tra Russia e Corea del "
    'Nord stanno "avanzando in tutti i settori". "Se c\'è un modo per aiutare la Russia, lo faremo '
    'certamente come dovere fraterno", ha detto il leader nordcoreano che ha sfoggiato abito e cravatta '
    "in stile occidentale, lasciando che fosse solo il presidente cinese a indossare una giacca in stile "
    "rivoluzionario alla Mao Zedong.\n"
    "Il rafforzamento dell'alleanza avviene mentre Russia e Corea del Nord sono alle prese con le "
    "sanzioni internazionali, la prima per l'invasione dell'Ucraina e la seconda per il suo programma "
    "nucleare e missilistico.\n"
    "La parata militare di mercoledì ha segnato la prima volta dall'inizio della Guerra Fredda che i "
    "leader di Cina, Russia e Corea del Nord si sono trovati insieme. È stato anche il primo evento "
    "multilaterale a cui Kim ha partecipato nei suoi 14 anni di leadership e il primo viaggio in Cina dal"
    " 2019.\n"
    "In risposta agli incontri di Pechino, il presidente degli Stati Uniti Donald Trump ha preso di mira "
    'il suo omologo cinese. "Vi prego di dare i miei più calorosi saluti a Vladimir Putin e Kim Jong-un, '
    "mentre cospirate contro gli Stati Uniti d'America\", ha detto in un post sui social media riferendosi"
    " a Xi Jinping.\n"
)

MINIMAL: dict[str, str] = {
    "actors/corea-del-nord.yml": "name: Corea del Nord\nkind: country\naliases: [Pyongyang]\n",
    "actors/intelligence-sudcoreana.yml": (
        "name: Intelligence sudcoreana\nkind: organization\nsummary: I servizi di intelligence della Corea del Sud.\n"
    ),
    "actors/kim-jong-un.yml": (
        "name: Kim Jong-un\n"
        "kind: person\n"
        "summary: Leader della Corea del Nord dal 2011.\n"
        "roles:\n"
        "  - title: Leader supremo\n"
        "    of: corea-del-nord\n"
        "    start: 2011-12\n"
        "    sources:\n"
        f"      - source: {SOURCE}\n"
        "        passage: nei suoi 14 anni di leadership\n"
        "    notes:\n"
        "      - kind: context\n"
        "        text: >-\n"
        '          L\'articolo parla di "14 anni di leadership": Kim Jong-un è succeduto al padre Kim Jong-il,'
        " morto nel\n"
        "          dicembre 2011.\n"
    ),
    "actors/russia.yml": (
        "name: Russia\n"
        "kind: country\n"
        "aliases: [Mosca]\n"
        "relations:\n"
        "  - actor: corea-del-nord\n"
        "    label: alleata della\n"
        "    start: 2024-06\n"
        "    sources:\n"
        f"      - source: {SOURCE}\n"
        "        passage: rafforzata lo scorso giugno dalla firma di un patto di difesa\n"
    ),
    "actors/vladimir-putin.yml": (
        "name: Vladimir Putin\n"
        "kind: person\n"
        "summary: Presidente della Russia.\n"
        "roles:\n"
        "  - title: Presidente\n"
        "    of: russia\n"
        "    sources:\n"
        f"      - source: {SOURCE}\n"
        "        passage: Il presidente russo, Vladimir Putin\n"
    ),
    "claims/soldati-nordcoreani-15mila.yml": (
        "statement: Dall'anno scorso la Corea del Nord ha inviato in Russia circa 15mila soldati.\n"
        "subject: corea-del-nord\n"
        "question: soldati-nordcoreani-inviati\n"
        'value: {amount: "15000", approximate: "true", unit: soldati}\n'
        "according_to: intelligence-sudcoreana\n"
        "status: reported\n"
        "confidence: medium\n"
        "sources:\n"
        f"  - source: {SOURCE}\n"
        "    passage: Secondo i rapporti dell'intelligence sudcoreana, dall'anno scorso la Corea del Nord ha inviato"
        " in Russia circa 15mila soldati.\n"
    ),
    "questions/soldati-nordcoreani-inviati.yml": (
        "text: Quanti soldati ha inviato la Corea del Nord in Russia?\nsubject: corea-del-nord\n"
    ),
    "events/incontro-putin-kim-diaoyutai.yml": (
        "title: Putin ringrazia Kim alla Diaoyutai State Guest House\n"
        "date: 2025-09-03\n"
        "date_text: mercoledì\n"
        "place: Diaoyutai State Guest House, Pechino\n"
        "participants: [vladimir-putin, kim-jong-un]\n"
        "tags: [alleanza-russia-corea-del-nord]\n"
        "sources:\n"
        f"  - source: {SOURCE}\n"
        "    passage: durante un incontro tra i due alleati mercoledì alla Diaoyutai State Guest House di Pechino\n"
        "notes:\n"
        "  - kind: context\n"
        "    text: >-\n"
        "      La data è ricavata dalla parata del 3 settembre 2025, che l'articolo colloca nello stesso\n"
        '      "mercoledì".\n'
    ),
    "quotes/putin-coraggio-eroismo.yml": (
        "speaker: vladimir-putin\n"
        "addressed_to: [kim-jong-un]\n"
        "event: incontro-putin-kim-diaoyutai\n"
        "text: I vostri soldati hanno combattuto con coraggio ed eroismo\n"
        "form: direct\n"
        "sources:\n"
        f"  - source: {SOURCE}\n"
        '    passage: "\\"I vostri soldati hanno combattuto con coraggio ed eroismo\\", ha detto Putin a Kim."\n'
    ),
    f"sources/{SOURCE}.yml": (
        "title: Putin ringrazia Kim Jong-un a Pechino per i soldati inviati dalla Corea del Nord contro l'Ucraina\n"
        "kind: article\n"
        "lang: it\n"
        "published: 2025-09\n"
        f"text_file: {SOURCE}.txt\n"
        "notes:\n"
        "  - kind: context\n"
        "    text: >-\n"
        "      L'articolo non riporta autore, testata né giorno di pubblicazione. Il mese è ricavato dal testo:"
        " descrive\n"
        '      come avvenuti "mercoledì" l\'incontro e la parata del 3 settembre 2025.\n'
    ),
    f"sources/{SOURCE}.txt": ARTICLE,
    "tags/alleanza-russia-corea-del-nord.yml": "label: Alleanza tra Russia e Corea del Nord\n",
}


def write_data(root: Path, files: Files | None = None, *, bundled: bool = False) -> Path:
    """Write the minimal dossier (or a copy of the bundled ``data/``) into ``root/data`` once, then ``files``.

    Keys are paths inside ``data/`` (``"actors/x.yml"``); a value of None deletes the file.
    """
    data = root / "data"
    if not data.exists():
        if bundled:
            shutil.copytree(BUNDLED, data)
        else:
            for name, content in MINIMAL.items():
                (data / name).parent.mkdir(parents=True, exist_ok=True)
                (data / name).write_text(content, encoding="utf-8")
    for name, content in (files or {}).items():
        target = data / name
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return data


@pytest.fixture
def make_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """``make_data({"actors/x.yml": "..."})``: a valid dossier plus overrides; the test runs beside it.

    The current directory is the temporary folder, so problems are reported as ``data/actors/x.yml:...``.
    """
    monkeypatch.chdir(tmp_path)

    def make(files: Files | None = None, *, bundled: bool = False) -> Path:
        return write_data(tmp_path, files, bundled=bundled)

    return make


@pytest.fixture
def problems(make_data: Callable[..., Path]) -> Callable[..., list[str]]:
    """``problems({...})``: every problem of a run on the overridden dossier, as the lines users see."""

    def run(files: Files | None = None) -> list[str]:
        make_data(files)
        with pytest.raises(DossierError) as caught:
            load(Path("data"))
        assert caught.value.problems, "a DossierError must carry problems"
        return [str(p) for p in caught.value.problems]

    return run


@pytest.fixture
def load_ok(make_data: Callable[..., Path]) -> Callable[..., Dossier]:
    """``load_ok({...})``: the resolved dossier; fails the test with the problems if there are any."""

    def run(files: Files | None = None, lang: str = "it") -> Dossier:
        make_data(files)
        try:
            return load(Path("data"), lang=lang)
        except DossierError as exc:  # pragma: no cover - only on failure
            pytest.fail(f"unexpected problems:\n{exc}")

    return run


def parse_problems(text: str | bytes, path: str = "x.yml") -> list[str]:
    """The problems :func:`dossier.loader.parse` reports for one file, as lines."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(loader.LoadError) as caught:
        loader.parse(raw, path)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """``run_cli("check", "--data", "data")``: the ``dossier`` command, in-process, stdout and stderr apart."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=True)

    return run
