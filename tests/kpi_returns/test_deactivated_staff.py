"""Council staff whose accounts an admin has deactivated (they have left) are not emailed when a
performance escalation opens."""

from tests.kpi_returns.helpers import admit_from, month_ago, submit_return, with_values
from tests.kpi_returns.test_escalations import escalation_emails
from tests.support import factories


def test_a_deactivated_member_of_staff_is_not_told_of_an_escalation(
    provider_client, organisation, reviewer, commissioner, admin_client, kpis
):
    gone = factories.make_user(
        "gone@council.example.org", full_name="Gus Gone", role="reviewer", two_factor=True
    )
    admin_client.post(f"/admin/staff/{gone.id}/deactivate")
    admit_from(organisation, month_ago(4))

    submit_return(provider_client, organisation, month_ago(3), with_values(attendance_rate="60"))
    submit_return(provider_client, organisation, month_ago(2), with_values(attendance_rate="70"))

    council = {email.to_address for email in escalation_emails()} - {"provider-a@example.org"}
    assert council == {reviewer.email, commissioner.email}
