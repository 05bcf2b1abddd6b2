"""The model checks need membership (LLM path, real provider layer over a scripted backend): members it judges not to
be evidence of their need leave it with its reason; too few left dissolves the need; a failing model changes nothing."""

from __future__ import annotations

import json

import assistant.llm.fake as fake
from assistant.llm.backend import ChatRequest
from assistant.llm.steps import MEMBERS_PER_CALL, llm_need_members
from assistant.models import FeedbackItem, SourceRef
from assistant.needs import build_needs
from assistant.needs.edit import need_report
from assistant.repository import load_items, load_needs
from assistant.triage import triage_items
from tests.needs.corpus import planted


def _rejecting(word: str, also: str = ""):  # type: ignore[no-untyped-def]
    """A model that sets aside every block containing `word` (and `also`), and answers everything else well."""
    def reply(request: ChatRequest) -> str:
        if request.schema_name != "NeedMembersOut":
            return fake.well_behaved(request)
        verdicts = [{"id": a, "belongs": not any(w and w in t.lower() for w in (word, also)),
                     "reason": "same need" if not any(w and w in t.lower() for w in (word, also)) else f"about {word}"}
                    for a, t in fake.blocks(request)]
        return json.dumps({"need": "the shared need", "verdicts": verdicts})
    return reply


def _placed(ws) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with ws.transaction() as s:
        return {it.text: it.need_id for it in load_items(s)}


def test_members_the_model_rejects_leave_with_its_reason(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=8)
    triage_items(workspace)
    offline = build_needs(workspace)
    okta = [t for t, nid in _placed(workspace).items() if "okta" in t.lower()]
    assert len(okta) >= 2 and all(_placed(workspace)[t] for t in okta)  # offline: in the SSO need
    sso = _placed(workspace)[okta[0]]
    provider = fake.fake_provider(_rejecting("okta"))
    needs = build_needs(workspace, recluster=True, provider=provider)
    placed = _placed(workspace)
    assert all(placed[t] is None for t in okta)  # in no need ...
    need = next(n for n in needs if n.id == sso)
    with workspace.transaction() as s:
        by_text = {it.text: it.id for it in load_items(s)}
    assert {by_text[t] for t in okta} <= set(need.loose)  # ... but listed beside the need, with the model's reason
    assert all(need.set_aside[by_text[t]] == "about okta" for t in okta)
    shown = need_report(workspace, sso)["loosely_related"]
    assert {q["id"] for q in shown if q.get("set_aside_by_model") == "about okta"} == {by_text[t] for t in okta}
    # every other item stays where the offline engine put it
    before = {i for n in offline for i in n.item_ids}
    assert {i for n in needs for i in n.item_ids} == before - {by_text[t] for t in okta}
    assert "NeedMembersOut" in {r.schema_name for r in fake.scripted(provider).requests}


def test_a_need_with_too_few_members_left_is_dissolved(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=4)
    triage_items(workspace)
    build_needs(workspace)
    dark = {t: nid for t, nid in _placed(workspace).items() if "dark" in t.lower() or "night" in t.lower()}
    assert len({nid for nid in dark.values() if nid}) == 1
    # the model rejects every review that says "mode" or "theme": none of the need is left, below the minimum size
    provider = fake.fake_provider(_rejecting("mode", also="theme"))
    build_needs(workspace, recluster=True, provider=provider)
    placed = _placed(workspace)
    assert all(placed[t] is None for t in dark)
    with workspace.transaction() as s:
        assert dark[next(iter(dark))] not in {n.id for n in load_needs(s)}


def test_a_failing_model_leaves_the_offline_membership_and_says_why(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=6)
    triage_items(workspace)
    offline = {n.id: sorted(n.item_ids) for n in build_needs(workspace, recluster=True)}

    def garbage(request: ChatRequest) -> str:
        return "I think they all belong." if request.schema_name == "NeedMembersOut" else fake.well_behaved(request)

    provider = fake.fake_provider(garbage, max_repairs=0)
    needs = build_needs(workspace, recluster=True, provider=provider)
    assert {n.id: sorted(n.item_ids) for n in needs} == offline
    assert "needs" in provider.ledger.fallbacks, provider.ledger.fallbacks


def test_the_first_request_fixes_the_need_later_requests_judge_against_it() -> None:
    items = [FeedbackItem(id=f"fb_{k:03d}", text=f"Bank sync fails for account {k}.", source=SourceRef(path="x.csv", row=k + 1))
             for k in range(MEMBERS_PER_CALL + 5)]
    asked: list[str] = []

    def reply(request: ChatRequest) -> str:
        user = next(m["content"] for m in request.messages if m["role"] == "user")
        asked.append(user.split("<need_hint>")[1].split("</need_hint>")[0])
        return json.dumps({"need": "bank sync fails", "verdicts": [
            {"id": a, "belongs": True, "reason": "same failure"} for a, _ in fake.blocks(request)]})

    check = llm_need_members(fake.fake_provider(reply), items)
    assert asked == ["", "bank sync fails"]  # the second batch is judged against the need the first one fixed
    assert check.need == "bank sync fails" and set(check.verdicts) == {it.id for it in items}


