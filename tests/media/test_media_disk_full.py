"""A full disk fails a transcode through no fault of the upload's: the asset waits with a
reason its author reads in their language, the attempt is not counted, and it is prepared
once there is space again. (The disk is not filled: the OS error is raised where the
rendition is written.)"""

from __future__ import annotations

import errno
from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from app.media import services
from app.media.models import MediaAsset
from tests.conftest import sign_in

WAITING = {
    "en": "The server ran out of disk space while preparing this video. Nothing is lost",
    "fr": "Le serveur a manqué d’espace disque pendant la préparation de cette vidéo.",
    "sw": "Seva imeishiwa na nafasi ya diski ilipokuwa ikiandaa video hii.",
}


@pytest.mark.parametrize("locale", ["fr", "sw", "en"])
def test_a_full_disk_waits_with_its_reason_then_is_prepared(
    app, client, make_user, tiny_clip, monkeypatch, capsys, locale
):
    author = make_user("author", locale=locale)
    asset = services.queue_transcode(tiny_clip, owner=author)
    db.session.commit()
    store = services.storage()
    real_save = store.save

    def disk_full(key, source, *args, **kwargs):
        if key.endswith("/144p.mp4"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(key, source, *args, **kwargs)

    monkeypatch.setattr(store, "save", disk_full)
    services.run_transcode(asset.id)
    db.session.expire_all()
    asset = db.session.get(MediaAsset, asset.id)
    assert asset.status == "uploaded" and asset.attempts == 0, "waiting, not counted"
    assert asset.error.startswith(WAITING["en"])
    assert "No space left on device" in asset.error_detail
    wait = (asset.next_attempt_at - utcnow()).total_seconds()
    assert 290 < wait <= 300
    assert '"event": "media_job_disk_full"' in capsys.readouterr().err

    sign_in(client, author)
    page = client.get(f"/media/{asset.id}").get_data(as_text=True)
    assert f'<p class="error">{WAITING[locale]}' in page

    # Space is freed; the scheduled retry comes and the video is prepared.
    monkeypatch.setattr(store, "save", real_save)
    asset.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    services.run_transcode(asset.id)
    db.session.expire_all()
    asset = db.session.get(MediaAsset, asset.id)
    assert asset.status == "ready" and asset.attempts == 1
    assert asset.error is None and asset.error_template is None
