"""Refund approval workflow for the customer-support back office."""
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

SUPPORT_APPROVAL_LIMIT = Decimal("100.00")

# Role -> highest amount the role may approve (None means no upper limit).
APPROVAL_LIMITS = {"support": SUPPORT_APPROVAL_LIMIT, "manager": None}


@dataclass
class Agent:
    id: str
    role: str  # "viewer", "support" or "manager"


@dataclass
class RefundRequest:
    id: str
    requested_by: str
    amount: Decimal
    status: str = "pending"
    approved_by: Optional[str] = None


class RefundDesk:
    def __init__(self, payout_queue):
        self._payout_queue = payout_queue

    def approve(self, approver: Agent, refund: RefundRequest) -> RefundRequest:
        """Approve a pending refund and queue the payout.

        approver is the back-office agent resolved from the session; refund is
        loaded from the id the agent clicked on. Managers may approve any
        amount, support agents up to SUPPORT_APPROVAL_LIMIT, other roles none.
        Approved refunds are appended to the payout queue, which the payment
        job pays out.
        """
        if refund.status != "pending":
            raise ValueError("refund has already been processed")
        if approver.id == refund.requested_by:
            raise PermissionError("agents cannot approve their own refund requests")
        if approver.role not in APPROVAL_LIMITS:
            raise PermissionError("this role cannot approve refunds")
        limit = APPROVAL_LIMITS[approver.role]
        if limit is not None and refund.amount > limit:
            raise PermissionError("amount exceeds this agent's approval limit")
        refund.status = "approved"
        refund.approved_by = approver.id
        self._payout_queue.append((refund.id, refund.amount))
        return refund
