"""End-to-end in headless Chromium (Playwright driving Debian's /usr/bin/chromium): asking,
follow-ups, audience, red flags, checking, the editorial flow, accessibility and keyboard use."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import (
    CHROMIUM,
    ROOT,
    axe_violations,
    edit_record_citing,
    make_user,
    run_cli,
    serve_app,
)

AXE = ROOT / "build" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed "
                                 "(make test installs it)")]


@pytest.fixture
def server(web_db):
    with serve_app(web_db) as url:
        yield url, web_db


def ask(page, question: str, clinician: bool = False) -> None:
    page.fill("#question", question)
    if clinician:
        page.check("input[name=audience][value=clinician]")
    with page.expect_navigation():  # a full page load: the old #answer must not satisfy the wait
        page.click("#ask-form button[type=submit], .ask-form button[type=submit]")
    page.wait_for_selector("#answer")


def test_ask_followup_and_audience(server, page):
    url, _ = server
    page.goto(f"{url}/ask")
    ask(page, "Does PRP help knee arthritis?")
    assert page.locator("table.options tbody tr").count() >= 1
    assert page.locator("ol.references li").count() >= 1
    first_ref = page.locator("#answer sup a").first.get_attribute("href")
    assert re.fullmatch(r"#ref-\d+", first_ref)
    ask(page, "And for the hip?")
    assert "hip" in page.locator("table.options").inner_text().lower()
    ask(page, "And for the hip?", clinician=True)
    assert page.locator("#answer").get_attribute("data-audience") == "clinician"
    assert re.search(r"CI|certainty", page.locator("#answer").inner_text())


def test_red_flag_shows_urgent_advice_first(server, page):
    url, _ = server
    page.goto(f"{url}/ask")
    ask(page, "I had a steroid injection in my knee yesterday and now it is hot, red and "
              "swollen and I have a fever")
    first = page.locator("#answer > *").first
    assert first.get_attribute("id") == "urgent"
    assert re.search(r"111|999|A&E", first.inner_text())


def test_check_highlights_verdicts(server, page):
    url, _ = server
    page.goto(f"{url}/check")
    page.fill("#text", "Exosome injections for knees\n\nExosome therapy is FDA approved and "
                       "has no side effects. Treatments are performed under practice of "
                       "medicine laws.\n")
    page.click(".check-form button[type=submit]")
    page.wait_for_selector("#report")
    assert page.locator("mark.contradicted").count() >= 1
    assert page.locator("mark.contradicted").first.get_attribute("title").startswith("contradicted")


def _login(page, url, email):
    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", "correct-horse-9")
    page.click("form.narrow button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard"))


def _logout(page):
    page.click("header.site button.link")
    page.wait_for_url(re.compile(r".*/$"))


def _action(page, name):
    with page.expect_navigation():
        page.click(f"button[data-action='{name}']")
    page.wait_for_selector("#state")


def test_editorial_flow_in_the_browser(server, page):
    """Ask a comparison → draft from the answer → submit → review → approve → published by a
    second person with no override → the public page has its table, FAQ and JSON-LD → retract,
    and the page says so."""
    url, db = server
    for role in ("contributor", "reviewer", "editor"):
        make_user(db, role)
    _login(page, url, "contributor@example.org")
    page.goto(f"{url}/ask")
    ask(page, "PRP or hyaluronic acid or a steroid injection for my knee?")
    with page.expect_navigation():
        page.click("#draft-from-answer")
    page.wait_for_selector("#state")
    editor_url = page.url
    assert page.locator("#state").inner_text() == "draft"
    assert page.locator("button[data-action='publish']").count() == 0  # not offered
    _logout(page)
    _login(page, url, "editor@example.org")
    page.goto(editor_url)
    _action(page, "submit")
    assert page.locator("#state").inner_text() == "submitted"
    _action(page, "start-review")
    _logout(page)
    _login(page, url, "reviewer@example.org")
    page.goto(editor_url)
    page.fill("#comment", "Figures match the sources.")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("text=Figures match the sources.")
    _action(page, "approve")
    assert page.locator("#state").inner_text() == "approved"
    _logout(page)
    _login(page, url, "editor@example.org")
    page.goto(editor_url)
    _action(page, "publish")
    assert page.locator("#gate-error").count() == 0  # Synovia's own answer passes its gate
    assert page.locator("#state").inner_text() == "published"
    assert "override" not in page.inner_text("ul.audit")
    page.goto(f"{url}/articles")
    page.click("ul.articles a")
    page.wait_for_selector("article.published")
    public_url = page.url
    assert "Medically reviewed by" in page.inner_text("article.published")
    assert page.locator("table.options tbody tr").count() == 3
    assert page.locator("section.faq h3.faq-q").count() >= 2
    blocks = page.locator("script[type='application/ld+json']").all_text_contents()
    data = [json.loads(b) for b in blocks]
    assert {"MedicalWebPage", "FAQPage"} <= {d["@type"] for d in data}
    web = next(d for d in data if d["@type"] == "MedicalWebPage")
    assert web["medicalAudience"]["audienceType"] == "Patient" and web["lastReviewed"]
    page.goto(editor_url)
    page.fill("#reason-retract", "A cited review was corrected.")
    _action(page, "retract")
    assert page.locator("#state").inner_text() == "retracted"
    page.goto(public_url)
    assert "This article was retracted" in page.inner_text("#retracted")
    assert "A cited review was corrected." in page.inner_text("#retracted")


def test_contributor_is_refused_publish(server, page):
    url, db = server
    make_user(db, "contributor")
    _login(page, url, "contributor@example.org")
    page.goto(f"{url}/editor/new")
    page.fill("#title", "My draft")
    page.fill("#body", "Some text about knees.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#state")
    aid = re.search(r"/editor/articles/(\d+)", page.url).group(1)
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(f"{url}/editor/articles/{aid}/transition",
                                 form={"action": "publish", "csrf_token": csrf})
    assert response.status == 403


def test_evidence_change_flags_article_on_dashboard(server, page, tmp_path):
    url, db = server
    from synovia.evidence import Store
    from synovia.publish import create_article, transition

    for role in ("reviewer", "editor"):
        make_user(db, role)
    store = Store(db)
    from synovia.publish import authenticate

    editor = authenticate(store, "editor@example.org", "correct-horse-9")
    reviewer = authenticate(store, "reviewer@example.org", "correct-horse-9")
    art = create_article(store, editor, "PRP and the knee", "Text [1].\n\n1. X", "",
                         evidence_ids=["bennell-2021-restore"])
    for who, action in ((editor, "submit"), (editor, "start-review"), (reviewer, "approve")):
        transition(store, who, art.id, action)
    transition(store, editor, art.id, "publish", override_reason="test fixture")
    import shutil

    from tests.conftest import DATA

    folder = tmp_path / "evidence"
    shutil.copytree(DATA / "evidence", folder)
    edit_record_citing(folder, "bennell-2021-restore")
    result = run_cli("evidence", "load", "--dir", str(folder), "--no-index",
                     env={"SYNOVIA_DATABASE_URL": db})
    assert result.returncode == 0, result.stderr
    _login(page, url, "editor@example.org")
    assert "Needs re-review" in page.inner_text("main")
    assert "PRP and the knee" in page.inner_text("section.flagged")


def _published_from_answer(db: str, question: str) -> str:
    """An article drafted from an answer and published through the workflow's own rules."""
    from synovia.ask import Asker
    from synovia.publish import authenticate, create_article, transition
    from tests.conftest import make_platform

    syn = make_platform(db)
    import contextlib

    from synovia.publish import AccountError

    for role in ("reviewer", "editor"):
        with contextlib.suppress(AccountError):  # made by an earlier call on this database
            make_user(db, role, email=f"a11y-{role}@example.org")
    editor = authenticate(syn.store, "a11y-editor@example.org", "correct-horse-9")
    reviewer = authenticate(syn.store, "a11y-reviewer@example.org", "correct-horse-9")
    d = Asker.from_platform(syn, use_vectors=False).draft_article(question)
    art = create_article(syn.store, editor, d.title, d.body, d.summary, d.faq, d.evidence_ids,
                         content=d.content)
    for who, action in ((editor, "submit"), (editor, "start-review"), (reviewer, "approve")):
        transition(syn.store, who, art.id, action)
    transition(syn.store, editor, art.id, "publish", override_reason="accessibility fixture")
    return art.slug


