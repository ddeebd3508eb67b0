"""Admins import and export framework files in the web app: the same reading and the same
import as `flask frameworks import`, a 303 to the framework on success, and the file's
problems, with their lines, on a 422 that changes nothing."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.frameworks import services
from app.frameworks.files import load_framework, parse_framework_csv, parse_framework_yaml
from app.frameworks.forms import MAX_IMPORT_BYTES
from app.frameworks.models import Competency, Domain, Framework, FrameworkLevel
from tests.conftest import PASSWORD
from tests.frameworks.conftest import alias_bomb, edited_default

DEFAULT = (
    Path(__file__).resolve().parents[2] / "courses" / "frameworks" / "school-leadership-core.yaml"
)
KENYA_CSV = (
    "framework_code,framework_name,scope,domain_code,domain_title,code,title\n"
    "KE,Heads of institutions,Kenya,IL,Instructional leadership,IL.1,Curriculum\n"
    ",,,IL,,IL.2,Supervision\n"
)


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin")
    login(user)
    return user


def upload(client, filename: str, data: bytes | str):
    if isinstance(data, str):
        data = data.encode()
    return client.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def competency_ids() -> dict[str, int]:
    return {c.code: c.id for c in db.session.scalars(select(Competency))}


def test_list_page_offers_a_plain_multipart_form(client, admin):
    page = client.get("/frameworks/").get_data(as_text=True)
    form = re.search(r"<form [^>]*>", page[page.index('id="import"') :]).group(0)
    assert 'action="/frameworks/import#import"' in form
    assert 'enctype="multipart/form-data"' in form and 'method="post"' in form
    # A file upload is a whole-page round trip, with JavaScript or without.
    assert 'hx-boost="false"' in form
    assert 'type="file"' in page and 'accept=".yaml,.yml,.csv"' in page


def test_admin_imports_a_yaml_file(client, admin):
    response = upload(client, "school-leadership-core.yaml", DEFAULT.read_bytes())
    framework = db.session.scalar(select(Framework))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/frameworks/{framework.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Framework School Leadership Core (SLC) created. Competencies added: 18." in page
    assert (framework.code, framework.name, framework.version) == (
        "SLC",
        "School Leadership Core",
        "1.0",
    )
    assert (count(Framework), count(Domain), count(Competency), count(FrameworkLevel)) == (
        1,
        5,
        18,
        4,
    )
    assert services.framework_to_spec(framework) == load_framework(DEFAULT)


def test_admin_imports_a_csv_file(client, admin):
    response = upload(client, "kenya.csv", KENYA_CSV)
    assert response.status_code == 303
    framework = services.find_framework("KE")
    assert response.headers["Location"] == f"/frameworks/{framework.id}"
    assert "Competencies added: 2." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert (framework.name, framework.scope) == ("Heads of institutions", "Kenya")
    assert sorted(competency_ids()) == ["IL.1", "IL.2"]
    assert [level.number for level in framework.levels] == [1, 2, 3, 4]  # a CSV gets the usual four


def test_reimport_updates_in_place_and_keeps_competency_ids(client, admin):
    upload(client, "slc.yaml", DEFAULT.read_bytes())
    ids = competency_ids()
    response = upload(client, "slc.yaml", edited_default(DEFAULT))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Framework School Leadership Core (SLC) updated. "
        "Competencies added: 0, changed: 1, retired: 1."
    ) in page
    db.session.expire_all()
    assert count(Framework) == 1
    assert competency_ids() == ids
    competencies = {c.code: c for c in db.session.scalars(select(Competency))}
    assert competencies["LL.2"].title == "Observing teaching"
    assert competencies["LS.3"].retired is True


def test_a_bad_file_shows_every_problem_with_its_line_and_changes_nothing(client, admin):
    upload(client, "slc.yaml", DEFAULT.read_bytes())
    ids = competency_ids()
    original = DEFAULT.read_text()
    line = original.splitlines().index("      - code: LL.3") + 1
    bad = original.replace("code: LL.3", "code: LL.2").replace("name: School", "name: Changed")

    response = upload(client, "bad.yaml", bad)
    assert response.status_code == 422
    page = text_of(response)
    assert "bad.yaml was not imported, and nothing has changed." in page
    assert f"bad.yaml:{line}: duplicate competency code 'LL.2'" in page
    assert 'class="field invalid"' in page
    db.session.expire_all()
    assert db.session.scalar(select(Framework.name)) == "School Leadership Core"
    assert competency_ids() == ids

    broken = upload(client, "broken.yml", "code: X\nname: [unclosed\nlevels: []\n")
    assert broken.status_code == 422
    assert re.search(r"broken\.yml:3: malformed YAML: ", text_of(broken))
    assert count(Framework) == 1

    csv = upload(client, "short.csv", KENYA_CSV + "KE,Heads\n")
    assert csv.status_code == 422
    assert "short.csv:4: this row has 2 cells; the header has 7" in text_of(csv)
    assert services.find_framework("KE") is None


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("framework.txt", "code: X\n", "Choose a .yaml, .yml or .csv file."),
        ("framework.yaml.exe", "code: X\n", "Choose a .yaml, .yml or .csv file."),
        (
            "big.yaml",
            "# padding\n" * (MAX_IMPORT_BYTES // 10 + 1),
            "This file is larger than 1 MB.",
        ),
        (
            "latin1.csv",
            "framework_code,framework_name\nKE,Écoles\n".encode("latin-1"),
            "latin1.csv: not UTF-8 text",
        ),
        ("", b"", "Choose a file to import."),
        (
            "deep.yaml",
            "code: X\nname: " + "[" * 5000 + "]" * 5000 + "\n",
            "deep.yaml:2: lists and mappings are nested more than 50 levels deep",
        ),
        (
            "bomb.yaml",
            alias_bomb(9) + "code: X\nname: *a9\n",
            "bomb.yaml:5: aliases (`*name`) repeat more than 10000 values",
        ),
    ],
)
def test_wrong_files_get_a_clear_error(client, admin, filename, data, message):
    response = upload(client, filename, data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(Framework) == 0


def test_a_file_just_under_the_cap_is_read(client, admin):
    text = DEFAULT.read_text()
    padded = text + "#" * (MAX_IMPORT_BYTES - len(text.encode()) - 1) + "\n"
    assert len(padded.encode()) == MAX_IMPORT_BYTES
    assert upload(client, "slc.yaml", padded).status_code == 303


@pytest.mark.parametrize("role", ["leader", "coach", "author"])
def test_other_roles_get_403_on_import_and_download(client, make_user, login, role):
    framework = services.import_framework(load_framework(DEFAULT)).framework
    login(make_user(role))
    assert upload(client, "kenya.csv", KENYA_CSV).status_code == 403
    assert services.find_framework("KE") is None
    for file_format in ("yaml", "csv"):
        response = client.get(f"/frameworks/{framework.id}/export.{file_format}")
        assert response.status_code == 403 and "Content-Disposition" not in response.headers


def test_anonymous_people_are_sent_to_sign_in(client, app):
    framework = services.import_framework(load_framework(DEFAULT)).framework
    for response in (
        upload(client, "kenya.csv", KENYA_CSV),
        client.get(f"/frameworks/{framework.id}/export.yaml"),
    ):
        assert response.status_code in (302, 303)
        assert response.headers["Location"].startswith("/sign-in")
    assert services.find_framework("KE") is None


def test_downloads_are_attachments_that_round_trip(client, admin):
    framework = services.import_framework(load_framework(DEFAULT)).framework
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    for file_format in ("yaml", "csv"):
        # Boosting a download would swap the file into the page.
        assert (
            f'href="/frameworks/{framework.id}/export.{file_format}" download hx-boost="false"'
            in page
        )

    yaml_file = client.get(f"/frameworks/{framework.id}/export.yaml")
    assert yaml_file.status_code == 200
    assert yaml_file.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert yaml_file.headers["Content-Disposition"] == "attachment; filename=SLC.yaml"
    assert parse_framework_yaml(yaml_file.get_data(as_text=True), "SLC.yaml") == load_framework(
        DEFAULT
    )

    csv_file = client.get(f"/frameworks/{framework.id}/export.csv")
    assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file.headers["Content-Disposition"] == "attachment; filename=SLC.csv"
    assert (
        parse_framework_csv(csv_file.get_data(as_text=True), "SLC.csv").domains
        == load_framework(DEFAULT).domains
    )

    # The downloaded file, imported again, changes nothing.
    ids = competency_ids()
    response = upload(client, "SLC.yaml", yaml_file.get_data())
    assert "Competencies added: 0, changed: 0, retired: 0." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert competency_ids() == ids

    assert client.get(f"/frameworks/{framework.id}/export.json").status_code == 404
    assert client.get("/frameworks/999/export.yaml").status_code == 404


def test_download_names_are_safe_whatever_the_code(app):
    framework = Framework(code='../a b"c', name="Odd")
    db.session.add(framework)
    db.session.commit()
    assert services.export_framework_file(framework, "csv").filename == "a_b_c.csv"


def test_upload_errors_name_only_the_file_not_the_senders_folders(app):
    with pytest.raises(Exception, match=r"^slc\.yaml:1: ") as error:
        services.import_framework_file("C:\\Users\\head\\Desktop\\slc.yaml", b"- not a mapping\n")
    assert all(problem.path == "slc.yaml" for problem in error.value.problems)


def test_import_needs_the_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user("admin")
    client = app.test_client()
    with app.app_context():
        token = re.search(
            r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)
        ).group(1)
        client.post(
            "/sign-in", data={"identifier": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert upload(client, "kenya.csv", KENYA_CSV).status_code == 400
        assert services.find_framework("KE") is None
        page = client.get("/frameworks/").get_data(as_text=True)
        token = re.search(
            r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
        ).group(1)
        response = client.post(
            "/frameworks/import",
            content_type="multipart/form-data",
            data={"csrf_token": token, "file": (io.BytesIO(KENYA_CSV.encode()), "kenya.csv")},
        )
        assert response.status_code == 303
        assert services.find_framework("KE") is not None


@pytest.mark.parametrize(
    ("locale", "heading", "download"),
    [
        ("fr", "Importer un référentiel", "Télécharger le CSV"),
        ("sw", "Ingiza mfumo", "Pakua CSV"),
    ],
)
def test_import_and_download_are_translated(client, make_user, login, locale, heading, download):
    framework = services.import_framework(load_framework(DEFAULT)).framework
    login(make_user("admin", locale=locale))
    assert heading in text_of(client.get("/frameworks/"))
    assert download in text_of(client.get(f"/frameworks/{framework.id}"))


def test_list_and_edit_pages_render_as_fragments(client, admin):
    framework = services.import_framework(load_framework(DEFAULT)).framework
    for url in ("/frameworks/", f"/frameworks/{framework.id}/edit"):
        fragment = client.get(url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)


def test_a_downloaded_csv_runs_no_formula_and_imports_back_unchanged(client, admin):
    formula = '=HYPERLINK("http://evil.example","Open")'
    text = DEFAULT.read_text().replace(
        "name: School Leadership Core", f"name: {json.dumps(formula)}"
    )
    framework = services.import_framework(parse_framework_yaml(text, "slc.yaml")).framework
    competency = framework.domains[0].competencies[0]
    services.update_competency(
        competency, title="@SUM(1+1)", description="-1 day, then +1", retired=False
    )
    csv_file = client.get(f"/frameworks/{framework.id}/export.csv").get_data()
    rows = list(csv.reader(io.StringIO(csv_file.decode(), newline="")))
    assert rows[1][1] == "'" + formula
    assert rows[1][9:11] == ["'@SUM(1+1)", "'-1 day, then +1"]

    assert upload(client, "SLC.csv", csv_file).status_code == 303
    db.session.expire_all()
    assert framework.name == formula
    assert (competency.title, competency.description) == ("@SUM(1+1)", "-1 day, then +1")
