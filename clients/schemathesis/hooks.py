"""Custom schemathesis checks for the budget GraphQL API (loaded through SCHEMATHESIS_HOOKS).

The API promises that every GraphQL error carries a machine-readable `extensions.code`
(`BAD_USER_INPUT`, `GRAPHQL_VALIDATION_FAILED`, `QUERY_TOO_DEEP`, `TIMEOUT`, ...), including the
errors its abuse limits return on purpose. `graphql_errors_have_code` enforces that on every
response schemathesis receives, whatever the status code.
"""

from __future__ import annotations

import json

import schemathesis

_MAX_SHOWN = 3


def _payload(response):
    """The response body as JSON, or None when there is no JSON body to judge."""
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        # Not JSON: `response_schema_conformance` (malformed JSON) and `not_a_server_error` (5xx)
        # report such responses; this check is about the GraphQL errors inside a JSON body.
        return None


@schemathesis.check
def graphql_errors_have_code(ctx, response, case):
    """Every entry of `errors` is an object whose `extensions.code` is a non-empty string."""
    payload = _payload(response)
    if not isinstance(payload, dict) or "errors" not in payload:
        return True  # nothing to check (skipped)
    errors = payload["errors"]
    if not isinstance(errors, list):
        raise AssertionError(f"`errors` is not a list (HTTP {response.status_code}): {errors!r}")
    missing = []
    for index, error in enumerate(errors):
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if not (isinstance(code, str) and code):
            missing.append((index, error))
    if missing:
        shown = "\n".join(
            f"  errors[{index}]: {json.dumps(error, ensure_ascii=False)[:500]}"
            for index, error in missing[:_MAX_SHOWN]
        )
        more = f"\n  ... and {len(missing) - _MAX_SHOWN} more" if len(missing) > _MAX_SHOWN else ""
        raise AssertionError(
            f"{len(missing)} of {len(errors)} GraphQL error(s) lack a string `extensions.code` "
            f"(HTTP {response.status_code}):\n{shown}{more}"
        )
    return None
