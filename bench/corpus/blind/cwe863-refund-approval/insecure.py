"""Refund approval workflow for the customer-support back office."""
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

SUPPORT_APPROVAL_LIMIT = Decimal("100.00")


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
        amount, support agents up to SUPPORT_APPROVAL_LIMIT. Approved refunds
        are appended to the payout queue, which the payment job pays out.
        """
        if refund.status != "pending":
            raise ValueError("refund has already been processed")
        if approver.id == refund.requested_by:
            raise PermissionError("agents cannot approve their own refund requests")
        if approver.role == "manager" or refund.amount <= SUPPORT_APPROVAL_LIMIT:
            refund.status = "approved"
            refund.approved_by = approver.id
            self._payout_queue.append((refund.id, refund.amount))
            return refund
        raise PermissionError("amount exceeds this agent's approval limit")
