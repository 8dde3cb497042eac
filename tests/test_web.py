"""The web app through its test client: pages, the JSON API, the workflow and security."""

from __future__ import annotations

import re

import jsonschema

from tests.conftest import (
    DATA,
    contract,
    csrf_of,
    edit_record_citing,
    login,
    make_platform,
    make_user,
    run_cli,
)


def test_healthz_and_headers(client):
    r = client.get("/healthz")
    assert r.json()["status"] == "ok"
    home = client.get("/")
    assert "Information, not medical advice" in home.text
    csp = home.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert home.headers["x-content-type-options"] == "nosniff"
    assert "openapi" in client.get("/openapi.json").json()


def test_ask_page_shows_cited_answer(client):
    r = client.post("/ask", data={"question": "Does PRP help knee arthritis?",
                                  "audience": "patient", "csrf_token": csrf_of(client)})
    assert r.status_code == 200
    assert "Options side by side" in r.text and 'id="ref-1"' in r.text
    assert "not medical advice" in r.text
    cid = re.search(r'name="conversation_id" value="([^"]+)"', r.text).group(1)
    follow = client.post("/ask", data={"question": "And for the hip?", "audience": "patient",
                                       "conversation_id": cid, "csrf_token": csrf_of(client)})
    assert "hip" in follow.text.lower()


def test_form_without_csrf_is_refused(client):
    r = client.post("/ask", data={"question": "PRP for knees?", "audience": "patient"})
    assert r.status_code == 403
    r = client.post("/ask", data={"question": "PRP for knees?", "csrf_token": "forged-token-xx"})
    assert r.status_code == 403


def test_script_in_question_is_shown_as_text(client):
    r = client.post("/ask", data={"question": "<script>alert('x')</script> PRP for knee?",
                                  "audience": "patient", "csrf_token": csrf_of(client)})
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert" in r.text


def test_api_ask_validates_and_reports_bad_bodies(client):
    r = client.post("/api/ask", json={"question": "Is Arthrosamid approved?",
                                      "audience": "clinician"})
    assert r.status_code == 200
    jsonschema.validate(r.json(), contract("answer.schema.json"))
    bad = client.post("/api/ask", json={"audience": "nurse"})
    assert bad.status_code == 422
    assert "question" in bad.json()["error"] and "audience" in bad.json()["error"]
    blank = client.post("/api/ask", json={"question": "   "})
    assert blank.status_code == 422 and "empty" in blank.json()["error"]
    assert client.post("/api/ask", content=b"not json",
                       headers={"content-type": "application/json"}).status_code == 422


def test_api_check(client):
    text = ("Exosome therapy is FDA approved and completely safe [1].\n\nReferences\n"
            "[1] A review. 2025. https://doi.org/10.3389/fphar.2025.1588841\n")
    r = client.post("/api/check", json={"text": text, "format": "text"})
    assert r.status_code == 200, r.text
    jsonschema.validate(r.json(), contract("check.schema.json"))
    verdicts = {c["verdict"] for c in r.json()["claims"]}
    assert "contradicted" in verdicts
    assert client.post("/api/check", json={"text": ""}).status_code == 422


def test_evidence_pages(client):
    r = client.get("/evidence?treatment=prp&joint=knee")
    assert r.status_code == 200 and "verified" in r.text
    page = client.get("/evidence/hyaluronic-acid")
    assert page.status_code == 200 and "<svg" in page.text and "Evidence ladder" in page.text
    assert client.get("/evidence/snake-oil").status_code == 404
    assert client.get("/api/evidence/sources?treatment=exosomes").json()["sources"]
    assert client.get("/api/evidence/records/nope").status_code == 404


