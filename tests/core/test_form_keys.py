"""The one scheme for keys of writes a person repeats (``app/form_keys.py``) and the field
every form that adds a row carries (``app.forms.KeyField``)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.db import utcnow
from app.extensions import db
from app.form_keys import (
    OUT_OF_DATE,
    FormKey,
    KeyReused,
    claim_form_key,
    claim_key,
    forget_old_keys,
)
from app.forms import KEY_ERROR, KeyedForm, new_form_key


def test_a_keyed_form_draws_a_key_and_keeps_the_one_it_came_with(app):
    with app.test_request_context():
        drawn = KeyedForm()
        assert len(drawn.key.data) >= 16 and drawn.key.data != KeyedForm().key.data
        sent = KeyedForm(formdata=MultiDict({"key": drawn.key.data}))
        assert sent.validate() and sent.key.data == drawn.key.data


@pytest.mark.parametrize("key", [None, "", "short", "has spaces in it here", "x" * 65, "é" * 20])
def test_a_missing_or_malformed_key_is_an_error_that_says_what_to_do(app, key):
    with app.test_request_context():
        form = KeyedForm(formdata=MultiDict({} if key is None else {"key": key}))
        assert not form.validate()
        assert form.key.errors == ["This form is out of date. Reload the page, then send it again."]


def test_the_same_key_again_gives_back_the_row_the_first_added(app, make_user):
    person, other = make_user(), make_user()
    key = new_form_key()
    first = claim_key(person.id, key, "groups.reply")
    assert first.added and first.row_id is None
    first.record(41)
    db.session.commit()

    again = claim_key(person.id, key, "groups.reply")
    assert (again.added, again.row_id) == (False, 41)
    with pytest.raises(RuntimeError):
        again.record(42)  # only the first claim records
    assert claim_key(other.id, key, "groups.reply").added  # a key is one person's
    with pytest.raises(KeyReused):
        claim_key(person.id, key, "coaching.add_action")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(FormKey)) == 2


def test_two_claims_at_once_add_once_and_the_second_reads_what_the_first_recorded(app, make_user):
    """The second claim waits for the first's transaction (PostgreSQL's unique index,
    SQLite's one writer) and then reads the row id it committed."""
    person_id = make_user().id
    key = new_form_key()
    claimed = threading.Event()
    outcomes: dict[str, tuple] = {}

    def first() -> None:
        with app.app_context():
            claim = claim_key(person_id, key, "groups.reply")
            claimed.set()
            claim.record(7)
            threading.Event().wait(0.5)  # the second is waiting meanwhile
            db.session.commit()
            outcomes["first"] = (claim.added, claim.row_id)

    def second() -> None:
        claimed.wait(10)
        with app.app_context():
            claim = claim_key(person_id, key, "groups.reply")
            db.session.commit()
            outcomes["second"] = (claim.added, claim.row_id)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes == {"first": (True, 7), "second": (False, 7)}


def test_keys_are_forgotten_after_the_days_kept(app, make_user):
    person = make_user()
    claim_key(person.id, "an-old-key-0123456789", "groups.reply")
    claim_key(person.id, "a-new-key-0123456789", "groups.reply")
    db.session.commit()
    old = db.session.get(FormKey, (person.id, "an-old-key-0123456789"))
    old.created_at = utcnow() - timedelta(days=app.config["FORM_KEYS_KEPT_DAYS"] + 1)
    db.session.commit()
    assert forget_old_keys() == 1
    assert [k.key for k in db.session.scalars(select(FormKey))] == ["a-new-key-0123456789"]
    assert "core.forget_form_keys" in app.extensions["jobs"].jobs


def test_a_service_claims_through_claim_form_key_and_refuses_a_reused_key_as_its_error(
    app, make_user
):
    from app.errors import ServiceError

    class AreaError(ServiceError):
        pass

    person = make_user()
    key = new_form_key()
    assert claim_form_key(person.id, key, "groups.reply", AreaError).added
    with pytest.raises(AreaError) as refused:
        claim_form_key(person.id, key, "studio.add_course", AreaError)
    assert refused.value.template == OUT_OF_DATE == str(KEY_ERROR)
