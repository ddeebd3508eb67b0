"""`flask media …`: transcode a file, see the queue, retry a job, run workers."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app import jobs
from app.extensions import db

from . import bp, services
from .models import MediaAsset


@bp.cli.command("transcode")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--captions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An SRT or WebVTT file to go with it.",
)
@click.option("--wait", is_flag=True, help="Run the job here and now instead of queueing it.")
def transcode_command(file: Path, captions: Path | None, wait: bool) -> None:
    """Copy FILE into media storage and queue it for transcoding (or, with --wait, do it now)."""
    asset = services.accept_upload(file, captions=captions)
    refused = services.queue_refused(asset.id)
    if refused is None:
        click.echo(f"Media asset {asset.id} queued ({asset.source_bytes:,} bytes).")
    else:
        config = current_app.config
        click.echo(
            f"Media asset {asset.id} is stored ({asset.source_bytes:,} bytes) but not queued: "
            f"the job queue could not be reached ({type(refused).__name__}: {refused}). "
            "Once it is back, a media worker's sweeper queues it by itself (it looks every "
            f"{config['MEDIA_SWEEP_INTERVAL_S']} s for uploads waiting longer than "
            f"{config['MEDIA_STALE_AFTER_S']} s); `flask media retry {asset.id}` queues it at once."
        )
    if wait:
        services.run_transcode(asset.id)
        db.session.expire_all()
        _print_asset(db.session.get(MediaAsset, asset.id))


def _print_asset(asset: MediaAsset) -> None:
    click.echo(
        f"#{asset.id} {asset.status} {asset.progress:.0f}% attempts={asset.attempts} "
        f"{asset.original_filename}"
    )
    if asset.error:
        click.echo(f"  error: {asset.error}")
    for rendition in asset.renditions:
        click.echo(
            f"  {rendition.name:<10} {rendition.bytes:>10,} B {rendition.bitrate_kbps:>7.1f} "
            f"kbps {rendition.duration_s:>7.1f} s"
        )


@bp.cli.command("status")
@click.option("--limit", default=20, show_default=True)
def status_command(limit: int) -> None:
    """The most recent media assets, their status and renditions."""
    assets = db.session.scalars(select(MediaAsset).order_by(MediaAsset.id.desc()).limit(limit))
    shown = 0
    for asset in assets:
        _print_asset(asset)
        shown += 1
    if not shown:
        click.echo("No media yet.")


@bp.cli.command("retry")
@click.argument("asset_id", type=int)
def retry_command(asset_id: int) -> None:
    """Queue media asset ASSET_ID again (after a failure, or if it seems stuck)."""
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None:
        raise click.ClickException(f"There is no media asset {asset_id}.")
    if not services.retry(asset, stuck_too=True):
        raise click.ClickException(f"Media asset {asset_id} is ready; nothing to retry.")
    click.echo(f"Media asset {asset_id} queued again.")


@bp.cli.command("worker")
@click.option("--workers", type=int, help="Jobs at once (default: JOBS_WORKERS).")
def worker_command(workers: int | None) -> None:
    """Run job workers in this process until stopped (``flask jobs worker``; kept by this
    name for deployments that start it so)."""
    click.get_current_context().invoke(jobs.worker_command, workers=workers)


@bp.cli.command("sweep")
def sweep_command() -> None:
    """Requeue jobs whose worker died or whose queue message was lost (workers do this too)."""
    requeued = services.sweep_stale_jobs()
    click.echo(
        f"Requeued {len(requeued)} job(s){': ' + ', '.join(map(str, requeued)) if requeued else ''}."
    )
