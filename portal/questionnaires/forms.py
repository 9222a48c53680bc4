from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from portal.core.forms import OnceOnlyForm, submit


class PublishForm(OnceOnlyForm):
    submit = submit("Publish this version")


class UploadForm(OnceOnlyForm):
    file = FileField(
        "Upload a questionnaire file",
        widget=GovFileInput(),
        description="A YAML file, ending .yaml or .yml, smaller than 1MB.",
    )
    submit = submit("Upload")
