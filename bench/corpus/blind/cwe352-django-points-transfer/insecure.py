"""Loyalty-points views for the members area (Django, session login)."""
import re

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

MEMBER_NUMBER_RE = re.compile(r"M\d{8}")
MAX_TRANSFER = 50_000


@csrf_exempt
@require_POST
@login_required
def transfer_points(request):
    """Move loyalty points from the logged-in member to another member.

    The sender is request.user (session cookie); the form fields
    "recipient" (member number) and "points" come from the transfer form or
    the mobile app. Both balances are updated in the members table.
    """
    recipient = request.POST.get("recipient", "")
    try:
        points = int(request.POST.get("points", ""))
    except ValueError:
        return JsonResponse({"error": "points must be a number"}, status=400)
    if not MEMBER_NUMBER_RE.fullmatch(recipient) or not 0 < points <= MAX_TRANSFER:
        return JsonResponse({"error": "invalid transfer"}, status=400)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE members SET points = points - %s WHERE user_id = %s AND points >= %s",
            [points, request.user.pk, points],
        )
        if cur.rowcount != 1:
            return JsonResponse({"error": "insufficient points"}, status=409)
        cur.execute(
            "UPDATE members SET points = points + %s WHERE member_number = %s AND user_id <> %s",
            [points, recipient, request.user.pk],
        )
        if cur.rowcount != 1:
            transaction.set_rollback(True)
            return JsonResponse({"error": "unknown recipient"}, status=404)
    return JsonResponse({"transferred": points, "recipient": recipient})
