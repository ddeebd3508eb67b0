"""NUL characters (\\x00): no text column can hold one (PostgreSQL refuses them outright),
so every way text comes in refuses them with a clear error, never a 500. Forms say so at
the field, keeping the rest of what was typed; files name the file and the line; a URL
holding one is a page that does not exist."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.frameworks import services as frameworks
from app.frameworks.files import FileFormatError, load_framework, parse_framework
from app.frameworks.models import Competency, Framework
from tests.frameworks.test_framework_files import DEFAULT, GOOD

NUL_MESSAGE = "invisible character (NUL)"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_profile_with_a_nul_is_refused_at_the_field_keeping_what_was_typed(
    client, make_user, login
):
    user = make_user(name="Grace")
    login(user)
    response = client.post(
        "/me",
        data={"name": "Grace\x00 W", "school": "Kibera Primary", "locale": "en", "timezone": "UTC"},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert NUL_MESSAGE in page
    assert 'value="Grace W"' in page and 'value="Kibera Primary"' in page
    db.session.refresh(user)
    assert user.name == "Grace" and not user.school


def test_a_framework_edit_with_a_nul_is_refused_at_the_field(client, make_user, login):
    login(make_user("admin"))
    framework = frameworks.import_framework(load_framework(DEFAULT)).framework
    competency = db.session.scalars(select(Competency)).first()
    response = client.post(
        f"/frameworks/{framework.id}/competencies/{competency.id}/edit",
        data={"title": "Observing", "description": "Watch\x00 closely"},
    )
    assert response.status_code == 422
    assert NUL_MESSAGE in text_of(response) and "Watch closely" in text_of(response)
    assert db.session.get(Competency, competency.id).title == competency.title


def test_signing_in_with_a_nul_is_a_field_error(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"identifier": user.email + "\x00", "password": "x"})
    assert response.status_code in (200, 422)
    assert NUL_MESSAGE in text_of(response)


@pytest.mark.parametrize(
    "url",
    [
        "/invitations/abc%00def",
        "/learn/some%00course/a-lesson",
        "/learn/course/a%00lesson",
    ],
)
def test_a_nul_in_a_url_is_not_found(client, make_user, login, url):
    login(make_user("leader"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("filename", "text", "line"),
    [
        ("raw.yaml", GOOD.replace("title: First", "title: Fi\x00rst"), 13),
        ("escaped.yaml", GOOD.replace("title: First", 'title: "Fi\\0rst"'), 13),
        ("unicode.yaml", GOOD.replace("name: Leading", 'name: "Lead\\u0000ing"'), 7),
        ("key.yaml", GOOD + '"sco\\x00pe": x\n', 16),
        (
            "rows.csv",
            "framework_code,framework_name,domain_code,domain_title,code,title\n"
            "KE,Kenya,D,Domain,D.1,First\nKE,Kenya,D,Domain,D.2,Sec\x00ond\n",
            3,
        ),
    ],
)
def test_a_framework_file_with_a_nul_is_a_problem_at_its_line(
    runner, tmp_path, filename, text, line
):
    path = tmp_path / filename
    path.write_text(text)
    with pytest.raises(FileFormatError) as exc:
        load_framework(path)
    ((problem,),) = [exc.value.problems]
    assert (problem.path, problem.line) == (str(path), line)
    assert "NUL character" in problem.message
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 1 and f"{path}:{line}: " in result.output
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 0


def test_an_uploaded_framework_with_a_nul_is_refused_and_changes_nothing(client, make_user, login):
    login(make_user("admin"))
    data = GOOD.replace("title: Second", "title: Sec\x00ond").encode()
    response = client.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(data), "nul.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "nul.yaml:15: " in text_of(response) and "NUL character" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 0


@pytest.mark.parametrize("character", ["\x00", "\x01"])
def test_yaml_read_from_text_names_the_line_of_a_control_character(character):
    with pytest.raises(FileFormatError) as exc:
        parse_framework(GOOD.replace("title: Second", f"title: Sec{character}ond"), "ctl.yaml")
    ((problem,),) = [exc.value.problems]
    assert problem.line == 15 and "remove it" in problem.message
