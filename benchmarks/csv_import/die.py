"""django-import-export 4.x set up for Home as its documentation shows — benchmark only.

One ModelResource naming the columns, a ForeignKeyWidget for the neighborhood by external id,
`import_id_fields` for updates, model validation on (our import validates every cell too), and
the homeowner of the row created in `after_save_instance`. Imported with `import_data` twice: a
dry run (the preview) and the real import, like its admin's confirm step.
"""

from import_export import fields, resources, widgets

from homes.models import Home, Homeowner
from locations.models import Neighborhood

COLUMNS = {
    "external_id": "externalId", "address_line1": "addressLine1",
    "address_line2": "addressLine2", "city": "city", "state": "state",
    "postal_code": "postalCode", "home_type": "type", "job_id": "jobId",
    "product_collection": "productCollection", "home_model": "model",
}  # fmt: skip


def text_field(attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=COLUMNS[attribute])


class HomeResource(resources.ModelResource):
    external_id = text_field("external_id")
    address_line1 = text_field("address_line1")
    address_line2 = text_field("address_line2")
    city = text_field("city")
    state = text_field("state")
    postal_code = text_field("postal_code")
    home_type = text_field("home_type")
    job_id = text_field("job_id")
    product_collection = text_field("product_collection")
    home_model = text_field("home_model")
    neighborhood = fields.Field(
        attribute="neighborhood",
        column_name="neighborhoodExternalId",
        widget=widgets.ForeignKeyWidget(Neighborhood, field="external_id"),
    )
    market_home = fields.Field(
        attribute="market_home", column_name="marketHome", widget=widgets.BooleanWidget()
    )
    closing_date = fields.Field(
        attribute="closing_date",
        column_name="closingDate",
        widget=widgets.DateWidget(format="%Y-%m-%d"),
    )
    scheduled_closing_date = fields.Field(
        attribute="scheduled_closing_date",
        column_name="scheduledClosingDate",
        widget=widgets.DateWidget(format="%m/%d/%Y"),
    )

    class Meta:
        model = Home
        import_id_fields = ("external_id",)
        fields = (*COLUMNS, "neighborhood", "market_home", "closing_date",
                  "scheduled_closing_date")  # fmt: skip
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def after_save_instance(self, instance, row, **kwargs):
        if row.get("homeowner1Email") and not instance.homeowners.exists():
            Homeowner.objects.create(
                home=instance,
                email=row["homeowner1Email"],
                first_name=row["homeowner1FirstName"],
                middle_name=row["homeowner1MiddleName"],
                last_name=row["homeowner1LastName"],
                prefix=row["homeowner1Prefix"],
                suffix=row["homeowner1Suffix"],
            )
