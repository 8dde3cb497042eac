"""Screenshots of the public pages at desktop (1280 px) and phone (390 px) widths, for the docs.

Run from the repository root on a loaded database:
    SYNOVIA_DATABASE_URL=sqlite:///... .venv/bin/python scripts/screenshots.py docs/screenshots
It publishes one article drafted from an answer (through the workflow) if none is published."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.conftest import serve_app  # noqa: E402

QUESTION = "PRP or hyaluronic acid or a steroid injection for my knee?"


def published_slug(url: str) -> str:
    from synovia.ask import Asker
    from synovia.platform import Synovia
    from synovia.publish import (
        AccountError,
        authenticate,
        create_article,
        create_user,
        published,
        transition,
    )

    syn = Synovia()
    found = published(syn.store)
    if found:
        return found[0].slug
    for role in ("reviewer", "editor"):
        with contextlib.suppress(AccountError):
            create_user(syn.store, f"shots-{role}@example.org", f"Dr {role.title()}", role,
                        "screenshots-only")
    ed = authenticate(syn.store, "shots-editor@example.org", "screenshots-only")
    rv = authenticate(syn.store, "shots-reviewer@example.org", "screenshots-only")
    d = Asker.from_platform(syn).draft_article(QUESTION)
    art = create_article(syn.store, ed, d.title, d.body, d.summary, d.faq, d.evidence_ids,
                         content=d.content)
    for who, action in ((ed, "submit"), (ed, "start-review"), (rv, "approve")):
        transition(syn.store, who, art.id, action)
    from synovia.web.state import AppState

    transition(syn.store, ed, art.id, "publish", gate=AppState(syn).check_gate)
    return art.slug


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    db = os.environ["SYNOVIA_DATABASE_URL"]
    with serve_app(db) as url:
        slug = published_slug(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{url}/ask")
                page.fill("#question", QUESTION)
                with page.expect_navigation():
                    page.click("#ask-form button[type=submit]")
                page.screenshot(path=str(out / f"answer-{width}.png"), full_page=False)
                page.goto(f"{url}/articles/{slug}")
                page.screenshot(path=str(out / f"article-{width}.png"), full_page=False)
                page.goto(f"{url}/decision-aid?q={QUESTION}")
                page.screenshot(path=str(out / f"decision-aid-{width}.png"), full_page=False)
                page.goto(f"{url}/directory?region=London&treatment=prp")
                page.screenshot(path=str(out / f"directory-{width}.png"), full_page=False)
                page.close()
            browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
