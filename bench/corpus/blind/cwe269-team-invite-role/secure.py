"""Team invitations for the shared analytics workspace."""
import re
import secrets
import time
from dataclasses import dataclass

ROLE_RANK = {"viewer": 1, "editor": 2, "admin": 3, "owner": 4}
INVITE_TTL_SECONDS = 7 * 24 * 3600
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+")


@dataclass
class Member:
    user_id: int
    workspace_id: int
    role: str


def _may_grant(granter_role: str, requested_role: str) -> bool:
    """Admins may hand out roles up to their own; only owners may make owners."""
    granter_rank = ROLE_RANK.get(granter_role, 0)
    return granter_rank >= ROLE_RANK["admin"] and ROLE_RANK[requested_role] <= granter_rank


class TeamInvites:
    def __init__(self, store):
        self._store = store  # dict-like: token -> invite record

    def create_invite(self, inviter: Member, email: str, role: str) -> dict:
        """Create an invitation that grants `role` in the inviter's workspace.

        inviter is the workspace membership of the logged-in user; email and
        role come from the "Invite teammate" form. The returned invite (with
        its token) is stored and mailed as a join link; whoever opens the link
        joins with the stored role, so it may never exceed the inviter's own.
        """
        if role not in ROLE_RANK:
            raise ValueError(f"unknown role {role!r}")
        if not EMAIL_RE.fullmatch(email):
            raise ValueError("invalid email address")
        if not _may_grant(inviter.role, role):
            raise PermissionError("you cannot grant a role above your own")
        invite = {
            "token": secrets.token_urlsafe(32),
            "workspace_id": inviter.workspace_id,
            "email": email.lower(),
            "role": role,
            "invited_by": inviter.user_id,
            "expires_at": int(time.time()) + INVITE_TTL_SECONDS,
        }
        self._store[invite["token"]] = invite
        return invite
