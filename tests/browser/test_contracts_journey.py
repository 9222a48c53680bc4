"""A call-off contract in a real browser, axe on every page: an awarded placement request (set up
through the pages' requests, as tests/contracts does) becomes a draft contract; the commissioner
completes and sends it; the provider accepts it; the provider records three months of delivery;
the commissioner approves the statements; an outcome is named, evidenced by the provider with a
document from its library and agreed, and its released money is paid on the next statement; the
commissioner exports the statements to finance once (after which nothing is waiting), extends
the contract, and makes a direct call-off on a published ground.

Delivery can only be submitted for months that have ended: the live app's KPI_TODAY (the day
delivery, as KPI returns, thinks it is) is set three months past the contract's start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import COMMISSIONER
from portal.contracts.models import DIRECT_GROUNDS, Contract
from portal.contracts.services.catalogue import ensure_starting_outcomes
from portal.core.db import db
from portal.kpi_returns import months
from tests.browser.people import fill_date, landed, sign_in
from tests.contracts.contract_pages import award_placement, contracts
from tests.contracts.outcome_helpers import clean_document
from tests.support import factories


@pytest.fixture
def on_lot(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def deliver(page: Page, contract_url: str, month: date, title: str) -> None:
    """The provider records the month's delivery from the contract page: 8 hours of 10
    sessions offered, 8 attended, 2 missed through absence."""
    name = month.strftime("%B %Y")
    page.get_by_role("link", name=name, exact=True).click()
    landed(page, f"Delivery for {name}")
    page.get_by_label("Units delivered").fill("8")
    page.get_by_label("Sessions offered").fill("10")
    page.get_by_label("Sessions attended").fill("8")
    page.locator("#cancelled_child_absent").fill("2")
    page.get_by_label("Notes").fill("Good progress; two sessions missed through illness.")
    page.get_by_role("button", name="Submit delivery").click()
    landed(page, f"Delivery for {name}", f"Your delivery for {months.month_name(month)} has")
    page.goto(contract_url)
    landed(page, title)


def approve(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/contracts/statements")
    landed(page, "Self-billing statements")
    page.get_by_role("link", name=number).click()
    landed(page, f"Self-billing statement {number}")
    page.get_by_role("button", name="Approve statement").click()
    landed(page, f"Self-billing statement {number}", f"Statement {number} approved")


def test_a_contract_in_the_browser(
    page: Page,
    new_page,
    live_server,
    live_app,
    commissioner,
    commissioner_client,
    provider_client,
    on_lot,
):
    base = live_server
    # Set up through the pages' requests: a placement request quoted for, scored and awarded
    # without a standstill, which makes the draft contract; a document in the provider's
    # library to give as evidence.
    award_placement(commissioner_client, commissioner, provider_client, on_lot)
    (draft,) = contracts()
    contract_url = f"{base}/contracts/{draft.id}"
    title, reference, start = draft.title, draft.reference, draft.start_on
    clean_document(on_lot, "Attendance report")
    ensure_starting_outcomes()  # the lots' outcome catalogue
    # Another commissioner works in the browser: the first's code was used by its client, and
    # a code is accepted once.
    colleague = factories.make_user(
        "commissioner-2@council.example.org", role=COMMISSIONER, two_factor=True
    )
    staff = (colleague.email, colleague.totp_secret)
    organisation_name = on_lot.legal_name
    db.session.commit()
    first = months.first_of(start)
    delivered = [months.add_months(first, n) for n in range(3)]
    live_app.config["KPI_TODAY"] = months.add_months(first, 3) + timedelta(days=4)
    try:
        _journey(page, new_page, base, contract_url, staff, title, reference, start, delivered,
                 organisation_name)  # fmt: skip
    finally:
        live_app.config.pop("KPI_TODAY", None)


def _journey(  # noqa: PLR0913 - what the set-up made, for the steps in the browser
    page, new_page, base, contract_url, staff, title, reference, start, delivered,
    organisation_name,
):  # fmt: skip
    # The commissioner completes the draft from its home page and sends it.
    sign_in(page, base, *staff)
    page.get_by_role("link", name=f"Complete and send contract {reference}").click()
    landed(page, f"Complete and send contract {reference}")
    page.get_by_label("SEND", exact=True).check()
    fill_date(page, "end_on", start + timedelta(days=180))
    page.get_by_label("Share held back for outcomes").fill("10")
    page.get_by_role("button", name="Send to the provider").click()
    landed(page, title, f"Contract {reference} has been sent to the provider to accept")

    # The provider accepts it from its home page.
    provider = new_page()
    sign_in(provider, base, "provider-a@example.org")
    provider.get_by_role("link", name=f"Accept contract {reference}").click()
    landed(provider, title)
    provider.get_by_role("button", name="Accept the contract").click()
    landed(provider, title, f"You have accepted contract {reference}. It is now active")

    # The commissioner names an outcome, all the held-back money on it.
    page.goto(contract_url)
    landed(page, title)
    page.get_by_role("link", name="Name the outcomes").click()
    landed(page, "Name the outcomes")
    page.locator("#definition_1").select_option(index=1)
    outcome = page.locator("#definition_1 option").nth(1).inner_text().strip()
    page.locator("#baseline_1").fill("62% attendance")
    page.locator("#target_1").fill("85% attendance")
    fill_date(page, "review_on_1", start + timedelta(days=75))
    page.locator("#share_1").fill("100")
    page.get_by_role("button", name="Save outcomes").click()
    landed(page, "Outcomes", "The contract's outcomes have been saved")

    # Two months delivered and their statements approved: £320 each, £32 held back.
    provider.reload()
    landed(provider, title)
    for month in delivered[:2]:
        deliver(provider, contract_url, month, title)
    earlier = numbers = provider.locator("td a[href*='/statements/']").all_inner_texts()
    assert len(numbers) == 2, numbers
    for number in numbers:
        approve(page, base, number)
        expect(page.locator("main")).to_contain_text("£288")

    # The provider gives evidence for the outcome; the commissioner agrees it was met, which
    # releases the £64 held back so far.
    provider.reload()
    landed(provider, title)
    provider.get_by_role("link", name=f"Give evidence for {outcome}").click()
    landed(provider, f"Give evidence for ‘{outcome}’")
    provider.get_by_label("Progress towards the outcome").fill(
        "Attendance rose from 62% to 88% over the term; the school's report is attached."
    )
    provider.get_by_label("Attendance report").check()
    provider.get_by_role("button", name="Send evidence to the council").click()
    landed(provider, "", "Your evidence has been sent to the council")
    page.goto(contract_url)
    landed(page, title)
    page.get_by_role("link", name=f"Decide {outcome}").click()
    landed(page, f"Decide ‘{outcome}’")
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Reason for the decision").fill("The school's figures show 88%.")
    page.get_by_role("button", name="Save decision").click()
    landed(page, "Outcomes", "The outcome has been decided: met")
    expect(page.locator("main")).to_contain_text("£64")

    # The third month's statement pays the released money: £320 - £32 + £64.
    provider.get_by_role("link", name=f"Contract {reference}").click()
    landed(provider, title)
    deliver(provider, contract_url, delivered[2], title)
    numbers = provider.locator("td a[href*='/statements/']").all_inner_texts()
    (third,) = [number for number in numbers if number not in earlier]
    approve(page, base, third)
    main = page.locator("main")
    expect(main).to_contain_text(outcome)
    expect(main).to_contain_text("£352")

    # One export takes all three statements; then nothing is waiting.
    page.goto(f"{base}/contracts/finance-exports")
    landed(page, "Finance exports")
    expect(main).to_contain_text("3 approved statements waiting, £928 in all")
    page.get_by_role("button", name="Export approved statements").click()
    landed(page, "Finance exports", "3 statements, £928 in all")
    expect(main).to_contain_text("No approved statements are waiting to be exported")
    download = page.get_by_role("link", name="Download export").first.get_attribute("href")
    exported = page.request.get(f"{base}{download}").text()
    assert sorted(number for number in earlier + [third] if number in exported) == sorted(
        earlier + [third]
    ), exported

    # The spend report for those months: the approved spend, its share by kind of provider,
    # and the money held back for the outcome against what its decision released.
    last_day = months.add_months(delivered[-1], 1) - timedelta(days=1)
    page.goto(f"{base}/contracts/reports?from={delivered[0]:%Y-%m-%d}&to={last_day:%Y-%m-%d}")
    landed(page, "Spend and value for money")
    expect(
        page.get_by_role("table", name="Committed value and approved spend by month")
    ).to_contain_text("£928")
    expect(
        page.get_by_role(
            "table", name="Share of spend and of contracts going to SME, VCSE and local providers"
        )
    ).to_be_visible()
    held = page.get_by_role(
        "table", name="Money held back and released, and outcomes decided, by type of service"
    )
    expect(held).to_contain_text("£96")
    expect(held).to_contain_text("£64")

    # The provider sees what the council has approved, from its home page.
    provider.get_by_role("link", name="Home", exact=True).first.click()
    landed(provider, "")
    provider.get_by_role("link", name=f"Delivery and statements for {organisation_name}").click()
    landed(provider, "Delivery and statements")
    expect(provider.locator("main")).to_contain_text("Approved for payment, by month")
    expect(provider.locator("main")).to_contain_text("£352")

    # The commissioner extends the contract by a month.
    page.goto(contract_url)
    landed(page, title)
    page.get_by_role("link", name="Change the end date").click()
    landed(page, f"contract {reference}")
    fill_date(page, "end_on", start + timedelta(days=210))
    page.get_by_label("Reason for the variation").fill("The school asked for a further month.")
    page.get_by_role("button", name="Vary the contract").click()
    landed(page, title, f"Contract {reference} has been varied: version 2")

    # A direct call-off with organisation A, on the urgent-need ground.
    page.goto(f"{base}/contracts")
    landed(page, "Contracts")
    page.get_by_role("button", name="Make a direct call-off").click()
    landed(page, "Make a direct call-off")
    page.get_by_label("Provider", exact=True).select_option(label=organisation_name)
    page.get_by_label("Type of service", exact=True).select_option(label="Mentoring")
    page.get_by_label(DIRECT_GROUNDS["urgent_need"]).check()
    page.get_by_label("Why the ground applies").fill(
        "Excluded last week; the school cannot wait for quotes."
    )
    page.get_by_role("group", name="Commissioning team").get_by_label("SEND", exact=True).check()
    page.get_by_label("Title", exact=True).fill("Mentoring after an exclusion")
    page.get_by_label("Placement reference (optional)").fill("SEND-0433")
    fill_date(page, "start_on", start)
    fill_date(page, "end_on", start + timedelta(days=90))
    page.get_by_label("per session", exact=True).check()
    page.get_by_label("Rate", exact=True).fill("45")
    page.get_by_label("Planned volume", exact=True).fill("30")
    page.get_by_label("Share held back for outcomes").fill("10")
    page.get_by_role("button", name="Make and send the contract").click()
    landed(page, "Mentoring after an exclusion", "has been sent to the provider to accept")
    expect(main).to_contain_text(f"A direct call-off: {DIRECT_GROUNDS['urgent_need']}")
    db.session.rollback()
    assert db.session.query(Contract).count() == 2
