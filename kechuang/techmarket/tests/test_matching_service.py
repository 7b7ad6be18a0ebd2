"""The platform's matchers follow the database: a published result is found at the next
search, a withdrawn one no longer; candidates come with their explanation; the funnel counts
each demand once, at the furthest stage its matches reached."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kechuang.techmarket import choices, funnel, matching, services
from kechuang.techmarket.models import MatchStep
from kechuang.techmarket.tests.factories import (
    ExpertProfileFactory,
    MatchFactory,
    TechDemandFactory,
    TechResultFactory,
)

pytestmark = pytest.mark.django_db
Status = choices.MatchStatus


def titles(suggestions):
    return [s.obj.title for s in suggestions]


def test_edits_reach_the_next_search_without_a_rebuild(world):
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    query = matching.demand_query(demand)
    assert matching.suggest(query, "result") == []
    result = TechResultFactory(institution=world.own_institution, title="套圈磨削烧伤在线检测")
    assert titles(matching.suggest(query, "result")) == ["套圈磨削烧伤在线检测"]
    services.withdraw_result(result, user=world.staff)
    assert matching.suggest(query, "result") == []
    result.title = "套圈磨削烧伤涡流检测"
    result.save()
    services.publish_result(result, user=world.staff)
    assert titles(matching.suggest(query, "result")) == ["套圈磨削烧伤涡流检测"]


def test_a_saved_index_is_loaded_and_caught_up(world):
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    TechResultFactory(institution=world.own_institution, title="磨削烧伤检测甲")
    matching.build("results")
    matching.forget()
    TechResultFactory(institution=world.other_institution, title="磨削烧伤检测乙")
    found = titles(matching.suggest(matching.demand_query(demand), "result"))
    assert sorted(found) == ["磨削烧伤检测乙", "磨削烧伤检测甲"]


def test_a_candidate_explains_itself(world):
    demand = TechDemandFactory(enterprise=world.own_enterprise, industry_id="3451")
    TechResultFactory(institution=world.own_institution)
    (best,) = matching.suggest(matching.demand_query(demand), "result")
    assert 0 < best.percent <= 100
    assert sum(p["contribution"] for p in best.parts) == pytest.approx(best.candidate.score)
    assert "磨削烧伤" in best.shared
    assert any(hit and "烧伤" in text for text, hit in best.query_pieces)
    assert any(hit and "烧伤" in text for text, hit in best.text_pieces)
    names = {p["name"] for p in best.parts}
    assert {"lexical", "ngram", "industry", "readiness", "proximity"} <= names
    snapshot = best.snapshot()
    assert snapshot["shared"] == best.shared and snapshot["signals"]


def test_experts_who_decline_matchmaking_are_not_offered(world):
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    expert = ExpertProfileFactory(person=world.own_person, keywords="磨削烧伤、在线检测")
    assert [s.obj for s in matching.suggest(matching.demand_query(demand), "expert")] == [expert]
    expert.accepts_matching = False
    expert.save()
    assert matching.suggest(matching.demand_query(demand), "expert") == []


def test_enterprises_likely_to_need_a_result(world):
    world.own_enterprise.products = "深沟球轴承、轴承套圈"
    world.own_enterprise.save()
    world.qixing_enterprise.industry_id = "3464"
    world.qixing_enterprise.products = "截止阀、储液器"
    world.qixing_enterprise.save()
    result = TechResultFactory(institution=world.own_institution)
    ranked = matching.suggest(matching.result_query(result), "enterprise")
    assert ranked[0].obj == world.own_enterprise


def _stage(match, stages, days):
    start = timezone.now() - datetime.timedelta(days=sum(days) + 1)
    at = start
    previous = ""
    for status, gap in zip(stages, days, strict=True):
        at = at + datetime.timedelta(days=gap)
        MatchStep.objects.create(match=match, from_status=previous, to_status=status, at=at)
        previous = status
    match.status = stages[-1]
    match.stage_since = at
    match.save()


def test_the_funnel_counts_each_demand_at_its_furthest_stage(world):
    posted = [TechDemandFactory(enterprise=world.own_enterprise, field="8.5") for _ in range(4)]
    TechDemandFactory(
        enterprise=world.own_enterprise, status=choices.DemandStatus.DRAFT, published_on=None
    )
    contracted = MatchFactory(demand=posted[0], contract_value=Decimal("300000"))
    _stage(
        contracted,
        [Status.PROPOSED, Status.CONTACTED, Status.NEGOTIATING, Status.CONTRACTED],
        [0, 2, 4, 6],
    )
    declined = MatchFactory(demand=posted[0])  # a second match of the same demand
    _stage(declined, [Status.PROPOSED, Status.CONTACTED, Status.DECLINED], [0, 3, 1])
    waiting = MatchFactory(demand=posted[1])
    _stage(waiting, [Status.PROPOSED], [0])
    report = funnel.build(world.staff)
    assert report.total.posted == 4
    assert report.total.reached == {
        Status.PROPOSED: 2,
        Status.CONTACTED: 1,
        Status.NEGOTIATING: 1,
        Status.CONTRACTED: 1,
    }
    assert report.contract_value == Decimal("300000")
    assert report.offer_declined == 0  # the declined match answered a demand
    proposed = next(row for row in report.stage_days if row["stage"] == "已推荐")
    assert proposed["count"] == 3
    contacted = next(row for row in report.stage_days if row["stage"] == "已联系")
    assert contacted["median"] == pytest.approx(2.5)  # 4 days, then 1
    by_field = {row.key: row for row in report.by_field}
    assert by_field["8.5"].posted == 4 and by_field["8.5"].value == Decimal("300000")
    waiting_ids = [item["demand"].pk for item in report.unanswered]
    assert waiting_ids[:3] and posted[0].pk not in waiting_ids
    assert {posted[1].pk, posted[2].pk, posted[3].pk} == set(waiting_ids)
    assert next(i for i in report.unanswered if i["demand"].pk == posted[1].pk)["proposed"]


def test_the_funnel_keeps_to_the_users_scope(world):
    TechDemandFactory(enterprise=world.qixing_enterprise, visibility=choices.Visibility.BUREAU)
    TechDemandFactory(enterprise=world.own_enterprise)
    assert funnel.build(world.staff).total.posted == 2
    assert funnel.build(world.town).total.posted == 1


def test_offers_are_results_offered_unasked_not_pairings_at_events(world):
    result = TechResultFactory(institution=world.own_institution)
    offer = MatchFactory(demand=None, enterprise=world.own_enterprise, result=result)
    _stage(offer, [Status.PROPOSED, Status.DECLINED], [0, 1])
    MatchFactory(
        demand=None,
        enterprise=world.qixing_enterprise,
        result=result,
        source=choices.MatchSource.EVENT,
    )
    MatchFactory(
        demand=None,
        enterprise=world.qixing_enterprise,
        kind=choices.CandidateKind.INSTITUTION,
        result=None,
        institution=world.own_institution,
    )
    report = funnel.build(world.staff)
    assert (report.offers, report.offer_contracts, report.offer_declined) == (1, 0, 1)


def test_a_town_funnel_counts_the_demands_of_its_own_enterprises(world, client):
    own = TechDemandFactory(enterprise=world.own_enterprise)
    other = TechDemandFactory(enterprise=world.qixing_enterprise)
    MatchFactory(demand=own)
    MatchFactory(demand=other)
    client.force_login(world.town)
    report = funnel.build(world.town)
    assert report.total.posted == 1
    assert report.total.reached[Status.PROPOSED] == 1
    assert [row.label for row in report.by_town] == ["南明街道"]
    assert funnel.build(world.staff).total.posted == 2
    page = client.get("/techmarket/").content.decode()
    assert "不含“仅科技局可见”的需求" in page
    page = client.get("/techmarket/").content.decode()
    assert "不含“仅科技局可见”的需求" in page


def test_a_party_funnel_counts_the_demands_it_takes_part_in(world):
    result = TechResultFactory(institution=world.own_institution)
    TechDemandFactory(enterprise=world.qixing_enterprise)
    answered = TechDemandFactory(enterprise=world.qixing_enterprise)
    MatchFactory(demand=answered, result=result)
    report = funnel.build(world.university)
    assert report.total.posted == 1 and report.total.reached[Status.PROPOSED] == 1


def test_readiness_reads_alike_from_the_demand_and_from_the_result(world, client):
    demand = TechDemandFactory(enterprise=world.own_enterprise, min_readiness=9)
    result = TechResultFactory(institution=world.own_institution, readiness=6)
    (forward,) = matching.suggest(matching.demand_query(demand), "result")
    backward = next(
        s for s in matching.suggest(matching.result_query(result), "demand") if s.obj == demand
    )
    assert forward.candidate.signal("readiness").value == pytest.approx(0.25)
    assert backward.candidate.signal("readiness").value == pytest.approx(0.25)
    client.force_login(world.staff)
    page = client.get(result.get_absolute_url()).content.decode()
    assert "成熟度 TRL 6 低于需求的 TRL 9" in page


def test_a_demand_without_chains_is_matched_on_its_enterprise_chains(world):
    from kechuang.registry.models import ChainLink
    from kechuang.registry.tests.factories import IndustryChainFactory

    bearings = IndustryChainFactory(name="轴承")
    ChainLink.objects.create(enterprise=world.own_enterprise, chain=bearings, position="midstream")
    demand = TechDemandFactory(enterprise=world.own_enterprise)
    result = TechResultFactory(institution=world.own_institution)
    result.chains.add(bearings)
    (found,) = matching.suggest(matching.demand_query(demand), "result")
    assert found.candidate.signal("chain").value == 1.0
    own = IndustryChainFactory(name="汽车零部件")
    demand.chains.add(own)  # a demand naming its chains is matched on those
    (found,) = matching.suggest(matching.demand_query(demand), "result")
    assert found.candidate.signal("chain") is None  # no candidate shares a chain: not in play
