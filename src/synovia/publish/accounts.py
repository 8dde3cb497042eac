"""User accounts: argon2 password hashes, roles, and login sessions stored as token hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from synovia.evidence import Store
from synovia.publish.tables import User, WebSession
from synovia.publish.workflow import ROLES

SESSION_DAYS = 7
_hasher = PasswordHasher()
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


class AccountError(ValueError):
    pass


def now() -> datetime:
    return datetime.now(UTC)


def create_user(store: Store, email: str, name: str, role: str, password: str) -> User:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise AccountError(f"not an email address: {email!r}")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    user = User(email=email, name=name.strip() or email, role=role,
                password_hash=_hasher.hash(password), active=True, created_at=now())
    try:
        with store.session() as s:
            s.add(user)
            s.flush()
            s.expunge(user)
    except IntegrityError:
        raise AccountError(f"a user with email {email} already exists") from None
    return user


def count_users(store: Store) -> int:
    from sqlalchemy import func

    with store.reading() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def get_user(store: Store, user_id: int) -> User | None:
    with store.reading() as s:
        user = s.get(User, user_id)
        if user:
            s.expunge(user)
        return user


def authenticate(store: Store, email: str, password: str) -> User | None:
    with store.session() as s:
        user = s.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active:
            _hasher.hash(password)  # same work either way: no timing hint of valid emails
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        s.expunge(user)
        return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user: User) -> tuple[str, str]:
    """A new login: (cookie token, CSRF token). Only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    with store.session() as s:
        s.add(WebSession(id=_digest(token), user_id=user.id, csrf=csrf, created_at=now(),
                         expires_at=now() + timedelta(days=SESSION_DAYS)))
    return token, csrf


def session_user(store: Store, token: str | None) -> tuple[User, str] | None:
    if not token:
        return None
    with store.session() as s:
        row = s.get(WebSession, _digest(token))
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if expires < now():
            s.delete(row)
            return None
        user = s.get(User, row.user_id)
        if user is None or not user.active:
            return None
        s.expunge(user)
        return user, row.csrf


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.session() as s:
            s.execute(delete(WebSession).where(WebSession.id == _digest(token)))
