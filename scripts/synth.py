"""Write a synthetic, valid dossier project of a given size, for benchmarks and scale tests.

    python scripts/synth.py --size M --seed 1 --out /tmp/dossier-m

The folder gets a ``mkdocs.yml`` using the ``dossier`` plugin, ``docs/`` (the home page) and ``data/``:
actors of every kind with roles and relations, events spread over decades with every date precision and
qualifier (and intervals), quotes, claims (many answering a shared question, so they are compared; their figures in
every form: amounts, ranges, open bounds, vague words), questions, and sources (a few keeping only excerpts) whose
stored texts contain every cited passage verbatim. Names and texts are made of Italian words, so the Italian
search index has something real to stem; quotes' originals are in English, Russian, German or French words. The
output depends only on the size and the seed: two runs write byte-identical trees.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import shutil
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from dossier import publish
from dossier.i18n import Words
from dossier.kinds import DEFAULT

# Records of each kind (by the kind's name in the registry) for each size.
SIZES: dict[str, dict[str, int]] = {
    "S": {"actor": 50, "event": 200, "quote": 300, "claim": 60, "question": 12, "source": 20, "tag": 30},
    "10K": {"actor": 550, "event": 2_700, "quote": 5_400, "claim": 1_080, "question": 216, "source": 270, "tag": 30},
    "M": {"actor": 1_000, "event": 5_000, "quote": 10_000, "claim": 2_000, "question": 400, "source": 500, "tag": 30},
    "L": {
        "actor": 2_000,
        "event": 10_000,
        "quote": 20_000,
        "claim": 4_000,
        "question": 800,
        "source": 1_000,
        "tag": 30,
    },
}

FIRST_YEAR, LAST_YEAR = 1960, 2025

# -- vocabulary ------------------------------------------------------------------------------------------------
FIRST_NAMES = (
    "Alessandro", "Alessia", "Andrea", "Anna", "Antonio", "Beatrice", "Carlo", "Chiara", "Claudio", "Daniela",
    "Davide", "Elena", "Emanuele", "Federica", "Francesco", "Giacomo", "Giorgia", "Giovanni", "Giulia", "Giuseppe",
    "Ilaria", "Lorenzo", "Luca", "Lucia", "Marco", "Maria", "Martina", "Matteo", "Nicola", "Paola", "Pietro",
    "Roberto", "Rosa", "Sara", "Silvia", "Simone", "Stefano", "Teresa", "Valentina", "Vittorio",
)  # fmt: skip
SURNAMES = (
    "Amato", "Barbieri", "Benedetti", "Bianchi", "Bruno", "Caruso", "Colombo", "Conti", "Costa", "De Angelis",
    "De Luca", "Esposito", "Fabbri", "Ferrara", "Ferrari", "Fontana", "Galli", "Gallo", "Gentile", "Giordano",
    "Greco", "Lombardi", "Mancini", "Marchetti", "Marino", "Martini", "Mazza", "Moretti", "Orlando", "Palumbo",
    "Parisi", "Pellegrini", "Rinaldi", "Ricci", "Rizzo", "Romano", "Rossi", "Russo", "Sala", "Santoro",
    "Serra", "Testa", "Valentini", "Villa", "Vitale",
)  # fmt: skip
COUNTRY_FORMS = ("Repubblica di", "Regno di", "Federazione di", "Principato di", "Confederazione di")
SYLLABLES_A = ("Val", "Mor", "Cor", "Tar", "Len", "Bel", "Ser", "Dra", "Fal", "Gor", "Mir", "Ost", "Pal", "Ros")
SYLLABLES_B = ("ania", "ovia", "esia", "enza", "uria", "adia", "elia", "onia", "ersa", "atia")
PLACE_A = ("Monte", "Porto", "Castel", "Villa", "San", "Borgo", "Rocca", "Torre", "Ponte", "Campo", "Fonte")
PLACE_B = ("Alto", "Verde", "Rosso", "Nuovo", "Marino", "Fiorito", "Lungo", "Chiaro", "Vecchio", "Sereno")
NOUNS = (
    "accordo", "alleanza", "ambasciata", "armistizio", "bilancio", "campagna", "confine", "congresso", "consiglio",
    "contratto", "delegazione", "dichiarazione", "elezione", "embargo", "esercito", "flotta", "frontiera",
    "gasdotto", "governo", "incontro", "inchiesta", "mercato", "ministero", "negoziato", "parlamento", "partito",
    "patto", "porto", "processo", "progetto", "referendum", "ritiro", "sciopero", "sindacato",
    "trattato", "tribunale", "vertice", "voto",
)  # fmt: skip
ADJECTIVES = (
    "economico", "militare", "commerciale", "diplomatico", "energetico", "regionale", "nazionale", "storico",
    "segreto", "ufficiale", "provvisorio", "bilaterale", "nucleare", "agricolo", "finanziario", "culturale",
)  # fmt: skip
VERBS = (
    "ha annunciato", "ha firmato", "ha respinto", "ha confermato", "ha smentito", "ha criticato", "ha proposto",
    "ha sospeso", "ha rinviato", "ha approvato", "ha contestato", "ha difeso", "ha rilanciato", "ha chiesto",
)  # fmt: skip
QUOTE_OPENERS = (
    "Non accetteremo mai", "Siamo pronti a discutere", "Il nostro Paese sostiene", "Nessuno può ignorare",
    "È giunto il momento di rivedere", "Abbiamo sempre difeso", "Chiediamo con forza", "Difenderemo fino in fondo",
    "La nostra città merita", "Il popolo ha scelto",
)  # fmt: skip
TIME_WORDS = (
    "nella mattinata", "a tarda sera", "dopo lunghe trattative", "senza preavviso", "tra le proteste",
    "con grande cautela", "davanti alla stampa", "in una nota ufficiale", "a porte chiuse", "già la settimana scorsa",
)  # fmt: skip
DATE_TEXTS = (
    "lo scorso giugno", "l'anno scorso", "all'inizio del decennio", "qualche mese prima", "in primavera",
    "a fine estate", "mercoledì", "il giorno dopo", "negli stessi giorni", "poco prima delle elezioni",
)  # fmt: skip
ROLE_TITLES = (
    "Presidente", "Ministro degli esteri", "Ministra della difesa", "Portavoce", "Segretario generale",
    "Ambasciatore", "Direttrice", "Consigliere economico", "Capo di stato maggiore", "Governatore",
)  # fmt: skip
RELATION_LABELS = (
    "alleato di", "rivale di", "consigliere di", "membro di", "partner commerciale di", "successore di",
    "critico di", "finanziatore di",
)  # fmt: skip
TOPICS = (
    "Numero di soldati inviati", "Spesa militare annua", "Vittime del conflitto", "Valore degli aiuti",
    "Esportazioni di petrolio", "Profughi accolti", "Debito pubblico", "Affluenza al voto",
)  # fmt: skip
UNITS = ("soldati", "milioni di euro", "persone", "barili al giorno", "per cento", "tonnellate")
TAGS = {
    "economia": "Economia",
    "difesa": "Difesa",
    "diplomazia": "Diplomazia",
    "energia": "Energia",
    "elezioni": "Elezioni",
    "diritti-umani": "Diritti umani",
    "commercio": "Commercio",
    "sanzioni": "Sanzioni",
    "migrazioni": "Migrazioni",
    "clima": "Clima",
    "giustizia": "Giustizia",
    "sanita": "Sanità",
    "trasporti": "Trasporti",
    "agricoltura": "Agricoltura",
    "tecnologia": "Tecnologia",
    "cultura": "Cultura",
    "sport": "Sport",
    "istruzione": "Istruzione",
    "lavoro": "Lavoro",
    "sicurezza": "Sicurezza",
    "religione": "Religione",
    "media": "Media",
    "finanza": "Finanza",
    "ambiente": "Ambiente",
    "infrastrutture": "Infrastrutture",
    "corruzione": "Corruzione",
    "proteste": "Proteste",
    "confini": "Confini",
    "armamenti": "Armamenti",
    "cooperazione": "Cooperazione internazionale",
}  # fmt: skip  (id: the label readers see)
PUBLISHERS = (
    "Corriere di Valmora", "La Gazzetta del Porto", "Radio Borgo Nuovo", "Agenzia Stampa Continentale",
    "Il Quotidiano Sereno", "Televisione Nazionale", "Osservatorio Castel Verde", "Rivista di Politica Estera",
)  # fmt: skip
ORIGINAL_WORDS = {  # the words of a quote's original, in its own language
    "en": (
        "we", "will", "never", "accept", "this", "agreement", "our", "country", "stands", "ready", "to", "talk",
        "with", "all", "partners", "the", "people", "have", "chosen", "peace",
    ),
    "ru": (
        "мы", "никогда", "не", "примем", "это", "соглашение", "наша", "страна", "готова", "говорить", "со",
        "всеми", "партнёрами", "народ", "выбрал", "мир",
    ),
    "de": (
        "wir", "werden", "niemals", "dieses", "Abkommen", "akzeptieren", "unser", "Land", "ist", "bereit", "mit",
        "allen", "Partnern", "zu", "sprechen", "das", "Volk", "hat", "Frieden", "gewählt",
    ),
    "fr": (
        "nous", "n'accepterons", "jamais", "cet", "accord", "notre", "pays", "est", "prêt", "à", "parler", "avec",
        "tous", "les", "partenaires", "le", "peuple", "a", "choisi", "paix",
    ),
}  # fmt: skip
ORIGINAL_LANGS = ("en", "ru", "de", "fr")
NOTE_KINDS = ("context", "correction", "verification", "translation", None)
SOURCE_KINDS = (
    "article", "social-post", "official-statement", "report", "broadcast", "book", "interview", "dataset", "other",
)  # fmt: skip
# (form, weight): the first records take each form once, so even the smallest dossier has all of them.
DATES = (
    ("day", 45), ("month", 22), ("year", 10), ("day~", 3), ("month?", 3), ("year%", 2), ("days", 4), ("months", 4),
    ("years", 2), ("open-start", 3), ("open-end", 1), ("unknown-start", 1),
)  # fmt: skip
DATE_FORMS = tuple(form for form, _ in DATES)
DATE_WEIGHTS = tuple(weight for _, weight in DATES)
ACTOR_KINDS = (("person", 55), ("organization", 20), ("country", 10), ("group", 15))

# -- YAML, written by hand: fast, stable, and in the style editors use ------------------------------------------
_PLAIN = re.compile(r"[A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ '’,./~?%()-]*")


def _scalar(value: str) -> str:
    if _PLAIN.fullmatch(value) and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _emit(mapping: dict[str, Any], indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in mapping.items():
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, str):
            if "\n" in value:
                lines.append(f"{pad}{key}: |-")
                lines.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")
        elif isinstance(value, Flow):
            inner = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items.items())
            lines.append(f"{pad}{key}: {{{inner}}}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(_emit(value, indent + 2))
        else:
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    block = _emit(item, indent + 4)
                    block[0] = f"{pad}  - {block[0][indent + 4 :]}"
                    lines.extend(block)
                else:
                    lines.append(f"{pad}  - {_scalar(item)}")
    return lines


@dataclass(frozen=True)
class Flow:
    """A mapping written in flow style: ``value: {amount: "15000", approximate: "true"}``."""

    items: dict[str, str]


def to_yaml(mapping: dict[str, Any]) -> str:
    return "\n".join(_emit(mapping)) + "\n"


# -- helpers -----------------------------------------------------------------------------------------------------
def slug(text: str, limit: int = 50) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > limit:
            break
        result = candidate
    return result or "x"


def _feminine(noun: str) -> bool:
    return noun.endswith(("a", "ione"))


def agree(noun: str, adjective: str = "") -> str:
    """'patto militare', 'flotta segreta': the adjective agrees with the noun."""
    if adjective and _feminine(noun) and adjective.endswith("o"):
        adjective = adjective[:-1] + "a"
    return f"{noun} {adjective}".strip()


_ARTICLES = {
    "": {"il": "il ", "lo": "lo ", "la": "la ", "l'": "l'"},
    "di": {"il": "del ", "lo": "dello ", "la": "della ", "l'": "dell'"},
    "a": {"il": "al ", "lo": "allo ", "la": "alla ", "l'": "all'"},
}


def il(noun: str, adjective: str = "", preposition: str = "") -> str:
    """The noun with its article (joined to a preposition) and an agreeing adjective: 'il patto', 'della flotta
    militare', "all'accordo", 'lo sciopero'."""
    if noun[0] in "aeiou":
        article = "l'"
    elif _feminine(noun):
        article = "la"
    elif noun[0] == "z" or (noun[0] == "s" and noun[1] not in "aeiou"):
        article = "lo"
    else:
        article = "il"
    return _ARTICLES[preposition][article] + agree(noun, adjective)


