"""Fail-closed tenant scoping, checked on the source and on the database.

Every public function of a repository module (and of the query helpers that play that role)
that builds a query over a tenant-owned table must take ``organization_id`` and use it, or take
a row of a tenant-owned table already loaded inside its tenant and use that row's
``organization_id``. Reads by a key that is unique across tenants live in
``immersio_booking.global_lookups`` only, each with a docstring that says why it is safe.
A new unscoped query makes ``test_every_repository_query_names_its_tenant`` fail.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from types import ModuleType

import httpx
import pytest
from sqlalchemy.exc import NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import immersio_booking
from immersio_booking import global_lookups
from immersio_booking.bookings import repository as bookings
from immersio_booking.db.base import Base
from immersio_booking.db.session import transaction
from immersio_booking.event_types import repository as event_types
from immersio_booking.members import repository as members
from immersio_booking.models import WorkshopWhitelist
from immersio_booking.whitelist import repository as whitelist
from tests import dates
from tests.bookings.helpers import MONDAY, book, teacher_hours, workshop
from tests.erd import NOT_TENANT_OWNED
from tests.factories import Tenant
from tests.helpers import data

TENANT_KEY = "organization_id"

# Query helpers outside ``<domain>/repository.py`` that play the repository role.
QUERY_HELPERS = (
    "immersio_booking.bookings.meeting_links",
    "immersio_booking.payments.credentials",
    "immersio_booking.webhooks.destinations",
    "immersio_booking.webhooks.health",
    "immersio_booking.slots.calendar_busy",
    "immersio_booking.calendars.events_out",
    "immersio_booking.calendars.events_out_queries",
    "immersio_booking.calendars.destination",
    "immersio_booking.calendars.google_oauth",
    "immersio_booking.notifications.email_records",
)

# Calls that build a query: ``select(...)``, ``update(...)``, ``session.get(...)``, ...
QUERY_BUILDERS = frozenset({"select", "update", "delete", "insert"})


def tenant_models() -> frozenset[str]:
    """Class names of the mapped tables that belong to a tenant (``tests/erd.py`` decides)."""
    return frozenset(
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if mapper.class_.__tablename__ not in NOT_TENANT_OWNED
    )


def repository_modules() -> list[str]:
    found = [
        f"immersio_booking.{info.name}.repository"
        for info in pkgutil.iter_modules(immersio_booking.__path__)
        if info.ispkg
        and importlib.util.find_spec(f"immersio_booking.{info.name}.repository") is not None
    ]
    return sorted(found) + list(QUERY_HELPERS)


Function = ast.FunctionDef | ast.AsyncFunctionDef


def _annotation_nodes(function: Function) -> set[int]:
    annotations: list[ast.expr] = [function.returns] if function.returns else []
    for node in ast.walk(function):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
    return {id(part) for annotation in annotations for part in ast.walk(annotation)}


def _builds_query(function: Function) -> bool:
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in QUERY_BUILDERS:
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            target = node.func.value
            if isinstance(target, ast.Name) and target.id == "session":
                return True
    return False


def _tenant_tables_queried(
    function: Function, functions: dict[str, Function], models: frozenset[str], seen: set[str]
) -> set[str]:
    """Tenant models a function queries, itself or through this module's helpers it calls."""
    seen = seen | {function.name}
    found: set[str] = set()
    if _builds_query(function):
        skip = _annotation_nodes(function)
        found |= {
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and node.id in models and id(node) not in skip
        }
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in functions
            and node.func.id not in seen
        ):
            found |= _tenant_tables_queried(functions[node.func.id], functions, models, seen)
    return found


def _uses_tenant_key(function: Function, models: frozenset[str]) -> bool:
    body = [node for statement in function.body for node in ast.walk(statement)]
    parameters = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
    if any(p.arg == TENANT_KEY for p in parameters):
        return any(isinstance(node, ast.Name) and node.id == TENANT_KEY for node in body)
    # A row of a tenant-owned table, loaded inside its tenant, scopes the query by its key.
    rows = {
        p.arg
        for p in parameters
        if p.annotation is not None
        and any(isinstance(n, ast.Name) and n.id in models for n in ast.walk(p.annotation))
    }
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == TENANT_KEY
        and isinstance(node.value, ast.Name)
        and node.value.id in rows
        for node in body
    )


def unscoped_queries(source: str, models: frozenset[str]) -> list[str]:
    """Public functions of ``source`` that query a tenant table without naming the tenant."""
    tree = ast.parse(textwrap.dedent(source))
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    return [
        f"{name} queries {sorted(tables)}"
        for name, function in functions.items()
        if not name.startswith("_")
        and (tables := _tenant_tables_queried(function, functions, models, set()))
        and not _uses_tenant_key(function, models)
    ]


