"""schemathesis over ``/openapi.json``, in process against the ASGI app, as a school's owner.

Every operation gets a bounded number of generated requests (valid and invalid ones); each
answer is checked: no server error, the body matches the documented schema, the status is
documented. Failures are gathered, not shrunk, so the run stays short and the report counts
them by kind (printed in the test's output).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests.factories import Tenant

pytestmark = pytest.mark.schema

EXAMPLES_PER_OPERATION = 6
# No outside service answers here (Stripe's checkout, Zoom, Google): their 502/503 replies are
# the documented ones and are counted apart; any other 5xx is a failure.
OUTSIDE_SERVICE_DOWN = frozenset({502, 503})


def no_internal_error(ctx: Any, response: Any, case: Any) -> None:  # noqa: ARG001 (a check's signature)
    if response.status_code < 500:
        return
    body = response.json() if "json" in response.headers.get("content-type", [""])[0] else {}
    reason = ((body.get("error") or {}).get("details") or {}).get("reason")
    if response.status_code in OUTSIDE_SERVICE_DOWN and reason not in (None, "internal_error"):
        return
    raise ServerError(
        operation=case.operation.label,
        status_code=response.status_code,
        message=f"{response.status_code} {response.text[:200]}",
    )


CHECKS = [no_internal_error, response_schema_conformance, status_code_conformance]
# Operations that end the caller's own credential: a generated call would revoke the key the
# rest of the run uses. Their own tests cover them (tests/auth).
ENDS_THE_CALLERS_KEY = frozenset(
    {("DELETE", "/v2/api-keys/{keyId}"), ("POST", "/v2/api-keys/refresh")}
)
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def _aimed_at(tenant: Tenant, case: Any, pick: bool) -> Any:
    """Half the cases name the school itself, so they reach past the tenant check."""
    if pick and case.path_parameters and "orgId" in case.path_parameters:
        case.path_parameters["orgId"] = tenant.id
    return case


def _run(operation: Any, tenant: Tenant, failures: Counter[str], seen: list[str]) -> int:
    cases = 0
    headers = {"Authorization": f"Bearer {tenant.owner_key}"}
    strategy = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in MODES))

    @given(case=strategy, pick=st.booleans())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any, pick: bool) -> None:
        nonlocal cases
        cases += 1
        try:
            response = _aimed_at(tenant, case, pick).call_and_validate(
                headers=headers, checks=CHECKS
            )
            if response.status_code in OUTSIDE_SERVICE_DOWN:
                failures[f"outside service down ({response.status_code}, not a failure)"] += 1
        except (Failure, FailureGroup) as found:
            for failure in getattr(found, "exceptions", (found,)):
                failures[type(failure).__name__] += 1
                seen.append(f"{operation.label}: {failure.title}: {failure.message[:300]}")

    call()
    return cases


def test_every_operation_answers_as_documented(
    settings: Settings, tenant: Tenant, request: pytest.FixtureRequest
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))
    failures: Counter[str] = Counter()
    seen: list[str] = []
    operations = cases = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in ENDS_THE_CALLERS_KEY:
            continue
        operations += 1
        cases += _run(operation, tenant, failures, seen)
    report = request.config.pluginmanager.get_plugin("terminalreporter")
    summary = f"schemathesis: {operations} operations, {cases} cases, {dict(failures)}"
    for line in (summary, *sorted(set(seen))[:80]):
        report.write_line(line)
    assert not seen, f"{len(seen)} failures: {dict(failures)}"
    assert operations > 140 and cases >= operations * EXAMPLES_PER_OPERATION // 2
