"""SQL tables: the system of record. Everything the PO did lives here; the chroma index is derived."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns: read them as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SourceFile(Base):
    """One ingested file (or paste); all its rows were committed in the same transaction."""

    __tablename__ = "source_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)  # user data: Text, as PostgreSQL enforces VARCHAR lengths (SQLite does not)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reader: Mapped[str] = mapped_column(String(32))
    encoding: Mapped[str | None] = mapped_column(String(32))
    text_column: Mapped[str | None] = mapped_column(Text)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackRow(Base):
    __tablename__ = "feedback_items"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="feedback")
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id", ondelete="SET NULL"))
    source_path: Mapped[str] = mapped_column(Text)
    source_row: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[str | None] = mapped_column(Text)  # a CSV id column can hold anything
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("feedback_items.id", ondelete="SET NULL"))
    triage: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    need_id: Mapped[str | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    indexed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NeedRow(Base):
    __tablename__ = "needs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    statement: Mapped[str] = mapped_column(Text, default="")
    name_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    statement_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    quotes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    centroid: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    merged_into: Mapped[str | None] = mapped_column(String(40), nullable=True)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    need_id: Mapped[str | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text)
    benefit: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    points_suggested: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(20), default="story")
    brief: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    priority: Mapped[str | None] = mapped_column(String(20), nullable=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quality: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ready: Mapped[bool] = mapped_column(Boolean, default=False)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    criteria: Mapped[list["CriterionRow"]] = relationship(
        back_populates="story", cascade="all, delete-orphan", order_by="CriterionRow.position"
    )
    __mapper_args__ = {"version_id_col": version}


class CriterionRow(Base):
    __tablename__ = "criteria"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    given: Mapped[str] = mapped_column(Text)
    when: Mapped[str] = mapped_column(Text)
    then: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    story: Mapped[StoryRow] = relationship(back_populates="criteria")


class StoryHistoryRow(Base):
    """Every change to a story: who, when, what (before/after)."""

    __tablename__ = "story_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ExportRecord(Base):
    """Where a story went: a file export or a remote tracker key/URL (a re-push updates it)."""

    __tablename__ = "export_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(32))
    remote_key: Mapped[str | None] = mapped_column(String(256))
    remote_url: Mapped[str | None] = mapped_column(String(1024))
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    __table_args__ = (UniqueConstraint("story_id", "target", name="uq_export_story_target"),)


class BacklogItemRow(Base):
    """A story that already exists in the team's tracker (imported), so needs it covers are not drafted twice."""

    __tablename__ = "backlog_items"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str | None] = mapped_column(String(1024))
    need_id: Mapped[str | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LLMCacheRow(Base):
    """LLM responses keyed by (prompt version, model, input hash): an unchanged re-run makes zero calls."""

    __tablename__ = "llm_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    prompt: Mapped[str] = mapped_column(String(128))
    prompt_version: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(256))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LLMRunRow(Base):
    """Token and cost accounting per command run."""

    __tablename__ = "llm_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    command: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(256))
    calls: Mapped[int] = mapped_column(Integer, default=0)
    cache_hits: Mapped[int] = mapped_column(Integer, default=0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkspaceSettingRow(Base):
    """Workspace-level choices the PO makes: segment weights, Definition of Ready, keep originals, price table."""

    __tablename__ = "workspace_settings"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


Index("ix_feedback_source", FeedbackRow.source_path, FeedbackRow.source_row)
