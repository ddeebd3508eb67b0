"""Who may see an asset's progress and retry it, and who may play it.

Media knows nothing of lessons or courses: the areas that put an asset in a lesson answer
for those rules (``registry.grant(MANAGE_ASSET, …)``, ``registry.grant(VIEW_ASSET, …)``).
"""

from __future__ import annotations

from app.permissions import is_admin, signed_in
from app.registry import granted, predicate

#: Whether the person may manage an asset they neither uploaded nor administer.
MANAGE_ASSET = "media.manage_asset"
#: Whether the person may play an asset they may not manage.
VIEW_ASSET = "media.view_asset"


@predicate
def can_manage_media(user, asset) -> bool:
    """See its progress, retry it: who uploaded it, an admin, and those another area says
    (the authors of a course whose lesson uses it; never any author: another author's draft
    video is not theirs)."""
    if not signed_in(user):
        return False
    if is_admin(user) or (asset.owner_id is not None and asset.owner_id == user.id):
        return True
    return granted(MANAGE_ASSET, user, asset)


@predicate
def can_view_media(user, asset) -> bool:
    """Whoever may manage it, and those another area says (who may see a lesson that
    plays it)."""
    if can_manage_media(user, asset):
        return True
    return signed_in(user) and granted(VIEW_ASSET, user, asset)