def _phrased(reject: str = "", group_with: tuple[str, str] = ("", ""), place: tuple[str, str] = ("", "")):  # type: ignore[no-untyped-def]
    """A model whose check names each need by its first block's first words (setting aside blocks with `reject`),
    joins the two needs whose quotes hold the words of `group_with`, and places blocks holding place[0] in the need
    whose phrase holds place[1]."""
    import re

    def reply(request: ChatRequest) -> str:
        user = next(m["content"] for m in request.messages if m["role"] == "user")
        if request.schema_name == "NeedMembersOut":
            found = fake.blocks(request)
            return json.dumps({"need": " ".join(found[0][1].lower().split()[:4]), "verdicts": [
                {"id": a, "belongs": not (reject and reject in t.lower()), "reason": "checked"} for a, t in found]})
        if request.schema_name == "NeedMergeOut":
            chunks = re.split(r"\n(?=N\d+: )", user.split("<needs>")[1])
            keys = [c.split(":")[0].strip() for c in chunks if any(w and w in c.lower() for w in group_with)]
            return json.dumps({"groups": [keys] if len(keys) == 2 else []})
        if request.schema_name == "NeedPlacementOut":
            needs = dict(re.findall(r"^(N\d+): (.*)$", user, re.M))
            target = next((k for k, v in needs.items() if place[1] and place[1] in v), "none")
            return json.dumps({"placements": [
                {"id": a, "need": target if place[0] and place[0] in t.lower() else "none", "reason": "placed"}
                for a, t in fake.blocks(request)]})
        return fake.well_behaved(request)
    return reply


def test_needs_the_model_calls_one_need_are_joined(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=6)
    triage_items(workspace)
    build_needs(workspace)
    before = _placed(workspace)
    csv_need = {nid for t, nid in before.items() if "csv" in t.lower()}
    dark_need = {nid for t, nid in before.items() if "dark mode" in t.lower()}
    assert len(csv_need) == len(dark_need) == 1 and csv_need != dark_need
    build_needs(workspace, recluster=True, provider=fake.fake_provider(_phrased(group_with=("csv", "dark"))))
    after = _placed(workspace)
    joined = {after[t] for t, nid in before.items() if nid in csv_need | dark_need}
    assert len(joined) == 1 and None not in joined  # one need now, holding both
    others = {t: nid for t, nid in before.items() if nid and nid not in csv_need | dark_need}
    assert all(after[t] == nid for t, nid in others.items())  # nothing else moved


def test_feedback_in_no_need_joins_the_need_the_model_places_it_in(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=8)
    triage_items(workspace)
    okta = [t for t in _placed(workspace) if "okta" in t.lower()]
    # set aside from the SSO need, then offered back to it: it never returns to the need it was set aside from
    build_needs(workspace, recluster=True,
                provider=fake.fake_provider(_phrased(reject="okta", place=("okta", "single sign-on"))))
    assert all(_placed(workspace)[t] is None for t in okta)
    # offered to another need, it joins it and is no longer listed as set aside
    build_needs(workspace, recluster=True, provider=fake.fake_provider(_phrased(reject="okta", place=("okta", "bank"))))
    placed = _placed(workspace)
    bank = {placed[t] for t in placed if t.lower().startswith("bank sync broke")}
    assert {placed[t] for t in okta} == bank and None not in bank
    with workspace.transaction() as s:
        needs = load_needs(s)
        ids = {it.text: it.id for it in load_items(s)}
    assert not any(ids[t] in n.set_aside for n in needs for t in okta)


def test_a_checked_need_is_named_by_the_need_the_model_judged_against(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=6)
    triage_items(workspace)
    needs = build_needs(workspace, recluster=True, provider=fake.fake_provider(_phrased()))
    with workspace.transaction() as s:
        texts = {it.id: it.text for it in load_items(s)}
    for need in needs:
        openings = {" ".join(texts[i].lower().split()[:4]) for i in need.item_ids}
        assert need.name[:1].isupper() and need.name.lower() in openings, (need.name, openings)


