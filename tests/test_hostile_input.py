"""Hostile and odd input answers 4xx with a plain message, never a server error: NUL bytes,
lone surrogates, non-ASCII CSRF tokens, ids past the column's range, non-JSON API bodies; every
response carries the security headers; a database outage is a 503 with Retry-After and shows
in /readyz; importers refuse hostile files with one clear error and write nothing."""

from __future__ import annotations

import contextlib
import json
import random
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from synovia.evidence import Store
from synovia.literature import LiteratureFormatError, import_file, read_records, to_source
from synovia.literature.records import BadRecord
from synovia.literature.synthetic import generate, medline_text
from synovia.web.app import create_app
from tests.conftest import (
    _PG,
    FIXTURES,
    csrf_of,
    login,
    make_pg_database,
    make_platform,
    make_user,
    run_cli,
    unavailable,
)

HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options",
           "referrer-policy")
TOO_BIG = "99999999999999999999"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site_db(request, tmp_path_factory) -> str:
    """An empty, migrated database on each engine with one editor, shared by this module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'site.sqlite'}"
        drop = None
    else:
        if not _PG:
            unavailable("no PostgreSQL server reachable (make test provides one)")
        url, drop = make_pg_database()
    store = Store(url)
    store.upgrade()
    store.dispose()
    make_user(url, "editor")
    yield url
    if drop:
        drop()


@pytest.fixture(scope="module")
def site_app(site_db):
    return create_app(make_platform(site_db))


@pytest.fixture
def site(site_app):
    """A fresh visitor: its own cookies, the CSRF one already received."""
    c = TestClient(site_app)
    c.get("/")
    return c


@pytest.fixture
def editor(site):
    login(site, "editor@example.org")
    return site


def _secured(r) -> bool:
    return all(h in r.headers for h in HEADERS)


# -- CSRF ---------------------------------------------------------------------------------------
def test_non_ascii_csrf_token_is_refused(site):
    r = site.post("/ask", data={"question": "PRP?", "csrf_token": "tökén-ééééééééééééééééééé"})
    assert r.status_code == 403 and _secured(r)
    # A non-ASCII cookie is replaced by a fresh token, never compared.
    fresh = TestClient(site.app)
    r = fresh.post("/ask", data={"question": "PRP?", "csrf_token": "ééééééééééééééééééééééé"},
                   headers={"cookie": "synovia_csrf=ééééééééééééééééééééééé".encode()})
    assert r.status_code == 403
    assert r.cookies.get("synovia_csrf", "").isascii()


# -- NUL bytes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/articles", {"params": {"q": "knee\x00"}}),
    ("get", "/api/evidence/sources", {"params": {"treatment": "prp\x00"}}),
    ("get", "/api/evidence/records/a%00b", {}),
    ("get", "/evidence/prp%00", {}),
    ("get", "/directory", {"params": {"q": "\x00"}}),
    ("get", "/dashboard", {"headers": {"cookie": 'synovia_session="a\\000b"'}}),
    ("post", "/login", {"data": {"email": "a\x00@b.org", "password": "x"}}),
    ("post", "/api/ask", {"json": {"question": "PRP\x00 for knees?"}}),
], ids=["query-page", "query-api", "path-api", "path-page", "query-directory", "cookie",
        "form", "json"])
def test_nul_byte_in_any_parameter_is_a_400(site, method, path, kwargs):
    if "data" in kwargs:
        kwargs["data"]["csrf_token"] = csrf_of(site)
    r = getattr(site, method)(path, **kwargs)
    assert r.status_code == 400, r.text[:300]
    assert "NUL" in r.text and _secured(r)


def test_nul_byte_in_signed_in_writes_is_a_400(editor, site_db):
    r = editor.post("/editor/new", data={"title": "Knee\x00", "body": "Text.",
                                         "csrf_token": csrf_of(editor)})
    assert r.status_code == 400 and "NUL" in r.text
    r = editor.post("/api/articles", json={"title": "Knee\x00", "body": "Text."},
                    headers={"x-csrf-token": csrf_of(editor)})
    assert r.status_code == 400 and "NUL" in r.json()["error"]
    # Multipart fields reach the view unread; the database's refusal is still a 4xx.
    r = editor.post("/editor/new", files={"title": (None, "Knee\x00"), "body": (None, "Text."),
                                          "csrf_token": (None, csrf_of(editor))},
                    follow_redirects=False)
    assert r.status_code in (400, 303) and _secured(r)  # SQLite stores a NUL; PostgreSQL cannot
    if site_db.startswith("postgresql"):
        assert r.status_code == 400 and "NUL" in r.text


# -- integers past the column ------------------------------------------------------------------
@pytest.mark.parametrize("article_id", [TOO_BIG, "2147483648", "-1"])
def test_article_ids_beyond_the_column_are_not_found(editor, article_id):
    assert editor.get(f"/editor/articles/{article_id}").status_code == 404
    r = editor.post(f"/editor/articles/{article_id}/comment",
                    data={"body": "Hello", "csrf_token": csrf_of(editor)})
    assert r.status_code == 404
    r = editor.post(f"/api/articles/{article_id}/transitions", json={"action": "submit"},
                    headers={"x-csrf-token": csrf_of(editor)})
    assert r.status_code == 404 and "no article" in r.json()["error"]
    assert editor.get(f"/articles/{article_id}").status_code == 404


# -- JSON API bodies ----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    {"content": b'{"question": "PRP?"}', "headers": {"content-type": "text/plain"}},
    {"data": {"question": "PRP?"}},
    {"files": {"question": (None, "PRP?")}},
], ids=["text", "form", "multipart"])
def test_api_body_that_is_not_json_is_a_415(site, kwargs):
    r = site.post("/api/ask", **kwargs)
    assert r.status_code == 415 and _secured(r)
    assert "application/json" in r.json()["error"]


@pytest.mark.parametrize("body, message", [
    (b'{"question": "\\ud800 knee"}', "lone surrogate"),
    (b'{"question": "knee \\udfff"}', "lone surrogate"),
    (b'{"question": "x", "audience": "patient", "\\ud83d": 1}', "lone surrogate"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"question": ' + b"9" * 5000 + b"}", "too long"),
    (b'{"question": "caf\xe9"}', "not UTF-8"),
], ids=["high", "low", "key", "deep", "long-number", "latin-1"])
def test_json_that_cannot_be_text_is_a_400(site, body, message):
    r = site.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400 and message in r.json()["error"] and _secured(r)


def test_a_paired_surrogate_escape_is_ordinary_text(site):
    r = site.post("/api/ask", content=b'{"question": "\\ud83d\\ude00", "audience": "x"}',
                  headers={"content-type": "application/json"})
    assert r.status_code == 422  # the audience is wrong; the emoji is fine


def test_chunked_body_past_the_limit_is_a_413(site):
    def chunks():
        for _ in range(30):
            yield b" " * 100_000

    r = site.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and _secured(r)


# -- headers on every response -----------------------------------------------------------------
def test_security_headers_on_every_response(site_db):
    app = create_app(make_platform(site_db))

    @app.get("/api/boom")
    def boom_api():
        raise RuntimeError("a bug")

    @app.get("/boom")
    def boom_page():
        raise RuntimeError("a bug")

    c = TestClient(app, raise_server_exceptions=False)
    c.get("/")
    responses = {
        200: c.get("/healthz"),
        404: c.get("/no-such-page"),
        405: c.put("/api/ask"),
        413: c.post("/api/check", content=b"x" * 2_100_000,
                    headers={"content-type": "application/json"}),
        415: c.post("/api/ask", data={"question": "x"}),
        400: c.get("/articles", params={"q": "\x00"}),
        403: c.post("/ask", data={"question": "x"}),
    }
    api_500, page_500 = c.get("/api/boom"), c.get("/boom")
    assert api_500.status_code == 500 and api_500.json() == {
        "error": "something went wrong on our side"}
    assert page_500.status_code == 500 and "Something went wrong" in page_500.text
    for status, r in {**responses, "500-api": api_500, "500-page": page_500}.items():
        assert _secured(r), status
    assert {s: r.status_code for s, r in responses.items()} == {s: s for s in responses}
    assert "Not found" in responses[404].text  # the site's page, not bare JSON


# -- the database away --------------------------------------------------------------------------
def test_readiness_reports_the_database_and_liveness_does_not(site):
    assert site.get("/readyz").json() == {"status": "ready", "database": "ok",
                                          "version": site.get("/healthz").json()["version"]}


def test_unmigrated_database_is_not_ready(tmp_path):
    c = TestClient(create_app(make_platform(f"sqlite:///{tmp_path / 'empty.sqlite'}")))
    r = c.get("/readyz")
    assert r.status_code == 503 and "not migrated" in r.json()["database"]


def _unreachable_url(engine: str, tmp_path: Path) -> tuple[str, callable]:
    """A database that answers at first and is then taken away."""
    if engine == "sqlite":
        folder = tmp_path / "gone"
        folder.mkdir()
        return f"sqlite:///{folder / 'db.sqlite'}", lambda: shutil.rmtree(folder, True)
    if not _PG:
        unavailable("no PostgreSQL server reachable (make test provides one)")
    return make_pg_database()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_database_outage_is_a_503_with_retry_after(engine, tmp_path):
    url, away = _unreachable_url(engine, tmp_path)
    try:
        Store(url).upgrade()
        make_user(url, "editor")
        syn = make_platform(url)
        c = TestClient(create_app(syn))
        c.get("/")
        login(c, "editor@example.org")
        assert c.get("/readyz").status_code == 200
        syn.store.dispose()
        away()
        for path in ("/readyz", "/api/articles", "/articles", "/dashboard",
                     "/api/evidence/sources"):
            r = c.get(path)
            assert r.status_code == 503, (path, r.status_code, r.text[:200])
            assert r.headers["retry-after"].isdigit() and _secured(r), path
        assert "unavailable" in c.get("/articles").text
        assert c.get("/healthz").status_code == 200  # liveness: the process is up
    finally:
        away()


# -- importers ---------------------------------------------------------------------------------
HOSTILE = {
    "deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "long-number.json": ('[{"title": "T", "DOI": "10.1000/x", "issued": {"date-parts": [['
                         + "9" * 5000 + "]]}}]", "number in the JSON is too long"),
    "date-parts.json": ('[{"title": "T", "DOI": "10.1000/x", "issued": {"date-parts": '
                        '{"year": 2017}}}]', "'issued.date-parts' is not a list"),
    "entity.xml": ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY big "boom">]>\n'
                   "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
                   "<ArticleTitle>&big;</ArticleTitle></Article></MedlineCitation>"
                   "</PubmedArticle></PubmedArticleSet>\n", "declares an entity ('big')"),
    "nul.json": ('[{"title": "Knee\\u0000", "DOI": "10.1000/x", "issued": "2017"}]',
                 "title field contains a NUL byte"),
}


def _hostile_files(folder: Path) -> list[Path]:
    for name, (text, _message) in HOSTILE.items():
        (folder / name).write_text(text)
    return [folder / name for name in HOSTILE]


def test_importer_refuses_hostile_files_with_one_clear_error(store, vocab, tmp_path):
    for path in _hostile_files(tmp_path):
        try:
            report = import_file(store, vocab, path, skip_bad=False)
            problem = str(report.bad[0]) if report.bad else ""
            assert not report.written, path.name
        except LiteratureFormatError as exc:
            problem = str(exc)
        assert HOSTILE[path.name][1] in problem, (path.name, problem)
    assert store.counts()["sources"] == 0


# One engine is enough here: the importer's own test above runs on both.
@pytest.mark.parametrize("db_url", ["postgresql" if _PG else "sqlite"], indirect=True)
def test_cli_refuses_hostile_files_without_a_traceback(db_url, tmp_path):
    Store(db_url).upgrade()
    env = {"SYNOVIA_DATABASE_URL": db_url}
    paths = _hostile_files(tmp_path)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: run_cli("evidence", "import", str(p), "--no-embed",
                                                  env=env), paths))
    for path, result in zip(paths, results, strict=True):
        assert result.returncode == 1, (path.name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        assert "error:" in result.stderr and HOSTILE[path.name][1] in result.stderr, \
            result.stderr
        assert "nothing was imported" in result.stderr
    store = Store(db_url)
    assert store.counts()["sources"] == 0
    store.dispose()


def test_a_file_that_breaks_after_a_written_chunk_leaves_nothing(db_url, vocab, tmp_path):
    """2,001 good records (one chunk written inside the transaction), then bytes that are not
    UTF-8: even with --skip-bad the import is refused whole."""
    store = Store(db_url)
    store.upgrade()
    path = tmp_path / "big.nbib"
    text = "".join(medline_text(i.record) for i in generate(2001, vocab))
    path.write_bytes(text.encode() + b"\nPMID- 1\nTI  - caf\xe9\n")
    with pytest.raises(LiteratureFormatError, match="not UTF-8"):
        import_file(store, vocab, path, skip_bad=True)
    assert store.counts()["sources"] == 0
    store.dispose()


@pytest.mark.parametrize("name", ["pubmed.nbib", "zotero.ris", "library.bib"])
def test_a_nul_past_the_sniffed_head_refuses_the_record(name, store, vocab, tmp_path):
    padded = b"\n" * 8000 + (FIXTURES / "literature" / name).read_bytes()
    title = re.compile(rb"(?m)^(?:TI  - |T1  - |\s*title\s*=\s*\{+)").search(padded, 8192)
    cut = title.end()
    path = tmp_path / name
    path.write_bytes(padded[:cut] + b"\x00" + padded[cut:])
    report = import_file(store, vocab, path)
    assert not report.written
    assert any("title field contains a NUL byte" in str(b) for b in report.bad), report.bad
    assert store.counts()["sources"] == 0


TOKENS = [b"\x00", b"\xff", b"{", b"}", b"[", b"]", b'"', b"\\", b"<", b">", b"&", b"&x;",
          b"<!ENTITY x 'y'>", b"\n", b"\r", b"@", b",", b":", b"-", b"9" * 30, b"1e999",
          b"\\ud800", b"\\u0000", b"\xed\xa0\x80", b"null", b"TY  - ", b"ER  - ", b"PMID- ",
          b"      ", b"<![CDATA[", b"]]>", b"%", b"true", b"{}", b"[]", b'"date-parts"', b"<i>",
          b"</i>", b"@string{a = {b}}", b"\t", "é".encode(), b"\xef\xbb\xbf"]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op, pos = rng.randrange(6), rng.randrange(len(out) + 1)
        if op == 0:
            del out[pos:pos + rng.randint(1, 50)]
        elif op == 1:
            out[pos:pos] = rng.choice(TOKENS)
        elif op == 2 and out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
        elif op == 3 and out:
            start = rng.randrange(len(out))
            out[pos:pos] = out[start:start + rng.randint(1, 200)]
        elif op == 4:
            del out[pos:]
        else:
            out[pos:pos] = rng.choice(TOKENS) * rng.randint(2, 500)
    return bytes(out)


def _read_all(path: Path, vocab) -> None:
    """Everything an import does short of writing: parse, judge and convert each record; what
    is judged importable must be text PostgreSQL can store."""
    _fmt, records = read_records(path)
    for record in records:
        if isinstance(record, BadRecord) or record.problem() is not None:
            continue
        for value in vars(record).values():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    assert "\x00" not in text, record
                    text.encode("utf-8")  # no lone surrogates
        with contextlib.suppress(ValidationError):  # reported by the importer as malformed
            to_source(record, vocab)


def _seeds(name: str) -> list[bytes]:
    """The fixture, the fixture repeated past 16 kB (the first 8 kB are sniffed for binary
    bytes; a NUL after them reaches the parser), and the known hostile files of its format."""
    base = (FIXTURES / "literature" / name).read_bytes()
    if name.endswith(".json"):
        return [base] + [text.encode() for n, (text, _m) in HOSTILE.items()
                         if n.endswith(".json")]
    if name.endswith(".xml"):
        entity = b'<!DOCTYPE PubmedArticleSet [<!ENTITY e "x">]>'
        head, _doctype, rest = base.split(b"\n", 2)
        return [base, b"\n".join([head, entity, rest.replace(b"<Volume>", b"<Volume>&e;")]),
                HOSTILE["entity.xml"][0].encode()]
    return [base, base * (1 + 16_384 // len(base))]


@pytest.mark.parametrize("name", ["zotero.json", "pubmed.xml", "pubmed.nbib", "zotero.ris",
                                  "library.bib"])
def test_mutated_exports_raise_only_the_format_error(name, vocab, tmp_path):
    rng = random.Random(name)
    seeds = _seeds(name)
    path = tmp_path / f"mutated{Path(name).suffix}"
    for _ in range(250):
        path.write_bytes(_mutate(rng, rng.choice(seeds)))
        with contextlib.suppress(LiteratureFormatError):
            _read_all(path, vocab)


ODD_VALUES = [None, True, 0, -1, 2017, 2017.0, 1e308, "", "2017", [], {}, [[]], [[2017]],
              [["2017", 5]], {"a": 1}, [{"a": 1}], ["x"], [[{"a": 1}]], [[[2017]]], "\x00",
              "\ud800", [None], {"date-parts": {"a": 1}}, {"date-parts": [[True]]}, 10 ** 4000]


def test_csl_json_with_values_of_the_wrong_type_is_reported_per_record(vocab, tmp_path):
    items = json.loads((FIXTURES / "literature" / "zotero.json").read_text())
    rng = random.Random(15)
    path = tmp_path / "typed.json"
    for _ in range(300):
        doc = json.loads(json.dumps(items))
        for _ in range(rng.randint(1, 4)):
            item = rng.choice(doc)
            key = rng.choice([*item, "issued", "author", "DOI", "title"])
            item[key] = json.loads(json.dumps(rng.choice(ODD_VALUES)))
        path.write_text(json.dumps(doc))
        _read_all(path, vocab)
