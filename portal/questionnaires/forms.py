from portal.core.forms import OnceOnlyForm, submit


class PublishForm(OnceOnlyForm):
    submit = submit("Publish this version")
