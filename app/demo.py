"""Demo data for `make run`: a small programme's people, loaded once."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts import services as accounts
from app.roles import Role

DEMO_PASSWORD = "headway-demo"


@dataclass(frozen=True)
class DemoPerson:
    identifier: str
    name: str
    roles: tuple[str, ...]
    school: str = ""
    country: str = "KE"
    locale: str = "en"
    timezone: str = "Africa/Nairobi"


DEMO_PEOPLE = (
    DemoPerson("+254700000001", "Grace Wanjiru", (Role.LEADER,), "Kibera Primary School"),
    DemoPerson(
        "amani@example.org",
        "Amani Mutesi",
        (Role.LEADER,),
        "Nyamirambo Primary School",
        "RW",
        "fr",
        "Africa/Kigali",
    ),
    DemoPerson(
        "+254700000003",
        "Baraka Mwangi",
        (Role.LEADER,),
        "Likoni Primary School",
        "KE",
        "sw",
    ),
    DemoPerson(
        "coach@example.org", "Joseph Otieno", (Role.COACH, Role.LEADER), "Mathare North Primary"
    ),
    DemoPerson("author@example.org", "Priya Raman", (Role.AUTHOR,), "", "IN", "en", "Asia/Kolkata"),
    DemoPerson("admin@example.org", "Fatuma Hassan", (Role.ADMIN,), "", "KE", "sw"),
)


def load_people() -> list[tuple[DemoPerson, bool]]:
    """Create the demo accounts that do not exist yet; say which were created."""
    results = []
    for person in DEMO_PEOPLE:
        if accounts.find_user(person.identifier) is not None:
            results.append((person, False))
            continue
        key = "phone" if accounts.is_phone(person.identifier) else "email"
        accounts.create_user(
            **{key: person.identifier},
            name=person.name,
            roles=person.roles,
            password=DEMO_PASSWORD,
            school=person.school,
            country=person.country,
            locale=person.locale,
            timezone=person.timezone,
        )
        results.append((person, True))
    return results
