"""The editorial workflow's rules on both engines, and the web paths from an answer to a
published, retractable page: structure kept, the gate passed by construction, defects listed
with their sentences, versions that keep every part, sign-in limits and staff accounts."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import csrf_of, login, make_user, run_cli


def _users(store):
    from synovia.publish import create_user

    return {role: create_user(store, f"{role}@example.org", role.title(), role,
                              "correct-horse-9")
            for role in ("contributor", "reviewer", "editor", "admin")}


def _ok_gate(body, faq, content):
    from synovia.publish import GateResult

    return GateResult(True, {"citation_defects": 0})


# --- the workflow's rules (SQLite and PostgreSQL) -------------------------------------------

def test_saving_keeps_faq_and_structure(store):
    from synovia.publish import create_article, save_version, view

    u = _users(store)
    faq = [{"q": "How long does it last?", "a": "A few weeks. [1]"}]
    content = {"options": [{"treatment": "prp"}], "references": [{"n": 1, "id": "x"}]}
    art = create_article(store, u["contributor"], "PRP", "Text [1].", "", faq, content=content)
    save_version(store, u["contributor"], art.id, "PRP", "Better text [1].", "")
    ver = view(store, article_id=art.id).version
    assert ver.n == 2 and ver.body == "Better text [1]."
    assert ver.faq == faq and ver.content == content
    save_version(store, u["contributor"], art.id, "PRP", "Third [1].", "", faq=[])
    assert view(store, article_id=art.id).version.faq == []  # an emptied FAQ is a choice


def test_save_refused_when_someone_saved_since_it_was_opened(store):
    from synovia.publish import PublishError, create_article, save_version, versions

    u = _users(store)
    art = create_article(store, u["editor"], "Hip", "One.", "")
    save_version(store, u["editor"], art.id, "Hip", "Two.", "", base_version=1)
    with pytest.raises(PublishError) as exc:
        save_version(store, u["admin"], art.id, "Hip", "Mine.", "", base_version=1)
    assert exc.value.status == 409 and "version 2" in str(exc.value)
    assert [v.body for v in versions(store, art.id)] == ["One.", "Two."]


def _to_approved(store, u, author, approver):
    from synovia.publish import create_article, transition

    art = create_article(store, u[author], "Knee", "Text.", "")
    transition(store, u["editor"], art.id, "submit")
    transition(store, u["editor"], art.id, "start-review")
    transition(store, u[approver], art.id, "approve",
               override_reason="small team" if approver == author else None)
    return art


def test_nobody_approves_their_own_article_without_a_recorded_override(store):
    from synovia.publish import PublishError, audit_log, create_article, transition

    u = _users(store)
    art = create_article(store, u["reviewer"], "Knee", "Text.", "")
    transition(store, u["editor"], art.id, "submit")
    transition(store, u["editor"], art.id, "start-review")
    with pytest.raises(PublishError) as exc:
        transition(store, u["reviewer"], art.id, "approve")
    assert exc.value.status == 403 and "someone else" in str(exc.value)
    own = _to_approved(store, u, "admin", "admin")  # an admin may, with a reason on record
    assert any(e.action == "approve" and e.detail.get("override") == "small team"
               for e, _ in audit_log(store, own.id))


def test_writing_and_approving_it_yourself_needs_a_second_person_to_publish(store):
    from synovia.publish import PublishError, transition

    u = _users(store)
    art = _to_approved(store, u, "admin", "admin")
    with pytest.raises(PublishError) as exc:
        transition(store, u["admin"], art.id, "publish", gate=_ok_gate)
    assert exc.value.status == 403 and "second person" in str(exc.value)
    assert transition(store, u["editor"], art.id, "publish", gate=_ok_gate).state == "published"
    other = _to_approved(store, u, "admin", "admin")
    done = transition(store, u["admin"], other.id, "publish", gate=_ok_gate,
                      override_reason="second editor on leave")
    assert done.state == "published"


def test_the_gate_runs_outside_the_write_and_a_changed_version_is_refused(store):
    from synovia.evidence.tables.articles import Article, ArticleVersion
    from synovia.publish import GateResult, PublishError, transition, view
    from synovia.publish.service import now

    u = _users(store)
    art = _to_approved(store, u, "contributor", "reviewer")

    def slow_gate(body, faq, content):
        # Someone saves while the checker reads. Writing here at all shows the gate holds no
        # write transaction (on SQLite the write would otherwise wait on its own lock).
        with store.session() as s:
            a = s.get(Article, art.id)
            a.current_version += 1
            s.add(ArticleVersion(article_id=a.id, n=a.current_version, title="Knee",
                                 body="Changed while checking.", faq=[],
                                 author_id=u["editor"].id, note="", created_at=now()))
        return GateResult(True, {})

    with pytest.raises(PublishError) as exc:
        transition(store, u["editor"], art.id, "publish", gate=slow_gate)
    assert exc.value.status == 409 and "saved again" in str(exc.value)
    assert view(store, article_id=art.id).article.state == "approved"


def test_retracting_needs_a_reason_and_the_page_keeps_saying_so(store):
    from synovia.publish import PublishError, published, transition, view

    u = _users(store)
    art = _to_approved(store, u, "contributor", "reviewer")
    transition(store, u["editor"], art.id, "publish", gate=_ok_gate)
    with pytest.raises(PublishError, match="say why"):
        transition(store, u["editor"], art.id, "retract")
    transition(store, u["editor"], art.id, "retract", reason="A cited trial was withdrawn.")
    public = view(store, slug=art.slug, published_only=True)
    assert public.article.retracted_at is not None
    assert public.article.retract_reason == "A cited trial was withdrawn."
    assert published(store) == []


def test_published_search_reads_the_text_not_only_the_title(store):
    from synovia.publish import create_article, published, transition

    u = _users(store)
    for title, body in (("Knee injections", "Hyaluronic acid showed small benefits."),
                        ("Hip care", "Exercise first; steroid shots help briefly.")):
        art = create_article(store, u["contributor"], title, body, "")
        transition(store, u["editor"], art.id, "submit")
        transition(store, u["editor"], art.id, "start-review")
        transition(store, u["reviewer"], art.id, "approve")
        transition(store, u["editor"], art.id, "publish", gate=_ok_gate)
    assert [a.title for a in published(store, "hyaluronic")] == ["Knee injections"]
    assert [a.title for a in published(store, "steroid exercise")] == ["Hip care"]
    assert published(store, "steroid hyaluronic") == []
    assert len(published(store, "'; drop table articles; --")) == 0
    assert len(published(store)) == 2


def test_ten_wrong_passwords_lock_the_account_until_reset(store):
    from synovia.publish import (
        AccountLocked,
        authenticate,
        reset_password,
        session_user,
        set_active,
        start_session,
    )

    u = _users(store)
    for _ in range(10):
        assert authenticate(store, "editor@example.org", "wrong-password") is None
    with pytest.raises(AccountLocked):
        authenticate(store, "editor@example.org", "correct-horse-9")
    assert authenticate(store, "reviewer@example.org", "correct-horse-9")  # others unaffected
    new = reset_password(store, "editor@example.org")
    assert authenticate(store, "editor@example.org", new).id == u["editor"].id
    token, _ = start_session(store, u["editor"])
    set_active(store, "editor@example.org", False)
    assert session_user(store, token) is None  # deactivating ends sign-ins at once
    assert authenticate(store, "editor@example.org", new) is None


# --- the web paths ---------------------------------------------------------------------------

def _as(client, email):
    client.cookies.clear()
    client.get("/")
    login(client, email)


def _post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf_of(client)},
                       follow_redirects=False)


def _draft(client, question):
    r = _post(client, "/editor/from-answer", question=question, audience="patient")
    assert r.status_code == 303, r.text[:300]
    return int(re.search(r"/editor/articles/(\d+)", r.headers["location"]).group(1))


def _approve(client, aid):
    _as(client, "editor@example.org")
    assert _post(client, f"/editor/articles/{aid}/transition", action="submit").status_code == 303
    _post(client, f"/editor/articles/{aid}/transition", action="start-review")
    _as(client, "reviewer@example.org")
    r = _post(client, f"/editor/articles/{aid}/transition", action="approve")
    assert r.headers["location"] == f"/editor/articles/{aid}"


def test_a_comparison_answer_becomes_a_structured_article_published_without_override(
        client, web_db):
    for role in ("contributor", "reviewer", "editor"):
        make_user(web_db, role)
    _as(client, "contributor@example.org")
    aid = _draft(client, "PRP vs hyaluronic acid vs steroid injection for my knee?")
    _approve(client, aid)
    _as(client, "editor@example.org")
    r = _post(client, f"/editor/articles/{aid}/transition", action="publish")
    assert r.headers["location"] == f"/editor/articles/{aid}"  # not blocked, no override
    log = client.get(f"/editor/articles/{aid}").text
    assert "override" not in log.split("Audit log")[1]
    slug = re.search(r'href="/articles/([^"]+)"', client.get("/articles").text).group(1)
    page = client.get(f"/articles/{slug}").text
    assert page.count('<tr><th scope="row" data-label="Option">') == 3  # a table, not pipes
    assert "| Option |" not in page
    assert "Frequently asked questions" in page and page.count('class="faq-q"') >= 2
    markers = {int(n) for n in re.findall(r'href="#ref-(\d+)"', page)}
    refs = {int(n) for n in re.findall(r'<li id="ref-(\d+)"', page)}
    assert markers == refs and len(refs) >= 5  # every marker has its reference, and back
    assert re.search(r"et al\. .+\. 20\d\d", page)  # authors, title, journal, year
    blocks = [json.loads(b) for b in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]
    web = next(b for b in blocks if b["@type"] == "MedicalWebPage")
    assert web["medicalAudience"]["audienceType"] == "Patient"
    assert web["reviewedBy"]["name"] == "Reviewer" and re.match(r"\d{4}-\d\d-\d\d",
                                                                web["lastReviewed"])
    faq = next(b for b in blocks if b["@type"] == "FAQPage")
    assert all("[" not in q["acceptedAnswer"]["text"] for q in faq["mainEntity"])
    # Retract: the address stays and says when and why.
    r = _post(client, f"/editor/articles/{aid}/transition", action="retract",
              reason="Superseded by a newer review.")
    assert r.status_code == 303
    gone = client.get(f"/articles/{slug}")
    assert gone.status_code == 410
    assert "This article was retracted" in gone.text and "Superseded by a newer review." in \
        gone.text
    assert "Options side by side" not in gone.text
    assert client.get(f"/api/articles/{slug}").json()["state"] == "retracted"


def test_an_edit_that_overstates_is_blocked_with_its_sentence_linked(client, web_db):
    for role in ("reviewer", "editor"):
        make_user(web_db, role)
    _as(client, "editor@example.org")
    aid = _draft(client, "Does PRP help knee arthritis?")
    editor = client.get(f"/editor/articles/{aid}").text
    body = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', editor, re.S).group(1)
    import html

    body = html.unescape(body) + "\n\nPRP regrows cartilage and cures arthritis for good.\n"
    faq = html.unescape(re.search(r'<textarea id="faq"[^>]*>(.*?)</textarea>', editor,
                                  re.S).group(1))
    r = _post(client, f"/editor/articles/{aid}/save", title="PRP and the knee", body=body,
              summary="", note="added a line", base_version="1",
              faq=faq + "\n\nQ: Is it safe?\nA: Mostly mild, short-lived pain.")
    assert r.headers["location"] == f"/editor/articles/{aid}"
    _approve(client, aid)
    _as(client, "editor@example.org")
    r = _post(client, f"/editor/articles/{aid}/transition", action="publish")
    assert "blocked=1" in r.headers["location"]
    page = client.get(r.headers["location"]).text
    listed = page.split('id="gate-error"')[1].split("</div>")[0]
    link = re.search(r'<a href="#(defect-\d+)">“PRP regrows cartilage', listed)
    assert link and f'id="{link.group(1)}"' in page  # the defect links to its sentence
    assert "contradicted" in listed and listed.count("<li>") == 1  # Synovia's own text passes
    assert "Is it safe?" in page  # the FAQ edited above was kept


def test_a_stale_save_is_refused_with_a_message(client, web_db):
    make_user(web_db, "editor")
    make_user(web_db, "admin")
    _as(client, "editor@example.org")
    r = _post(client, "/editor/new", title="Steroids", body="First.", summary="")
    aid = int(r.headers["location"].rsplit("/", 1)[1])
    _post(client, f"/editor/articles/{aid}/save", title="Steroids", body="Second.",
          summary="", base_version="1")
    _as(client, "admin@example.org")
    r = _post(client, f"/editor/articles/{aid}/save", title="Steroids", body="Mine.",
              summary="", base_version="1")
    assert r.status_code == 409 and "someone saved version 2" in r.text
    assert '<textarea id="unsaved" rows="8" readonly>Mine.</textarea>' in r.text  # not lost
    assert "Second." in client.get(f"/editor/articles/{aid}").text


def test_staff_sign_in_limits(client, web_db):
    for role in ("contributor", "reviewer", "editor", "admin"):
        make_user(web_db, role)
    emails = [f"{r}@example.org" for r in ("contributor", "reviewer", "editor", "admin")]
    for i in range(15):  # a normal session moving between roles: never refused
        client.cookies.clear()
        client.get("/")
        r = client.post("/login", data={"email": emails[i % 4], "password": "correct-horse-9",
                                        "csrf_token": csrf_of(client)}, follow_redirects=False)
        assert r.status_code == 303, (i, r.status_code)
    refused = []
    for _ in range(30):  # brute force against one account
        r = client.post("/login", data={"email": emails[2], "password": "guess-guess-1",
                                        "csrf_token": csrf_of(client)}, follow_redirects=False)
        refused.append(r.status_code)
    assert all(code in (401, 429) for code in refused) and 429 in refused
    r = client.post("/login", data={"email": emails[2], "password": "correct-horse-9",
                                    "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 429  # locked, even with the right password


def test_admins_manage_staff_on_the_web(client, web_db):
    make_user(web_db, "admin")
    make_user(web_db, "editor")
    _as(client, "editor@example.org")
    assert client.get("/admin/users").status_code == 403
    _as(client, "admin@example.org")
    page = client.get("/admin/users").text
    assert "editor@example.org" in page
    uid = re.search(r'data-email="editor@example.org".*?/admin/users/(\d+)', page, re.S).group(1)
    r = _post(client, f"/admin/users/{uid}", action="deactivate")
    assert r.status_code == 200 and "deactivated" in r.text
    r = _post(client, f"/admin/users/{uid}", action="reset")
    new = re.search(r"<code>([^<]+)</code>", r.text).group(1)
    _post(client, f"/admin/users/{uid}", action="activate")
    client.cookies.clear()
    client.get("/")
    login(client, "editor@example.org", new)
    client.cookies.clear()
    client.get("/")
    login(client, "admin@example.org")
    r = _post(client, "/admin/users", email="new@example.org", name="New", role="reviewer")
    assert "new@example.org" in r.text and "<code>" in r.text
    assert _post(client, "/admin/users/999999", action="reset").status_code == 404
    assert _post(client, f"/admin/users/{uid}", action="explode").status_code == 400


def test_users_commands(web_db):
    env = {"SYNOVIA_DATABASE_URL": web_db}
    make_user(web_db, "editor")
    listed = run_cli("users", "list", "--format", "json", env=env)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["email"] == \
        "editor@example.org"
    assert run_cli("users", "deactivate", "editor@example.org", env=env).returncode == 0
    assert '"active": false' in run_cli("users", "list", "--format", "json", env=env).stdout
    reset = run_cli("users", "reset-password", "editor@example.org", env=env)
    assert reset.returncode == 0 and "shown once" in reset.stdout
    missing = run_cli("users", "deactivate", "nobody@example.org", env=env)
    assert missing.returncode == 1 and "no user" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_conversation_has_a_permanent_link(client):
    r = _post(client, "/ask", question="Is a steroid injection safe for my knee?",
              audience="patient")
    cid = re.search(r'href="/ask/c/([\w.-]+)"', r.text).group(1)
    _post(client, "/ask", question="And for the hip?", audience="patient", conversation_id=cid)
    page = client.get(f"/ask/c/{cid}")
    assert page.status_code == 200
    assert "Is a steroid injection safe for my knee?" in page.text and "hip" in page.text
    assert client.get("/ask/c/unknown-id").status_code == 404
    assert client.get("/ask/c/" + "x" * 300).status_code == 404


def test_decision_aid_sets_three_options_beside_no_injection(client):
    r = client.get("/decision-aid", params={
        "q": "PRP or hyaluronic acid or a steroid injection for my knee?"})
    assert r.status_code == 200
    heads = re.findall(r'<th scope="col">([^<]+)</th>', r.text)
    assert heads[0].startswith("No injection") and len(heads) == 4
    for row in ("What it involves", "Likely benefit", "Harms", "Cost", "How sure we are",
                "Regulatory status"):
        assert row in r.text
    markers = {int(n) for n in re.findall(r'href="#ref-(\d+)"', r.text)}
    refs = {int(n) for n in re.findall(r'<li id="ref-(\d+)"', r.text)}
    assert markers == refs and refs
    assert "not medical advice" in r.text.lower()
    from synovia.text.readability import fk_grade

    cells = re.findall(r"<td data-label=[^>]*>(.*?)</td>", r.text, re.S)
    words = re.sub(r"<[^>]+>|\[\d+(?:,\d+)*\]", " ", " ".join(cells))
    assert fk_grade(words) <= 9  # plain language: the patient answers' own measure
    one = client.get("/decision-aid", params={"q": "Does PRP help my knee?"})
    assert one.status_code == 422 and "two or more" in one.text


def test_markdown_tables_and_phone_numbers():
    from synovia.web.markdown import phone_links, render

    html = render("| Option | Effect |\n|---|---|\n| PRP [1] | small |\n")
    assert "<table>" in html and "<th scope=\"col\">Option</th>" in html and "|" not in html
    out = phone_links("Call 999 (112 in Europe). 1,000 people; 112 trials; NHS 111.")
    assert out.count('href="tel:') == 3 and 'tel:000' not in out


def test_every_treatment_with_human_evidence_has_its_results_pictured(client, web_db):
    from synovia.web.charts import HUMAN_DESIGNS, MAP_OUTCOMES
    from tests.conftest import make_platform

    base = make_platform(web_db).store.evidence()
    for t in ("corticosteroid", "hyaluronic-acid", "prp", "bmac", "msc", "exosomes", "paag"):
        expected = [f for f in base.findings_about(t) if f.verification == "verified"
                    and t in f.treatments and f.outcome in MAP_OUTCOMES
                    and base.sources[f.source].kind in HUMAN_DESIGNS]
        page = client.get(f"/evidence/{t}").text
        rows = page.count('<th scope="row" data-label="Study">')
        assert rows == len(expected) and rows > 0, (t, rows, len(expected))
        assert "pos-" in page and 'class="certainty' in page
