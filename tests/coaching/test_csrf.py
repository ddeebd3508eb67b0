"""With CSRF on (as in production), every coaching form carries its token: each write
without one is refused, and the pages' own forms work."""

from __future__ import annotations

import re
from datetime import date

from app.coaching import services
from app.forms import new_form_key
from tests.conftest import PASSWORD


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrf_token"[^>]* value="([^"]+)"', html)


def _signed_in(app, user):
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    data = {"identifier": user.email, "password": PASSWORD, "csrf_token": _tokens(html)[0]}
    assert client.post("/sign-in", data=data).status_code == 303
    return client


def test_coaching_forms_need_and_carry_their_token(make_app, make_user, coach, leader, check_in):
    app = make_app(WTF_CSRF_ENABLED=True)
    action = services.add_action(
        check_in, title="Observe", owner="leader", due_on=date(2030, 1, 1), key=new_form_key()
    )
    with app.app_context():
        client = _signed_in(app, coach)
        url = f"/coaching/check-ins/{check_in.id}"
        notes = {"notes": "shared", "private": "mine"}
        refused = client.post(f"{url}/notes", data=notes)
        assert refused.status_code == 400
        assert services.private_note(check_in) == ""
        page = client.get(url).get_data(as_text=True)
        tokens = _tokens(page)
        # preparation is the leader's: the coach's page has notes, ratings (none: no
        # priority), actions add, and one tick form per action.
        assert len(tokens) >= 3
        response = client.post(f"{url}/notes", data={**notes, "csrf_token": tokens[0]})
        assert response.status_code == 303
        assert services.private_note(check_in) == "mine"

        leader_client = _signed_in(app, leader)
        record = leader_client.get("/coaching/").get_data(as_text=True)
        tick = f"/coaching/actions/{action.id}"
        assert leader_client.post(tick, data={"done": "1"}).status_code == 400
        header = re.search(r'"X-CSRFToken":"([^"]+)"', record).group(1)
        response = leader_client.post(
            tick, data={"done": "1"}, headers={"HX-Request": "true", "X-CSRFToken": header}
        )
        assert response.status_code == 200
        assert services.get_action(action.id).done
