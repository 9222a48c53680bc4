"""The reviewers' list of providers (/reviews/providers) as its page reads it: a page of the
organisations with an admission, each with the figures the list shows, read as columns by
statements built once. The rules they show are in portal/admissions/services.py; the rows are
written by portal/reviews/views/provider_rows.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Select, String, bindparam, cast, exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from portal.admissions.models import ADMITTED, Admission
from portal.admissions.services import ProviderFilters, kinds_of
from portal.core.db import db, values_in_text
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.documents import attention as document_attention
from portal.documents import services as documents
from portal.kpi_returns import reports as kpi_reports
from portal.kpi_returns.escalations import open_escalation_count
from portal.kpi_returns.obligations import DueDates, MonthState
from portal.lots.models import Lot
from portal.lots.services import LotChoice
from portal.organisations.models import Organisation
from portal.staff_checks import services as staff_checks


class LotHeld(NamedTuple):
    """One of a provider's admissions as the reviewers' list shows it."""

    lot_name: str
    status: str


class ProviderLine(NamedTuple):
    """A provider as the reviewers' list shows it: a ProviderRow's facts as plain values, read
    as columns (the list shows them, and builds no organisations, admissions or lots)."""

    id: int
    name: str  # Organisation.display_name
    kinds: list[str]
    admissions: list[LotHeld]  # one per lot, in lot order
    call_off_problems: list[str]
    documents_needing_attention: int
    dbs_people: int
    dbs_flagged: int
    last_return: MonthState | None
    open_escalations: int


# What changes from one view of the list to the next, bound: the filters' values and the page's
# first row (the days are call_off_dates', attention_dates' and flag_dates').
_LOT_SLUG = bindparam("lot_slug", type_=String)
_STATUS = bindparam("status", type_=String)
# The page's first row: big, as a page number typed in the query string can be.
_FIRST = bindparam("first", type_=BigInteger)


@cache
def _list_statements(by_lot: bool, by_status: bool) -> tuple[Select, Select]:
    """The count and the page of the reviewers' list filtered by lot, status, both or neither:
    built on the first view of each (four in all), then reused, the filters' values bound and
    the page's others written into its text (values_in_text: planned once a day, not on every
    view). Building the page's statement, with a count per figure the list shows, cost more on
    every view than running it.

    The count is of the matching admissions' organisations, from the admissions alone (every
    admission names an organisation): about half the database's work of testing each
    organisation for one. Each of the page's rows carries it (a statement of its own cost the
    page about 0.3 ms of CPU at 10x, its running aside); the count alone is read only for a page
    past the end, which has no row. The page counts each figure in its own query, one index
    look-up each per organisation, and says whether the call-off rule can find no problem
    (call_off_clear), so that only the providers it might find one for have their mandatory
    documents read."""
    # The column itself, as the helpers below take it (not the mapped attribute).
    organisation_id = Organisation.id.expression
    criteria = []
    if by_lot:
        criteria.append(
            Admission.lot_id == select(Lot.id).where(Lot.slug == _LOT_SLUG).scalar_subquery()
        )
    if by_status:
        criteria.append(Admission.status == _STATUS)
    matching = select(Admission.organisation_id).where(*criteria).distinct().subquery()
    count = select(func.count()).select_from(matching)
    page = kpi_reports.with_last_return(
        select(
            Organisation.id,
            Organisation.legal_name,
            Organisation.trading_name,
            Organisation.is_sme,
            Organisation.is_vcse,
            Organisation.is_local,
            document_attention.needing_attention_count(organisation_id, None).label(
                "needing_attention"
            ),
            staff_checks.register_size(organisation_id).label("dbs_people"),
            staff_checks.flagged_count(organisation_id, None).label("dbs_flagged"),
            open_escalation_count(organisation_id).label("open_escalations"),
            document_attention.call_off_clear(organisation_id).label("call_off_clear"),
            count.scalar_subquery().label("total"),
            _lots_held(organisation_id).label("held"),
        )
        .where(exists().where(Admission.organisation_id == Organisation.id, *criteria))
        .order_by(Organisation.legal_name, Organisation.id)
        .limit(PER_PAGE)
        .offset(_FIRST),
        organisation_id,
    )
    return count, values_in_text(page, keep_bound=(_LOT_SLUG.key, _STATUS.key))


def _lots_held(organisation_id: ColumnElement[int]) -> ScalarSelect[str]:
    """Every admission of the organisation, as "lot_id status" pairs in one string, in no
    order (_in_lot_order): all the list shows of them, read with the page's rows. A statement
    of its own, with the page's ids, cost the page about 0.3 ms of CPU at 10x."""
    return (
        select(func.aggregate_strings(cast(Admission.lot_id, String) + " " + Admission.status, ","))
        .where(Admission.organisation_id == organisation_id)
        .scalar_subquery()
    )


def _in_lot_order(held: str, placed: Mapping[int, tuple[int, str]]) -> list[LotHeld]:
    """The admissions _lots_held read, in lot order, named: `placed` gives each lot's place in
    that order and its name. An organisation holds a lot at most once."""
    pairs = sorted(
        (placed[int(lot_id)], status)
        for lot_id, status in (pair.split(" ") for pair in held.split(","))
    )
    return [LotHeld(name, status) for (_place, name), status in pairs]


def providers_for_reviewers(
    filters: ProviderFilters, number: int, on: date, lots: Sequence[LotChoice]
) -> Page:
    """A page of ProviderLines: every organisation with an admission matching `filters` (all
    its lots shown, in the order of `lots`, every lot as lot_choices gives them), by name. One
    query, however many there are (_list_statements): the page's organisations with how many
    there are in all, every figure the list shows counted in that query, and their admissions;
    a second only when a provider on the page may not be eligible for call-offs, for its
    mandatory documents. Reading the figures in queries of their own, each with the page's 50
    ids, and building each organisation, admission and lot as objects, cost five times as much
    (the reviewers' list at 10x: about 30 ms of CPU a request)."""
    count, page_statement = _list_statements(bool(filters.lot), bool(filters.status))
    filtered: dict[str, Any] = {_LOT_SLUG.key: filters.lot, _STATUS.key: filters.status}
    values = {
        **filtered,
        **document_attention.attention_dates(on),
        **staff_checks.flag_dates(on),
        **document_attention.call_off_dates(on),
    }
    rows, number, total = rows_and_total(
        number,
        lambda first: db.rows(page_statement, {**values, _FIRST.key: first}),
        lambda: db.session.execute(count, filtered).scalar_one(),
    )
    placed = {lot.id: (place, lot.name) for place, lot in enumerate(lots)}
    admissions = {row.id: _in_lot_order(row.held, placed) for row in rows}
    unclear = [
        row.id
        for row in rows
        if not row.call_off_clear and any(held.status == ADMITTED for held in admissions[row.id])
    ]
    call_off_problems = documents.call_off_problems_of(unclear, on) if unclear else {}
    due = DueDates()
    lines = [
        ProviderLine(
            id=row.id,
            name=row.trading_name or row.legal_name,
            kinds=kinds_of(row.is_sme, row.is_vcse, row.is_local),
            admissions=admissions[row.id],
            call_off_problems=call_off_problems.get(row.id, []),
            documents_needing_attention=row.needing_attention,
            dbs_people=row.dbs_people,
            dbs_flagged=row.dbs_flagged,
            last_return=kpi_reports.last_return_in(row, on, due),
            open_escalations=row.open_escalations,
        )
        for row in rows
    ]
    return Page(lines, number, total)