def test_reader_cannot_reach_editorial_routes(client):
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    assert client.get("/editor/new",
                      follow_redirects=False).headers["location"].startswith("/login")
    r = client.post("/api/articles", json={"title": "x", "body": "y"})
    assert r.status_code == 401
    r = client.post("/editor/articles/1/transition",
                    data={"action": "publish", "csrf_token": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]


def test_rate_limit_answers_429(web_db, monkeypatch):
    from fastapi.testclient import TestClient

    from synovia.web.app import create_app

    monkeypatch.setenv("SYNOVIA_RATE_LIMITS", "ask=2/60,login=2/60")
    with TestClient(create_app(make_platform(web_db))) as c:
        codes = [c.post("/api/ask", json={"question": "PRP for knees?"}).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        c.get("/")
        tries = [c.post("/login", data={"email": "a@b.org", "password": "x",
                                        "csrf_token": c.cookies.get("synovia_csrf")}).status_code
                 for _ in range(3)]
        assert tries[-1] == 429


def test_oversized_body_is_refused(client):
    r = client.post("/api/check", content=b"x" * 2_100_000,
                    headers={"content-type": "application/json"})
    assert r.status_code == 413


def _article_id(response) -> int:
    return int(re.search(r"/editor/articles/(\d+)", response.headers["location"]).group(1))


def _editorial_flow(client, web_db) -> tuple[int, str]:
    make_user(web_db, "contributor")
    make_user(web_db, "reviewer")
    make_user(web_db, "editor")
    login(client, "contributor@example.org")
    r = client.post("/editor/from-answer", data={"question": "Does PRP help knee arthritis?",
                                                 "audience": "patient",
                                                 "csrf_token": csrf_of(client)},
                    follow_redirects=False)
    aid = _article_id(r)
    page = client.get(f"/editor/articles/{aid}")
    assert "draft" in page.text
    ok = client.post(f"/editor/articles/{aid}/transition",
                     data={"action": "submit", "csrf_token": csrf_of(client)},
                     follow_redirects=False)
    assert ok.status_code == 303
    # A contributor may not publish (or approve) even by posting directly.
    refused = client.post(f"/editor/articles/{aid}/transition",
                          data={"action": "publish", "csrf_token": csrf_of(client)})
    assert refused.status_code == 403
    client.cookies.clear()
    client.get("/")
    login(client, "reviewer@example.org")
    client.post(f"/editor/articles/{aid}/comment",
                data={"body": "Checked the figures <b>ok</b>", "csrf_token": csrf_of(client)})
    for action in ("start-review", "approve"):
        r = client.post(f"/editor/articles/{aid}/transition",
                        data={"action": action, "csrf_token": csrf_of(client)},
                        follow_redirects=False)
        assert r.status_code == 303, (action, r.text[:500])
    page = client.get(f"/editor/articles/{aid}")
    assert "Checked the figures &lt;b&gt;ok&lt;/b&gt;" in page.text
    client.cookies.clear()
    client.get("/")
    login(client, "editor@example.org")
    r = client.post(f"/editor/articles/{aid}/transition",
                    data={"action": "publish", "csrf_token": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    # Synovia's own answer passes Synovia's own gate: no override.
    assert r.headers["location"] == f"/editor/articles/{aid}", r.headers["location"]
    client.cookies.clear()
    listing = client.get("/articles")
    slug = re.search(r'href="/articles/([^"]+)"', listing.text).group(1)
    public = client.get(f"/articles/{slug}")
    assert public.status_code == 200
    assert "Medically reviewed by" in public.text and "Reviewer" in public.text
    assert '"@type": "MedicalWebPage"' in public.text and '"@type": "FAQPage"' in public.text
    assert "Next review due" in public.text and "not medical advice" in public.text
    return aid, slug


def test_editorial_workflow_end_to_end(client, web_db):
    aid, slug = _editorial_flow(client, web_db)
    assert aid >= 1 and slug


def test_publishing_needs_checker_or_recorded_override(client, web_db):
    make_user(web_db, "editor")
    make_user(web_db, "reviewer")
    login(client, "editor@example.org")
    body = "Exosome injections cure knee arthritis and are completely safe.\n"
    r = client.post("/editor/new", data={"title": "Bad article", "body": body, "summary": "",
                                         "csrf_token": csrf_of(client)}, follow_redirects=False)
    aid = _article_id(r)
    client.post(f"/editor/articles/{aid}/transition",
                data={"action": "submit", "csrf_token": csrf_of(client)})
    client.post(f"/editor/articles/{aid}/transition",
                data={"action": "start-review", "csrf_token": csrf_of(client)})
    client.cookies.clear()
    client.get("/")
    login(client, "reviewer@example.org")
    client.post(f"/editor/articles/{aid}/transition",
                data={"action": "approve", "csrf_token": csrf_of(client)})
    client.cookies.clear()
    client.get("/")
    login(client, "editor@example.org")
    r = client.post(f"/editor/articles/{aid}/transition",
                    data={"action": "publish", "csrf_token": csrf_of(client)})
    assert r.status_code == 200 and r.url.query == b"blocked=1"
    assert "checker found problems" in r.text and "publish-blocked" in r.text
    assert 'id="state">approved<' in r.text
    r = client.post(f"/editor/articles/{aid}/transition",
                    data={"action": "publish", "override_reason": "satire piece, labelled",
                          "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/editor/articles/{aid}")
    assert "override: satire piece, labelled" in page.text


def test_versions_and_diff(client, web_db):
    make_user(web_db, "contributor")
    login(client, "contributor@example.org")
    r = client.post("/editor/new", data={"title": "Steroid injections", "body": "First text.",
                                         "summary": "", "csrf_token": csrf_of(client)},
                    follow_redirects=False)
    aid = _article_id(r)
    client.post(f"/editor/articles/{aid}/save",
                data={"title": "Steroid injections", "body": "Second text.", "summary": "",
                      "note": "rewrote", "csrf_token": csrf_of(client)})
    page = client.get(f"/editor/articles/{aid}?a=1&b=2")
    assert "- First text." in page.text and "+ Second text." in page.text


def test_evidence_change_flags_published_article(client, web_db, tmp_path):
    aid, slug = _editorial_flow(client, web_db)
    import shutil

    folder = tmp_path / "evidence"
    shutil.copytree(DATA / "evidence", folder)
    from synovia.evidence import Store
    from synovia.publish import view

    v = view(Store(web_db), article_id=aid)
    relied = v.article.evidence_ids[0]
    edit_record_citing(folder, relied)
    result = run_cli("evidence", "load", "--dir", str(folder), "--no-index",
                     env={"SYNOVIA_DATABASE_URL": web_db})
    assert result.returncode == 0, result.stderr
    assert "flagged for re-review" in result.stdout
    login(client, "editor@example.org")
    dash = client.get("/dashboard")
    assert "Needs re-review" in dash.text
    assert v.version.title[:20] in dash.text.split("Needs re-review", 1)[1]


def test_dashboard_lists_imported_literature_for_review(client, web_db, tmp_path):
    from tests.conftest import run_cli

    ris = tmp_path / "new.ris"
    ris.write_text("TY  - JOUR\nTI  - A pilot trial of platelet-rich plasma for hip "
                   "osteoarthritis\nAU  - Example, Ann\nPY  - 2024\nJO  - Test Journal\n"
                   "DO  - 10.5555/synovia.test.2024.1\nAB  - Forty adults were randomised to "
                   "PRP or saline.\nER  - \n")
    result = run_cli("evidence", "import", str(ris), env={"SYNOVIA_DATABASE_URL": web_db})
    assert result.returncode == 0, result.stderr
    make_user(web_db, "reviewer")
    login(client, "reviewer@example.org")
    page = client.get("/dashboard")
    assert "Imported literature waiting for review (" in page.text
    assert "waiting for review (1)" in page.text
    assert "A pilot trial of platelet-rich plasma for hip osteoarthritis" in page.text
    assert "synovia evidence review accept" in page.text


def test_an_unmigrated_database_gets_the_upgrade_page(db_url):
    from fastapi.testclient import TestClient

    from synovia.web.app import create_app
    from tests.conftest import make_platform

    with TestClient(create_app(make_platform(db_url)), raise_server_exceptions=False) as c:
        page = c.get("/articles")
        assert page.status_code == 503 and "synovia db upgrade" in page.text
        api = c.get("/api/articles")
        assert api.status_code == 503 and "synovia db upgrade" in api.json()["error"]
        assert c.get("/readyz").status_code == 503


def test_rate_limits_hold_across_workers_with_redis(web_db, monkeypatch):
    """Two app instances (two workers) sharing Redis share one limit; with Redis down, each
    keeps serving and limits in its own process."""
    import os

    from fastapi.testclient import TestClient

    from synovia.web.app import create_app
    from tests.conftest import make_platform, unavailable

    url = os.environ.get("SYNOVIA_TEST_REDIS_URL")
    if not url:
        unavailable("no Redis reachable (make test provides one)")
    monkeypatch.setenv("SYNOVIA_RATE_LIMITS", "ask=3/60")
    monkeypatch.setenv("SYNOVIA_REDIS_URL", url)
    workers = [create_app(make_platform(web_db)) for _ in range(2)]
    workers[0].state.synovia.limiter.storage.reset()  # a clean slate in the test database
    body = {"question": "Does PRP help knee arthritis?"}
    with TestClient(workers[0]) as one, TestClient(workers[1]) as two:
        codes = [(one if i % 2 else two).post("/api/ask", json=body).status_code
                 for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]  # 3 in all, not 3 per worker
    workers[0].state.synovia.limiter.storage.reset()
    monkeypatch.setenv("SYNOVIA_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    with TestClient(create_app(make_platform(web_db))) as down:
        codes = [down.post("/api/ask", json=body).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
