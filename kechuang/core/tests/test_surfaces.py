"""Every declared surface (see surfaces.py) for every persona: list page, detail and edit
pages, Excel export, API list and detail answer with the persona's permissions and scope."""

import io

import pytest
from openpyxl import load_workbook

from kechuang.conftest import PERSONAS, SHARED_WORLD
from kechuang.core.tests.surfaces import discover

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

SURFACES = discover()


def cases(having: str):
    return [
        pytest.param(surface, persona, id=f"{surface.name}-{persona}")
        for surface in SURFACES
        if getattr(surface, having) is not None
        for persona in PERSONAS
    ]


def table_body(content: bytes) -> str:
    page = content.decode()
    assert "<tbody" in page
    return page.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_the_apps_declare_their_surfaces():
    names = {surface.name for surface in SURFACES}
    assert {"registry.enterprise", "monitoring.poolentry", "monitoring.servicevisit"} <= names


@pytest.mark.parametrize(("surface", "persona"), cases("list_url"))
def test_list_page(surface, persona, world, login):
    rows = surface.rows(world)
    response = login(getattr(world, persona)).get(surface.list_url)
    if persona not in surface.viewers:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = table_body(response.content)
    shown = {key for key, row in rows.items() if surface.label(row) in body}
    assert shown == set(surface.sees[persona])


@pytest.mark.parametrize(("surface", "persona"), cases("list_url"))
def test_export(surface, persona, world, login):
    rows = surface.rows(world)
    response = login(getattr(world, persona)).get(surface.list_url, {"export": "xlsx"})
    if persona not in surface.viewers or persona not in surface.exporters:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    cells = {
        str(value)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    shown = {key for key, row in rows.items() if surface.label(row) in cells}
    assert shown == set(surface.sees[persona])


@pytest.mark.parametrize(("surface", "persona"), cases("detail_url"))
def test_detail_pages(surface, persona, world, login):
    client = login(getattr(world, persona))
    for key, row in surface.rows(world).items():
        expected = surface.expected(persona, key, surface.viewers)
        assert client.get(surface.detail_url(row)).status_code == expected, key


@pytest.mark.parametrize(("surface", "persona"), cases("edit_url"))
def test_edit_pages(surface, persona, world, login):
    client = login(getattr(world, persona))
    for key, row in surface.rows(world).items():
        expected = surface.expected(persona, key, surface.editors)
        assert client.get(surface.edit_url(row)).status_code == expected, key


@pytest.mark.parametrize(("surface", "persona"), cases("api_url"))
def test_api(surface, persona, world, login):
    rows = surface.rows(world)
    client = login(getattr(world, persona))
    response = client.get(surface.api_url, {"page_size": 500})
    if persona not in surface.viewers:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["results"]}
    assert {key for key, row in rows.items() if row.pk in listed} == set(surface.sees[persona])
    for key, row in rows.items():
        expected = surface.expected(persona, key, surface.viewers)
        assert client.get(f"{surface.api_url}{row.pk}/").status_code == expected, key
