"""A checkpoint as its view and the API show it: the latest compliance element by element, the
history of its inspections, its rectification cases and the cameras that cover it.

全部达标 holds only when every required element passed at the latest inspection.
"""

from __future__ import annotations

from typing import Any

from geodata.inspections.record import elements
from geodata.queries import sql_text
from settings import get_settings


def _rows(cur) -> list[dict[str, Any]]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def inspections(cur, checkpoint_id: int, limit: int = 24) -> list[dict[str, Any]]:
    """The checkpoint's inspections, newest first, each with ``results``: {code: {passed, carried,
    note, case_id, photo_id}} and ``compliance`` (0–1)."""
    cur.execute(sql_text("checkpoint_history"), {"id": checkpoint_id, "limit": limit})
    out = []
    for row in _rows(cur):
        row["results"] = {
            code: {"passed": p, "carried": c, "note": n, "case_id": k, "photo_id": f}
            for code, p, c, n, k, f in zip(
                row.pop("codes"),
                row.pop("results"),
                row.pop("carried"),
                row.pop("notes"),
                row.pop("case_ids"),
                row.pop("photo_ids"),
            )
        }
        row["compliance"] = row["passed"] / row["elements"] if row["elements"] else None
        out.append(row)
    return out


def view(cur, checkpoint_id: int, limit: int = 24) -> dict[str, Any] | None:
    """Everything the checkpoint's view shows; None when there is no such checkpoint (or the
    reader may not see it)."""
    cur.execute(sql_text("checkpoint_view"), {"id": checkpoint_id})
    found = _rows(cur)
    if not found:
        return None
    point = found[0]
    required = elements(cur, point["type_code"])
    history = inspections(cur, checkpoint_id, limit)
    latest = history[0] if history else None
    current = []
    for element in required:
        result = (latest or {}).get("results", {}).get(element["code"])
        current.append({**element, **(result or {"passed": None, "carried": False, "note": None})})
    cur.execute(sql_text("checkpoint_rectifications"), {"id": checkpoint_id})
    cases = _rows(cur)
    cur.execute(
        sql_text("checkpoint_cameras_near"), {"id": checkpoint_id, "range_m": get_settings().checkpoint_camera_m}
    )
    cameras = _rows(cur)
    return {
        **point,
        "elements": current,
        "latest": latest,
        "compliant": latest is not None and all(e["passed"] for e in current),
        "compliance": latest["compliance"] if latest else None,
        "history": history,
        "rectifications": cases,
        "open_rectifications": [c for c in cases if c["is_open"]],
        "cameras": cameras if any(e["device"] == "camera" for e in required) else [],
    }


def summary(cur, checkpoint_id: int, inspection_id: int) -> dict[str, Any] | None:
    """One recorded inspection in the shape ``record.record`` answers with."""
    cur.execute(sql_text("inspection_summary"), {"checkpoint_id": checkpoint_id, "id": inspection_id})
    found = _rows(cur)
    if not found:
        return None
    row = found[0]
    row["cases"] = [
        {"element": code, "case_id": case_id, "opened": None} for code, case_id in zip(row.pop("codes"), row.pop("ids"))
    ]
    return row


def by_external_id(cur, checkpoint_id: int, external_id: str) -> dict[str, Any] | None:
    """The inspection recorded under (checkpoint, external id), as ``summary`` shows it."""
    cur.execute(sql_text("inspection_by_external_id"), {"checkpoint_id": checkpoint_id, "external_id": external_id})
    found = cur.fetchone()
    return summary(cur, checkpoint_id, found[0]) if found else None
