"""The upload and apply forms of the admin import pages."""

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="UTF-8 CSV (comma or semicolon) or .xlsx; the template shows the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
    )
    approve = forms.BooleanField(
        label="Approve on import",
        required=False,
        help_text=(
            "Ticked: imported records arrive approved by you and are published to Builder "
            "Backed. Unticked: every imported change is saved as a draft for an approver — "
            "yours too."
        ),
    )

    def __init__(self, *args, can_approve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_approve:
            del self.fields["approve"]


class ApplyForm(forms.Form):
    approve = forms.BooleanField(label="Approve on import", required=False)
