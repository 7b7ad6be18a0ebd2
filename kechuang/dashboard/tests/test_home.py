"""The home page: the registry at a glance within each persona's scope, member bodies sent to
their own page."""

import datetime

import pytest
from django.utils import timezone

from kechuang.conftest import SHARED_WORLD
from kechuang.registry.tests.factories import QualificationFactory, ScaleRecordFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


@pytest.fixture
def county(world):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=60)
    # An HNTE certificate running out soon in 南明, a valid one in 七星, a revoked one.
    QualificationFactory(
        enterprise=world.own_enterprise,
        certificate_no="GR202233000001",
        issued_on=soon - datetime.timedelta(days=3 * 365),
        valid_until=soon,
    )
    QualificationFactory(enterprise=world.qixing_enterprise, issued_on=today.replace(day=1))
    QualificationFactory(
        enterprise=world.nanming_enterprise,
        issued_on=datetime.date(2023, 1, 1),
        revoked_on=today - datetime.timedelta(days=1),
    )
    ScaleRecordFactory(enterprise=world.own_enterprise, year=2024, is_above_scale=True)
    ScaleRecordFactory(enterprise=world.qixing_enterprise, year=2024, is_above_scale=False)
    return world


def _context(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.context


@pytest.mark.parametrize(
    "persona, enterprises, hnte, above, expiring",
    [
        ("staff", 3, 2, 1, 1),
        ("leader", 3, 2, 1, 1),
        ("town", 2, 1, 1, 1),
        ("other_town", 1, 1, 0, 0),
    ],
)
def test_figures_count_what_each_persona_may_see(
    county, login, persona, enterprises, hnte, above, expiring
):
    context = _context(login(getattr(county, persona)))
    assert context["enterprise_count"] == enterprises
    assert context["hnte_count"] == hnte  # the revoked certificate is not counted
    assert (context["latest_year"], context["above_scale_count"]) == (
        2024 if persona != "other_town" else 2024,
        above,
    )
    assert context["expiring_count"] == expiring


def test_certificates_running_out_are_listed_with_their_enterprise(county, login):
    page = login(county.staff).get("/").content.decode()
    assert "GR202233000001" in page
    assert county.own_enterprise.name in page
    assert 'data-testid="enterprise-count">3<' in page


def test_member_bodies_land_on_their_own_page(county, login):
    response = login(county.enterprise).get("/")
    assert response.status_code == 302
    assert response["Location"] == county.own_enterprise.get_absolute_url()
    response = login(county.university).get("/")
    assert response["Location"] == county.own_institution.get_absolute_url()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona, shown", [("staff", True), ("town", False)])
def test_town_chart_only_with_more_than_one_town(county, login, persona, shown):
    """A town officer's scope is one town: a chart of one bar says nothing."""
    page = login(getattr(county, persona)).get("/").content.decode()
    assert ('id="town-chart"' in page) is shown
    assert ('id="town-data"' in page) is shown


def test_qualification_legend_is_page_text(county, login):
    """The ring's legend, with the counts, is text beside the chart (read aloud, wraps at
    any width) rather than drawn on the canvas; a ring of one kind is not drawn."""
    client = login(county.staff)
    legend = {item["name"]: item["value"] for item in _context(client)["qualification_items"]}
    assert legend["高新技术企业"] == 2 and legend["科技型中小企业"] == 0
    assert 'id="qualification-chart"' not in client.get("/").content.decode()
    QualificationFactory(enterprise=county.own_enterprise, kind="tech_sme")
    page = client.get("/").content.decode()
    assert 'id="qualification-chart" class="chart chart-ring" role="img"' in page
    assert 'data-testid="qualification-legend"' in page