PUBLIC = ["/", "/ask", "/check", "/articles", "/evidence", "/evidence/prp", "/login",
          "/directory", "/decision-aid?q=PRP+or+a+steroid+injection+for+my+knee%3F"]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (make test installs it)")
def test_public_pages_have_no_serious_accessibility_violations(server, browser):
    url, db = server
    slug = _published_from_answer(db, "PRP or a steroid injection for my hip?")
    script = AXE.read_text()
    # Our CSP forbids inline scripts, so the test context lets axe in (the pages are unchanged).
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    problems = {}
    for path in PUBLIC + [f"/articles/{slug}", "ANSWER", "CONVERSATION"]:
        if path == "ANSWER":
            page.goto(f"{url}/ask")
            ask(page, "Does PRP help knee arthritis?")
        elif path == "CONVERSATION":
            page.goto(url + page.locator("#permalink").get_attribute("href"))
        else:
            page.goto(url + path)
        bad = axe_violations(page, script)
        if bad:
            problems[path] = bad
    _retract(db, slug)
    page.goto(f"{url}/articles/{slug}")
    assert page.locator("#retracted").count() == 1
    problems["retracted"] = axe_violations(page, script) or None
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}


def _retract(db: str, slug: str) -> None:
    from synovia.publish import authenticate, transition, view
    from tests.conftest import make_platform

    syn = make_platform(db)
    editor = authenticate(syn.store, "a11y-editor@example.org", "correct-horse-9")
    art = view(syn.store, slug=slug).article
    transition(syn.store, editor, art.id, "retract", reason="Test of the retraction notice.")


