"""Workflow states, transitions and who may make each: nothing reaches the public unreviewed."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("contributor", "reviewer", "editor", "admin")
STATES = ("draft", "submitted", "under-review", "approved", "published", "retracted")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    author_may: bool = False  # a contributor may make it on their own article


TRANSITIONS = {t.name: t for t in (
    Transition("submit", "Submit for review", ("draft",), "submitted", ("editor", "admin"), True),
    Transition("start-review", "Start review", ("submitted",), "under-review",
               ("reviewer", "editor", "admin")),
    Transition("request-changes", "Request changes", ("submitted", "under-review", "approved"),
               "draft", ("reviewer", "editor", "admin")),
    Transition("approve", "Approve (medical review)", ("under-review",), "approved",
               ("reviewer", "admin")),
    Transition("publish", "Publish", ("approved",), "published", ("editor", "admin")),
    Transition("retract", "Retract", ("published",), "retracted", ("editor", "admin")),
    Transition("reopen", "Re-review", ("published", "retracted"), "under-review",
               ("reviewer", "editor", "admin")),
)}


def allowed(transition: Transition, role: str, is_author: bool) -> bool:
    return role in transition.roles or (transition.author_may and is_author
                                         and role == "contributor")


def available(state: str, role: str, is_author: bool) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.source and allowed(t, role, is_author)]


def may_edit(state: str, role: str, is_author: bool) -> bool:
    if role in ("editor", "admin"):
        return state in ("draft", "submitted")
    return state == "draft" and is_author and role in ("contributor", "reviewer")


def may_comment(role: str) -> bool:
    return role in ROLES