def _source(module: ModuleType) -> str:
    return inspect.getsource(module)


def test_the_walk_covers_the_repositories() -> None:
    modules = repository_modules()
    assert "immersio_booking.bookings.repository" in modules
    assert "immersio_booking.workflows.repository" in modules
    assert len(modules) >= 12 + len(QUERY_HELPERS)
    assert {"Booking", "Attendee", "Payment", "Membership", "ImmersioIntegration"} <= (
        tenant_models()
    )
    assert not {"Team", "User", "ApiKey", "InboxEvent"} & tenant_models()


@pytest.mark.parametrize("module_name", repository_modules())
def test_every_repository_query_names_its_tenant(module_name: str) -> None:
    module = importlib.import_module(module_name)
    problems = unscoped_queries(_source(module), tenant_models())
    assert not problems, (
        f"{module_name}: take `{TENANT_KEY}` and filter by it, or move a lookup by a global key"
        f" to immersio_booking/global_lookups.py with a docstring saying why it is safe: {problems}"
    )


def test_every_global_lookup_says_why_it_is_safe() -> None:
    lookups = [
        (name, function)
        for name, function in inspect.getmembers(global_lookups, inspect.isfunction)
        if function.__module__ == global_lookups.__name__ and not name.startswith("_")
    ]
    assert lookups
    for name, function in lookups:
        doc = inspect.getdoc(function) or ""
        assert "Safe" in doc, f"global_lookups.{name} must say in its docstring why it is safe"


def test_the_check_catches_an_unscoped_query() -> None:
    """The walk fails on the mistakes it exists for (a test that cannot fail is a defect)."""
    models = tenant_models()
    unscoped = """
        async def history(session, booking_id: int):
            return await session.execute(select(Booking).where(Booking.id == booking_id))

        async def by_id(session, booking_id: int):
            return await session.get(Payment, booking_id)

        async def named_but_unused(session, organization_id: int, booking_id: int):
            return await session.execute(select(Attendee).where(Attendee.id == booking_id))

        async def through_a_helper(session, ids):
            return await _statement(session, ids)

        async def _statement(session, ids):
            return select(Booking).where(Booking.id.in_(ids))
    """
    assert [line.split()[0] for line in unscoped_queries(unscoped, models)] == [
        "history",
        "by_id",
        "named_but_unused",
        "through_a_helper",
    ]
    scoped = """
        async def history(session, organization_id: int, booking_id: int):
            return await session.execute(
                select(Booking).where(
                    Booking.organization_id == organization_id, Booking.id == booking_id
                )
            )

        async def of_row(session, workflow: Workflow):
            return select(WorkflowStep).where(
                WorkflowStep.organization_id == workflow.organization_id
            )

        async def not_a_tenant_table(session, user_id: int):
            return await session.get(User, user_id)
    """
    assert unscoped_queries(scoped, models) == []


# Behaviour: a row of school A is not found when asked with school B's id.


async def test_a_school_does_not_reach_another_schools_rows(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    a, b = tenant, other_tenant
    await teacher_hours(client, a)
    et = await workshop(client, a)
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    booking_id, event_type_id = int(booked["id"]), int(et["id"])
    async with transaction(sessionmaker) as session:
        session.add(
            WorkshopWhitelist(
                organization_id=a.id, event_type_id=event_type_id, email="listed@example.com"
            )
        )
    async with transaction(sessionmaker) as session:
        assert (await bookings.attendees_of(session, a.id, [booking_id]))[booking_id]
        assert await bookings.attendees_of(session, b.id, [booking_id]) == {}
        assert await bookings.uids_of(session, a.id, [booking_id]) == {booking_id: booked["uid"]}
        assert await bookings.uids_of(session, b.id, [booking_id]) == {}
        assert (await bookings.for_update(session, a.id, booking_id)).uid == booked["uid"]
        with pytest.raises(NoResultFound):
            await bookings.for_update(session, b.id, booking_id)
        assert await whitelist.on_whitelist(session, a.id, event_type_id, "listed@example.com")
        assert not await whitelist.on_whitelist(session, b.id, event_type_id, "listed@example.com")
        assert await members.membership_of_user(session, a.id, a.id, a.owner_id) is not None
        assert await members.membership_of_user(session, b.id, a.id, a.owner_id) is None
        assert await members.count_owners(session, a.id, a.id) == 1
        assert await members.count_owners(session, b.id, a.id) == 0
        assert a.owner_id in await event_types.accepted_member_ids(session, a.id, a.id)
        assert await event_types.accepted_member_ids(session, b.id, a.id) == []
