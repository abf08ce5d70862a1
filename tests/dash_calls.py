"""Test helpers: callback requests built the way Dash's renderer builds them, from a callback's
spec (an entry of ``app.callback_map`` or of ``/_dash-dependencies``) and the values of its
components."""

from __future__ import annotations

ROUTER_ID = "_pages_content"


def output_parts(output: str) -> list[dict]:
    """The outputs named by a callback's output string ("id.prop" or "..id.prop...id.prop.."; a
    callback without outputs is named by a hash alone)."""
    if "." not in output:
        return []
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]


def body(output: str, spec: dict, values: dict) -> dict:
    """The request body of one callback, each input and state taken from ``values[(id, prop)]``."""

    def fill(items):
        return [
            {"id": i["id"], "property": i["property"], "value": values.get((i["id"], i["property"]))} for i in items
        ]

    outputs = output_parts(output)
    inputs = fill(spec.get("inputs", []))
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") or not outputs else outputs[0],
        "inputs": inputs,
        "state": fill(spec.get("state", [])),
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else [],
    }


def router(output: str, spec: dict, path: str, search: str = "") -> dict:
    """The page router's request for a path: it answers with the page's layout."""
    values = {
        ("_pages_location", "pathname"): path,
        ("_pages_location", "search"): search,
        ("_pages_location", "hash"): "",
        ("_pages_location", "href"): f"http://127.0.0.1{path}{search}",
    }
    return body(output, spec, values)


def router_spec(http, server: str) -> tuple[str, dict]:
    """The page router's output string and spec, as the served app lists them."""
    deps = http.get(f"{server}/_dash-dependencies", timeout=20).json()
    dep = next(d for d in deps if f"{ROUTER_ID}.children" in d["output"])
    return dep["output"], dep
