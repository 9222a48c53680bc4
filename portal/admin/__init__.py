"""Administration: council staff accounts and roles (lots, questionnaires, KPIs and the audit
log join as they are built)."""