def del_(noun: str, adjective: str = "") -> str:
    return il(noun, adjective, "di")


def al(noun: str, adjective: str = "") -> str:
    return il(noun, adjective, "a")


class Ids:
    """Unique ids per kind: the slug of a name, with '-2', '-3' ... on a clash."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def make(self, text: str) -> str:
        base = slug(text)
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        return base if count == 1 else f"{base}-{count}"


@dataclass
class Text:
    """A source's stored text, built as paragraphs of sentences; every cited passage is taken from it."""

    paragraphs: list[list[str]] = field(default_factory=list)

    def add(self, rng: Random, sentence: str) -> tuple[int, int]:
        if not self.paragraphs or len(self.paragraphs[-1]) >= rng.randint(1, 4):
            self.paragraphs.append([])
        self.paragraphs[-1].append(sentence)
        return len(self.paragraphs) - 1, len(self.paragraphs[-1]) - 1

    def render(self) -> str:
        return "\n".join(" ".join(p) for p in self.paragraphs) + "\n"


class Synth:
    def __init__(self, size: str, seed: int) -> None:
        self.rng = Random(seed)
        self.counts = SIZES[size]
        self.size = size
        self.actors: list[dict[str, Any]] = []  # {"id", "name", "kind", "record"}
        self.events: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []
        self.texts: dict[str, Text] = {}
        self.excerpted: set[str] = set()  # sources keeping excerpts, not a full text
        self.files: dict[str, str] = {}
        self.tag_ids = sorted(TAGS)[: self.counts["tag"]]

    # -- small generators ----------------------------------------------------------------------------------------
    def place(self) -> str:
        r = self.rng
        return f"{r.choice(PLACE_A)} {r.choice(PLACE_B)}"

    def land(self) -> str:
        r = self.rng
        return r.choice(SYLLABLES_A) + r.choice(SYLLABLES_B)

    def words(self, count: int) -> str:
        r = self.rng
        parts = []
        for _ in range(count):
            parts.append(r.choice(NOUNS) if r.random() < 0.6 else r.choice(ADJECTIVES))
        return " ".join(parts)

    def quote_text(self) -> str:
        r = self.rng
        text = f"{r.choice(QUOTE_OPENERS)} {il(r.choice(NOUNS), r.choice(ADJECTIVES))}"
        if r.random() < 0.5:
            text += f" {del_(r.choice(NOUNS))} di {self.place()}"
        if r.random() < 0.3:
            text += f", perché {il(r.choice(NOUNS))} {r.choice(VERBS)} {il(r.choice(NOUNS), r.choice(ADJECTIVES))}"
        return text

    def sentence(self) -> str:
        """A filler sentence of the kind news reports are made of."""
        r = self.rng
        subject = r.choice(
            (il(r.choice(NOUNS), r.choice(ADJECTIVES)).capitalize(), f"La delegazione di {self.place()}")
        )
        return (
            f"{subject} {r.choice(VERBS)} {il(r.choice(NOUNS), r.choice(ADJECTIVES))} con {self.place()} "
            f"{r.choice(TIME_WORDS)}, secondo fonti vicine {al(r.choice(NOUNS))}."
        )

    def year(self) -> int:
        return self.rng.randint(FIRST_YEAR, LAST_YEAR)

    def simple_date(self, precision: str | None = None, year: int | None = None, qualifier: str | None = None) -> str:
        """YYYY, YYYY-MM or YYYY-MM-DD, sometimes followed by ~ (approximate), ? (uncertain) or % (both)."""
        r = self.rng
        year = year or self.year()
        precision = precision or r.choices(("day", "month", "year"), weights=(55, 30, 15))[0]
        month = r.randint(1, 12)
        if precision == "day":
            text = f"{year:04d}-{month:02d}-{r.randint(1, calendar.monthrange(year, month)[1]):02d}"
        elif precision == "month":
            text = f"{year:04d}-{month:02d}"
        else:
            text = f"{year:04d}"
        if qualifier is None:
            qualifier = r.choice("~?%") if r.random() < 0.15 else ""
        return text + qualifier

    def edtf(self, form: str | None = None) -> str:
        """A date in any form the dossier supports: each precision and qualifier, closed and open intervals."""
        r = self.rng
        form = form or r.choices(DATE_FORMS, weights=DATE_WEIGHTS)[0]
        year = self.year()
        if form in ("day", "month", "year"):
            return self.simple_date(form, year, "")
        if form in ("day~", "month?", "year%"):
            return self.simple_date(form[:-1], year, form[-1])
        if form == "days":  # 2004-05-01/2004-05-09
            month, day = r.randint(1, 12), r.randint(1, 19)
            return f"{year:04d}-{month:02d}-{day:02d}/{year:04d}-{month:02d}-{day + r.randint(1, 9):02d}"
        if form == "months":  # 2001-03/2001-06
            month = r.randint(1, 9)
            return f"{year:04d}-{month:02d}/{year:04d}-{month + r.randint(1, 3):02d}"
        if form == "years":  # 1999/2003~
            return f"{year:04d}/{min(LAST_YEAR, year + r.randint(1, 6)):04d}{r.choice(('', '', '~'))}"
        if form == "open-start":  # ../2025-09
            return f"../{self.simple_date(r.choice(('month', 'year')), year, '')}"
        if form == "open-end":  # 2024-08/..
            return f"{self.simple_date('month', year, '')}/.."
        return f"/{year:04d}"  # unknown start

    def note(self) -> dict[str, Any]:
        r = self.rng
        kind = r.choice(NOTE_KINDS)
        text = f"{il(r.choice(NOUNS), r.choice(ADJECTIVES)).capitalize()} compare anche negli *atti* di {self.place()}."
        if r.random() < 0.2:
            text += f"\n\nVedi [la scheda](https://www.{slug(self.place())}.example/{r.randint(1, 999)})."
        return {"kind": kind, "text": text}

    def notes(self, chance: float) -> list[dict[str, Any]]:
        r = self.rng
        return [self.note() for _ in range(r.randint(1, 2))] if r.random() < chance else []

    def tags(self, chance: float, most: int = 3) -> list[str]:
        r = self.rng
        if r.random() >= chance:
            return []
        return sorted(r.sample(self.tag_ids, r.randint(1, most)))

    def cite(self, sentence: str | None = None) -> dict[str, Any]:
        """A citation of a passage that occurs in the source: a new sentence added to it, or words already there."""
        r = self.rng
        source = r.choice(self.sources)
        text = self.texts.get(source["id"])
        if text is None:  # no stored text: the passage is recorded, but cannot be verified
            return {"source": source["id"], "passage": sentence or self.sentence()}
        if sentence is not None:
            text.add(r, sentence)
            citation: dict[str, Any] = {"source": source["id"], "passage": sentence}
        else:
            p = r.randrange(len(text.paragraphs))
            paragraph = text.paragraphs[p]
            s = r.randrange(len(paragraph))
            words = paragraph[s].split(" ")
            roll = r.random()
            if roll < 0.4 or len(words) < 8:
                citation = {"source": source["id"], "passage": paragraph[s]}
            elif roll < 0.85:
                start = r.randint(0, len(words) - 5)
                end = r.randint(start + 4, len(words))
                citation = {"source": source["id"], "passage": " ".join(words[start:end])}
                if start >= 2 and r.random() < 0.5:
                    citation["prefix"] = " ".join(words[start - 2 : start])
                if end + 2 <= len(words) and r.random() < 0.5:
                    citation["suffix"] = " ".join(words[end : end + 2])
            elif s + 1 < len(paragraph):  # across two sentences of a paragraph
                following = paragraph[s + 1].split(" ")
                citation = {"source": source["id"], "passage": " ".join([*words[-4:], *following[:4]])}
            elif p + 1 < len(text.paragraphs) and source["id"] not in self.excerpted:  # across a line break
                following = text.paragraphs[p + 1][0].split(" ")
                citation = {"source": source["id"], "passage": " ".join([*words[-3:], *following[:3]])}
            else:
                citation = {"source": source["id"], "passage": paragraph[s]}
        if r.random() < 0.15:
            citation["locator"] = r.choice((f"p. {r.randint(1, 300)}", f"paragrafo {r.randint(1, 40)}", "titolo"))
        if r.random() < 0.03:
            citation["notes"] = [self.note()]
        return citation

    def citations(self, sentences: list[str], extra: int) -> list[dict[str, Any]]:
        cited = [self.cite(s) for s in sentences]
        cited += [self.cite() for _ in range(extra)]
        return cited

    # -- records -------------------------------------------------------------------------------------------------
    def make_sources(self) -> None:
        r, ids = self.rng, Ids()
        for index in range(self.counts["source"]):
            kind = SOURCE_KINDS[index % len(SOURCE_KINDS)]
            publisher = r.choice(PUBLISHERS)
            title = f"{agree(r.choice(NOUNS), r.choice(ADJECTIVES)).capitalize()} a {self.place()}: {r.choice(VERBS)}"
            source_id = ids.make(f"{kind} {title}")
            published = self.simple_date(r.choice(("day", "month", "year")))
            record: dict[str, Any] = {
                "title": title,
                "kind": kind,
                "lang": "it" if r.random() < 0.85 else r.choice(ORIGINAL_LANGS),
                "published": published.rstrip("~?%") if r.random() < 0.7 else published,
                "author": f"{r.choice(FIRST_NAMES)} {r.choice(SURNAMES)}" if r.random() < 0.6 else None,
                "publisher": publisher if r.random() < 0.8 else None,
            }
            if r.random() < 0.7:
                record["url"] = f"https://www.{slug(publisher, 30)}.example/{published[:4]}/{source_id}"
                if r.random() < 0.4:
                    record["archive_url"] = f"https://web.archive.org/web/2024/{record['url']}"
                record["accessed"] = f"2025-{r.randint(1, 9):02d}-{r.randint(1, 28):02d}"
            kept = index == 0 or r.random() < 0.85  # most sources keep their full text, a few only excerpts
            if kept or r.random() < 0.5:
                record["lang"] = "it"  # the texts below are Italian: only sources not stored are in other languages
                if kept:
                    record["text_file"] = f"{source_id}.txt"
                else:
                    self.excerpted.add(source_id)
                text = Text()
                for _ in range(r.randint(4, 12)):
                    text.add(r, self.sentence())
                if r.random() < 0.3:
                    text.add(r, f"«{self.quote_text()}», ha scritto il giornale.")
                self.texts[source_id] = text
            record["summary"] = (
                f"Resoconto {del_(r.choice(NOUNS), r.choice(ADJECTIVES))} di {self.place()}."
                if r.random() < 0.5
                else None
            )
            record["tags"] = self.tags(0.6)
            record["notes"] = self.notes(0.2)
            self.sources.append({"id": source_id, "record": record})

    def make_actors(self) -> None:
        r, ids = self.rng, Ids()
        kinds = [k for k, weight in ACTOR_KINDS for _ in range(weight)]
        for index in range(self.counts["actor"]):
            kind = ACTOR_KINDS[index][0] if index < len(ACTOR_KINDS) else r.choice(kinds)
            if kind == "person":
                name = f"{r.choice(FIRST_NAMES)} {r.choice(SURNAMES)}"
            elif kind == "country":
                name = f"{r.choice(COUNTRY_FORMS)} {self.land()}"
            elif kind == "organization":
                name = r.choice(
                    (
                        f"Ministero {del_(r.choice(NOUNS), r.choice(ADJECTIVES))}",
                        f"Banca di {self.place()}",
                        f"Partito {r.choice(ADJECTIVES)} di {self.land()}",
                        f"Fondazione {r.choice(SURNAMES)}",
                        f"Consorzio {self.place()}",
                    )
                )
            else:
                name = r.choice(
                    (
                        f"Lavoratori di {self.place()}",
                        f"Manifestanti di {self.place()}",
                        f"Esperti di {r.choice(NOUNS)}",
                        f"Veterani di {self.land()}",
                        f"Studenti di {self.place()}",
                    )
                )
            actor_id = ids.make(name)
            self.actors.append({"id": actor_id, "name": name, "kind": kind, "record": {"name": name, "kind": kind}})
        # Roles and relations point at any actor, so they are added once every actor exists.
        holders = [a for a in self.actors if a["kind"] in ("organization", "country")]
        for actor in self.actors:
            record = actor["record"]
            if r.random() < 0.3:
                record["summary"] = (
                    f"{actor['name']} {r.choice(VERBS)} il **{r.choice(NOUNS)}** {r.choice(ADJECTIVES)} "
                    f"di {self.place()}."
                )
            if r.random() < 0.15:
                record["aliases"] = [f"{actor['name'].split(' ')[0]} {self.land()}"]
            roles = []
            if actor["kind"] == "person":
                for _ in range(r.choices((0, 1, 2), weights=(30, 50, 20))[0]):
                    role: dict[str, Any] = {"title": r.choice(ROLE_TITLES), "of": r.choice(holders)["id"]}
                    if r.random() < 0.6:
                        start = self.year()
                        role["start"] = str(start)
                        if r.random() < 0.5:
                            role["end"] = f"{min(LAST_YEAR, start + r.randint(0, 10)):04d}-{r.randint(1, 12):02d}"
                    if r.random() < 0.3:
                        role["sources"] = [self.cite()]
                    role["notes"] = self.notes(0.05)
                    roles.append(role)
            record["roles"] = roles
            relations = []
            for _ in range(r.choices((0, 1, 2, 3), weights=(40, 35, 15, 10))[0]):
                other = r.choice(self.actors)
                if other is actor:
                    continue
                relation: dict[str, Any] = {"actor": other["id"], "label": r.choice(RELATION_LABELS)}
                if r.random() < 0.4:
                    start_year = self.year()
                    relation["start"] = f"{start_year:04d}-{r.randint(1, 12):02d}"
                    if r.random() < 0.5:
                        relation["end"] = str(min(LAST_YEAR, start_year + r.randint(1, 8)))
                if r.random() < 0.3:
                    relation["sources"] = [self.cite()]
                relation["notes"] = self.notes(0.05)
                relations.append(relation)
            record["relations"] = relations
            record["tags"] = self.tags(0.3)
            if r.random() < 0.4:
                record["sources"] = [self.cite(f"{actor['name']} {r.choice(VERBS)} {il(r.choice(NOUNS))}.")]
            record["notes"] = self.notes(0.1)

    def make_events(self) -> None:
        r, ids = self.rng, Ids()
        for index in range(self.counts["event"]):
            place = self.place()
            participants = r.sample(self.actors, r.choices((0, 1, 2, 3, 4), weights=(10, 30, 30, 20, 10))[0])
            lead = participants[0]["name"] if participants else il(r.choice(NOUNS)).capitalize()
            title = r.choice(
                (
                    f"{agree(r.choice(NOUNS), r.choice(ADJECTIVES)).capitalize()} a {place}",
                    f"{lead} {r.choice(VERBS)} {il(r.choice(NOUNS), r.choice(ADJECTIVES))}",
                    f"Firma {del_(r.choice(NOUNS), r.choice(ADJECTIVES))} di {place}",
                )
            )
            event_id = ids.make(title)
            date = self.edtf(DATE_FORMS[index] if index < len(DATE_FORMS) else None)
            record: dict[str, Any] = {
                "title": title,
                "date": date,
                "date_text": r.choice(DATE_TEXTS) if r.random() < 0.2 else None,
                "place": place if r.random() < 0.6 else None,
                "participants": [p["id"] for p in participants],
            }
            if r.random() < 0.4:
                summary = f"{title} {r.choice(TIME_WORDS)}: {il(r.choice(NOUNS))} resta *{r.choice(ADJECTIVES)}*."
                if r.random() < 0.3:
                    summary += f"\n\n- {self.words(3)}\n- {self.words(2)}"
                record["summary"] = summary
            record["tags"] = self.tags(0.6)
            record["sources"] = self.citations([f"{title} {r.choice(TIME_WORDS)}."], r.choice((0, 0, 1, 2)))
            record["notes"] = self.notes(0.1)
            self.events.append({"id": event_id, "date": date, "record": record})
            self.put("event", event_id, to_yaml(record))

    def make_quotes(self) -> None:
        r, ids = self.rng, Ids()
        speakers = [a for a in self.actors if a["kind"] in ("person", "organization")]
        for _ in range(self.counts["quote"]):
            speaker = r.choice(speakers)
            text = self.quote_text()
            if r.random() < 0.1:
                text += f", e lo diciamo a {self.place()}"
            quote_id = ids.make(f"{speaker['name']} {text}")
            form = r.choice(("direct", "direct", "partial", "paraphrase"))
            record: dict[str, Any] = {"speaker": speaker["id"], "text": text, "form": form}
            if r.random() < 0.1:
                record["lang"] = "it"
            if r.random() < 0.3:
                others = r.sample(self.actors, r.randint(1, 2))
                record["addressed_to"] = [a["id"] for a in others if a is not speaker]
            roll = r.random()
            if roll < 0.6:
                record["event"] = r.choice(self.events)["id"]
                if r.random() < 0.1:
                    record["date"] = self.simple_date()
            elif roll < 0.97:
                record["date"] = self.edtf()
            # else: undated, on the "undated" page
            if record.get("date") or record.get("event"):
                record["date_text"] = r.choice(DATE_TEXTS) if r.random() < 0.1 else None
            if r.random() < 0.1:
                lang = r.choice(ORIGINAL_LANGS)
                original = " ".join(r.choice(ORIGINAL_WORDS[lang]) for _ in range(r.randint(4, 10))).capitalize()
                record["original"] = {"lang": lang, "text": original, "notes": self.notes(0.3)}
            record["tags"] = self.tags(0.3)
            said = f"«{text}», ha detto {speaker['name']}."
            record["sources"] = self.citations([said], r.choice((0, 0, 0, 1)))
            record["notes"] = self.notes(0.05)
            self.put("quote", quote_id, to_yaml(record))

    def make_claims(self) -> None:
        r, ids, asked = self.rng, Ids(), Ids()
        # Questions several claims answer, compared in one table: most about an actor, some about an event.
        questions = []
        for _ in range(self.counts["question"]):
            about = r.choice(self.events) if r.random() < 0.2 else r.choice(self.actors)
            topic = r.choice(TOPICS)
            text = f"{topic} ({about.get('name') or about['record']['title']})?"
            question_id = asked.make(f"{topic} {about['id']}")
            record = {"text": text, "subject": about["id"] if r.random() < 0.8 else None, "notes": self.notes(0.1)}
            questions.append({"id": question_id, "about": about})
            self.put("question", question_id, to_yaml(record))
        for _ in range(self.counts["claim"]):
            question = r.choice(questions) if questions and r.random() < 0.6 else None
            if question is not None:
                subject = question["about"]
            else:
                subject = r.choice(self.events) if r.random() < 0.1 else r.choice(self.actors)
            name = subject.get("name") or subject["record"]["title"]
            amount = str(r.randint(1, 500) * 100) if r.random() < 0.8 else f"{r.randint(0, 99)}.{r.randint(1, 9)}"
            unit = r.choice(UNITS)
            approximate = r.random() < 0.5
            statement = (
                f"{name} {r.choice(VERBS)} {'circa ' if approximate else ''}{amount} {unit} "
                f"per {il(r.choice(NOUNS), r.choice(ADJECTIVES))}."
            )
            claim_id = ids.make(f"{name} {r.choice(NOUNS)} {amount}")
            according = r.choice(self.actors) if r.random() < 0.6 else None
            record: dict[str, Any] = {
                "statement": statement,
                "subject": subject["id"],
                "question": question["id"] if question else None,
                "event": r.choice(self.events)["id"] if r.random() < 0.4 else None,
                "according_to": according["id"] if according else None,
            }
            if question is not None or r.random() < 0.3:
                record["value"] = Flow(self.value(amount, unit, approximate))
            record["status"] = r.choice(("reported", "confirmed", "disputed", "denied", "retracted"))
            record["confidence"] = r.choice(("high", "medium", "low"))
            if r.random() < 0.5:
                record["date"] = self.simple_date()
                record["date_text"] = r.choice(DATE_TEXTS) if r.random() < 0.2 else None
            record["tags"] = self.tags(0.5)
            said = f"Secondo {according['name'] if according else 'la fonte'}, {statement}"
            record["sources"] = self.citations([said], r.choice((0, 1)))
            record["notes"] = self.notes(0.15)
            self.put("claim", claim_id, to_yaml(record))

    def value(self, amount: str, unit: str, approximate: bool) -> dict[str, str]:
        """A figure in one of the forms a claim may give: mostly one amount, else a range, an open bound or vague
        words read as a range."""
        r = self.rng
        roll = r.random()
        value: dict[str, str]
        if roll < 0.7:
            value = {"amount": amount, "approximate": "true" if approximate else "false"}
        elif roll < 0.8:
            value = {"min": amount, "max": str(float(amount) * 2).removesuffix(".0")}
        elif roll < 0.9:
            value = {r.choice(("min", "max")): amount}
        else:
            value = {"vague": r.choice(("migliaia", "centinaia", "decine")), "min": amount}
        if r.random() < 0.9:
            value["unit"] = unit
        return value

    # -- the project ---------------------------------------------------------------------------------------------
    def put(self, kind: str, record_id: str, text: str, suffix: str = "yml") -> None:
        """A file of a record of ``kind``, in the folder the registry declares for it."""
        self.files[f"data/{DEFAULT[kind].folder}/{record_id}.{suffix}"] = text

    def build(self) -> dict[str, str]:
        missing = sorted(set(SIZES[self.size]) ^ {kind.name for kind in DEFAULT})
        if missing:
            raise SystemExit(f"error: synth.py generates no records of {', '.join(missing)}: add a generator")
        self.make_sources()
        self.make_actors()
        self.make_events()
        self.make_quotes()
        self.make_claims()
        for tag_id in self.tag_ids:
            tag = {"label": TAGS[tag_id]}
            if self.rng.random() < 0.5:
                tag["description"] = f"Fatti che riguardano *{TAGS[tag_id].lower()}* e {il(self.rng.choice(NOUNS))}."
            self.put("tag", tag_id, to_yaml(tag))
        for actor in self.actors:
            self.put("actor", actor["id"], to_yaml(actor["record"]))
        for source in self.sources:
            text = self.texts.get(source["id"])
            if source["id"] in self.excerpted and text is not None:  # each paragraph an excerpt, cited or not
                excerpts = [
                    {"text": " ".join(paragraph), "locator": f"paragrafo {n}"}
                    for n, paragraph in enumerate(text.paragraphs, start=1)
                ]
                source["record"] = {**source["record"], "excerpts": excerpts}
            self.put("source", source["id"], to_yaml(source["record"]))
            if text is not None and source["id"] not in self.excerpted:
                self.put("source", source["id"], text.render(), suffix="txt")
        words = Words("it")
        nav = "".join(
            f"  - {words.gettext(k.listing.title)}: {k.listing.folder}/index.md\n" for k in DEFAULT if k.listing
        )
        nav += f"  - {words.gettext('Data')}: {publish.PAGE}\n"
        self.files["mkdocs.yml"] = MKDOCS_YML.format(size=self.size, counts=self.counts, nav=nav)
        self.files["docs/index.md"] = INDEX_MD.format(size=self.size)
        return dict(sorted(self.files.items()))