def test_everything_works_from_the_keyboard(server, page):
    url, _ = server
    page.goto(f"{url}/")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "question":
            break
    page.keyboard.type("Is Arthrosamid approved?")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer")
    assert page.locator("#answer").count() == 1


def test_decision_aid_prints_on_two_a4_pages(server, page):
    url, _ = server
    page.goto(f"{url}/decision-aid?q=" + "PRP or hyaluronic acid or a steroid injection for "
              "my knee%3F")
    page.wait_for_selector("#decision-aid")
    assert page.locator("table.aid thead th").count() == 5  # a label column + 4 options
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, pages


def test_phone_width_answer_has_cards_and_tap_to_call(server, browser):
    url, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{url}/ask")
    ask(page, "PRP or a steroid injection for my knee?")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing scrolls the page sideways
    cell = page.locator("table.options td[data-label='Certainty']").first
    assert page.evaluate("(el) => getComputedStyle(el).display", cell.element_handle()) \
        == "block"  # options as cards
    page.goto(f"{url}/ask")
    ask(page, "I had a knee injection 2 days ago and now it is hot, red and swollen with a "
              "fever")
    assert page.locator("#urgent a[href^='tel:']").count() >= 1
    slug = _published_from_answer(url_db := server[1], "PRP or a steroid injection for my hip?")
    assert url_db
    page.goto(f"{url}/articles/{slug}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    page.goto(f"{url}/directory?region=london")  # results land where the person is looking
    page.wait_for_selector("#results-heading")
    top = page.evaluate("document.querySelector('#results-heading').getBoundingClientRect().top")
    assert 0 <= top < 844, top
    context.close()
