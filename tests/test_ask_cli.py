"""`synovia ask` as a subprocess: formats, batch mode, bad input."""

from __future__ import annotations

import json

import jsonschema

from synovia.evidence import Store
from synovia.evidence.tables import ConversationRow
from tests.conftest import contract, run_cli


def _conversations(url: str) -> int:
    from sqlalchemy import func, select

    store = Store(url)
    with store.session() as s:
        n = s.scalar(select(func.count()).select_from(ConversationRow))
    store.dispose()
    return n


def test_json_answer_validates(loaded_db):
    result = run_cli("ask", "Does a steroid injection help knee arthritis?", "--format", "json",
                     env={"SYNOVIA_DATABASE_URL": loaded_db})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, contract("answer.schema.json"))
    assert "corticosteroid" in data["understood"]["treatments"]


def test_text_and_markdown_render(loaded_db):
    env = {"SYNOVIA_DATABASE_URL": loaded_db, "COLUMNS": "160"}
    text = run_cli("ask", "PRP for knee arthritis?", env=env)
    assert text.returncode == 0, text.stderr
    assert "Options side by side" in text.stdout and "not medical advice" in text.stdout
    md = run_cli("ask", "PRP for knee arthritis?", "--format", "markdown", env=env)
    assert "| Option |" in md.stdout and "## References" in md.stdout


def test_empty_and_huge_questions_exit_2_and_write_nothing(loaded_db):
    env = {"SYNOVIA_DATABASE_URL": loaded_db}
    before = _conversations(loaded_db)
    for question in ("", "   \n\t ", "x" * 2001, "?", "a", "!!", "  ?? "):
        result = run_cli("ask", question, env=env)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
        assert result.stdout == ""
    assert _conversations(loaded_db) == before


def test_follow_up_through_the_cli(loaded_db):
    env = {"SYNOVIA_DATABASE_URL": loaded_db}
    run_cli("ask", "Does PRP help knee arthritis?", "--conversation", "cli-conv", env=env)
    result = run_cli("ask", "and for the hip?", "--conversation", "cli-conv", "--format", "json",
                     env=env)
    data = json.loads(result.stdout)
    assert data["understood"]["treatments"] == ["prp"]
    assert data["understood"]["joints"] == ["hip"]


def test_batch_reuses_conversations(loaded_db, tmp_path):
    lines = [
        {"question": "Is Arthrosamid any good for knee arthritis?", "conversation_id": "b1"},
        {"question": "what are the risks?", "conversation_id": "b1"},
        {"question": "", "conversation_id": "b2"},
        {"question": "Exosomes for the hip?", "audience": "clinician"},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    result = run_cli("ask", "--batch", str(path), env={"SYNOVIA_DATABASE_URL": loaded_db})
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5
    assert out[1]["understood"]["treatments"] == ["paag"]
    assert "safety" in out[1]["understood"]["intents"]
    assert out[2] == {"line": 3, "error": "the question is empty"}
    assert out[3]["audience"] == "clinician"
    assert out[4]["line"] == 5
    assert result.returncode == 1
    schema = contract("answer.schema.json")
    for answer in (out[0], out[1], out[3]):
        jsonschema.validate(answer, schema)


def test_cli_errors_are_one_line_never_a_traceback(tmp_path, loaded_db):
    """The CLI's one error boundary: a broken data folder, an unmigrated database and an output
    path that cannot be written each give one clear line and exit 1."""
    cases = [
        (("ask", "Does PRP help knee arthritis?"),
         {"SYNOVIA_DATA_DIR": str(tmp_path / "missing"), "SYNOVIA_DATABASE_URL": loaded_db},
         "data folder is broken"),
        (("users", "list"), {"SYNOVIA_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"},
         "synovia db upgrade"),
        (("evidence", "export", "--format", "ris", "--output",
          str(tmp_path / "no" / "such" / "dir" / "x.ris")),
         {"SYNOVIA_DATABASE_URL": loaded_db}, "cannot read or write"),
    ]
    for args, env, expected in cases:
        result = run_cli(*args, env=env)
        assert result.returncode == 1, (args, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
