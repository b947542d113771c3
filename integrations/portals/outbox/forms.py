"""The drafting forms — change order, selection group, purchase order: a header and its lines,
read into the contract's body and back.

Each kind is one `WriteForm`: its header form, its line form, how the contract names their fields
(shared/contracts/portals.md, "Resources"), and how to build the body. A 400 from the portal
names the field it refused in the contract's terms (`taxRate`, `lineItems[2].unitCost`,
`options[0].price`; "Fine points"); `WriteForm.error_place` puts the message back on the form
field it came from, so the editor sees it where they typed the value.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms

from integrations.portals.models.outbox import WriteKind
from integrations.portals.outbox.bodies import (
    ChangeOrderLineDraft,
    change_order_body,
    change_order_body_totals,
    decimal_text,
    money_text,
    purchase_order_body_total,
)

HUNDRED = Decimal(100)
DATE = forms.DateInput(attrs={"type": "date"})


class ChangeOrderForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline = forms.DateField(required=False, widget=DATE)
    signature_required = forms.BooleanField(required=False)
    tax_rate_percent = forms.DecimalField(
        label="Tax rate (%)", min_value=0, max_value=Decimal("99.9999"), decimal_places=4,
        initial=0,
    )  # fmt: skip


class ChangeOrderLineForm(forms.Form):
    description = forms.CharField(max_length=500)
    cost_code = forms.CharField(max_length=50)
    quantity = forms.DecimalField(min_value=Decimal("0.0001"), decimal_places=4)
    unit_cost = forms.DecimalField(label="Unit cost", decimal_places=2)
    # No initial value: an untouched extra row must stay "unchanged" (and so be skipped).
    markup_percent = forms.DecimalField(
        label="Markup %", min_value=0, decimal_places=4, required=False
    )
    taxable = forms.BooleanField(required=False)


class SelectionForm(forms.Form):
    category = forms.CharField(max_length=100)
    title = forms.CharField(max_length=300)
    due_date = forms.DateField(required=False, widget=DATE)
    allowance = forms.DecimalField(decimal_places=2, min_value=0, required=False)


class SelectionOptionForm(forms.Form):
    name = forms.CharField(max_length=300)
    price = forms.DecimalField(decimal_places=2)
    vendor = forms.CharField(max_length=200, required=False)


class PurchaseOrderForm(forms.Form):
    vendor_name = forms.CharField(max_length=200)
    vendor_email = forms.EmailField()
    scope_of_work = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class PurchaseOrderLineForm(forms.Form):
    description = forms.CharField(max_length=500)
    cost_code = forms.CharField(max_length=50)
    quantity = forms.DecimalField(min_value=Decimal("0.0001"), decimal_places=4)
    unit_cost = forms.DecimalField(label="Unit cost", decimal_places=2)


class RequireOneLine(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
            raise forms.ValidationError("Add at least one line.")


def change_order_build(header: dict, lines: list[dict]) -> dict:
    """Build a change-order body (the tax rate goes as a fraction)."""
    return change_order_body(
        title=header["title"], description=header["description"], deadline=header["deadline"],
        signature_required=header["signature_required"],
        tax_rate=header["tax_rate_percent"] / HUNDRED,
        lines=[
            ChangeOrderLineDraft(
                line["description"], line["cost_code"], line["quantity"], line["unit_cost"],
                line.get("markup_percent") or Decimal(0), line.get("taxable", False),
            )
            for line in lines
        ],
    )  # fmt: skip


def selection_build(header: dict, lines: list[dict]) -> dict:
    """Build a selection-group body ("Selection": the record without ids/status/timestamps)."""
    allowance, due = header["allowance"], header["due_date"]
    return {
        "category": header["category"],
        "title": header["title"],
        "dueDate": due.isoformat() if due else None,
        "allowance": None if allowance is None else money_text(allowance),
        "options": [
            {"name": o["name"], "price": money_text(o["price"]), **({"vendor": o["vendor"]}
                                                                    if o.get("vendor") else {})}
            for o in lines
        ],
    }  # fmt: skip


def purchase_order_build(header: dict, lines: list[dict]) -> dict:
    """Build a purchase-order body ("Purchase order": vendor, scope, cost-coded lines)."""
    return {
        "vendor": {"name": header["vendor_name"], "email": header["vendor_email"]},
        "scopeOfWork": header["scope_of_work"],
        "lineItems": [
            {"description": line["description"], "costCode": line["cost_code"],
             "quantity": decimal_text(line["quantity"]), "unitCost": money_text(line["unit_cost"])}
            for line in lines
        ],
    }  # fmt: skip


def change_order_header(body: dict) -> dict:
    return {
        "title": body.get("title", ""), "description": body.get("description", ""),
        "deadline": body.get("deadline"), "signature_required": body.get("signatureRequired"),
        "tax_rate_percent": (Decimal(body.get("taxRate") or "0") * HUNDRED).normalize(),
    }  # fmt: skip


def purchase_order_header(body: dict) -> dict:
    vendor = body.get("vendor") or {}
    return {"vendor_name": vendor.get("name"), "vendor_email": vendor.get("email"),
            "scope_of_work": body.get("scopeOfWork")}  # fmt: skip


def selection_header(body: dict) -> dict:
    return {"category": body.get("category"), "title": body.get("title"),
            "due_date": body.get("dueDate"), "allowance": body.get("allowance")}  # fmt: skip


def change_order_rows(body: dict) -> list[tuple[str, Decimal]]:
    """Return a change order's totals as (label, amount) rows, by the contract's formula."""
    totals = change_order_body_totals(body)
    return [("Subtotal", totals.subtotal), ("Markup", totals.markup_total),
            ("Tax", totals.tax_total), ("Total", totals.total)]  # fmt: skip


@dataclass(frozen=True)
class WriteForm:
    """Describe one kind's drafting page: forms, contract field names, body, totals."""

    kind: str
    label: str  # the button and the page title: "New change order"
    header: type[forms.Form]
    line: type[forms.Form]
    header_fields: dict[str, str]  # contract name → form field
    lines_key: str  # the contract's list: "lineItems" or "options"
    line_fields: dict[str, str]
    build: Callable[[dict, list[dict]], dict]
    header_from_body: Callable[[dict], dict]
    totals: Callable[[dict], list[tuple[str, Decimal]]] | None = None

    @property
    def has_totals(self) -> bool:
        return self.totals is not None

    @property
    def formset(self):
        return forms.formset_factory(self.line, formset=RequireOneLine, extra=3, can_delete=True)

    def bound_forms(self, data=None):
        """Return the header form and the line formset, bound to data (or empty)."""
        if data is None:
            return self.header(), self.formset(prefix="lines")
        return self.header(data), self.formset(data, prefix="lines")

    def body(self, form, formset) -> dict:
        """Build the contract's body from valid forms."""
        lines = [f.cleaned_data for f in formset.forms]
        return self.build(form.cleaned_data, [x for x in lines if x and not x.get("DELETE")])

    def data(self, body: dict) -> dict:
        """Turn a stored body into form data, so a returned draft is shown bound (with errors)."""
        data = {k: v for k, v in self.header_from_body(body).items() if v not in (None, False)}
        items = body.get(self.lines_key) or []
        data |= {"lines-TOTAL_FORMS": str(len(items) + 1), "lines-INITIAL_FORMS": "0"}
        for k, item in enumerate(items):
            for key, name in self.line_fields.items():
                value = item.get(key)
                if value not in (None, False):
                    data[f"lines-{k}-{name}"] = value
        return data

    def error_place(self, form, formset, field: str, message: str) -> None:
        """Show the portal's refusal on the form field it names (the form, when none matches)."""
        if field in self.header_fields:
            form.add_error(self.header_fields[field], message)
            return
        match = re.match(rf"^{self.lines_key}\[(\d+)\]\.(\w+)$", field or "")
        if match and int(match[1]) < len(formset.forms) and match[2] in self.line_fields:
            formset.forms[int(match[1])].add_error(self.line_fields[match[2]], message)
            return
        form.add_error(None, f"{field}: {message}" if field else message)


