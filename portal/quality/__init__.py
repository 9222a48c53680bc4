"""Quality: visits and audits against a versioned checklist, action plans, provider review
meetings and the provider risk rating (DESIGN.md, "Quality")."""
