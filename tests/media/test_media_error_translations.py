"""Why an upload failed, in the reader's language: media_pipeline words it, the page translates.

The pipeline raises a template and its parameters; the asset keeps both (and the English
sentence for the command line); ``services.error_text`` translates at display time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.extensions import db
from app.media import services
from app.media.models import MediaAsset
from app.media.services._common import GIVE_UP_MESSAGE
from media_pipeline.errors import N_, TooLong, render
from media_pipeline.probe import UPLOAD_HINT
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"
TOO_LONG = {
    "en": "This recording is 45 minutes long; a lesson can be at most 30 minutes. "
    "Trim it or split it into shorter lessons.",
    "fr": f"Cet enregistrement dure 45 minutes{NBSP}; une leçon peut durer au plus 30 minutes. "
    "Raccourcissez-le ou découpez-le en leçons plus courtes.",
    "sw": "Rekodi hii ina urefu wa dakika 45; somo haliwezi kuzidi dakika 30. "
    "Ifupishe au uigawe katika masomo mafupi zaidi.",
}


@pytest.fixture
def too_long_asset(app, tiny_clip, monkeypatch):
    """``too_long_asset(owner)``: the real job refuses the clip, which ffprobe says lasts 45 min."""
    monkeypatch.setattr("media_pipeline.probe._duration", lambda data: 45 * 60.0)

    def factory(owner) -> MediaAsset:
        asset = services.queue_transcode(tiny_clip, owner=owner)
        db.session.commit()
        services.run_transcode(asset.id)
        db.session.expire_all()
        return db.session.get(MediaAsset, asset.id)

    return factory


def test_the_asset_keeps_the_english_sentence_and_its_template(app, make_user, too_long_asset):
    asset = too_long_asset(make_user("author"))
    assert asset.status == "failed" and asset.error == TOO_LONG["en"]
    assert asset.error_template.startswith("This recording is %(length)s long;")
    assert asset.error_params == {
        "length": {"template": "%(amount)s minutes", "params": {"amount": 45}},
        "limit": {"template": "%(amount)s minutes", "params": {"amount": 30}},
    }


@pytest.mark.parametrize("locale", ["fr", "sw", "en"])
def test_a_too_long_upload_is_explained_in_the_authors_language(
    app, client, make_user, too_long_asset, locale
):
    author = make_user("author", locale=locale)
    asset = too_long_asset(author)
    sign_in(client, author)
    page = client.get(f"/media/{asset.id}").get_data(as_text=True)
    assert f'<p class="error">{TOO_LONG[locale]}</p>' in page
    fragment = client.get(f"/media/{asset.id}", headers={"HX-Request": "true"})
    assert TOO_LONG[locale] in fragment.get_data(as_text=True)


def test_the_lesson_playback_carries_the_translated_reason(app, make_user, too_long_asset):
    asset = too_long_asset(make_user("author"))
    with app.test_request_context():
        for locale in ("fr", "sw"):
            with force_locale(locale):
                assert services.playback_for(asset.id).error == TOO_LONG[locale]


def test_the_give_up_message_is_translated_with_its_count(app, make_user, tiny_clip):
    app.config.update(MEDIA_MAX_ATTEMPTS=1)
    try:
        asset = services.queue_transcode(tiny_clip, owner=make_user("author"))
        db.session.commit()
        services.storage().delete(asset.source_key)  # our failure, not the author's
        services.run_transcode(asset.id)
    finally:
        app.config.update(MEDIA_MAX_ATTEMPTS=3)
    db.session.expire_all()
    asset = db.session.get(MediaAsset, asset.id)
    assert asset.status == "failed"
    assert asset.error.startswith("We could not prepare this video after 1 attempts.")
    assert asset.error_params == {"attempts": 1}
    with app.test_request_context():
        with force_locale("fr"):
            assert services.error_text(asset).startswith(
                "Nous n’avons pas pu préparer cette vidéo après 1 tentatives."
            )
        with force_locale("sw"):
            assert services.error_text(asset).startswith(
                "Hatukuweza kuandaa video hii baada ya majaribio 1."
            )


def test_an_error_stored_before_templates_shows_as_it_was(app, client, make_user, tiny_clip):
    author = make_user("author", locale="fr")
    asset = services.queue_transcode(tiny_clip, owner=author)
    asset.status, asset.error = "failed", "Something went wrong with 100% of this file."
    db.session.commit()
    assert asset.error_template is None and asset.error_params is None
    sign_in(client, author)
    page = client.get(f"/media/{asset.id}").get_data(as_text=True)
    assert '<p class="error">Something went wrong with 100% of this file.</p>' in page


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_english(app, make_user):
    asset = MediaAsset(
        id=1, error="English.", error_template="%(missing)s", error_params={"given": 1}
    )
    with app.test_request_context(), force_locale("fr"):
        assert services.error_text(asset) == "English."


def test_the_cli_still_speaks_english(app, runner, make_user, too_long_asset):
    too_long_asset(make_user("author", locale="fr"))
    status = runner.invoke(args=["media", "status"])
    assert status.exit_code == 0 and f"error: {TOO_LONG['en']}" in status.output


def test_the_pipeline_cli_prints_english(tmp_path, tiny_clip):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "media_pipeline",
            "transcode",
            str(tiny_clip),
            "--out",
            str(tmp_path / "out"),
            "--max-minutes",
            "0.01",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert (
        "rejected: This recording is 2 seconds long; a lesson can be at most 1 seconds."
        in result.stderr
    )


def test_rejections_carry_a_template_and_json_parameters():
    rejected = TooLong(N_("%(what)s is %(n)s long."), what={"template": "It", "params": {}}, n=3)
    assert (rejected.template, rejected.message) == ("%(what)s is %(n)s long.", "It is 3 long.")
    french = {"It": "Ça", "%(what)s is %(n)s long.": "%(what)s dure %(n)s."}
    assert render(rejected.template, rejected.params, lambda s: french.get(s, s)) == "Ça dure 3."


def test_the_shell_catalogue_has_the_pipelines_messages():
    with (ROOT / "app" / "translations" / "messages.pot").open("rb") as pot:
        catalogue = read_po(pot)
    too_long = catalogue.get(
        "This recording is %(length)s long; a lesson can be at most %(limit)s. "
        "Trim it or split it into shorter lessons."
    )
    assert too_long is not None and "python-format" in too_long.flags
    assert any(path == "media_pipeline/probe.py" for path, _ in too_long.locations)
    for template in (
        "Line %(line)s: %(problem)s",
        "%(amount)s minutes",
        UPLOAD_HINT,
        GIVE_UP_MESSAGE,
    ):
        assert template in catalogue, template