def test_the_model_places_stakeholder_asks_or_leaves_them_a_need_of_their_own(workspace) -> None:  # type: ignore[no-untyped-def]
    from tests.needs.corpus import THEMES, add_items

    planted(workspace, per_theme=6)
    served, unserved = add_items(workspace, [
        "Enterprise prospects need login through our identity provider before they sign",
        "Add a CSV export of audit logs for the compliance team",
    ], kind="stakeholder_ask", path="asks.csv")
    triage_items(workspace)
    build_needs(workspace)
    placed = _placed(workspace)
    csv_need = placed["Please let me export my expenses to CSV for my accountant."]
    assert placed["Add a CSV export of audit logs for the compliance team"] == csv_need  # offline: shared words

    def reply(request: ChatRequest) -> str:
        import re

        if request.schema_name != "NeedPlacementOut":
            return _phrased()(request)
        user = next(m["content"] for m in request.messages if m["role"] == "user")
        openings = {" ".join(t.lower().split()[:4]) for t in THEMES["sso"]}  # how _phrased names the SSO need
        sso = next(k for k, v in re.findall(r"^(N\d+): (.*)$", user, re.M) if v in openings)
        return json.dumps({"placements": [
            {"id": a, "need": sso if "identity provider" in t else "none", "reason": "read"}
            for a, t in fake.blocks(request)]})

    build_needs(workspace, recluster=True, provider=fake.fake_provider(reply))
    placed = _placed(workspace)
    sso_need = placed["Our IT team requires single sign-on with Okta before we roll this out."]
    # the model's reading: the identity-provider ask serves the SSO need though it shares none of its words ...
    assert placed["Enterprise prospects need login through our identity provider before they sign"] == sso_need
    # ... and the audit-log export serves no need: it opens its own instead of joining the expenses export
    own = placed["Add a CSV export of audit logs for the compliance team"]
    assert own is not None and own != placed["Please let me export my expenses to CSV for my accountant."]


def test_requests_list_a_bounded_shortlist_of_needs(workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Hundreds of needs cannot be listed in one request: placement lists the needs closest to its batch, joins go by
    neighbourhoods; every need is still offered for joining."""
    import re

    import assistant.needs.checked as checked

    monkeypatch.setattr(checked, "NEEDS_SHOWN", 2)
    planted(workspace, per_theme=6)
    triage_items(workspace)
    listed: dict[str, list[list[str]]] = {"NeedMergeOut": [], "NeedPlacementOut": []}
    inner = _phrased(reject="okta")

    def reply(request: ChatRequest) -> str:
        if request.schema_name in listed:
            user = next(m["content"] for m in request.messages if m["role"] == "user")
            listed[request.schema_name].append(re.findall(r"^(?:N\d+): (.*)$", user, re.M))
        return inner(request)

    needs = build_needs(workspace, recluster=True, provider=fake.fake_provider(reply))
    assert listed["NeedPlacementOut"] and all(len(x) <= 2 for x in listed["NeedPlacementOut"])
    assert listed["NeedMergeOut"] and all(len(x) <= 2 for x in listed["NeedMergeOut"])
    offered = [p for x in listed["NeedMergeOut"] for p in x]
    assert len(offered) == len(set(offered)) == len(needs) == 5  # each need offered once, in one neighbourhood
    # the okta reviews set aside from the SSO need were offered the need closest to them: the SSO need itself is
    # refused (they were just set aside from it), so they stay in no need
    assert all(nid is None for t, nid in _placed(workspace).items() if "okta" in t.lower())


def test_customers_an_asks_own_need_took_by_words_stay_only_when_the_model_agrees(workspace) -> None:  # type: ignore[no-untyped-def]
    from tests.needs.corpus import add_items

    planted(workspace, per_theme=6)
    add_items(workspace, ["Store downloaded files in the app's private storage so downloads are not traceable"],
              kind="stakeholder_ask", path="asks.csv")
    customer = "Please store downloaded files in a public folder, I can never find my downloads in the app storage"
    add_items(workspace, [customer], path="more.csv")
    triage_items(workspace)
    build_needs(workspace)
    ask_text = "Store downloaded files in the app's private storage so downloads are not traceable"
    offline = _placed(workspace)
    assert offline[customer] is not None and offline[customer] == offline[ask_text]  # taken along by shared words

    def reply(request: ChatRequest) -> str:
        if request.schema_name == "NeedPlacementOut":  # every ask and item: no need serves it
            return json.dumps({"placements": [{"id": a, "need": "none", "reason": "asks the opposite"}
                                              for a, _ in fake.blocks(request)]})
        return _phrased()(request)

    provider = fake.fake_provider(reply)
    build_needs(workspace, recluster=True, provider=provider)
    placed = _placed(workspace)
    assert placed[ask_text] is not None and placed[customer] is None  # the ask's own need, without the customer
    offered = [fake.blocks(r) for r in fake.scripted(provider).requests if r.schema_name == "NeedPlacementOut"]
    assert any(len(b) == 1 and "public folder" in b[0][1] for b in offered)  # offered on its own, to the ask's need
