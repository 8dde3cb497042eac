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
from synovia.evidence.tables.articles import User, WebSession
from synovia.publish.workflow import ROLES

SESSION_DAYS = 7
MAX_FAILED = 10  # wrong passwords in a row before an account is locked
LOCK_FOR = timedelta(minutes=15)
_hasher = PasswordHasher()
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


class AccountError(ValueError):
    pass


def now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; we store UTC."""
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


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


class AccountLocked(AccountError):
    """Too many wrong passwords for this account: refused even with the right one, for a while."""


def authenticate(store: Store, email: str, password: str) -> User | None:
    """The user if the password is right. Wrong passwords count against the account (in the
    database, so every worker sees them); after MAX_FAILED in a row it is locked for LOCK_FOR,
    which a brute-force run trips and a person mistyping now and then does not."""
    with store.session() as s:
        user = s.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active:
            _hasher.hash(password)  # same work either way: no timing hint of valid emails
            return None
        locked = _aware(user.locked_until)
        if locked is not None and locked > now():
            _hasher.hash(password)
            minutes = int((locked - now()).total_seconds() // 60) + 1
            raise AccountLocked(f"too many wrong passwords for this account; try again in "
                                f"{minutes} minutes, or ask an admin to reset it")
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= MAX_FAILED:
                user.failed_logins, user.locked_until = 0, now() + LOCK_FOR
            return None
        user.failed_logins, user.locked_until = 0, None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        s.flush()
        s.expunge(user)
        return user


def list_users(store: Store) -> list[User]:
    with store.reading() as s:
        rows = list(s.scalars(select(User).order_by(User.role, User.email)))
        for r in rows:
            s.expunge(r)
        return rows


def _find(s, who: str | int) -> User:
    user = (s.get(User, who) if isinstance(who, int)
            else s.scalar(select(User).where(User.email == str(who).strip().lower())))
    if user is None:
        raise AccountError(f"no user {who}")
    return user


def set_active(store: Store, who: str | int, active: bool) -> User:
    """Deactivate (or reactivate) an account; deactivating ends its sign-ins at once."""
    with store.session() as s:
        user = _find(s, who)
        user.active = active
        if not active:
            s.execute(delete(WebSession).where(WebSession.user_id == user.id))
        s.flush()
        s.expunge(user)
        return user


def reset_password(store: Store, who: str | int, password: str | None = None) -> str:
    """Set a new password (a random one when none is given, returned to be passed on once),
    unlock the account and end its sign-ins."""
    password = password or secrets.token_urlsafe(12)
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    with store.session() as s:
        user = _find(s, who)
        user.password_hash = _hasher.hash(password)
        user.failed_logins, user.locked_until = 0, None
        s.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return password


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
        if _aware(row.expires_at) < now():
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
