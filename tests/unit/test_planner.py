"""The round planner: determinism, no repeats, avoid, round mix, focus and errors."""

from __future__ import annotations

import pytest

from tests.helpers.banks import loaded, q
from coach.banks import PlanError, load_banks, plan_round
from coach.domain.models import ROUNDS

ROLES = ["general", "software-engineer", "product-manager", "data-analyst", "customer-support", "sales"]


@pytest.fixture(scope="module")
def banks():
    return load_banks()


def ids(plan) -> list[str]:
    return [question.id for question in plan.questions]


# ----------------------------------------------------------- determinism


def test_same_seed_same_plan(banks):
    for round_ in ROUNDS:
        a = plan_round(banks, round_, "software-engineer", 6, seed=42)
        b = plan_round(banks, round_, "software-engineer", 6, seed=42)
        assert ids(a) == ids(b)
        assert a.seed == 42 and a.round == round_ and a.role == "software-engineer"


def test_different_seeds_vary(banks):
    plans = {tuple(ids(plan_round(banks, "second", "general", 5, seed=s))) for s in range(10)}
    assert len(plans) > 3


def test_set_order_of_avoid_does_not_matter(banks):
    avoid = {"gen.failure", "gen.learn-fast", "gen.data-decision"}
    a = plan_round(banks, "second", "general", 5, seed=3, avoid=avoid)
    b = plan_round(banks, "second", "general", 5, seed=3, avoid=set(sorted(avoid, reverse=True)))
    assert ids(a) == ids(b)


# ------------------------------------------------------------ no repeats


@pytest.mark.parametrize("role", ROLES)
def test_never_repeats_within_a_round(banks, role):
    for round_ in ROUNDS:
        for seed in range(4):
            plan = plan_round(banks, round_, role, 12, seed=seed)
            assert len(set(ids(plan))) == len(ids(plan)) == 12


def test_pool_smaller_than_n_gives_the_whole_pool():
    pool = loaded(q("t.a"), q("t.b"), q("t.c"))
    assert sorted(ids(plan_round(pool, "second", "general", 5, seed=1))) == ["t.a", "t.b", "t.c"]


# ----------------------------------------------------------------- avoid


def test_avoid_is_respected_while_fresh_questions_remain():
    pool = loaded(*(q(f"t.{c}") for c in "abcdefgh"))
    avoid = {"t.a", "t.b", "t.c", "t.d", "t.e"}
    for seed in range(10):
        assert sorted(ids(plan_round(pool, "second", "general", 3, avoid=avoid, seed=seed))) == ["t.f", "t.g", "t.h"]


def test_avoided_questions_come_back_when_the_pool_runs_out():
    pool = loaded(*(q(f"t.{c}") for c in "abcdef"))
    plan = plan_round(pool, "second", "general", 5, avoid={"t.a", "t.b", "t.c"}, seed=1)
    chosen = ids(plan)
    assert len(chosen) == 5
    assert {"t.d", "t.e", "t.f"} <= set(chosen)


def test_least_recently_used_comes_back_first():
    pool = loaded(*(q(f"t.{c}") for c in "abcdef"))
    recent_first = ["t.a", "t.b", "t.c", "t.d", "t.e", "t.f"]
    for seed in range(10):
        plan = plan_round(pool, "second", "general", 2, avoid=recent_first, seed=seed)
        assert sorted(ids(plan)) == ["t.e", "t.f"]


def test_avoid_on_shipped_banks(banks):
    first = plan_round(banks, "second", "software-engineer", 5, seed=7)
    second = plan_round(banks, "second", "software-engineer", 5, seed=7, avoid=set(ids(first)))
    assert not set(ids(first)) & set(ids(second))


# --------------------------------------------------------------- round mix


@pytest.mark.parametrize("role", ROLES)
def test_phone_round_shape(banks, role):
    for seed in range(6):
        plan = plan_round(banks, "phone", role, 5, seed=seed).questions
        assert plan[0].competencies[0] == "background"
        assert any("motivation" in x.competencies for x in plan[1:3])
        assert "logistics" in plan[-1].competencies
        assert sum("logistics" in x.competencies for x in plan) == 1
        assert all(x.type != "closing" for x in plan)
        if role != "general":
            assert sum(role in x.roles for x in plan) >= 2


def test_phone_round_of_one_is_an_opener(banks):
    plan = plan_round(banks, "phone", "sales", 1, seed=0)
    assert plan.questions[0].competencies[0] == "background"


@pytest.mark.parametrize("role", ROLES)
def test_second_round_is_behavioral_with_distinct_competencies(banks, role):
    for seed in range(6):
        plan = plan_round(banks, "second", role, 5, seed=seed).questions
        assert all(x.type == "behavioral" for x in plan)
        mains = [x.competencies[0] for x in plan]
        assert len(set(mains)) == len(mains), mains


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("n", [1, 2, 5, 8, 12])
def test_final_round_always_ends_with_exactly_one_closing(banks, role, n):
    for seed in range(3):
        plan = plan_round(banks, "final", role, n, seed=seed).questions
        assert plan[-1].type == "closing"
        assert all(x.type != "closing" for x in plan[:-1])
        if n >= 3:
            assert any(x.type == "situational" for x in plan)
            assert any(x.type == "motivational" for x in plan)


