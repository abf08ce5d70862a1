"""Which Dash callbacks a principal held to a few pages may run: a wall display those whose every
output lies on the wall or the case view (component ids ``wall-…`` and ``case-…``, ids.py), a
department's handler those of the workbench and the case view; Dash's page title; and the page
router only for those pages' paths.

The callback that runs is the one the request's ``output`` names (Dash looks it up by that
string), so checking the named outputs checks what runs. A callback added later is refused to a
wall unless its outputs are the wall's.
"""

from __future__ import annotations

import json
import re

import flask

OWN_PREFIXES = ("wall-", "case-")
HARMLESS = {"_pages_dummy"}  # Dash pages' title setter: it reads nothing from the database
ROUTER = {"_pages_content", "_pages_store"}  # Dash pages' router: renders the layout of a path
PATHS = re.compile(r"^/(wall/?|case/[^/]+)$")  # the paths whose layouts a wall may have rendered
# A department's handler works its queue: the workbench and the case view, and reads its notices
# (the notification centre of the page header: ``notice-…``, the signed-in user's own), and opens
# its department's assessment reports (``reports-…``: the list is of what its scope may read).
WORK_PREFIXES = ("work-", "case-", "notice-", "reports-")
WORK_PATHS = re.compile(r"^/(work/?|case/[^/]+|reports/?)$")


def output_ids(output: str) -> list[str]:
    """The component ids of a callback's output string ("id.prop" or "..id.prop...id.prop..")."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    ids = []
    for part in parts:
        component = part.rsplit(".", 1)[0]
        if component.startswith("{"):  # a pattern-matching id: its "type" says whose it is
            try:
                component = str(json.loads(component).get("type", ""))
            except (ValueError, AttributeError):
                component = ""
        ids.append(component)
    return ids


def allowed(request: flask.Request, prefixes: tuple[str, ...] = OWN_PREFIXES, paths: re.Pattern = PATHS) -> bool:
    """True when the callback this request asks for writes only components with ``prefixes`` (or
    renders one of ``paths``): a wall display's by default."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    ids = output_ids(body["output"])
    if all(i.startswith(prefixes) or i in HARMLESS for i in ids):
        return True
    if set(ids) <= ROUTER:
        inputs = body.get("inputs") if isinstance(body.get("inputs"), list) else []
        found = [i.get("value") for i in inputs if isinstance(i, dict) and i.get("property") == "pathname"]
        return len(found) == 1 and isinstance(found[0], str) and paths.match(found[0]) is not None
    return False
