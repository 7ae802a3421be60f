"""The newsroom's members, their signed-in browsers, and the audit log of what they changed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from extensions import db
from newsroom.models.base import Role, UTCDateTime, utcnow


class User(db.Model):
    """A member of the newsroom who can sign in to /admin/."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.WRITER.value)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-step sign-in: the base32 TOTP secret once confirmed, and the last 30-second step used,
    # so a code cannot be replayed within its window.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # A secret being set up, kept here until its first code confirms it (a session cookie is
    # signed, not encrypted: anyone holding one could read a secret put there).
    totp_pending_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # The time zone (an IANA name, Asia/Bangkok) this person reads and types times in; None
    # until they choose one: the site's applies (newsroom.zones).
    timezone: Mapped[str | None] = mapped_column(sa.String(64))

    # Flask-Login's interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def can(self, role: Role) -> bool:
        """True if this user's role is `role` or above."""
        return Role(self.role).rank >= role.rank

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def has_two_step(self) -> bool:
        return bool(self.totp_secret)

    def set_two_step(self, secret: str | None, spent_step: int | None = None) -> None:
        """Turn two-step sign-in on with a confirmed secret (its first code spent), or off."""
        self.totp_secret = secret
        self.totp_last_step = spent_step if secret else None

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(sa.select(cls).where(cls.email == email.strip().lower()))

    @classmethod
    def all_by_email(cls) -> list[User]:
        return db.session.scalars(sa.select(cls).order_by(cls.email)).all()

    @classmethod
    def active_writers(cls) -> list[User]:
        """Writers who may sign in, by name: whom an editor may add to a live page."""
        query = sa.select(cls).where(cls.role == Role.WRITER.value, cls.active.is_(True))
        return db.session.scalars(query.order_by(cls.name, cls.email)).all()


class LoginSession(db.Model):
    """One signed-in browser. Revoking the row ends that session wherever its cookie is."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped[User] = relationship()


class AuditEntry(db.Model):
    """Who changed what, and when: every change to a story, user or breaking item."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(500), default="")

    user: Mapped[User | None] = relationship()

    @classmethod
    def record(cls, user, action: str, subject, summary: str = "") -> AuditEntry:
        # A proxy (Flask-Login's current_user) would be filed under "localproxy", not its kind.
        subject = getattr(subject, "_get_current_object", lambda: subject)()
        entry = cls(
            user_id=getattr(user, "id", None),
            action=action,
            subject_type=type(subject).__name__.lower(),
            subject_id=getattr(subject, "id", None),
            summary=summary[:500],
        )
        db.session.add(entry)
        return entry

    @classmethod
    def recent(cls, limit: int = 15) -> list[AuditEntry]:
        return db.session.scalars(
            sa.select(cls).options(joinedload(cls.user)).order_by(cls.id.desc()).limit(limit)
        ).all()

    @classmethod
    def recent_for(cls, user: User, seen, limit: int = 15) -> list[AuditEntry]:
        """The user's own actions and the changes to the stories `seen` lets them see."""
        # The articles table by name, not the Story class: the story module imports this one.
        theirs = sa.select(db.metadata.tables["articles"].c.id).where(seen)
        return db.session.scalars(
            sa.select(cls)
            .where(
                sa.or_(
                    cls.user_id == user.id,
                    sa.and_(cls.subject_type == "story", cls.subject_id.in_(theirs)),
                )
            )
            .options(joinedload(cls.user))
            .order_by(cls.id.desc())
            .limit(limit)
        ).all()

    @classmethod
    def about(cls, subject, limit: int = 20) -> list[AuditEntry]:
        """The latest changes to one story, user or item, newest first."""
        return db.session.scalars(
            sa.select(cls)
            .where(cls.subject_type == type(subject).__name__.lower(), cls.subject_id == subject.id)
            .options(joinedload(cls.user))
            .order_by(cls.id.desc())
            .limit(limit)
        ).all()
