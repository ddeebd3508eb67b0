"""Admins browse and edit frameworks; everyone else gets a 403."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.forms import new_form_key
from app.frameworks import services
from app.frameworks.files import load_framework
from app.frameworks.models import Competency

DEFAULT = (
    Path(__file__).resolve().parents[2] / "courses" / "frameworks" / "school-leadership-core.yaml"
)
HX = {"HX-Request": "true"}


@pytest.fixture
def framework(app):
    return services.import_framework(load_framework(DEFAULT)).framework


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin")
    login(user)
    return user


def _competency(code):
    return db.session.scalar(select(Competency).where(Competency.code == code))


def test_list_and_show_full_page_and_fragment(client, admin, framework):
    for url in ("/frameworks/", f"/frameworks/{framework.id}"):
        page = client.get(url).get_data(as_text=True)
        assert page.startswith("<!doctype html>") and "School Leadership Core" in page
        fragment = client.get(url, headers=HX).get_data(as_text=True)
        assert "<html" not in fragment and "School Leadership Core" in fragment
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert f'id="competency-{_competency("LL.2").id}"' in page and "4 · Leading" in page


@pytest.mark.parametrize("role", ["leader", "coach", "author"])
def test_other_roles_get_403(client, make_user, login, framework, role):
    login(make_user(role))
    assert client.get("/frameworks/").status_code == 403
    competency = _competency("LL.2")
    url = f"/frameworks/{framework.id}/competencies/{competency.id}/edit"
    assert client.post(url, data={"title": "Hacked"}).status_code == 403
    assert _competency("LL.2").title == "Observing and improving teaching"


def test_edit_competency_level_domain_and_framework(client, admin, framework):
    competency = _competency("LL.2")
    url = f"/frameworks/{framework.id}/competencies/{competency.id}/edit"
    assert 'value="Observing and improving teaching"' in client.get(url).get_data(as_text=True)
    response = client.post(
        url, data={"title": "Observing teaching", "description": "Often.", "retired": "y"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"#competency-{competency.id}"
    )
    db.session.expire_all()
    assert (competency.title, competency.description, competency.retired) == (
        "Observing teaching",
        "Often.",
        True,
    )

    invalid = client.post(url, data={"title": ""})
    assert invalid.status_code == 422 and 'class="field invalid"' in invalid.get_data(as_text=True)

    level = framework.levels[0]
    client.post(
        f"/frameworks/{framework.id}/levels/{level.id}/edit",
        data={"name": "Starting", "descriptor": "New."},
    )
    domain = framework.domains[0]
    client.post(
        f"/frameworks/{framework.id}/domains/{domain.id}/edit",
        data={"title": "Learning", "description": ""},
    )
    client.post(
        f"/frameworks/{framework.id}/edit",
        data={"name": "Core", "scope": "Kenya", "version": "2", "language": "sw"},
    )
    db.session.expire_all()
    assert (level.name, domain.title, framework.name, framework.language) == (
        "Starting",
        "Learning",
        "Core",
        "sw",
    )


def test_a_language_code_too_long_to_keep_is_a_field_error(client, admin, framework):
    long_code = "en-" + "-".join(["abcdefgh"] * 3)  # well formed, but longer than the column
    response = client.post(
        f"/frameworks/{framework.id}/edit", data={"name": "Core", "language": long_code}
    )
    assert response.status_code == 422
    assert "Use a language code such as en, fr or sw." in response.get_data(as_text=True)
    assert f'value="{long_code}"' in response.get_data(as_text=True)  # what was typed stays
    db.session.expire_all()
    assert framework.language == "en"


def test_add_competency_and_refuse_a_taken_code(client, admin, framework):
    domain = framework.domains[0]
    url = f"/frameworks/{framework.id}/domains/{domain.id}/competencies/new"
    taken = client.post(url, data={"code": "LL.1", "title": "Again", "key": new_form_key()})
    assert "already has a competency with this code" in taken.get_data(as_text=True)
    response = client.post(
        url, data={"code": "LL.5", "title": "Literacy first", "key": new_form_key()}
    )
    assert response.status_code == 303
    assert _competency("LL.5").domain_id == domain.id


def test_children_of_another_framework_are_404(client, admin, framework, tmp_path):
    other = tmp_path / "k.csv"
    other.write_text(
        "framework_code,framework_name,domain_code,domain_title,code,title\nKE,K,IL,I,IL.1,C\n"
    )
    kenya = services.import_framework(load_framework(other)).framework
    competency = _competency("LL.2")
    assert (
        client.get(f"/frameworks/{kenya.id}/competencies/{competency.id}/edit").status_code == 404
    )
    assert client.get("/frameworks/999").status_code == 404