def test_role_questions_preferred_and_general_fills_in(banks):
    for seed in range(6):
        plan = plan_round(banks, "second", "data-analyst", 5, seed=seed).questions
        assert sum("data-analyst" in x.roles for x in plan) >= 4
    role_ids = {x.id for x in banks.questions().values() if "data-analyst" in x.roles}
    plan = plan_round(banks, "second", "data-analyst", 5, seed=1, avoid=role_ids).questions
    assert all("any" in x.roles for x in plan)


def test_general_role_uses_only_general_questions(banks):
    for round_ in ROUNDS:
        plan = plan_round(banks, round_, "general", 8, seed=2).questions
        assert all(x.roles == ["any"] for x in plan)


# ------------------------------------------------------------------- focus


def test_focus_no_questions_ends_any_round_with_closing(banks):
    for round_ in ("phone", "second"):
        plan = plan_round(banks, round_, "general", 4, seed=1, focus_kind="no-questions").questions
        assert plan[-1].type == "closing"
        assert all(x.type != "closing" for x in plan[:-1])
    phone = plan_round(banks, "phone", "general", 5, seed=1, focus_kind="no-questions").questions
    assert "logistics" in phone[-2].competencies  # logistics kept, just before the close
    plain = plan_round(banks, "second", "general", 4, seed=1).questions
    assert all(x.type != "closing" for x in plain)


def test_focus_ownership_picks_ownership_questions():
    pool = loaded(
        q("t.a", comps=["conflict", "ownership"]),
        q("t.b", comps=["learning", "ownership"]),
        *(q(f"t.{c}") for c in "cdefgh"),
    )
    for seed in range(10):
        plan = plan_round(pool, "second", "general", 2, seed=seed, focus_kind="ownership")
        assert sorted(ids(plan)) == ["t.a", "t.b"]


def test_focus_story_kinds_prefer_behavioral_questions():
    pool = loaded(
        q("t.s1", type="situational", rounds=["final"]),
        q("t.s2", type="situational", rounds=["final"]),
        q("t.m1", type="motivational", rounds=["final"]),
        q("t.b1", type="behavioral", rounds=["phone"]),
        q("t.b2", type="behavioral", rounds=["phone"]),
        q("t.m2", type="motivational", rounds=["phone"], comps=["motivation"]),
        q("t.m3", type="motivational", rounds=["phone"], comps=["motivation"]),
        q("t.o", type="motivational", rounds=["phone"], comps=["background"]),
    )
    for seed in range(10):
        plan = plan_round(pool, "phone", "general", 3, seed=seed, focus_kind="no-result").questions
        assert plan[0].id == "t.o"
        assert sum(x.type == "behavioral" for x in plan) >= 1


def test_focus_no_job_link_prefers_role_fit_questions():
    pool = loaded(
        q("t.fit", comps=["delivery", "role-fit"]),
        *(q(f"t.{c}") for c in "abcdefgh"),
    )
    for seed in range(10):
        assert "t.fit" in ids(plan_round(pool, "second", "general", 2, seed=seed, focus_kind="no-job-link"))


def test_job_text_nudges_towards_matching_competencies():
    pool = loaded(q("t.sql", comps=["sql"]), *(q(f"t.{c}") for c in "abcdefgh"))
    for seed in range(10):
        plan = plan_round(pool, "second", "general", 2, seed=seed, job="Strong SQL and dashboards")
        assert "t.sql" in ids(plan)
        assert plan.job == "Strong SQL and dashboards"


# ------------------------------------------------------------------ errors


def test_unknown_round(banks):
    with pytest.raises(PlanError) as err:
        plan_round(banks, "third", "general", 5)
    assert str(err.value) == "unknown round 'third': choose one of phone, second, final"


def test_unknown_role_lists_known_roles(banks):
    with pytest.raises(PlanError) as err:
        plan_round(banks, "phone", "astronaut", 5)
    message = str(err.value)
    assert message.startswith("unknown role 'astronaut': choose one of general, ")
    assert all(role in message for role in ROLES)
    assert "\n" not in message


@pytest.mark.parametrize("n", [0, 13, -1, True])
def test_n_out_of_range(banks, n):
    with pytest.raises(PlanError, match="between 1 and 12"):
        plan_round(banks, "phone", "general", n)


def test_unknown_focus_kind(banks):
    with pytest.raises(PlanError, match="unknown focus kind 'rambling': choose one of no-example"):
        plan_round(banks, "second", "general", 3, focus_kind="rambling")


def test_role_with_no_questions_in_a_round():
    pool = loaded(q("t.a", rounds=["second"], roles=["pilot"]))
    with pytest.raises(PlanError, match="no questions for role 'pilot' in the phone round"):
        plan_round(pool, "phone", "pilot", 3)


def test_plan_error_is_a_value_error():
    assert issubclass(PlanError, ValueError)
