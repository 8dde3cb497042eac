"""The directory end to end in headless Chromium: filter by region and treatment, open a
listing, read its evidence verdict and checklist, have an enquiry without consent refused,
send one with consent, and find it in the admin list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, DATA, axe_violations, make_user, serve_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed "
                                 "(make test installs it)")]


@pytest.fixture
def server(tmp_path, vocab, monkeypatch):
    """The app on a SQLite file holding the shipped evidence and the sample directory."""

    from synovia.directory import Directory
    from synovia.evidence import KnownTerms, Store, read_evidence

    monkeypatch.delenv("SYNOVIA_SMTP_HOST", raising=False)
    url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    store = Store(url)
    store.upgrade()
    base, problems = read_evidence(DATA / "evidence",
                                   KnownTerms(vocab.treatment_ids, vocab.joint_ids))
    assert problems == []
    store.load(base)
    Directory.from_data(store, vocab, DATA).import_csv(DATA / "directory" /
                                                       "sample_listings.csv")
    store.dispose()
    make_user(url, "admin")
    with serve_app(url) as base_url:
        yield base_url


def test_find_read_enquire_and_admin_sees_it(server, page):
    url = server
    page.goto(f"{url}/")
    page.click("header.site >> text=Find a specialist")
    page.wait_for_selector("#directory-filters")
    page.select_option("#f-region", "london")
    page.select_option("#f-treatment", "exosomes")
    page.click("#directory-filters button[type=submit]")
    page.wait_for_url(re.compile(r".*region=london.*treatment=exosomes"))
    page.wait_for_selector("#results li.listing")
    results = page.locator("#results li.listing")
    assert results.count() >= 1
    for text in results.all_inner_texts():
        assert "(London)" in text and "Exosome injection" in text
        assert "Fictional example" in text
    assert page.locator("#example-notice").is_visible()

    results.first.locator("h3 a").click()
    page.wait_for_selector("#evidence")
    evidence = page.locator("#evidence [data-treatment=exosomes]").inner_text()
    assert "very-low" in evidence and re.search(r"animals|unclear|very unsure", evidence)
    assert "no exosome product is approved" in evidence
    checklist = page.locator("#checklist")
    assert re.search(r"\d of 7 answered", checklist.inner_text())
    assert checklist.locator("li.unanswered").count() >= 1
    assert "Ask:" in checklist.locator("li.unanswered").first.inner_text()
    assert page.locator("#questions li").count() >= 3
    assert "Fictional example" in page.locator("#example-notice").inner_text()
    assert "information, not medical advice" in page.locator("footer.site").inner_text().lower()
    listing_url = page.url

    page.fill("#e-name", "Robin Browser")
    page.fill("#e-email", "robin@example.org")
    page.fill("#e-message", "Is the exosome product approved anywhere?")
    page.click("#enquiry-form button[type=submit]")
    page.wait_for_selector("#enquiry-error")
    assert "consent" in page.locator("#enquiry-error").inner_text()
    assert page.input_value("#e-name") == "Robin Browser"

    page.check("#e-consent")
    page.click("#enquiry-form button[type=submit]")
    page.wait_for_selector("#enquiry-sent")

    page.goto(f"{url}/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "correct-horse-9")
    page.click("form.narrow button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard"))
    page.goto(f"{url}/directory/admin/enquiries")
    rows = page.locator("#enquiries tbody tr")
    assert rows.count() == 1  # the refused enquiry was never stored
    row = rows.first.inner_text()
    assert "Robin Browser" in row and "Is the exosome product approved anywhere?" in row
    page.locator("#enquiries tbody tr a").first.click()
    page.wait_for_selector("#evidence")
    assert page.url == listing_url


AXE = Path(__file__).resolve().parents[1] / "build" / "npm" / "node_modules" / "axe-core" / \
    "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (make test installs it)")
def test_directory_pages_have_no_serious_accessibility_violations(server, browser):
    script = AXE.read_text()
    context = browser.new_context(bypass_csp=True)  # our CSP would keep axe out
    page = context.new_page()
    problems = {}
    for path in ("/directory?near=LS6&treatment=prp", "/directory/example-keswick"):
        page.goto(server + path)
        bad = axe_violations(page, script)
        if bad:
            problems[path] = bad
    context.close()
    assert problems == {}
