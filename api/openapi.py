"""The OpenAPI 3.1 document of /api/v1, assembled from the pydantic models that validate the
requests and shape the answers."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from api.models import (
    CameraStatusBatch,
    CameraStatusSummary,
    CaseCreate,
    CaseCreated,
    CaseDetail,
    CaseList,
    CaseQuery,
    Category,
    Error,
    TransitionCreate,
)
from settings import get_settings

REF = "#/components/schemas/{model}"
JSON = "application/json"
MAX_ID = 2**63 - 1


def _schemas() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model, mode in (
        (CaseCreate, "validation"),
        (TransitionCreate, "validation"),
        (CameraStatusBatch, "validation"),
        (CameraStatusSummary, "serialization"),
        (CaseCreated, "serialization"),
        (CaseDetail, "serialization"),
        (CaseList, "serialization"),
        (Category, "serialization"),
        (Error, "serialization"),
    ):
        schema = model.model_json_schema(ref_template=REF, mode=mode)
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": {"$ref": REF.format(model=model.__name__)}}}}


def _answer(description: str, schema: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(schema, str):
        schema = {"$ref": REF.format(model=schema)}
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "Malformed JSON or fields (an error for each field), or a NUL character anywhere",
        401: "No API key, or an unknown or revoked one",
        403: "The key may not write this source, or move this case",
        404: "No such case",
        409: "Not allowed from the current status",
        413: "Too many items for one call, or a body too large",
        415: "The body is not JSON",
        422: "The place lies outside the territory",
        503: "The database is unavailable; retry",
    }
    return {str(c): _answer(text[c], "Error") for c in (*codes, 503)}


def _query_parameters() -> list[dict[str, Any]]:
    schema = CaseQuery.model_json_schema(mode="validation")
    params = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        branches = [b for b in prop.pop("anyOf", []) if b.get("type") != "null"]
        if branches:
            prop.update(branches[0])
        prop.pop("title", None)
        description = prop.pop("description", None)
        params.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": prop,
                **({"description": description} if description else {}),
            }
        )
    return params


def _camera_statuses() -> dict[str, Any]:
    """POST /cameras/status: a bare array of statuses, or the same wrapped as ``{"items": [...]}``. The
    batch limit is said in words, not as maxItems: past it the answer is 413, which a schema's
    "invalid data" does not expect."""
    status = {"$ref": REF.format(model="CameraStatus")}
    batch = {"type": "array", "items": status}
    body = {"oneOf": [batch, {"$ref": REF.format(model="CameraStatusBatch")}]}
    return {
        "post": {
            "operationId": "reportCameraStatuses",
            "summary": "Take in a batch of camera statuses (a GB/T 28181 platform or a VMS)",
            "description": "Within the batch the newest status per camera counts; a status is applied only when "
            "newer than the camera's latest, so a batch sent twice changes nothing. Statuses of unknown cameras, "
            "stale or invalid ones are named in problems, and the rest are applied. Online cameras not heard from "
            "for GRIDOPS_CAMERA_STALE_MINUTES go offline, and the camera element of nearby checkpoints follows. "
            f"At most {get_settings().camera_batch_max} statuses per call (GRIDOPS_CAMERA_BATCH_MAX), else 413. "
            "Needs a key with the right 'devices'.",
            "security": KEYED,
            "requestBody": {"required": True, "content": {JSON: {"schema": body}}},
            "responses": {
                "200": _answer("What became of the batch", "CameraStatusSummary"),
                **_errors(400, 401, 413, 415),
                "403": _answer("The key lacks the right 'devices'", "Error"),
            },
        }
    }


CASE_ID = {
    "name": "case_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
KEYED = [{"apiKey": []}]
LINKS = {
    "GetCase": {"operationId": "getCase", "parameters": {"case_id": "$response.body#/case/id"}},
    "ApplyTransition": {"operationId": "applyTransition", "parameters": {"case_id": "$response.body#/case/id"}},
}


@cache
def document() -> dict[str, Any]:
    """The whole document (built once per process)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "GridOps case intake API",
            "version": "1.0.0",
            "description": "Take in citizen cases (12345 hotline, citizen app, grid patrol), move them through "
            "the case loop (派单 → 签收 → 办结 → 评价 → 结案) and search them. Writes need an API key "
            "(gridops apikeys create). Times are ISO 8601 with a zone; coordinates are WGS84 "
            "unless crs says gcj02 or bd09.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        },
        "paths": {
            "/categories": {
                "get": {
                    "operationId": "listCategories",
                    "summary": "Case categories with their SLA hours",
                    "responses": {
                        "200": _answer(
                            "Every category", {"type": "array", "items": {"$ref": REF.format(model="Category")}}
                        ),
                        **_errors(),
                    },
                }
            },
            "/cases": {
                "post": {
                    "operationId": "createCase",
                    "summary": "Take in a case (idempotent on source + external_id)",
                    "security": KEYED,
                    "requestBody": _body(CaseCreate),
                    "responses": {
                        "201": {**_answer("Created", "CaseCreated"), "links": LINKS},
                        "200": _answer("Already taken in: the existing case", "CaseCreated"),
                        **_errors(400, 401, 403, 415, 422),
                    },
                },
                "get": {
                    "operationId": "listCases",
                    "summary": "Search cases, newest first, a page at a time",
                    "parameters": _query_parameters(),
                    "responses": {"200": _answer("One page", "CaseList"), **_errors(400)},
                },
            },
            "/cases/{case_id}": {
                "get": {
                    "operationId": "getCase",
                    "summary": "One case with its event timeline",
                    "parameters": [CASE_ID],
                    "responses": {"200": _answer("The case", "CaseDetail"), **_errors(400, 404)},
                }
            },
            "/cases/{case_id}/transitions": {
                "post": {
                    "operationId": "applyTransition",
                    "summary": "Apply one step of the case loop",
                    "security": KEYED,
                    "parameters": [CASE_ID],
                    "requestBody": _body(TransitionCreate),
                    "responses": {
                        "200": _answer("The case after the step", "CaseDetail"),
                        **_errors(400, 401, 403, 404, 409, 415),
                    },
                }
            },
            "/cameras/status": _camera_statuses(),
        },
    }
