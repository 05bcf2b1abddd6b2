"""Question- and request-style asks (support inboxes rarely end a question with '?'), no reason read out of a
question, and near-duplicate stories folded into one: the real parser and the real local embedding model."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.models import FeedbackItem, Provenance, SourceRef, Story
from assistant.stories.dedupe import merge_near_duplicates
from assistant.stories.draft import analyse
from assistant.stories.goal import goal_for
from assistant.stories.reasons import stated_reason
from assistant.verify import CachedEmbed
from assistant.verify.terms import terms


def _ask(text: str):
    item = FeedbackItem(id="fb_1", text=text, source=SourceRef(path="t.csv", row=1))
    return analyse([item])[0]["fb_1"]


@pytest.mark.parametrize(("text", "goal"), [
    ("how do I freeze my card", "to freeze my card"),
    ("can you tell me how to freeze my account", "to freeze my account"),
    ("what's my credit score", "to see my credit score"),
    ("tell me my routing number", "to see my routing number"),
    ("i want to know my credit score", "to see my credit score"),
    ("I want to pay on my gas bill", "to pay on my gas bill"),
    # a need named by a thing of the writer's own asks to be told it, in the writers' own sense: see, not "use"
    ("i need my routing number", "to see my routing number"),
    ("i need x's routing number", "to see x's routing number"),
    ("I need a dark mode for night reading", "to use a dark mode for night reading"),  # a thing not had yet
])
def test_questions_and_requests_to_be_told_read_as_the_need(text: str, goal: str) -> None:
    ask = _ask(text)
    assert ask is not None and goal_for(ask) == goal


@pytest.mark.parametrize("text", ["what is the problem", "how many points do i have", "how do I not get charged"])
def test_a_question_without_a_clear_object_or_action_gives_no_goal(text: str) -> None:
    ask = _ask(text)
    assert ask is None or "see" not in ask.phrase.split()[:1] or ask.obj


def test_a_question_gives_no_reason() -> None:
    assert stated_reason("so i get charged if i use my card in france") == ""
    assert stated_reason("I need dark mode so that I can read at night") == "I can read at night"


def test_file_extensions_and_possessives_are_named_facts() -> None:
    assert "cbr" in terms("It can't read .cbr's anymore").named
    assert "cbr" in terms("Does not open .cbr files").named


def _story(sid: str, goal: str, evidence: list[str]) -> Story:
    return Story(id=sid, need_id="nd_1", role="customer", goal=goal, benefit="", evidence=evidence,
                 provenance=Provenance(engine="offline"))


def test_near_duplicate_stories_fold_into_the_larger_one() -> None:
    model = LocalEmbedder()
    texts = {
        "a1": "how do i move money from one account to another", "a2": "move money from checking to savings",
        "a3": "i need to move money between my accounts", "b1": "transfer seventy dollars between my accounts",
        "b2": "please transfer 100 dollars from checking to savings",
        "c1": "how do i report a lost card", "c2": "i lost my card and need to report it",
    }
    vectors = dict(zip(texts, model.embed(list(texts.values()))))
    stories = [_story("st_a", "to move money from one account to another", ["a1", "a2", "a3"]),
               _story("st_b", "to transfer seventy dollars between my accounts", ["b1", "b2"]),
               _story("st_c", "to report a lost card", ["c1", "c2"])]
    out, folded = merge_near_duplicates(stories, CachedEmbed(model), vectors)
    assert folded == [("st_b", "st_a")]
    assert [st.id for st in out] == ["st_a", "st_c"]
    assert out[0].evidence == ["a1", "a2", "a3", "b1", "b2"]


def test_a_bare_thing_takes_the_verb_the_other_writers_use_for_it() -> None:
    texts = ["i need a routing number", "what is my routing number",
             "Thousands of calls a month just ask for the balance. Put the balance on the login screen.",
             "what is my balance", "Dark mode please", "I need a dark mode"]
    items = [FeedbackItem(id=f"f{n}", text=t, source=SourceRef(path="t.csv", row=1)) for n, t in enumerate(texts)]
    asks, _ = analyse(items)
    assert [goal_for(asks[f"f{n}"]) for n in range(6)] == [
        "to see a routing number", "to see my routing number", "to see the balance", "to see my balance",
        "to use dark mode", "to use a dark mode"]  # nobody asks to see the dark mode: "use" stays


def test_a_need_for_a_thing_and_a_question_about_it_fold_into_one_story() -> None:
    model = LocalEmbedder()
    texts = {"n1": "i need my routing number", "n2": "i need my routing number for my checking account",
             "q1": "what is my routing number", "q2": "tell me my routing number",
             "q3": "what's my bank routing number"}
    items = [FeedbackItem(id=k, text=t, source=SourceRef(path="t.csv", row=1)) for k, t in texts.items()]
    asks, _ = analyse(items)
    needed, asked = goal_for(asks["n1"]), goal_for(asks["q1"])
    assert needed == asked == "to see my routing number"
    vectors = dict(zip(texts, model.embed(list(texts.values()))))
    out, folded = merge_near_duplicates([_story("st_q", asked, ["q1", "q2", "q3"]),
                                         _story("st_n", needed, ["n1", "n2"])], CachedEmbed(model), vectors)
    assert folded == [("st_n", "st_q")] and [st.id for st in out] == ["st_q"]


def test_a_place_where_the_action_failed_gives_a_criterion_citing_only_those_items() -> None:
    from assistant.stories.criteria import Member, write_criteria

    texts = ["i was in thailand and i could not use my card to buy snacks", "i can't use my card in Thailand",
             "is there a fee to use my card in france", "i could not use my card at night"]
    items = [FeedbackItem(id=f"f{i}", text=t, source=SourceRef(path="t.csv", row=i + 1)) for i, t in enumerate(texts)]
    asks, facts = analyse(items)
    assert goal_for(asks["f0"]) == "to use my card to buy snacks"  # the inner "to" is kept
    crits = write_criteria(asks["f0"], [Member(i, asks[i.id], facts[i.id]) for i in items])
    assert [(c.given, c.when, c.then, c.evidence) for c in crits] == [
        ("I am in Thailand", "I try to use my card", "I can use my card", ["f0", "f1"])]  # a question states no outcome
