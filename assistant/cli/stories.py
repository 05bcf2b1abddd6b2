"""CLI for drafting and reviewing stories: draft, stories list/show/edit/approve/reject, health, asks."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.table import Table

from assistant.cli import common
from assistant.stories.brief import brief_line, display_text, points_label


def story_json(story: Any) -> dict[str, Any]:
    """The stable JSON shape of a story (CLI, UI and evals read it)."""
    data = story.model_dump(mode="json")
    data["text"] = story.text
    return data


def _actor(ctx: typer.Context) -> str:
    return common.options(ctx).settings().actor


def _table(stories: list[Any]) -> Table:
    table = Table(show_lines=False)
    for col in ("#", "id", "priority", "pts", "value", "ready", "status"):
        table.add_column(col, no_wrap=True)
    table.add_column("story", overflow="fold", ratio=1)
    for st in stories:
        errors = sum(1 for f in st.quality if f.severity == "error")
        table.add_row(*common.cells(st.value.inputs.get("rank", ""), st.id, st.priority or "", points_label(st),
                                    f"{st.value.score:g}", "yes" if st.ready else "no",
                                    st.status + (f" ({errors} lint errors)" if errors else ""), display_text(st)))
    return table


def register(app: typer.Typer) -> None:
    """Add draft, stories (list/show/edit/approve/reject), health and asks."""
    stories_app = typer.Typer(help="Review drafted stories: list, show, edit, approve, reject.", no_args_is_help=True)
    app.add_typer(stories_app, name="stories")

    @app.command("draft")
    def draft_cmd(
        ctx: typer.Context,
        need: Optional[list[str]] = typer.Option(None, "--need", help="Only this need id (repeatable)."),
        fmt: str = typer.Option("table", "--format", help="table | json"),
    ) -> None:
        """Draft user stories for needs (offline engine, or the LLM chosen with --llm); then lint and prioritize."""
        from assistant.stories import draft
        from assistant.value import prioritize

        from assistant.cli.hints import require_input

        ws = common.workspace(ctx)
        require_input(ws, "draft")  # says which command to run instead of printing an empty table
        with ws.transaction() as s:
            from assistant.repository import load_needs

            total = len(need) if need else len(load_needs(s))
        with common.llm_run(ctx, "draft") as provider, common.progress("drafting", total, quiet=fmt == "json") as advance:
            report = draft(ws, need_ids=need or None, provider=provider, progress=advance)
        ranked = {st.id: st for st in prioritize(ws)}
        stories = [ranked.get(st.id, st) for st in report.stories]
        if fmt == "json":
            common.print_json({"stories": [story_json(st) for st in stories], "created": report.created,
                               "updated": report.updated, "unchanged": report.unchanged,
                               "kept": [{"id": i, "why": w} for i, w in report.kept],
                               "covered": [{"need_id": n, "backlog_key": k} for n, k in report.covered],
                               "removed": report.removed, "no_ask": report.no_ask, "messages": report.messages})
            return
        say = common.console.print
        for msg in report.messages:
            say(common.text(msg, "yellow"))
        for need_id, key in report.covered:
            say(common.text(f"need {need_id}: already in backlog: {key} (not drafted)"))
        for need_id in report.no_ask:
            say(common.text(f"need {need_id}: praise only, no story drafted"))
        for st in stories:
            if st.kind == "to_write":
                say(common.text(f"need {st.need_id}: story to write {st.id} — no clean goal in the feedback; "
                                f"the brief is in `backlogsmith stories show {st.id}`"))
        for sid, why in report.kept:
            say(common.text(f"story {sid}: kept as is ({why}); re-draft does not overwrite the PO's work"))
        common.console.print(_table(sorted(stories, key=lambda st: st.value.inputs.get("rank", 10**6))))
        common.console.print(f"{len(report.created)} new, {len(report.updated)} re-drafted, {len(report.unchanged)} unchanged, "
                             f"{len(report.kept)} kept, {len(report.removed)} removed")

    @stories_app.command("list")
    def list_cmd(
        ctx: typer.Context,
        fmt: str = typer.Option("table", "--format", help="table | json"),
        status: Optional[str] = typer.Option(None, "--status", help="draft | approved | rejected | exported"),
    ) -> None:
        """List stories in priority order."""
        from assistant.repository import load_stories

        from assistant.cli.hints import missing_input

        ws = common.workspace(ctx)
        with ws.transaction() as s:
            stories = load_stories(s, status=status)
        if fmt == "json":
            common.print_json([story_json(st) for st in stories])
        else:
            common.console.print(_table(stories))
            hint = None if stories else missing_input(ws, "stories")
            if hint:
                common.console.print(common.text(hint, "yellow"))

    @stories_app.command("show")
    def show_cmd(ctx: typer.Context, story_id: str, fmt: str = typer.Option("table", "--format", help="table | json")) -> None:
        """One story with its criteria, evidence quotes, value inputs, lint findings and history."""
        from assistant.readiness import evaluate_ready
        from assistant.repository import get_story, load_items, story_history

        ws = common.workspace(ctx)
        with ws.transaction() as s:
            st = get_story(s, story_id)
            items = {i.id: i for i in load_items(s, st.evidence)}
            history = story_history(s, story_id)
        ready, missing = evaluate_ready(st, ws.get_setting("definition_of_ready"))
        if fmt == "json":
            common.print_json({**story_json(st), "unmet_ready_checks": missing, "history": history,
                               "evidence_quotes": {i: items[i].text for i in st.evidence if i in items}})
            return
        c = common.console
        line = common.line  # story fields, quotes, paths and actors are untrusted; only our labels are styled
        c.print(line((st.id, "bold"), f"  {st.status}  v{st.version}  {st.priority or ''}  {points_label(st) or '?'} pts  "
                     f"ready: {'yes' if ready else 'no'}"))
        c.print(common.text(st.text))
        if st.kind == "to_write" and st.brief:
            c.print(common.text(f"  Need brief: {st.brief.statement}\n  {brief_line(st)}\n  Write the goal with "
                                f"`backlogsmith stories edit {st.id} --goal ... --benefit ...`"))
        for n, cr in enumerate(st.acceptance_criteria, 1):
            c.print(line(f"  {n}. Given {cr.given}\n     When {cr.when}\n     Then {cr.then}  ",
                         (f"({', '.join(cr.evidence)})", "dim")))
        c.print("[bold]Evidence[/bold]")
        for i in st.evidence:
            if i in items:
                c.print(line(f"  {i}: \"{items[i].text}\"  ", (f"{items[i].source.path}:{items[i].source.row}", "dim")))
        if st.value.inputs.get("why"):
            c.print(line(("Why this rank", "bold"), f": {st.value.inputs['why']}"))
        for f in st.quality:
            c.print(line("  ", (f.severity, "red" if f.severity == "error" else "yellow"),
                         f" {f.criterion}: {f.message}" + (f" Fix: {f.fix}" if f.fix else "")))
        for m in missing:
            c.print(common.text(f"  not ready: {m}"))
        c.print("[bold]History[/bold]")
        for h in history:
            c.print(common.text(f"  {h['at']}  {h['actor']}  {h['action']}  {', '.join(sorted(h['changes']))}"))

    @stories_app.command("edit")
    def edit_cmd(
        ctx: typer.Context,
        story_id: str,
        role: Optional[str] = typer.Option(None, "--role"),
        goal: Optional[str] = typer.Option(None, "--goal", help="What they want to do, e.g. 'to export my expenses'."),
        benefit: Optional[str] = typer.Option(None, "--benefit"),
        points: Optional[int] = typer.Option(None, "--points"),
        criterion: Optional[int] = typer.Option(None, "--criterion", help="Criterion number to change (N+1 adds one)."),
        given: Optional[str] = typer.Option(None, "--given"),
        when: Optional[str] = typer.Option(None, "--when"),
        then: Optional[str] = typer.Option(None, "--then"),
        delete: bool = typer.Option(False, "--delete-criterion", help="Delete criterion --criterion N."),
        version: Optional[int] = typer.Option(None, "--version", help="The version you loaded (conflict check)."),
    ) -> None:
        """Edit a story; it is re-linted and re-checked against the Definition of Ready."""
        from assistant.stories import edit_story

        changes: dict[str, Any] = {"role": role, "goal": goal, "benefit": benefit, "points": points}
        if criterion is not None:
            changes["criterion"] = {"index": criterion, "given": given, "when": when, "then": then, "delete": delete}
        elif any(v is not None for v in (given, when, then)):
            raise typer.BadParameter("--given/--when/--then need --criterion N")
        changes = {k: v for k, v in changes.items() if v is not None}
        st = edit_story(common.workspace(ctx), story_id, changes, actor=_actor(ctx), expected_version=version)
        common.console.print(common.text(f"{st.id} v{st.version}: {st.text}  ready: {'yes' if st.ready else 'no'}"))
        for f in st.quality:
            common.console.print(common.text(f"  {f.severity} {f.criterion}: {f.message}"))

    @stories_app.command("approve")
    def approve_cmd(
        ctx: typer.Context,
        story_id: Optional[str] = typer.Argument(None),
        all_: bool = typer.Option(False, "--all", help="Approve every draft."),
        only_ready: bool = typer.Option(False, "--only-ready", help="With --all: only drafts that meet the DoR."),
    ) -> None:
        """Approve one story, or every draft with --all."""
        from assistant.stories import approve_all, approve_story

        ws = common.workspace(ctx)
        if all_:
            done = approve_all(ws, actor=_actor(ctx), only_ready=only_ready)
            common.console.print(f"approved {len(done)} stories")
        elif story_id:
            st = approve_story(ws, story_id, actor=_actor(ctx))
            common.console.print(common.text(f"approved {st.id}" + ("" if st.ready else " (not Ready: export will refuse it unless forced)")))
        else:
            raise typer.BadParameter("give a story id or --all")

    @stories_app.command("reject")
    def reject_cmd(ctx: typer.Context, story_id: str, reason: str = typer.Option(..., "--reason")) -> None:
        """Reject a story with a reason (kept in its history and in stakeholder decisions)."""
        from assistant.stories import reject_story

        st = reject_story(common.workspace(ctx), story_id, actor=_actor(ctx), reason=reason)
        common.console.print(common.text(f"rejected {st.id}: {reason}"))

    @app.command("health")
    def health_cmd(ctx: typer.Context, fmt: str = typer.Option("table", "--format", help="table | json")) -> None:
        """The backlog against DEEP: detailed appropriately, estimated, emergent, prioritized."""
        from assistant.readiness import backlog_health

        report = backlog_health(common.workspace(ctx))
        if fmt == "json":
            common.print_json(report.model_dump(mode="json"))
            return
        for check in report.checks:
            mark = ("ok", "green") if check.ok else ("attention", "yellow")
            common.console.print(common.line(mark, f"  {check.name}: {check.detail}"))

    @app.command("asks")
    def asks_cmd(ctx: typer.Context, fmt: str = typer.Option("table", "--format", help="table | json")) -> None:
        """A decision note per stakeholder ask: its need, accepted / merged / not now, and why."""
        from assistant.value import stakeholder_decisions

        decisions = stakeholder_decisions(common.workspace(ctx))
        if fmt == "json":
            common.print_json([d.model_dump(mode="json") for d in decisions])
            return
        table = Table()
        for col in ("ask", "from", "need", "decision", "why"):
            table.add_column(col, overflow="fold")
        for d in decisions:
            table.add_row(*common.cells(d.text, d.stakeholder or "", d.need_name or "", d.decision, d.why))
        common.console.print(table)