WRITE_FORMS = {
    WriteKind.CHANGE_ORDER: WriteForm(
        WriteKind.CHANGE_ORDER, "New change order", ChangeOrderForm, ChangeOrderLineForm,
        {"title": "title", "description": "description", "deadline": "deadline",
         "signatureRequired": "signature_required", "taxRate": "tax_rate_percent"},
        "lineItems",
        {"description": "description", "costCode": "cost_code", "quantity": "quantity",
         "unitCost": "unit_cost", "markupPercent": "markup_percent", "taxable": "taxable"},
        change_order_build, change_order_header, change_order_rows,
    ),
    WriteKind.SELECTION: WriteForm(
        WriteKind.SELECTION, "New selection group", SelectionForm, SelectionOptionForm,
        {"category": "category", "title": "title", "dueDate": "due_date",
         "allowance": "allowance"},
        "options", {"name": "name", "price": "price", "vendor": "vendor"},
        selection_build, selection_header,
    ),
    WriteKind.PURCHASE_ORDER: WriteForm(
        WriteKind.PURCHASE_ORDER, "New purchase order", PurchaseOrderForm, PurchaseOrderLineForm,
        {"vendor.name": "vendor_name", "vendor.email": "vendor_email",
         "vendor": "vendor_name", "scopeOfWork": "scope_of_work"},
        "lineItems",
        {"description": "description", "costCode": "cost_code", "quantity": "quantity",
         "unitCost": "unit_cost"},
        purchase_order_build, purchase_order_header,
        lambda body: [("Total", purchase_order_body_total(body))],
    ),
}  # fmt: skip


def write_title(kind: str, body: dict) -> str:
    """Return the short title a write is listed by."""
    if kind == WriteKind.PURCHASE_ORDER:
        return f"{(body.get('vendor') or {}).get('name', '')}: {body.get('scopeOfWork', '')}"[:300]
    return str(body.get("title") or "")
