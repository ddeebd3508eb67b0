"""`flask demo load`: the demo programme for `make run` (its people, and what each area
provides), loaded once. It sits beside ``create_app``, which registers it: like the
factory, it is where the areas are put together, so the core need import none of them."""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.coaching.demo import load_demo_coaching
from app.groups.demo import load_demo_groups
from app.learning.demo import load_demo_content
from app.practices.demo import load_demo_practices
from app.programmes.demo import load_demo_programme
from app.review.demo import load_demo_review
from app.roles import Role
from app.studio.demo import load_demo_studio

DEMO_PASSWORD = "headway-demo"

cli = AppGroup("demo", help="Demo data for trying Headway on one machine.")


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


@cli.command("load")
def load_command() -> None:
    """Load the demo people (and whatever demo content the areas provide); safe to run again."""
    created = 0
    click.echo(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
    for person, was_created in load_people():
        created += was_created
        click.echo(f"  {person.identifier:<22} {person.name:<16} {', '.join(person.roles)}")
    click.echo(
        f"{created} demo account(s) created." if created else "Demo accounts already loaded."
    )

    for line in [*load_demo_content(), *load_demo_studio()]:
        click.echo(line)
    for line in load_demo_groups():  # after the lessons: one thread is about a lesson
        click.echo(line)
    for line in load_demo_coaching():
        click.echo(line)
    click.echo(load_demo_review())
    click.echo(load_demo_programme())
    for line in load_demo_practices():  # after the programme: practices carry its region
        click.echo(line)
