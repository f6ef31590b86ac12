"""`dossier migrate`: claims' topics become questions; `topic` itself is an error that says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from dossier import migrate

RunCli = Callable[..., Result]

CLAIM = (
    "# a comment the migration keeps\n"
    "statement: {statement}\n"
    "subject: {subject}\n"
    "topic: {topic}\n"
    "status: reported\n"
    "confidence: low\n"
    "sources:\n"
    "  - source: articolo-pechino-2025-09\n"
    "    passage: mercoledì\n"
)
TOPICS = {
    # Two spellings of one topic, meant as one comparison: one question, worded as most claims wrote it.
    "claims/a.yml": CLAIM.format(statement="A.", subject="corea-del-nord", topic="Soldati inviati in Russia"),
    "claims/b.yml": CLAIM.format(statement="B.", subject="corea-del-nord", topic="Soldati inviati in Russia"),
    "claims/c.yml": CLAIM.format(statement="C.", subject="corea-del-nord", topic="soldati inviati, in Russia"),
    # A topic of its own, on claims about different subjects: a question without subject, its text folded.
    "claims/d.yml": CLAIM.format(statement="D.", subject="russia", topic=">-\n  Sanzioni\n  internazionali"),
    "claims/e.yml": CLAIM.format(statement="E.", subject="corea-del-nord", topic="Sanzioni internazionali"),
}


def test_topic_is_an_error_that_says_how_to_migrate(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    make_data({"claims/a.yml": TOPICS["claims/a.yml"]})
    result = run_cli("check", "--data", "data")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "data/claims/a.yml:4:1: claim 'a': topic: 'topic' is replaced by 'question': declare the question once in "
        "data/questions/ and name it in each claim that answers it ('question: <id>'); `dossier migrate` does it for "
        "every claim"
    )


def test_migrate_turns_topics_into_questions(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    data = make_data(TOPICS)
    before = {name: (data / name).read_text(encoding="utf-8") for name in TOPICS}

    dry = run_cli("migrate", "--data", "data", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert {name: (data / name).read_text(encoding="utf-8") for name in TOPICS} == before  # nothing written
    assert not (data / "questions" / "soldati-inviati-in-russia.yml").exists()

    result = run_cli("migrate", "--data", "data")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "data/questions/sanzioni-internazionali.yml: new question 'sanzioni-internazionali' (claims: 2): Sanzioni "
        "internazionali",
        "data/claims/d.yml: topic -> question: sanzioni-internazionali",
        "data/claims/e.yml: topic -> question: sanzioni-internazionali",
        "data/questions/soldati-inviati-in-russia.yml: new question 'soldati-inviati-in-russia' (claims: 3): Soldati "
        "inviati in Russia",
        "data/questions/soldati-inviati-in-russia.yml: topics written differently, now one question: 'Soldati "
        "inviati in Russia', 'soldati inviati, in Russia'",
        "data/claims/a.yml: topic -> question: soldati-inviati-in-russia",
        "data/claims/b.yml: topic -> question: soldati-inviati-in-russia",
        "data/claims/c.yml: topic -> question: soldati-inviati-in-russia",
        "questions written: 2; claims changed: 5. Reword each new question as the question its claims answer (its "
        "'text'), then run: dossier check",
    ]
    assert dry.stdout.splitlines() == result.stdout.splitlines()[:-1]  # the dry run said the same
    questions = data / "questions"
    assert (questions / "soldati-inviati-in-russia.yml").read_text(encoding="utf-8") == (
        "text: Soldati inviati in Russia\nsubject: corea-del-nord\n"
    )
    assert (questions / "sanzioni-internazionali.yml").read_text(encoding="utf-8") == "text: Sanzioni internazionali\n"
    # Only the topic line (and the lines continuing it) changed.
    assert (data / "claims/d.yml").read_text(encoding="utf-8") == before["claims/d.yml"].replace(
        "topic: >-\n  Sanzioni\n  internazionali\n", "question: sanzioni-internazionali\n"
    )
    assert (data / "claims/a.yml").read_text(encoding="utf-8").startswith("# a comment the migration keeps\n")

    check = run_cli("check", "--data", "data")
    assert check.exit_code == 0, check.output
    again = run_cli("migrate", "--data", "data")
    assert again.stdout == "data: nothing to migrate: no claim has a topic\n"


def test_migrate_reuses_a_question_it_wrote_and_names_a_different_one_apart(make_data: Callable[..., Path]) -> None:
    data = make_data(
        {
            "claims/a.yml": TOPICS["claims/a.yml"],
            "questions/soldati-inviati-in-russia.yml": "text: Soldati inviati in Russia\n",  # an earlier run
            "questions/sanzioni-internazionali.yml": "text: Un'altra domanda\n",  # same id, another question
            "claims/e.yml": TOPICS["claims/e.yml"],
        }
    )
    report = migrate.topics(data)
    assert report.lines[0] == (
        "data/questions/sanzioni-internazionali-2.yml: new question 'sanzioni-internazionali-2' (claims: 1): Sanzioni "
        "internazionali"
    )
    assert report.lines[2] == (
        "data/questions/soldati-inviati-in-russia.yml: question 'soldati-inviati-in-russia' already declared with "
        "this text, reused"
    )
    assert (data / "questions/sanzioni-internazionali.yml").read_text(encoding="utf-8") == "text: Un'altra domanda\n"
    assert "question: soldati-inviati-in-russia\n" in (data / "claims/a.yml").read_text(encoding="utf-8")


def test_migrate_reports_what_it_cannot_rewrite(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    make_data(
        {
            "claims/flow.yml": (
                "{statement: x, subject: russia, topic: Un tema, status: reported, confidence: low, "
                "sources: [{source: articolo-pechino-2025-09, passage: mercoledì}]}\n"
            ),
            "claims/broken.yml": "statement: [unclosed\n",
        }
    )
    result = run_cli("migrate", "--data", "data")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[0].startswith("error: data/claims/broken.yml:") and errors[0].endswith("(not migrated)")
    assert errors[1] == (
        "error: data/claims/flow.yml: topic not on a line of its own: replace it by hand with 'question: un-tema'"
    )


def test_slug() -> None:
    assert migrate.slug("Soldati nordcoreani: quanti?") == "soldati-nordcoreani-quanti"
    assert migrate.slug("Città e perché") == "citta-e-perche"
    assert migrate.slug("¿?") == "question"
    assert len(migrate.slug("parola " * 40)) <= 80
