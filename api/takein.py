"""The create step both APIs share: reference checks, the insert, and their refusals as API errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.errors import ApiError, invalid_fields
from geodata.cases import intake, lifecycle
from geodata.db import get_db


def take_in(new: intake.NewCase, rename: dict[str, str] | None = None) -> tuple[int, dict[str, Any] | None]:
    """(case id, the new case's row or None for a repeat); 400 with each bad field (named as the
    caller's API names them, via ``rename``) or 422 for a place outside the territory."""
    db = get_db()
    try:
        intake.check(db, new, datetime.now(UTC))
        return intake.create(db, new)
    except lifecycle.FieldError as exc:
        raise invalid_fields({(rename or {}).get(k, k): v for k, v in exc.errors.items()}) from None
    except intake.OutsideTerritoryError as exc:
        raise ApiError(422, "outside_territory", str(exc)) from None
