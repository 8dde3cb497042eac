"""Conversations: what a follow-up may inherit, stored so it survives restarts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from synovia.evidence import Store
from synovia.evidence.tables import ConversationRow, TurnRow

MAX_TURNS_KEPT = 50


def load_state(store: Store, conversation_id: str) -> dict | None:
    with store.reading() as session:
        row = session.get(ConversationRow, conversation_id)
        return dict(row.state) if row else None


def save_turn(store: Store, conversation_id: str, question: str, audience: str,
              state: dict, answer: dict | None = None) -> int:
    """Record a turn and the state a next follow-up inherits; returns the turn number."""
    now = datetime.now(UTC)
    with store.session() as session:
        row = session.get(ConversationRow, conversation_id, with_for_update=True)
        if row is None:
            row = ConversationRow(id=conversation_id, state=state, turns=0, created_at=now,
                                  updated_at=now)
            session.add(row)
        row.turns = (row.turns or 0) + 1
        row.state = state
        row.updated_at = now
        session.add(TurnRow(conversation_id=conversation_id, n=row.turns, question=question,
                            audience=audience, understood=state, answer=answer,
                            at=now))
        return row.turns


def turns(store: Store, conversation_id: str) -> list[TurnRow]:
    with store.reading() as session:
        return list(session.scalars(select(TurnRow).where(
            TurnRow.conversation_id == conversation_id).order_by(TurnRow.n)).all())
