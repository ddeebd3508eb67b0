"""`flask demo load`: the demo programme for `make run`."""

from __future__ import annotations

import click

from . import bp, demo


@bp.cli.command("load")
def load_command() -> None:
    """Load the demo people (and whatever demo content the areas provide); safe to run again."""
    created = 0
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for person, was_created in demo.load_people():
        created += was_created
        click.echo(f"  {person.identifier:<22} {person.name:<16} {', '.join(person.roles)}")
    click.echo(f"{created} demo account(s) created." if created else "Demo accounts already loaded.")

    from app.learning.demo import load_demo_content

    for line in load_demo_content():
        click.echo(line)
