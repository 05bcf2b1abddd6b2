"""One problem per need (assistant/needs/one_problem.py): the defect most members of a problem need state defines it;
a member far from those that state it leaves (to the need whose defect it states, else no need); pure praise never
stays; a need that mostly states its defect loses nothing. Real embedder, real spaCy parse."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs.clauses import focus
from assistant.needs.cluster import normalise
from assistant.needs.one_problem import hold_one_problem

SHOW = ["Notifications don't show up on my lock screen.", "My text message notifications are not showing at all.",
        "Since the update notifications won't show on the lockscreen.", "Whatsapp notifications do not show anymore.",
        "Gmail notifications don't show, please fix."]
OTHER = {"crop": "When I open a notification it gets cropped on the sides for a moment, the animation looks unfinished.",
         "clock": "Please make the transition between the clock and the notification faster, and let the clock move.",
         "crash": "It keeps crashing whenever I open the app, it crashes every time."}
CRASH = ["The app crashes every time I start it.", "Keeps crashing on my tablet.", "It crashes after the update.",
         "Crashes constantly when I scroll."]


@pytest.fixture(scope="module")
def inbox():  # type: ignore[no-untyped-def]
    embedder = LocalEmbedder()
    texts = {f"s{i}": t for i, t in enumerate(SHOW)} | OTHER | {f"c{i}": t for i, t in enumerate(CRASH)}
    texts["praise"] = "Love it, beautiful and simple notifications on the lock screen."
    ids = sorted(texts)
    vec = dict(zip(ids, normalise(embedder.embed([texts[i] for i in ids]))))
    return texts, vec, focus(texts, embedder.embed)


def test_members_stating_another_problem_leave(inbox) -> None:  # type: ignore[no-untyped-def]
    texts, vec, said = inbox
    assign: dict[str, str | None] = {i: "crashes" if i in ("c0", "c1", "c2", "c3") else "show" for i in texts}
    moved = hold_one_problem(assign, vec, texts, lambda i: i != "praise", lambda i: True, lambda i: i == "praise",
                             said, 3)
    assert moved["crop"] == ("show", None) and moved["clock"] == ("show", None)
    assert moved["crash"] == ("show", "crashes")  # it states the crash need's defect
    assert moved["praise"] == ("show", None)  # pure praise is no evidence of a problem
    assert all(assign[i] == "show" for i in texts if i.startswith("s"))
    assert all(assign[f"c{i}"] == "crashes" for i in range(len(CRASH)))


def test_a_need_that_mostly_states_its_problem_loses_nothing_and_none_drops_below_min_size(inbox) -> None:  # type: ignore[no-untyped-def]
    texts, vec, said = inbox
    assign: dict[str, str | None] = {i: "show" if i.startswith("s") or i == "crop" else None for i in texts}
    assert hold_one_problem(assign, vec, texts, lambda i: True, lambda i: True, lambda i: False, said, 3) == {}
    assign = {i: "show" if i in ("s0", "s1", "crop", "clock") else None for i in texts}
    moved = hold_one_problem(assign, vec, texts, lambda i: True, lambda i: True, lambda i: False, said, 3)
    assert len(moved) <= 1 and sum(1 for n in assign.values() if n == "show") >= 3