MKDOCS_YML = """\
site_name: "Dossier sintetico {size}"
site_description: "Un dossier generato da scripts/synth.py: {counts[actor]} attori, {counts[event]} eventi."
docs_dir: docs
site_dir: site
use_directory_urls: true

theme:
  name: material
  language: it
  font: false
  features:
    - navigation.tabs
    - navigation.top
    - navigation.indexes
    - toc.follow

plugins:
  - dossier:
      data_dir: data

markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true

validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn

nav:
  - Home: index.md
{nav}"""

INDEX_MD = """\
# Dossier sintetico {size}

Un dossier di prova, generato da `scripts/synth.py`: persone, Paesi, organizzazioni e gruppi inventati, con
eventi, citazioni, affermazioni e fonti.

<!-- dossier:overview -->

## Come leggere il dossier

- La [cronologia](timeline/index.md) mette in fila gli eventi.
- Le schede degli [attori](actors/index.md) raccolgono ruoli e relazioni.
- Le [citazioni](quotes/index.md), le [affermazioni](claims/index.md) e le [fonti](sources/index.md).
- I [temi](tags/index.md) raccolgono i fatti per argomento.
"""


def write_project(out: Path, size: str, seed: int, *, force: bool = False) -> dict[str, str]:
    """Generate the project and write it into ``out``; returns {relative path: content}."""
    files = Synth(size, seed).build()
    if out.exists() and any(out.iterdir()):
        if not force:
            raise SystemExit(f"error: {out} is not empty (use --force to replace its mkdocs.yml, docs/ and data/)")
        for name in ("docs", "data", "site"):
            shutil.rmtree(out / name, ignore_errors=True)
        (out / "mkdocs.yml").unlink(missing_ok=True)
    folders = sorted({str(Path(p).parent) for p in files})
    for folder in folders:
        (out / folder).mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        (out / relative).write_bytes(content.encode("utf-8"))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the project into")
    parser.add_argument("--force", action="store_true", help="replace mkdocs.yml, docs/, data/ and site/ in --out")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files = write_project(args.out, args.size, args.seed, force=args.force)
    size = sum(len(c.encode("utf-8")) for c in files.values())
    elapsed = time.perf_counter() - started
    print(f"{args.out}: {len(files)} files, {size / 1e6:.1f} MB ({elapsed:.2f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
